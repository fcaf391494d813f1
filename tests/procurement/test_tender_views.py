"""The tender's pages: the project page's entrustment, documents and notices; the regulator's
approval requests; the agency officer's tenders and the document builder; the public notice's PDF.

Each page has its permission matrix (a foreign id gets the same 404 as a missing one) and its query
count pinned with at least three related rows; bad input goes through the form and changes nothing.
"""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Entrustment, Lot, Notice, Project, RegulatorApproval, TenderDocument

from .conftest import approve, file_project, make_publishable

pytestmark = pytest.mark.django_db

ROLES = ("clerk", "approver", "officer", "other_officer", "regulator", "other_regulator", "anonymous")


@pytest.fixture
def as_role(client, login, clerk, approvers, officer, other_officer, regulator, other_regulator):
    """as_role(name): the test client logged in as that role (anonymous: logged out)."""
    users = {
        "clerk": clerk,
        "approver": approvers[0],
        "officer": officer,
        "other_officer": other_officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
    }

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


def _expect(status, response):
    assert response.status_code == status, response.content[:400]
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))


def _entrusted(clerk, approvers, agency, lot_budgets=("1500000.00", "1000000.00")):
    """Filed, approved by every level and entrusted to the fixture agency."""
    budget = f"{sum(Decimal(b) for b in lot_budgets):.2f}"
    project = approve(file_project(clerk, budget=budget, lot_budgets=lot_budgets), approvers)
    services.entrust_project(project.pk, actor=clerk, agency_id=agency.pk, scope="组织公开招标全过程")
    project.refresh_from_db()
    return project


def _drafted(clerk, approvers, agency, officer, lot_budgets=("1500000.00", "1000000.00")):
    project = make_publishable(_entrusted(clerk, approvers, agency, lot_budgets))
    services.start_tender_documents(project.pk, actor=officer)
    return project


def _draft(project) -> TenderDocument:
    return project.tender_documents.get(status=TenderDocument.Status.DRAFT)


