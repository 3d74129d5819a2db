"""Unit: the live hub's sweep thread keeps refreshing the presence of people with an open stream on its own
schedule, whether or not the repair sweep beside it works (no broker, no database: both are stand-ins)."""
import asyncio
import json
import threading
import time

from room_service.adapters.live import LiveHub


def test_open_streams_keep_their_presence_while_the_repair_sweep_fails():
    touched: list[tuple[float, list]] = []

    def heads(slugs):
        raise ConnectionError("the database is away")

    def touch(pairs):
        touched.append((time.monotonic(), pairs))
        return len(pairs)

    hub = LiveHub("amqp://unused", heads, touch, sweep_interval=0.02, touch_interval=0.2)

    async def follow():
        return hub.subscribe("adult-community-lounge", "person-1")

    asyncio.run(follow())
    sweeper = threading.Thread(target=hub._sweep, daemon=True)
    started = time.monotonic()
    sweeper.start()
    time.sleep(1.1)
    hub._stop.set()
    sweeper.join(2)
    assert [pairs for _, pairs in touched] == [[("adult-community-lounge", "person-1")]] * len(touched)
    assert 3 <= len(touched) <= 8  # every 0.2 s of real time, not every sweep (about 50), and not never
    assert touched[0][0] - started >= 0.2


def test_a_notice_reaches_every_stream_of_its_person_once_whether_by_broker_or_sweep_and_nobody_elses():
    notice = {"notice_id": "n-1", "person_id": "sam", "kind": "warning", "text": "be kind", "room_slug": None,
              "resources": [], "issued_at": "2026-12-05T12:00:00+00:00", "read_at": None,
              "received_at": "2999-01-01T00:00:00+00:00"}
    asked = []

    def notices(person_ids, since):
        asked.append(person_ids)
        return [notice]

    hub = LiveHub("amqp://unused", lambda slugs: {}, lambda pairs: 0, notices)

    async def scenario():
        subs = [hub.subscribe("adult-community-lounge", "sam"), hub.subscribe("adult-good-news", "sam"),
                hub.subscribe("adult-community-lounge", "olly")]
        hub._on_message(json.dumps([{"notice": notice}]), None)  # the broker's path
        hub._sweep_notices()  # and the table's: the same notice
        await asyncio.sleep(0.05)
        return [[sub.mailbox.get_nowait() for _ in range(sub.mailbox.qsize())] for sub in subs]

    sam_lounge, sam_news, olly = asyncio.run(scenario())
    assert sam_lounge == sam_news == [{"notice": notice}] and olly == []
    assert asked == [["olly", "sam"]]
    keys = set()
    while not hub._binding_changes.empty():
        keys.add(hub._binding_changes.get_nowait())
    assert {"notice.sam", "notice.olly"} <= keys  # the replica's queue binds its people's notice keys


def test_a_sweep_with_no_stream_open_waits_for_one_and_ends_with_the_hub():
    """At rest (no stream here) the sweep has nothing to do and sleeps rather than waking every interval; the first
    stream to open wakes it, and stopping the hub ends it even while it sleeps."""
    asked = []
    hub = LiveHub("amqp://unused", lambda slugs: asked.append(slugs) or {}, lambda pairs: 0,
                  sweep_interval=0.01, touch_interval=60)
    sweeper = threading.Thread(target=hub._sweep, daemon=True)
    sweeper.start()

    async def follow():
        return hub.subscribe("adult-community-lounge", "person-1")

    sub = asyncio.run(follow())
    deadline = time.monotonic() + 10
    while not asked:  # the stream's room is swept again
        assert time.monotonic() < deadline, "the sweep did not wake for the new stream"
        time.sleep(0.01)
    assert asked[0] == ["adult-community-lounge"]
    hub.unsubscribe(sub)
    time.sleep(0.05)  # back to sleep
    hub.stop()
    sweeper.join(5)
    assert not sweeper.is_alive()
