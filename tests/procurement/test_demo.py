"""procurement/demo.py: load_demo files each region's draft, pending and approved projects once,
through the services, takes some on to entrusted and tendering, and every demo project holds to
the rules a filed one must."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import AuditEvent
from procurement import demo, methods, services
from procurement.models import ApprovalDecision, Lot, Notice, Project, TenderDocument
from tests.demo_once import declare_next_year, demo_once

pytestmark = pytest.mark.django_db

REGIONS = {"jx": "330400", "my": "510700", "zz": "410100", "yx": "530400"}


STAGES = {
    "jx": ["draft", "pending_approval", "tendering"],
    "my": ["draft", "entrusted", "pending_approval"],
    "zz": ["approved", "draft", "pending_approval"],
    "yx": ["draft", "pending_approval", "tendering"],
}
APPROVED_OR_LATER = {"approved", "entrusted", "tendering"}


# Loaded once for the module; each test runs in a savepoint over it (tests/demo_once.py). The
# tests that must not see the demo rows come first.
demo_rows = demo_once(before=declare_next_year)


@pytest.fixture
def loaded(demo_rows, db, settings):
    settings.MEDIA_ROOT = demo_rows  # the demo's files


def test_nothing_is_filed_without_the_demo_accounts():
    assert demo.load() == []
    assert not Project.objects.exists()


def test_the_demo_budgets_are_money():
    for rows in demo.PROJECTS.values():
        for spec in rows:
            assert services.money(spec.budget) == Decimal(spec.budget)
            assert sum(Decimal(lot.budget) for lot in spec.lots) == Decimal(spec.budget), spec.title_zh


def test_every_region_gets_a_draft_a_pending_and_an_approved_project_some_entrusted_or_tendering(loaded):
    for prefix, region_code in REGIONS.items():
        statuses = sorted(
            Project.objects.filter(purchaser__region_code=region_code).values_list("status", flat=True)
        )
        assert statuses == STAGES[prefix], prefix
    assert Project.objects.count() == sum(len(rows) for rows in demo.PROJECTS.values())


def test_the_jiaxing_computers_are_approved_in_two_lots_by_two_approvers_and_tendering(loaded):
    project = Project.objects.get(title_zh="教学用计算机采购")
    assert project.title_en == "Computers for teaching"
    assert project.reference.startswith(f"330400-{timezone.localdate().year}-")
    assert project.purchaser.name_zh == "嘉兴市教育局"
    assert project.classification_code == "A02010104"
    assert project.method == "inquiry"
    assert (project.status, project.approval_levels, project.approved_levels) == ("tendering", 2, 2)
    assert list(project.lots.values_list("title_zh", flat=True)) == [
        "学生机房台式计算机",
        "教师办公便携式计算机",
    ]
    approvers = list(project.approval_decisions.values_list("approver__username", flat=True))
    assert approvers == ["jx_approver", "jx_approver2"]
    assert project.drafted_by.username == "jx_clerk"
    # entrusted to the Jiaxing agency, whose officer published the tender notice with frozen documents
    assert project.agency.name_zh == "浙江嘉禾招标代理有限公司"
    assert project.entrustment.sha256 and project.entrustment.document.read(4) == b"%PDF"
    tender = project.notices.get(kind=Notice.Kind.TENDER)
    assert tender.document.status == TenderDocument.Status.PUBLISHED and len(tender.document.sha256) == 64
    intention = project.notices.get(kind=Notice.Kind.INTENTION)
    assert (tender.published_at - intention.published_at).days >= 30
    for lot in project.lots.all():
        assert lot.status == Lot.Status.OPEN_FOR_BIDS
        assert 0 < lot.bond_amount <= lot.budget * Decimal("0.02")
    assert project.bid_deadline > tender.published_at


def test_the_mianyang_medical_equipment_is_entrusted_with_its_documents_drafted(loaded):
    project = Project.objects.get(title_zh="基层医疗卫生机构医疗设备采购")
    assert project.status == Project.Status.ENTRUSTED
    document = project.tender_documents.get()
    assert (document.version, document.status) == (1, TenderDocument.Status.DRAFT)
    assert document.bid_deadline is not None and not project.notices.filter(kind=Notice.Kind.TENDER)


def test_the_returned_project_shows_its_return_and_waits_on_its_second_submission(loaded):
    project = Project.objects.get(title_zh="医疗废物收集转运处置服务")
    assert (project.status, project.submission_round, project.approved_levels) == ("pending_approval", 2, 0)
    decision = project.approval_decisions.get()
    assert (decision.round, decision.decision) == (1, ApprovalDecision.Decision.RETURNED)
    assert "市场调研" in decision.comment


def test_the_demo_approvers_have_limits_and_the_second_factor(loaded):
    for prefix, region_code in REGIONS.items():
        memberships = Membership.objects.filter(
            organisation__region_code=region_code, role=Role.PURCHASER_APPROVER
        ).select_related("user")
        by_name = {m.user.username: m for m in memberships}
        assert set(by_name) == {f"{prefix}_approver", f"{prefix}_approver2", f"{prefix}_approver3"}
        for m in by_name.values():
            assert m.approval_limit > 0 and m.requires_second_factor
            assert m.user.totpdevice_set.filter(confirmed=True).exists()
            assert m.user.check_password(demo.accounts_demo.DEMO_PASSWORD)
            assert m.user.name_en and m.user.first_name


def test_every_demo_project_holds_to_its_constraints(loaded):
    today = timezone.localdate()
    lot_sums = dict(Lot.objects.values_list("project").annotate(total=Sum("budget")))
    for project in Project.objects.prefetch_related("lots", "approval_decisions"):
        assert project.title_zh and project.title_en and project.description_en, project.reference
        assert lot_sums[project.pk] == project.budget, project.reference
        assert all(
            lot.budget > 0 and lot.title_en and lot.quantity_and_specification for lot in project.lots.all()
        )
        assert [lot.number for lot in project.lots.all()] == list(range(1, project.lots.count() + 1))
        assert project.method == methods.default_method(
            project.category, project.budget, services.bands(project.category, on=today)
        )
        assert project.approved_levels <= project.approval_levels
        decided = [d for d in project.approval_decisions.all() if d.round == project.submission_round]
        assert [d.level for d in decided] == list(range(1, project.approved_levels + 1))
        assert len({d.approver_id for d in decided}) == len(decided)  # a different approver per level
        assert all(d.approver_id != project.drafted_by_id for d in project.approval_decisions.all())
        if project.status in APPROVED_OR_LATER:
            assert project.approved_levels == project.approval_levels and project.approved_at
            final = decided[-1]
            limit = Membership.objects.get(user=final.approver, organisation=project.purchaser).approval_limit
            assert limit >= project.budget
        if project.status == Project.Status.DRAFT:
            assert project.submission_round == 0 and not decided
    # every band shows up somewhere: below the threshold, the threshold band and public tender
    assert set(Project.objects.values_list("approval_levels", flat=True)) >= {1, 2, 3}


def test_loading_again_changes_nothing(loaded):
    projects = list(
        Project.objects.order_by("pk").values_list("pk", "reference", "status", "approved_levels")
    )
    counts = (Lot.objects.count(), ApprovalDecision.objects.count(), Membership.objects.count())
    # (credit's demo records a score recomputation on every load; this demo records nothing again)
    events = AuditEvent.objects.exclude(action__startswith="credit.").count()
    assert demo.load() == []
    call_command("load_demo")
    assert list(
        Project.objects.order_by("pk").values_list("pk", "reference", "status", "approved_levels")
    ) == (projects)
    assert (Lot.objects.count(), ApprovalDecision.objects.count(), Membership.objects.count()) == counts
    assert AuditEvent.objects.exclude(action__startswith="credit.").count() == events


def test_a_project_someone_moved_on_is_left_alone_and_a_missing_one_is_filed_again(loaded):
    pending = Project.objects.get(title_zh="中小学校园物业管理服务")
    approver = demo._acting_for("jx_approver", pending.purchaser)
    services.return_project(pending.pk, actor=approver, comment="请细化服务标准。")
    Project.objects.filter(title_zh="智慧教室交互式显示设备采购").delete()
    created = demo.load()
    assert [p.title_zh for p in created] == ["智慧教室交互式显示设备采购"]
    pending.refresh_from_db()
    assert pending.status == Project.Status.DRAFT
    assert Project.objects.filter(purchaser=pending.purchaser).count() == 3


def test_the_clerk_files_for_the_education_bureau_even_after_switching_to_the_water_group(loaded):
    clerk = Membership.objects.get(
        user__username="jx_clerk", organisation__name_zh="嘉兴市水务投资集团有限公司"
    )
    clerk.user.active_membership = clerk
    clerk.user.save(update_fields=["active_membership"])
    Project.objects.filter(title_zh="智慧教室交互式显示设备采购").delete()
    (project,) = demo.load()
    assert project.purchaser.name_zh == "嘉兴市教育局"
    assert not Project.objects.filter(purchaser=clerk.organisation).exists()
