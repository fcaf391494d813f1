"""Failed lots (流标) and the two ways forward: a re-tender (a new lot, new documents, the full
tender period) by the agency officer, and another method approved by the regulator of the region.

The failed lots are made through the real path: one supplier bids for lot 1, the deadline passes,
two officers open both lots (lot 1 with one bid, lot 2 with none: both fail)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bidding import services as bidding
from common.exceptions import DomainError
from procurement import services
from procurement.exceptions import (
    AlreadyRetendered,
    LotNotFailed,
    LotNotFound,
    MethodChangePending,
    NotPurchaserClerk,
    RegulatorApprovalNotFound,
)
from procurement.models import Lot, Method, Notice, Project, RegulatorApproval, TenderDocument
from tests.bidding.helpers import pass_deadline, prepare_bid, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_project(tendering_project, supplier_factory, officer, approvers):
    prepare_bid(tendering_project.lots.get(number=1), supplier_factory().representative)
    pass_deadline(tendering_project)
    for lot in tendering_project.lots.order_by("number"):
        bidding.confirm_opening(lot.pk, actor=verified(officer))
        bidding.confirm_opening(lot.pk, actor=verified(approvers[0]))
    tendering_project.refresh_from_db()
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.FAILED}
    return tendering_project


@pytest.fixture
def failed_lot(failed_project):
    return failed_project.lots.get(number=1)


def _lawful_tender_deadline(document, project):
    rules = services._date_rules(project)
    days = (timezone.localtime(document.bid_deadline).date() - document.documents_from).days
    return days >= rules.min_days_to_deadline


# --- Re-tender -------------------------------------------------------------------------------------


def test_a_retender_makes_a_new_lot_and_a_draft_and_publishing_opens_it_for_bids(
    failed_project, failed_lot, officer, supplier_factory
):
    lot = services.retender_lot(failed_lot.pk, actor=officer)
    assert lot.number == 3 and lot.status == Lot.Status.PREPARING and lot.retender_of_id == failed_lot.pk
    for field in ("title_zh", "title_en", "budget", "quantity_and_specification", "delivery_place"):
        assert getattr(lot, field) == getattr(failed_lot, field)
    draft = failed_project.tender_documents.get(status=TenderDocument.Status.DRAFT)
    assert draft.version == 2 and draft.prepared_by == officer
    assert draft.lot_requirements["3"] and draft.bonds["3"] == draft.bonds["1"]
    event = AuditEvent.objects.get(action="procurement.lot_retendered")
    assert event.data["failed_lot"] == 1 and event.data["lot"] == 3

    old_deadline = failed_project.bid_deadline
    notice = services.publish_retender(failed_project.pk, actor=officer)
    failed_project.refresh_from_db()
    lot.refresh_from_db()
    draft.refresh_from_db()
    assert lot.status == Lot.Status.OPEN_FOR_BIDS and lot.bond_amount is not None
    assert draft.status == TenderDocument.Status.PUBLISHED and draft.sha256
    assert failed_project.tender_documents.get(version=1).status == TenderDocument.Status.SUPERSEDED
    assert failed_project.bid_deadline == draft.bid_deadline > old_deadline
    assert draft.bid_deadline.date() >= timezone.localdate() + datetime.timedelta(days=20)
    assert _lawful_tender_deadline(draft, failed_project)
    # The failed lots stay failed, as history.
    assert list(failed_project.lots.filter(number__in=[1, 2]).values_list("status", flat=True)) == [
        Lot.Status.FAILED,
        Lot.Status.FAILED,
    ]
    assert notice.kind == Notice.Kind.TENDER and "重新招标" in notice.title_zh
    assert "lot 1" in notice.body_en
    assert failed_project.notices.filter(kind=Notice.Kind.TENDER).count() == 2
    assert AuditEvent.objects.get(action="procurement.retender_published").data["lots"] == [3]
    # Suppliers can bid for the new lot.
    bid = bidding.start_bid(lot.pk, actor=supplier_factory().representative)
    assert bid.lot_id == lot.pk


def test_two_failed_lots_join_the_same_retender_draft(failed_project, officer):
    services.retender_lot(failed_project.lots.get(number=1).pk, actor=officer)
    services.retender_lot(failed_project.lots.get(number=2).pk, actor=officer)
    draft = failed_project.tender_documents.get(status=TenderDocument.Status.DRAFT)
    assert {"3", "4"} <= set(draft.lot_requirements) and {"3", "4"} <= set(draft.bonds)
    services.publish_retender(failed_project.pk, actor=officer)
    assert set(failed_project.lots.filter(number__gte=3).values_list("status", flat=True)) == {
        Lot.Status.OPEN_FOR_BIDS
    }


def test_the_retender_draft_is_saved_under_the_full_tender_rules(failed_project, failed_lot, officer):
    services.retender_lot(failed_lot.pk, actor=officer)
    draft = failed_project.tender_documents.get(status=TenderDocument.Status.DRAFT)
    too_early = timezone.now() + datetime.timedelta(days=5)
    with pytest.raises(DomainError) as error:
        services.save_tender_documents(draft.pk, actor=officer, bid_deadline=too_early)
    assert "bid_deadline" in error.value.errors
    draft.refresh_from_db()
    assert draft.bid_deadline != too_early


def test_a_lot_that_did_not_fail_is_not_retendered(tendering_project, officer):
    with pytest.raises(LotNotFailed):
        services.retender_lot(tendering_project.lots.get(number=1).pk, actor=officer)
    assert tendering_project.lots.count() == 2


def test_another_agencys_officer_gets_the_missing_lot_answer(failed_lot, other_officer):
    with pytest.raises(LotNotFound):
        services.retender_lot(failed_lot.pk, actor=other_officer)
    assert not Lot.objects.filter(retender_of=failed_lot).exists()


def test_the_clerk_cannot_retender(failed_lot, clerk):
    with pytest.raises(DomainError) as error:
        services.retender_lot(failed_lot.pk, actor=clerk)
    assert error.value.status == 403


def test_a_failed_lot_is_retendered_once(failed_lot, officer):
    services.retender_lot(failed_lot.pk, actor=officer)
    with pytest.raises(AlreadyRetendered) as error:
        services.retender_lot(failed_lot.pk, actor=officer)
    assert error.value.status == 409
    assert Lot.objects.filter(retender_of=failed_lot).count() == 1


def test_cancelling_the_project_leaves_failed_lots_failed(failed_project, failed_lot, officer):
    services.retender_lot(failed_lot.pk, actor=officer)
    services.cancel_project(failed_project.pk, actor=officer, reason="预算调整")
    statuses = dict(failed_project.lots.values_list("number", "status"))
    assert statuses == {1: Lot.Status.FAILED, 2: Lot.Status.FAILED, 3: Lot.Status.CANCELLED}


# --- Another method, with the regulator's approval ----------------------------------------------


def _request(lot, actor, method=Method.COMPETITIVE_NEGOTIATION):
    return services.request_method_change(
        lot.pk, actor=actor, method=method, justification="公开招标仅一家供应商投标，依法第三十条转竞争性谈判"
    )


def test_the_regulator_approves_another_method_and_the_lot_is_procured_again(
    failed_project, failed_lot, clerk, regulator, officer
):
    approval = _request(failed_lot, clerk)
    assert approval.subject == RegulatorApproval.Subject.METHOD_AFTER_FAILURE
    assert approval.status == RegulatorApproval.Status.REQUESTED and approval.requested_by == clerk
    assert AuditEvent.objects.filter(action="procurement.method_change_requested").exists()
    with pytest.raises(MethodChangePending):  # no re-tender while the regulator decides
        services.retender_lot(failed_lot.pk, actor=officer)

    services.decide_regulator_approval(approval.pk, actor=regulator, approve=True)
    failed_project.refresh_from_db()
    assert failed_project.method == Method.COMPETITIVE_NEGOTIATION
    lot = Lot.objects.get(retender_of=failed_lot)
    assert lot.status == Lot.Status.PREPARING and lot.number == 3
    event = AuditEvent.objects.get(action="procurement.regulator_approved")
    assert event.data["from_method"] == Method.PUBLIC_TENDER and event.data["new_lot"] == 3

    document = services.start_retender_documents(failed_project.pk, actor=officer)
    assert document.version == 2 and "3" in document.lot_requirements
    services.publish_retender(failed_project.pk, actor=officer)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPEN_FOR_BIDS
    assert failed_lot.__class__.objects.get(pk=failed_lot.pk).status == Lot.Status.FAILED


def test_the_regulator_refuses_and_nothing_changes(failed_project, failed_lot, officer, regulator):
    approval = _request(failed_lot, officer, method=Method.SINGLE_SOURCE)
    with pytest.raises(DomainError):  # refusing needs a comment
        services.decide_regulator_approval(approval.pk, actor=regulator, approve=False)
    services.decide_regulator_approval(
        approval.pk, actor=regulator, approve=False, comment="不符合单一来源情形"
    )
    failed_project.refresh_from_db()
    assert failed_project.method == Method.PUBLIC_TENDER
    assert failed_project.lots.count() == 2
    assert RegulatorApproval.objects.get(pk=approval.pk).status == RegulatorApproval.Status.REFUSED
    # The lot may still be re-tendered.
    assert services.retender_lot(failed_lot.pk, actor=officer).retender_of_id == failed_lot.pk


def test_a_regulator_of_another_region_gets_the_missing_answer(
    failed_project, failed_lot, clerk, other_regulator
):
    approval = _request(failed_lot, clerk)
    with pytest.raises(RegulatorApprovalNotFound):
        services.decide_regulator_approval(approval.pk, actor=other_regulator, approve=True)
    failed_project.refresh_from_db()
    assert failed_project.method == Method.PUBLIC_TENDER
    assert RegulatorApproval.objects.get(pk=approval.pk).status == RegulatorApproval.Status.REQUESTED


def test_a_method_change_needs_a_justification_and_a_method_for_failed_lots(failed_lot, clerk, approvers):
    with pytest.raises(DomainError):
        services.request_method_change(
            failed_lot.pk, actor=clerk, method=Method.SINGLE_SOURCE, justification=" "
        )
    with pytest.raises(DomainError):
        services.request_method_change(
            failed_lot.pk, actor=clerk, method=Method.PUBLIC_TENDER, justification="x"
        )
    with pytest.raises(NotPurchaserClerk):
        _request(failed_lot, approvers[0])
    _request(failed_lot, clerk)
    with pytest.raises(MethodChangePending):
        _request(failed_lot, clerk)
    assert RegulatorApproval.objects.filter(lot=failed_lot).count() == 1


# --- Pages and API ---------------------------------------------------------------------------------


def test_the_project_page_shows_the_ways_forward_to_those_allowed(
    client, login, failed_project, failed_lot, officer, clerk, regulator
):
    url = reverse("procurement:project", args=[failed_project.pk])
    page = login(officer).get(url).content.decode()
    assert 'data-testid="retender-lot-1"' in page and 'data-testid="method-change-lot-1"' in page
    page = login(clerk).get(url).content.decode()
    assert 'data-testid="retender-lot-1"' not in page and 'data-testid="method-change-lot-1"' in page
    page = login(regulator).get(url).content.decode()
    assert 'data-testid="failed-lots"' not in page

    response = login(officer).post(reverse("procurement:lot_retender", args=[failed_lot.pk]))
    assert response.status_code == 302
    assert Lot.objects.filter(retender_of=failed_lot).exists()
    page = client.get(url).content.decode()
    assert 'data-testid="retender-lot-1"' not in page and 'data-testid="retender-of"' in page
    builder = client.get(reverse("procurement:documents", args=[failed_project.pk])).content.decode()
    assert 'data-testid="publish-retender"' in builder and 'data-testid="publish-amendment"' not in builder
    assert client.post(reverse("procurement:retender_publish", args=[failed_project.pk])).status_code == 302
    assert Lot.objects.get(retender_of=failed_lot).status == Lot.Status.OPEN_FOR_BIDS


def test_the_method_change_form_sends_the_request(login, failed_lot, clerk):
    response = login(clerk).post(
        reverse("procurement:lot_method_change", args=[failed_lot.pk]),
        {"method": Method.COMPETITIVE_NEGOTIATION, "justification": "仅一家供应商投标"},
    )
    assert response.status_code == 302
    assert RegulatorApproval.objects.get(lot=failed_lot).requested_method == Method.COMPETITIVE_NEGOTIATION


def test_another_officer_posting_the_retender_page_gets_404(login, failed_lot, other_officer):
    response = login(other_officer).post(reverse("procurement:lot_retender", args=[failed_lot.pk]))
    assert response.status_code == 404
    assert not Lot.objects.filter(retender_of=failed_lot).exists()


def test_the_api_retenders_once_and_answers_404_to_others(login, failed_lot, officer, other_officer):
    url = f"/api/v1/procurement/lots/{failed_lot.pk}/retender/"
    assert login(other_officer).post(url).status_code == 404
    response = login(officer).post(url)
    assert response.status_code == 201, response.content
    assert response.json()["retender_of"] == failed_lot.pk and response.json()["status"] == "preparing"
    second = login(officer).post(url)
    assert second.status_code == 409 and second.json()["code"] == "already_retendered"
    publish = login(officer).post(f"/api/v1/procurement/projects/{failed_lot.project_id}/retender/publish/")
    assert publish.status_code == 200, publish.content


def test_the_api_requests_another_method(login, failed_lot, clerk):
    url = f"/api/v1/procurement/lots/{failed_lot.pk}/method-change/"
    response = login(clerk).post(
        url, {"method": "single_source", "justification": "仅一家供应商响应"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "method_after_failure" and response.json()["lot"] == failed_lot.pk
    again = login(clerk).post(
        url, {"method": "single_source", "justification": "再次"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_a_project_not_tendering_has_no_failed_lots_to_retender(entrusted_project, officer):
    lot = entrusted_project.lots.get(number=1)
    with pytest.raises(DomainError) as error:
        services.retender_lot(lot.pk, actor=officer)
    assert error.value.status == 409
    assert Project.objects.get(pk=entrusted_project.pk).status == Project.Status.ENTRUSTED
