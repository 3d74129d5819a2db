"""Benchmark: fan-out scale, the same post rate delivered to 1,000 and then to 10,000 live streams.

identity, room-worker and four room-grpc replicas run as real processes. PEOPLE people join ROOMS rooms; for
each row every person holds streams/PEOPLE Subscribe streams on their room (1 for 1,000 streams, 10 for
10,000), spread round-robin over the replicas and held by several subscriber processes (HTTP/2 streams
share a few channels each, so file descriptors stay few). Posts go out open-loop at RATE/s for BENCH_SECONDS,
round-robin over the people; a delivery's latency runs from the post's scheduled send time to its arrival at
each stream of the post's room (the poster's own included); every expected delivery is counted.
Prints each row's delivery p50/p99/max, lost and duplicated, CPU per post of each process, and the ratio of
the two p99s (issue 16's target: 10,000 streams within 2x of 1,000).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import pathlib
import statistics
import tempfile
import time

from hearth.room.v1 import room_pb2 as rpb
from live import Subscribers, deliveries, post_open_loop
from loadgen import DURATION, WARMUP, CpuMeter, machine_check, percentiles
from stack import FEW_CONNECTIONS, create_rooms, running_stack

PEOPLE = int(os.environ.get("BENCH_FANOUT_PEOPLE", "1000"))
ROOMS = int(os.environ.get("BENCH_FANOUT_ROOMS", "50"))
RATE = float(os.environ.get("BENCH_FANOUT_RATE", "10"))
STREAMS = [int(n) for n in os.environ.get("BENCH_FANOUT_STREAMS", "1000,10000").split(",")]
REPLICAS = 4
SUBSCRIBER_PROCESSES = int(os.environ.get("BENCH_FANOUT_SUBSCRIBER_PROCESSES", "4"))
SETTLE = 5.0  # seconds after the last post for the last deliveries


def main() -> None:
    with running_stack("bench_fanout", room_grpc_replicas=REPLICAS,
                       extra_env={"ROOM_PRESENCE_TIMEOUT_SECONDS": "3600", **FEW_CONNECTIONS}) as stack:
        people = stack.register([f"fanout_{i:05d}" for i in range(PEOPLE)])
        slugs = create_rooms(stack, "fanout", ROOMS, capacity=PEOPLE // ROOMS + 10)
        stack.wait_known(people, slugs[0])
        room_of = [slugs[i % ROOMS] for i in range(PEOPLE)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: stack.rooms.JoinRoom(rpb.JoinRoomRequest(slug=room_of[i]), metadata=people[i][1],
                                                         timeout=30), range(PEOPLE)))
        stack.settle()
        print(f"fan-out benchmark: {PEOPLE} people in {ROOMS} rooms, {REPLICAS} room-grpc replicas, "
              f"{SUBSCRIBER_PROCESSES} subscriber processes, {RATE:g} posts/s for {DURATION:g} s per row")
        print(machine_check())
        p99s = {}
        first = 0
        for count in STREAMS:
            per_person = max(1, count // PEOPLE)
            subs = [{"id": f"{people[i][0]}#{j}", "slug": room_of[i], "md": people[i][1],
                     "target": stack.room_targets[(j * PEOPLE + i) % REPLICAS]}
                    for j in range(per_person) for i in range(PEOPLE)][:count]
            streams = {s["id"]: s["slug"] for s in subs}
            opened = time.perf_counter()
            subscribers = Subscribers(subs, SUBSCRIBER_PROCESSES, pathlib.Path(tempfile.mkdtemp(prefix="bench-fan-")))
            opened = time.perf_counter() - opened
            try:
                # Unmeasured: WARMUP seconds of posts (the live queues' bindings, first deliveries on each stream).
                asyncio.run(post_open_loop(stack.room_targets, lambda k: (people[k % PEOPLE][1], room_of[k % PEOPLE]),
                                           RATE, max(WARMUP, 2), first))
                first += int(RATE * max(WARMUP, 2))
                time.sleep(SETTLE)
                subscribers.collect()
                cpu = CpuMeter({**stack.cpu_meter().groups, "subscribers": subscribers.pids})
                cpu.start()
                started = time.perf_counter()
                posted, failures, _ = asyncio.run(post_open_loop(
                    stack.room_targets, lambda k: (people[k % PEOPLE][1], room_of[k % PEOPLE]), RATE, DURATION, first))
                cpu_line = cpu.line(max(len(posted), 1), time.perf_counter() - started)
                first += int(RATE * DURATION)
                time.sleep(SETTLE)
                received = subscribers.collect()
            finally:
                subscribers.stop()
            latencies, lost, duplicated = deliveries(posted, received, streams)
            if len(latencies) > 1:
                p99s[count] = statistics.quantiles(latencies, n=100, method="inclusive")[98]
            print(f"fan-out: {len(subs):>6} streams ({len(subs) / ROOMS:.0f} per room, opened in {opened:.1f} s) "
                  f"posts={len(posted)} failed={sum(failures.values())}{' ' + str(dict(failures)) if failures else ''}"
                  f" deliveries={len(latencies)} lost={lost} duplicated={duplicated} "
                  f"delivery {percentiles(latencies) if len(latencies) > 1 else '-'}", flush=True)
            print(cpu_line.replace("per call", "per post"), flush=True)
    if len(p99s) == 2:
        small, large = sorted(p99s)
        print(f"fan-out: delivery p99 with {large} streams / with {small} streams = "
              f"{p99s[large] / p99s[small]:.1f}x (target <= 2x)")


if __name__ == "__main__":
    main()
