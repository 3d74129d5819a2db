"""Benchmark: crisis care under load (make bench): post -> the author's care notice and the crisis page on an
on-duty crisis-trained moderator's console, while room carries a steady stream of ordinary posts.

identity, room-worker, room-grpc, moderation-worker and moderation-grpc run as real processes on throwaway
databases and a vhost. Posts go out open-loop at BENCH_PAGER_RATE a second (50 by default) through room,
round-robin over the members (so nobody passes room's posting limit); one in BENCH_PAGER_CRISIS_EVERY (10) is
crisis language from an author of its own. A crisis post's latency runs from its scheduled send time to the
arrival of (a) its author's `notice_issued` on a queue bound to moderation.events, (b) its page on the
moderator's StreamPages stream. Every crisis post that room accepted is expected twice, so lost ones show.
"""
from __future__ import annotations

import asyncio
import collections
import json
import os
import subprocess
import tempfile
import threading
import time

import grpc
import kombu
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import BIN, DURATION, CpuMeter, free_port, percentiles
from stack import PASSWORD, create_rooms, running_stack

from hearth_common import testing
from hearth_common.clients.channel import open_aio_channel, open_channel
from hearth_common.outbox import event_exchange

RATE = float(os.environ.get("BENCH_PAGER_RATE", "50"))
CRISIS_EVERY = int(os.environ.get("BENCH_PAGER_CRISIS_EVERY", "10"))
ROOMS = 10
CRISIS_WORDS = "I have the pills in front of me and I'm going to take them all tonight"
CRISIS_BADGE = "crisis-response-trained"
SETTLE = 5.0  # seconds after the last post for the last notices and pages to arrive


def start_moderation(stack, tmp: str):
    """moderation's database, migration, worker and gRPC server on the stack's vhost."""
    db = testing.create_database("hearth_bench_pager_moderation")
    target = f"127.0.0.1:{free_port()}"
    env = {**stack.env, "MODERATION_DATABASE_URL": db, "MODERATION_AMQP_URI": stack.env["ROOM_AMQP_URI"],
           "MODERATION_IDENTITY_GRPC_TARGET": stack.identity_target, "MODERATION_GRPC_ADDRESS": target,
           "MODERATION_WORKER_HEARTBEAT_FILE": f"{tmp}/moderation.hb"}
    subprocess.run([str(BIN / "moderation-migrate")], env=env, check=True, capture_output=True)
    procs = [subprocess.Popen([str(BIN / name)], env=env) for name in ("moderation-worker", "moderation-grpc")]
    testing.wait_consuming(env["MODERATION_AMQP_URI"], "evt-room-message_posted--moderation.on_message_posted",
                           timeout=60)
    grpc.channel_ready_future(grpc.insecure_channel(target)).result(timeout=60)
    return db, target, procs


def crisis_moderator(stack, moderation) -> tuple[str, list]:
    """A chat room moderator holding the crisis-response badge, on duty once moderation knows both."""
    person = stack.identity.Register(ipb.RegisterRequest(username="bench_crisis_mod", password=PASSWORD,
                                                         date_of_birth="1985-01-01", kind=ipb.PERSON_KIND_LISTENER),
                                     timeout=30).person
    stack.identity.GrantRole(ipb.GrantRoleRequest(person_id=person.id, role=ipb.ROLE_CHAT_ROOM_MODERATOR),
                             metadata=stack.admin_md, timeout=30)
    stack.identity.AwardBadge(ipb.AwardBadgeRequest(person_id=person.id, badge_slug=CRISIS_BADGE, reason="trained",
                                                    idempotency_key="bench-badge"), metadata=stack.admin_md, timeout=30)
    token = stack.identity.Login(ipb.LoginRequest(username="bench_crisis_mod", password=PASSWORD), timeout=30)
    md = [("authorization", f"Bearer {token.tokens.access_token}")]

    def on_duty():
        try:
            return moderation.GoOnDuty(mpb.GoOnDutyRequest(), metadata=md, timeout=10).shift.crisis_trained or None
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.PERMISSION_DENIED:
                raise
            return None

    testing.eventually(on_duty, timeout=60, what="moderation to learn of the moderator's role and badge")
    return person.id, md


def read_console(target: str, md: list, pages: dict, ready: threading.Event, stop: threading.Event) -> None:
    """The moderator's console: records each page's arrival time by its message id."""
    stub = moderation_pb2_grpc.ModerationServiceStub(open_channel(target))
    call = stub.StreamPages(mpb.StreamPagesRequest(), metadata=md)
    threading.Thread(target=lambda: (stop.wait(), call.cancel()), daemon=True).start()
    try:
        for update in call:
            if not update.HasField("page"):
                ready.set()
            elif update.page.kind == "crisis":
                pages.setdefault(update.page.message_id, time.monotonic())
    except grpc.RpcError:
        pass


def read_notices(uri: str, notices: dict, ready: threading.Event, stop: threading.Event) -> None:
    """Every notice_issued moderation publishes: records each care notice's arrival time by its person."""
    with kombu.Connection(uri) as connection:
        channel = connection.channel()
        bound = kombu.Queue("bench-pager-notices", exchange=event_exchange("moderation"), routing_key="notice_issued",
                            exclusive=True)(channel)
        bound.declare()

        def on_message(body, message):
            event = json.loads(body) if isinstance(body, (str, bytes)) else body
            if event["data"]["kind"] == "care":
                notices.setdefault(event["data"]["person_id"], time.monotonic())

        with kombu.Consumer(channel, queues=[bound], callbacks=[on_message], no_ack=True, accept=["json"]):
            ready.set()
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=0.2)
                except TimeoutError:
                    pass


