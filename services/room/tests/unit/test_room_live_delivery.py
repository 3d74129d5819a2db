"""Unit: the live hub's delivery paths (no broker, no database: stand-ins). The replica that commits an item
hands it to its own streams at once and drops its echo from the broker; other replicas' items arrive by the
broker; what neither path brought arrives by the sweep; hand-offs from threads reach the loop in order; the
consumer reads what the broker sent in one recv."""
import asyncio
import datetime as dt
import json
import socket
import struct
import threading
import types

from amqp.transport import SSLTransport, TCPTransport

from room_service.adapters.live import LiveHub, _holds_frame, _read_what_arrived

ROOM = "adult-community-lounge"


def item(seq: int, slug: str = ROOM) -> dict:
    return {"room_slug": slug, "seq": seq, "kind": "message_posted", "data": {"body": f"m{seq}"},
            "occurred_at": dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=seq)}


def broker_message(hub_or_origin, items: list[dict]):
    """A message as the live consumer receives it, published by the hub (or origin) given."""
    origin = hub_or_origin.origin if isinstance(hub_or_origin, LiveHub) else hub_or_origin
    body = json.dumps([i | {"occurred_at": i["occurred_at"].isoformat()} for i in items])
    return types.SimpleNamespace(headers={"origin": origin}, body=body)


def mailbox(sub) -> list:
    return [sub.mailbox.get_nowait() for _ in range(sub.mailbox.qsize())]


def hub_with(heads=None) -> LiveHub:
    return LiveHub("amqp://unused", heads or (lambda slugs: {}), lambda pairs: 0)


def test_the_posting_replica_hands_its_items_to_its_own_streams_at_once_and_drops_their_echo():
    hub = hub_with()

    async def scenario():
        here, elsewhere = hub.subscribe(ROOM, "sam"), hub.subscribe("adult-good-news", "olly")
        hub.publish([item(7)])  # from a call's thread in the server; the loop's own thread here
        await asyncio.sleep(0)
        local = mailbox(here)
        hub._on_raw_message(broker_message(hub, [item(7)]))  # the broker brings it back: the echo
        await asyncio.sleep(0.01)
        return local, mailbox(here), mailbox(elsewhere)

    local, after_echo, elsewhere = asyncio.run(scenario())
    assert [got["seq"] for got in local] == [7]
    assert after_echo == [] and elsewhere == []
    assert [sent["seq"] for sent in hub._outgoing.get_nowait()] == [7]  # still announced to the other replicas


def test_another_replicas_items_arrive_by_the_broker():
    hub, other = hub_with(), hub_with()
    assert hub.origin != other.origin

    async def scenario():
        sub = hub.subscribe(ROOM, "sam")
        hub._on_raw_message(broker_message(other, [item(3), item(4)]))
        await asyncio.sleep(0.01)
        return mailbox(sub)

    assert [got["seq"] for got in asyncio.run(scenario())] == [3, 4]


def test_an_item_neither_path_brought_is_offered_by_the_sweep_once_it_has_settled():
    head = {ROOM: 5}
    hub = hub_with(lambda slugs: {slug: head[slug] for slug in slugs})

    async def scenario():
        sub = hub.subscribe(ROOM, "sam")
        sub.delivered = 4  # the stream has seq 4; seq 5's hand-off and broker notice were both lost
        offered = []
        for _ in range(2):  # a head is offered once it was seen a sweep ago (fresher items are on their way)
            await asyncio.to_thread(hub._sweep_once)
            await asyncio.sleep(0.01)
            offered.append(mailbox(sub))
        return offered

    first, second = asyncio.run(scenario())
    assert first == [] and second == [{"head": 5}]  # follow() reads seq 5 from the timeline


