"""Cross-cutting: SQLAlchemy engines shared by every service, and which database failures pass by themselves."""
from __future__ import annotations

import dataclasses
import math
import os
import re
import select
import time
import weakref

import orjson
import psycopg2
import sqlalchemy as sa
from psycopg2.extras import Json
from sqlalchemy.engine import Connection, Engine

from hearth_common.breaker import CircuitBreaker

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# SQLSTATEs of failures that pass by themselves: the connection (class 08), the server shutting down or
# starting (57P01-57P03), too many connections (53300), and transactions it rolled back to keep others apart
# (40001 serialization failure, 40P01 deadlock).
PASSING_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300", "40001", "40P01")


def database_unavailable(exc: BaseException) -> bool:
    """Whether a database failure passes by itself, so that the same work may be run again (a gRPC call
    answers UNAVAILABLE, a nameko handler waits in place): the server unreachable, refusing connections or
    restarting, a connection lost, too many connections (the server's or the pool's), a serialization failure
    or deadlock. Not a statement the database refuses every time (a timeout, a full disk, a constraint, bad
    SQL). Takes SQLAlchemy's errors and psycopg2's own; anything else is not a database failure (False)."""
    if isinstance(exc, (sa.exc.TimeoutError, sa.exc.DisconnectionError)):  # the pool: none free in time, or dead
        return True
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:  # SQLAlchemy saw a disconnect
        return True
    if isinstance(exc, (sa.exc.InterfaceError, psycopg2.InterfaceError)):  # used a connection already closed
        return True
    if isinstance(exc, sa.exc.OperationalError):
        code = getattr(exc.orig, "pgcode", None)
    elif isinstance(exc, psycopg2.OperationalError):
        code = exc.pgcode
    else:
        return False
    return code is None or code.startswith(PASSING_SQLSTATES)  # no code: the connection failed, not a statement


def new_metadata() -> sa.MetaData:
    """Metadata with the naming convention every service's constraints and indexes follow."""
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


# A database host that vanishes without closing its sockets (a stopped container's network torn down) must
# fail calls and health checks within seconds, not after TCP's retransmission timeout of many minutes.
DEAD_PEER_LIMITS = {
    "connect_timeout": 5,  # FailFast.connect_args() lowers these for the gRPC servers
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # ms an unacknowledged request may wait for the server
}


class DatabaseUnreachable(psycopg2.OperationalError):
    """A connection refused at once because the database was found unreachable moments ago (the engine's
    circuit breaker is open). database_unavailable calls it passing: a gRPC call answers UNAVAILABLE."""


@dataclasses.dataclass(frozen=True)
class FailFast:
    """How an engine behaves while its database is unreachable, for processes whose callers wait on a deadline
    (the gRPC servers): connects and pool waits are short, and after a connect fails or a connection is lost a
    circuit breaker refuses connections at once (DatabaseUnreachable) while one probe every `retry_interval`
    seconds tries to connect; the first that succeeds closes it. Engines made with the same FailFast share
    its breaker (one database, one verdict)."""

    connect_timeout: float = 2.0  # seconds for a new connection (libpq counts whole seconds, at least 2)
    pool_timeout: float = 1.0  # seconds a checkout waits for a free connection of a full pool
    retry_interval: float = 0.5  # seconds between probes while the breaker is open
    breaker: CircuitBreaker = dataclasses.field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self):
        if self.breaker is None:
            object.__setattr__(self, "breaker", CircuitBreaker(self.retry_interval))

    @classmethod
    def from_settings(cls, settings) -> FailFast:
        """From a service's ServiceSettings (`database_connect_timeout_seconds` and its siblings)."""
        return cls(connect_timeout=settings.database_connect_timeout_seconds,
                   pool_timeout=settings.database_pool_timeout_seconds,
                   retry_interval=settings.database_retry_interval_seconds)

    def connect_args(self) -> dict:
        """DEAD_PEER_LIMITS brought down to the connect timeout: a server gone silent under an open connection
        fails it after `connect_timeout` seconds of unacknowledged data (tcp_user_timeout), or of silence
        while waiting for an answer (keepalives)."""
        seconds = max(2, math.ceil(self.connect_timeout))
        return {**DEAD_PEER_LIMITS, "connect_timeout": seconds, "keepalives_idle": seconds, "keepalives_interval": 1,
                "keepalives_count": 2, "tcp_user_timeout": seconds * 1000}


