"""Integration: a FailFast engine in front of the real PostgreSQL (through a TcpProxy) refuses at once while the
database is unreachable, and serves again by itself once it is back."""
from __future__ import annotations

import os
import time
from concurrent import futures

import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.db import (
    DatabaseReadiness,
    DatabaseUnreachable,
    FailFast,
    database_unavailable,
    db_ping,
    make_engine,
)

DEADLINE = 5.0  # what a caller of the gRPC servers typically allows a call


@pytest.fixture
def proxy():
    proxy = testing.TcpProxy.in_front_of(testing.ADMIN_DATABASE_URL)
    yield proxy
    proxy.close()


@pytest.fixture
def engine(proxy):
    engine = make_engine(proxy.url(testing.ADMIN_DATABASE_URL), pool_size=2, fail_fast=FailFast())
    yield engine
    engine.dispose()


def select_one(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT 1")).scalar()


def failure(engine) -> BaseException:
    try:
        select_one(engine)
    except Exception as exc:
        return exc
    raise AssertionError("the query ran while the database was cut")


@pytest.fixture
def slow_probing_engine(proxy):
    """An engine whose breaker probes only every 30 s: what it refuses does not depend on how fast this
    machine runs the test (a probe due meanwhile would connect for real)."""
    engine = make_engine(proxy.url(testing.ADMIN_DATABASE_URL), pool_size=2, fail_fast=FailFast(retry_interval=30))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
def test_while_cut_queries_fail_as_unavailable_and_at_once_after_the_first(proxy, slow_probing_engine, cut):
    engine = slow_probing_engine
    assert select_one(engine) == 1
    getattr(proxy, cut)()
    first = failure(engine)
    assert database_unavailable(first), repr(first)
    # A connection reset at once (refuse) lets the next attempt probe for real (the server may be back already):
    # from the probe's failure on, attempts are refused without a connect.
    probe = failure(engine)
    assert database_unavailable(probe), repr(probe)
    later = [failure(engine) for _ in range(5)]
    assert all(isinstance(exc.orig, DatabaseUnreachable) and database_unavailable(exc) for exc in later)
    assert not db_ping(engine)


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
def test_many_concurrent_queries_while_cut_all_fail_within_a_deadline(proxy, engine, cut):
    assert select_one(engine) == 1
    getattr(proxy, cut)()

    def timed():
        started = time.monotonic()
        exc = failure(engine)
        return exc, time.monotonic() - started

    with futures.ThreadPoolExecutor(16) as pool:  # eight times the pool's connections
        results = list(pool.map(lambda _: timed(), range(64)))
    assert all(database_unavailable(exc) for exc, _ in results), [repr(exc) for exc, _ in results]
    assert max(took for _, took in results) < DEADLINE


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
def test_it_serves_again_by_itself_soon_after_the_database_is_back(proxy, engine, cut):
    assert select_one(engine) == 1
    getattr(proxy, cut)()
    assert not db_ping(engine)
    proxy.restore()
    assert testing.eventually(lambda: db_ping(engine), timeout=DEADLINE, what="the engine to reconnect")
    assert select_one(engine) == 1


def test_a_restart_costs_no_failed_query_when_the_server_is_back_at_once(proxy, engine):
    """The connections of a restarted server are reset: the next checkout probes at once and succeeds."""
    assert select_one(engine) == 1
    time.sleep(1.1)  # idle long enough to be pinged on checkout
    proxy.refuse()
    proxy.restore()
    assert select_one(engine) == 1


def test_engines_made_with_the_same_fail_fast_share_its_breaker(proxy):
    fail_fast = FailFast(retry_interval=30)  # no probe falls due during the test, however slow the machine
    url = proxy.url(testing.ADMIN_DATABASE_URL)
    first, second = make_engine(url, fail_fast=fail_fast), make_engine(url, autocommit=True, fail_fast=fail_fast)
    try:
        assert select_one(first) == 1 and select_one(second) == 1
        proxy.refuse()
        failure(first), failure(first)  # the loss, then (for a reset connection) the probe: see the first test
        assert isinstance(failure(second).orig, DatabaseUnreachable)  # no connect of its own to wait for
    finally:
        first.dispose(), second.dispose()


def test_engines_without_fail_fast_are_unchanged(proxy):
    engine = make_engine(proxy.url(testing.ADMIN_DATABASE_URL))
    try:
        proxy.refuse()
        assert not any(isinstance(failure(engine).orig, DatabaseUnreachable) for _ in range(3))
    finally:
        engine.dispose()


def test_a_server_started_before_its_database_serves_once_the_database_comes(proxy):
    proxy.refuse()
    engine = make_engine(proxy.url(testing.ADMIN_DATABASE_URL), fail_fast=FailFast())
    try:
        assert not db_ping(engine)
        assert database_unavailable(failure(engine))
        proxy.restore()
        assert testing.eventually(lambda: db_ping(engine), timeout=DEADLINE, what="the engine to connect")
    finally:
        engine.dispose()


def test_readiness_waits_without_polling_until_the_database_closes_its_connections(proxy, engine):
    """DatabaseReadiness.wait(serving=True) returns when the connection it holds is closed under it (a stop or
    a restart), long before its interval; the next readiness() then says not ready, and ready once it is back."""
    readiness = DatabaseReadiness(engine, interval=60, retry_interval=0.2)
    try:
        assert readiness()
        waited = futures.ThreadPoolExecutor(1).submit(readiness.wait, True)
        time.sleep(0.2)
        assert not waited.done()  # nothing changed: it waits
        proxy.refuse()
        waited.result(timeout=DEADLINE)
        assert not readiness()
        proxy.restore()
        testing.eventually(readiness, timeout=DEADLINE, what="readiness once the database is back")
    finally:
        readiness.close()


def test_readiness_wakes_when_calls_open_the_breaker(proxy, engine):
    """A database gone silent (blackholed) does not close the held connection; the calls that time out open the
    breaker, which wakes the readiness's wait."""
    readiness = DatabaseReadiness(engine, interval=60, retry_interval=0.2)
    try:
        assert readiness()
        waited = futures.ThreadPoolExecutor(1).submit(readiness.wait, True)
        proxy.blackhole()
        assert database_unavailable(failure(engine))
        waited.result(timeout=DEADLINE)
        assert not readiness()
    finally:
        readiness.close()


def test_closing_readiness_ends_its_wait_and_leaves_no_descriptor_open(proxy, engine):
    """close() (a server's stop) ends a wait under way at once and for good, and closes what readiness held: its
    connection and its wake pipe (a server started and stopped many times in one process leaks no pipe)."""
    before = pipes()
    readiness = DatabaseReadiness(engine, interval=60, retry_interval=60)
    assert readiness()
    waited = futures.ThreadPoolExecutor(1).submit(readiness.wait, True)
    time.sleep(0.2)
    assert not waited.done()
    readiness.close()
    waited.result(timeout=DEADLINE)
    readiness.wait(True)  # closed: returns at once
    assert pipes() == before
    assert readiness._watched is None  # its connection closed


def pipes() -> int:
    """How many pipe ends this process holds open."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
        except OSError:
            pass
    return found
