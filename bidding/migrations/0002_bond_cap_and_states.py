"""Bonds: the lot's cap stored on the row (the database refuses an amount above it), the agency's
reason when it does not accept a lodged bond, and the states' required fields."""

from decimal import Decimal

from django.db import migrations, models


def cap_existing(apps, schema_editor):
    # Rows from before the cap existed (none in practice): their own amount is their cap.
    apps.get_model("bidding", "Bond").objects.update(cap=models.F("amount"))


class Migration(migrations.Migration):
    dependencies = [
        ("bidding", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bond",
            name="cap",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0"), max_digits=18, verbose_name="cap (CNY)"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(cap_existing, migrations.RunPython.noop),
        migrations.AddField(
            model_name="bond",
            name="rejection_reason",
            field=models.TextField(blank=True, verbose_name="why the agency did not accept it"),
        ),
        migrations.AddConstraint(
            model_name="bond",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__lte", models.F("cap"))),
                name="bond_amount_within_cap",
                violation_error_code="above_cap",
                violation_error_message="A bid bond may not exceed the lot's cap.",
            ),
        ),
        migrations.AddConstraint(
            model_name="bond",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "required"),
                    models.Q(models.Q(("form", ""), _negated=True), ("lodged_at__isnull", False)),
                    _connector="OR",
                ),
                name="bond_lodged_has_form",
                violation_error_code="not_lodged",
            ),
        ),
        migrations.AddConstraint(
            model_name="bond",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["refundable", "refunded"]), _negated=True),
                    ("refund_due_on__isnull", False),
                    _connector="OR",
                ),
                name="bond_refundable_has_due_date",
                violation_error_code="no_refund_due_date",
            ),
        ),
        migrations.AddConstraint(
            model_name="bond",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "refunded"), _negated=True),
                    ("refunded_at__isnull", False),
                    _connector="OR",
                ),
                name="bond_refunded_has_time",
                violation_error_code="no_refund_time",
            ),
        ),
    ]
