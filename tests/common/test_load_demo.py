"""manage.py load_demo --except APP leaves that app's demo data out (the browser walks leave out
the contracts demo, whose signed contract they do not walk)."""

import io

from django.apps import apps
from django.core.management import call_command

from accounts.models import User


def test_every_app_left_out_loads_nothing(db):
    out = io.StringIO()
    labels = [config.label for config in apps.get_app_configs()]
    call_command("load_demo", except_apps=labels, stdout=out)
    assert out.getvalue().strip() == "Demo data was already loaded."
    assert not User.objects.filter(email__endswith="@demo.sunlight.invalid").exists()