_FAIL_FAST: weakref.WeakKeyDictionary[Engine, FailFast] = weakref.WeakKeyDictionary()

# A lost connection that showed within this many seconds was reset (a restart), not silent (a vanished host).
QUICK_LOSS_SECONDS = 0.5


def fail_fast_of(engine: Engine | None) -> FailFast | None:
    """The FailFast an engine was made with (to make another engine on the same database share its breaker)."""
    return _FAIL_FAST.get(engine) if engine is not None else None


# Every PostgreSQL engine make_engine made in this process (weakly): a test session gives back the idle connections
# of the engines each test module made (testing.release_idle_connections), so leftovers never fill the server.
_MADE: weakref.WeakSet = weakref.WeakSet()


def made_engines() -> list[Engine]:
    """The PostgreSQL engines make_engine made in this process that are still alive."""
    return list(_MADE)


def make_engine(
    url: str, *, pool_size: int = 5, echo: bool = False, autocommit: bool = False, ping_idle_after: float = 1.0,
    fail_fast: FailFast | None = None,
) -> Engine:
    """An engine that survives a PostgreSQL restart and reports its application name.

    On PostgreSQL a connection leaving the pool is pinged only when it may be stale: it sat idle for more than
    `ping_idle_after` seconds, or the server has written to it unasked (a restarting server sends a FATAL and
    closes). A busy pool so skips a round trip per transaction; a connection that dies unnoticed in between
    fails one call (UNAVAILABLE, retryable) and SQLAlchemy then replaces the whole pool.

    The pool keeps `pool_size` connections and opens as many again for a burst, closing those when they come
    back: size it to the threads that use it (a server's workers), or bursts pay a backend start and the
    re-preparing of hot statements on the calls they slow down.

    `autocommit` engines run each statement as its own transaction (no BEGIN and COMMIT round trips), for use
    cases whose every write is one statement (CoreUnitOfWork(single_statements=True)).

    With `fail_fast` (the gRPC servers; see FailFast), calls fail at once while the database is unreachable
    instead of each waiting for its own connect timeout. Without it (the nameko workers, whose handlers wait
    in place and retry), connects wait up to DEAD_PEER_LIMITS' timeout and the pool the default 30 s.
    """
    kwargs: dict = {"echo": echo, "future": True}
    if not url.startswith("postgresql"):
        return sa.create_engine(url, pool_pre_ping=True, **kwargs)
    # json and jsonb values are parsed by orjson (a page of 50 messages, read as one json array: 0.20 -> 0.08 ms)
    kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800, connect_args=DEAD_PEER_LIMITS,
                  json_deserializer=orjson.loads)
    if fail_fast is not None:
        kwargs.update(pool_timeout=fail_fast.pool_timeout, connect_args=fail_fast.connect_args())
    if autocommit:
        kwargs.update(isolation_level="AUTOCOMMIT")
    engine = sa.create_engine(url, **kwargs)
    _MADE.add(engine)
    if autocommit:
        _let_transactions_begin_with_a_statement(engine)
        _AUTOCOMMITS.add(engine)
    breaker = fail_fast.breaker if fail_fast is not None else None
    _ping_when_maybe_stale(engine, ping_idle_after, breaker)
    if breaker is not None:
        _FAIL_FAST[engine] = fail_fast
        _guard_connects(engine, breaker)
    return engine


def make_server_engine(settings, pool_size: int, *, autocommit: bool = False) -> Engine:
    """A gRPC server's engine: `pool_size` connections (one per thread that uses it), failing fast while the
    database is unreachable (FailFast from the service's settings); `autocommit` as make_engine's."""
    return make_engine(settings.database_url, pool_size=pool_size, fail_fast=FailFast.from_settings(settings),
                       autocommit=autocommit)


_AUTOCOMMITS: weakref.WeakSet[Engine] = weakref.WeakSet()


def engine_autocommits(engine: Engine) -> bool:
    """Whether the engine was made with make_engine(autocommit=True) (on PostgreSQL): a unit of work on it
    sends its BEGIN with its first statement (CoreUnitOfWork's `engine_autocommits`)."""
    return engine in _AUTOCOMMITS


