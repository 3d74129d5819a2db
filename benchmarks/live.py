"""Benchmark tooling: live Subscribe streams held by subscriber processes, and open-loop posting.

A subscriber process (`python benchmarks/live.py SPEC OUT`) holds the streams its spec lists and records
(stream id, post number, latency) for every message whose body is a loadgen.timed_body (a post number and its
scheduled send time on the monotonic clock); on SIGUSR1 it writes what it received since the last dump to OUT.<n>
and prints "dumped <n>", on SIGTERM it ends. Streams are spread over CHANNELS channels per target (HTTP/2
streams share connections: 10,000 streams need no 10,000 sockets). Each channel has a connection of its own
(a local subchannel pool: grpc otherwise shares one connection among channels to the same target with the same
options), and a target gets as many as keep its streams at STREAMS_PER_CONNECTION or fewer per connection
(measured: 625 streams on one connection per process and replica never all opened).
"""
from __future__ import annotations

import asyncio
import collections
import gc
import json
import os
import pathlib
import select
import signal
import subprocess
import sys
import time

import grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import read_timed_body, timed_body

from hearth_common.clients.channel import CHANNEL_OPTIONS, open_aio_channel

CHANNELS = int(os.environ.get("BENCH_LIVE_CHANNELS", "2"))  # at least, per target and subscriber process
STREAMS_PER_CONNECTION = 100
# Streams a subscriber process has asked for and not yet seen "subscribed" on: each opening costs the server
# database reads, and 2,500 at once per process had four replicas' pools open connections until the shared
# PostgreSQL (max_connections 100, shared with other sessions' tests) refused clients.
OPENING = int(os.environ.get("BENCH_LIVE_OPENING", "4"))
OPEN_ATTEMPTS = 10


