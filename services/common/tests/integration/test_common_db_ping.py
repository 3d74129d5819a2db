"""Integration: db_ping (a worker's heartbeat asks every 10 s) costs the database one round trip at most: a
connection the pool's checkout has just pinged is not asked again, no transaction is begun or ended, and a
connection the server closed is replaced rather than reported down."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.db import db_ping, make_engine

IDLE_AFTER = 0.2  # seconds a pooled connection sits idle before its checkout pings it


@pytest.fixture
def engine():
    url = testing.create_database("hearth_common_db_ping")
    engine = make_engine(url, pool_size=1, ping_idle_after=IDLE_AFTER)
    yield engine
    engine.dispose()
    testing.drop_database(url)


@pytest.fixture
def counted(engine, monkeypatch):
    """What reaches the database: the pings (the checkout's and db_ping's own) and SQLAlchemy's statements."""
    seen = {"pings": 0, "statements": []}
    ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection):
        seen["pings"] += 1
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    sa.event.listen(engine, "before_cursor_execute", lambda *args: seen["statements"].append(args[2]))
    return seen


def test_an_idle_connection_is_pinged_once(engine, counted):
    assert db_ping(engine) and counted["pings"] == 0  # a new connection: connecting proved it
    assert db_ping(engine) and counted["pings"] == 1  # used moments ago: not pinged by the checkout, so by db_ping
    time.sleep(IDLE_AFTER * 2)
    assert db_ping(engine) and counted["pings"] == 2  # the checkout's ping, not a second one
    assert counted["statements"] == []  # no BEGIN, no ROLLBACK


def test_a_connection_the_server_closed_is_replaced(engine):
    with engine.connect() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    admin = sa.create_engine(testing.ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    testing.eventually(lambda: db_ping(engine), timeout=10, what="the ping on a fresh connection")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