# --- transactions on an autocommit engine whose BEGIN goes with their first statement -----------------------

_BEGIN_PENDING = "hearth_begin_pending"


def begin_with_next_statement(connection: Connection) -> None:
    """Starts a transaction on a connection of an autocommit engine (make_engine(autocommit=True)) without a
    round trip of its own: the next statement sent on it is prefixed with BEGIN (sent in the same simple
    query). End it with end_transaction; until then the connection holds the transaction's locks."""
    connection.info[_BEGIN_PENDING] = True


def end_transaction(connection: Connection, command: str) -> None:
    """Sends COMMIT or ROLLBACK for a transaction begin_with_next_statement started: nothing when no statement
    ran (it never began) or the server reports none open; a lost connection has none to end (asked first: a
    connection invalidated in a transaction raises PendingRollbackError on any other use, `info` included, and
    that error would hide the lost connection's, which callers answer as UNAVAILABLE)."""
    if connection.invalidated or connection.closed or connection.info.pop(_BEGIN_PENDING, False):
        return
    if _in_transaction(connection.connection.dbapi_connection):
        connection.exec_driver_sql(command, execution_options={"no_parameters": True})


def _in_transaction(dbapi_connection) -> bool:
    """Whether the server said a transaction is open on this psycopg2 connection (libpq's last status: no
    round trip)."""
    status = getattr(getattr(dbapi_connection, "info", None), "transaction_status", None)
    return status is not None and status != psycopg2.extensions.TRANSACTION_STATUS_IDLE


def _let_transactions_begin_with_a_statement(engine: Engine) -> None:
    def prefix(conn, cursor, statement, parameters, context, executemany):
        if conn.info.pop(_BEGIN_PENDING, False):
            if executemany:  # a statement run once per row: its own BEGIN first
                cursor.execute("BEGIN")
            else:
                statement = "BEGIN;" + statement
        return statement, parameters

    def reset(dbapi_connection, record, reset_state=None):
        # The driver does not know of a transaction begun by a statement on an autocommit connection, so the
        # pool's reset (a driver rollback) would not end one: a connection never goes back to the pool with a
        # transaction (and its locks) left open, whatever failed in between.
        record.info.pop(_BEGIN_PENDING, None)
        if _in_transaction(dbapi_connection):
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("ROLLBACK")
            finally:
                cursor.close()

    sa.event.listen(engine, "before_cursor_execute", prefix, retval=True)
    sa.event.listen(engine, "reset", reset)


# Set on a pooled connection's info by its checkout when the checkout proved it alive (a ping, or a new
# connection): db_ping takes it rather than asking again.
_PROVEN = "hearth_proven"


def _ping_when_maybe_stale(engine: Engine, idle_after: float, breaker: CircuitBreaker | None) -> None:
    def fresh(dbapi_connection, record, *_):
        record.info["hearth_idle_since"] = time.monotonic()
        record.info.pop(_PROVEN, None)

    def connected(dbapi_connection, record):
        fresh(dbapi_connection, record)
        record.info["hearth_new"] = True

    def check(dbapi_connection, record, proxy):
        new = record.info.pop("hearth_new", False)
        if breaker is not None and breaker.is_open and not new:
            # Not trusted while the database is thought unreachable: the pool replaces it, and that connect is
            # refused at once, or is the breaker's probe. (One just connected is trusted: it is the proof.)
            raise sa.exc.DisconnectionError("database unreachable moments ago: connection replaced")
        if new:
            record.info[_PROVEN] = True
        idle_since = record.info.get("hearth_idle_since", float("-inf"))
        if time.monotonic() - idle_since <= idle_after and not _has_unread_data(dbapi_connection):
            return
        started = time.monotonic()
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception:
            alive = False
        if not alive:
            if breaker is not None:
                breaker.lost(quickly=time.monotonic() - started < QUICK_LOSS_SECONDS)
            raise sa.exc.DisconnectionError("connection failed its liveness ping")  # the pool retries afresh
        record.info[_PROVEN] = True

    sa.event.listen(engine, "connect", connected)
    sa.event.listen(engine, "checkin", fresh)
    sa.event.listen(engine, "checkout", check)


