"""From the purchaser's approval to a published tender and its changes: the regulator's approvals,
entrustment, the tender documents, publishing, the deadline, clarifications, amendments and
cancellation. Every transition allowed and refused, with its audit event; a refusal changes nothing.

Dates follow the real clock: the fixtures declare next year's calendar, and each test computes
the days it names from the working-day calendar, never from a fixed "today".
"""

import datetime
import hashlib
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.permissions import has_object_permission
from audit.models import AuditEvent
from procurement import policies, services, tasks
from procurement.exceptions import (
    AgencyHasNoOfficer,
    AlreadyDecided,
    CommentRequired,
    DocumentFrozen,
    DocumentNotFound,
    DraftExists,
    ImportedProductsJustificationRequired,
    InvalidAgency,
    InvalidAmount,
    InvalidTransition,
    LotNotFound,
    NotAllowedToCancel,
    NotPurchaserClerk,
    NotTenderOfficer,
    ProjectNotFound,
    ReasonRequired,
    RegulatorApprovalNotFound,
    RegulatorApprovalPending,
    SingleSourceNoticeStanding,
    TenderDocumentInvalid,
    TenderTooEarly,
)
from procurement.models import Entrustment, Lot, Method, Notice, Project, RegulatorApproval, TenderDocument
from rulebook.selectors import add_working_days, is_working_day
from tests.accounts.factories import OrganisationFactory

from .conftest import approve, entrust, file_project, make_publishable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def audited(action: str, project: Project) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(project.pk)))


def at_half_past_nine(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def previous_working_day(day: datetime.date) -> datetime.date:
    day -= DAY
    while not is_working_day(day):
        day -= DAY
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += DAY
    return day


def draft_of(project: Project) -> TenderDocument:
    return project.tender_documents.get(status=TenderDocument.Status.DRAFT)


def published_of(project: Project) -> TenderDocument:
    return project.tender_documents.get(status=TenderDocument.Status.PUBLISHED)


def file_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def shift_tender_back(project: Project, days: int = 14) -> Project:
    """As if the tender had been published `days` days earlier (two weeks keep the weekdays)."""
    delta = datetime.timedelta(days=days)
    document = published_of(project)
    for name in ("documents_from", "documents_until", "clarification_until", "bid_deadline", "published_at"):
        setattr(document, name, getattr(document, name) - delta)
    document.save()
    Project.objects.filter(pk=project.pk).update(bid_deadline=F("bid_deadline") - delta)
    Notice.objects.filter(project=project, kind=Notice.Kind.TENDER).update(
        published_at=F("published_at") - delta
    )
    project.refresh_from_db()
    return project


def pass_the_deadline(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(bid_deadline=timezone.now() - datetime.timedelta(minutes=1))
    project.refresh_from_db()
    return project


# --- The regulator's approvals --------------------------------------------------------------------


def test_a_non_default_method_asks_the_regulator_on_the_final_approval(clerk, approvers, regulator):
    project = file_project(
        clerk, method=Method.COMPETITIVE_NEGOTIATION, method_justification="技术复杂，不能确定详细规格"
    )
    project = approve(project, approvers)
    request = project.regulator_approvals.get()
    assert request.subject == RegulatorApproval.Subject.METHOD
    assert request.status == RegulatorApproval.Status.REQUESTED
    assert request.justification == "技术复杂，不能确定详细规格"
    [event] = audited("procurement.project_approved", project)
    assert event.data["regulator_approvals"] == ["method"]
    assert regulator.notifications.filter(link="/procurement/regulator/approvals/").exists()


def test_the_default_method_asks_the_regulator_nothing(approved_project):
    assert not approved_project.regulator_approvals.exists()
    [event] = audited("procurement.project_approved", approved_project)
    assert event.data["regulator_approvals"] == []


def test_imported_products_ask_the_regulator_with_their_justification(imported_project):
    request = imported_project.regulator_approvals.get()
    assert request.subject == RegulatorApproval.Subject.IMPORTED_PRODUCTS
    assert request.justification == "国内同类产品的精度达不到教学实验要求"


def test_imported_products_without_a_justification_are_refused(clerk):
    with pytest.raises(ImportedProductsJustificationRequired):
        file_project(clerk, imported_products=True, imported_products_justification="  ")
    assert not Project.objects.exists()


def test_a_regulator_of_the_region_approves_imported_products(imported_project, regulator):
    request = imported_project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=True, comment="同意")
    request.refresh_from_db()
    assert request.status == RegulatorApproval.Status.APPROVED
    assert request.decided_by == regulator and request.decided_at is not None
    [event] = audited("procurement.regulator_approved", imported_project)
    assert event.data == {"subject": "imported_products", "comment": "同意"}
    assert not imported_project.notices.filter(kind=Notice.Kind.SINGLE_SOURCE).exists()


def test_a_refusal_needs_a_comment(imported_project, regulator):
    request = imported_project.regulator_approvals.get()
    with pytest.raises(CommentRequired):
        services.decide_regulator_approval(request.pk, actor=regulator, approve=False, comment=" ")
    request.refresh_from_db()
    assert request.status == RegulatorApproval.Status.REQUESTED and request.decided_by is None
    assert not audited("procurement.regulator_refused", imported_project)


def test_a_regulator_refuses_with_a_comment(imported_project, regulator):
    request = imported_project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=False, comment="国内产品可以满足")
    request.refresh_from_db()
    assert request.status == RegulatorApproval.Status.REFUSED and request.comment == "国内产品可以满足"
    [event] = audited("procurement.regulator_refused", imported_project)
    assert event.data["comment"] == "国内产品可以满足"


