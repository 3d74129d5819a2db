"""Benchmark: the group-chat workload of issue 16 (the shape Synapse was measured on), a ladder of post rates.

200 people in 20 rooms of 10; each person holds one Subscribe stream on their room (200 streams, alternating
over two room-grpc replicas, read by two subscriber processes). Posts go out open-loop at each rate of the
ladder in turn (BENCH_CHAT_RATES, BENCH_SECONDS each), round-robin over the people, each to the poster's own
room through either replica. A delivery's latency runs from the post's scheduled send time to its arrival
at each of the 9 other members' streams; every expected delivery is counted, so lost and duplicated ones
show. The ladder stops after the first rate whose delivery p99 passes 500 ms.

The posting limit is per account (5 posts in 10 s): each person posts through ACCOUNTS accounts of their
own, all members of their room (one of them holds the person's stream), so that the highest rate stays
within it; the room's members are 10 streams and 10 x ACCOUNTS accounts.

Prints per rate: delivery p50/p99/max, posts failed, lost and duplicated deliveries, CPU per post of each
process, room-grpc's CPU per post as a multiple of the floor (target <= 4x), how much of it grpc.aio itself
costs at least (the post's call as the empty call, and its room's 10 stream writes as the stream-write floor,
floor.measure_writes, both measured around the row) and its PostgreSQL round trips per post (target <= 3); at the
end the highest rate with delivery p99 <= 50 ms and with p99 < 500 ms.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import math
import os
import pathlib
import statistics
import tempfile
import time

from floor import Around, measure_writes, measured_once
from hearth.room.v1 import room_pb2 as rpb
from live import Subscribers, deliveries, post_open_loop
from loadgen import DURATION, WARMUP, CpuMeter, machine_check, percentiles
from stack import FEW_CONNECTIONS, create_rooms, running_stack

PEOPLE = 200
ROOM_SIZE = 10
RATES = [float(r) for r in os.environ.get("BENCH_CHAT_RATES", "50,100,200,283,400,560").split(",")]
GIVE_UP_P99 = 0.5  # seconds: the ladder stops after a rate past it
GOOD_P99 = 0.05
SETTLE = 3.0  # seconds after a rate's last post for its last deliveries
# 5 posts per account in any 10 s: at most 0.5/s each, with headroom for posts answered late and bunched.
ACCOUNTS = max(1, math.ceil(max(RATES) / PEOPLE / 0.4))


def main() -> None:
    rooms_count = PEOPLE // ROOM_SIZE
    with running_stack("bench_chat", room_grpc_replicas=2, count_pg=True,
                       extra_env={"ROOM_PRESENCE_TIMEOUT_SECONDS": "3600", **FEW_CONNECTIONS}) as stack:
        accounts = stack.register([f"chat_{i:04d}_{a}" for a in range(ACCOUNTS) for i in range(PEOPLE)])
        slugs = create_rooms(stack, "chat", rooms_count, capacity=ROOM_SIZE * ACCOUNTS + 10)
        stack.wait_known(accounts, slugs[0])
        # accounts[a * PEOPLE + i] is person i's account a; account 0 holds the person's stream.
        room_of_person = [slugs[i // ROOM_SIZE] for i in range(PEOPLE)]

        def join(n: int) -> None:
            stack.rooms.JoinRoom(rpb.JoinRoomRequest(slug=room_of_person[n % PEOPLE]), metadata=accounts[n][1],
                                 timeout=30)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(join, range(len(accounts))))
        stream_of_person = [accounts[i][0] for i in range(PEOPLE)]
        subs = [{"id": stream_of_person[i], "slug": room_of_person[i], "md": accounts[i][1],
                 "target": stack.room_targets[i % 2]} for i in range(PEOPLE)]
        streams = {s["id"]: s["slug"] for s in subs}
        stack.settle()

        print(f"group chat benchmark: {PEOPLE} people in {rooms_count} rooms of {ROOM_SIZE}, {PEOPLE} streams over "
              f"2 room-grpc replicas (2 subscriber processes), {ACCOUNTS} posting accounts per person; "
              f"{DURATION:g} s per rate")
        print(machine_check())
        floor = measured_once()
        write_floor = measure_writes()
        subscribers = Subscribers(subs, 2, pathlib.Path(tempfile.mkdtemp(prefix="bench-chat-")))
        good, tolerable = None, None

        def poster(k: int) -> tuple[list, str]:
            person = k % PEOPLE
            account = (k // PEOPLE) % ACCOUNTS
            return accounts[account * PEOPLE + person][1], room_of_person[person]

        try:
            # Unmeasured: every account's first post (its token's first check on each replica), pools, statements.
            warm_rate = 100.0
            warm = max(WARMUP, len(accounts) / warm_rate)
            asyncio.run(post_open_loop(stack.room_targets, poster, warm_rate, warm))
            first = int(warm_rate * warm)
            time.sleep(SETTLE)
            subscribers.collect()
            for rate in RATES:
                around = Around(floor, write_floor)
                pg = stack.pg_meter()
                cpu = CpuMeter({**stack.cpu_meter().groups, "subscribers": subscribers.pids}, also=[pg])
                cpu.start()
                started = time.perf_counter()
                posted, failures, post_latencies = asyncio.run(
                    post_open_loop(stack.room_targets, poster, rate, DURATION, first))
                elapsed = time.perf_counter() - started
                used = cpu.used()
                pg_line = pg.line("post", len(posted), 3)
                time.sleep(SETTLE)
                received = subscribers.collect()
                skip = {k: stream_of_person[k % PEOPLE] for k in posted}
                latencies, lost, duplicated = deliveries(posted, received, streams, skip)
                first += int(rate * DURATION)
                n = max(len(posted), 1)
                p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98] if len(latencies) > 1 else math.inf
                print(f"group chat: {rate:>5.0f} posts/s  posts={len(posted)} failed={sum(failures.values())}"
                      f"{' ' + str(dict(failures)) if failures else ''} deliveries={len(latencies)} lost={lost} "
                      f"duplicated={duplicated} delivery {percentiles(latencies) if len(latencies) > 1 else '-'}",
                      flush=True)
                if len(post_latencies) > 1:
                    print(f"  of which PostMessage (answered) {percentiles(post_latencies)}")
                print(cpu.line(n, elapsed, used).replace("per call", "per post"))
                per_post = used["room-grpc"] * 1000 / n
                print("  " + around.ratio("room-grpc (2 replicas, fan-out included)", per_post, "post", 4))
                print("  " + around.least(per_post, ROOM_SIZE))  # the post's call and its room's 10 writes
                print(pg_line, flush=True)
                ok = not failures and not lost and not duplicated
                if ok and p99 <= GOOD_P99:
                    good = rate
                if ok and p99 < GIVE_UP_P99:
                    tolerable = rate
                if p99 > GIVE_UP_P99:
                    print(f"  delivery p99 past {GIVE_UP_P99 * 1000:.0f} ms: the ladder stops here")
                    break
        finally:
            subscribers.stop()
    print(f"group chat: highest rate with delivery p99 <= {GOOD_P99 * 1000:.0f} ms (nothing failed, lost or "
          f"duplicated): {f'{good:.0f}/s' if good else 'none'}")
    print(f"group chat: highest rate with delivery p99 < {GIVE_UP_P99 * 1000:.0f} ms: "
          f"{f'{tolerable:.0f}/s' if tolerable else 'none'}")


if __name__ == "__main__":
    main()