def _guard_connects(engine: Engine, breaker: CircuitBreaker) -> None:
    """Every new connection asks the breaker first and tells it how the attempt went; a connection lost in use
    opens it."""

    def connect(dialect, connection_record, cargs, cparams):
        if not breaker.allow_attempt():
            raise DatabaseUnreachable("database unreachable moments ago (circuit open); retry shortly")
        try:
            connection = dialect.connect(*cargs, **cparams)
        except BaseException:
            breaker.failed()
            raise
        breaker.succeeded()
        return connection

    def lost(context) -> None:
        if context.connection is not None and context.is_disconnect:  # connects are reported by `connect`
            breaker.lost(quickly=True)  # the call fails anyway: let the next attempt probe

    sa.event.listen(engine, "do_connect", connect)
    sa.event.listen(engine, "handle_error", lost)


def _has_unread_data(dbapi_connection) -> bool:
    """True when the server sent something an idle connection did not ask for (an error, a close)."""
    try:
        return bool(select.select([dbapi_connection.fileno()], [], [], 0)[0])
    except (OSError, ValueError, AttributeError):
        return True


class ChannelListener:
    """A database connection of its own (taken out of the engine's pool for good) that LISTENs on a channel,
    which a trigger NOTIFYs (hearth_common.migrations.add_insert_notify). It waits with select() on the
    connection's socket: in an eventlet worker (select patched, psycopg2 made green by psycogreen) only the
    waiting green thread waits, and in a plain thread only that thread."""

    def __init__(self, engine: Engine, channel: str):
        pooled = engine.raw_connection()
        self.connection = pooled.driver_connection
        pooled.detach()  # never handed back to the pool (which would reset it and drop the LISTEN)
        self._pooled = pooled
        try:
            self.connection.rollback()  # the pool's pre-ping may have opened a transaction
            self.connection.autocommit = True
            with self.connection.cursor() as cursor:
                cursor.execute(f"LISTEN {channel}")
        except Exception:
            self.close()
            raise

    def wait(self, timeout: float, wake_fd: int | None = None) -> bool:
        """Waits up to `timeout` seconds for a notification, or until `wake_fd` (a pipe's read end) turns
        readable; True if a notification (or more) came. Raises the driver's error when the connection is lost."""
        if not self.connection.notifies:
            fds = [self.connection] if wake_fd is None else [self.connection, wake_fd]
            readable, _, _ = select.select(fds, [], [], timeout)
            if self.connection not in readable:
                return False
            self.connection.poll()  # reads what arrived; raises if the server closed the connection
        notified = bool(self.connection.notifies)
        self.connection.notifies.clear()
        return notified

    def close(self) -> None:
        try:
            self._pooled.close()  # a detached fairy closes its connection; said outright below all the same
        except Exception:  # closing a dead connection must not mask the error that brought us here
            pass
        _close_quietly(self.connection)


def wait_for_notification(listener: ChannelListener | None, should_stop, seconds: float, sleep=time.sleep,
                          stop_check: float = 1.0, wake_fd: int | None = None) -> None:
    """Returns when `listener` is notified, after `seconds`, or when should_stop() is true: looked at every
    `stop_check` seconds, or, given `wake_fd` (a pipe's read end written to on stop; `sleep` then returns early
    on stop too), only when that wakes the wait. Without a listener, sleeps `seconds` with `sleep`."""
    deadline = time.monotonic() + seconds
    while not should_stop():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        step = remaining if wake_fd is not None else min(remaining, stop_check)
        if listener is None:
            sleep(step)
        elif listener.wait(step, wake_fd):
            return


def db_ping(engine: Engine) -> bool:
    """True when the database answers: one round trip at most (a worker's heartbeat asks every 10 s). A pooled
    connection the pool has just proven (make_engine's checkout pings one idle for a while, and a new one is
    proof enough) is not asked again; any other is sent SELECT 1 outside a transaction (no BEGIN, no ROLLBACK)."""
    try:
        pooled = engine.raw_connection()
    except Exception:
        return False
    try:
        if pooled.info.pop(_PROVEN, False):
            return True
        return bool(engine.dialect.do_ping(pooled.driver_connection))
    except Exception:
        pooled.invalidate()  # not handed to anyone else
        return False
    finally:
        pooled.close()