def builder_data(document: TenderDocument, **overrides) -> dict:
    """What the builder's form sends back unchanged for `document` (then `overrides`)."""
    data = {
        "qualification_items": "\n".join(document.qualification_items),
        "evaluation_method": document.evaluation_method,
        "price_weight": "" if document.price_weight is None else str(document.price_weight),
        "documents_from": document.documents_from.isoformat(),
        "documents_until": document.documents_until.isoformat(),
        "clarification_until": document.clarification_until.isoformat(),
        "bid_deadline": timezone.localtime(document.bid_deadline).strftime("%Y-%m-%dT%H:%M"),
        "opening_place": document.opening_place,
        "criteria-TOTAL_FORMS": str(len(document.criteria) + 3),
        "criteria-INITIAL_FORMS": str(len(document.criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    data |= {f"section_{key}": text for key, text in document.sections.items()}
    data |= {f"lot_{number}": text for number, text in document.lot_requirements.items()}
    data |= {f"bond_{number}": amount for number, amount in document.bonds.items()}
    for i, criterion in enumerate(document.criteria):
        data |= {f"criteria-{i}-{name}": str(value) for name, value in criterion.items()}
    for i in range(len(document.criteria), len(document.criteria) + 3):
        data |= {f"criteria-{i}-name_zh": "", f"criteria-{i}-name_en": "", f"criteria-{i}-kind": "technical"}
        data[f"criteria-{i}-points"] = ""
    if document.version > 1:
        data |= {"amendment_reason": document.amendment_reason, "affects_bids": ""}
    return data | overrides


# --- The project page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 200),
        ("approver", 200),
        ("officer", 200),
        ("other_officer", 404),
        ("regulator", 200),
        ("other_regulator", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_open_an_entrusted_project_and_its_agreement(as_role, entrusted_project, role, status):
    client = as_role(role)
    _expect(status, client.get(reverse("procurement:project", args=[entrusted_project.pk])))
    response = client.get(reverse("procurement:entrustment_agreement", args=[entrusted_project.pk]))
    _expect(status, response)
    if status == 200:
        entrustment = Entrustment.objects.get(project=entrusted_project)
        body = b"".join(response.streaming_content)
        assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("attachment;")
        assert f"{entrustment.agreement_number}.pdf" in response["Content-Disposition"]
        assert hashlib.sha256(body).hexdigest() == entrustment.sha256


def test_a_missing_project_and_a_missing_agreement_are_404(as_role, approved_project):
    client = as_role("clerk")
    assert client.get(reverse("procurement:project", args=[approved_project.pk + 1000])).status_code == 404
    # approved, not yet entrusted: no agreement
    assert (
        client.get(reverse("procurement:entrustment_agreement", args=[approved_project.pk])).status_code
        == 404
    )


def test_the_project_page_shows_the_entrustment_documents_lots_and_notices(as_role, tendering_project):
    response = as_role("clerk").get(
        reverse("procurement:project", args=[tendering_project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    document = tendering_project.tender_documents.get()
    assert response.context["entrustment"].agreement_number in page
    assert document.sha256 in page and reverse("procurement:document_pdf", args=[document.pk]) in page
    tender = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    assert reverse("notices:detail", args=[tender.pk]) in page
    assert page.count('data-testid="lot-row"') == 2 and "Open for bids" in page
    assert response.context["can_cancel"] is True and response.context["can_entrust"] is False


def test_the_clerk_entrusts_through_the_form(as_role, approved_project, agency, officer):
    response = as_role("clerk").post(
        reverse("procurement:project_entrust", args=[approved_project.pk]),
        {"agency": str(agency.pk), "scope": "编制采购文件、发布公告、组织开标评标", "fee": "12000.00"},
    )
    assert response.status_code == 302
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.ENTRUSTED and approved_project.agency == agency
    assert Entrustment.objects.get(project=approved_project).fee == Decimal("12000.00")


def test_entrusting_to_the_own_office_is_offered_and_a_bad_form_keeps_what_was_typed(
    as_role, approved_project
):
    client = as_role("clerk")
    page = client.get(reverse("procurement:project", args=[approved_project.pk]))
    choices = dict(page.context["entrust_form"].fields["agency"].choices)
    assert approved_project.purchaser_id in choices
    response = client.post(
        reverse("procurement:project_entrust", args=[approved_project.pk]),
        {"agency": str(approved_project.purchaser_id), "scope": "自行组织采购", "fee": "-1"},
    )
    assert response.status_code == 400 and "自行组织采购" in response.content.decode()
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and not Entrustment.objects.exists()


def test_entrusting_twice_shows_the_message_and_changes_nothing(as_role, entrusted_project, agency):
    response = as_role("clerk").post(
        reverse("procurement:project_entrust", args=[entrusted_project.pk]),
        {"agency": str(agency.pk), "scope": "再次委托"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Only an approved project that is not yet entrusted can be entrusted." in response.content.decode()
    assert Entrustment.objects.filter(project=entrusted_project).count() == 1


def test_an_approver_cannot_entrust(as_role, approved_project, agency):
    response = as_role("approver").post(
        reverse("procurement:project_entrust", args=[approved_project.pk]),
        {"agency": str(agency.pk), "scope": "越权委托"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Only a clerk of the purchaser entrusts its approved projects." in response.content.decode()
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and not Entrustment.objects.exists()


def test_the_clerk_cancels_with_a_reason_and_an_empty_reason_changes_nothing(as_role, approved_project):
    client = as_role("clerk")
    url = reverse("procurement:project_cancel", args=[approved_project.pk])
    response = client.post(url, {"reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Give the reason for the cancellation" in response.content.decode()
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED
    client.post(url, {"reason": "预算调整，项目取消"})
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.CANCELLED
    assert approved_project.notices.filter(kind=Notice.Kind.TERMINATION).exists()


def test_a_regulator_cannot_cancel(as_role, approved_project):
    response = as_role("regulator").post(
        reverse("procurement:project_cancel", args=[approved_project.pk]), {"reason": "越权"}, follow=True
    )
    assert response.status_code == 200
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED


@pytest.mark.parametrize(
    "lot_budgets", [("1500000.00", "1000000.00"), ("1000000.00", "800000.00", "700000.00")]
)
def test_project_page_query_count_is_the_same_for_two_and_three_lots(
    login, clerk, approvers, agency, officer, declared_next_year, django_assert_num_queries, lot_budgets
):
    project = _drafted(clerk, approvers, agency, officer, lot_budgets)
    services.publish_tender(project.pk, actor=officer)
    services.publish_clarification(project.pk, actor=officer, body_zh="答疑一")
    services.publish_clarification(project.pk, actor=officer, body_zh="答疑二")
    services.start_amendment(project.pk, actor=officer)
    client = login(clerk)
    url = reverse("procurement:project", args=[project.pk])
    client.get(url)
    # user + membership, the project with purchaser, drafter, agency and
    # entrustment, lots, approval decisions, regulator approvals, documents, notices, unread, memberships
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["lots"]) == len(lot_budgets)
    assert len(response.context["notices"]) >= 4 and len(response.context["documents"]) == 2
    assert len(response.context["project"].approval_decisions.all()) == 3


# --- The regulator ------------------------------------------------------------------------------


@pytest.fixture
def imported_project(clerk, approvers):
    """Approved, buying imported products: a request for the regulator's approval waits."""
    project = file_project(clerk, imported_products=True, imported_products_justification="国内无同类产品")
    return approve(project, approvers)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 403),
        ("approver", 403),
        ("officer", 403),
        ("other_officer", 403),
        ("regulator", 200),
        ("other_regulator", 200),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_regulator_approvals(as_role, imported_project, role, status):
    response = as_role(role).get(reverse("procurement:regulator_approvals"))
    _expect(status, response)
    if status == 200:
        shown = [approval.project_id for approval, _open in response.context["rows"]]
        assert shown == ([imported_project.pk] if role == "regulator" else [])


def test_a_regulator_of_another_region_gets_404_like_a_missing_request(as_role, imported_project):
    approval = imported_project.regulator_approvals.get()
    client = as_role("other_regulator")
    for pk in (approval.pk, approval.pk + 1000):
        response = client.post(reverse("procurement:regulator_decide", args=[pk]), {"decision": "approve"})
        assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.status == RegulatorApproval.Status.REQUESTED


def test_the_regulator_refuses_only_with_a_comment_then_approves(as_role, imported_project):
    approval = imported_project.regulator_approvals.get()
    client = as_role("regulator")
    url = reverse("procurement:regulator_decide", args=[approval.pk])
    response = client.post(url, {"decision": "refuse", "comment": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Say why the request is refused." in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == RegulatorApproval.Status.REQUESTED
    client.post(url, {"decision": "approve", "comment": "同意采购进口产品"})
    approval.refresh_from_db()
    assert approval.status == RegulatorApproval.Status.APPROVED and approval.comment == "同意采购进口产品"
    again = client.post(
        url, {"decision": "refuse", "comment": "改主意"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This request has already been decided." in again.content.decode()
    page = client.get(reverse("procurement:project", args=[imported_project.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Approved by the regulator" in page.content.decode() and "同意采购进口产品" in page.content.decode()
    )


def test_regulator_approvals_query_count(login, clerk, approvers, regulator, django_assert_num_queries):
    for _n in range(3):
        approve(
            file_project(clerk, imported_products=True, imported_products_justification="国内无同类产品"),
            approvers,
        )
    client = login(regulator)
    url = reverse("procurement:regulator_approvals")
    client.get(url)
    # user+membership, second factor, count, page, unread, memberships
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["rows"]) == 3 and response.context["awaiting"] == 3


# --- The agency officer's tenders ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 403),
        ("approver", 403),
        ("officer", 200),
        ("other_officer", 200),
        ("regulator", 403),
        ("other_regulator", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_tenders(as_role, entrusted_project, role, status):
    response = as_role(role).get(reverse("procurement:tenders"))
    _expect(status, response)
    if status == 200:
        shown = [project.pk for project, _latest in response.context["rows"]]
        assert shown == ([entrusted_project.pk] if role == "officer" else [])


def test_tenders_query_count(
    login, clerk, approvers, agency, officer, declared_next_year, django_assert_num_queries
):
    for _n in range(2):
        _entrusted(clerk, approvers, agency)
    _drafted(clerk, approvers, agency, officer)
    client = login(officer)
    url = reverse("procurement:tenders")
    client.get(url)
    # user+membership, second factor, count, page, documents, unread, memberships
    with django_assert_num_queries(7):
        response = client.get(url)
    rows = response.context["rows"]
    assert len(rows) == 3 and sum(1 for _project, latest in rows if latest is not None) == 1


# --- The document builder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 403),
        ("approver", 403),
        ("officer", 200),
        ("other_officer", 404),
        ("regulator", 403),
        ("other_regulator", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_builder_and_the_preview(as_role, drafted_project, role, status):
    client = as_role(role)
    _expect(status, client.get(reverse("procurement:documents", args=[drafted_project.pk])))
    response = client.get(reverse("procurement:documents_preview", args=[drafted_project.pk]))
    _expect(status, response)
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("inline;")


def test_a_missing_project_gets_the_same_404_in_the_builder(as_role, drafted_project):
    client = as_role("officer")
    assert client.get(reverse("procurement:documents", args=[drafted_project.pk + 1000])).status_code == 404
    assert (
        client.post(reverse("procurement:documents_start", args=[drafted_project.pk + 1000])).status_code
        == 404
    )


def test_other_officers_cannot_act_on_the_tender(as_role, drafted_project):
    client = as_role("other_officer")
    for name in ("documents_start", "tender_publish", "amendment_start", "clarification_publish"):
        assert client.post(reverse(f"procurement:{name}", args=[drafted_project.pk])).status_code == 404
    drafted_project.refresh_from_db()
    assert drafted_project.status == Project.Status.ENTRUSTED


@pytest.mark.parametrize(
    "lot_budgets", [("1500000.00", "1000000.00"), ("1000000.00", "800000.00", "700000.00")]
)
def test_builder_query_count_is_the_same_for_two_and_three_lots(
    login, clerk, approvers, agency, officer, declared_next_year, django_assert_num_queries, lot_budgets
):
    project = _drafted(clerk, approvers, agency, officer, lot_budgets)
    client = login(officer)
    url = reverse("procurement:documents", args=[project.pk])
    client.get(url)
    # user+membership, second factor, project access and the officer's grant (2) asked
    # twice, the project, lots, documents, corrections, three rules (bond cap, price weight, intention
    # days), regulator approvals, unread, memberships
    with django_assert_num_queries(17):
        response = client.get(url)
    assert len(response.context["lot_rows"]) == len(lot_budgets)
    assert response.context["points_total"] == Decimal("100")


def test_start_twice_shows_the_translated_message_not_an_error(
    as_role, entrusted_project, declared_next_year
):
    make_publishable(entrusted_project)
    client = as_role("officer")
    url = reverse("procurement:documents_start", args=[entrusted_project.pk])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The project already has a draft of its tender documents." in response.content.decode()
    assert entrusted_project.tender_documents.count() == 1


def test_criteria_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(as_role, drafted_project):
    draft = _draft(drafted_project)
    before = (draft.criteria, draft.updated_at)
    data = builder_data(draft, **{"criteria-0-points": "25.00", "criteria-0-name_zh": "技术参数响应（修改）"})
    response = as_role("officer").post(
        reverse("procurement:documents", args=[drafted_project.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "add up to 95 points; they must add up to 100" in page
    assert "技术参数响应（修改）" in page  # what was typed is kept
    draft.refresh_from_db()
    assert (draft.criteria, draft.updated_at) == before


def test_an_incomplete_criterion_row_is_refused_by_the_form(as_role, drafted_project):
    draft = _draft(drafted_project)
    data = builder_data(draft, **{"criteria-5-name_en": "Training", "criteria-5-points": ""})
    response = as_role("officer").post(
        reverse("procurement:documents", args=[drafted_project.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "A criterion needs a Chinese name" in response.content.decode()


def test_a_bond_over_the_cap_is_refused_by_its_lot(as_role, drafted_project):
    draft = _draft(drafted_project)
    response = as_role("officer").post(
        reverse("procurement:documents", args=[drafted_project.pk]),
        builder_data(draft, bond_1="30000.01"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.context["group_errors"]["bonds"] == [
        "Lot 1: the bond may be at most 2 per cent of the lot's budget, 30,000.00 CNY."
    ]
    assert "30,000.00 CNY." in response.content.decode()
    draft.refresh_from_db()
    assert draft.bonds["1"] == "30000.00"


def test_a_deadline_too_early_names_the_earliest_lawful_day(as_role, drafted_project):
    draft = _draft(drafted_project)
    earliest = timezone.localtime(draft.bid_deadline).date()
    early = timezone.localtime(draft.bid_deadline) - datetime.timedelta(days=1)
    response = as_role("officer").post(
        reverse("procurement:documents", args=[drafted_project.pk]),
        builder_data(draft, bid_deadline=early.strftime("%Y-%m-%dT%H:%M")),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert earliest.isoformat() in page and "earliest lawful day" in page
    assert response.context["form"].errors["bid_deadline"]
    draft.refresh_from_db()
    assert timezone.localtime(draft.bid_deadline).date() == earliest


def test_publishing_before_the_intention_has_stood_names_the_day(
    as_role, entrusted_project, officer, declared_next_year
):
    services.start_tender_documents(entrusted_project.pk, actor=officer)
    earliest = services.earliest_tender_notice_day(entrusted_project)
    response = as_role("officer").post(
        reverse("procurement:tender_publish", args=[entrusted_project.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert (
        f"the tender notice may be published on {earliest.isoformat()} or later" in response.content.decode()
    )
    entrusted_project.refresh_from_db()
    assert entrusted_project.status == Project.Status.ENTRUSTED


def test_the_builder_happy_path_through_publication(as_role, approved_project, agency, declared_next_year):
    clerk_client = as_role("clerk")
    clerk_client.post(
        reverse("procurement:project_entrust", args=[approved_project.pk]),
        {"agency": str(agency.pk), "scope": "组织公开招标全过程"},
    )
    project = make_publishable(Project.objects.get(pk=approved_project.pk))
    client = as_role("officer")
    url = reverse("procurement:documents", args=[project.pk])
    assert client.get(url).context["can_start"] is True
    client.post(reverse("procurement:documents_start", args=[project.pk]))
    draft = _draft(project)
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_publish"] is True
    data = builder_data(
        draft,
        section_invitation=draft.sections["invitation"] + "\r\n\r\n六、联系方式\r\n联系人：王工",
        qualification_items="\n".join([*draft.qualification_items, "具备本地化售后服务能力"]),
        price_weight="40.00",
        **{"criteria-0-points": "20.00"},
        bond_2="10000.00",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    draft.refresh_from_db()
    assert draft.sections["invitation"].endswith("六、联系方式\n联系人：王工")
    assert draft.qualification_items[-1] == "具备本地化售后服务能力"
    assert draft.price_weight == Decimal("40.00") and draft.criteria[0]["points"] == "20.00"
    assert draft.bonds == {"1": "30000.00", "2": "10000.00"}
    response = client.post(reverse("procurement:tender_publish", args=[project.pk]), {"publish_at": ""})
    assert response.status_code == 302
    project.refresh_from_db()
    draft.refresh_from_db()
    assert project.status == Project.Status.TENDERING and draft.status == TenderDocument.Status.PUBLISHED
    assert list(project.lots.values_list("bond_amount", flat=True)) == [
        Decimal("30000.00"),
        Decimal("10000.00"),
    ]
    notice = project.notices.get(kind=Notice.Kind.TENDER)
    assert notice.document_id == draft.pk
    # a second click is refused with the message, not a second notice
    again = client.post(
        reverse("procurement:tender_publish", args=[project.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == 200 and "Only an entrusted project" in again.content.decode()
    assert project.notices.filter(kind=Notice.Kind.TENDER).count() == 1


def test_clarification_amendment_and_lot_cancellation_while_tendering(as_role, tendering_project, settings):
    # the spent form tokens live in the cache: this test's own, as parallel runs clear the shared Redis
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = as_role("officer")
    url = reverse("procurement:documents", args=[tendering_project.pk])
    page = client.get(url)
    assert page.context["can_clarify"] and page.context["can_amend"] and page.context["form"] is None
    once = page.context["once"]
    clarify = reverse("procurement:clarification_publish", args=[tendering_project.pk])
    client.post(clarify, {"body_zh": "第1包交货期以合同为准。", "body_en": "", "once": once})
    # the same form sent twice (a double click) publishes once
    response = client.post(
        clarify, {"body_zh": "第1包交货期以合同为准。", "once": once}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already sent" in response.content.decode()
    assert tendering_project.notices.filter(kind=Notice.Kind.CORRECTION).count() == 1

    client.post(reverse("procurement:amendment_start", args=[tendering_project.pk]))
    draft = _draft(tendering_project)
    assert draft.version == 2
    page = client.get(url)
    earliest = services.earliest_amended_deadline(tendering_project)
    assert page.context["earliest_amended_deadline"] == earliest and page.context["can_publish_amendment"]
    assert earliest.isoformat() in page.content.decode()
    # the change may affect bids: the deadline moves to the earliest lawful day unless it is later
    old_deadline = timezone.localtime(draft.bid_deadline)
    new_deadline = max(
        old_deadline, old_deadline.replace(year=earliest.year, month=earliest.month, day=earliest.day)
    )
    too_early = client.post(
        url,
        builder_data(
            draft,
            amendment_reason="调整第2包技术参数",
            affects_bids="on",
            bid_deadline=(old_deadline - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert too_early.status_code == 400 and too_early.context["form"].errors["bid_deadline"]
    data = builder_data(
        draft,
        amendment_reason="调整第2包技术参数",
        affects_bids="on",
        bid_deadline=new_deadline.strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    client.post(reverse("procurement:amendment_publish", args=[tendering_project.pk]))
    draft.refresh_from_db()
    assert draft.status == TenderDocument.Status.PUBLISHED
    assert tendering_project.tender_documents.get(version=1).status == TenderDocument.Status.SUPERSEDED

    lot = tendering_project.lots.get(number=2)
    client.post(reverse("procurement:lot_cancel", args=[lot.pk]), {"reason": "需求变更"})
    lot.refresh_from_db()
    assert lot.status == Lot.Status.CANCELLED
    assert tendering_project.notices.filter(kind=Notice.Kind.TERMINATION).count() == 1


def test_a_lot_of_a_foreign_project_is_404(as_role, tendering_project):
    lot = tendering_project.lots.get(number=1)
    for role in ("other_officer", "other_regulator"):
        response = as_role(role).post(reverse("procurement:lot_cancel", args=[lot.pk]), {"reason": "x"})
        assert response.status_code == 404
    assert (
        as_role("officer")
        .post(reverse("procurement:lot_cancel", args=[lot.pk + 1000]), {"reason": "x"})
        .status_code
        == 404
    )
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPEN_FOR_BIDS


# --- The public notice and its documents --------------------------------------------------------


def test_the_public_downloads_the_frozen_documents_of_the_tender_notice(
    client, tendering_project, django_assert_num_queries
):
    notice = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    document = notice.document
    detail = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = detail.content.decode()
    url = reverse("notices:document", args=[notice.pk])
    assert detail.status_code == 200 and url in page and document.sha256 in page
    with django_assert_num_queries(2):  # the notice, the document with its project
        response = client.get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == document.sha256
    assert f'filename="{tendering_project.reference}-v1.pdf"' in response["Content-Disposition"]


def test_a_notice_without_documents_or_not_yet_public_has_no_download(client, tendering_project, officer):
    intention = tendering_project.notices.get(kind=Notice.Kind.INTENTION)
    assert client.get(reverse("notices:document", args=[intention.pk])).status_code == 404
    assert client.get(reverse("notices:document", args=[intention.pk + 1000])).status_code == 404
    tender = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    Notice.objects.filter(pk=tender.pk).update(published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(reverse("notices:document", args=[tender.pk])).status_code == 404
    assert client.get(reverse("notices:detail", args=[tender.pk])).status_code == 404


def test_notice_detail_query_count(client, tendering_project, officer, django_assert_num_queries):
    for text in ("答疑一", "答疑二", "答疑三"):
        services.publish_clarification(tendering_project.pk, actor=officer, body_zh=text)
    notice = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    url = reverse("notices:detail", args=[notice.pk])
    client.get(url)
    with django_assert_num_queries(2):  # the notice with project, purchaser and documents; the history
        response = client.get(url)
    assert len(response.context["history"]) == 5


def test_a_scheduled_tender_is_not_public_but_its_project_page_shows_it(as_role, drafted_project, officer):
    at = timezone.now() + datetime.timedelta(days=1)
    # The documents' earliest lawful dates follow the day the notice goes out, not today.
    dates = services._default_dates(drafted_project, timezone.localdate(at))
    TenderDocument.objects.filter(project=drafted_project).update(**dates)
    services.publish_tender(drafted_project.pk, actor=officer, publish_at=at)
    tender = drafted_project.notices.get(kind=Notice.Kind.TENDER)
    anonymous = as_role("anonymous")
    assert anonymous.get(reverse("notices:detail", args=[tender.pk])).status_code == 404
    page = as_role("clerk").get(
        reverse("procurement:project", args=[drafted_project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "scheduled for" in page.content.decode()
    document = tender.document
    response = as_role("regulator").get(reverse("procurement:document_pdf", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        as_role("other_regulator").get(reverse("procurement:document_pdf", args=[document.pk])).status_code
        == 404
    )
