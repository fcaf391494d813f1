"""The database side of the chain: the one append function and the append-only triggers.

audit_append(body): the one way events are written (audit.services.record_event calls it). It
checks the body's formats first (a dotted action, a complete object reference, an object for
data: CHECKs on the table would run while the chain lock is held, and measured more than the
rest of the insert), then takes the chain lock (a transaction-level advisory lock, released at
commit or rollback), reads the head in a fresh snapshot (a new statement inside a VOLATILE
function: under READ COMMITTED it sees what the previous lock holder committed), reads
clock_timestamp() under the lock, splices sequence, time and previous hash into the canonical
body JSON exactly as audit.chain.event_message_from_parts does, hashes with SHA-256 and inserts.
The stored columns are read back from the very body that was hashed. One round trip per append;
the hashes need no CHECK: the function makes them or reads them from the previous row.

audit_refuse_change(): a trigger function refusing UPDATE and DELETE on events and checkpoints
(SQLSTATE 23001 restrict_violation, an IntegrityError in Django). TRUNCATE is not refused: test
databases are flushed with it; in production the application role neither owns these tables nor
may truncate them (migration 0003).
"""

from django.db import migrations

CHAIN_LOCK_KEY = 0x53554E4C41554454  # "SUNLAUDT"
ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"  # audit.models.ACTION_PATTERN

APPEND_FUNCTION = f"""
CREATE FUNCTION audit_append(
    p_body text,
    OUT o_sequence bigint,
    OUT o_occurred_at timestamptz,
    OUT o_previous_hash text,
    OUT o_hash text
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    b jsonb := p_body::jsonb;
BEGIN
    -- The body's formats, before the lock: nothing here depends on the chain.
    IF coalesce(b->>'action', '') !~ '{ACTION_PATTERN}' THEN
        RAISE EXCEPTION 'audit action % is not a dotted lower-case name', b->>'action'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_event_action_dotted';
    END IF;
    IF (coalesce(b->>'object_type', '') = '') <> (coalesce(b->>'object_id', '') = '') THEN
        RAISE EXCEPTION 'an audit object reference needs both a type and an id'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_event_object_reference_complete';
    END IF;
    IF jsonb_typeof(b->'data') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'audit data must be a JSON object'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_event_data_object';
    END IF;

    -- Serialise appends until this transaction ends; then read the head in a fresh snapshot.
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK_KEY});
    SELECT e.sequence, e.hash INTO o_sequence, o_previous_hash
      FROM audit_auditevent e ORDER BY e.sequence DESC LIMIT 1;
    IF NOT FOUND THEN
        o_sequence := 0;
        o_previous_hash := repeat('0', 64);
    END IF;
    o_sequence := o_sequence + 1;
    o_occurred_at := clock_timestamp();
    o_hash := encode(sha256(convert_to(
        '{{"body":' || p_body
        || ',"occurred_at":"'
        || to_char(o_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || '","previous_hash":"' || o_previous_hash
        || '","sequence":' || o_sequence::text
        || '}}', 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (
        sequence, occurred_at, actor_id, actor_label, organisation_id, action,
        object_type, object_id, data, previous_hash, hash
    ) VALUES (
        o_sequence, o_occurred_at, (b->>'actor_id')::bigint, b->>'actor_label',
        (b->>'organisation_id')::bigint, b->>'action', b->>'object_type', b->>'object_id',
        b->'data', o_previous_hash, o_hash
    );
END
$$;
"""

TRIGGERS = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_auditcheckpoint;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(APPEND_FUNCTION, "DROP FUNCTION IF EXISTS audit_append(text);"),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
