"""The database refuses to change or remove audit rows, whoever asks."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditCheckpoint, AuditEvent
from audit.services import record_checkpoint, record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    record_event("tests.first", data={"amount": "1.00"})
    return record_event("tests.second", data={"amount": "2.00"})


def _unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.data, stored.hash) == (event.action, event.data, event.hash)


def test_an_orm_update_is_refused(event):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(data={"amount": "9.99"})
    _unchanged(event)


def test_saving_a_changed_instance_is_refused(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    stored.action = "tests.rewritten"
    with pytest.raises(IntegrityError), transaction.atomic():
        stored.save()
    _unchanged(event)


def test_a_raw_sql_update_is_refused(event):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET hash = %s WHERE sequence = %s", ["f" * 64, event.sequence]
        )
    _unchanged(event)


def test_a_delete_is_refused(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 2
    _unchanged(event)


def test_checkpoints_cannot_be_changed_or_removed(event):
    checkpoint = record_checkpoint()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(head_hash="e" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()
    assert AuditCheckpoint.objects.get().head_hash == event.hash


def test_a_hand_made_event_with_a_forked_sequence_is_refused(event):
    # Nothing but audit_append() should write events; a second event 2 cannot exist at all.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, action, object_type,"
            " object_id, data, previous_hash, hash)"
            " VALUES (2, now(), '', 'tests.fork', '', '', '{}', %s, %s)",
            [event.previous_hash, "a" * 64],
        )
    assert AuditEvent.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        '{"action":"NotDotted","actor_id":null,"actor_label":"","data":{},"object_id":"","object_type":"",'
        '"organisation_id":null}',
        '{"action":"tests.half_reference","actor_id":null,"actor_label":"","data":{},"object_id":"",'
        '"object_type":"accounts.user","organisation_id":null}',
        '{"action":"tests.list_data","actor_id":null,"actor_label":"","data":[1],"object_id":"","object_type":"",'
        '"organisation_id":null}',
    ],
)
def test_the_append_function_refuses_a_malformed_body(event, body):
    # record_event validates first; the database checks again for any other caller.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_append(%s)", [body])
    assert AuditEvent.objects.count() == 2
