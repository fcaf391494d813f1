"""The rulebook row of the experts' avoidance window (panel.avoidance_years, 3 years); idempotent."""

from django.db import migrations


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0006_evaluation_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
