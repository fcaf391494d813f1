"""contracts/demo.py: a plain load_demo (the earlier apps' demos loaded first) answers zz_supplier's
challenge to the Yuxi lot's result as yx_agency, dates the result back three weeks so that its
challenge window has closed, and takes the lot through the real services to a contract signed by
both parties (both signatures verify) and published, its first milestone delivered, accepted and
paid, and a financing application to yx_bank awaiting the bank's decision. Loading again adds
nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY
from accounts.models import Organisation
from audit.models import AuditEvent
from bidding import demo as bidding_demo
from bidding.award.models import Award
from bidding.challenges import selectors as challenge_selectors
from bidding.challenges.models import Challenge
from contracts import demo, signing
from contracts.financing.models import FinancingApplication
from contracts.models import Contract, Signature
from contracts.performance.models import Acceptance, Milestone, PaymentApplication
from procurement.models import Lot, Notice
from rulebook.selectors import add_working_days, rule_int
from suppliers.models import SupplierProfile
from tests.procurement.conftest import declared_next_year  # noqa: F401 - a fixture
from tests.suppliers.fixtures import make_profile

pytestmark = pytest.mark.django_db

DEMO_SUPPLIERS = ("jx_supplier", "jx_supplier2", "yx_supplier", "my_supplier", "zz_supplier")


@pytest.fixture
def loaded(declared_next_year):  # noqa: F811
    """The whole demo (as tests/bidding/test_evaluation_demo.py loads it)."""
    call_command("load_demo")
    missing = Organisation.objects.filter(
        memberships__user__username__in=DEMO_SUPPLIERS, supplier_profile__isnull=True
    ).distinct()
    if missing:
        for organisation in missing:
            make_profile(organisation, status=SupplierProfile.Status.APPROVED)
        bidding_demo.load()
        demo.load()
    return Lot.objects.get(project__title_zh=demo.YUXI_PROJECT, number=1)


def _counts():
    return (
        Contract.objects.count(),
        Signature.objects.count(),
        Milestone.objects.count(),
        Acceptance.objects.count(),
        PaymentApplication.objects.count(),
        FinancingApplication.objects.count(),
        Notice.objects.count(),
        TOTPDevice.objects.count(),
        AuditEvent.objects.exclude(action__startswith="credit.").count(),
    )


def test_the_demo_contract_through_the_services(loaded):
    lot = loaded
    award = Award.objects.get(lot=lot, status=Award.Status.CONFIRMED)
    clerk, rep = demo._user("yx_clerk"), demo._representative(award.winner.supplier)
    assert rep.username == "my_supplier"  # the lowest price wins the inquiry
    for user in (clerk, rep):  # so that they can sign in the browser (`make demo-code WHO=…`)
        assert TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY, confirmed=True).exists()

    # The challenge answered by the agency, not upheld; the result dated back so that its window closed.
    challenge = Challenge.objects.select_related("answered_by").get(lot=lot)
    assert challenge.status == Challenge.Status.ANSWERED and challenge.upheld is False
    assert challenge.answered_by.username == "yx_agency" and "检出限" in challenge.answer
    assert AuditEvent.objects.filter(
        action="bidding.challenge_answered", object_id=str(challenge.pk)
    ).exists()
    award.refresh_from_db()
    today = challenge_selectors.today()
    rules_on = challenge_selectors.rules_date(lot)
    assert challenge_selectors.contracting_window_end(award, rules_on=rules_on) < today
    back = datetime.timedelta(days=demo.RESULT_DAYS_BACK)
    assert timezone.localdate(award.result_notice.published_at) <= today - back
    assert timezone.localdate(award.confirmed_at) == timezone.localdate(award.result_notice.published_at)
    assert award.notice_stands_until == add_working_days(
        timezone.localdate(award.result_notice.published_at),
        rule_int("result_notice.standing_working_days", on=rules_on),
    )

    lot.refresh_from_db()
    assert lot.status == Lot.Status.CONTRACTING
    contract = Contract.objects.get(lot=lot)
    assert contract.status == Contract.Status.IN_PERFORMANCE and contract.notice_id
    assert contract.supplier == award.winner.supplier and contract.amount == award.amount
    assert set(contract.signatures.values_list("party", flat=True)) == {"purchaser", "supplier"}
    first, second = contract.milestones.order_by("number")
    assert first.status == Milestone.Status.ACCEPTED and second.status == Milestone.Status.PENDING
    assert first.amount + second.amount == contract.amount
    assert first.acceptances.get().notice_id
    payment = PaymentApplication.objects.get(contract=contract)
    assert payment.status == PaymentApplication.Status.PAID and payment.paid_amount == first.amount
    financing = FinancingApplication.objects.get(contract=contract)
    assert financing.status == FinancingApplication.Status.SUBMITTED
    assert financing.bank.name_zh == "滇中银行玉溪分行" and financing.amount <= second.amount

    stands_until = award.notice_stands_until
    with contract.pdf.open("rb") as handle:
        verified = signing.verify_pdf(handle.read())
    assert len(verified) == 2 and all(v.ok for v in verified)

    before = _counts()
    assert demo.load() == []
    call_command("load_demo")
    assert _counts() == before
    award.refresh_from_db()
    assert award.notice_stands_until == stands_until  # not dated back again