# How often a gRPC server's health asks its database while serving, and while not: between those checks it
# waits without waking (DatabaseReadiness).
READINESS_INTERVAL_SECONDS = 10.0
READINESS_RETRY_SECONDS = 1.0


class DatabaseReadiness:
    """A gRPC server's readiness: whether its database answers (db_ping), asked when something says it may have
    changed rather than every second. A thread of the server waits in `wait()` (blocked in select(), no CPU)
    until one of:

    - the connection it holds open for the purpose, idle, turns readable: PostgreSQL wrote to it unasked, which
      an idle session only does when the server closes it (a restart, a stop, a terminated backend), or the
      kernel's keepalives found the host gone (the engine's DEAD_PEER_LIMITS or FailFast limits);
    - the engine's circuit breaker (FailFast) opened or closed: calls found the database unreachable, or a
      call's probe found it back;
    - `interval` seconds passed while serving (a database that went silent under no call and no keepalive's
      notice: a paused server, a proxy that stopped forwarding), or `retry_interval` while not serving (is it
      back?).

    `readiness()` pings; `wait(serving)` blocks; `wake()` (any thread) ends a wait; `close()` ends it for good.
    """

    def __init__(self, engine: Engine, *, interval: float = READINESS_INTERVAL_SECONDS,
                 retry_interval: float = READINESS_RETRY_SECONDS):
        self.engine = engine
        self.interval = interval
        self.retry_interval = retry_interval
        self._closed = False
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._watched = None  # the driver connection held open (taken out of the pool), or None
        fail_fast = fail_fast_of(engine)
        self._breaker = fail_fast.breaker if fail_fast is not None else None
        if self._breaker is not None:
            self._breaker.on_change.append(self.wake)

    @classmethod
    def from_settings(cls, engine: Engine, settings) -> DatabaseReadiness:
        """With a service's `database_health_interval_seconds` (ServiceSettings)."""
        return cls(engine, interval=settings.database_health_interval_seconds)

    def __call__(self) -> bool:
        ready = db_ping(self.engine)
        if ready and self._watched is None and not self._closed:
            self._watch()
        elif not ready:
            self._unwatch()
        return ready

    def wait(self, serving: bool) -> None:
        """Blocks until something says readiness may have changed (see the class), or the interval is up; at once
        once closed."""
        if self._closed:
            return
        watched = self._watched
        fds = [self._wake_read] + ([watched.fileno()] if watched is not None else [])
        try:
            readable, _, _ = select.select(fds, [], [], self.interval if serving else self.retry_interval)
        except (OSError, ValueError):  # the watched connection closed under us
            readable = fds[1:]
        if self._wake_read in readable and not self._closed:
            try:
                while os.read(self._wake_read, 512):
                    pass
            except (BlockingIOError, OSError):
                pass
        if watched is not None and any(fd != self._wake_read for fd in readable):
            self._unwatch()  # written to unasked: closed, or closing; the next readiness() asks afresh

    def wake(self) -> None:
        if self._closed:  # its pipe is closed: the number may be another file's by now
            return
        try:
            os.write(self._wake_write, b"!")
        except (BlockingIOError, OSError):  # already woken (pipe full), or closed
            pass

    def close(self) -> None:
        """Ends a wait (now and for good), lets go of the held connection and closes the wake pipe."""
        if self._breaker is not None and self.wake in self._breaker.on_change:
            self._breaker.on_change.remove(self.wake)
        if self._closed:
            return
        self.wake()  # a wait under way returns (its select sees the pipe readable before the close below)
        self._closed = True
        self._unwatch()
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass

    def _watch(self) -> None:
        try:
            pooled = self.engine.raw_connection()
        except Exception:
            return
        connection = pooled.driver_connection
        pooled.detach()  # held for good, never handed back to the pool (the fairy lets go of it: closed here)
        try:
            connection.rollback()  # the pool's pre-ping may have opened a transaction
        except Exception:
            _close_quietly(connection)
            return
        self._watched = connection

    def _unwatch(self) -> None:
        watched, self._watched = self._watched, None
        if watched is not None:
            _close_quietly(watched)


def _close_quietly(dbapi_connection) -> None:
    try:
        dbapi_connection.close()
    except Exception:  # closing a dead connection must not mask what brought us here
        pass


