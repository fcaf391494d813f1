"""The production application role (deploy/postgres-init.sql, audit migration 0003).

It may read the audit tables and append through audit_append(), but not truncate them nor switch
their append-only trigger off. The test database has one superuser that owns everything, so each
test creates a non-superuser role, grants it what postgres-init.sql grants the application role,
runs the migration's revoke again, and acts as that role with SET ROLE inside a savepoint.
"""

import importlib
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from audit import chain, selectors
from audit.services import record_checkpoint, record_event

pytestmark = pytest.mark.django_db

INIT_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres-init.sql"
MIGRATION = importlib.import_module("audit.migrations.0003_revoke_changes_from_non_owners")
INSUFFICIENT_PRIVILEGE = "42501"

_DEFAULT_GRANT = re.compile(
    r"ALTER DEFAULT PRIVILEGES FOR ROLE sunlight_owner IN SCHEMA public\s+"
    r"GRANT ([A-Z, ]+) ON (TABLES|SEQUENCES|FUNCTIONS) TO sunlight_app;"
)
_PLAIN_GRANT = re.compile(r"^GRANT ([A-Z, ]+) ON (DATABASE :\"DBNAME\"|SCHEMA public) TO ([a-z_, ]+);$", re.M)


def app_grants(role: str) -> list[str]:
    """postgres-init.sql's grants to sunlight_app, for `role`, on the objects that exist now.

    Default privileges reach only objects created later; here the tables exist already, so each
    ALTER DEFAULT PRIVILEGES ... GRANT p ON TABLES becomes GRANT p ON ALL TABLES IN SCHEMA public.
    """
    text = INIT_SQL.read_text(encoding="utf-8")
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    grants = [
        f"GRANT {privileges} ON ALL {kind} IN SCHEMA public TO {role}"
        for privileges, kind in _DEFAULT_GRANT.findall(text)
    ]
    assert len(grants) == 3, "postgres-init.sql no longer grants on tables, sequences and functions"
    for privileges, target, grantees in _PLAIN_GRANT.findall(text):
        if "sunlight_app" in grantees.split(", "):
            target = target.replace(':"DBNAME"', database)
            grants.append(f"GRANT {privileges} ON {target} TO {role}")
    assert len(grants) == 5, "postgres-init.sql no longer grants CONNECT and USAGE on the schema"
    return grants


def privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p"
            " WHERE has_table_privilege(%s, %s, p)",
            [role, table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def app_role():
    """A fresh non-superuser role with the application's grants (rolled back with the test)."""
    role = f"sunlight_test_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        for grant in app_grants(role):
            cursor.execute(grant)
    return role


@pytest.fixture
def revoked(app_role):
    with connection.cursor() as cursor:
        MIGRATION.revoke_changes(cursor, app_role)
    return app_role


@contextmanager
def acting_as(role: str):
    """Run the block as `role`. On an error the savepoint's rollback also undoes SET ROLE."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        yield cursor
        cursor.execute("RESET ROLE")


def refused(role: str, sql: str, params=None) -> str:
    with pytest.raises(DatabaseError) as caught, acting_as(role) as cursor:
        cursor.execute(sql, params)
    return caught.value.__cause__.sqlstate


def test_the_grants_let_the_role_change_audit_rows_until_the_revoke(app_role):
    # The trigger would still refuse UPDATE and DELETE; the revoke refuses them earlier and
    # takes TRUNCATE, which no trigger stops, should a default grant ever include it.
    assert privileges(app_role, "audit_auditevent") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON audit_auditevent, audit_auditcheckpoint TO {app_role}")
        MIGRATION.revoke_changes(cursor, app_role)
    for table in ("audit_auditevent", "audit_auditcheckpoint"):
        assert privileges(app_role, table) == {"SELECT", "INSERT"}


def test_the_revoke_leaves_other_tables_alone(revoked):
    assert privileges(revoked, "accounts_user") == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_the_app_role_appends_through_audit_append_and_signs_checkpoints(revoked):
    record_event("tests.before")
    with acting_as(revoked) as cursor:
        event = record_event("tests.as_app_role", data={"n": 1})
        checkpoint = record_checkpoint()
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == revoked
    assert (event.sequence, checkpoint.sequence, checkpoint.head_hash) == (2, 2, event.hash)
    assert chain.verify_chain(selectors.chain_records(), selectors.checkpoint_records()).ok


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditcheckpoint"])
def test_the_app_role_cannot_truncate_the_audit_tables(revoked, table):
    record_event("tests.kept")
    record_checkpoint()
    assert refused(revoked, f"TRUNCATE {table}") == INSUFFICIENT_PRIVILEGE
    assert refused(revoked, f"TRUNCATE {table} CASCADE") == INSUFFICIENT_PRIVILEGE
    assert selectors.chain_head().action == "tests.kept"
    assert selectors.latest_checkpoint() is not None


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER audit_checkpoint_append_only",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN NEW; END $$",
    ],
)
def test_the_app_role_cannot_switch_the_append_only_trigger_off(revoked, sql):
    assert refused(revoked, sql) == INSUFFICIENT_PRIVILEGE


def test_update_and_delete_are_refused_by_privilege_before_the_trigger(revoked):
    event = record_event("tests.kept")
    update = "UPDATE audit_auditevent SET hash = repeat('f', 64) WHERE sequence = %s"
    assert refused(revoked, update, [event.sequence]) == INSUFFICIENT_PRIVILEGE
    assert refused(revoked, "DELETE FROM audit_auditcheckpoint") == INSUFFICIENT_PRIVILEGE
    assert selectors.chain_head().hash == event.hash


def test_the_revoke_does_nothing_where_the_app_role_does_not_exist():
    record_event("tests.kept")
    with connection.cursor() as cursor:
        MIGRATION.revoke_changes(cursor, "no_such_role_" + uuid.uuid4().hex[:12])
    assert selectors.chain_head().action == "tests.kept"


@pytest.mark.parametrize("power", ["SUPERUSER", "owner member"])
def test_the_revoke_refuses_an_app_role_that_could_act_as_the_owner(app_role, power):
    with connection.cursor() as cursor:
        if power == "SUPERUSER":
            cursor.execute(f"ALTER ROLE {app_role} SUPERUSER")
        else:
            cursor.execute(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_auditevent'::regclass"
            )
            owner = connection.ops.quote_name(cursor.fetchone()[0])
            cursor.execute(f"GRANT {owner} TO {app_role}")
        with pytest.raises(RuntimeError, match="could disable their append-only triggers"):
            MIGRATION.revoke_changes(cursor, app_role)