async def post_open_loop(target: str, plain: list, crisis: list, rooms: dict, rate: float, seconds: float):
    """Posts rate/s for `seconds`, every CRISIS_EVERY-th a crisis message from a crisis author of its own.
    Returns {crisis author: (message id, scheduled time)}, the ordinary posts' count, failures and post latencies."""
    stub = room_pb2_grpc.RoomServiceStub(open_aio_channel(target))
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    crisis_posts: dict[str, tuple[str, float]] = {}
    post_latencies: list[float] = []
    failures = collections.Counter()
    plain_posts = 0

    async def one(k: int) -> None:
        nonlocal plain_posts
        scheduled = start + k / rate
        await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        is_crisis = k % CRISIS_EVERY == 0
        pid, md = crisis[k // CRISIS_EVERY] if is_crisis else plain[k % len(plain)]
        body = CRISIS_WORDS if is_crisis else f"checking in, post {k}: today was a bit better than yesterday"
        try:
            posted = await stub.PostMessage(rpb.PostMessageRequest(slug=rooms[pid], body=body), metadata=md,
                                            timeout=10)
        except grpc.aio.AioRpcError as exc:
            failures[exc.code().name] += 1
            return
        post_latencies.append(time.monotonic() - scheduled)
        if is_crisis:
            crisis_posts[pid] = (posted.message.message_id, scheduled)
        else:
            plain_posts += 1

    await asyncio.gather(*(one(k) for k in range(total)))
    return crisis_posts, plain_posts, failures, post_latencies


def main() -> None:
    total = int(RATE * DURATION)
    crisis_count = (total + CRISIS_EVERY - 1) // CRISIS_EVERY
    plain_count = max(int(RATE * 5), 20)  # each posts about once every 5 s, within room's posting limit
    with running_stack("bench_pager") as stack:
        tmp = tempfile.mkdtemp(prefix="bench-pager-")
        moderation_db, moderation_target, moderation_procs = start_moderation(stack, tmp)
        try:
            moderation = moderation_pb2_grpc.ModerationServiceStub(open_channel(moderation_target))
            people = stack.register([f"pager_{i:04d}" for i in range(plain_count + crisis_count)])
            slugs = create_rooms(stack, "pager", ROOMS, capacity=100)
            stack.wait_known(people, slugs[0])
            rooms = {pid: slugs[i % ROOMS] for i, (pid, _) in enumerate(people)}
            for pid, md in people:
                stack.rooms.JoinRoom(rpb.JoinRoomRequest(slug=rooms[pid]), metadata=md, timeout=30)
            plain, crisis = people[:plain_count], people[plain_count:]
            _, moderator_md = crisis_moderator(stack, moderation)

            pages: dict[str, float] = {}
            notices: dict[str, float] = {}
            stop, console_ready, notices_ready = threading.Event(), threading.Event(), threading.Event()
            threads = [threading.Thread(target=read_console, daemon=True,
                                        args=(moderation_target, moderator_md, pages, console_ready, stop)),
                       threading.Thread(target=read_notices, daemon=True,
                                        args=(stack.env["ROOM_AMQP_URI"], notices, notices_ready, stop))]
            for thread in threads:
                thread.start()
            assert console_ready.wait(30) and notices_ready.wait(30), "the console or the notice reader did not start"
            groups = {**stack.cpu_meter().groups, "moderation-worker": [moderation_procs[0].pid],
                      "moderation-grpc": [moderation_procs[1].pid]}
            cpu = CpuMeter(groups)
            cpu.start()
            started = time.perf_counter()
            crisis_posts, plain_posts, failures, post_latencies = asyncio.run(
                post_open_loop(stack.room_targets[0], plain, crisis, rooms, RATE, DURATION))
            cpu_line = cpu.line(max(len(crisis_posts) + plain_posts, 1), time.perf_counter() - started)
            deadline = time.monotonic() + SETTLE
            message_ids = {message_id for message_id, _ in crisis_posts.values()}
            while time.monotonic() < deadline and not (set(crisis_posts) <= set(notices) and message_ids <= set(pages)):
                time.sleep(0.1)
            stop.set()
        finally:
            testing.stop_processes(moderation_procs)
            testing.drop_database(moderation_db)

    notice_latencies = [notices[pid] - at for pid, (_, at) in crisis_posts.items() if pid in notices]
    page_latencies = [pages[mid] - at for _, (mid, at) in crisis_posts.items() if mid in pages]
    lost_notices = len(crisis_posts) - len(notice_latencies)
    lost_pages = len(crisis_posts) - len(page_latencies)
    print(f"{'  PostMessage (answered)':<40} {percentiles(post_latencies)}")
    print(f"post -> care notice (moderation.events)   rate={RATE:.0f} posts/s, crisis={len(crisis_posts)} "
          f"ordinary={plain_posts} failed={sum(failures.values())} {dict(failures) or ''}lost={lost_notices} "
          f"{percentiles(notice_latencies) if notice_latencies else 'none arrived'}")
    print(f"post -> page on the moderator's console   crisis={len(crisis_posts)} lost={lost_pages} "
          f"{percentiles(page_latencies) if page_latencies else 'none arrived'}")
    print(cpu_line.replace("per call", "per post"))


if __name__ == "__main__":
    main()