def test_a_regulator_of_another_region_gets_not_found(imported_project, other_regulator):
    request = imported_project.regulator_approvals.get()
    with pytest.raises(RegulatorApprovalNotFound):
        services.decide_regulator_approval(request.pk, actor=other_regulator, approve=True)
    request.refresh_from_db()
    assert request.status == RegulatorApproval.Status.REQUESTED
    assert not audited("procurement.regulator_approved", imported_project)


@pytest.mark.parametrize("pk", [0, "abc", None])
def test_a_missing_request_is_not_found(db, regulator, pk):
    with pytest.raises(RegulatorApprovalNotFound):
        services.decide_regulator_approval(pk, actor=regulator, approve=True)


def test_a_purchaser_approver_cannot_decide_for_the_regulator(imported_project, approvers):
    request = imported_project.regulator_approvals.get()
    with pytest.raises(RegulatorApprovalNotFound):
        services.decide_regulator_approval(request.pk, actor=approvers[2], approve=True)


def test_a_decided_request_cannot_be_decided_again(imported_project, regulator):
    request = imported_project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=True)
    with pytest.raises(AlreadyDecided):
        services.decide_regulator_approval(request.pk, actor=regulator, approve=False, comment="改变主意")
    request.refresh_from_db()
    assert request.status == RegulatorApproval.Status.APPROVED
    assert not audited("procurement.regulator_refused", imported_project)


def test_approving_single_source_above_the_threshold_publishes_the_justification_notice(
    single_source_project, regulator
):
    request = single_source_project.regulator_approvals.get()
    assert request.subject == RegulatorApproval.Subject.METHOD
    services.decide_regulator_approval(request.pk, actor=regulator, approve=True)
    single_source_project.refresh_from_db()
    today = timezone.localdate()
    assert single_source_project.single_source_notice_until == add_working_days(today, 5)
    notice = single_source_project.notices.get(kind=Notice.Kind.SINGLE_SOURCE)
    assert single_source_project.single_source_notice_until.isoformat() in notice.body_zh
    assert "只有原厂能提供兼容的升级部件" in notice.body_zh
    [event] = audited("procurement.regulator_approved", single_source_project)
    assert event.data["single_source_notice"] == notice.pk


def test_a_refused_single_source_publishes_no_notice(single_source_project, regulator):
    request = single_source_project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=False, comment="可以公开招标")
    single_source_project.refresh_from_db()
    assert single_source_project.single_source_notice_until is None
    assert not single_source_project.notices.filter(kind=Notice.Kind.SINGLE_SOURCE).exists()


def test_the_tender_waits_until_the_single_source_notice_has_stood(
    single_source_project, regulator, clerk, agency, officer, declared_next_year
):
    services.decide_regulator_approval(
        single_source_project.regulator_approvals.get().pk, actor=regulator, approve=True
    )
    project = make_publishable(entrust(single_source_project, clerk, agency))
    until = project.single_source_notice_until
    services.start_tender_documents(project.pk, actor=officer)
    with pytest.raises(SingleSourceNoticeStanding) as error:
        services.publish_tender(project.pk, actor=officer)
    assert until.isoformat() in str(error.value) and (until + DAY).isoformat() in str(error.value)
    project.refresh_from_db()
    assert project.status == Project.Status.ENTRUSTED
    assert not project.notices.filter(kind=Notice.Kind.TENDER).exists()
    # once it has stood, the tender may go out
    Project.objects.filter(pk=project.pk).update(single_source_notice_until=timezone.localdate() - DAY)
    with mock.patch.object(tasks.close_bidding, "apply_async"):
        services.publish_tender(project.pk, actor=officer)
    project.refresh_from_db()
    assert project.status == Project.Status.TENDERING


# --- Entrustment ----------------------------------------------------------------------------------


def test_a_clerk_entrusts_an_approved_project_to_an_agency(approved_project, clerk, agency, officer):
    entrustment = services.entrust_project(
        approved_project.pk, actor=clerk, agency_id=agency.pk, scope="组织公开招标全过程", fee="12000.00"
    )
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.ENTRUSTED and approved_project.agency == agency
    assert entrustment.agency == agency and entrustment.fee == Decimal("12000.00")
    assert entrustment.entrusted_by == clerk and not entrustment.is_own_office
    assert has_object_permission(officer, "procurement.run_tender", approved_project)
    assert policies.can_run_tender(officer, approved_project)
    [event] = audited("procurement.project_entrusted", approved_project)
    assert event.data["agency"] == agency.pk and event.data["officers"] == [officer.pk]
    assert event.data["sha256"] == entrustment.sha256
    assert officer.notifications.filter(link=f"/procurement/projects/{approved_project.pk}/").exists()


def test_the_agreements_sha256_is_the_hash_of_the_stored_pdf(entrusted_project):
    entrustment = Entrustment.objects.get(project=entrusted_project)
    content = file_bytes(entrustment.document)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == entrustment.sha256


def test_an_approver_cannot_entrust(approved_project, approvers, agency, officer):
    with pytest.raises(NotPurchaserClerk):
        services.entrust_project(approved_project.pk, actor=approvers[0], agency_id=agency.pk, scope="全过程")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and approved_project.agency is None
    assert not Entrustment.objects.exists()


def test_a_project_not_yet_approved_cannot_be_entrusted(clerk, agency, officer):
    project = file_project(clerk)
    with pytest.raises(InvalidTransition):
        services.entrust_project(project.pk, actor=clerk, agency_id=agency.pk, scope="全过程")
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT and not Entrustment.objects.exists()
    assert not audited("procurement.project_entrusted", project)


