"""Tampering helpers: what an intruder with the table owner's rights could do."""

from dataclasses import replace

from django.db import connection

from audit import chain, selectors


def tamper(sql: str, params=None) -> None:
    """Run SQL on the events table with its append-only trigger disabled."""
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while deferred foreign-key checks are queued in the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rewrite_chain_from(sequence: int, new_data: dict) -> None:
    """Change one event's data and recompute every later hash and link, so the chain is consistent."""
    records = list(selectors.chain_records())
    previous_hash = records[sequence - 2].hash if sequence > 1 else chain.GENESIS_HASH
    for record in records[sequence - 1 :]:
        data = new_data if record.sequence == sequence else record.data
        new_hash = chain.event_hash(replace(record, data=data, previous_hash=previous_hash))
        tamper(
            "UPDATE audit_auditevent SET data = %s::jsonb, previous_hash = %s, hash = %s WHERE sequence = %s",
            [chain.canonical_json(data).decode(), previous_hash, new_hash, record.sequence],
        )
        previous_hash = new_hash