def test_hand_offs_from_threads_reach_the_loop_in_order_with_few_wake_ups():
    hub = hub_with()
    wake_ups = []

    async def scenario():
        loop = asyncio.get_running_loop()
        sub = hub.subscribe(ROOM, "sam")
        real = loop.call_soon_threadsafe

        def counted(callback, *args):
            wake_ups.append(callback)
            return real(callback, *args)

        loop.call_soon_threadsafe = counted
        threads = [threading.Thread(target=lambda n=n: [hub._deliver([item(n * 100 + k)]) for k in range(1, 51)])
                   for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        await asyncio.sleep(0.01)
        return mailbox(sub)

    got = [offered["seq"] for offered in asyncio.run(scenario())]
    assert sorted(got) == [n * 100 + k for n in range(4) for k in range(1, 51)]  # each once
    for n in range(4):  # each thread's items in the order it handed them over
        mine = [seq for seq in got if seq // 100 == n]
        assert mine == sorted(mine)
    assert len(wake_ups) == 1  # the loop was busy in join(): one wake-up carried all 200


def test_an_item_is_encoded_once_for_all_streams_and_a_streams_own_items_each_time():
    from hearth.room.v1 import room_pb2 as pb

    from room_service.entrypoints.grpc_servicer import EncodedItems, room_event_pb

    encoded = EncodedItems(size=2)
    posted = item(9) | {"data": {"message_id": "m-9", "room_slug": ROOM, "author_id": "sam", "author_username": "sam",
                                 "body": "hello", "reply_to": None, "mentions": [], "hearts": 0,
                                 "posted_at": "2026-12-05T12:00:09+00:00", "edited_at": None, "deleted": False}}
    first, again = encoded(posted), encoded(dict(posted))  # the same item, from the broker or the timeline
    assert first is again and pb.RoomEvent.FromString(first) == room_event_pb(posted)
    subscribed = {"room_slug": ROOM, "seq": 9, "kind": "subscribed", "data": {}, "occurred_at": posted["occurred_at"]}
    assert pb.RoomEvent.FromString(encoded(subscribed)).kind == "subscribed"  # not the item with seq 9
    assert encoded(posted) is first
    for seq in (10, 11):
        encoded(posted | {"seq": seq})
    assert encoded(posted) is not first and encoded(posted) == first  # bounded: the oldest went, re-encoded alike


def test_a_persons_changed_mute_list_reaches_their_streams_alone_from_here_and_from_the_broker():
    hub, other = hub_with(), hub_with()

    async def scenario():
        sams, lees = hub.subscribe(ROOM, "sam"), hub.subscribe(ROOM, "lee")
        hub._producer = types.SimpleNamespace(basic_publish=lambda message, exchange, routing_key: None)
        hub.publish_filters("sam", frozenset({"kim"}))  # a change made on this replica
        await asyncio.sleep(0.01)
        here = (sams.hidden, lees.hidden)
        body = json.dumps([{"filters": {"person_id": "sam", "hidden": []}}])  # then undone on another
        hub._on_raw_message(types.SimpleNamespace(headers={"origin": other.origin}, body=body))
        await asyncio.sleep(0.01)
        return here, (sams.hidden, lees.hidden), mailbox(sams)

    here, after, items = asyncio.run(scenario())
    assert here == (frozenset({"kim"}), frozenset())
    assert after == (frozenset(), frozenset())
    assert items == []  # a list is no item of the stream


def test_a_change_of_access_reaches_that_persons_streams_of_that_room_only():
    """A revoked cross-cohort grant (LiveHub.publish_access, here or from another replica) makes the person's
    streams of that room ask the door again; their other streams and other people's are not disturbed."""
    hub, other = hub_with(), hub_with()

    async def scenario():
        here, elsewhere, someone = (hub.subscribe(ROOM, "sam"), hub.subscribe("adult-good-news", "sam"),
                                    hub.subscribe(ROOM, "olly"))
        hub._on_raw_message(types.SimpleNamespace(
            headers={"origin": other.origin}, body=json.dumps([{"access": {"person_id": "sam", "room_slug": ROOM}}])))
        await asyncio.sleep(0.01)
        return mailbox(here), mailbox(elsewhere), mailbox(someone)

    assert asyncio.run(scenario()) == ([{"access": ROOM}], [], [])


class _Channel:
    """The consumer's channel, as far as binding goes."""

    def __init__(self):
        self.bound: list[str] = []

    def queue_bind(self, queue, exchange, routing_key):
        self.bound.append(routing_key)

    def queue_unbind(self, queue, exchange, routing_key):
        self.bound.remove(routing_key)


def test_after_a_reconnect_every_list_is_re_read_at_once_and_streams_with_an_end_of_access_ask_the_door():
    """The consumer's queue went with its lost connection, and any notice on it: binding every key again on the
    new one re-reads the mute and block lists of everyone with a stream here in one read, and has each stream
    with an end of access (staff across the wall) ask the door again, as a notice of a revoked grant would."""
    reads = []

    def hidden(person_ids):
        reads.append(list(person_ids))
        return {"sam": frozenset({"kim"}), "lee": frozenset(), "olly": frozenset()}

    hub = LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0, hidden=hidden)

    async def scenario():
        sams = (hub.subscribe(ROOM, "sam"), hub.subscribe("adult-good-news", "sam"))
        lees, ollys = hub.subscribe(ROOM, "lee"), hub.subscribe(ROOM, "olly")
        lees.hidden = frozenset({"kim"})  # lee unmuted kim while this replica's consumer was away
        ollys.access_ends = dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc)  # across the wall, a grant
        channel = _Channel()
        hub._rebind(channel, set(), hub._followed_keys())  # a new connection: nothing bound on it yet
        await asyncio.sleep(0.01)
        return channel.bound, sams, lees, ollys

    bound, sams, lees, ollys = asyncio.run(scenario())
    assert sorted(bound) == sorted([ROOM, "adult-good-news", "notice.sam", "notice.lee", "notice.olly"])
    assert reads == [["lee", "olly", "sam"]]  # one read for all, after every key was bound
    assert [sub.hidden for sub in sams] == [frozenset({"kim"})] * 2
    assert lees.hidden == frozenset()
    assert mailbox(ollys) == [{"access": ROOM}]
    assert mailbox(lees) == [] and [mailbox(sub) for sub in sams] == [[], []]  # no end of access: no re-ask