def test_an_entrusted_project_cannot_be_entrusted_again(entrusted_project, clerk, make_member):
    other = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    make_member(Role.AGENCY_OFFICER, organisation=other)
    with pytest.raises(InvalidTransition):
        services.entrust_project(entrusted_project.pk, actor=clerk, agency_id=other.pk, scope="全过程")
    entrusted_project.refresh_from_db()
    assert entrusted_project.agency_id != other.pk
    assert len(audited("procurement.project_entrusted", entrusted_project)) == 1


@pytest.mark.parametrize("which", ["inactive agency", "supplier", "missing", "not a number"])
def test_only_an_active_agency_can_be_entrusted(approved_project, clerk, make_member, which):
    if which == "inactive agency":
        target = OrganisationFactory(kind=Organisation.Kind.AGENCY, is_active=False)
        make_member(Role.AGENCY_OFFICER, organisation=target)
        agency_id = target.pk
    elif which == "supplier":
        agency_id = OrganisationFactory(kind=Organisation.Kind.SUPPLIER).pk
    else:
        agency_id = 0 if which == "missing" else "abc"
    with pytest.raises(InvalidAgency):
        services.entrust_project(approved_project.pk, actor=clerk, agency_id=agency_id, scope="全过程")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and not Entrustment.objects.exists()


def test_an_agency_without_an_officer_cannot_be_entrusted(approved_project, clerk):
    empty = OrganisationFactory(kind=Organisation.Kind.AGENCY)
    with pytest.raises(AgencyHasNoOfficer):
        services.entrust_project(approved_project.pk, actor=clerk, agency_id=empty.pk, scope="全过程")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED


def test_the_own_office_needs_an_agency_officer_of_the_purchaser(approved_project, clerk, purchaser):
    with pytest.raises(AgencyHasNoOfficer):
        services.entrust_project(approved_project.pk, actor=clerk, agency_id=purchaser.pk, scope="自行组织")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED and not Entrustment.objects.exists()


def test_the_own_procurement_office_runs_the_tender(approved_project, clerk, purchaser, make_member):
    own_officer = make_member(Role.AGENCY_OFFICER, organisation=purchaser)
    entrustment = services.entrust_project(
        approved_project.pk, actor=clerk, agency_id=purchaser.pk, scope="由本单位采购机构自行组织"
    )
    approved_project.refresh_from_db()
    assert entrustment.is_own_office and approved_project.agency == purchaser
    assert policies.can_run_tender(own_officer, approved_project)
    [event] = audited("procurement.project_entrusted", approved_project)
    assert event.data["own_office"] is True


def test_entrusting_needs_a_scope(approved_project, clerk, agency, officer):
    with pytest.raises(ReasonRequired):
        services.entrust_project(approved_project.pk, actor=clerk, agency_id=agency.pk, scope=" ")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED


@pytest.mark.parametrize("fee", ["-1", "12.345", "abc"])
def test_a_fee_that_is_not_an_amount_is_refused(approved_project, clerk, agency, officer, fee):
    with pytest.raises(InvalidAmount):
        services.entrust_project(
            approved_project.pk, actor=clerk, agency_id=agency.pk, scope="全过程", fee=fee
        )
    assert not Entrustment.objects.exists()


# --- Tender documents ---------------------------------------------------------------------------


def test_the_officer_starts_the_documents_from_the_standard_template(
    entrusted_project, officer, declared_next_year
):
    project = make_publishable(entrusted_project)
    document = services.start_tender_documents(project.pk, actor=officer)
    assert document.version == 1 and document.status == TenderDocument.Status.DRAFT
    assert set(document.sections) == {
        "invitation",
        "instructions",
        "qualification",
        "requirements",
        "evaluation",
        "contract_terms",
        "bid_format",
    }
    assert document.qualification_items and set(document.lot_requirements) == {"1", "2"}
    assert document.evaluation_method == TenderDocument.EvaluationMethod.COMPREHENSIVE
    assert document.price_weight + sum(Decimal(c["points"]) for c in document.criteria) == 100
    assert document.bonds == {"1": "30000.00", "2": "20000.00"}  # 2 % of each lot's budget
    # the earliest lawful dates from today: 20 days to a working-day deadline at 09:30
    deadline = local_day(document.bid_deadline)
    assert document.documents_from == next_working_day(timezone.localdate())
    assert (deadline - document.documents_from).days >= 20 and is_working_day(deadline)
    assert (deadline - document.clarification_until).days == 15
    [event] = audited("procurement.tender_documents_started", project)
    assert event.data["document"] == document.pk
    # and they pass every rule as they are
    services.save_tender_documents(document.pk, actor=officer)


def test_documents_started_early_count_from_the_day_the_tender_may_be_published(
    entrusted_project, officer, declared_next_year
):
    document = services.start_tender_documents(entrusted_project.pk, actor=officer)
    first_day = services.earliest_tender_notice_day(entrusted_project)
    assert first_day == timezone.localdate() + datetime.timedelta(days=30)
    assert document.documents_from == next_working_day(first_day)


def test_starting_the_documents_twice_is_refused(drafted_project, officer):
    with pytest.raises(DraftExists):
        services.start_tender_documents(drafted_project.pk, actor=officer)
    assert drafted_project.tender_documents.count() == 1
    assert len(audited("procurement.tender_documents_started", drafted_project)) == 1


def test_a_clerk_does_not_prepare_the_documents(entrusted_project, clerk):
    with pytest.raises(NotTenderOfficer):
        services.start_tender_documents(entrusted_project.pk, actor=clerk)
    assert not entrusted_project.tender_documents.exists()


