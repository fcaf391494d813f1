"""Filing, submitting, approving and returning projects: every transition, allowed and refused,
with its audit event; refusals change nothing."""

from decimal import Decimal

import pytest

from accounts.models import Organisation, Role
from audit.models import AuditEvent
from procurement import services
from procurement.exceptions import (
    AlreadyApprovedALevel,
    ApprovalLimitTooLow,
    CommentRequired,
    InvalidAmount,
    InvalidTransition,
    JustificationRequired,
    LotsDoNotAddUp,
    LotsRequired,
    MethodNotAllowed,
    NotApprover,
    NotPurchaserClerk,
    OwnProjectApproval,
    ProjectNotFound,
)
from procurement.models import ApprovalDecision, Method, Project
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchaser(db):
    return OrganisationFactory(kind=Organisation.Kind.PURCHASER, region_code="330400")


@pytest.fixture
def clerk(make_member, purchaser):
    return make_member(Role.PURCHASER_CLERK, organisation=purchaser)


@pytest.fixture
def approvers(make_member, purchaser):
    """Three approvers: limits of 1, 5 and 50 million yuan."""
    return [
        make_member(Role.PURCHASER_APPROVER, organisation=purchaser, approval_limit=Decimal(limit))
        for limit in ("1000000", "5000000", "50000000")
    ]


def _lots(*budgets):
    return [
        {
            "title_zh": f"第{n}包",
            "budget": budget,
            "quantity_and_specification": "台式计算机 100 台",
            "delivery_place": "嘉兴市",
            "delivery_period": "合同签订后 30 日内",
        }
        for n, budget in enumerate(budgets, start=1)
    ]


def _file(clerk, budget="2500000.00", lots=None, method=Method.PUBLIC_TENDER, **fields):
    return services.file_project(
        actor=clerk,
        title_zh="教学用计算机采购",
        category="goods",
        classification_code="A02010104",
        budget=budget,
        funding_source="fiscal_budget",
        method=method,
        lots=lots if lots is not None else _lots("1500000.00", "1000000.00"),
        **fields,
    )


# --- Filing -------------------------------------------------------------------------------------


def test_a_clerk_files_a_two_lot_project_with_a_reference_number(clerk, purchaser):
    project = _file(clerk)
    assert project.status == Project.Status.DRAFT
    assert project.reference.startswith("330400-") and project.reference.endswith("-000001")
    assert [lot.budget for lot in project.lots.order_by("number")] == [
        Decimal("1500000.00"),
        Decimal("1000000.00"),
    ]
    event = AuditEvent.objects.get(action="procurement.project_filed")
    assert event.object_id == str(project.pk) and event.organisation_id == purchaser.pk


