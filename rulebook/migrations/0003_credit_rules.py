"""The credit rows of rulebook.defaults (issue 3) and the credit-points unit; idempotent."""

from django.db import migrations, models


def seed(apps, schema_editor):
    from rulebook.services import seed_default_rules

    seed_default_rules(rule_model=apps.get_model("rulebook", "Rule"), record=False)


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0002_seed_default_rules")]

    operations = [
        migrations.AlterField(
            model_name="rule",
            name="unit",
            field=models.CharField(
                choices=[
                    ("days", "days"),
                    ("working_days", "working days"),
                    ("percent", "percent"),
                    ("amount_cny", "amount (CNY)"),
                    ("count", "count"),
                    ("years", "years"),
                    ("points", "credit points"),
                ],
                max_length=16,
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
