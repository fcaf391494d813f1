"""The procurement API: projects, lots, approvals and notices with the pages' permissions.

Each endpoint has its permission matrix (a foreign id answers exactly like a missing one), the list
endpoints pin their query counts with three related rows or more, bad input is refused with field
errors (serializer) or a domain code (service) and changes nothing, and each write has a happy path.
"""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from procurement import services
from procurement.models import (
    ApprovalDecision,
    Entrustment,
    Method,
    Notice,
    Project,
    RegulatorApproval,
    TenderDocument,
)

from .conftest import approve, file_project

pytestmark = pytest.mark.django_db

MISSING = 10**9


def url(name, *args):
    return reverse(f"procurement_api:{name}", args=args)


def post(client, name, *args, **data):
    return client.post(url(name, *args), data, content_type="application/json")


def small_project(clerk, **fields):
    """A direct purchase of 90,000 yuan: one approval level."""
    fields.setdefault("method", Method.DIRECT_PURCHASE)
    return file_project(clerk, budget="90000.00", lot_budgets=("90000.00",), **fields)


def imported(clerk, approvers):
    """An approved project buying imported products: it awaits the regulator's approval."""
    return approve(
        small_project(clerk, imported_products=True, imported_products_justification="国内无同类产品"),
        approvers,
    )


def not_found_body(client, name):
    """The answer for a missing id, to compare with the one for a foreign id."""
    return client.get(url(name, MISSING)).json()


@pytest.fixture
def other_clerk(make_member):
    return make_member(Role.PURCHASER_CLERK)


@pytest.fixture
def other_approver(make_member):
    return make_member(Role.PURCHASER_APPROVER, approval_limit=Decimal("90000000"))


@pytest.fixture
def users(clerk, approvers, officer, other_officer, regulator, other_regulator, other_clerk, other_approver):
    return {
        "clerk": clerk,
        "approver": approvers[0],
        "officer": officer,
        "other_officer": other_officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "other_clerk": other_clerk,
        "other_approver": other_approver,
    }


# --- Authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("projects", "get", ()),
        ("project", "get", (1,)),
        ("lots", "get", (1,)),
        ("approvals", "get", (1,)),
        ("submit", "post", (1,)),
        ("approve", "post", (1,)),
        ("return", "post", (1,)),
        ("entrust", "post", (1,)),
        ("publish", "post", (1,)),
        ("cancel", "post", (1,)),
        ("regulator_approvals", "get", ()),
        ("decide", "post", (1,)),
    ],
)
def test_every_project_endpoint_needs_a_login(client, name, method, args):
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_the_api_authenticates_with_the_session_and_checks_csrf_on_writes(clerk, approvers):
    project = small_project(clerk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk, backend="accounts.backends.MembershipAwareModelBackend")
    response = post(client, "submit", project.pk)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


@pytest.mark.parametrize("name", ["projects", "regulator_approvals"])
def test_a_privileged_role_without_its_second_factor_is_refused_before_any_view(login, approvers, name):
    response = login(approvers[0], verified=False).get(url(name))
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


# --- Project list ---------------------------------------------------------------------------------


def test_the_clerk_lists_its_projects_in_a_constant_number_of_queries(
    login, clerk, approvers, django_assert_num_queries
):
    for _n in range(3):
        approve(small_project(clerk), approvers)
    client = login(clerk)
    client.get(url("projects"))
    with django_assert_num_queries(3):  # user with membership, count, page with purchaser+agency
        response = client.get(url("projects"))
    body = response.json()
    assert body["count"] == 3 and body["results"][0]["status"] == "approved"
    assert body["results"][0]["agency"] is None and body["results"][0]["bid_deadline"] is None


def test_an_approver_of_the_purchaser_lists_the_same_projects(login, clerk, approvers):
    small_project(clerk)
    assert login(approvers[0]).get(url("projects")).json()["count"] == 1


