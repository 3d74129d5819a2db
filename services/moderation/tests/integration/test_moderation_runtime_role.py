"""Integration tests on PostgreSQL: the role moderation runs as is not the one that owns its schema (issue 14,
section 6: "the database refuses updates and deletes of [the audit log] for the service's own role").

As compose deploys it: a login role owns the database and migrates it (MODERATION_MIGRATE_DATABASE_URL), another
(MODERATION_DATABASE_URL) is granted by migration 0011 what the gRPC server and the worker need. Both roles are the
test's own, with unique names, dropped afterwards with the database."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from moderation_world import World
from sqlalchemy.exc import DBAPIError

from hearth_common import testing
from hearth_common.clock import utcnow
from hearth_common.db import make_engine
from moderation_service import settings as settings_module
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain import audit
from moderation_service.domain import room_actions as actions
from moderation_service.migrations import runner
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.services import ModerationService

AT = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.timezone.utc)
MOD, PERSON = "11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333"


def _admin(statement: str, *params: str) -> None:
    engine = sa.create_engine(testing.ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(statement.format(*params)))
    engine.dispose()


def _url_as(role: str, database: str) -> str:
    return sa.engine.make_url(testing.ADMIN_DATABASE_URL).set(username=role, password=None, database=database
                                                              ).render_as_string(hide_password=False)


@dataclasses.dataclass(frozen=True)
class Roles:
    owner: str
    runtime: str
    owner_url: str
    runtime_url: str


@pytest.fixture(scope="module")
def roles():
    """An owner login role that owns a fresh database, and a runtime login role that may only connect to it (what
    deploy/postgres/init/10-service-databases.sh creates); the database is not migrated yet."""
    suffix = uuid.uuid4().hex[:10]
    owner, runtime, database = f"hearth_modown_{suffix}", f"hearth_modrun_{suffix}", f"hearth_moderation_roles_{suffix}"
    _admin('CREATE ROLE "{}" LOGIN', owner)
    _admin('CREATE ROLE "{}" LOGIN', runtime)
    try:
        _admin('CREATE DATABASE "{}" OWNER "{}"', database, owner)
        _admin('REVOKE ALL ON DATABASE "{}" FROM PUBLIC', database)
        _admin('GRANT CONNECT ON DATABASE "{}" TO "{}"', database, runtime)
        yield Roles(owner, runtime, _url_as(owner, database), _url_as(runtime, database))
    finally:
        _admin('DROP DATABASE IF EXISTS "{}" WITH (FORCE)', database)  # its grants and default privileges with it
        _admin('DROP ROLE IF EXISTS "{}"', runtime)
        _admin('DROP ROLE IF EXISTS "{}"', owner)


@pytest.fixture(scope="module")
def migrated(roles):
    """moderation-migrate's own step (schema as the owner, granting the runtime role; the automod rule set's first
    version as the runtime role), as compose runs it."""
    from moderation_service.entrypoints.migrate import migrate

    settings = dataclasses.replace(settings_module.load(), database_url=roles.runtime_url,
                                   migrate_database_url=roles.owner_url)
    assert settings.runtime_role == roles.runtime
    migrate(settings)
    return roles


@pytest.fixture(scope="module")
def runtime_engine(migrated):
    engine = make_engine(migrated.runtime_url)
    yield engine
    engine.dispose()


def _append(engine, reason: str) -> None:
    with uow_factory(engine)() as uow:
        uow.audit.append(audit.entry("warning_issued", AT, audit.MODERATOR, actor_id=MOD, target_id=PERSON,
                                     reason=reason))
        uow.commit()


def test_the_schema_belongs_to_the_owner_and_the_runtime_role_owns_nothing(migrated, runtime_engine):
    with runtime_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT current_user")).scalar_one() == migrated.runtime
        owners = set(conn.execute(sa.text(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")).scalars())
        assert owners == {migrated.owner}
        privileges = set(conn.execute(sa.text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'audit_log' AND grantee = current_user")).scalars())
        assert privileges == {"SELECT", "INSERT"}


def test_the_runtime_role_appends_to_the_audit_log_and_reads_it(runtime_engine):
    _append(runtime_engine, "appended by the service")
    with uow_factory(runtime_engine)() as uow:
        assert "appended by the service" in [e.reason for e in uow.audit.list(audit.AuditQuery(target_id=PERSON))]


@pytest.mark.parametrize("statement, refusal", [
    ("UPDATE audit_log SET reason = 'rewritten'", "permission denied"),
    ("DELETE FROM audit_log", "permission denied"),
    ("TRUNCATE audit_log", "permission denied"),
    ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
    ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete", "must be owner"),
    ("DROP TRIGGER audit_log_no_update_or_delete ON audit_log", "must be owner"),
    ("DROP TABLE audit_log", "must be owner"),
    ("ALTER TABLE audit_log RENAME TO audit_log_old", "must be owner"),
    ("CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RETURN OLD; END $$", "must be owner|permission denied for schema"),
    ("SET session_replication_role = replica", "permission denied"),
])
def test_the_runtime_role_can_neither_change_nor_delete_the_audit_log_nor_lift_its_trigger(
        runtime_engine, statement, refusal):
    _append(runtime_engine, "kept")
    with pytest.raises(DBAPIError, match=refusal), runtime_engine.begin() as conn:
        conn.execute(sa.text(statement))
    with runtime_engine.connect() as conn:
        assert "kept" in conn.execute(sa.text("SELECT reason FROM audit_log")).scalars().all()
        assert conn.execute(sa.text("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                                    "AND NOT tgisinternal AND tgenabled = 'O'")).scalar_one() == 2


def test_the_runtime_role_runs_the_use_cases_that_write_every_other_table(migrated, runtime_engine):
    """Identity's and room's events into the read models and the inbox, three reports into one case, an agreed
    decision (case, reports, accuracy, room_actions, outbox, audit), then the worker's call to room taken and
    marked done (an UPDATE under FOR UPDATE SKIP LOCKED), all as the runtime role."""
    service = ModerationService(uow_factory(runtime_engine))
    world = World(service, utcnow)
    admin, author = world.admin(), world.member("sam")
    message_id = world.post(author)
    for name in ("riley", "robin", "kit"):
        service.report_message(world.member(name), message_id, "unkind")
    [case] = [c for c in service.queue(admin) if c["subject"]["person_id"] == author]
    assert len(case["reports"]) == 3
    assert service.decide_case(admin, case["id"], "agree", remove_messages=True)["decision"] == "agree"

    class Room:
        def __init__(self):
            self.removed = []

        def remove_message(self, message_id, moderator_id, reason=""):
            self.removed.append(message_id)
            return {"id": message_id}

    room = Room()
    RoomActionRunner(uow_factory(runtime_engine), room, clock=lambda: utcnow() + dt.timedelta(minutes=1)).run_due()
    assert room.removed == [message_id]
    with runtime_engine.connect() as conn:
        assert conn.execute(sa.select(orm.room_actions.c.status)).scalars().all() == [actions.DONE]
        assert "case_decided" in conn.execute(sa.select(orm.outbox.c.event_type)).scalars().all()
        # the rule set's first version, published by moderation-migrate as the runtime role
        assert "automod_rules_changed" in conn.execute(sa.select(orm.outbox.c.event_type)).scalars().all()


def test_a_table_a_later_migration_makes_is_the_runtime_roles_to_use_too(migrated, runtime_engine):
    """The owner's default privileges: a table created after migration 0011 (by the owner, as a later migration
    would) is granted without a grant of its own."""
    owner = sa.create_engine(migrated.owner_url)
    try:
        with owner.begin() as conn:
            conn.execute(sa.text("CREATE TABLE later_table (id bigserial PRIMARY KEY, note text)"))
        with runtime_engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO later_table (note) VALUES ('a')"))
            conn.execute(sa.text("UPDATE later_table SET note = 'b'"))
            assert conn.execute(sa.text("SELECT note FROM later_table")).scalars().all() == ["b"]
            conn.execute(sa.text("DELETE FROM later_table"))
    finally:
        with owner.begin() as conn:
            conn.execute(sa.text("DROP TABLE later_table"))
        owner.dispose()


def test_the_runtime_role_cannot_migrate_nor_create_tables(runtime_engine):
    for statement in ("UPDATE alembic_version_moderation SET version_num = '0001'",
                      "CREATE TABLE mine (id int)"):
        with pytest.raises(DBAPIError, match="permission denied"), runtime_engine.begin() as conn:
            conn.execute(sa.text(statement))


@pytest.mark.parametrize("runtime_role", ["", "postgres", "hearth_no_such_role_anywhere"])
def test_the_migration_grants_nothing_when_one_role_owns_and_uses_the_database_or_the_role_is_missing(runtime_role):
    """make run, the tests and e2e connect as one role (the local superuser): 0011 grants it nothing and succeeds;
    a runtime role that does not exist is skipped too (a NOTICE says so)."""
    with testing.migrated_database("hearth_moderation_roles",
                                   lambda url: runner.upgrade(url, runtime_role=runtime_role)) as url:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT version_num FROM alembic_version_moderation")).scalar_one() \
                    >= "0011"  # 0011 applied, and whatever came after it
                grantees = set(conn.execute(sa.text(
                    "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
                    "WHERE table_schema = 'public'")).scalars())
                assert grantees == {"postgres"}
        finally:
            engine.dispose()


def test_downgrading_0011_takes_back_what_it_granted_and_upgrading_grants_it_again(migrated):
    """How a database first migrated by one role and split later gets its grants (moderation's README)."""
    def audit_privileges() -> set[str]:
        engine = sa.create_engine(migrated.owner_url)
        try:
            with engine.connect() as conn:
                return set(conn.execute(sa.text(
                    "SELECT privilege_type FROM information_schema.role_table_grants "
                    "WHERE table_name = 'audit_log' AND grantee = :role"), {"role": migrated.runtime}).scalars())
        finally:
            engine.dispose()

    runner.downgrade(migrated.owner_url, "0010", runtime_role=migrated.runtime)
    assert audit_privileges() == set()
    runner.upgrade(migrated.owner_url, runtime_role=migrated.runtime)
    assert audit_privileges() == {"SELECT", "INSERT"}
