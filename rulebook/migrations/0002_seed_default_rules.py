"""Seed the default rules (rulebook.defaults); idempotent, existing rows are kept.

Later issues that add rows to rulebook.defaults add a migration like this one. Not audited: the
seed rows are part of the reviewed code (the seed_rules command, run later, is audited).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
