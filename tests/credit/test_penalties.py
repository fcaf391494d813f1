"""record_penalty: a regulator's penalty decision against a party of its region, with its document."""

import datetime
import hashlib

import pytest

from accounts.models import Notification, Organisation, Role
from audit.models import AuditEvent
from common.uploads import UploadRejected
from credit import scoring, selectors, services
from credit.exceptions import (
    CreditRecordNotFound,
    DateInFuture,
    DocumentRequired,
    InvalidBan,
    NotRegulator,
    ReasonsRequired,
    RuleDoesNotApply,
)
from credit.models import BlacklistEntry, CreditEvent
from tests.accounts.factories import OrganisationFactory

from .factories import PDF_BYTES, disguised_pdf, pdf_upload


@pytest.fixture
def record(supplier):
    return services.ensure_credit_record(supplier)


def _penalise(record, actor, **overrides):
    arguments = {
        "rule_code": "supplier.false_materials",
        "occurred_on": selectors.today() - datetime.timedelta(days=3),
        "description": "Forged ISO certificate in the bid for lot 2.",
        "document": pdf_upload(),
    } | overrides
    return services.record_penalty(record.pk, actor=actor, **arguments)


def _unchanged(record) -> bool:
    return (
        not CreditEvent.objects.filter(record=record).exists()
        and not BlacklistEntry.objects.exists()
        and not AuditEvent.objects.filter(action="credit.event_recorded").exists()
    )


def test_a_regulator_records_a_published_penalty_with_its_document(record, regulator):
    event = _penalise(record, regulator)
    assert event.source == CreditEvent.Source.SUPERVISION
    assert event.is_published
    assert event.recorded_by == regulator
    assert event.description == "Forged ISO certificate in the bid for lot 2."
    assert event.document_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with event.document.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_the_penalty_is_audited_with_the_documents_digest(record, regulator):
    event = _penalise(record, regulator)
    audit = AuditEvent.objects.get(action="credit.event_recorded")
    assert audit.object_id == str(event.pk)
    assert audit.actor_id == regulator.pk
    assert audit.data["source"] == "supervision"
    assert audit.data["document_sha256"] == event.document_sha256


def test_the_party_is_notified_of_the_penalty(record, regulator, supplier_rep):
    _penalise(record, regulator)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [supplier_rep.pk]


def test_a_banning_rule_enters_the_party_on_the_blacklist_for_the_rules_years(record, regulator):
    event = _penalise(record, regulator, rule_code="supplier.collusion")
    entry = BlacklistEntry.objects.get(event=event)
    assert entry.record_id == record.pk
    assert entry.starts_on == event.occurred_on
    assert entry.ends_on == scoring.ban_ends_on(event.occurred_on, 2)


def test_the_regulator_sets_the_length_of_the_ban(record, regulator):
    event = _penalise(record, regulator, rule_code="supplier.collusion", ban_years=3)
    assert BlacklistEntry.objects.get(event=event).ends_on == scoring.ban_ends_on(event.occurred_on, 3)
    assert AuditEvent.objects.get(action="credit.event_recorded").data["ban_until"] == (
        scoring.ban_ends_on(event.occurred_on, 3).isoformat()
    )


@pytest.mark.parametrize("years", [0, 4, -1, True, "2"])
def test_a_ban_outside_one_to_three_years_is_refused(record, regulator, years):
    with pytest.raises(InvalidBan):
        _penalise(record, regulator, rule_code="supplier.collusion", ban_years=years)
    assert _unchanged(record)


def test_a_ban_under_a_rule_that_does_not_ban_is_refused(record, regulator):
    with pytest.raises(InvalidBan):
        _penalise(record, regulator, rule_code="supplier.breach_termination", ban_years=1)
    assert _unchanged(record)


def test_a_regulator_of_a_province_covers_its_cities(record, make_member):
    province = make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330000"),
    )
    assert _penalise(record, province).record_id == record.pk


def test_a_regulator_of_another_region_gets_not_found_and_nothing_changes(record, other_regulator):
    with pytest.raises(CreditRecordNotFound) as error:
        _penalise(record, other_regulator)
    assert error.value.status == 404
    assert _unchanged(record)


def test_a_missing_record_is_the_same_not_found(record, regulator):
    with pytest.raises(CreditRecordNotFound):
        services.record_penalty(
            record.pk + 1000,
            actor=regulator,
            rule_code="supplier.false_materials",
            occurred_on=selectors.today(),
            description="x",
            document=pdf_upload(),
        )


@pytest.mark.parametrize("role", [Role.SUPPLIER_REPRESENTATIVE, Role.PURCHASER_CLERK, Role.OPERATOR])
def test_only_a_regulator_records_penalties(record, make_member, role):
    with pytest.raises(NotRegulator) as error:
        _penalise(record, make_member(role))
    assert error.value.status == 403
    assert _unchanged(record)


def test_a_penalty_without_a_document_is_refused(record, regulator):
    with pytest.raises(DocumentRequired):
        _penalise(record, regulator, document=None)
    assert _unchanged(record)


def test_a_disguised_document_is_refused(record, regulator):
    with pytest.raises(UploadRejected) as error:
        _penalise(record, regulator, document=disguised_pdf())
    assert error.value.code == "file_disguised"
    assert _unchanged(record)


def test_a_penalty_without_a_description_is_refused(record, regulator):
    with pytest.raises(ReasonsRequired):
        _penalise(record, regulator, description="   ")
    assert _unchanged(record)


def test_a_penalty_under_a_rule_of_good_conduct_is_refused(record, regulator):
    with pytest.raises(RuleDoesNotApply):
        _penalise(record, regulator, rule_code="supplier.completed_on_time")
    assert _unchanged(record)


def test_a_penalty_under_another_kinds_rule_is_refused(record, regulator):
    with pytest.raises(RuleDoesNotApply):
        _penalise(record, regulator, rule_code="expert.avoidance_violation")
    assert _unchanged(record)


def test_a_penalty_dated_in_the_future_is_refused(record, regulator):
    with pytest.raises(DateInFuture):
        _penalise(record, regulator, occurred_on=selectors.today() + datetime.timedelta(days=1))
    assert _unchanged(record)
