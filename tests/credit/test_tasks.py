"""The credit.* Celery tasks on a real worker thread (tests/conftest.py), each safe to run twice."""

import datetime
import time
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from credit import scoring, selectors, services, tasks
from credit.catalogue import seed_credit_rules
from credit.eligibility import Action, check_eligibility
from credit.models import BlacklistEntry, CreditImport, CreditRecord
from rulebook.services import seed_default_rules

from .factories import BlacklistEntryFactory, CreditEventFactory, csv_feed
from .factories import supplier as make_supplier


def _wait(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def seeded(transactional_db):
    """A transactional test may follow another that emptied every table: put back the rulebook
    rows and the credit catalogue that the migrations seeded."""
    seed_default_rules(record=False)
    seed_credit_rules()


def _score(record_id) -> Decimal:
    return CreditRecord.objects.get(pk=record_id).score


def test_recording_an_event_recomputes_on_the_worker_after_commit_and_a_second_run_changes_nothing(
    celery_worker, seeded
):
    event = services.record_event(make_supplier(), "supplier.false_materials")
    assert _wait(lambda: _score(event.record_id) == Decimal("60.00"))
    record = CreditRecord.objects.get(pk=event.record_id)
    assert record.stars == 2
    assert tasks.recompute_records([record.pk]) == 0
    assert CreditRecord.objects.get(pk=record.pk).scored_at == record.scored_at


def test_a_reversed_appeal_restores_the_score_and_eligibility_through_the_worker(
    celery_worker, seeded, make_member, regulator
):
    party = make_supplier()
    representative = make_member("supplier_representative", organisation=party)
    event = services.record_event(party, "supplier.collusion")
    assert _wait(lambda: _score(event.record_id) == Decimal("50.00"))
    appeal = services.appeal_event(event.pk, actor=representative, reasons="We did not collude.")
    services.decide_appeal(appeal.pk, actor=regulator, reverse=True, reasons="The bids differ.")
    assert _wait(lambda: _score(event.record_id) == Decimal("100.00"))
    assert check_eligibility(party, Action.SUBMIT_BID).allowed


def test_the_nightly_task_recomputes_every_record_and_a_second_run_changes_nothing(celery_worker, seeded):
    events = [CreditEventFactory(rule__points=Decimal(points)) for points in ("-30", "-5", "10")]
    tasks.recompute_scores.delay()
    assert _wait(lambda: AuditEvent.objects.filter(action="credit.scores_recomputed").exists())
    assert [_score(e.record_id) for e in events] == [Decimal("70.00"), Decimal("95.00"), Decimal("110.00")]
    assert tasks.recompute_scores() == 0
    assert AuditEvent.objects.filter(action="credit.scores_recomputed").last().data["changed"] == 0


def test_the_expiry_task_ends_past_bans_once(celery_worker, seeded):
    yesterday = selectors.today() - datetime.timedelta(days=1)
    entry = BlacklistEntryFactory(starts_on=yesterday - datetime.timedelta(days=364), ends_on=yesterday)
    tasks.expire_blacklist_entries.delay()
    assert _wait(lambda: BlacklistEntry.objects.get(pk=entry.pk).status == BlacklistEntry.Status.EXPIRED)
    assert tasks.expire_blacklist_entries() == 0
    assert AuditEvent.objects.filter(action="credit.ban_expired").count() == 1


def test_the_folder_task_imports_each_file_once(celery_worker, seeded, settings, tmp_path):
    party = make_supplier()
    settings.CREDIT_IMPORT_DIR = tmp_path / "feeds"
    settings.CREDIT_IMPORT_DIR.mkdir()
    row = {
        "uscc": party.uscc,
        "rule": "external.major_tax_violation",
        "reference": "税务-2026-001",
        "decided_on": (selectors.today() - datetime.timedelta(days=2)).isoformat(),
    }
    (settings.CREDIT_IMPORT_DIR / "tax.csv").write_bytes(csv_feed([row]).read())
    tasks.import_feed_folder.delay()
    assert _wait(lambda: CreditImport.objects.exists())
    (batch,) = CreditImport.objects.all()
    assert (batch.origin, batch.recorded_count) == (CreditImport.Origin.FOLDER, 1)
    # The import's own recomputation and ban follow through the worker too.
    record = CreditRecord.objects.get(organisation=party)
    assert _wait(lambda: _score(record.pk) == Decimal("70.00"))
    assert BlacklistEntry.objects.get(record=record).ends_on == scoring.ban_ends_on(
        datetime.date.fromisoformat(row["decided_on"]), 1
    )
    assert tasks.import_feed_folder() == 0
    assert CreditImport.objects.count() == 1
