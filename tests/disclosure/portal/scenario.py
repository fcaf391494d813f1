"""One public project for the portal's tests, built once per test module (see conftest.py).

The tender, the bids and the opening go through the real services (the receipts, the sealed
prices, the opening record and the audit events are the real ones); the evaluation's result, the
award, the contract, the acceptance and the breach are written row by row, as the shared
fixtures do (tests/evaluation_fixtures.py, tests/bidding/test_challenges_fixtures.py,
tests/contracts/fixtures.py), since these tests are about what the portal shows, not how those
records come about.

- project: two lots. Lot 1: three opened bids (200,000 small enterprise, 210,000, 220,000 medium),
  a seated panel (four experts, the clerk), the result published (the cheapest first, the dearest
  failed its qualification review), the draw published, a contract in performance with its notice
  and public copy, an accepted first milestone, a late-delivery breach. Lot 2: one sealed bid of
  SEALED_PRICE, not opened (its lot is past the deadline and waits for the officers).
- a scheduled correction notice of the project (published in three days), and another project
  whose only notice is scheduled: neither may show anywhere.
- a signed checkpoint after all of it.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, Role, User
from audit.services import record_checkpoint
from bidding import services as bidding_services
from bidding.award.models import Award
from bidding.evaluation.models import BidAssessment, Evaluation
from bidding.evaluation.services import start_evaluation
from bidding.models import Bid
from contracts.models import Contract
from contracts.performance.models import Acceptance, Breach, Milestone
from experts.models import ExpertProfile
from experts.panels import publish_draw
from procurement import services as procurement_services
from procurement.models import Lot, Notice, Project
from rulebook import calendar
from rulebook.services import declare_calendar_year
from suppliers.models import SupplierProfile
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory, make_uscc
from tests.bidding.helpers import pass_deadline, pdf_bytes, prepare_bid
from tests.contracts.fixtures import make_contract
from tests.evaluation_fixtures import seat_panel
from tests.procurement.conftest import approve, file_project, make_publishable
from tests.suppliers.fixtures import make_profile

SEALED_PRICE = "777777.77"
SCHEDULED_TITLE = "定时更正公告-尚未发布"
SCHEDULED_TITLE_EN = "Scheduled correction, not yet out"


@dataclass
class Scenario:
    project: Project
    lot: Lot  # lot 1: opened, awarded, contracted
    sealed_lot: Lot  # lot 2: one sealed bid, not opened
    bids: list[Bid]  # lot 1's, cheapest first
    sealed_bid: Bid
    representatives: list[User]  # of bids, in the same order
    sealed_representative: User
    award: Award
    contract: Contract
    scheduled: Notice
    hidden_project: Project  # only a scheduled notice
    clerk: User
    officer: User


def member(role, organisation=None, **fields) -> User:
    """A user acting in a new membership (tests/accounts/fixtures.py make_member, without pytest)."""
    organisation = organisation or OrganisationFactory(
        kind=Organisation.Kind.AGENCY if role == Role.AGENCY_OFFICER else _kind(role)
    )
    user = UserFactory()
    membership = MembershipFactory(user=user, organisation=organisation, role=role, **fields)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    if membership.requires_second_factor and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _kind(role) -> str:
    from accounts.models import ROLE_ORGANISATION_KINDS

    return sorted(ROLE_ORGANISATION_KINDS[role])[0]


def supplier(size) -> User:
    organisation = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, region_code="330400")
    representative = member(Role.SUPPLIER_REPRESENTATIVE, organisation=organisation)
    make_profile(organisation, enterprise_size=size)
    return representative


def notice(project: Project, kind: str, title_zh: str, title_en: str, *, at=None, attachment: bytes = b""):
    """A published notice row (bodies in both languages), with a PDF attachment if given."""
    row = Notice(
        project=project,
        kind=kind,
        title_zh=title_zh,
        title_en=title_en,
        body_zh=f"{title_zh}。",
        body_en=f"{title_en}.",
        region_code=project.purchaser.region_code,
        category=project.category,
        method=project.method,
        published_at=at or timezone.now(),
    )
    if attachment:
        row.attachment_sha256 = hashlib.sha256(attachment).hexdigest()
        row.attachment.save(f"{kind}.pdf", ContentFile(attachment), save=False)
    row.save()
    return row


def _declare_next_year() -> None:
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试：按周末排定",
            reason_en="Test: weekends only",
            actor=member(Role.OPERATOR),
        )


def build() -> Scenario:
    _declare_next_year()
    purchaser = OrganisationFactory(
        kind=Organisation.Kind.PURCHASER,
        region_code="330400",
        name_zh="嘉兴市测试学校",
        name_en="Jiaxing Test School",
        uscc=make_uscc(1),
    )
    agency = OrganisationFactory(
        kind=Organisation.Kind.AGENCY,
        region_code="330400",
        name_zh="嘉兴市测试采购代理有限公司",
        name_en="Jiaxing Test Agency",
        uscc=make_uscc(2),
    )
    clerk = member(Role.PURCHASER_CLERK, organisation=purchaser)
    approvers = [
        member(Role.PURCHASER_APPROVER, organisation=purchaser, approval_limit=Decimal(limit))
        for limit in ("1000000", "5000000", "50000000")
    ]
    officer = member(Role.AGENCY_OFFICER, organisation=agency)

    project = approve(file_project(clerk), approvers)
    procurement_services.entrust_project(
        project.pk, actor=clerk, agency_id=agency.pk, scope="组织公开招标全过程"
    )
    make_publishable(project)
    procurement_services.start_tender_documents(project.pk, actor=officer)
    procurement_services.publish_tender(project.pk, actor=officer)
    project.refresh_from_db()
    project.tender_documents.filter(status="published").update(opens_automatically=True)
    lot, sealed_lot = project.lots.order_by("number")

    sizes = [SupplierProfile.Size.SMALL, SupplierProfile.Size.MEDIUM, SupplierProfile.Size.MEDIUM]
    representatives = [supplier(size) for size in sizes]
    for i, representative in enumerate(representatives):
        prepare_bid(lot, representative, price=f"{200 + 10 * i}000.00", marker=f"portal{i}")
    sealed_representative = supplier(SupplierProfile.Size.MEDIUM)
    sealed_bid = prepare_bid(sealed_lot, sealed_representative, price=SEALED_PRICE, marker="sealed")
    pass_deadline(project, seconds=0)  # the deadline now: after every bid, before the opening
    with transaction.atomic():
        bidding_services.open_automatically(lot.pk)
    lot.refresh_from_db()
    bids = sorted(lot.bids.filter(status=Bid.Status.OPENED), key=lambda bid: bid.price)

    pool = OrganisationFactory(kind=Organisation.Kind.OPERATOR)
    experts = []
    for n in range(1, 5):
        user = member(Role.EXPERT, organisation=pool)
        experts.append(
            ExpertProfile.objects.create(
                user=user,
                status=ExpertProfile.Status.APPROVED,
                specialties=["A02"],
                region_code="330400",
                name_zh=f"门户专家{n}",
                name_en=f"Portal Expert {n}",
                professional_title="高级工程师",
                years_of_experience=12,
                employer_name=f"某大学{n}",
                employer_uscc="",
            )
        )
    panel = seat_panel(lot, officer, experts, representatives=[clerk])
    with transaction.atomic():
        Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.EVALUATING)
        evaluation = start_evaluation(panel)
    for rank, (bid, total) in enumerate(zip(bids[:2], ("91.50", "86.25"), strict=True), start=1):
        BidAssessment.objects.filter(evaluation=evaluation, bid=bid).update(
            qualified=True, total_score=Decimal(total), rank=rank
        )
    BidAssessment.objects.filter(evaluation=evaluation, bid=bids[2]).update(
        qualified=False, fail_reasons=["营业执照已过期"]
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=Evaluation.Status.REPORTED, reported_at=timezone.now(), report_sha256="ab" * 32
    )
    award = Award.objects.create(
        lot=lot,
        evaluation=evaluation,
        status=Award.Status.CONFIRMED,
        candidates=[bid.pk for bid in bids[:2]],
        confirm_by=timezone.localdate(),
        winner=bids[0],
        amount=bids[0].price,
        confirmed_by=clerk,
        confirmed_at=timezone.now(),
    )
    award.result_notice = notice(
        project, Notice.Kind.RESULT, "教学用计算机采购第1包结果公告", "Result, lot 1"
    )
    award.save(update_fields=["result_notice"])
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.CONTRACTING)
    lot.refresh_from_db()
    lot.award = award
    publish_draw(panel)

    contract = make_contract(lot, status=Contract.Status.IN_PERFORMANCE, clerk=clerk, rep=representatives[0])
    contract.notice = notice(
        project,
        Notice.Kind.CONTRACT,
        "教学用计算机采购第1包合同公告",
        "Contract notice, lot 1",
        attachment=pdf_bytes("public-copy"),
    )
    contract.save(update_fields=["notice"])
    first, second = contract.milestones.order_by("number")
    Milestone.objects.filter(pk=first.pk).update(status=Milestone.Status.ACCEPTED, accepted_at=timezone.now())
    Acceptance.objects.create(
        milestone=first,
        outcome=Acceptance.Outcome.PASSED,
        team=[{"name": "验收员甲", "role": "组长"}],
        checks=[],
        recorded_by=clerk,
        recorded_at=timezone.now(),
        notice=notice(project, Notice.Kind.ACCEPTANCE, "第1批交付验收结果", "Acceptance of delivery 1"),
    )
    breach = Breach(
        contract=contract,
        kind=Breach.Kind.LATE_DELIVERY,
        responsible=contract.supplier,
        milestone=second,
        description="第2批交付逾期",
        evidence_sha256=hashlib.sha256(pdf_bytes("evidence")).hexdigest(),
        recorded_by=clerk,
        notice=notice(project, Notice.Kind.BREACH, "违约公告", "Breach notice"),
    )
    breach.evidence.save("evidence.pdf", ContentFile(pdf_bytes("evidence")), save=False)
    breach.save()

    in_three_days = timezone.now() + datetime.timedelta(days=3)
    scheduled = notice(project, Notice.Kind.CORRECTION, SCHEDULED_TITLE, SCHEDULED_TITLE_EN, at=in_three_days)
    hidden_project = file_project(clerk)
    notice(
        hidden_project,
        Notice.Kind.INTENTION,
        "定时采购意向-尚未发布",
        "Scheduled intention",
        at=in_three_days,
    )
    record_checkpoint()
    return Scenario(
        project=project,
        lot=lot,
        sealed_lot=sealed_lot,
        bids=bids,
        sealed_bid=sealed_bid,
        representatives=[
            next(r for r in representatives if r.active_membership.organisation_id == bid.supplier_id)
            for bid in bids
        ],
        sealed_representative=sealed_representative,
        award=award,
        contract=contract,
        scheduled=scheduled,
        hidden_project=hidden_project,
        clerk=clerk,
        officer=officer,
    )