def test_an_agency_officer_lists_the_projects_entrusted_to_it(
    login, clerk, approvers, agency, officer, other_officer, django_assert_num_queries
):
    for _n in range(3):
        project = approve(small_project(clerk), approvers)
        services.entrust_project(project.pk, actor=clerk, agency_id=agency.pk, scope="组织采购")
    small_project(clerk)  # a draft: not entrusted
    client = login(officer)
    client.get(url("projects"))
    with django_assert_num_queries(4):  # user, second-factor device, count, page (grants in a subquery)
        response = client.get(url("projects"))
    body = response.json()
    assert body["count"] == 3
    assert {row["agency"]["id"] for row in body["results"]} == {agency.pk}
    assert login(other_officer).get(url("projects")).json()["count"] == 0


@pytest.mark.parametrize("role", ["regulator", "other_clerk", "other_approver", "other_officer"])
def test_other_roles_and_organisations_list_no_projects(login, users, clerk, approvers, role):
    approve(small_project(clerk), approvers)
    response = login(users[role]).get(url("projects"))
    assert response.status_code == 200 and response.json()["count"] == 0


# --- Project detail, lots, approvals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("clerk", True),
        ("approver", True),
        ("officer", True),
        ("regulator", True),
        ("other_clerk", False),
        ("other_approver", False),
        ("other_officer", False),
        ("other_regulator", False),
    ],
)
@pytest.mark.parametrize("name", ["project", "lots", "approvals"])
def test_who_reads_a_project_its_lots_and_its_approvals(login, users, entrusted_project, role, allowed, name):
    client = login(users[role])
    response = client.get(url(name, entrusted_project.pk))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404 and response.json()["code"] == "project_not_found"
        assert response.json() == not_found_body(client, name)


def test_a_foreign_project_is_the_same_404_as_a_missing_one_in_both_languages(login, other_clerk, clerk):
    project = small_project(clerk)
    client = login(other_clerk)
    for language in ("en", "zh-hans"):
        foreign = client.get(url("project", project.pk), HTTP_ACCEPT_LANGUAGE=language)
        missing = client.get(url("project", MISSING), HTTP_ACCEPT_LANGUAGE=language)
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json()
    assert foreign.json()["detail"] != "No such project."  # translated


def test_the_project_detail_shows_the_tender_in_a_fixed_number_of_queries(
    login, tendering_project, agency, clerk, django_assert_num_queries
):
    client = login(clerk)
    client.get(url("project", tendering_project.pk))
    # user, access, project with purchaser/agency/drafter/entrustment, lots, decisions,
    # regulator approvals, document versions
    with django_assert_num_queries(7):
        detail = client.get(url("project", tendering_project.pk)).json()
    assert detail["status"] == "tendering" and detail["agency"] == {"id": agency.pk, "name": agency.name_zh}
    assert detail["bid_deadline"] is not None
    assert [lot["status"] for lot in detail["lots"]] == ["open_for_bids", "open_for_bids"]
    assert all(Decimal(lot["bond_amount"]) > 0 for lot in detail["lots"])
    entrustment = Entrustment.objects.get(project=tendering_project)
    assert detail["entrustment"]["agreement_number"] == entrustment.agreement_number
    assert detail["entrustment"]["sha256"] == entrustment.sha256 and len(entrustment.sha256) == 64
    [version] = detail["tender_documents"]
    document = TenderDocument.objects.get(project=tendering_project)
    assert version["version"] == 1 and version["status"] == "published"
    assert version["sha256"] == document.sha256 and version["published_at"] is not None
    assert len(detail["approval_decisions"]) == 3 and detail["regulator_approvals"] == []


def test_a_draft_project_has_no_entrustment_and_no_documents(login, clerk):
    detail = login(clerk).get(url("project", small_project(clerk).pk)).json()
    assert detail["entrustment"] is None and detail["tender_documents"] == [] and detail["agency"] is None


