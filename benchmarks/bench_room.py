"""Benchmark: room's door and history (make bench): a badge opening a room, access checks, joins of a
badge-locked room, and 50-message history pages.

identity, room-worker and two room-grpc replicas run as real processes on throwaway databases and a vhost,
with the load generator on the same machine; calls alternate between the replicas; prints figures only.
Each room row prints room-grpc's CPU per call as a multiple of the floor's (an empty grpc.aio call, measured
first: floor.py) and room-grpc's PostgreSQL round trips per call (counted by pgcount.py).
"""
from __future__ import annotations

import concurrent.futures
import math
import random
import time

import grpc
from floor import Around, fast_path, measured_once
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import DURATION, WARMUP, CpuMeter, machine_check, open_loop, report
from stack import create_rooms, running_stack

from hearth_common.clients.channel import open_channel

SEEDED_LOCKED = "adult-peer-supporters"  # one of Chief Chat or First Post, plus Compassion Hero
LOCK = '{"all_of": [{"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]}, {"badge": "compassion-hero"}]}'
JOIN_RATE = 300
LOCKED_ROOMS = 10  # at least: more when the join row is long enough to fill 10 rooms of the largest capacity
MOST_MEMBERS = 1000  # a room's largest capacity
HISTORY_MESSAGES = 500


def main() -> None:
    # The benchmark's members send no heartbeats: with the default presence timeout the sweep would drop the
    # join row's 3,300 members at once a minute later, in the middle of another row.
    quiet_presence = {"ROOM_PRESENCE_TIMEOUT_SECONDS": "3600"}
    with running_stack("bench_room", room_grpc_replicas=2, extra_env=quiet_presence, count_pg=True) as stack:
        stubs = [room_pb2_grpc.RoomServiceStub(open_channel(t)) for t in stack.room_targets]
        # Enough people that every join in the run is a first join of a (person, room) pair.
        joins = int(JOIN_RATE * (WARMUP + DURATION))
        join_rooms = max(LOCKED_ROOMS, math.ceil(joins / MOST_MEMBERS))
        people = stack.register([f"bench_room_{i:04d}" for i in range(max(joins // join_rooms + 1, 200))])
        stack.wait_known(people, SEEDED_LOCKED)

        def allowed(md) -> bool:
            request = rpb.CheckAccessRequest(slug=SEEDED_LOCKED)
            return stack.rooms.CheckAccess(request, metadata=md, timeout=5).access.allowed

        print(f"room benchmark: identity, room-worker, {len(stubs)} room-grpc replicas and the load generator"
              " on one machine")
        print(machine_check())
        floor = measured_once()

        def metered() -> tuple[CpuMeter, object]:
            pg = stack.pg_meter()
            return CpuMeter(stack.cpu_meter().groups, also=[pg]), pg

        opened = []
        for person_id, md in people:
            for badge in ("first-post", "compassion-hero"):
                stack.identity.AwardBadge(ipb.AwardBadgeRequest(person_id=person_id, badge_slug=badge, reason="bench"),
                                          metadata=stack.admin_md, timeout=10)
            if len(opened) < 30:
                awarded = time.perf_counter()
                while not allowed(md):
                    time.sleep(0.002)
                opened.append(time.perf_counter() - awarded)
        report("badge awarded -> room opens (n=%d)" % len(opened), opened)
        while not allowed(people[-1][1]):  # every award has reached room's read model
            time.sleep(0.05)

        stack.settle()
        for rate in (100, 300):
            cpu, pg = metered()
            open_loop("gRPC CheckAccess, badge-locked room", rate, lambda i: stubs[i % 2].CheckAccess(
                rpb.CheckAccessRequest(slug=SEEDED_LOCKED), metadata=people[i % len(people)][1], timeout=5),
                cpu=cpu, after=lambda figures, pg=pg: fast_path(floor, figures, "check", pg=pg))
        open_loop("gRPC ListRooms (198 rooms, with access)", 20, lambda i: stubs[i % 2].ListRooms(
            rpb.ListRoomsRequest(), metadata=people[i % len(people)][1], timeout=10), workers=8)

        stack.settle()
        locked = create_rooms(stack, "locked", join_rooms + 1, policy=LOCK, capacity=MOST_MEMBERS)
        with concurrent.futures.ThreadPoolExecutor(16) as pool:  # warm-up: both replicas' connection pools
            list(pool.map(lambda i: stubs[i % 2].JoinRoom(rpb.JoinRoomRequest(slug=locked[join_rooms]),
                                                          metadata=people[i][1], timeout=5), range(200)))
        # Under the join row: the same rate of calls that do nothing (no token, no database), through room-grpc's
        # own server, interceptors, thread pools and load generator (the bare floor is floor.py's, printed first).
        health = [health_pb2_grpc.HealthStub(grpc.insecure_channel(t)) for t in stack.room_targets]
        open_loop("gRPC Health.Check via room-grpc (no token, no db)", JOIN_RATE, lambda i: health[i % 2].Check(
            health_pb2.HealthCheckRequest(), timeout=5), cpu=stack.cpu_meter(),
            after=lambda figures: fast_path(floor, figures, "check"))
        around = Around(floor)
        cpu, pg = metered()
        open_loop(f"gRPC JoinRoom, badge-locked ({join_rooms} rooms)", JOIN_RATE, lambda i: stubs[i % 2].JoinRoom(
            rpb.JoinRoomRequest(slug=locked[i % join_rooms]), metadata=people[i // join_rooms][1], timeout=5),
            cpu=cpu, after=around.capture("join", pg))
        around.report("join", 3)

        stack.settle()
        talk = locked[0]  # everyone joined it above; fill it with history, 5 posts per person (the rate limit)
        posts = 0
        while posts < HISTORY_MESSAGES:
            for _, md in people[: HISTORY_MESSAGES // 5]:
                stubs[0].PostMessage(rpb.PostMessageRequest(slug=talk, body=f"history message {posts}"), metadata=md,
                                     timeout=10)
                posts += 1
        seqs, after = [], 0
        while page := stubs[0].ListMessages(rpb.ListMessagesRequest(slug=talk, after_seq=after, limit=100),
                                            metadata=people[0][1], timeout=5).messages:
            seqs += [m.seq for m in page]
            after = page[-1].seq
        stack.settle()
        cursors = [random.choice(seqs[50:] + [seqs[-1] + 1]) for _ in range(1024)]  # always a full page
        around = Around(floor)
        cpu, pg = metered()
        open_loop("gRPC ListMessages, 50 per page", 300, lambda i: stubs[i % 2].ListMessages(
            rpb.ListMessagesRequest(slug=talk, before_seq=cursors[i % 1024], limit=50),
            metadata=people[i % len(people)][1], timeout=5), cpu=cpu, after=around.capture("page", pg))
        around.report("page", 3)


if __name__ == "__main__":
    main()