def test_a_re_read_list_older_than_a_change_told_meanwhile_is_dropped():
    """The re-read and a change's notice race: a change told to the stream after the read began is as new or
    newer, so the stream keeps it."""
    hub = None

    def hidden(person_ids):
        hub.publish_filters("sam", frozenset({"kim", "lee"}))  # committed (and told here) as the read runs
        return {"sam": frozenset({"kim"})}

    hub = LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0, hidden=hidden)
    hub._producer = types.SimpleNamespace(basic_publish=lambda message, exchange, routing_key: None)

    async def scenario():
        sams = hub.subscribe(ROOM, "sam")
        hub.resync_people(["sam"])
        await asyncio.sleep(0.01)
        return sams.hidden

    assert asyncio.run(scenario()) == frozenset({"kim", "lee"})


def test_the_sweep_re_reads_the_lists_every_touch_interval_for_a_notice_another_replica_failed_to_send():
    hub = LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0,
                  hidden=lambda person_ids: {"sam": frozenset({"kim"})}, sweep_interval=0.01, touch_interval=0.01)

    async def scenario():
        sams = hub.subscribe(ROOM, "sam")
        sams.access_ends = dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc)
        sweep = threading.Thread(target=hub._sweep, daemon=True)
        sweep.start()
        for _ in range(200):
            await asyncio.sleep(0.01)
            if sams.hidden:
                break
        hub._stop.set()
        hub._streams_open.set()
        sweep.join(5)
        return sams.hidden, mailbox(sams)

    hidden, items = asyncio.run(scenario())
    assert hidden == frozenset({"kim"})
    assert items == []  # the lists only: access is re-asked on a reconnect, and by room-worker's sweep