def test_reference_numbers_count_up_per_region_and_year(clerk):
    first, second = _file(clerk), _file(clerk)
    assert int(second.reference.rsplit("-", 1)[1]) == int(first.reference.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize("budget", ["0", "-5", "1000.001", "abc", "NaN", "Infinity", None])
def test_a_budget_that_is_not_a_positive_amount_in_fen_is_refused(clerk, budget):
    with pytest.raises(InvalidAmount):
        _file(clerk, budget=budget, lots=_lots("100.00"))
    assert not Project.objects.exists()


def test_lots_that_do_not_add_up_are_refused_with_both_sums(clerk):
    with pytest.raises(LotsDoNotAddUp) as error:
        _file(clerk, budget="2500000.00", lots=_lots("1500000.00", "999999.99"))
    assert "2,499,999.99" in str(error.value) and "2,500,000.00" in str(error.value)
    assert not Project.objects.exists()


def test_a_project_without_lots_is_refused(clerk):
    with pytest.raises(LotsRequired):
        _file(clerk, lots=[])


def test_direct_purchase_above_the_threshold_is_refused(clerk):
    with pytest.raises(MethodNotAllowed):
        _file(clerk, method=Method.DIRECT_PURCHASE)


def test_a_method_other_than_the_default_needs_a_justification(clerk):
    with pytest.raises(JustificationRequired):
        _file(clerk, method=Method.SINGLE_SOURCE)
    project = _file(clerk, method=Method.SINGLE_SOURCE, method_justification="只有一家供应商拥有专利")
    assert project.method == Method.SINGLE_SOURCE


@pytest.mark.parametrize("role", [Role.PURCHASER_APPROVER, Role.SUPPLIER_REPRESENTATIVE, Role.REGULATOR])
def test_only_a_purchaser_clerk_files(make_member, role):
    with pytest.raises(NotPurchaserClerk):
        _file(make_member(role))
    assert not Project.objects.exists()


# --- Submitting and approving ---------------------------------------------------------------------


def test_submitting_fixes_the_rules_date_and_the_levels_the_amount_needs(clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    assert project.status == Project.Status.PENDING_APPROVAL
    assert project.approval_levels == 3  # 2.5 million goods: from the public tender amount
    assert project.submission_round == 1 and project.rules_date is not None
    assert AuditEvent.objects.filter(
        action="procurement.project_submitted", object_id=str(project.pk)
    ).exists()
    # every approver is told
    assert {n.recipient_id for n in approvers[0].notifications.all()} == {approvers[0].pk}


def test_a_small_project_needs_one_level(clerk, approvers):
    project = _file(clerk, budget="500000.00", lots=_lots("500000.00"), method=Method.DIRECT_PURCHASE)
    project = services.submit_project(project.pk, actor=clerk)
    assert project.approval_levels == 1
    project = services.approve_project(project.pk, actor=approvers[0])
    assert project.status == Project.Status.APPROVED
    assert AuditEvent.objects.filter(action="procurement.project_approved").count() == 1


def test_three_levels_by_three_approvers_approve_it(clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    services.approve_project(project.pk, actor=approvers[0])
    services.approve_project(project.pk, actor=approvers[1])
    project = services.approve_project(project.pk, actor=approvers[2], comment="同意")
    assert project.status == Project.Status.APPROVED and project.approved_levels == 3
    decisions = list(ApprovalDecision.objects.filter(project=project).values_list("level", "approver_id"))
    assert decisions == [(1, approvers[0].pk), (2, approvers[1].pk), (3, approvers[2].pk)]
    assert AuditEvent.objects.filter(action="procurement.project_level_approved").count() == 2


def test_the_drafter_never_approves_even_holding_the_approver_role(make_member, purchaser, clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    # the same person also approves for the purchaser, and acts in that role now
    make_member(Role.PURCHASER_APPROVER, organisation=purchaser, user=clerk, approval_limit=Decimal("9e7"))
    clerk.active_membership = clerk.memberships.get(role=Role.PURCHASER_APPROVER)
    clerk.save(update_fields=["active_membership"])
    with pytest.raises(OwnProjectApproval):
        services.approve_project(project.pk, actor=clerk)
    project.refresh_from_db()
    assert project.approved_levels == 0 and not ApprovalDecision.objects.exists()


def test_one_approver_cannot_approve_two_levels(clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    services.approve_project(project.pk, actor=approvers[2])
    with pytest.raises(AlreadyApprovedALevel):
        services.approve_project(project.pk, actor=approvers[2])
    project.refresh_from_db()
    assert project.approved_levels == 1


def test_the_final_level_needs_a_limit_that_covers_the_budget(clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    services.approve_project(project.pk, actor=approvers[1])
    services.approve_project(project.pk, actor=approvers[2])
    low = approvers[0]  # limit 1 million, budget 2.5 million
    with pytest.raises(ApprovalLimitTooLow):
        services.approve_project(project.pk, actor=low)
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL and project.approved_levels == 2


def test_approving_before_submission_is_refused(clerk, approvers):
    project = _file(clerk)
    with pytest.raises(InvalidTransition):
        services.approve_project(project.pk, actor=approvers[0])


def test_a_returned_project_goes_back_to_draft_and_starts_over(clerk, approvers):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    services.approve_project(project.pk, actor=approvers[0])
    with pytest.raises(CommentRequired):
        services.return_project(project.pk, actor=approvers[1], comment="  ")
    project = services.return_project(project.pk, actor=approvers[1], comment="预算依据不足")
    assert project.status == Project.Status.DRAFT and project.approved_levels == 0
    assert approvers[1].pk != clerk.pk
    assert clerk.notifications.filter(subject_en__startswith="Project returned").exists()
    project = services.submit_project(project.pk, actor=clerk)
    assert project.submission_round == 2
    # in the new round the first approver may approve again
    services.approve_project(project.pk, actor=approvers[0])


def test_an_approver_of_another_purchaser_gets_404(make_member, clerk):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    outsider = make_member(Role.PURCHASER_APPROVER, approval_limit=Decimal("9e7"))
    with pytest.raises(ProjectNotFound):
        services.approve_project(project.pk, actor=outsider)


def test_a_clerk_of_another_purchaser_cannot_open_the_project(make_member, clerk):
    project = _file(clerk)
    with pytest.raises(ProjectNotFound):
        services.submit_project(project.pk, actor=make_member(Role.PURCHASER_CLERK))


def test_a_regulator_of_the_region_sees_it_but_cannot_approve(make_member, clerk):
    project = services.submit_project(_file(clerk).pk, actor=clerk)
    regulator = make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330400"),
    )
    with pytest.raises(NotApprover):
        services.approve_project(project.pk, actor=regulator)
