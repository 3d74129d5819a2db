"""Unit: a live stream behind the hub's gap wait, on in-memory fakes: items that come ahead of a missing one reach the
stream in seq order, each once; a gap the broker does not close is read from the timeline once; an item the person
hides (muted author) is not sent but counts as delivered."""
import asyncio

from room_unit_helpers import LOUNGE

from room_service.adapters.live import LiveHub


def test_a_stream_gets_a_gapped_rooms_items_in_order_once_each_with_a_hidden_one_counted_as_delivered(
        conv, identity, live):
    sam, kim, lee = (identity.register(name) for name in ("sam", "kim", "lee"))
    for person in (sam, kim, lee):
        conv.join(person, LOUNGE)
    conv.set_personal_filter(sam, "mute", True, username="kim")
    reads = []

    def timeline(slug, after, upto):
        reads.append((after, upto))
        return conv.timeline_after(slug, after, upto)

    hub = LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0, timeline=timeline, gap_wait=0.03)

    async def scenario():
        sub = hub.subscribe(LOUNGE, sam)
        stream = conv.follow(sam, LOUNGE, None, sub, asyncio.to_thread)
        head = (await anext(stream))["seq"]
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.1)  # the stream read what came since it opened (nothing) and waits for live items
        del live[:]
        conv.post(kim, LOUNGE, "muted")  # head + 1: its notice is lost on the way here
        conv.post(lee, LOUNGE, "b")
        conv.post(lee, LOUNGE, "c")
        hub._deliver([live[2], live[1]])  # from another replica, out of order, without head + 1
        got = [await asyncio.wait_for(first, 2), await asyncio.wait_for(anext(stream), 2)]
        delivered_then = sub.delivered
        conv.post(lee, LOUNGE, "d")
        hub._deliver([live[0], live[3]])  # head + 1 at last (dropped), then the next
        got.append(await asyncio.wait_for(anext(stream), 2))
        return head, got, delivered_then

    head, got, delivered_then = asyncio.run(scenario())
    assert [(i["seq"], i["data"]["body"]) for i in got] == [(head + 2, "b"), (head + 3, "c"), (head + 4, "d")]
    assert delivered_then == head + 3  # the muted message's seq counts as delivered
    assert reads == [(head, head + 3)]  # one read, after the wait
