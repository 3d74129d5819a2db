"""Unit: the live hub's sweep thread keeps refreshing the presence of people with an open stream on its own
schedule, whether or not the repair sweep beside it works (no broker, no database: both are stand-ins)."""
import asyncio
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