def test_the_lots_are_listed_in_order_in_a_constant_number_of_queries(
    login, clerk, django_assert_num_queries
):
    project = file_project(clerk, budget="3000000.00", lot_budgets=("1000000.00",) * 3)
    client = login(clerk)
    client.get(url("lots", project.pk))
    with django_assert_num_queries(3):  # user, access, lots
        response = client.get(url("lots", project.pk))
    assert [lot["number"] for lot in response.json()] == [1, 2, 3]
    assert {lot["status"] for lot in response.json()} == {"preparing"}


def test_the_approvals_list_decisions_and_regulator_approvals_in_a_constant_number_of_queries(
    login, clerk, approvers, regulator, django_assert_num_queries
):
    project = approve(
        file_project(
            clerk,
            method=Method.INVITED_TENDER,
            method_justification="仅有少数供应商",
            imported_products=True,
            imported_products_justification="国内无同类产品",
        ),
        approvers,
    )
    services.decide_regulator_approval(
        project.regulator_approvals.get(subject="method").pk, actor=regulator, approve=True, comment="同意"
    )
    client = login(clerk)
    client.get(url("approvals", project.pk))
    with django_assert_num_queries(4):  # user, access, decisions with approver, approvals
        body = client.get(url("approvals", project.pk)).json()
    assert [(d["level"], d["decision"]) for d in body["decisions"]] == [
        (1, "approved"),
        (2, "approved"),
        (3, "approved"),
    ]
    assert [(r["subject"], r["status"]) for r in body["regulator_approvals"]] == [
        ("imported_products", "requested"),
        ("method", "approved"),
    ]
    assert body["regulator_approvals"][1]["decided_by"] == regulator.username


# --- Submit, approve, return ----------------------------------------------------------------------


def test_the_clerk_submits_a_draft(login, clerk):
    project = small_project(clerk)
    response = post(login(clerk), "submit", project.pk)
    assert response.status_code == 200
    assert response.json()["status"] == "pending_approval" and response.json()["approval_levels"] == 1
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL and project.submission_round == 1


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("approver", 403, "not_purchaser_clerk"),
        ("regulator", 403, "not_purchaser_clerk"),
        ("other_clerk", 404, "project_not_found"),
        ("other_officer", 404, "project_not_found"),
    ],
)
def test_who_may_not_submit(login, users, clerk, role, status, code):
    project = small_project(clerk)
    response = post(login(users[role]), "submit", project.pk)
    assert (response.status_code, response.json()["code"]) == (status, code)
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT


def test_an_approver_approves_the_next_level_with_a_comment(login, clerk, approvers):
    project = services.submit_project(file_project(clerk).pk, actor=clerk)
    response = post(login(approvers[0]), "approve", project.pk, comment="预算合理")
    assert response.status_code == 200 and response.json()["approved_levels"] == 1
    decision = ApprovalDecision.objects.get(project=project)
    assert (decision.level, decision.approver, decision.comment) == (1, approvers[0], "预算合理")


def test_the_final_approval_over_the_api_publishes_the_intention(login, clerk, approvers):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    response = post(login(approvers[2]), "approve", project.pk)
    assert response.json()["status"] == "approved"
    assert Notice.objects.filter(project=project, kind=Notice.Kind.INTENTION).exists()


def test_the_drafter_holding_the_approver_role_cannot_approve_over_the_api(
    make_member, purchaser, login, clerk
):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    make_member(Role.PURCHASER_APPROVER, organisation=purchaser, user=clerk, approval_limit=Decimal("9e7"))
    clerk.active_membership = clerk.memberships.get(role=Role.PURCHASER_APPROVER)
    clerk.save(update_fields=["active_membership"])
    response = post(login(clerk), "approve", project.pk, comment="自己批")
    assert response.status_code == 403 and response.json()["code"] == "own_project_approval"
    project.refresh_from_db()
    assert project.approved_levels == 0 and not ApprovalDecision.objects.exists()