def test_a_reconnect_while_the_database_is_away_still_binds_and_re_asks_the_door_and_the_sweep_reads_later():
    """The consumer does not give up its new connection for a list it could not read (it would lose the broker
    for as long as the database is away): the sweep reads the lists when it can."""
    down = True

    def hidden(person_ids):
        if down:
            raise ConnectionError("database away")
        return {"sam": frozenset({"kim"})}

    def heads(slugs):
        raise ConnectionError("database away")

    hub = LiveHub("amqp://unused", heads, lambda pairs: 0, hidden=hidden)

    async def scenario():
        nonlocal down
        sams = hub.subscribe(ROOM, "sam")
        sams.access_ends = dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc)
        channel = _Channel()
        hub._rebind(channel, set(), hub._followed_keys())
        await asyncio.sleep(0.01)
        at_reconnect = (sorted(channel.bound), sams.hidden, mailbox(sams))
        down = False
        hub.resync_people(["sam"], access=False)  # the sweep's re-read, the database back
        await asyncio.sleep(0.01)
        return at_reconnect, sams.hidden

    at_reconnect, later = asyncio.run(scenario())
    assert at_reconnect == (sorted([ROOM, "notice.sam"]), frozenset(), [{"access": ROOM}])
    assert later == frozenset({"kim"})


class _Timeline:
    """The timeline table as the hub's gap fill reads it: seqs 1..head of ROOM, each read recorded."""

    def __init__(self, head: int):
        self.head = head
        self.reads: list[tuple] = []

    def __call__(self, slug: str, after: int, upto: int) -> list[dict]:
        self.reads.append((slug, after, upto))
        return [item(seq) | {"from": "timeline"} for seq in range(after + 1, min(upto, self.head) + 1)]


async def seqs_offered(hub: LiveHub, other: LiveHub, seqs: list[int], wait: float) -> list[int]:
    """What one stream of the room that has everything up to seq 5 is offered within `wait` seconds of the broker
    bringing `other`'s items `seqs`."""
    sub = hub.subscribe(ROOM, "sam")
    sub.delivered = 5
    hub._on_raw_message(broker_message(other, [item(seq) for seq in seqs]))
    await asyncio.sleep(wait)
    return [got["seq"] for got in mailbox(sub)]


def gap_hub(timeline, gap_wait: float = 0.05) -> LiveHub:
    return LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0, timeline=timeline, gap_wait=gap_wait)


def test_an_item_ahead_of_a_missing_one_waits_for_it_and_the_rooms_streams_get_both_in_order_without_a_read():
    """Another replica's seq 7 comes before seq 6 (committed here, its hand-off made late by its thread): the
    room's streams here get neither until 6 comes, then both in seq order, and nothing is read from the table."""
    timeline, other = _Timeline(head=7), hub_with()
    hub = gap_hub(timeline)

    async def scenario():
        subs = [hub.subscribe(ROOM, person) for person in ("sam", "lee", "olly")]
        for sub in subs:
            sub.delivered = 5  # each stream has everything up to seq 5
        hub._on_raw_message(broker_message(other, [item(7)]))
        await asyncio.sleep(0.01)
        early = [mailbox(sub) for sub in subs]
        hub.publish([item(6)])
        await asyncio.sleep(0.01)
        return early, [[got["seq"] for got in mailbox(sub)] for sub in subs]

    early, later = asyncio.run(scenario())
    assert early == [[], [], []]
    assert later == [[6, 7]] * 3
    assert timeline.reads == []


