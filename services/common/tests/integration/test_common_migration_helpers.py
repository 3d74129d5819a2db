"""Integration: the migration helpers make the outbox, inbox and people tables exactly as identity's and room's
migrations made them (pg_dump --schema-only of each table compared), online and as offline SQL."""
import io
import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from hearth_common import migrations, testing
from hearth_common.db import new_metadata

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump")


def schema_of(url: str, tables: list[str]) -> str:
    """pg_dump's DDL of these tables, without its comments and session settings."""
    u = sa.engine.make_url(url)
    args = ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-h", u.host, "-p", str(u.port or 5432),
            "-U", u.username, "-d", u.database, *(f"--table={t}" for t in tables)]
    out = subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout
    noise = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
    return "\n".join(line for line in out.splitlines() if line.strip() and not line.startswith(noise))


def made_by_helpers(*create) -> str:
    url = testing.create_database("hearth_migration_helpers")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            op = Operations(MigrationContext.configure(conn, opts={"target_metadata": new_metadata()}))
            for helper in create:
                helper(op)
        return url
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def service_schemas():
    from identity_service.migrations import runner as identity_migrations
    from room_service.migrations import runner as room_migrations

    with testing.migrated_database("hearth_helpers_identity", identity_migrations.upgrade) as identity, \
            testing.migrated_database("hearth_helpers_room", room_migrations.upgrade) as room:
        yield {"identity": schema_of(identity, ["outbox"]), "room": schema_of(room, ["outbox", "inbox", "people"])}


def test_the_helpers_make_the_tables_identity_and_room_have(service_schemas):
    url = made_by_helpers(migrations.create_outbox_table, migrations.add_outbox_notify, migrations.create_inbox_table,
                          migrations.create_people_table)
    try:
        assert "CREATE TABLE public.people" in service_schemas["room"]  # the dump is not empty
        assert schema_of(url, ["outbox"]) == service_schemas["identity"]
        assert schema_of(url, ["outbox", "inbox", "people"]) == service_schemas["room"]
    finally:
        testing.drop_database(url)


def test_the_backfill_table_is_made_as_common_defines_it():
    """The first helper's frozen shape, then the column a later migration adds: together, today's definition."""
    from alembic.autogenerate import compare_metadata

    from hearth_common.backfill import define_backfill_table

    url = made_by_helpers(migrations.create_backfill_table, migrations.add_backfill_event_types)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        metadata = new_metadata()
        define_backfill_table(metadata)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
        testing.drop_database(url)


def test_the_idempotency_table_is_made_as_common_defines_it():
    from alembic.autogenerate import compare_metadata

    from hearth_common.idempotency_records import define_idempotency_table

    url = made_by_helpers(migrations.create_idempotency_table)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        metadata = new_metadata()
        define_idempotency_table(metadata)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
        testing.drop_database(url)


def test_the_helpers_work_offline_too():
    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name="postgresql", opts={
        "as_sql": True, "output_buffer": buffer, "target_metadata": new_metadata()})
    migrations.create_outbox_table(Operations(context))
    sql = re.sub(r"\s+", " ", buffer.getvalue())
    assert "CREATE TABLE outbox" in sql and "CONSTRAINT pk_outbox PRIMARY KEY (seq)" in sql
    assert "CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL" in sql
