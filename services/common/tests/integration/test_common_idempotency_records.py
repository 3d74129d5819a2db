"""Integration: the idempotency records on the real PostgreSQL: the table as common's migration helper makes it,
the repository on a Core connection and on an ORM session, and two concurrent twins on two connections ending
with one effect (the primary key decides), the loser answered the winner's result."""
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.orm import Session

from hearth_common import migrations, testing
from hearth_common.db import new_metadata
from hearth_common.idempotency import IdempotentCall, KeyReused, Scope, purge_expired
from hearth_common.idempotency_records import SqlIdempotencyRecords, define_idempotency_table
from hearth_common.unit_of_work import UniqueViolation

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.timezone.utc)
metadata = new_metadata()
records_table = define_idempotency_table(metadata)
effects = sa.Table("effects", sa.MetaData(), sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
                   sa.Column("name", sa.String(50)))


@pytest.fixture(scope="module")
def engine():
    url = testing.create_database("hearth_common_idempotency")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the table exactly as a service's migration makes it
        migrations.create_idempotency_table(Operations(MigrationContext.configure(conn)))
    effects.create(engine)
    yield engine
    engine.dispose()
    testing.drop_database(url)


@pytest.fixture(autouse=True)
def clean(engine):
    with engine.begin() as conn:
        conn.execute(sa.delete(records_table))
        conn.execute(sa.delete(effects))


class UoW:
    """The least unit of work the mechanism needs: a Core connection in a transaction, with the records."""

    def __init__(self, engine, pause: threading.Event | None = None):
        self.engine, self.pause = engine, pause

    def __enter__(self):
        self.connection = self.engine.connect()
        self.idempotency = SqlIdempotencyRecords(self.connection, records_table)
        return self

    def __exit__(self, *exc_info):
        self.connection.rollback()
        self.connection.close()

    def commit(self):
        self.connection.commit()


def create(engine, name: str, key: str, *, inserted: threading.Event | None = None,
           go_on: threading.Event | None = None) -> dict:
    """A use case the common way; `inserted`/`go_on` hold it after its effect and record, before its commit."""
    call = IdempotentCall("ada", "test.Create", key, {"name": name})

    def attempt():
        with UoW(engine) as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            new_id = uow.connection.execute(sa.insert(effects).values(name=name).returning(effects.c.id)).scalar()
            result = call.remember(uow.idempotency, {"id": new_id, "name": name, "at": NOW}, NOW)
            if inserted is not None:
                inserted.set()
                assert go_on.wait(30)
            uow.commit()
            return result

    return call.run(attempt, lambda: UoW(engine))


def blocked_on_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND wait_event_type = 'Lock'")).scalar_one() > 0


def effect_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar_one()


def test_a_retry_is_answered_from_the_record_datetimes_and_all(engine):
    first = create(engine, "lamp", "k1")
    assert create(engine, "lamp", "k1") == first
    assert first["at"] == NOW
    assert effect_count(engine) == 1
    with pytest.raises(KeyReused):
        create(engine, "chair", "k1")


def test_concurrent_twins_on_two_connections_end_with_one_effect(engine):
    """The first twin holds its uncommitted record; the second, whose lookup found nothing, inserts its own
    record, waits on the primary key until the first commits, then fails and is answered the first's result."""
    first_inserted, first_go_on = threading.Event(), threading.Event()
    answers = {}

    def first():
        answers["first"] = create(engine, "lamp", "k2", inserted=first_inserted, go_on=first_go_on)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_inserted.wait(30)  # the first twin's effect and record are written, not committed

    def second():
        answers["second"] = create(engine, "lamp", "k2")

    twin = threading.Thread(target=second)
    twin.start()
    testing.eventually(lambda: blocked_on_a_lock(engine), timeout=30, what="the second twin waiting on the key")
    first_go_on.set()
    thread.join(30)
    twin.join(30)
    assert not thread.is_alive() and not twin.is_alive()
    assert answers["first"] == answers["second"]
    assert effect_count(engine) == 1


def test_the_primary_key_is_the_scope_and_a_duplicate_raises_unique_violation(engine):
    from hearth_common.idempotency import IdempotencyRecord

    record = IdempotencyRecord(Scope("ada", "test.Create", "k3"), "f" * 64, {"x": 1}, NOW)
    with engine.begin() as conn:
        SqlIdempotencyRecords(conn, records_table).add(record)
    with engine.connect() as conn:
        with pytest.raises(UniqueViolation) as caught:
            SqlIdempotencyRecords(conn, records_table).add(record)
        assert caught.value.constraint == "idempotency_records_pkey"
    with Session(engine) as session:  # the same repository on an ORM session (identity's unit of work)
        records = SqlIdempotencyRecords(session, records_table)
        assert records.get(Scope("ada", "test.Create", "k3")).result == {"x": 1}
        assert records.get(Scope("bob", "test.Create", "k3")) is None


def test_purge_deletes_only_records_past_their_retention(engine):
    for i, hours in enumerate((30, 25, 1)):
        call = IdempotentCall("ada", "test.Create", f"old{i}", {"i": i})
        with UoW(engine) as uow:
            call.remember(uow.idempotency, {"i": i}, NOW - dt.timedelta(hours=hours))
            uow.commit()
    assert purge_expired(lambda: UoW(engine), NOW, batch=1) == 2
    with engine.connect() as conn:
        assert conn.execute(sa.select(records_table.c.key)).scalars().all() == ["old2"]
