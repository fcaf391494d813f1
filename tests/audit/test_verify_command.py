"""manage.py verify_audit: passes on a clean chain, names the first broken sequence otherwise."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit import chain, selectors
from audit.models import AuditCheckpoint
from audit.services import record_checkpoint, record_event

from .helpers import rewrite_chain_from, tamper

pytestmark = pytest.mark.django_db


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def five_events():
    return [record_event("tests.step", data={"n": n}) for n in range(1, 6)]


def test_an_empty_database_verifies():
    assert "Audit chain verified: 0 events, head 0 " + chain.GENESIS_HASH in verify()


def test_a_clean_chain_with_a_checkpoint_verifies(five_events):
    record_checkpoint()
    record_event("tests.after_checkpoint")
    output = verify()
    assert "6 events" in output
    assert "1 checkpoints" in output
    assert output.count("\n") == 1  # one line


def test_a_row_altered_with_the_trigger_disabled_fails_naming_its_sequence(five_events):
    tamper("UPDATE audit_auditevent SET data = %s::jsonb WHERE sequence = 3", ['{"n": 300}'])
    with pytest.raises(CommandError, match=r"broken at sequence 3: stored hash"):
        verify()


def test_an_altered_hash_fails_at_that_sequence(five_events):
    tamper("UPDATE audit_auditevent SET hash = %s WHERE sequence = 4", ["b" * 64])
    with pytest.raises(CommandError, match=r"broken at sequence 4"):
        verify()


def test_an_altered_time_or_actor_label_fails(five_events):
    tamper(
        "UPDATE audit_auditevent SET occurred_at = occurred_at + interval '1 microsecond' WHERE sequence = 2"
    )
    with pytest.raises(CommandError, match=r"broken at sequence 2"):
        verify()


def test_a_deleted_event_is_reported_as_a_gap(five_events):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    with pytest.raises(CommandError, match=r"broken at sequence 2: the event is missing"):
        verify()


def test_a_whole_chain_rewrite_is_caught_by_the_earlier_checkpoint(five_events):
    record_checkpoint()  # signs head 5
    record_event("tests.step", data={"n": 6})
    rewrite_chain_from(2, {"n": 200})
    # Internally consistent: without the checkpoint nobody would notice.
    assert chain.verify_chain(selectors.chain_records()).ok
    with pytest.raises(CommandError, match=r"broken at sequence 5: .*differs from the checkpoint"):
        verify()


def test_a_truncated_chain_is_caught_by_a_checkpoint_beyond_its_end(five_events):
    record_checkpoint()
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    with pytest.raises(CommandError, match=r"broken at sequence 5: the chain ends at 3"):
        verify()


def test_a_checkpoint_with_a_forged_signature_fails(five_events):
    checkpoint = record_checkpoint()
    bad = "0" * 128
    with_trigger_off = (
        "SET CONSTRAINTS ALL IMMEDIATE;"
        "ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER audit_checkpoint_append_only;"
        "UPDATE audit_auditcheckpoint SET signature = %s WHERE id = %s;"
        "ALTER TABLE audit_auditcheckpoint ENABLE TRIGGER audit_checkpoint_append_only;"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(with_trigger_off, [bad, checkpoint.pk])
    assert AuditCheckpoint.objects.get().signature == bad
    with pytest.raises(CommandError, match=r"broken at sequence 5: the checkpoint's signature is not valid"):
        verify()


def test_expect_checks_a_head_recorded_elsewhere(five_events):
    head = five_events[2]
    assert "1 expected heads" in verify("--expect", f"{head.sequence}:{head.hash}")
    with pytest.raises(CommandError, match=r"broken at sequence 3"):
        verify("--expect", f"3:{'c' * 64}")
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        verify("--expect", "3:nothex")


def test_the_command_line_exits_1_on_a_broken_chain(five_events, capsys):
    from django.core.management import ManagementUtility

    tamper("UPDATE audit_auditevent SET action = 'tests.forged' WHERE sequence = 5")
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exit_info.value.code == 1
    assert "sequence 5" in capsys.readouterr().err


def test_the_help_says_how_to_run_it_on_the_embedded_servers(capsys):
    from audit.management.commands.verify_audit import Command

    assert ".venv/bin/python -m ops exec .venv/bin/python manage.py verify_audit" in Command.help
