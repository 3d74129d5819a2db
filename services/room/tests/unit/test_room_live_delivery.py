"""Unit: the live hub's delivery paths (no broker, no database: stand-ins). The replica that commits an item
hands it to its own streams at once and drops its echo from the broker; other replicas' items arrive by the
broker; what neither path brought arrives by the sweep; hand-offs from threads reach the loop in order."""
import asyncio
import datetime as dt
import json
import threading
import types

from room_service.adapters.live import LiveHub

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
