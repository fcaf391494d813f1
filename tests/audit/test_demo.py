"""audit/demo.py: load_demo leaves a signed checkpoint, so the chain page never starts without one."""

import pytest
from django.apps import apps
from django.core.management import call_command

from audit import chain, demo, selectors
from audit.models import AuditCheckpoint
from audit.services import record_checkpoint, record_event

pytestmark = pytest.mark.django_db


def test_the_first_load_signs_the_head():
    record_event("tests.first")
    head = record_event("tests.second")
    loaded = demo.load()
    assert [(c.sequence, c.head_hash) for c in loaded] == [(2, head.hash)]
    message = chain.checkpoint_message(loaded[0].sequence, loaded[0].head_hash, loaded[0].signed_at)
    assert chain.signature_is_valid(loaded[0].public_key, loaded[0].signature, message)


def test_nothing_is_signed_while_the_chain_is_empty():
    assert demo.load() == []
    assert not AuditCheckpoint.objects.exists()


def test_a_second_load_does_nothing_even_after_the_head_moved():
    record_event("tests.first")
    demo.load()
    record_event("tests.later")
    assert demo.load() == []
    assert list(AuditCheckpoint.objects.values_list("sequence", flat=True)) == [1]


def test_nothing_is_signed_once_the_daily_job_has_signed():
    record_event("tests.first")
    existing = record_checkpoint()
    record_event("tests.later")
    assert demo.load() == []
    assert list(AuditCheckpoint.objects.all()) == [existing]


def test_load_demo_signs_the_chain_after_the_demo_accounts(capsys):
    others = [c.label for c in apps.get_app_configs() if c.label not in ("accounts", "credit", "audit")]
    call_command("load_demo", except_apps=others)
    head = selectors.chain_head()
    # The other apps' demos (accounts, credit...) ran first; the audit demo signs after them.
    assert head is not None and not head.action.startswith("audit.")
    checkpoint = selectors.latest_checkpoint()
    assert (checkpoint.sequence, checkpoint.head_hash) == (head.sequence, head.hash)
    assert chain.verify_chain(selectors.chain_records(), selectors.checkpoint_records()).ok