def test_an_officer_of_another_agency_does_not_even_see_the_project(entrusted_project, other_officer):
    with pytest.raises(ProjectNotFound):
        services.start_tender_documents(entrusted_project.pk, actor=other_officer)
    assert not entrusted_project.tender_documents.exists()


def test_documents_of_a_project_not_entrusted_cannot_be_started(approved_project, officer):
    with pytest.raises(ProjectNotFound):
        services.start_tender_documents(approved_project.pk, actor=officer)


def test_the_officer_saves_lawful_changes(drafted_project, officer):
    document = draft_of(drafted_project)
    criteria = [
        {"name_zh": "技术方案", "name_en": "Technical approach", "kind": "technical", "points": "45.00"},
        {"name_zh": "售后服务", "name_en": "After-sales service", "kind": "commercial", "points": "15.00"},
    ]
    services.save_tender_documents(
        document.pk, actor=officer, price_weight=Decimal("40.00"), criteria=criteria, bonds={"1": "10000.00"}
    )
    document.refresh_from_db()
    assert document.price_weight == Decimal("40.00") and document.criteria == criteria
    assert document.bonds == {"1": "10000.00"}  # lot 2 asks no bond
    [event] = audited("procurement.tender_documents_saved", drafted_project)
    assert event.data["fields"] == ["bonds", "criteria", "price_weight"]


def assert_unchanged(document: TenderDocument) -> None:
    saved = TenderDocument.objects.get(pk=document.pk)
    for name in services.EDITABLE_DOCUMENT_FIELDS:
        assert getattr(saved, name) == getattr(document, name), name
    assert not audited("procurement.tender_documents_saved", document.project)


def test_criteria_that_do_not_add_up_to_100_are_refused(drafted_project, officer):
    document = draft_of(drafted_project)
    criteria = [dict(c) for c in document.criteria]
    criteria[0]["points"] = str(Decimal(criteria[0]["points"]) - 1)
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(document.pk, actor=officer, criteria=criteria)
    assert list(error.value.errors) == ["criteria"]
    assert "99" in error.value.errors["criteria"][0]
    assert_unchanged(document)


@pytest.mark.parametrize("weight", [Decimal("29.99"), Decimal("100.01"), "abc"])
def test_a_price_weight_outside_the_rulebooks_range_is_refused(drafted_project, officer, weight):
    document = draft_of(drafted_project)
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(document.pk, actor=officer, price_weight=weight)
    message = error.value.errors["price_weight"][0]
    assert "30" in message and "100" in message  # goods: at least 30 points
    assert_unchanged(document)


def test_a_bond_over_two_percent_of_the_lot_budget_is_refused(drafted_project, officer):
    document = draft_of(drafted_project)
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(document.pk, actor=officer, bonds={"1": "30000.01", "2": "20000.00"})
    [message] = error.value.errors["bonds"]
    assert "30,000.00" in message
    assert_unchanged(document)


def test_a_deadline_one_working_day_too_early_names_the_earliest_lawful_date(drafted_project, officer):
    document = draft_of(drafted_project)
    earliest = local_day(document.bid_deadline)  # the defaults are the earliest lawful dates
    too_early = previous_working_day(earliest)
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(
            document.pk,
            actor=officer,
            bid_deadline=at_half_past_nine(too_early),
            clarification_until=too_early - datetime.timedelta(days=15),
        )
    assert list(error.value.errors) == ["bid_deadline"]
    [message] = error.value.errors["bid_deadline"]
    assert earliest.isoformat() in message
    assert str(error.value) == message
    assert_unchanged(document)


def test_published_documents_are_frozen(tendering_project, officer):
    document = published_of(tendering_project)
    with pytest.raises(DocumentFrozen):
        services.save_tender_documents(document.pk, actor=officer, opening_place="别处")
    assert_unchanged(document)


def test_an_officer_of_another_agency_cannot_open_the_documents(drafted_project, other_officer):
    document = draft_of(drafted_project)
    with pytest.raises(DocumentNotFound):
        services.save_tender_documents(document.pk, actor=other_officer, opening_place="别处")
    assert_unchanged(document)


def test_a_clerk_cannot_edit_the_documents(drafted_project, clerk):
    document = draft_of(drafted_project)
    with pytest.raises(NotTenderOfficer):
        services.save_tender_documents(document.pk, actor=clerk, opening_place="别处")
    assert_unchanged(document)


# --- Publishing the tender notice -----------------------------------------------------------------


def test_publishing_the_tender_notice(drafted_project, officer, django_capture_on_commit_callbacks):
    project = drafted_project
    with mock.patch.object(tasks.close_bidding, "apply_async") as schedule:
        with django_capture_on_commit_callbacks() as callbacks:
            notice = services.publish_tender(project.pk, actor=officer)
        schedule.assert_not_called()  # not before the commit
        for callback in callbacks:
            callback()
    project.refresh_from_db()
    document = project.tender_documents.get()
    assert project.status == Project.Status.TENDERING and project.bid_deadline == document.bid_deadline
    # the notice, with the frozen documents
    assert notice.kind == Notice.Kind.TENDER and notice.document == document
    assert notice.region_code == "330400" and notice.method == Method.PUBLIC_TENDER
    assert project.reference in notice.body_zh and document.sha256 in notice.body_en
    assert document.status == TenderDocument.Status.PUBLISHED and document.published_at is not None
    content = file_bytes(document.pdf)
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == document.sha256
    # the lots open for bids with the documents' bonds
    assert [(lot.status, lot.bond_amount) for lot in project.lots.order_by("number")] == [
        (Lot.Status.OPEN_FOR_BIDS, Decimal("30000.00")),
        (Lot.Status.OPEN_FOR_BIDS, Decimal("20000.00")),
    ]
    # the deadline job, at the deadline
    schedule.assert_called_once_with(args=[project.pk], eta=project.bid_deadline, queue="default")
    [event] = audited("procurement.tender_published", project)
    assert event.data["notice"] == notice.pk and event.data["sha256"] == document.sha256
    assert event.data["lots_opened"] == 2


