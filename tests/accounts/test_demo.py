from django.core.management import call_command
from stdnum.cn import uscc

from accounts import demo
from accounts.models import Membership, Organisation, Role
from audit.models import AuditEvent


def test_demo_has_every_role_in_four_regions_and_loads_once(db, capsys):
    call_command("load_demo")
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    regions = set(Organisation.objects.values_list("region_code", flat=True))
    assert {"330400", "510700", "410100", "530400"} <= regions
    assert all(uscc.is_valid(code) for code in Organisation.objects.values_list("uscc", flat=True))
    assert all(o.name_zh and o.name_en for o in Organisation.objects.all())
    count = Organisation.objects.count()
    events = AuditEvent.objects.count()
    assert events >= count  # every demo organisation's creation is on the chain
    call_command("load_demo")
    assert Organisation.objects.count() == count
    call_command("load_demo", "--print-logins")
    out = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in out
    assert "jx_approver" in out and "[second factor]" in out
