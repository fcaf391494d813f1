"""Only the owner of the audit tables may change them at the privilege level.

In production (deploy/postgres-init.sql) migrations run as an owner role and the application as
another role that gets SELECT, INSERT, UPDATE, DELETE on every new table by default privileges.
The append-only triggers already refuse UPDATE and DELETE on the audit tables; this migration also
takes those privileges, and TRUNCATE (which no trigger refuses), from PUBLIC and from every role
but the owner, so that the application role can only read and append. Disabling a trigger needs
ownership, which the application role never has.

The application role is named by DATABASE_APP_ROLE (default "sunlight_app"), read when the
migration runs. If it exists and could act as the owner -- a superuser, the owner itself or a
member of the owner role -- the migration stops: such a role could switch the triggers off.
Where it does not exist (the embedded single-superuser development server, the test database)
only the generic revoke runs, which changes nothing there: the superuser owns the tables and
nobody else was granted anything.

Migrations that add audit tables later must revoke again: default privileges apply per schema,
not per table name.
"""

import os

from django.db import migrations

DEFAULT_APP_ROLE = "sunlight_app"

# No parameters in this statement: the cursor must not read %I as a placeholder.
REVOKE_FROM_NON_OWNERS = """
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent, audit_auditcheckpoint FROM PUBLIC;
DO $revoke$
DECLARE
    granted record;
BEGIN
    FOR granted IN
        SELECT DISTINCT c.relname, pg_get_userbyid(acl.grantee) AS grantee
          FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) acl
         WHERE c.oid IN ('audit_auditevent'::regclass, 'audit_auditcheckpoint'::regclass)
           AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
           AND acl.grantee <> 0
           AND acl.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', granted.relname, granted.grantee);
    END LOOP;
END
$revoke$;
"""

APP_ROLE_POWERS = """
SELECT r.rolsuper, pg_has_role(r.oid, t.relowner, 'MEMBER')
  FROM pg_roles r, pg_class t
 WHERE r.rolname = %s AND t.oid = 'audit_auditevent'::regclass
"""

REVOKE_FROM_APP_ROLE = """
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent, audit_auditcheckpoint FROM %%I', %s)
"""


def revoke_changes(cursor, app_role: str) -> None:
    """Take UPDATE, DELETE, TRUNCATE on the audit tables from everyone but their owner."""
    cursor.execute(REVOKE_FROM_NON_OWNERS)
    cursor.execute(APP_ROLE_POWERS, [app_role])
    row = cursor.fetchone()
    if row is None:
        return  # no such role here: nothing more to do
    is_superuser, acts_as_owner = row
    if is_superuser or acts_as_owner:
        raise RuntimeError(
            f"The application database role {app_role!r} (DATABASE_APP_ROLE) is a superuser or owns "
            "the audit tables (or may act as their owner), so it could disable their append-only "
            "triggers. Run migrations as a separate owner role; see deploy/postgres-init.sql."
        )
    cursor.execute(REVOKE_FROM_APP_ROLE, [app_role])  # the server quotes the name (%I)
    cursor.execute(cursor.fetchone()[0])


def revoke(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        revoke_changes(cursor, os.environ.get("DATABASE_APP_ROLE", DEFAULT_APP_ROLE))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_chain"),
    ]

    # Nothing to undo: unapplying must not hand the privileges back.
    operations = [
        migrations.RunPython(revoke, migrations.RunPython.noop, elidable=False),
    ]