def assert_not_published(project: Project) -> None:
    project.refresh_from_db()
    assert project.status == Project.Status.ENTRUSTED and project.bid_deadline is None
    assert not project.notices.filter(kind=Notice.Kind.TENDER).exists()
    assert set(project.lots.values_list("status", flat=True)) == {Lot.Status.PREPARING}
    assert not project.tender_documents.exclude(status=TenderDocument.Status.DRAFT).exists()
    assert not audited("procurement.tender_published", project)


def test_publishing_before_the_intention_has_stood_names_the_day(
    entrusted_project, officer, declared_next_year
):
    services.start_tender_documents(entrusted_project.pk, actor=officer)
    with pytest.raises(TenderTooEarly) as error:
        services.publish_tender(entrusted_project.pk, actor=officer)
    first_day = timezone.localdate() + datetime.timedelta(days=30)
    assert first_day.isoformat() in str(error.value)
    assert_not_published(entrusted_project)


def test_a_tender_notice_scheduled_too_early_names_the_day(entrusted_project, officer, declared_next_year):
    services.start_tender_documents(entrusted_project.pk, actor=officer)
    publish_at = timezone.now() + datetime.timedelta(days=29)
    with pytest.raises(TenderTooEarly) as error:
        services.publish_tender(entrusted_project.pk, actor=officer, publish_at=publish_at)
    assert (timezone.localdate() + datetime.timedelta(days=30)).isoformat() in str(error.value)
    assert_not_published(entrusted_project)


def test_publishing_before_the_approval_is_refused(clerk, officer):
    project = file_project(clerk)
    with pytest.raises(ProjectNotFound):
        services.publish_tender(project.pk, actor=officer)
    with pytest.raises(NotTenderOfficer):
        services.publish_tender(project.pk, actor=clerk)
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT and not project.notices.exists()


def test_publishing_before_the_entrustment_is_refused(approved_project, officer, clerk):
    make_publishable(approved_project)
    with pytest.raises(ProjectNotFound):  # the agency's officer has no grant on it yet
        services.publish_tender(approved_project.pk, actor=officer)
    with pytest.raises(NotTenderOfficer):
        services.publish_tender(approved_project.pk, actor=clerk)
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED
    assert not approved_project.notices.filter(kind=Notice.Kind.TENDER).exists()


def test_publishing_without_documents_is_refused(entrusted_project, officer):
    make_publishable(entrusted_project)
    with pytest.raises(DocumentNotFound):
        services.publish_tender(entrusted_project.pk, actor=officer)
    assert_not_published(entrusted_project)


def test_documents_that_break_a_rule_are_not_published(drafted_project, officer):
    TenderDocument.objects.filter(project=drafted_project).update(bonds={"1": "99999.00"})
    with pytest.raises(TenderDocumentInvalid):
        services.publish_tender(drafted_project.pk, actor=officer)
    assert_not_published(drafted_project)


def test_a_tender_is_published_once(tendering_project, officer):
    with pytest.raises(InvalidTransition):
        services.publish_tender(tendering_project.pk, actor=officer)
    assert tendering_project.notices.filter(kind=Notice.Kind.TENDER).count() == 1


def test_imported_products_wait_for_the_regulators_approval(
    imported_project, clerk, agency, officer, regulator, declared_next_year
):
    project = make_publishable(entrust(imported_project, clerk, agency))
    services.start_tender_documents(project.pk, actor=officer)
    with pytest.raises(RegulatorApprovalPending):
        services.publish_tender(project.pk, actor=officer)
    assert_not_published(project)
    request = project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=True)
    with mock.patch.object(tasks.close_bidding, "apply_async"):
        notice = services.publish_tender(project.pk, actor=officer)
    # the approval is published with the notice
    assert "国内同类产品的精度达不到教学实验要求" in notice.body_zh


def test_a_refused_request_stops_the_tender(
    imported_project, clerk, agency, officer, regulator, declared_next_year
):
    project = make_publishable(entrust(imported_project, clerk, agency))
    services.start_tender_documents(project.pk, actor=officer)
    request = project.regulator_approvals.get()
    services.decide_regulator_approval(request.pk, actor=regulator, approve=False, comment="国内产品可以满足")
    with pytest.raises(RegulatorApprovalPending):
        services.publish_tender(project.pk, actor=officer)
    assert_not_published(project)


# --- The bid deadline ----------------------------------------------------------------------------


def test_closing_before_the_deadline_changes_nothing(tendering_project):
    assert services.close_bidding(tendering_project.pk) == 0
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.OPEN_FOR_BIDS}
    assert not audited("procurement.bidding_closed", tendering_project)


def test_closing_after_the_deadline_opens_the_lots_once(tendering_project, agency):
    pass_the_deadline(tendering_project)
    assert services.close_bidding(tendering_project.pk) == 2
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.CLOSED}
    [event] = audited("procurement.bidding_closed", tendering_project)
    assert event.actor_id is None and event.organisation_id == agency.pk and event.data["lots"] == 2
    # run again (the job and the sweep both fire): nothing more
    assert services.close_bidding(tendering_project.pk) == 0
    assert len(audited("procurement.bidding_closed", tendering_project)) == 1


def test_the_sweep_closes_only_projects_past_their_deadline(tendering_project):
    assert services.close_due_bidding() == 0
    pass_the_deadline(tendering_project)
    assert services.close_due_bidding() == 2
    assert services.close_due_bidding() == 0
    assert len(audited("procurement.bidding_closed", tendering_project)) == 1


