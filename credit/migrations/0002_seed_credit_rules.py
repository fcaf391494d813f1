"""Seed the credit rule catalogue (credit.catalogue); idempotent, existing rows are kept.

Not audited: the seed rows are part of the reviewed code; later edits in the admin are audited.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from credit.catalogue import seed_credit_rules

    seed_credit_rules(rule_model=apps.get_model("credit", "CreditRule"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
