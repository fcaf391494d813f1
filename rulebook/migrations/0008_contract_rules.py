"""The rulebook rows of contracts (signing warning, redaction of the published contract, the time
to pay a small or micro enterprise); idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0007_avoidance_years")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