def test_a_cancelled_project_is_not_closed(tendering_project, officer):
    services.cancel_project(tendering_project.pk, actor=officer, reason="采购需求取消")
    pass_the_deadline(tendering_project)
    assert services.close_bidding(tendering_project.pk) == 0
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.CANCELLED}


# --- Clarifications ------------------------------------------------------------------------------


def test_a_clarification_is_a_correction_of_the_tender_notice(tendering_project, officer):
    notice = services.publish_clarification(
        tendering_project.pk,
        actor=officer,
        body_zh="第1包的交货地点为嘉兴市南湖区。",
        body_en="Lot 1 goes to Nanhu.",
    )
    tender = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    assert notice.kind == Notice.Kind.CORRECTION and notice.corrects == tender
    assert "第1包的交货地点为嘉兴市南湖区。" in notice.body_zh and "Lot 1 goes to Nanhu." in notice.body_en
    [event] = audited("procurement.clarification_published", tendering_project)
    assert event.data == {"notice": notice.pk}


def test_a_clarification_needs_its_text(tendering_project, officer):
    with pytest.raises(ReasonRequired):
        services.publish_clarification(tendering_project.pk, actor=officer, body_zh=" ")
    assert not tendering_project.notices.filter(kind=Notice.Kind.CORRECTION).exists()
    assert not audited("procurement.clarification_published", tendering_project)


def test_nothing_is_clarified_before_the_tender_notice(drafted_project, officer):
    with pytest.raises(InvalidTransition):
        services.publish_clarification(drafted_project.pk, actor=officer, body_zh="说明")
    assert not drafted_project.notices.filter(kind=Notice.Kind.CORRECTION).exists()


def test_nothing_is_clarified_after_the_deadline(tendering_project, officer):
    pass_the_deadline(tendering_project)
    with pytest.raises(InvalidTransition):
        services.publish_clarification(tendering_project.pk, actor=officer, body_zh="说明")
    assert not tendering_project.notices.filter(kind=Notice.Kind.CORRECTION).exists()


# --- Amendments ----------------------------------------------------------------------------------


def test_an_amendment_starts_as_a_copy_of_the_published_version(tendering_project, officer):
    published = published_of(tendering_project)
    draft = services.start_amendment(tendering_project.pk, actor=officer)
    assert draft.version == 2 and draft.status == TenderDocument.Status.DRAFT
    for name in ("sections", "criteria", "bonds", "bid_deadline", "documents_until", "price_weight"):
        assert getattr(draft, name) == getattr(published, name), name
    assert draft.amendment_reason == "" and not draft.affects_bids and draft.sha256 == ""
    [event] = audited("procurement.amendment_started", tendering_project)
    assert event.data["from_version"] == 1 and event.data["version"] == 2


def test_a_second_amendment_draft_is_refused(tendering_project, officer):
    services.start_amendment(tendering_project.pk, actor=officer)
    with pytest.raises(DraftExists):
        services.start_amendment(tendering_project.pk, actor=officer)
    assert tendering_project.tender_documents.count() == 2


def test_an_amendment_needs_a_published_tender(drafted_project, officer):
    with pytest.raises(InvalidTransition):
        services.start_amendment(drafted_project.pk, actor=officer)
    assert drafted_project.tender_documents.count() == 1


def test_a_change_affecting_bids_too_close_to_the_deadline_names_the_earliest_new_deadline(
    tendering_project, officer
):
    project = shift_tender_back(tendering_project)  # the deadline is now fewer than 15 days away
    draft = services.start_amendment(project.pk, actor=officer)
    earliest = services.earliest_amended_deadline(project)
    assert earliest > local_day(project.bid_deadline)
    assert earliest == next_working_day(timezone.localdate() + datetime.timedelta(days=15))
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(
            draft.pk, actor=officer, affects_bids=True, amendment_reason="第1包技术参数调整"
        )
    [message] = error.value.errors["bid_deadline"]
    assert earliest.isoformat() in message
    # one working day earlier is still too early
    with pytest.raises(TenderDocumentInvalid):
        services.save_tender_documents(
            draft.pk,
            actor=officer,
            affects_bids=True,
            amendment_reason="第1包技术参数调整",
            bid_deadline=at_half_past_nine(previous_working_day(earliest)),
        )
    assert_unchanged(draft)
    # the proposed day is lawful
    services.save_tender_documents(
        draft.pk,
        actor=officer,
        affects_bids=True,
        amendment_reason="第1包技术参数调整",
        bid_deadline=at_half_past_nine(earliest),
    )
    draft.refresh_from_db()
    assert local_day(draft.bid_deadline) == earliest and draft.affects_bids


def test_an_amendment_cannot_bring_the_deadline_forward(tendering_project, officer):
    draft = services.start_amendment(tendering_project.pk, actor=officer)
    deadline = tendering_project.bid_deadline
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(
            draft.pk, actor=officer, amendment_reason="提前开标", bid_deadline=deadline - DAY
        )
    [message] = error.value.errors["bid_deadline"]
    assert local_day(deadline).isoformat() in message
    assert_unchanged(draft)


def test_an_amendment_needs_its_reason(tendering_project, officer):
    draft = services.start_amendment(tendering_project.pk, actor=officer)
    with pytest.raises(TenderDocumentInvalid) as error:
        services.save_tender_documents(draft.pk, actor=officer, opening_place="线上开标大厅二")
    assert list(error.value.errors) == ["amendment_reason"]
    assert_unchanged(draft)


