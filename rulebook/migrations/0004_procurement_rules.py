"""The procurement rows of rulebook.defaults (issue 4): bands, time limits, bonds, panel, scoring,
award, challenges and contracts; idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0003_credit_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
