"""Cross-cutting: Alembic plumbing for every service's migrations: env body, runner, creators of common's tables."""
from __future__ import annotations

import logging
import pathlib
from collections.abc import Callable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.operations import ops
from sqlalchemy.dialects import postgresql

from hearth_common.db import new_metadata
from hearth_common.idempotency_records import define_idempotency_table
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import OUTBOX_CHANNEL, QUIET_SETTING, define_outbox_table
from hearth_common.people_table import define_people_table

# The session setting through which a migration learns the runtime role (the role the gRPC server and the worker
# connect as, hearth_common.settings.ServiceSettings.runtime_role), to grant it what the running service needs:
# `current_setting('hearth.runtime_role', true)` in SQL; empty or the migrating role itself: grant nothing.
RUNTIME_ROLE_SETTING = "hearth.runtime_role"


def run_env(context, metadata: sa.MetaData, version_table: str, default_url: Callable[[], str]) -> None:
    """The body of a service's migrations/env.py: online or offline, against the URL the runner passed, with the
    runtime role the runner passed in the session setting RUNTIME_ROLE_SETTING."""
    config = context.config
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url") or default_url()
    set_runtime_role = sa.select(sa.func.set_config(RUNTIME_ROLE_SETTING, config.attributes.get("runtime_role") or "",
                                                    False))
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, version_table=version_table)
        with context.begin_transaction():
            context.execute(set_runtime_role)
            context.run_migrations()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        with connection.begin():  # a session setting: it outlasts this transaction
            connection.execute(set_runtime_role)
        context.configure(connection=connection, target_metadata=metadata, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


class Migrations:
    """Upgrade and downgrade one service's schema programmatically (migrate step, tests)."""

    def __init__(self, script_location: pathlib.Path):
        self.script_location = script_location

    def config(self, database_url: str, runtime_role: str = "") -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        config.attributes["database_url"] = database_url
        config.attributes["runtime_role"] = runtime_role
        return config

    def upgrade(self, database_url: str, revision: str = "head", runtime_role: str = "") -> None:
        """Upgrades the schema at `database_url` (connecting as the role that owns it); a migration that grants
        the runtime role its privileges grants them to `runtime_role` (none when empty or the same role)."""
        command.upgrade(self.config(database_url, runtime_role), revision)

    def upgrade_as_owner(self, settings, revision: str = "head") -> None:
        """The migrate step's upgrade: as the owner (settings.migration_database_url, `<SERVICE>_MIGRATE_DATABASE_URL`
        or the service's URL), granting the runtime role (the user of `<SERVICE>_DATABASE_URL`)."""
        self.upgrade(settings.migration_database_url, revision, runtime_role=settings.runtime_role)

    def downgrade(self, database_url: str, revision: str = "base", runtime_role: str = "") -> None:
        """Downgrades; a migration that granted `runtime_role` revokes what it granted it."""
        command.downgrade(self.config(database_url, runtime_role), revision)


# --- helpers for a service's migrations: the tables common defines, created exactly as defined ----------------
# For a new service's first migration. Their shapes are frozen: a migration must keep creating what it created
# when it was written, so a change to one of these tables is a new helper and a new migration in each service,
# never an edit here (test_common_migration_helpers compares each with the tables identity's and room's own,
# written-out migrations made).

def create_table(op, table: sa.Table) -> None:
    """Creates `table` (columns, constraints, then its indexes) in a migration, online or offline."""
    op.invoke(ops.CreateTableOp.from_table(table))
    for index in sorted(table.indexes, key=lambda i: i.name):
        op.invoke(ops.CreateIndexOp.from_index(index))


def create_outbox_table(op) -> None:
    """The outbox of a service that publishes events (hearth_common.outbox)."""
    create_table(op, define_outbox_table(new_metadata()))


def add_insert_notify(op, table: str, channel: str) -> None:
    """A statement trigger on `table`: a transaction that inserts into it NOTIFYs `channel` when it commits (once
    per statement, and PostgreSQL folds a transaction's identical notifications into one), which wakes whoever
    LISTENs there (db.ChannelListener) instead of their polling the table."""
    op.execute(f"CREATE FUNCTION hearth_notify_{table}() RETURNS trigger LANGUAGE plpgsql AS "
               f"$$ BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$")
    op.execute(f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION hearth_notify_{table}()")


def drop_insert_notify(op, table: str) -> None:
    """Undoes add_insert_notify."""
    op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS hearth_notify_{table}()")


def add_outbox_notify(op) -> None:
    """The outbox's insert trigger: a transaction that wrote events wakes the relays (OutboxRelay.run) when it
    commits, on outbox.OUTBOX_CHANNEL."""
    add_insert_notify(op, "outbox", OUTBOX_CHANNEL)


def let_outbox_notify_be_quieted(op) -> None:
    """add_outbox_notify's trigger, made to NOTIFY only when the session does not say otherwise: a connection
    that set `hearth.outbox_notify` to `off` (outbox.QuietOutboxNotify: a debounced NOTIFY after its commits
    instead, so that its transactions do not queue on PostgreSQL's notify lock at every commit)."""
    op.execute("CREATE OR REPLACE FUNCTION hearth_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"IF current_setting('{QUIET_SETTING}', true) IS DISTINCT FROM 'off' THEN "
               f"PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); END IF; RETURN NULL; END $$")


def always_outbox_notify(op) -> None:
    """Undoes let_outbox_notify_be_quieted (add_outbox_notify's function again)."""
    op.execute("CREATE OR REPLACE FUNCTION hearth_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS "
               f"$$ BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$")


def drop_outbox_notify(op) -> None:
    """Undoes add_outbox_notify (the relays then find events by their safety poll alone)."""
    drop_insert_notify(op, "outbox")


def create_inbox_table(op) -> None:
    """The inbox of a service that consumes events (hearth_common.inbox: each event's effect once)."""
    create_table(op, define_inbox_table(new_metadata()))


def create_backfill_table(op) -> None:
    """The record of the replays a consuming service asked its producers for (hearth_common.backfill), as first
    defined (without `event_types`: add_backfill_event_types adds it)."""
    create_table(op, sa.Table(  # written out: the shape this helper first created, frozen
        "event_backfills",
        new_metadata(),
        sa.Column("source", sa.String(50), primary_key=True),
        sa.Column("through_seq", sa.BigInteger, nullable=False),
        sa.Column("replayed", sa.Integer, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    ))


def add_backfill_event_types(op) -> None:
    """event_backfills' `event_types` (the types each producer replayed), so an upgrade that binds a new event type
    is replayed that type (hearth_common.backfill)."""
    op.add_column("event_backfills", sa.Column("event_types", sa.JSON().with_variant(postgresql.JSONB, "postgresql"),
                                               nullable=True))


def create_people_table(op) -> None:
    """The read model of people of a service that consumes identity's events (hearth_common.people_table)."""
    create_table(op, define_people_table(new_metadata()))


def create_idempotency_table(op) -> None:
    """The records of the first result of each call made with an idempotency key (hearth_common.idempotency)."""
    create_table(op, define_idempotency_table(new_metadata()))


def migrate_step(service: str, load_settings: Callable[[], object], migrate: Callable[[object], None],
                 worker: str) -> None:
    """The body of every `<service>-migrate` command: settings read now, JSON logs under a request id of its
    own, the service's `migrate(settings)` (schema as the owner, `<SERVICE>_MIGRATE_DATABASE_URL`, through
    Migrations.upgrade_as_owner; then seed data as the runtime role), and last, once the database is done, the event
    queues of its `worker` ("package.module:WorkerClass"), so they exist before any producer's worker starts."""
    from hearth_common.backfill import declare_worker_queues
    from hearth_common.logging import configure_logging, new_request_id, request_id_var

    settings = load_settings()
    configure_logging(service, "migrate", settings.log_level)
    request_id_var.set(new_request_id())
    owner = sa.engine.make_url(settings.migration_database_url).username or ""
    logging.getLogger(__name__).info("migrating", extra={
        "owner_role": owner, "runtime_role": settings.runtime_role,
        "separate_roles": settings.migration_database_url != settings.database_url})
    migrate(settings)
    declare_worker_queues(settings.amqp_uri, worker)
