"""Adapters: the live fan-out of room timelines across room-grpc replicas through RabbitMQ.

Every replica hands the timeline items it committed to its own streams at once, on their event loop, and
publishes them to the `room.live` topic exchange (routing key: the room's slug) for the other replicas. Each
consumes on its own exclusive queue, bound to a room only while one of its own streams follows that room,
drops its own echo (a message carries its replica's `origin` header) and hands each other item to those
streams. Items cross from a thread to the loop in batches: one wake-up carries whatever queued meanwhile.
A room's items reach its streams here in seq order: one that comes ahead of a missing seq (another replica's
item still on the broker, or a post of this replica's whose hand-off another thread has not made yet) is held,
for the room's streams here all at once, until the missing item arrives or for at most the gap wait
(`ROOM_LIVE_GAP_WAIT_MS`); then the missing items are read from the timeline, once for all those streams
(`_RoomOrder`). The broker is the fast path only: the timeline table is the truth. A subscription that still
sees a seq jump reads the missing items from the database itself, and a sweep compares each subscribed room's
head seq with what was delivered, so an item whose notification was lost (a crash between commit and publish,
a broker outage) arrives within a sweep interval instead of never.

Private notices travel the same exchange to their person alone: room-worker, having stored one, publishes it with
the routing key `notice.<person_id>` (room slugs have no dots, so no room's key is one), and each replica binds
that key while one of its streams belongs to that person, in whatever room. The notices table is the truth
again: the sweep reads the notices of the people with streams here received within NOTICE_SWEEP_WINDOW, and a
stream is handed each notice once (`Subscription.offer_notice`). A person's changed mute and block list travels
the same key to their streams (`LiveHub.publish_filters`), which skip the messages of the people it hides, and
so does a change of their access (`LiveHub.publish_access`). Those are no table's rows a sweep could compare:
a replica re-reads what they would have told whenever it binds a person's key, which after a lost connection
is every key again (`LiveHub.resync_people`), and the lists every touch_interval besides.
"""
from __future__ import annotations

import asyncio
import collections
import datetime as dt
import errno
import json
import logging
import os
import queue
import select
import socket
import threading
import time
import uuid
from collections.abc import Callable

import amqp
import kombu
import orjson

log = logging.getLogger(__name__)

EXCHANGE = kombu.Exchange("room.live", type="topic", durable=True, delivery_mode=1)
NOTICE_KEY_PREFIX = "notice."
# How far back the sweep looks for notices a stream may have missed (a lost notification older than this is
# in the person's list, not on their stream); and the slack for clocks between room-worker and room-grpc.
NOTICE_SWEEP_WINDOW = dt.timedelta(minutes=10)
CLOCK_SLACK = dt.timedelta(seconds=5)
# The live consumer's AMQP heartbeat: at rest its thread wakes only to keep it (every half of it) and for the
# broker's own heartbeats; a broker gone silent is noticed within two of it (the sweep repairs streams meanwhile).
CONSUMER_HEARTBEAT_SECONDS = 30
# How long a replica holds a room's items that came ahead of a missing seq before it reads the missing ones from the
# timeline (ROOM_LIVE_GAP_WAIT_MS; 0: no wait, each stream reads at once); and the largest gap worth waiting for
# (a larger one is no item in flight but items missed: the streams read them at once).
GAP_WAIT_SECONDS = 0.025
GAP_WAIT_MAX_ITEMS = 8
# Timeline reads this process made to fill gaps in its rooms' live items, for all of a room's streams here at once
# (the streams' own reads are Presence's, in presence.CATCH_UP_READS); written on the event loop only.
GAP_FILL_READS = collections.Counter()


def notice_key(person_id: str) -> str:
    """The live exchange's routing key of a person's notices."""
    return NOTICE_KEY_PREFIX + person_id


def _encode(items: list[dict]) -> bytes:
    return orjson.dumps([
        item | {"occurred_at": item["occurred_at"].isoformat()} if isinstance(item["occurred_at"], dt.datetime)
        else item
        for item in items
    ], option=orjson.OPT_NON_STR_KEYS)