def test_a_gap_the_wait_does_not_close_is_read_once_for_all_the_rooms_streams_and_the_late_item_is_not_repeated():
    timeline, other = _Timeline(head=8), hub_with()
    hub = gap_hub(timeline)

    async def scenario():
        subs = [hub.subscribe(ROOM, person) for person in ("sam", "lee", "olly")]
        for sub in subs:
            sub.delivered = 5
        hub._on_raw_message(broker_message(other, [item(7), item(8)]))  # seq 6 lost (or very late)
        await asyncio.sleep(0.02)
        early = [mailbox(sub) for sub in subs]
        await asyncio.sleep(0.1)  # the wait is over: one read, for the three streams
        got = [mailbox(sub) for sub in subs]
        for sub in subs:
            sub.delivered = 8  # as follow() does when it hands them to its client
        hub._on_raw_message(broker_message(other, [item(6), item(9)]))  # seq 6 at last, and the next
        await asyncio.sleep(0.01)
        return early, got, [[offered["seq"] for offered in mailbox(sub)] for sub in subs]

    early, got, after = asyncio.run(scenario())
    assert early == [[], [], []]
    assert timeline.reads == [(ROOM, 5, 8)]
    for offered in got:  # in seq order, the missing one from the table
        assert [(i["seq"], i.get("from")) for i in offered] == [(6, "timeline"), (7, None), (8, None)]
    assert after == [[9]] * 3  # the late seq 6 is no second delivery


def test_a_large_gap_is_handed_over_at_once_for_the_streams_to_read_and_no_wait_means_no_hold():
    """A jump of more than a few seqs is no item in flight but items missed (a lost connection): the streams get what
    came at once and read the rest themselves (follow()), as they do for every gap with no gap wait."""
    timeline, other = _Timeline(head=50), hub_with()

    assert asyncio.run(seqs_offered(gap_hub(timeline), other, [50], 0.01)) == [50]
    assert asyncio.run(seqs_offered(gap_hub(timeline, gap_wait=0), other, [7], 0.01)) == [7]
    assert timeline.reads == []


def test_a_read_that_fails_hands_over_what_was_held_for_the_streams_to_read_themselves():
    def timeline(slug, after, upto):
        raise ConnectionError("database away")

    hub, other = gap_hub(timeline, gap_wait=0.01), hub_with()

    assert asyncio.run(seqs_offered(hub, other, [7], 0.1)) == [7]  # follow() sees the jump and reads seq 6 when it can


def test_the_live_consumer_reads_every_frame_that_arrived_in_one_recv_and_keeps_a_frame_cut_short():
    def frame(channel: int, payload: bytes) -> bytes:
        return struct.pack(">BHI", 1, channel, len(payload)) + payload + b"\xce"

    ours, broker = socket.socketpair()
    recvs = []

    class CountingSocket:
        def recv(self, n):
            recvs.append(n)
            return ours.recv(n)

    transport = TCPTransport.__new__(TCPTransport)  # as connected to a broker (its socket, an empty buffer)
    transport.sock, transport._read_buffer, transport.raise_on_initial_eintr, transport.connected = (
        CountingSocket(), b"", True, True)
    _read_what_arrived(transport)
    frames = [frame(1, b"basic.deliver"), frame(1, b"header"), frame(1, b"x" * 300)]
    fourth = frame(2, b"the next message")
    broker.sendall(b"".join(frames) + fourth[:9])
    for sent in frames:
        assert transport.read_frame() == (1, struct.unpack(">H", sent[1:3])[0], sent[7:-1])
    assert len(recvs) == 1  # py-amqp's own reads: three a frame
    assert not _holds_frame(transport._read_buffer)  # a frame cut short: the consumer waits on the socket
    ours.settimeout(0.05)
    try:
        transport.read_frame()
        raise AssertionError("a frame's rest not yet sent was read")
    except TimeoutError:
        pass
    broker.sendall(fourth[9:])
    assert transport.read_frame() == (1, 2, b"the next message")
    ours.close()
    broker.close()


def test_a_tls_transport_keeps_py_amqps_own_reads():
    transport = SSLTransport.__new__(SSLTransport)
    assert _read_what_arrived(transport) is transport and "_read" not in vars(transport)
