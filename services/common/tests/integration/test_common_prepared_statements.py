"""Integration: prepared statements on the real PostgreSQL: planned once per connection, correct every time."""
import datetime as dt

import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.db import PreparedStatement, begin_with_next_statement, make_engine

NOTES = PreparedStatement("test_notes_between", """
    SELECT n.id, n.body, n.meta FROM notes n
     WHERE n.written_at >= :since AND n.body LIKE '%' || :word || '%' AND n.id <> :skip
       AND n.written_at::date = CAST(:since AS timestamptz)::date
     ORDER BY n.id
""")
ADD = PreparedStatement("test_notes_add", """
    INSERT INTO notes (body, meta, written_at) VALUES (:body, :meta, :written_at) RETURNING id
""", json_params=("meta",))


@pytest.fixture(scope="module")
def engine():
    url = testing.create_database("hearth_common_prepared")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, meta jsonb NOT NULL,"
                             " written_at timestamptz NOT NULL)"))
    yield engine
    engine.dispose()
    testing.drop_database(url)


def prepared_names(conn) -> set[str]:
    return set(conn.execute(sa.text("SELECT name FROM pg_prepared_statements")).scalars())


NOON = dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc)


def test_parameters_are_numbered_by_first_use_and_sent_in_that_order():
    assert NOTES.params == ["since", "word", "skip"]
    assert "$1" in NOTES.prepare_sql and "$3" in NOTES.prepare_sql and ":since" not in NOTES.prepare_sql
    assert "n.written_at::date" in NOTES.prepare_sql  # casts are not parameters


def test_a_statement_is_prepared_once_per_connection_and_returns_what_plain_sql_would(engine):
    with engine.connect() as conn:
        first = ADD(conn, {"body": "a calm morning", "meta": {"tags": ["calm"]}, "written_at": NOON}).scalar_one()
        ADD(conn, {"body": "a busy noon", "meta": {}, "written_at": NOON + dt.timedelta(minutes=1)})
        conn.commit()
        assert {"test_notes_add"} <= prepared_names(conn)
        rows = NOTES(conn, {"since": NOON, "word": "m", "skip": 0}).mappings().all()
        again = NOTES(conn, {"since": NOON, "word": "calm", "skip": -1}).mappings().all()
    assert [(r["id"], r["body"], r["meta"]) for r in rows] == [(first, "a calm morning", {"tags": ["calm"]})]
    assert [r["id"] for r in again] == [first]


def test_a_prepared_statement_outlives_a_rolled_back_transaction(engine):
    with engine.connect() as conn:
        ADD(conn, {"body": "never kept", "meta": {}, "written_at": NOON})
        conn.rollback()
        assert "test_notes_add" in prepared_names(conn)
        assert NOTES(conn, {"since": NOON, "word": "never", "skip": 0}).all() == []


def test_a_replaced_connection_prepares_again(engine):
    single = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
    try:
        with single.connect() as conn:
            NOTES(conn, {"since": NOON, "word": "calm", "skip": 0}).all()
            record = conn.connection._connection_record
            conn.invalidate()  # the database connection is gone; the pool's record opens a new one on next use
        with single.connect() as conn:
            assert conn.connection._connection_record is record  # the same pool slot, a new connection
            assert "test_notes_between" not in prepared_names(conn)
            assert len(NOTES(conn, {"since": NOON, "word": "calm", "skip": 0}).all()) == 1
    finally:
        single.dispose()


def test_failures_are_sqlalchemys_as_with_any_statement(engine):
    """Run on the driver's cursor, a prepared statement still fails as conn.execute would: a database error as
    SQLAlchemy's (a constraint: IntegrityError, the transaction then rolled back), a parameter the driver
    refuses as it is (text with a NUL character: ValueError)."""
    with engine.connect() as conn:
        with pytest.raises(sa.exc.IntegrityError):
            ADD(conn, {"body": None, "meta": {}, "written_at": NOON})
        conn.rollback()
        with pytest.raises(ValueError, match="NUL"):
            ADD(conn, {"body": "a\x00b", "meta": {}, "written_at": NOON})
        conn.rollback()
        assert ADD(conn, {"body": "fine", "meta": {}, "written_at": NOON}).scalar_one() > 0
        conn.rollback()


