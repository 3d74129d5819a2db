"""Cross-cutting: the transactional outbox (events written with the state change) and the relay that publishes them."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable

import kombu
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from hearth_common.db import OUTBOX_WRITTEN, ChannelListener, mark_outbox_written, wait_for_notification
from hearth_common.events import Event
from hearth_common.logging import current_request_id, request_id_var

log = logging.getLogger(__name__)

# The channel a transaction that wrote events notifies when it commits (the outbox's trigger, added by
# hearth_common.migrations.add_outbox_notify); each service has a database of its own, so one name serves all.
OUTBOX_CHANNEL = "hearth_outbox"
# A session that sets this to 'off' writes events without the trigger's NOTIFY (where the migration
# let_outbox_notify_be_quieted ran): QuietOutboxNotify notifies for it.
QUIET_SETTING = "hearth.outbox_notify"


class QuietOutboxNotify:
    """The outbox's wake-up for a busy process: its engine's connections set QUIET_SETTING off, so their
    transactions write events without the trigger's NOTIFY (every committing transaction that NOTIFYs holds
    PostgreSQL's cluster-wide notify lock until its commit is flushed: concurrent posts queued on it), and a
    thread of its own sends one NOTIFY on OUTBOX_CHANNEL, on a connection of its own, after connections that
    wrote outbox rows (db.mark_outbox_written) come back to the pool, at most one every `interval` seconds; reads
    given back wake nobody. The events are committed with their state as ever; a crash between a commit and its
    NOTIFY leaves them to the relay's safety look (OutboxRelay.run's idle interval)."""

    def __init__(self, engine: Engine, interval: float = 0.05, idle_close: float = 5.0):
        self.engine = engine
        self.interval = interval
        # After this long without a NOTIFY to send, the thread closes its connection and ends (the next write
        # starts another): an idle process holds no connection for it, and an engine dropped without a word (a
        # test's server, a rebuilt stack) leaves none open.
        self.idle_close = idle_close
        self._due = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        sa.event.listen(engine, "connect", self._quiet)
        sa.event.listen(engine, "checkin", self._checked_in)

    @staticmethod
    def _quiet(dbapi_connection, record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET {QUIET_SETTING} = 'off'")
        finally:
            cursor.close()
        if not dbapi_connection.autocommit:
            dbapi_connection.commit()

    def _checked_in(self, dbapi_connection, record) -> None:
        if not record.info.pop(OUTBOX_WRITTEN, False):
            return  # a read (a page, a door check, the live sweep): no event to wake the relay for
        self._due.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="outbox-notify", daemon=True)
                    self._thread.start()

    @property
    def sending(self) -> bool:
        """Whether its thread is running (and holds its connection): from the first write given back until
        `idle_close` seconds pass without one."""
        return self._thread is not None

    def _run(self) -> None:
        connection = None  # a connection of its own, out of the pool (whose size is the workers')
        while True:
            if not self._due.wait(self.idle_close):
                with self._lock:
                    if not self._due.is_set():  # a write given back meanwhile keeps this thread going
                        _close_quietly(connection)
                        self._thread = None
                        return
                continue
            time.sleep(self.interval)  # the commits meanwhile share this NOTIFY
            self._due.clear()  # a connection back after this gets a NOTIFY of its own
            try:
                if connection is None:
                    pooled = self.engine.raw_connection()
                    connection = pooled.driver_connection
                    pooled.detach()  # never handed back to the pool
                    connection.rollback()  # the pool's pre-ping may have opened a transaction
                    connection.autocommit = True
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_notify(%s, '')", (OUTBOX_CHANNEL,))
            except Exception:  # noqa: BLE001 - the relay's safety look finds the events
                log.warning("outbox NOTIFY failed; the relay's safety look will find the events", exc_info=True)
                _close_quietly(connection)
                connection = None
                time.sleep(1.0)  # a database down: one line a second, not one per call


def _close_quietly(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - already broken
            pass


def define_outbox_table(metadata: sa.MetaData) -> sa.Table:
    """The outbox: one row per event, published in `seq` order and marked when the broker confirmed it."""
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON().with_variant(postgresql.JSONB, "postgresql"), nullable=False),
        sa.Column("request_id", sa.String(64)),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Index("ix_outbox_unpublished", "seq", postgresql_where=sa.text("published_at IS NULL")),
    )


def outbox_row(event: Event, source: str) -> dict:
    """The outbox row for an event, stamped with the current request id."""
    request_id = event.request_id or current_request_id()
    payload = event.envelope(source)
    payload["request_id"] = request_id
    return {
        "event_id": event.id,
        "event_type": event.type,
        "payload": payload,
        "request_id": request_id,
        "occurred_at": event.occurred_at,
    }


def write_events(conn: Connection, table: sa.Table, source: str, events: Iterable[Event]) -> None:
    """Inserts events in the caller's transaction, stamping the current request id."""
    rows = [outbox_row(event, source) for event in events]
    if rows:
        conn.execute(sa.insert(table), rows)
        mark_outbox_written(conn)