def test_an_approver_without_the_second_factor_cannot_approve_over_the_api(login, clerk, approvers):
    """The pages' rule holds for the API: SecondFactorRequiredMiddleware refuses every /api/ path."""
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    response = post(login(approvers[2], verified=False), "approve", project.pk)
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL and not ApprovalDecision.objects.exists()
    assert post(login(approvers[2]), "approve", project.pk).status_code == 200


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("clerk", 403, "own_project_approval"),
        ("regulator", 403, "not_approver"),
        ("other_approver", 404, "project_not_found"),
        ("other_officer", 404, "project_not_found"),
    ],
)
@pytest.mark.parametrize("name", ["approve", "return"])
def test_who_may_not_approve_or_return(login, users, clerk, role, status, code, name):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    response = post(login(users[role]), name, project.pk, comment="意见")
    assert (response.status_code, response.json()["code"]) == (status, code)
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL and not ApprovalDecision.objects.exists()


def test_approving_a_draft_is_a_conflict(login, clerk, approvers):
    project = small_project(clerk)
    response = post(login(approvers[0]), "approve", project.pk)
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


@pytest.mark.parametrize("comment", [["a list"], {"an": "object"}])
def test_a_comment_of_the_wrong_type_is_a_400_with_the_field(login, clerk, approvers, comment):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    response = post(login(approvers[2]), "approve", project.pk, comment=comment)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "comment" in response.json()
    assert not ApprovalDecision.objects.exists()


def test_an_approver_returns_the_project_with_a_comment(login, clerk, approvers):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    response = post(login(approvers[0]), "return", project.pk, comment="补充市场调研")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    decision = ApprovalDecision.objects.get(project=project)
    assert (decision.decision, decision.comment) == ("returned", "补充市场调研")


def test_returning_needs_a_comment(login, clerk, approvers):
    project = services.submit_project(small_project(clerk).pk, actor=clerk)
    client = login(approvers[0])
    missing = post(client, "return", project.pk)
    assert missing.status_code == 400 and "comment" in missing.json()
    blank = post(client, "return", project.pk, comment="  ")
    assert (blank.status_code, blank.json()["code"]) == (400, "comment_required")
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL and not ApprovalDecision.objects.exists()


# --- Entrust --------------------------------------------------------------------------------------


def test_the_clerk_entrusts_the_approved_project_to_an_agency(
    login, clerk, approved_project, agency, officer
):
    response = post(
        login(clerk),
        "entrust",
        approved_project.pk,
        agency_id=agency.pk,
        scope="组织公开招标全过程",
        fee="12000.50",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "entrusted" and body["agency"]["id"] == agency.pk
    entrustment = Entrustment.objects.get(project=approved_project)
    assert entrustment.fee == Decimal("12000.50") and body["entrustment"]["sha256"] == entrustment.sha256
    assert officer.has_perm("procurement.run_tender", approved_project)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"agency_id": "abc", "scope": "全过程"}, "agency_id"),
        ({"scope": "全过程"}, "agency_id"),
        ({"agency_id": 1}, "scope"),
        ({"agency_id": 1, "scope": "全过程", "fee": "12.345"}, "fee"),
        ({"agency_id": 1, "scope": "全过程", "fee": "-1"}, "fee"),
        ({"agency_id": 1, "scope": ["全过程"]}, "scope"),
    ],
)
def test_bad_entrustment_input_is_a_400_with_the_field(login, clerk, approved_project, data, field):
    response = login(clerk).post(url("entrust", approved_project.pk), data, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and not Entrustment.objects.exists()


def test_entrusting_to_an_organisation_that_is_no_agency_is_refused(
    login, clerk, approved_project, regulator
):
    response = post(
        login(clerk),
        "entrust",
        approved_project.pk,
        agency_id=regulator.active_membership.organisation_id,
        scope="x",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_agency")
    assert not Entrustment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("approver", 403, "not_purchaser_clerk"),
        ("regulator", 403, "not_purchaser_clerk"),
        ("officer", 404, "project_not_found"),  # not entrusted yet: it does not see the project
        ("other_clerk", 404, "project_not_found"),
    ],
)
def test_who_may_not_entrust(login, users, approved_project, agency, role, status, code):
    response = post(login(users[role]), "entrust", approved_project.pk, agency_id=agency.pk, scope="全过程")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Entrustment.objects.exists()