# What run_and_commit reads after its commit (a `%` is the SQL's own, not the driver's placeholder).
NOTE_AFTER = "SELECT n.id, n.body FROM notes n WHERE n.body LIKE '%' || :word || '%' AND n.written_at = :written_at"


def bodies(engine, written_at) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT body FROM notes WHERE written_at = :w ORDER BY id"),
                                 {"w": written_at}).scalars())


@pytest.fixture
def autocommit_engine(engine):
    auto = make_engine(engine.url.render_as_string(hide_password=False), autocommit=True)
    yield auto
    auto.dispose()


def test_run_and_commit_writes_commits_and_reads_in_one_round_trip(engine, autocommit_engine):
    at = NOON + dt.timedelta(days=1)
    with autocommit_engine.connect() as conn:
        begin_with_next_statement(conn)
        conn.exec_driver_sql("INSERT INTO notes (body, meta, written_at) VALUES ('earlier in it', '{}', %s)", (at,))
        sent = []
        send = PreparedStatement._send
        PreparedStatement._send = staticmethod(lambda *a: sent.append(a[1]) or send(*a))
        try:
            rows = ADD.run_and_commit(conn, {"body": "100% folded", "meta": {}, "written_at": at, "word": "100%"},
                                      NOTE_AFTER).all()
        finally:
            PreparedStatement._send = staticmethod(send)
        assert [body for _, body in rows] == ["100% folded"]  # the read's rows, after the write
        assert len(sent) == 1  # one message: the EXECUTE, COMMIT and the read
        # committed while this connection is still held: another sees the transaction's every write
        assert bodies(engine, at) == ["earlier in it", "100% folded"]
        assert conn.connection.dbapi_connection.info.transaction_status == 0  # idle: no transaction left open


def test_run_and_commit_that_fails_commits_nothing(engine, autocommit_engine):
    at = NOON + dt.timedelta(days=2)
    with autocommit_engine.connect() as conn:
        begin_with_next_statement(conn)
        conn.exec_driver_sql("INSERT INTO notes (body, meta, written_at) VALUES ('earlier in it', '{}', %s)", (at,))
        with pytest.raises(sa.exc.IntegrityError):  # the write fails: its COMMIT is never run
            ADD.run_and_commit(conn, {"body": None, "meta": {}, "written_at": at, "word": "x"}, NOTE_AFTER)
    assert bodies(engine, at) == []  # the pool's reset rolled the transaction back: nothing of it kept


def test_run_and_commit_on_an_engine_that_begins_transactions_itself(engine):
    at = NOON + dt.timedelta(days=3)
    with engine.connect() as conn:
        rows = ADD.run_and_commit(conn, {"body": "plainly", "meta": {}, "written_at": at, "word": "plain"},
                                  NOTE_AFTER).all()
        assert [body for _, body in rows] == ["plainly"]
        assert not conn.in_transaction()  # the driver's transaction committed
    assert bodies(engine, at) == ["plainly"]


LOCKED = PreparedStatement("test_notes_locked", """
    SELECT count(*) AS held FROM pg_locks
     WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = :key AND granted
""", before="SELECT pg_advisory_xact_lock(:key), '100% sure'")


@pytest.mark.parametrize("autocommit", [False, True], ids=["driver begins", "statement begins"])
def test_a_statement_before_runs_first_in_the_same_transaction_and_message(engine, autocommit):
    # room's posting context: a lock of the transaction taken ahead of the prepared read, in its round trip
    sent = []
    other = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1, autocommit=autocommit)
    send = PreparedStatement._send
    try:
        with other.connect() as conn:
            if autocommit:
                begin_with_next_statement(conn)
            PreparedStatement._send = staticmethod(lambda *a: sent.append(a[1]) or send(*a))
            try:
                rows = LOCKED(conn, {"key": 4242}).mappings().all()
            finally:
                PreparedStatement._send = staticmethod(send)
            assert rows == [{"held": 1}]  # only the prepared statement's rows; the lock is held in its transaction
            conn.rollback()
            assert LOCKED(conn, {"key": 4243}).scalar_one() == 1
    finally:
        other.dispose()
    assert len(sent) == 1 and sent[0].index("pg_advisory_xact_lock") < sent[0].index("EXECUTE test_notes_locked")