class Subscription:
    """One live stream's mailbox on the server's event loop: broker items and head seqs, in arrival order."""

    def __init__(self, slug: str, person_id: str, loop: asyncio.AbstractEventLoop):
        self.slug = slug
        self.person_id = person_id
        self.loop = loop
        self.mailbox: asyncio.Queue = asyncio.Queue()
        self.delivered = 0  # the last seq handed to the client; written on the loop only
        self.opened_at = dt.datetime.now(dt.timezone.utc)
        self.notices_offered: set[str] = set()  # ids of the notices handed to this stream; on the loop only
        # Staff across the teen/adult wall: when their grant for the room ends (set by Presence.follow as the
        # stream opens); the stream delivers nothing from then on and ends. None: no such end.
        self.access_ends: dt.datetime | None = None
        # The people whose messages this stream's person hides (personal mute and block): read when the stream
        # opens (Presence.follow), replaced on the loop when they change it (LiveHub.publish_filters).
        self.hidden: frozenset[str] = frozenset()
        self.hidden_changes = 0

    def offer(self, item: dict) -> None:
        """On the loop."""
        if item["seq"] > self.delivered:
            self.mailbox.put_nowait(item)

    def offer_head(self, seq: int) -> None:
        """On the loop."""
        if seq > self.delivered:
            self.mailbox.put_nowait({"head": seq})

    def recheck_access(self, _=None) -> None:
        """On the loop: the person's access to this room changed (a grant revoked): the stream asks the door
        again before it delivers anything more (Presence.follow)."""
        self.mailbox.put_nowait({"access": self.slug})

    def set_hidden(self, hidden: list[str]) -> None:
        """On the loop: the person's mute and block list changed."""
        self.hidden = frozenset(hidden)
        self.hidden_changes += 1

    def refresh_hidden(self, read: tuple[list[str], int]) -> None:
        """On the loop: the person's list as the hub re-read it (LiveHub.resync_people), with how many changes this
        stream had been told of before the read began: a change told since is as new as the read or newer, so
        the read is dropped then."""
        hidden, changes_before = read
        if self.hidden_changes == changes_before:
            self.set_hidden(hidden)

    def offer_notice(self, notice: dict) -> None:
        """On the loop: one of this stream's person's notices (live_notice), each handed over once."""
        if notice["person_id"] == self.person_id and notice["notice_id"] not in self.notices_offered:
            self.notices_offered.add(notice["notice_id"])
            self.mailbox.put_nowait({"notice": notice})


