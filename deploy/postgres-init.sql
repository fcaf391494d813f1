-- Sunlight's two database roles, for docker-compose.yml.
--
-- The postgres image runs this once, when it initialises an empty data directory: as the
-- superuser (POSTGRES_USER), connected to POSTGRES_DB, with psql's ON_ERROR_STOP.
--
--   sunlight_owner  owns every table, sequence and function: only the `migrate` service connects
--                   as it. An owner can disable triggers, so the application never uses it.
--   sunlight_app    web, worker and beat. Reads and writes rows and calls functions (the audit
--                   chain is appended by the plpgsql function audit_append()); owns nothing, so
--                   it cannot alter, disable triggers on or truncate any table. Audit migration
--                   0003 also takes UPDATE, DELETE and TRUNCATE on the audit tables from it.
--
-- Passwords come from the db container's environment (docker-compose.yml requires both). They
-- are written into DATABASE_URL, so use URL-safe characters, e.g. `openssl rand -hex 24`.
--
-- A data volume initialised before this file existed is not touched by it (the image runs init
-- scripts only on an empty data directory): dump the data, start from a new volume, migrate, and
-- restore the rows (pg_dump --data-only) as sunlight_owner.

\getenv owner_password SUNLIGHT_DB_OWNER_PASSWORD
\getenv app_password SUNLIGHT_DB_APP_PASSWORD
\if :{?owner_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'SUNLIGHT_DB_OWNER_PASSWORD is not set in the db container'; END $$;
\endif
\if :{?app_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'SUNLIGHT_DB_APP_PASSWORD is not set in the db container'; END $$;
\endif

CREATE ROLE sunlight_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE sunlight_app LOGIN PASSWORD :'app_password';

-- The database: only these two roles (and the superuser) may connect.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO sunlight_owner, sunlight_app;

-- The schema: the owner creates in it, the application only uses it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO sunlight_owner;
GRANT USAGE ON SCHEMA public TO sunlight_app;

-- Whatever the owner creates later (that is, every migration) is usable by the application.
ALTER DEFAULT PRIVILEGES FOR ROLE sunlight_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sunlight_app;
ALTER DEFAULT PRIVILEGES FOR ROLE sunlight_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO sunlight_app;
ALTER DEFAULT PRIVILEGES FOR ROLE sunlight_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO sunlight_app;
