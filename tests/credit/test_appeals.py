"""appeal_event and decide_appeal: a party objects to an event; a regulator upholds or reverses it."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Notification, Role
from audit.models import AuditEvent
from common.uploads import UploadRejected
from credit import selectors, services
from credit.eligibility import Action, check_eligibility
from credit.exceptions import (
    AppealAlreadyDecided,
    AppealNotAllowed,
    AppealPeriodOver,
    CreditAppealNotFound,
    CreditEventNotFound,
    NotRegulator,
    ReasonsRequired,
)
from credit.models import BlacklistEntry, CreditAppeal, CreditEvent, CreditRecord

from .factories import PDF_BYTES, disguised_pdf, pdf_upload

REASONS = "The certificate was genuine; the issuing body has confirmed it in writing."


@pytest.fixture
def event(supplier):
    """A collusion event against `supplier` recorded today: -50 points and a two-year ban."""
    return services.record_event(supplier, "supplier.collusion")


def _appeal(event, actor, **overrides) -> CreditAppeal:
    arguments = {"reasons": REASONS, "documents": [pdf_upload("confirmation.pdf")]} | overrides
    return services.appeal_event(event.pk, actor=actor, **arguments)


def _status(event) -> str:
    return CreditEvent.objects.get(pk=event.pk).status


def _score(record_id) -> Decimal:
    services.recompute_records([record_id])
    return CreditRecord.objects.get(pk=record_id).score


# --- Appealing ------------------------------------------------------------------------------------


def test_an_appeal_within_the_deadline_puts_the_event_under_appeal(event, supplier_rep):
    appeal = _appeal(event, supplier_rep)
    assert appeal.status == CreditAppeal.Status.PENDING
    assert (appeal.event_id, appeal.appellant, appeal.reasons) == (event.pk, supplier_rep, REASONS)
    assert _status(event) == CreditEvent.Status.APPEALED


def test_the_appeals_documents_are_kept_with_their_digest(event, supplier_rep):
    appeal = _appeal(event, supplier_rep)
    (document,) = appeal.documents.all()
    assert document.name == "confirmation.pdf"
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_an_appeal_is_audited(event, supplier_rep):
    appeal = _appeal(event, supplier_rep)
    audit = AuditEvent.objects.get(action="credit.event_appealed")
    assert (audit.object_type, audit.object_id) == ("credit.creditappeal", str(appeal.pk))
    assert audit.actor_id == supplier_rep.pk
    assert audit.data == {"event": event.pk, "documents": [hashlib.sha256(PDF_BYTES).hexdigest()]}


def test_the_regulators_of_the_partys_region_are_notified(event, supplier_rep, regulator, other_regulator):
    appeal = _appeal(event, supplier_rep)
    (note,) = Notification.objects.filter(link__startswith="/credit/supervision/")
    assert note.recipient == regulator
    assert note.link == f"/credit/supervision/appeals/{appeal.pk}/"
    assert not Notification.objects.filter(recipient=other_regulator).exists()


def test_an_event_under_appeal_still_counts(event, supplier_rep):
    _appeal(event, supplier_rep)
    assert _score(event.record_id) == Decimal("50.00")
    assert not check_eligibility(event.record.organisation, Action.SUBMIT_BID).allowed


def test_an_appeal_on_the_last_day_is_heard(event, supplier_rep):
    CreditEvent.objects.filter(pk=event.pk).update(appeal_deadline=selectors.today())
    assert _appeal(event, supplier_rep).status == CreditAppeal.Status.PENDING


def test_an_appeal_after_the_deadline_is_refused_and_changes_nothing(event, supplier_rep):
    yesterday = selectors.today() - datetime.timedelta(days=1)
    CreditEvent.objects.filter(pk=event.pk).update(appeal_deadline=yesterday)
    with pytest.raises(AppealPeriodOver) as error:
        _appeal(event, supplier_rep)
    assert error.value.status == 409
    with translation.override("en"):
        assert str(error.value) == f"The time to appeal this event ended on {yesterday.isoformat()}."
    assert _status(event) == CreditEvent.Status.IN_FORCE
    assert not CreditAppeal.objects.exists()


def test_an_event_without_a_stored_deadline_counts_it_from_the_day_it_was_recorded(event, supplier_rep):
    CreditEvent.objects.filter(pk=event.pk).update(appeal_deadline=None)
    assert _appeal(event, supplier_rep).status == CreditAppeal.Status.PENDING


def test_a_positive_event_cannot_be_appealed(supplier, supplier_rep):
    good = services.record_event(supplier, "supplier.completed_on_time")
    with pytest.raises(AppealNotAllowed):
        _appeal(good, supplier_rep)
    assert not CreditAppeal.objects.exists()


def test_an_event_under_appeal_cannot_be_appealed_again(event, supplier_rep):
    _appeal(event, supplier_rep)
    with pytest.raises(AppealNotAllowed):
        _appeal(event, supplier_rep)
    assert CreditAppeal.objects.count() == 1


def test_an_event_whose_appeal_was_decided_cannot_be_appealed_again(event, supplier_rep, regulator):
    appeal = _appeal(event, supplier_rep)
    services.decide_appeal(appeal.pk, actor=regulator, reverse=False, reasons="Collusion proven by the bids.")
    with pytest.raises(AppealNotAllowed):
        _appeal(event, supplier_rep)
    assert CreditAppeal.objects.count() == 1


def test_another_partys_event_is_not_found(event, make_member):
    stranger = make_member(Role.SUPPLIER_REPRESENTATIVE)
    with pytest.raises(CreditEventNotFound) as error:
        _appeal(event, stranger)
    assert error.value.status == 404
    assert _status(event) == CreditEvent.Status.IN_FORCE


def test_a_regulator_cannot_appeal_for_the_party(event, regulator):
    with pytest.raises(CreditEventNotFound):
        _appeal(event, regulator)


def test_a_missing_event_is_the_same_not_found(event, supplier_rep):
    with pytest.raises(CreditEventNotFound):
        services.appeal_event(event.pk + 1000, actor=supplier_rep, reasons=REASONS)


def test_an_appeal_without_reasons_is_refused(event, supplier_rep):
    with pytest.raises(ReasonsRequired):
        _appeal(event, supplier_rep, reasons=" \n ")
    assert _status(event) == CreditEvent.Status.IN_FORCE


def test_a_disguised_document_refuses_the_whole_appeal(event, supplier_rep):
    with pytest.raises(UploadRejected) as error:
        _appeal(event, supplier_rep, documents=[pdf_upload(), disguised_pdf("scan.pdf")])
    assert error.value.code == "file_disguised"
    assert not CreditAppeal.objects.exists()
    assert _status(event) == CreditEvent.Status.IN_FORCE


def test_an_expert_appeals_an_event_of_their_own_record(expert):
    no_show = services.record_event(expert, "expert.no_show")
    appeal = _appeal(no_show, expert, documents=[])
    assert appeal.status == CreditAppeal.Status.PENDING
    assert _status(no_show) == CreditEvent.Status.APPEALED


# --- Deciding -------------------------------------------------------------------------------------


@pytest.fixture
def appeal(event, supplier_rep):
    return _appeal(event, supplier_rep)


def _decide(appeal, actor, *, reverse, reasons="Decided on the documents."):
    return services.decide_appeal(appeal.pk, actor=actor, reverse=reverse, reasons=reasons)


def test_upholding_keeps_the_event_and_its_ban_in_force(appeal, regulator):
    decided = _decide(appeal, regulator, reverse=False)
    assert decided.status == CreditAppeal.Status.UPHELD
    assert (decided.decided_by, decided.decision_reasons) == (regulator, "Decided on the documents.")
    assert decided.decided_at is not None
    assert _status(appeal.event) == CreditEvent.Status.IN_FORCE
    assert BlacklistEntry.objects.get(event=appeal.event).status == BlacklistEntry.Status.ACTIVE
    assert _score(appeal.event.record_id) == Decimal("50.00")


def test_reversing_stops_the_event_counting_and_lifts_its_ban(appeal, regulator):
    decided = _decide(appeal, regulator, reverse=True)
    assert decided.status == CreditAppeal.Status.REVERSED
    assert _status(appeal.event) == CreditEvent.Status.REVERSED
    entry = BlacklistEntry.objects.get(event=appeal.event)
    assert entry.status == BlacklistEntry.Status.LIFTED
    assert entry.ended_at is not None
    assert _score(appeal.event.record_id) == Decimal("100.00")
    assert check_eligibility(appeal.event.record.organisation, Action.SUBMIT_BID).allowed


def test_a_reversed_event_keeps_its_history(appeal, regulator):
    _decide(appeal, regulator, reverse=True)
    event = CreditEvent.objects.get(pk=appeal.event_id)
    assert event.points == Decimal("-50.00")
    assert list(event.appeals.values_list("status", flat=True)) == [CreditAppeal.Status.REVERSED]
    assert BlacklistEntry.objects.filter(event=event).exists()


def test_a_decision_schedules_the_recomputation(appeal, regulator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _decide(appeal, regulator, reverse=True)
    assert callbacks


def test_a_decision_is_audited(appeal, regulator):
    _decide(appeal, regulator, reverse=True)
    audit = AuditEvent.objects.get(action="credit.appeal_decided")
    assert (audit.object_type, audit.object_id) == ("credit.creditappeal", str(appeal.pk))
    assert audit.actor_id == regulator.pk
    assert audit.data == {
        "event": appeal.event_id,
        "outcome": "reversed",
        "published": False,
        "ban_lifted": BlacklistEntry.objects.get(event=appeal.event_id).pk,
    }


def test_the_appellant_is_told_the_decision(appeal, regulator, supplier_rep):
    _decide(appeal, regulator, reverse=False, reasons="The bids were identical.")
    note = Notification.objects.filter(recipient=supplier_rep, subject_en__contains="appeal").get()
    assert note.subject_en == "Your credit appeal was decided: Event upheld"
    assert note.body_en == "The bids were identical."


def test_the_decision_on_a_published_penalty_is_published(supplier, supplier_rep, regulator):
    penalty = services.record_penalty(
        services.ensure_credit_record(supplier).pk,
        actor=regulator,
        rule_code="supplier.false_materials",
        occurred_on=selectors.today(),
        description="Forged certificate.",
        document=pdf_upload(),
    )
    appeal = _appeal(penalty, supplier_rep)
    _decide(appeal, regulator, reverse=True)
    assert AuditEvent.objects.get(action="credit.appeal_decided").data["published"] is True
    assert CreditEvent.objects.get(pk=penalty.pk).is_published


def test_a_second_decision_is_refused_and_changes_nothing(appeal, regulator, make_member):
    _decide(appeal, regulator, reverse=False)
    with pytest.raises(AppealAlreadyDecided) as error:
        _decide(appeal, regulator, reverse=True)
    assert error.value.status == 409
    appeal.refresh_from_db()
    assert appeal.status == CreditAppeal.Status.UPHELD
    assert _status(appeal.event) == CreditEvent.Status.IN_FORCE
    assert BlacklistEntry.objects.get(event=appeal.event).status == BlacklistEntry.Status.ACTIVE
    assert AuditEvent.objects.filter(action="credit.appeal_decided").count() == 1


def test_a_regulator_of_another_region_gets_not_found(appeal, other_regulator):
    with pytest.raises(CreditAppealNotFound) as error:
        _decide(appeal, other_regulator, reverse=True)
    assert error.value.status == 404
    appeal.refresh_from_db()
    assert appeal.status == CreditAppeal.Status.PENDING
    assert _status(appeal.event) == CreditEvent.Status.APPEALED


@pytest.mark.parametrize("role", [Role.SUPPLIER_REPRESENTATIVE, Role.OPERATOR, Role.PURCHASER_APPROVER])
def test_only_a_regulator_decides(appeal, make_member, role):
    with pytest.raises(NotRegulator):
        _decide(appeal, make_member(role), reverse=True)
    assert CreditAppeal.objects.get(pk=appeal.pk).status == CreditAppeal.Status.PENDING


def test_a_decision_without_reasons_is_refused(appeal, regulator):
    with pytest.raises(ReasonsRequired):
        _decide(appeal, regulator, reverse=True, reasons="")
    assert CreditAppeal.objects.get(pk=appeal.pk).status == CreditAppeal.Status.PENDING