def test_publishing_an_amendment_supersedes_the_published_version(
    tendering_project, officer, django_capture_on_commit_callbacks
):
    project = tendering_project
    old_deadline = project.bid_deadline
    first = published_of(project)
    draft = services.start_amendment(project.pk, actor=officer)
    new_deadline = at_half_past_nine(next_working_day(local_day(old_deadline) + datetime.timedelta(days=7)))
    services.save_tender_documents(
        draft.pk,
        actor=officer,
        affects_bids=True,
        amendment_reason="第1包增加三年保修要求",
        bid_deadline=new_deadline,
    )
    with (
        mock.patch.object(tasks.close_bidding, "apply_async") as schedule,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notice = services.publish_amendment(project.pk, actor=officer)
    project.refresh_from_db()
    first.refresh_from_db()
    draft.refresh_from_db()
    assert first.status == TenderDocument.Status.SUPERSEDED and first.sha256  # still downloadable
    assert draft.status == TenderDocument.Status.PUBLISHED
    assert hashlib.sha256(file_bytes(draft.pdf)).hexdigest() == draft.sha256
    assert notice.kind == Notice.Kind.CORRECTION and notice.document == draft
    assert notice.corrects == project.notices.get(kind=Notice.Kind.TENDER)
    assert "第1包增加三年保修要求" in notice.body_zh
    assert project.bid_deadline == new_deadline
    # the job follows the moved deadline (the old one finds nothing to do)
    schedule.assert_called_once_with(args=[project.pk], eta=new_deadline, queue="default")
    [event] = audited("procurement.amendment_published", project)
    assert event.data["version"] == 2 and event.data["sha256"] == draft.sha256
    assert event.data["affects_bids"] is True


def test_publishing_without_an_amendment_draft_is_refused(tendering_project, officer):
    with pytest.raises(DocumentNotFound):
        services.publish_amendment(tendering_project.pk, actor=officer)
    assert not tendering_project.notices.filter(kind=Notice.Kind.CORRECTION).exists()


def test_nothing_is_amended_after_the_deadline(tendering_project, officer):
    services.start_amendment(tendering_project.pk, actor=officer)
    pass_the_deadline(tendering_project)
    with pytest.raises(InvalidTransition):
        services.publish_amendment(tendering_project.pk, actor=officer)
    with pytest.raises(InvalidTransition):
        services.save_tender_documents(draft_of(tendering_project).pk, actor=officer, amendment_reason="迟了")
    assert published_of(tendering_project).version == 1
    assert not tendering_project.notices.filter(kind=Notice.Kind.CORRECTION).exists()


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_needs_a_reason(approved_project, clerk):
    with pytest.raises(ReasonRequired):
        services.cancel_project(approved_project.pk, actor=clerk, reason="  ")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED
    assert not approved_project.notices.filter(kind=Notice.Kind.TERMINATION).exists()
    assert not audited("procurement.project_cancelled", approved_project)


def test_a_clerk_cancels_a_draft_without_a_notice(clerk):
    project = file_project(clerk)
    services.cancel_project(project.pk, actor=clerk, reason="预算调整")
    project.refresh_from_db()
    assert project.status == Project.Status.CANCELLED and project.cancellation_reason == "预算调整"
    assert set(project.lots.values_list("status", flat=True)) == {Lot.Status.CANCELLED}
    assert not project.notices.exists()  # nothing of it was public
    [event] = audited("procurement.project_cancelled", project)
    assert event.data == {"reason": "预算调整", "lots": 2, "notice": None}


def test_a_clerk_cancels_an_approved_project_with_a_termination_notice(approved_project, clerk):
    services.cancel_project(approved_project.pk, actor=clerk, reason="需求变更")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.CANCELLED
    notice = approved_project.notices.get(kind=Notice.Kind.TERMINATION)
    assert "需求变更" in notice.body_zh and "需求变更" in notice.body_en
    [event] = audited("procurement.project_cancelled", approved_project)
    assert event.data["notice"] == notice.pk


def test_the_officer_cancels_a_tendering_project(tendering_project, officer):
    services.cancel_project(tendering_project.pk, actor=officer, reason="采购需求取消")
    tendering_project.refresh_from_db()
    assert tendering_project.status == Project.Status.CANCELLED
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.CANCELLED}
    notice = tendering_project.notices.get(kind=Notice.Kind.TERMINATION)
    assert notice.corrects == tendering_project.notices.get(kind=Notice.Kind.TENDER)
    [event] = audited("procurement.project_cancelled", tendering_project)
    assert event.actor_id == officer.pk and event.data["lots"] == 2


def test_an_officer_does_not_cancel_a_project_before_it_is_entrusted(approved_project, officer):
    with pytest.raises(ProjectNotFound):
        services.cancel_project(approved_project.pk, actor=officer, reason="取消")
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED


@pytest.mark.parametrize("who", ["approver", "regulator"])
def test_who_only_reads_the_project_cannot_cancel_it(entrusted_project, approvers, regulator, who):
    actor = approvers[0] if who == "approver" else regulator
    with pytest.raises(NotAllowedToCancel):
        services.cancel_project(entrusted_project.pk, actor=actor, reason="取消")
    entrusted_project.refresh_from_db()
    assert entrusted_project.status == Project.Status.ENTRUSTED
    assert not audited("procurement.project_cancelled", entrusted_project)


def test_an_officer_of_another_agency_cannot_cancel(entrusted_project, other_officer):
    with pytest.raises(ProjectNotFound):
        services.cancel_project(entrusted_project.pk, actor=other_officer, reason="取消")
    entrusted_project.refresh_from_db()
    assert entrusted_project.status == Project.Status.ENTRUSTED