# --- Publish --------------------------------------------------------------------------------------


def test_the_agency_officer_publishes_the_tender(login, officer, drafted_project):
    response = post(login(officer), "publish", drafted_project.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "tendering" and {lot["status"] for lot in body["lots"]} == {"open_for_bids"}
    assert body["tender_documents"][0]["status"] == "published" and body["tender_documents"][0]["sha256"]
    assert Notice.objects.filter(project=drafted_project, kind=Notice.Kind.TENDER).exists()


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("clerk", 403, "not_tender_officer"),
        ("regulator", 403, "not_tender_officer"),
        ("other_officer", 404, "project_not_found"),
        ("other_clerk", 404, "project_not_found"),
    ],
)
def test_who_may_not_publish(login, users, drafted_project, role, status, code):
    response = post(login(users[role]), "publish", drafted_project.pk)
    assert (response.status_code, response.json()["code"]) == (status, code)
    drafted_project.refresh_from_db()
    assert drafted_project.status == Project.Status.ENTRUSTED


def test_a_publication_time_that_is_no_date_is_a_400(login, officer, drafted_project):
    response = post(login(officer), "publish", drafted_project.pk, publish_at="next tuesday")
    assert response.status_code == 400 and "publish_at" in response.json()


def test_publishing_before_the_intention_has_stood_names_the_first_lawful_day(
    login, officer, drafted_project
):
    Project.objects.filter(pk=drafted_project.pk).update(intention_published_on=timezone.localdate())
    response = post(login(officer), "publish", drafted_project.pk, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"]) == (409, "tender_too_early")
    earliest = services.earliest_tender_notice_day(Project.objects.get(pk=drafted_project.pk))
    assert earliest.isoformat() in response.json()["detail"]
    assert not Notice.objects.filter(project=drafted_project, kind=Notice.Kind.TENDER).exists()


def test_a_deadline_one_day_too_early_is_refused_by_the_service_with_the_earliest_day(
    login, officer, drafted_project
):
    document = TenderDocument.objects.get(project=drafted_project)
    lawful = document.bid_deadline
    TenderDocument.objects.filter(pk=document.pk).update(bid_deadline=lawful - datetime.timedelta(days=1))
    response = login(officer).post(
        url("publish", drafted_project.pk), {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (response.status_code, response.json()["code"]) == (400, "tender_document_invalid")
    assert "earliest lawful day" in response.json()["detail"] or "day off" in response.json()["detail"]
    document.refresh_from_db()
    assert document.status == TenderDocument.Status.DRAFT and not document.sha256


def test_criteria_that_do_not_sum_to_100_are_refused_by_the_service(login, officer, drafted_project):
    document = TenderDocument.objects.get(project=drafted_project)
    criteria = [dict(c) for c in document.criteria]
    criteria[0]["points"] = str(Decimal(str(criteria[0]["points"])) + 1)
    TenderDocument.objects.filter(pk=document.pk).update(criteria=criteria)
    response = login(officer).post(
        url("publish", drafted_project.pk), {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (response.status_code, response.json()["code"]) == (400, "tender_document_invalid")
    assert "101" in response.json()["detail"] and "100" in response.json()["detail"]
    assert list(response.json()["errors"]) == ["criteria"]  # every field's messages, by field
    drafted_project.refresh_from_db()
    assert drafted_project.status == Project.Status.ENTRUSTED


# --- Cancel ---------------------------------------------------------------------------------------


def test_the_clerk_cancels_an_approved_project_with_a_termination_notice(login, clerk, approved_project):
    response = post(login(clerk), "cancel", approved_project.pk, reason="需求取消")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["cancellation_reason"] == "需求取消"
    assert {lot["status"] for lot in body["lots"]} == {"cancelled"}
    assert Notice.objects.filter(project=approved_project, kind=Notice.Kind.TERMINATION).exists()


def test_the_agency_officer_cancels_a_tendering_project(login, officer, tendering_project):
    response = post(login(officer), "cancel", tendering_project.pk, reason="预算调整")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_cancelling_needs_a_reason(login, clerk, approved_project):
    client = login(clerk)
    missing = post(client, "cancel", approved_project.pk)
    assert missing.status_code == 400 and "reason" in missing.json()
    blank = post(client, "cancel", approved_project.pk, reason=" ")
    assert (blank.status_code, blank.json()["code"]) == (400, "reason_required")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [
        ("approver", 403, "not_allowed_to_cancel"),
        ("regulator", 403, "not_allowed_to_cancel"),
        ("other_officer", 404, "project_not_found"),
        ("other_clerk", 404, "project_not_found"),
    ],
)
def test_who_may_not_cancel(login, users, entrusted_project, role, status, code):
    response = post(login(users[role]), "cancel", entrusted_project.pk, reason="取消")
    assert (response.status_code, response.json()["code"]) == (status, code)
    entrusted_project.refresh_from_db()
    assert entrusted_project.status == Project.Status.ENTRUSTED


def test_cancelling_twice_is_refused(login, clerk, approved_project):
    client = login(clerk)
    post(client, "cancel", approved_project.pk, reason="取消")
    response = post(client, "cancel", approved_project.pk, reason="再取消")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


# --- The regulator's approvals --------------------------------------------------------------------


def test_the_regulator_lists_its_regions_requests_in_a_constant_number_of_queries(
    login, clerk, approvers, regulator, django_assert_num_queries
):
    for _n in range(3):
        imported(clerk, approvers)
    client = login(regulator)
    client.get(url("regulator_approvals"))
    # user, second-factor device, count, page with project, purchaser and decider
    with django_assert_num_queries(4):
        body = client.get(url("regulator_approvals")).json()
    assert body["count"] == 3
    assert {(row["subject"], row["status"]) for row in body["results"]} == {
        ("imported_products", "requested")
    }
    assert body["results"][0]["reference"] and body["results"][0]["purchaser"]


def test_a_regulator_of_another_region_lists_no_requests(login, clerk, approvers, other_regulator):
    imported(clerk, approvers)
    response = login(other_regulator).get(url("regulator_approvals"))
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("role", ["clerk", "approver", "officer"])
def test_other_roles_are_refused_the_regulators_list_as_on_the_page(login, users, clerk, approvers, role):
    imported(clerk, approvers)
    response = login(users[role]).get(url("regulator_approvals"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response.json()["code"]) == (403, "not_regulator")
    assert response.json()["detail"] == "只有监管部门才能审批申请。"


def test_the_regulator_approves_a_request(login, clerk, approvers, regulator):
    request_ = imported(clerk, approvers).regulator_approvals.get()
    response = post(login(regulator), "decide", request_.pk, approve=True, comment="同意进口")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    request_.refresh_from_db()
    assert (request_.status, request_.decided_by, request_.comment) == ("approved", regulator, "同意进口")


def test_refusing_needs_a_comment_and_a_decided_request_stays_decided(login, clerk, approvers, regulator):
    request_ = imported(clerk, approvers).regulator_approvals.get()
    client = login(regulator)
    response = post(client, "decide", request_.pk, approve=False)
    assert (response.status_code, response.json()["code"]) == (400, "comment_required")
    assert (
        post(client, "decide", request_.pk, approve=False, comment="理由不足").json()["status"] == "refused"
    )
    again = post(client, "decide", request_.pk, approve=True)
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    request_.refresh_from_db()
    assert request_.status == RegulatorApproval.Status.REFUSED


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "approve"), ({"approve": "maybe"}, "approve"), ({"approve": True, "comment": [1]}, "comment")],
)
def test_bad_decision_input_is_a_400_with_the_field(login, clerk, approvers, regulator, data, field):
    request_ = imported(clerk, approvers).regulator_approvals.get()
    response = login(regulator).post(url("decide", request_.pk), data, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    request_.refresh_from_db()
    assert request_.status == RegulatorApproval.Status.REQUESTED


@pytest.mark.parametrize("role", ["other_regulator", "clerk", "approver", "officer"])
def test_only_a_regulator_of_the_region_decides_and_others_get_404(login, users, clerk, approvers, role):
    request_ = imported(clerk, approvers).regulator_approvals.get()
    client = login(users[role])
    response = post(client, "decide", request_.pk, approve=True)
    assert response.status_code == 404
    assert response.json() == post(client, "decide", MISSING, approve=True).json()
    request_.refresh_from_db()
    assert request_.status == RegulatorApproval.Status.REQUESTED


# --- Public notices -------------------------------------------------------------------------------


def test_notices_are_public_with_a_cursor_and_their_documents(
    client, officer, tendering_project, django_assert_num_queries
):
    services.publish_clarification(tendering_project.pk, actor=officer, body_zh="答疑：交货地点为嘉兴市。")
    client.logout()
    client.get(url("notices"))
    with django_assert_num_queries(1):
        response = client.get(url("notices"))
    body = response.json()
    assert len(body["results"]) == 3 and body["next"] is None
    kinds = {row["kind"]: row for row in body["results"]}
    assert set(kinds) == {"intention", "tender", "correction"}
    document = TenderDocument.objects.get(project=tendering_project)
    tender = kinds["tender"]
    assert tender["document"] == {
        "id": document.pk,
        "version": 1,
        "sha256": document.sha256,
        "url": f"/notices/{tender['id']}/documents/",
    }
    assert kinds["intention"]["document"] is None
    detail = client.get(url("notice", tender["id"])).json()
    assert detail["document"]["sha256"] == document.sha256
    download = client.get(tender["document"]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == document.sha256


def test_a_bad_notice_filter_is_a_400_with_the_field(client):
    response = client.get(url("notices"), {"region": "3304"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter" and response.json()["detail"].startswith("region:")


def test_an_unpublished_or_missing_notice_is_404(client):
    assert client.get(url("notice", MISSING)).status_code == 404


# --- Schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_every_procurement_endpoint(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    prefix = "/api/v1/procurement/"
    expected = {
        "projects/": ["get"],
        "projects/{project_id}/": ["get"],
        "projects/{project_id}/lots/": ["get"],
        "projects/{project_id}/approvals/": ["get"],
        "projects/{project_id}/submit/": ["post"],
        "projects/{project_id}/approve/": ["post"],
        "projects/{project_id}/return/": ["post"],
        "projects/{project_id}/entrust/": ["post"],
        "projects/{project_id}/publish/": ["post"],
        "projects/{project_id}/cancel/": ["post"],
        "regulator-approvals/": ["get"],
        "regulator-approvals/{approval_id}/decide/": ["post"],
        "notices/": ["get"],
        "notices/{notice_id}/": ["get"],
    }
    for path, methods in expected.items():
        for method in methods:
            operation = paths[prefix + path][method]
            assert "200" in operation["responses"], path
            if method == "post" and not path.endswith("submit/"):
                assert "requestBody" in operation, path
    schemas = response.json()["components"]["schemas"]
    assert "document" in schemas["Notice"]["properties"]
    assert {"entrustment", "tender_documents", "regulator_approvals"} <= set(
        schemas["ProjectDetail"]["properties"]
    )
