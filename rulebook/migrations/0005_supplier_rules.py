"""The suppliers' row of rulebook.defaults (issue 5): the warning before a licence expires; idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0004_procurement_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
