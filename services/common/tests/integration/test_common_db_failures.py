"""Integration: which real PostgreSQL failures db.database_unavailable calls passing (retry) and which recurring."""
from __future__ import annotations

import threading
import uuid

import psycopg2
import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.db import database_unavailable, make_engine, new_metadata
from hearth_common.sql_unit_of_work import CoreUnitOfWork


@pytest.fixture(scope="module")
def url():
    url = testing.create_database("hearth_common_failures")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)"))
        conn.execute(sa.text("INSERT INTO counters VALUES (1, 0), (2, 0)"))
    engine.dispose()
    yield url
    testing.drop_database(url)


@pytest.fixture
def engine(url):
    engine = make_engine(url, pool_size=2)
    yield engine
    engine.dispose()


def raised(work) -> BaseException:
    try:
        work()
    except Exception as exc:
        return exc
    raise AssertionError("the work did not fail")


def admin(sql: str, **params) -> None:
    engine = sa.create_engine(testing.ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql), params)
    engine.dispose()


# --- failures that pass by themselves -----------------------------------------------------------------------


def test_a_refused_connection_passes():
    engine = make_engine("postgresql+psycopg2://postgres@127.0.0.1:1/nowhere")
    exc = raised(lambda: engine.connect().close())
    assert isinstance(exc, sa.exc.OperationalError) and database_unavailable(exc)
    assert database_unavailable(exc.orig)  # psycopg2's own error, as a raw connection raises it


def test_a_connection_the_server_terminated_passes(engine):
    with engine.connect() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        admin("SELECT pg_terminate_backend(:pid)", pid=pid)  # what a restart does to every session
        exc = raised(lambda: conn.execute(sa.text("SELECT 1")))
    assert database_unavailable(exc), repr(exc)


class _Unit(CoreUnitOfWork):
    def open_repositories(self, connection) -> None:
        pass


@pytest.mark.parametrize("autocommit", [False, True], ids=["driver begins", "statement begins"])
def test_a_unit_of_work_whose_connection_the_server_terminated_fails_with_the_passing_error(url, autocommit):
    # What a restart does to a call in the middle of its transaction: the unit's rollback on the way out must
    # leave the lost connection's error as it is (it once raised PendingRollbackError instead: INTERNAL, not
    # UNAVAILABLE, to the caller), and the next unit is served on a fresh connection.
    engine = make_engine(url, pool_size=1, autocommit=autocommit)
    outbox = sa.Table("outbox", new_metadata())

    def spoilt():
        with _Unit(engine, outbox, "test", engine_autocommits=autocommit) as uow:
            pid = uow.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
            admin("SELECT pg_terminate_backend(:pid)", pid=pid)
            uow.connection.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = 2"))
            uow.commit()

    try:
        exc = raised(spoilt)
        assert database_unavailable(exc), repr(exc)
        with _Unit(engine, outbox, "test", engine_autocommits=autocommit) as uow:
            assert uow.connection.execute(sa.text("SELECT n FROM counters WHERE id = 2")).scalar() == 0
    finally:
        engine.dispose()


def test_a_connection_already_closed_passes(url):
    raw = psycopg2.connect(sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False))
    raw.close()
    exc = raised(lambda: raw.cursor())
    assert isinstance(exc, psycopg2.InterfaceError) and database_unavailable(exc)


def test_too_many_connections_passes(url):
    role = f"hearth_limited_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0')
    try:
        engine = make_engine(sa.engine.make_url(url).set(username=role).render_as_string(False))
        exc = raised(lambda: engine.connect().close())
        assert "too many connections" in str(exc) and database_unavailable(exc)
    finally:
        admin(f'DROP ROLE "{role}"')


def test_a_pool_with_no_connection_free_in_time_passes(url):
    engine = sa.create_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    with engine.connect():
        exc = raised(lambda: engine.connect().close())
    engine.dispose()
    assert isinstance(exc, sa.exc.TimeoutError) and database_unavailable(exc)


def test_a_deadlock_passes(engine):
    first, second = engine.connect(), engine.connect()
    both_hold_one = threading.Barrier(2)
    failures = []

    def take(conn, mine, theirs):
        try:
            with conn.begin():
                conn.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = :id"), {"id": mine})
                both_hold_one.wait(5)
                conn.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = :id"), {"id": theirs})
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=take, args=(first, 1, 2)), threading.Thread(target=take, args=(second, 2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    first.close(), second.close()
    assert len(failures) == 1 and failures[0].orig.pgcode == "40P01"
    assert database_unavailable(failures[0])


def test_a_serialization_failure_passes(engine):
    first, second = engine.connect(), engine.connect()
    for conn in (first, second):
        conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        conn.execute(sa.text("SELECT n FROM counters WHERE id = 1")).scalar()
    first.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = 1"))
    first.commit()
    exc = raised(lambda: second.execute(sa.text("UPDATE counters SET n = n + 1 WHERE id = 1")))
    second.rollback()
    first.close(), second.close()
    assert exc.orig.pgcode == "40001" and database_unavailable(exc)


# --- failures that recur: the same work would fail again ----------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)",     # a timeout
    "INSERT INTO counters VALUES (1, 0)",                       # a constraint
    "SELECT no_such_column FROM counters",                      # bad SQL
    "SELECT 1 / 0",                                             # bad data
])
def test_statements_the_database_refuses_every_time_do_not_pass(engine, sql):
    with engine.connect() as conn:
        exc = raised(lambda: conn.exec_driver_sql(sql))
    assert isinstance(exc, sa.exc.DBAPIError) and not database_unavailable(exc), repr(exc)
    assert not database_unavailable(exc.orig)


def test_errors_that_are_not_the_databases_do_not_pass():
    assert not database_unavailable(ValueError("A string literal cannot contain NUL (0x00) characters."))
    assert not database_unavailable(RuntimeError("a bug"))