class LiveHub:
    """A room-grpc process's link to the live exchange, plus the sweep that repairs lost notifications and
    refreshes presence for everyone with an open stream."""

    def __init__(
        self,
        amqp_uri: str,
        heads: Callable[[list[str]], dict[str, int]],
        touch: Callable[[list[tuple[str, str]]], int],
        notices: Callable[[list[str], dt.datetime], list[dict]] | None = None,
        *,
        hidden: Callable[[list[str]], dict[str, frozenset[str]]] | None = None,
        timeline: Callable[[str, int, int], list[dict]] | None = None,
        sweep_interval: float = 1.0,
        touch_interval: float = 15.0,
        gap_wait: float = GAP_WAIT_SECONDS,
    ):
        self.amqp_uri = amqp_uri
        self.heads = heads
        self.touch = touch
        self.notices = notices  # the notices of these people received since then (Notices.received_since)
        self.hidden = hidden  # these people's mute and block lists (PersonalFilters.hidden_of)
        # A room's items after one seq up to another (Presence.timeline_after): the missing items of a gap that
        # the gap wait did not close. None: the streams read them themselves.
        self.timeline = timeline
        self.gap_wait = gap_wait
        self.sweep_interval = sweep_interval
        self.touch_interval = touch_interval
        self.origin = uuid.uuid4().hex[:12]  # this replica's mark on what it publishes: its echo is dropped
        self.queue_name = f"room.live.{socket.gethostname()}.{self.origin}"
        self._subscriptions: dict[str, set[Subscription]] = collections.defaultdict(set)
        self._people: dict[str, set[Subscription]] = collections.defaultdict(set)  # the same, by person
        self._lock = threading.Lock()
        self._publish_lock = threading.Lock()
        self._producer_conn: kombu.Connection | None = None
        self._producer: amqp.Channel | None = None  # py-amqp's own: a quarter of kombu.Producer's cost a message
        self._previous_heads: dict[str, int] = {}
        self._binding_changes: queue.SimpleQueue = queue.SimpleQueue()  # slugs to re-check, from any thread
        # Written to when a binding change is queued, or on stop: the consumer thread waits on it and on its
        # broker socket, so it wakes for work rather than every so often to look for some.
        self._consumer_wake_read, self._consumer_wake_write = os.pipe()
        os.set_blocking(self._consumer_wake_read, False)
        os.set_blocking(self._consumer_wake_write, False)
        self._outgoing: queue.SimpleQueue = queue.SimpleQueue()  # committed items for the publisher thread
        self._stop = threading.Event()
        self._streams_open = threading.Event()  # wakes an idle sweep (no stream here) when one opens, or on stop
        self._threads: list[threading.Thread] = []
        self._inboxes: dict[asyncio.AbstractEventLoop, _LoopInbox] = {}
        self._orders: dict[tuple[asyncio.AbstractEventLoop, str], _RoomOrder] = {}  # on each loop for its own
        self._headers = {"origin": self.origin}
        self.consuming = threading.Event()  # set while consuming, once the streams here were resynced on it

    # --- subscriptions ------------------------------------------------------------------------

    def subscribe(self, slug: str, person_id: str) -> Subscription:
        """Called on the server's event loop; items reach the subscription there. The replica's queue is
        bound to a room only while someone here follows it, so a replica receives only the rooms it serves."""
        sub = Subscription(slug, person_id, asyncio.get_running_loop())
        with self._lock:
            first = slug not in self._subscriptions
            self._subscriptions[slug].add(sub)
            first_of_person = person_id not in self._people
            self._people[person_id].add(sub)
        if first:
            self._binding_changes.put(slug)
        if first_of_person:
            self._binding_changes.put(notice_key(person_id))
        if first or first_of_person:
            self._wake_consumer()
        self._streams_open.set()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        changed = room_left_loop = False
        with self._lock:
            subs = self._subscriptions.get(sub.slug)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscriptions[sub.slug]
                    self._binding_changes.put(sub.slug)
                    changed = True
                room_left_loop = not any(other.loop is sub.loop for other in subs)
            subs = self._people.get(sub.person_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._people[sub.person_id]
                    self._binding_changes.put(notice_key(sub.person_id))
                    changed = True
        if room_left_loop:  # what was held for the room's streams on that loop goes (_forget_room)
            self._hand_over({sub.loop: [(self._forget_room, sub.slug)]})
        if changed:
            self._wake_consumer()

    def _wake_consumer(self) -> None:
        try:
            os.write(self._consumer_wake_write, b"!")
        except OSError:  # woken already (the pipe is full), or closed
            pass

    def _snapshot(self) -> dict[str, list[Subscription]]:
        with self._lock:
            return {slug: list(subs) for slug, subs in self._subscriptions.items()}

    def _followed_keys(self) -> set[str]:
        """The routing keys this replica's streams follow: their rooms' slugs and their people's notice keys."""
        with self._lock:
            return set(self._subscriptions) | {notice_key(person_id) for person_id in self._people}

    def _deliver(self, items: list[dict]) -> None:
        """From any thread: hands items to their rooms' subscriptions (a notice, `{"notice": ...}`, to its
        person's), at most one loop wake-up per loop."""
        by_loop: dict[asyncio.AbstractEventLoop, list] = collections.defaultdict(list)
        with self._lock:
            for item in items:
                if "notice" in item:
                    for sub in self._people.get(item["notice"]["person_id"], ()):
                        by_loop[sub.loop].append((sub.offer_notice, item["notice"]))
                elif "filters" in item:  # a person's mute and block list, for their streams
                    for sub in self._people.get(item["filters"]["person_id"], ()):
                        by_loop[sub.loop].append((sub.set_hidden, item["filters"]["hidden"]))
                elif "access" in item:  # a person's access to a room changed (a cross-cohort grant revoked)
                    for sub in self._people.get(item["access"]["person_id"], ()):
                        if sub.slug == item["access"]["room_slug"]:
                            by_loop[sub.loop].append((sub.recheck_access, None))
                else:  # put in seq order on each loop for its streams of the room (_room_item)
                    for loop in {sub.loop for sub in self._subscriptions.get(item["room_slug"], ())}:
                        by_loop[loop].append((self._room_item, item))
        self._hand_over(by_loop)

    # --- a room's items in seq order, on each loop for its streams -------------------------------

    def _room_subs(self, loop: asyncio.AbstractEventLoop, slug: str) -> list[Subscription]:
        with self._lock:
            return [sub for sub in self._subscriptions.get(slug, ()) if sub.loop is loop]

    def _room_item(self, item: dict) -> None:
        """On the loop: a room's item for its streams here, handed over at once if it is the next seq (or one
        handed over already: a stream takes what it lacks), else held for the gap wait (_RoomOrder)."""
        loop, slug = asyncio.get_running_loop(), item["room_slug"]
        subs = self._room_subs(loop, slug)
        if not subs:
            self._forget_room(slug)
            return
        order = self._orders.get((loop, slug))
        if order is None:
            order = self._orders[(loop, slug)] = _RoomOrder()
        seq, known = item["seq"], order.known(subs)
        if self.gap_wait <= 0 or not known or seq <= known + 1:  # (no seq known yet: nothing to wait for)
            _offer(subs, [item])
            order.high = max(order.high, seq)
            self._release(order, subs)
            return
        order.held.setdefault(seq, item)
        if seq - known - 1 > GAP_WAIT_MAX_ITEMS:  # items missed, not in flight: the streams read them now
            self._flush(order, subs)
        elif order.timer is None and not order.reading:
            order.timer = loop.call_later(self.gap_wait, self._gap_waited, loop, slug, order)

    def _release(self, order: _RoomOrder, subs: list[Subscription]) -> None:
        """Hands over the held items that follow on from what was handed over; waits again for the rest."""
        if not order.held:
            return
        known = order.known(subs)
        ready = []
        for seq in sorted(order.held):
            if seq > known + 1:
                break
            ready.append(order.held.pop(seq))
            known = max(known, seq)
        _offer(subs, ready)
        order.high = max(order.high, known)
        if not order.held:
            order.cancel_timer()

    def _flush(self, order: _RoomOrder, subs: list[Subscription]) -> None:
        """Hands over every held item in seq order, gap or not: a stream that sees the gap reads it itself."""
        order.cancel_timer()
        held, order.held = order.held, {}
        _offer(subs, [held[seq] for seq in sorted(held)])
        order.high = max(order.high, *held) if held else order.high

    def _gap_waited(self, loop, slug: str, order: _RoomOrder) -> None:
        """On the loop, the gap wait over and the gap still open: the missing items are read from the timeline once
        for all the room's streams here (in a thread: the loop never waits on the database)."""
        order.timer = None
        subs = self._room_subs(loop, slug)
        if self._orders.get((loop, slug)) is not order or not subs:
            self._forget_room(slug)
            return
        if not order.held:
            return
        if self.timeline is None:
            self._flush(order, subs)
            return
        after, upto = order.known(subs), max(order.held)
        order.reading = True
        GAP_FILL_READS[slug] += 1
        read = loop.run_in_executor(None, self.timeline, slug, after, upto)
        read.add_done_callback(lambda done: self._gap_read(loop, slug, order, done, upto))

    def _gap_read(self, loop, slug: str, order: _RoomOrder, done: asyncio.Future, upto: int) -> None:
        order.reading = False
        subs = self._room_subs(loop, slug)
        if self._orders.get((loop, slug)) is not order or not subs:
            return
        try:
            for item in done.result():
                if item["seq"] > order.high:
                    order.held.setdefault(item["seq"], item)
        except Exception:  # the database is away: each stream reads the gap itself when it can
            log.warning("live gap fill failed; the streams will read the timeline themselves", exc_info=True)
        self._release(order, subs)
        if any(seq <= upto for seq in order.held):  # the read did not close the gap: the streams read it
            self._flush(order, subs)
        elif order.held and order.timer is None:  # items that came during the read, ahead of another gap
            order.timer = loop.call_later(self.gap_wait, self._gap_waited, loop, slug, order)

    def _forget_room(self, slug: str) -> None:
        """On the loop: no stream of the room is left here: what was held for them goes with them."""
        loop = asyncio.get_running_loop()
        if self._room_subs(loop, slug):
            return
        order = self._orders.pop((loop, slug), None)
        if order is not None:
            order.cancel_timer()

    def _hand_over(self, by_loop: dict[asyncio.AbstractEventLoop, list]) -> None:
        """Runs each loop's calls on it, in order; calls queued while a loop has not yet run the previous batch
        go with that batch (no wake-up of their own)."""
        for loop, calls in by_loop.items():
            inbox = self._inboxes.get(loop)
            if inbox is None:
                with self._lock:
                    inbox = self._inboxes.setdefault(loop, _LoopInbox(loop))
            inbox.put(calls)

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, items: list[dict]) -> None:
        """Called once the items are committed: this replica's streams get them at once, the other replicas
        through the broker (from the publisher thread, so a call's answer never waits for it)."""
        try:
            self._deliver(items)
        except Exception:  # the call committed: its answer stands, and the sweep repairs the stream
            log.exception("local live delivery failed; this replica's streams will catch up from the timeline")
        self._outgoing.put(items)

    def _publish_queued(self) -> None:
        """Blocks until items are queued (no timeout: asleep at rest); stop() queues None, which ends it once
        what was queued before it has gone."""
        stopping = False
        while not stopping:
            batch = self._outgoing.get()
            items = [] if batch is None else list(batch)
            stopping = batch is None
            while not self._outgoing.empty():  # what queued meanwhile goes out with it: a message per room
                more = self._outgoing.get_nowait()
                if more is None:
                    stopping = True
                else:
                    items += more
            if items:
                self._send(items)

    def _send(self, items: list[dict]) -> None:
        """Announces committed items to the other replicas (best effort: a failure is repaired by their sweep;
        this replica's streams have them already)."""
        by_room: dict[str, list[dict]] = collections.defaultdict(list)
        for item in items:
            by_room[item["room_slug"]].append(item)
        try:
            with self._publish_lock:
                channel = self._ensure_producer()
                for slug, room_items in by_room.items():
                    channel.basic_publish(self._message(_encode(room_items)), exchange=EXCHANGE.name,
                                          routing_key=slug)
        except Exception:
            log.warning("live publish failed; other replicas' subscribers will catch up from the timeline",
                        exc_info=True)
            self._close_producer()

    def publish_filters(self, person_id: str, hidden: frozenset[str]) -> None:
        """Tells that person's open streams whom they now hide (after the change committed): this replica's at
        once, the others' through the broker on the person's notice key, which a replica binds while it holds
        one of their streams (sent before the call answers, so ahead of anything the person's next calls
        publish). Best effort: a replica re-reads the list when it binds the key (a change made before it
        did, or while its consumer had lost the broker: resync_people), and every touch_interval."""
        self._tell_person(person_id, {"filters": {"person_id": person_id, "hidden": sorted(hidden)}},
                          "live filter publish failed; other replicas' streams keep the old list")

    def publish_access(self, person_id: str, slug: str) -> None:
        """Tells that person's open streams of the room that their access to it changed (a cross-cohort grant
        revoked, after it committed), as publish_filters does: this replica's at once, the others' through
        the broker on the person's notice key. Each asks the door again: it ends when refused, and otherwise
        keeps the end of access it is told then. Best effort: a replica whose consumer lost the broker asks
        the door again for each stream with an end of access when it is back (resync_people); a message lost
        otherwise leaves a stream on the end it was given when it opened, until room-worker's sweep
        (evict_lapsed) takes the person out once their access has ended, and that member_left ends it (a
        revocation that takes the person out at once ends it by its member_left anyway)."""
        self._tell_person(person_id, {"access": {"person_id": person_id, "room_slug": slug}},
                          "live access publish failed; other replicas' streams keep their end of access")

    def _tell_person(self, person_id: str, item: dict, failed: str) -> None:
        """Hands `item` to this replica's streams of the person at once and publishes it on the person's notice
        key for the other replicas (best effort: `failed` is logged when the broker refuses it)."""
        self._deliver([item])
        try:
            with self._publish_lock:
                self._ensure_producer().basic_publish(self._message(json.dumps([item]).encode()),
                                                      exchange=EXCHANGE.name, routing_key=notice_key(person_id))
        except Exception:
            log.warning(failed, exc_info=True)
            self._close_producer()

    def _message(self, body: bytes) -> amqp.Message:
        """A live message of this replica (its origin in the headers): JSON, not persisted (live items are
        best effort; the timeline is the record)."""
        return amqp.Message(body, content_type="application/json", content_encoding="utf-8", delivery_mode=1,
                            application_headers=self._headers)

    def _ensure_producer(self) -> amqp.Channel:
        if self._producer is None:
            self._producer_conn = kombu.Connection(self.amqp_uri, connect_timeout=2)
            self._producer_conn.ensure_connection(max_retries=1)
            channel = self._producer_conn.channel()
            EXCHANGE(channel).declare()
            self._producer = channel
        return self._producer

    def _close_producer(self) -> None:
        with self._publish_lock:
            if self._producer_conn is not None:
                try:
                    self._producer_conn.release()
                except Exception:
                    log.debug("closing live producer failed", exc_info=True)
            self._producer_conn = self._producer = None

    # --- background threads -------------------------------------------------------------------

    def start(self) -> LiveHub:
        for target, name in ((self._consume, "live-consumer"), (self._sweep, "live-sweep"),
                             (self._publish_queued, "live-publisher")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._streams_open.set()
        self._outgoing.put(None)
        self._wake_consumer()
        for thread in self._threads:
            thread.join(5)
        self._close_producer()

    def _consume(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                with kombu.Connection(self.amqp_uri, connect_timeout=2, heartbeat=CONSUMER_HEARTBEAT_SECONDS) as conn:
                    conn.ensure_connection(max_retries=1)
                    channel = conn.channel()
                    exchange = EXCHANGE(channel)
                    exchange.declare()
                    channel.queue_declare(queue=self.queue_name, exclusive=True, auto_delete=True, durable=False)
                    bound: set[str] = set()
                    # py-amqp's consumer, not kombu.Consumer: its messages reach _on_raw_message as they are
                    # (kombu's wrapping cost as much as the rest of the hand-over).
                    channel.basic_consume(queue=self.queue_name, no_ack=True, callback=self._on_raw_message)
                    backoff = 0.2
                    # Every key followed here, bound on this connection's queue: after a lost connection what
                    # its notices would have told the streams is read afresh (resync_people).
                    self._rebind(channel, bound, self._followed_keys())
                    self.consuming.set()
                    sock = conn.connection.sock
                    transport = _read_what_arrived(conn.connection.transport)
                    wake = self._consumer_wake_read
                    while not self._stop.is_set():
                        # Waits on the broker's socket and the wake pipe: nothing wakes it at rest but the
                        # heartbeats; frames already read (a wait for a binding's reply may read deliveries
                        # behind it) are handled first.
                        if _holds_frame(transport._read_buffer):
                            readable = [sock]
                        else:
                            readable, _, _ = select.select([sock, wake], [], [], CONSUMER_HEARTBEAT_SECONDS / 2)
                        if sock in readable:
                            try:
                                conn.drain_events(timeout=0.05)
                                while _holds_frame(transport._read_buffer):  # what the same read brought
                                    conn.drain_events(timeout=0.05)
                            except TimeoutError:  # a frame's rest still on its way: the socket says when
                                pass
                        if wake in readable:
                            try:
                                while os.read(wake, 512):
                                    pass
                            except BlockingIOError:
                                pass
                        # On every pass: with no_ack this consumer sends nothing else, and under steady
                        # traffic it never waits the whole timeout; the broker would close a connection
                        # that sent no heartbeat (the check sends one only when it is due).
                        conn.heartbeat_check()
                        changed = set()
                        while not self._binding_changes.empty():
                            changed.add(self._binding_changes.get_nowait())
                        if changed:
                            self._rebind(channel, bound, changed)
            except Exception:
                self.consuming.clear()
                if self._stop.is_set():
                    return
                log.warning("live consumer lost the broker; retrying", exc_info=True, extra={"retry_in_s": backoff})
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _rebind(self, channel, bound: set[str], slugs: set[str]) -> None:
        """Binds the live queue to each of `slugs` followed here and unbinds the others (consumer thread).
        A room just bound gets its head offered at once: what was committed before the binding took effect
        is read from the timeline rather than waiting for the sweep."""
        followed = self._followed_keys()
        for slug in slugs:
            if slug in followed and slug not in bound:
                channel.queue_bind(queue=self.queue_name, exchange=EXCHANGE.name, routing_key=slug)
                bound.add(slug)
            elif slug not in followed and slug in bound:
                channel.queue_unbind(queue=self.queue_name, exchange=EXCHANGE.name, routing_key=slug)
                bound.discard(slug)
        fresh_people = [key[len(NOTICE_KEY_PREFIX):] for key in slugs
                        if key in followed and key.startswith(NOTICE_KEY_PREFIX)]
        if fresh_people:  # what changed before the key was bound (or while the queue was gone) is read here
            self.resync_people(fresh_people)
        fresh = [slug for slug in slugs if slug in followed and not slug.startswith(NOTICE_KEY_PREFIX)]
        if fresh:
            try:
                self._offer_heads(self.heads(sorted(fresh)))
            except Exception:  # the database is away: the consumer keeps its connection, the sweep offers them
                log.warning("heads of rooms just bound not read; the sweep will offer them", exc_info=True)

    def resync_people(self, person_ids: list[str], *, access: bool = True) -> None:
        """What a lost notice would have told these people's streams here, read afresh: their mute and block
        lists (one query for them all), and (`access`) for each of their streams with an end of access (staff
        across the teen/adult wall) a re-ask of the door, which ends the stream if its access ended. Called
        when the consumer binds their notice key: a stream's first, and every key again after a reconnect
        (the exclusive queue, and whatever was on it, went with the lost connection); and, lists only, by the
        sweep every touch_interval (a notice another replica failed to publish). A stream without an end of
        access (the room's own cohort) loses access only by leaving, a `member_left` of the timeline, which the
        sweep delivers."""
        with self._lock:
            people = {person_id: list(self._people[person_id]) for person_id in person_ids
                      if person_id in self._people}
        if not people:
            return
        by_loop: dict[asyncio.AbstractEventLoop, list] = collections.defaultdict(list)
        if access:  # each stream asks the door itself, on its loop (Presence.follow)
            for subs in people.values():
                for sub in subs:
                    if sub.access_ends is not None:
                        by_loop[sub.loop].append((sub.recheck_access, None))
        try:
            if self.hidden is not None:
                changes_before = {sub: sub.hidden_changes for subs in people.values() for sub in subs}
                hidden = self.hidden(sorted(people))
                for person_id, subs in people.items():
                    listed = sorted(hidden.get(person_id, ()))
                    for sub in subs:
                        by_loop[sub.loop].append((sub.refresh_hidden, (listed, changes_before[sub])))
        except Exception:  # the database is away: the consumer carries on, and the sweep reads them later
            log.warning("mute and block lists of open streams not re-read; the sweep will", exc_info=True)
        self._hand_over(by_loop)

    def _on_raw_message(self, message) -> None:
        """The consumer's callback: this replica's own items were delivered here when committed (publish), so
        their echo is dropped before it is decoded."""
        if (message.headers or {}).get("origin") == self.origin:
            return
        self._on_message(message.body, message)

    def _on_message(self, body, message) -> None:
        try:
            items = orjson.loads(body) if isinstance(body, (str, bytes)) else body
            self._deliver(items)
        except Exception:
            log.exception("undecodable live message dropped; the sweep will deliver its items")

    def _sweep(self) -> None:
        """Every sweep_interval the repair sweep; every touch_interval of real time the presence of everyone
        with an open stream here, whether the sweep before it failed or not (a sweep that hangs, on a pool
        checkout say, delays it by as long)."""
        next_touch = time.monotonic() + self.touch_interval
        while not self._stop.wait(self.sweep_interval):
            if self._idle_until_a_stream_opens():
                next_touch = time.monotonic() + self.touch_interval
                continue
            try:
                self._sweep_once()
            except Exception:
                log.warning("live sweep failed; retrying", exc_info=True)
            try:
                self._sweep_notices()
            except Exception:
                log.warning("live notice sweep failed; retrying", exc_info=True)
            if time.monotonic() < next_touch:
                continue
            next_touch = time.monotonic() + self.touch_interval
            try:
                pairs = {(sub.slug, sub.person_id) for subs in self._snapshot().values() for sub in subs}
                if pairs:
                    self.touch(sorted(pairs))
            except Exception:
                log.warning("presence refresh of open streams failed; retrying", exc_info=True)
            try:  # a list whose notice was lost on its way here (another replica's publish failed)
                with self._lock:
                    people = sorted(self._people)
                self.resync_people(people, access=False)
            except Exception:
                log.warning("mute and block lists of open streams not re-read; retrying", exc_info=True)

    def _idle_until_a_stream_opens(self) -> bool:
        """With no stream open here there is nothing to repair or touch: the sweep sleeps until one opens (or
        the hub stops) rather than waking every sweep_interval at rest. True if it slept."""
        if self._followed_keys():
            return False
        self._streams_open.clear()
        if self._followed_keys():  # one opened between the look and the clear
            return False
        self._previous_heads = {}
        self._streams_open.wait()
        return True

    def _sweep_once(self, *, settled_only: bool = True) -> None:
        """Offers each subscribed room's head seq to its subscriptions. Only heads seen one sweep ago are
        offered (`settled_only`): an item committed that long ago should have come through the broker, so a
        subscription still short of it lost a notification; a fresher item is most likely still on its way,
        and fetching it from the database would only duplicate the broker's work."""
        subscriptions = self._snapshot()
        if not subscriptions:
            self._previous_heads = {}
            return
        heads = self.heads(sorted(subscriptions))
        offered = heads if not settled_only else {
            slug: min(seq, self._previous_heads.get(slug, 0)) for slug, seq in heads.items()
        }
        self._previous_heads = heads
        self._offer_heads(offered, subscriptions)

    def _sweep_notices(self) -> None:
        """Offers each stream here its person's notices received since it opened (within NOTICE_SWEEP_WINDOW):
        those whose notification was lost reach it now; the rest were handed over already and are dropped."""
        if self.notices is None:
            return
        with self._lock:
            people = {person_id: list(subs) for person_id, subs in self._people.items()}
        if not people:
            return
        now = dt.datetime.now(dt.timezone.utc)
        opened = min(sub.opened_at for subs in people.values() for sub in subs)
        since = max(opened, now - NOTICE_SWEEP_WINDOW) - CLOCK_SLACK
        by_loop: dict[asyncio.AbstractEventLoop, list] = collections.defaultdict(list)
        for notice in self.notices(sorted(people), since):
            received_at = dt.datetime.fromisoformat(notice["received_at"])
            for sub in people.get(notice["person_id"], ()):
                if received_at >= sub.opened_at - CLOCK_SLACK:
                    by_loop[sub.loop].append((sub.offer_notice, notice))
        self._hand_over(by_loop)

    def _offer_heads(self, heads: dict[str, int], subscriptions: dict[str, list[Subscription]] | None = None) -> None:
        subscriptions = subscriptions if subscriptions is not None else self._snapshot()
        by_loop: dict[asyncio.AbstractEventLoop, list] = collections.defaultdict(list)
        for slug, seq in heads.items():
            for sub in subscriptions.get(slug, ()):
                if seq > sub.delivered:
                    by_loop[sub.loop].append((sub.offer_head, seq))
        self._hand_over(by_loop)


class NoticePublisher:
    """room-worker's side of notice delivery: announces notices it stored to every room-grpc replica, with their
    person's routing key (best effort: a failure is repaired by the replicas' sweep). Notices are rare: a
    connection per batch."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri

    def __call__(self, notices: list[dict]) -> None:
        try:
            with kombu.Connection(self.amqp_uri, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
                channel = conn.channel()
                EXCHANGE(channel).declare()
                producer = kombu.Producer(channel, exchange=EXCHANGE)
                for notice in notices:
                    producer.publish(json.dumps([{"notice": notice}]), routing_key=notice_key(notice["person_id"]),
                                     content_type="application/json", content_encoding="utf-8", delivery_mode=1,
                                     retry=False)
        except Exception:
            log.warning("live notice publish failed; streams will get it from the sweep", exc_info=True)


class AccessPublisher:
    """room-worker's side of access changes: after an event narrowed someone's rights (a role revoked, say), tells
    their open streams of a room on every room-grpc replica to ask the door again (LiveHub.publish_access's
    message). Best effort and rare: a connection per call; a lost one leaves a stream on the end of access it was
    given when it opened (unless its replica reconnects meanwhile: LiveHub.resync_people), and a person the door
    refuses is taken out by a member_left that ends it anyway."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri

    def __call__(self, person_id: str, slug: str) -> None:
        try:
            with kombu.Connection(self.amqp_uri, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
                channel = conn.channel()
                EXCHANGE(channel).declare()
                kombu.Producer(channel, exchange=EXCHANGE).publish(
                    json.dumps([{"access": {"person_id": person_id, "room_slug": slug}}]),
                    routing_key=notice_key(person_id), content_type="application/json", content_encoding="utf-8",
                    delivery_mode=1, retry=False)
        except Exception:
            log.warning("live access publish failed; streams keep their end of access", exc_info=True)


# The live consumer's reads take what the broker has sent, up to this much at once: py-amqp reads each frame's
# header, payload and end byte with a recv of its own (nine a delivery), each giving the GIL up and waiting to
# take it back from the threads serving calls.
READ_SIZE = 16384


def _read_what_arrived(transport):
    """The transport, its reads made to take what has arrived (up to READ_SIZE) in one recv, the frames beyond
    the one asked for kept in its read buffer (py-amqp 5's `_read`, otherwise the same: a read cut short by a
    timeout keeps what it had, for the next). The consumer handles buffered frames before it waits on the
    socket (_holds_frame). A TLS transport is left as it is (its socket holds decrypted data select() cannot see)."""
    if not isinstance(transport, amqp.transport.TCPTransport):
        return transport
    recv = transport.sock.recv

    def read(n, initial=False, _errnos=(errno.EAGAIN, errno.EINTR)):
        buffer = transport._read_buffer
        try:
            while len(buffer) < n:
                try:
                    got = recv(max(n - len(buffer), READ_SIZE))
                except OSError as exc:
                    if exc.errno in _errnos:
                        if initial and transport.raise_on_initial_eintr:
                            raise TimeoutError() from exc
                        continue
                    raise
                if not got:
                    raise OSError("Server unexpectedly closed connection")
                buffer += got
        except BaseException:
            transport._read_buffer = buffer
            raise
        result, transport._read_buffer = buffer[:n], buffer[n:]
        return result

    transport._read = read
    return transport


def _holds_frame(buffer: bytes) -> bool:
    """Whether a whole AMQP frame (7-byte header with its payload's size, the payload, the end byte) is read."""
    return len(buffer) >= 8 and len(buffer) >= 8 + int.from_bytes(buffer[3:7], "big")


class _RoomOrder:
    """A room's live items on one loop, for its streams there: the highest seq handed over and those held back
    because a seq before them is missing. Used on that loop only."""

    def __init__(self):
        self.high = 0  # every item up to it was handed to the room's streams (or they read it themselves)
        self.held: dict[int, dict] = {}
        self.timer: asyncio.TimerHandle | None = None  # the gap wait under way
        self.reading = False  # the gap's items being read from the timeline

    def known(self, subs: list[Subscription]) -> int:
        """The seq up to which the room's streams here have everything, or have it on its way (a stream that read
        the timeline itself may be past what was handed over). 0: not known yet (no stream has started)."""
        return max(self.high, max(sub.delivered for sub in subs))

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _offer(subs: list[Subscription], items: list[dict]) -> None:
    for item in items:
        for sub in subs:
            sub.offer(item)


class _LoopInbox:
    """Calls bound for one event loop from other threads, with one wake-up per batch: what is put while the loop
    has not yet run the batch before goes with it, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._lock = threading.Lock()
        self._calls: list = []
        self._scheduled = False

    def put(self, calls: list) -> None:
        with self._lock:
            self._calls += calls
            if self._scheduled:
                return
            self._scheduled = True
        try:
            self.loop.call_soon_threadsafe(self._run)
        except RuntimeError:  # the loop is closed: its streams are gone
            with self._lock:
                self._calls, self._scheduled = [], False

    def _run(self) -> None:
        with self._lock:
            calls, self._calls, self._scheduled = self._calls, [], False
        for call, argument in calls:
            call(argument)