# Set in a pooled connection's info when it wrote outbox rows (outbox.write_events, a PreparedStatement inserting into
# the outbox): outbox.QuietOutboxNotify wakes the relays for those connections only, not for every read given back.
OUTBOX_WRITTEN = "hearth_outbox_written"
_INSERTS_INTO_OUTBOX = re.compile(r"\bINSERT\s+INTO\s+outbox\b", re.IGNORECASE)


def mark_outbox_written(conn: Connection) -> None:
    """Records on the connection's pool entry that it wrote outbox rows (see outbox.QuietOutboxNotify)."""
    conn.connection.info[OUTBOX_WRITTEN] = True


class PreparedStatement:
    """A text statement PostgreSQL parses and plans once per connection (PREPARE, then EXECUTE) rather than
    on every call: for hot statements whose planning costs more than running them (a door check of seven
    subqueries plans in 0.16 ms and runs in 0.05 ms).

    `sql` names its parameters :like_this, as sa.text() does; PostgreSQL infers their types from where they
    are used (cast any whose use does not say). Values in `json_params` are sent as JSON. A statement is
    prepared on a connection the first time it runs there; a prepared statement outlives transactions and
    goes with its connection (SQLAlchemy clears a connection's `info` when it replaces the connection), so
    connections must be the server's own sessions (no transaction-pooling proxy in between). Name the
    columns a statement returns: PostgreSQL refuses to run a prepared `SELECT t.*` once a migration has
    added a column to t ("cached plan must not change result type").

    `before` is a plain statement sent ahead of it in the same message on every run (its :parameters from the
    same values; its rows are not returned), for one that must run first in the transaction and costs nothing
    to plan, such as taking a lock: PREPARE takes one statement.
    """

    _PARAMETER = re.compile(r"(?<![:\w]):(\w+)")

    def __init__(self, name: str, sql: str, json_params: tuple[str, ...] = (), *, before: str | None = None):
        self.name = name
        self.sql = sql  # as written, :parameters and all
        self.before = before
        self.params: list[str] = []

        def number(match: re.Match) -> str:
            if match.group(1) not in self.params:
                self.params.append(match.group(1))
            return f"${self.params.index(match.group(1)) + 1}"

        self.prepare_sql = f"PREPARE {name} AS {self._PARAMETER.sub(number, sql)}"
        arguments = f" ({', '.join(['%s'] * len(self.params))})" if self.params else ""
        self.execute_sql = f"EXECUTE {name}{arguments}"
        self.json_params = frozenset(json_params)
        self.writes_outbox = _INSERTS_INTO_OUTBOX.search(sql) is not None  # see mark_outbox_written

    def __call__(self, conn: Connection, values: dict) -> PreparedRows:
        """Runs the statement (preparing it on this connection first if need be) in the connection's transaction
        (begun as conn.execute would), on the driver's own cursor: SQLAlchemy's result machinery, which builds
        the columns' metadata again on every run of a textual statement, cost a third of the CPU of the hottest
        ones (measured: a history page's statement 0.32 ms of CPU through it, 0.21 ms on the cursor). A failure
        is SQLAlchemy's as ever: the same exception, the same handle_error hooks (a lost connection is
        invalidated, FailFast's breaker told). Cursor-execute events do not fire for the EXECUTE."""
        self._ready(conn)
        if self.writes_outbox:
            mark_outbox_written(conn)
        sql, arguments = self._with_before(values)
        if conn.info.pop(_BEGIN_PENDING, False):  # see begin_with_next_statement
            sql = "BEGIN;" + sql
        return self._send(conn, sql, arguments)

    def run_and_commit(self, conn: Connection, values: dict, then: str) -> PreparedRows:
        """Runs the statement, COMMITs the connection's transaction and runs `then` (a read; its :parameters
        from `values` too) after the commit, in one round trip: one simple-query message, answered with the
        last statement's rows (`then`'s: PostgreSQL answers such a message with its last result only). The
        transaction's locks are so released with the write, never held while the client reads the answer
        and decides to commit. A failure of the statement (or of the COMMIT) stops the message there: nothing
        is committed, and the transaction is left for the caller's ROLLBACK, as ever.

        One round trip on a connection of an engine made with make_engine(autocommit=True), whose driver
        leaves transactions to the statements (see begin_with_next_statement). On any other the driver
        began the transaction and must end it: the three run one after the other, then the driver commits."""
        self._ready(conn)
        if self.writes_outbox:
            mark_outbox_written(conn)
        statement_sql, arguments = self._with_before(values)
        then_sql, then_arguments = self._inline(then, values)
        if not conn.connection.dbapi_connection.autocommit:
            self._send(conn, statement_sql, arguments)
            rows = self._send(conn, then_sql, then_arguments)
            conn.commit()
            return rows
        sql = f"{statement_sql};COMMIT;{then_sql}"
        if conn.info.pop(_BEGIN_PENDING, False):
            sql = "BEGIN;" + sql
        return self._send(conn, sql, arguments + then_arguments)

    def _with_before(self, values: dict) -> tuple[str, tuple]:
        """The EXECUTE and its arguments, after `before` when there is one."""
        if self.before is None:
            return self.execute_sql, self._arguments(values)
        before_sql, before_arguments = self._inline(self.before, values)
        return f"{before_sql};{self.execute_sql}", before_arguments + self._arguments(values)

    @classmethod
    def _inline(cls, sql: str, values: dict) -> tuple[str, tuple]:
        """A plain statement's :parameters as the driver's placeholders, and their values in order."""
        names: list[str] = []

        def positional(match: re.Match) -> str:
            names.append(match.group(1))
            return "%s"

        return cls._PARAMETER.sub(positional, sql.replace("%", "%%")), tuple(values[n] for n in names)

    def _ready(self, conn: Connection) -> None:
        prepared = conn.connection.info.setdefault("hearth_prepared", set())
        if self.name not in prepared:
            conn.exec_driver_sql(self.prepare_sql, execution_options={"no_parameters": True})
            prepared.add(self.name)
        if not conn.in_transaction():
            conn.begin()  # SQLAlchemy's autobegin, so that the connection's commit and rollback end this work

    def _arguments(self, values: dict) -> tuple:
        return tuple(Json(values[p]) if p in self.json_params else values[p] for p in self.params)

    @staticmethod
    def _send(conn: Connection, sql: str, arguments: tuple) -> PreparedRows:
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, arguments)
            description = cursor.description
            return PreparedRows([column[0] for column in description] if description else [],
                                cursor.fetchall() if description else [], cursor.rowcount)
        except psycopg2.Error as exc:  # anything else (a NUL in a text parameter: ValueError) passes as it is
            conn._handle_dbapi_exception(exc, sql, arguments, cursor, None)  # raises SQLAlchemy's error for it
            raise  # not reached
        finally:
            cursor.close()


