"""The experts' and evaluation rows of rulebook.defaults (issue 6): reserves, answer hours, the
deviation and abnormally-low-price shares, explanation hours, the suspension cap; idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0005_supplier_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