def event_exchange(source: str) -> kombu.Exchange:
    """The exchange nameko's @event_handler(source, type) binds to; declared exactly as nameko declares it."""
    return kombu.Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=2)


class BrokerRefused(ConnectionError):
    """The broker nacked, or did not confirm in time, a message it was given (so it may not have it)."""


class _Confirms:
    """Publisher confirms for a channel in confirm mode: the delivery tags published and not yet confirmed.

    A batch is published whole and then confirmed with one wait (the broker acks many tags at once), rather
    than a round trip per message."""

    def __init__(self, channel):
        self.published = 0  # the broker numbers a confirm-mode channel's messages 1, 2, ...
        self.unconfirmed: set[int] = set()
        self.refused = False
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)

    def sent(self) -> None:
        self.published += 1
        self.unconfirmed.add(self.published)

    def _ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self.unconfirmed = {tag for tag in self.unconfirmed if tag > delivery_tag}
        else:
            self.unconfirmed.discard(delivery_tag)

    def _nack(self, delivery_tag: int, multiple: bool) -> None:
        self.refused = True
        self._ack(delivery_tag, multiple)

    def wait(self, connection: kombu.Connection, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.unconfirmed and not self.refused:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrokerRefused(f"the broker did not confirm {len(self.unconfirmed)} messages in {timeout} s")
            try:
                connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        if self.refused:
            raise BrokerRefused("the broker refused (nacked) a message")


class OutboxRelay:
    """Publishes committed outbox rows with publisher confirms, then marks them published.

    A row is marked only after the broker confirmed it, so a crash at any point republishes rather than
    loses (at least once). Several relays may run (one per worker replica): a transaction-scoped advisory
    lock lets one publish at a time, so events leave in `seq` order; the others take over when it stops.
    Each published envelope carries its `seq`: for two changes to the same row, a later commit has a
    higher seq, which lets a consumer with several workers drop a stale event.
    """

    def __init__(self, engine: Engine, table: sa.Table, source: str, amqp_uri: str, *, batch_size: int = 200,
                 confirm_timeout: float = 10.0):
        self.engine = engine
        self.table = table
        self.source = source
        self.amqp_uri = amqp_uri
        self.batch_size = batch_size
        self.exchange = event_exchange(source)
        # One advisory lock key per source, stable across processes.
        digest = hashlib.sha256(f"hearth-outbox:{source}".encode()).digest()
        self.lock_key = int.from_bytes(digest[:8], "big", signed=True)
        self.confirm_timeout = confirm_timeout
        self._connection: kombu.Connection | None = None
        self._producer: kombu.Producer | None = None
        self._confirms: _Confirms | None = None

    def _ensure_producer(self) -> kombu.Producer:
        if self._producer is None:
            self._connection = kombu.Connection(self.amqp_uri)
            self._connection.ensure_connection(max_retries=1)
            channel = self._connection.channel()
            channel.confirm_select()
            self._confirms = _Confirms(channel)
            self.exchange(channel).declare()
            self._producer = kombu.Producer(channel, exchange=self.exchange, serializer="json")
        return self._producer

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # closing a dead connection must not mask the original error
                log.debug("closing relay connection failed", exc_info=True)
        self._connection = None
        self._producer = None
        self._confirms = None

    def publish_pending(self) -> int:
        """Publishes one batch; returns how many events were published."""
        t = self.table
        with self.engine.begin() as conn:
            if not conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(self.lock_key))).scalar():
                return 0  # another relay is publishing this source's events
            rows = conn.execute(
                sa.select(t.c.seq, t.c.event_type, t.c.payload, t.c.request_id)
                .where(t.c.published_at.is_(None))
                .order_by(t.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            self._publish_confirmed(rows)
            conn.execute(
                sa.update(t)
                .where(t.c.seq.in_([r.seq for r in rows]))
                .values(published_at=dt.datetime.now(dt.timezone.utc))
            )
        for row in rows:
            token = request_id_var.set(row.request_id)
            try:
                log.info("event published", extra={"event_type": row.event_type, "event_id": row.payload["event_id"]})
            finally:
                request_id_var.reset(token)
        return len(rows)

    def _publish_confirmed(self, rows, routing_key: Callable[[str], str] | None = None) -> None:
        """Publishes outbox rows (seq, event_type, payload, request_id) in order and waits until the broker
        confirmed them all; BrokerRefused (or the connection's error) otherwise. Each goes with its event type
        as routing key, or with `routing_key(event_type)` if given (a replay to one consumer)."""
        try:
            producer = self._ensure_producer()
            for row in rows:
                headers = {"nameko.call_id_stack": [f"{self.source}.outbox.{row.payload['event_id']}"]}
                if row.request_id:
                    headers["nameko.request_id"] = row.request_id
                producer.publish(
                    {**row.payload, "seq": row.seq},
                    routing_key=row.event_type if routing_key is None else routing_key(row.event_type),
                    delivery_mode=2,
                    headers=headers,
                    message_id=str(row.payload["event_id"]),
                    retry=False,
                )
                self._confirms.sent()
            self._confirms.wait(self._connection, self.confirm_timeout)
        except Exception:
            self.close()
            raise

    def last_published_seq(self) -> int:
        """The highest seq published so far (0 when none was)."""
        t = self.table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.seq), 0))
                                .where(t.c.published_at.is_not(None))).scalar_one()

    def replay(self, from_seq: int = 1, event_types: Iterable[str] | None = None, *, through_seq: int | None = None,
               routing_key: Callable[[str], str] | None = None) -> int:
        """Publishes again, as first published (same event ids, seqs and routing keys), every event already
        published from `from_seq` on (up to `through_seq`, of `event_types` only, if given), in seq order;
        returns how many. `routing_key(event_type)`, if given, routes them instead (hearth_common.backfill: a
        replay to one consumer's queues).

        For a consumer whose queues did not exist when the events first went out (a service added to a
        running platform): every consumer claims events by id, so those that had them ignore them again,
        and one that keeps a seq per fact drops a replayed event older than what it holds. Rows not yet
        published are left to the relay. Nothing is marked: a replay cut short is simply run again."""
        t = self.table
        types = sorted(set(event_types)) if event_types is not None else None
        replayed, after = 0, from_seq - 1
        try:
            while True:
                stmt = (sa.select(t.c.seq, t.c.event_type, t.c.payload, t.c.request_id)
                        .where(t.c.seq > after, t.c.published_at.is_not(None))
                        .order_by(t.c.seq).limit(self.batch_size))
                if types is not None:
                    stmt = stmt.where(t.c.event_type.in_(types))
                if through_seq is not None:
                    stmt = stmt.where(t.c.seq <= through_seq)
                with self.engine.connect() as conn:
                    rows = conn.execute(stmt).all()
                if not rows:
                    return replayed
                self._publish_confirmed(rows, routing_key)
                replayed += len(rows)
                after = rows[-1].seq
        finally:
            self.close()

    def run(self, should_stop: Callable[[], bool], *, idle_interval: float = 30.0, sleep=time.sleep,
            listen: bool = True, stop_check: float = 1.0, wake_fd: int | None = None) -> None:
        """Publishes until should_stop() is true: at once when a transaction that wrote events commits (the
        outbox's trigger NOTIFYs OUTBOX_CHANNEL; a connection of the relay's own LISTENs), and every
        `idle_interval` seconds without a notification (a safety net: a database without the trigger, a
        notification lost with its connection). Nothing polls the database in between: at rest the relay waits
        on its listening socket, looking at should_stop() every `stop_check` seconds, or, given `wake_fd` (a pipe
        written to on stop, with a `sleep` that a stop ends), only when woken. Backs off while the broker
        or database is down, then listens again (LISTEN before reading, so a commit after the read still wakes
        it). Without `listen`, or on a database other than PostgreSQL, it looks every `idle_interval` seconds."""
        listener: ChannelListener | None = None
        first_retry = min(idle_interval, 1.0)
        backoff = first_retry
        while not should_stop():
            try:
                if listener is None and listen and self.engine.dialect.name == "postgresql":
                    listener = ChannelListener(self.engine, OUTBOX_CHANNEL)
                published = self.publish_pending()
                backoff = first_retry
                if published < self.batch_size:
                    wait_for_notification(listener, should_stop, idle_interval, sleep, stop_check, wake_fd)
            except Exception:
                log.warning("outbox relay failed; retrying", exc_info=True, extra={"retry_in_s": backoff})
                if listener is not None:
                    listener.close()
                    listener = None
                sleep(backoff)
                backoff = min(backoff * 2, 5.0)
        if listener is not None:
            listener.close()
        self.close()


class RelayThread(threading.Thread):
    """Runs a relay in a daemon thread (used where no nameko container hosts it)."""

    def __init__(self, relay: OutboxRelay, idle_interval: float = 30.0):
        super().__init__(name=f"outbox-relay-{relay.source}", daemon=True)
        self.relay = relay
        self.idle_interval = idle_interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        self.relay.run(self._stop_event.is_set, idle_interval=self.idle_interval, sleep=self._stop_event.wait)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        self.join(timeout)


def decode_body(body) -> dict:
    """Event bodies arrive as dicts from nameko and as bytes/str from raw kombu consumers."""
    if isinstance(body, (bytes, str)):
        return json.loads(body)
    return body
