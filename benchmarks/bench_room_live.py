"""Benchmark: a posted message delivered to every live subscriber of its room (make bench).

identity, room-worker and two room-grpc replicas run as real processes. 1,000 people join 150 rooms and
each holds a Subscribe stream on one of the two replicas (alternating), read by two subscriber processes.
Posts go out open-loop at a fixed rate, round-robin over the people (so nobody passes the posting limit),
to each poster's own room through either replica. A delivery's latency runs from the post's scheduled send
time to its arrival at a subscriber; every expected delivery is counted, so lost and duplicated ones show.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

import grpc
from floor import measured_once
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import DURATION, CpuMeter, percentiles, read_timed_body, report, timed_body
from stack import create_rooms, running_stack

from hearth_common.clients.channel import open_aio_channel

PEOPLE = int(os.environ.get("BENCH_LIVE_SUBSCRIBERS", "1000"))
ROOMS = int(os.environ.get("BENCH_LIVE_ROOMS", "150"))
RATE = float(os.environ.get("BENCH_LIVE_RATE", "200"))
STREAMS = int(os.environ.get("BENCH_LIVE_STREAMS", str(PEOPLE)))  # how many of the people subscribe (diagnosis)
SUBSCRIBER_PROCESSES = 2
CHANNELS = 8  # per replica and subscriber process; HTTP/2 streams share them


async def subscribe_all(spec: dict, out: pathlib.Path) -> None:
    """Subscriber process: holds its streams, records (subscriber, post number, latency) for each delivery."""
    channels = {t: [open_aio_channel(t) for _ in range(CHANNELS)] for t in {s["target"] for s in spec["subs"]}}
    received: dict[int, list] = collections.defaultdict(list)
    ready = 0
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    async def follow(index: int, sub: dict) -> None:
        nonlocal ready
        stub = room_pb2_grpc.RoomServiceStub(channels[sub["target"]][index % CHANNELS])
        call = stub.Subscribe(rpb.SubscribeRequest(slug=sub["slug"]), metadata=[tuple(m) for m in sub["md"]])
        try:
            async for item in call:
                if item.kind == "subscribed":
                    ready += 1
                    if ready == len(spec["subs"]):
                        print("ready", flush=True)
                elif item.kind == "message_posted":
                    k, scheduled = read_timed_body(item.message.body)
                    received[index].append((k, time.monotonic() - scheduled))
        except (grpc.aio.AioRpcError, asyncio.CancelledError):
            pass

    tasks = [asyncio.create_task(follow(i, sub)) for i, sub in enumerate(spec["subs"])]
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    out.write_text(json.dumps({spec["subs"][i]["id"]: got for i, got in received.items()}))


async def post_open_loop(targets: list[str], posters: list[tuple[str, list, str]], rate: float, seconds: float):
    """Posts rate/s for `seconds`; returns {post number: room} for the posts that succeeded, and failures."""
    stubs = [room_pb2_grpc.RoomServiceStub(open_aio_channel(t)) for t in targets]
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    posted: dict[int, str] = {}
    post_latencies: list[float] = []
    failures = collections.Counter()

    async def one(k: int) -> None:
        scheduled = start + k / rate
        await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        _, md, slug = posters[k % len(posters)]
        body = timed_body(k, scheduled)
        try:
            request = rpb.PostMessageRequest(slug=slug, body=body)
            await stubs[k % len(stubs)].PostMessage(request, metadata=md, timeout=10)
            post_latencies.append(time.monotonic() - scheduled)
            posted[k] = slug
        except grpc.aio.AioRpcError as exc:
            failures[exc.code().name] += 1

    await asyncio.gather(*(one(k) for k in range(total)))
    return posted, failures, post_latencies


def main() -> None:
    with running_stack("bench_live", room_grpc_replicas=2, count_pg=True) as stack:
        people = stack.register([f"live_{i:04d}" for i in range(PEOPLE)])
        slugs = create_rooms(stack, "live", ROOMS, capacity=50)
        stack.wait_known(people, slugs[0])
        room_of = {pid: slugs[i % ROOMS] for i, (pid, _) in enumerate(people)}

        def join(person):
            pid, md = person
            stack.rooms.JoinRoom(rpb.JoinRoomRequest(slug=room_of[pid]), metadata=md, timeout=30)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(join, people))
        subs = [{"id": pid, "slug": room_of[pid], "md": md, "target": stack.room_targets[i % 2]}
                for i, (pid, md) in enumerate(people)][:STREAMS]
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-live-"))
        readers = []
        for n in range(SUBSCRIBER_PROCESSES):
            spec = tmp / f"spec-{n}.json"
            spec.write_text(json.dumps({"subs": subs[n::SUBSCRIBER_PROCESSES]}))
            command = [sys.executable, __file__, "--subscribe", str(spec), str(tmp / f"out-{n}.json")]
            readers.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
        for reader in readers:
            assert reader.stdout.readline().strip() == "ready", "subscribers did not start"
        posters = [(pid, md, room_of[pid]) for pid, md in people]
        floor = measured_once()
        pg = stack.pg_meter()
        cpu = CpuMeter({**stack.cpu_meter().groups, "subscribers": [r.pid for r in readers]}, also=[pg])
        cpu.start()
        started = time.perf_counter()
        posted, failures, post_latencies = asyncio.run(post_open_loop(stack.room_targets, posters, RATE, DURATION))
        used = cpu.used()
        cpu_line = cpu.line(max(len(posted), 1), time.perf_counter() - started, used)
        ratio_line = "  " + floor.ratio("room-grpc (2 replicas, fan-out included)",
                                        used["room-grpc"] * 1000 / max(len(posted), 1), "post", 4)
        pg_line = pg.line("post", len(posted), 3)
        time.sleep(3)  # let the last deliveries arrive
        for reader in readers:
            reader.send_signal(signal.SIGTERM)
            reader.wait(60)
        received: dict[str, list] = {}
        for n in range(SUBSCRIBER_PROCESSES):
            received |= json.loads((tmp / f"out-{n}.json").read_text())

    members = collections.defaultdict(list)
    for pid, slug in room_of.items():
        members[slug].append(pid)
    latencies, lost, duplicated = [], 0, 0
    for pid in [sub["id"] for sub in subs]:
        got = received.get(pid, [])
        seen = collections.Counter(k for k, _ in got)
        duplicated += sum(c - 1 for c in seen.values())
        expected = {k for k, slug in posted.items() if slug == room_of[pid]}
        lost += len(expected - set(seen))
        latencies += [lat for _, lat in got]
    report("  of which PostMessage (answered)", post_latencies)
    print(f"message delivery to every subscriber       rate={RATE:.0f} msg/s over {ROOMS} rooms, {PEOPLE} subscribers, "
          f"2 room-grpc replicas: posts={len(posted)} failed={sum(failures.values())} {dict(failures) or ''} "
          f"deliveries={len(latencies)} lost={lost} duplicated={duplicated} "
          f"{percentiles(latencies)}")
    print(cpu_line.replace("per call", "per post"))
    print(ratio_line)
    print(pg_line)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--subscribe":
        asyncio.run(subscribe_all(json.loads(pathlib.Path(sys.argv[2]).read_text()), pathlib.Path(sys.argv[3])))
    else:
        main()