class PreparedRows:
    """What a PreparedStatement returned, read whole: rows as tuples (`all`, `first`, the `scalar` family, as a
    SQLAlchemy result offers them) or as dicts by column name (`mappings()`), and the `rowcount`."""

    __slots__ = ("names", "rows", "rowcount")

    def __init__(self, names: list[str], rows: list[tuple], rowcount: int):
        self.names, self.rows, self.rowcount = names, rows, rowcount

    def all(self) -> list[tuple]:
        return list(self.rows)

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def one(self) -> tuple:
        if len(self.rows) != 1:
            raise (sa.exc.NoResultFound if not self.rows else sa.exc.MultipleResultsFound)(
                f"{len(self.rows)} rows where exactly one was required")
        return self.rows[0]

    def scalar(self):
        return self.rows[0][0] if self.rows else None

    def scalar_one(self):
        return self.one()[0]

    def scalar_one_or_none(self):
        if len(self.rows) > 1:
            raise sa.exc.MultipleResultsFound(f"{len(self.rows)} rows where at most one was required")
        return self.scalar()

    def mappings(self) -> _MappedRows:
        return _MappedRows(self)


class _MappedRows:
    __slots__ = ("result",)

    def __init__(self, result: PreparedRows):
        self.result = result

    def _row(self, row: tuple) -> dict:
        return dict(zip(self.result.names, row))

    def all(self) -> list[dict]:
        return [self._row(row) for row in self.result.rows]

    def first(self) -> dict | None:
        return self._row(self.result.rows[0]) if self.result.rows else None

    def one(self) -> dict:
        return self._row(self.result.one())