def _channels(target: str, streams: int) -> list[grpc.aio.Channel]:
    count = max(CHANNELS, -(-streams // STREAMS_PER_CONNECTION))
    return [grpc.aio.insecure_channel(target, options=[*CHANNEL_OPTIONS, ("grpc.use_local_subchannel_pool", 1)])
            for _ in range(count)]


async def subscribe_all(spec: dict, out: pathlib.Path) -> None:
    per_target = collections.Counter(sub["target"] for sub in spec["subs"])
    channels = {target: _channels(target, count) for target, count in per_target.items()}
    received: dict[str, list] = collections.defaultdict(list)
    ready = 0
    dumps = 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def dump() -> None:
        nonlocal received, dumps
        got, received = received, collections.defaultdict(list)
        dumps += 1
        pathlib.Path(f"{out}.{dumps}").write_text(json.dumps(got))
        print(f"dumped {dumps}", flush=True)

    loop.add_signal_handler(signal.SIGUSR1, dump)

    opening = asyncio.Semaphore(OPENING)

    async def follow(index: int, sub: dict) -> None:
        nonlocal ready
        pool = channels[sub["target"]]
        stub = room_pb2_grpc.RoomServiceStub(pool[index % len(pool)])
        await opening.acquire()
        opened = False
        try:
            for attempt in range(OPEN_ATTEMPTS):
                call = stub.Subscribe(rpb.SubscribeRequest(slug=sub["slug"]),
                                      metadata=[tuple(m) for m in sub["md"]])
                try:
                    async for item in call:
                        if item.kind == "subscribed":
                            opened = True
                            opening.release()
                            ready += 1
                            if ready == len(spec["subs"]):
                                print("ready", flush=True)
                        elif item.kind == "message_posted":
                            k, scheduled = read_timed_body(item.message.body)
                            received[sub["id"]].append((k, time.monotonic() - scheduled))
                    return
                except grpc.aio.AioRpcError as exc:
                    # Opening refused while the server's database is briefly out of reach (a loaded shared
                    # PostgreSQL): asked again. A stream that ends once open is not reopened (its losses show).
                    if opened or exc.code() != grpc.StatusCode.UNAVAILABLE:
                        return
                    await asyncio.sleep(0.5 * (attempt + 1))
        except asyncio.CancelledError:
            pass
        finally:
            if not opened:
                opening.release()

    tasks = [asyncio.create_task(follow(i, sub)) for i, sub in enumerate(spec["subs"])]
    # The instrument's own collections would delay deliveries it timestamps (thousands of streams' objects to
    # scan): none run in a subscriber process (what it keeps makes no cycles).
    gc.collect()
    gc.freeze()
    gc.disable()
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class Subscribers:
    """Subscriber processes holding `subs` (dicts: id, slug, md, target) between them."""

    def __init__(self, subs: list[dict], processes: int, tmp: pathlib.Path, ready_timeout: float = 300):
        self.tmp = tmp
        self.readers = []
        for n in range(processes):
            spec = tmp / f"spec-{n}.json"
            spec.write_text(json.dumps({"subs": subs[n::processes]}))
            self.readers.append(subprocess.Popen([sys.executable, __file__, str(spec), str(tmp / f"out-{n}")],
                                                 stdout=subprocess.PIPE, text=True))
        deadline = time.monotonic() + ready_timeout
        try:
            for reader in self.readers:
                if not select.select([reader.stdout], [], [], max(deadline - time.monotonic(), 0))[0]:
                    raise TimeoutError(f"subscribers did not all start within {ready_timeout:g} s")
                line = reader.stdout.readline().strip()
                assert line == "ready", f"subscribers did not start ({line!r})"
        except BaseException:  # interrupted too: the subscriber processes go with it
            self.stop()
            raise

    @property
    def pids(self) -> list[int]:
        return [r.pid for r in self.readers]

    def collect(self) -> dict[str, list]:
        """What every stream received since the last collect: {stream id: [(post number, latency)]}."""
        for reader in self.readers:
            reader.send_signal(signal.SIGUSR1)
        received: dict[str, list] = collections.defaultdict(list)
        for n, reader in enumerate(self.readers):
            number = reader.stdout.readline().split()[-1]
            for key, got in json.loads((self.tmp / f"out-{n}.{number}").read_text()).items():
                received[key] += got
        return received

    def stop(self) -> None:
        for reader in self.readers:
            reader.send_signal(signal.SIGTERM)
        for reader in self.readers:
            try:
                reader.wait(60)
            except subprocess.TimeoutExpired:
                reader.kill()


async def post_open_loop(targets: list[str], poster, rate: float, seconds: float, first: int = 0):
    """Posts rate/s for `seconds`, numbered from `first`; `poster(k)` gives (auth metadata, room slug) of
    post k. Returns {post number: slug} of the posts that succeeded, failures by status, and the posting
    calls' latencies (from each post's scheduled send time)."""
    channels = [open_aio_channel(t) for t in targets]
    stubs = [room_pb2_grpc.RoomServiceStub(c) for c in channels]
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    posted: dict[int, str] = {}
    post_latencies: list[float] = []
    failures: collections.Counter = collections.Counter()

    async def one(i: int) -> None:
        k = first + i
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        md, slug = poster(k)
        try:
            request = rpb.PostMessageRequest(slug=slug, body=timed_body(k, scheduled))
            await stubs[k % len(stubs)].PostMessage(request, metadata=md, timeout=10)
            post_latencies.append(time.monotonic() - scheduled)
            posted[k] = slug
        except grpc.aio.AioRpcError as exc:
            failures[exc.code().name] += 1

    gc.collect()
    gc.disable()  # as in loadgen.open_loop: the generator's collections would pause its clock
    try:
        await asyncio.gather(*(one(i) for i in range(total)))
    finally:
        gc.enable()
    for channel in channels:
        await channel.close()
    return posted, failures, post_latencies


def deliveries(posted: dict[int, str], received: dict[str, list], streams: dict[str, str],
               skip: dict[int, str] | None = None) -> tuple[list[float], int, int]:
    """Latencies of the expected deliveries, and how many were lost and duplicated. `streams` maps a stream
    id to its room; each post is expected once on every stream of its room except the one `skip` names for it
    (the poster's own stream). Deliveries of posts outside `posted` (failed ones, other rows) are ignored."""
    latencies, lost, duplicated = [], 0, 0
    by_room: dict[str, set[int]] = collections.defaultdict(set)
    skipped: dict[str, set[int]] = collections.defaultdict(set)
    for k, slug in posted.items():
        by_room[slug].add(k)
        if skip and k in skip:
            skipped[skip[k]].add(k)
    for stream, slug in streams.items():
        expected = by_room[slug] - skipped[stream]
        seen = collections.Counter()
        for k, latency in received.get(stream, []):
            if k in expected:
                seen[k] += 1
                if seen[k] == 1:
                    latencies.append(latency)
        duplicated += sum(c - 1 for c in seen.values())
        lost += len(expected - set(seen))
    return latencies, lost, duplicated


if __name__ == "__main__":
    asyncio.run(subscribe_all(json.loads(pathlib.Path(sys.argv[1]).read_text()), pathlib.Path(sys.argv[2])))