def test_a_cancelled_project_is_not_cancelled_again(approved_project, clerk):
    services.cancel_project(approved_project.pk, actor=clerk, reason="需求变更")
    with pytest.raises(InvalidTransition):  # 409, not 403: the clerk may cancel, the state does not allow it
        services.cancel_project(approved_project.pk, actor=clerk, reason="再次取消")
    approved_project.refresh_from_db()
    assert approved_project.cancellation_reason == "需求变更"
    assert approved_project.notices.filter(kind=Notice.Kind.TERMINATION).count() == 1


def test_the_officer_cancels_one_lot(tendering_project, officer):
    lot = tendering_project.lots.get(number=1)
    services.cancel_lot(lot.pk, actor=officer, reason="第1包需求取消")
    lot.refresh_from_db()
    tendering_project.refresh_from_db()
    assert lot.status == Lot.Status.CANCELLED and lot.cancellation_reason == "第1包需求取消"
    assert tendering_project.status == Project.Status.TENDERING
    assert tendering_project.lots.get(number=2).status == Lot.Status.OPEN_FOR_BIDS
    notice = tendering_project.notices.get(kind=Notice.Kind.TERMINATION)
    assert notice.corrects == tendering_project.notices.get(kind=Notice.Kind.TENDER)
    assert "第1包需求取消" in notice.body_zh
    [event] = audited("procurement.lot_cancelled", tendering_project)
    assert event.data == {
        "lot": 1,
        "reason": "第1包需求取消",
        "notice": notice.pk,
        "project_cancelled": False,
    }


def test_cancelling_the_last_lot_cancels_the_project(tendering_project, officer):
    first, second = tendering_project.lots.order_by("number")
    services.cancel_lot(first.pk, actor=officer, reason="第1包需求取消")
    services.cancel_lot(second.pk, actor=officer, reason="第2包需求取消")
    tendering_project.refresh_from_db()
    assert tendering_project.status == Project.Status.CANCELLED
    assert tendering_project.cancellation_reason == "第2包需求取消"
    assert tendering_project.notices.filter(kind=Notice.Kind.TERMINATION).count() == 2
    events = audited("procurement.lot_cancelled", tendering_project)
    assert [e.data["project_cancelled"] for e in events] == [False, True]


def test_cancelling_a_lot_needs_a_reason(tendering_project, officer):
    lot = tendering_project.lots.get(number=1)
    with pytest.raises(ReasonRequired):
        services.cancel_lot(lot.pk, actor=officer, reason="")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPEN_FOR_BIDS
    assert not tendering_project.notices.filter(kind=Notice.Kind.TERMINATION).exists()


def test_a_lot_is_cancelled_only_while_tendering(drafted_project, officer):
    lot = drafted_project.lots.get(number=1)
    with pytest.raises(InvalidTransition):
        services.cancel_lot(lot.pk, actor=officer, reason="取消")
    lot.refresh_from_db()
    assert lot.status == Lot.Status.PREPARING


def test_a_cancelled_lot_is_not_cancelled_again(tendering_project, officer):
    lot = tendering_project.lots.get(number=1)
    services.cancel_lot(lot.pk, actor=officer, reason="第1包需求取消")
    with pytest.raises(InvalidTransition):
        services.cancel_lot(lot.pk, actor=officer, reason="再次取消")
    assert len(audited("procurement.lot_cancelled", tendering_project)) == 1


@pytest.mark.parametrize("pk", [0, "abc"])
def test_a_missing_lot_is_not_found(tendering_project, officer, pk):
    with pytest.raises(LotNotFound):
        services.cancel_lot(pk, actor=officer, reason="取消")


# --- Another purchaser's clerk ---------------------------------------------------------------------

ACTING_BY_ID = {
    "entrust": lambda project, actor, agency: services.entrust_project(
        project.pk, actor=actor, agency_id=agency.pk, scope="全过程"
    ),
    "start documents": lambda project, actor, agency: services.start_tender_documents(
        project.pk, actor=actor
    ),
    "publish tender": lambda project, actor, agency: services.publish_tender(project.pk, actor=actor),
    "clarify": lambda project, actor, agency: services.publish_clarification(
        project.pk, actor=actor, body_zh="说明"
    ),
    "start amendment": lambda project, actor, agency: services.start_amendment(project.pk, actor=actor),
    "publish amendment": lambda project, actor, agency: services.publish_amendment(project.pk, actor=actor),
    "cancel project": lambda project, actor, agency: services.cancel_project(
        project.pk, actor=actor, reason="取消"
    ),
}


@pytest.mark.parametrize("act", ACTING_BY_ID)
def test_a_clerk_of_another_purchaser_gets_project_not_found(approved_project, foreign_clerk, agency, act):
    # the permission-scoped fetch comes first, whatever the project's state
    with pytest.raises(ProjectNotFound):
        ACTING_BY_ID[act](approved_project, foreign_clerk, agency)
    approved_project.refresh_from_db()
    assert approved_project.status == Project.Status.APPROVED
    assert not AuditEvent.objects.filter(actor=foreign_clerk).exists()


def test_a_clerk_of_another_purchaser_sees_neither_documents_nor_lots(tendering_project, foreign_clerk):
    with pytest.raises(DocumentNotFound):
        services.save_tender_documents(published_of(tendering_project).pk, actor=foreign_clerk)
    with pytest.raises(LotNotFound):  # the same answer as a missing lot
        services.cancel_lot(tendering_project.lots.first().pk, actor=foreign_clerk, reason="取消")
    assert set(tendering_project.lots.values_list("status", flat=True)) == {Lot.Status.OPEN_FOR_BIDS}
