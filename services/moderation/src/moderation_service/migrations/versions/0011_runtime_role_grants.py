"""the runtime role's privileges: what the gRPC server and the worker need on every table and sequence, and on the
audit log only SELECT and INSERT, so the role the service runs as can neither change nor delete an entry

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 20:10:00

The migrate step connects as the role that owns the schema (MODERATION_MIGRATE_DATABASE_URL) and names the role
the processes connect as (the user of MODERATION_DATABASE_URL) in the session setting `hearth.runtime_role`
(hearth_common.migrations.run_env). That role owns nothing, so it cannot disable, drop or replace the audit log's
trigger (migration 0002), drop the table, or take the superuser's `session_replication_role`; UPDATE, DELETE and
TRUNCATE of the audit log it is not granted at all. The trigger stays: it stops the owner's accidents.

Nothing is granted when the runtime role is the migrating role itself (make run, the tests, e2e: one role owns
and uses the database) or when no role of that name exists (a NOTICE says so). Tables and sequences later
migrations create are covered by the owner's default privileges (SELECT, INSERT, UPDATE, DELETE; USAGE, SELECT),
so a later append-only table must REVOKE UPDATE, DELETE FROM the runtime role in its own migration, as here.
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The runtime role from the session setting; nothing to do when it is unset, the migrating role or nobody.
_RUNTIME = """
DECLARE
    runtime text := nullif(current_setting('hearth.runtime_role', true), '');
BEGIN
    IF runtime IS NULL OR runtime = current_user THEN
        RAISE NOTICE 'moderation migration %: no runtime role apart from %, nothing to grant', '{revision}',
            current_user;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runtime) THEN
        RAISE NOTICE 'moderation migration %: no role %, nothing to grant', '{revision}', runtime;
        RETURN;
    END IF;
{body}
END
"""

UPGRADE = """
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', runtime);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', runtime);
    -- the audit log: read and appended to, never changed (its sequences, if any, stay usable: above)
    EXECUTE format('REVOKE ALL ON audit_log FROM %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', runtime);
    -- Alembic's version table is the migrate step's
    EXECUTE format('REVOKE ALL ON alembic_version_moderation FROM %I', runtime);
    EXECUTE format('GRANT SELECT ON alembic_version_moderation TO %I', runtime);
    -- what later migrations create (as this role)
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                   runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', runtime);
"""

DOWNGRADE = """
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I', runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM %I', runtime);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', runtime);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', runtime);
"""


def _for_runtime_role(body: str) -> str:
    return "DO $$" + _RUNTIME.replace("{revision}", revision).replace("{body}", body.rstrip()) + "$$"


def upgrade() -> None:
    op.execute(_for_runtime_role(UPGRADE))


def downgrade() -> None:
    op.execute(_for_runtime_role(DOWNGRADE))
