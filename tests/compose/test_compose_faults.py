"""Compose, under faults: a small load (posts from one thread, two resumed Subscribe streams) runs while a worker,
a gRPC replica, the broker or the database is broken, or room is redeployed; each case then checks that every
acknowledged post is in history and on every stream exactly once, with no seq gaps, and counts failed calls.

The load reaches room through the grpc-lb service (HAProxy) by default; COMPOSE_LOAD_VIA=ports makes it use one
client channel over every host port room-grpc replicas can take instead (ROOM_GRPC_HOST_PORTS)."""
import os
import signal
import subprocess
import time
import uuid

import grpc
import pytest
from compose_helpers import (
    COMPOSE,
    PostingLoad,
    ResumingSubscriber,
    audit,
    compose,
    container_ids,
    history,
    port_range,
)
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.clients.channel import open_channel

T = 10
ADMIN = ("admin", os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ""))  # exported by deploy/compose-test.sh
WRITERS = 10  # room lets a person post 5 times in 10 s: ten writers carry 3 posts a second


def lb_or_ports(service: str, lb_variable: str, lb_default: str, ports_variable: str, ports_default: str):
    if os.environ.get("COMPOSE_LOAD_VIA", "lb") == "lb":
        return open_channel([f"127.0.0.1:{os.environ.get(lb_variable, lb_default)}"])
    return open_channel([f"127.0.0.1:{p}" for p in port_range(ports_variable, ports_default)])


def wait_all_healthy(limit: int = 150) -> None:
    subprocess.run(["bash", "deploy/wait-healthy.sh", " ".join(COMPOSE), str(limit)], check=True,
                   capture_output=True, timeout=limit + 30)


def login(identity, username, password="a long enough password"):
    token = identity.Login(pb.LoginRequest(username=username, password=password), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}")]


@pytest.fixture(scope="module")
def room_under_load():
    """A fresh always-open room, ten writers and a reader who joined it, and a room stub over the balanced
    channel."""
    identity = identity_pb2_grpc.IdentityServiceStub(
        lb_or_ports("identity-grpc", "IDENTITY_GRPC_LB_HOST_PORT", "15050", "IDENTITY_GRPC_HOST_PORTS", "15051-15054"))
    room_channel = lb_or_ports("room-grpc", "ROOM_GRPC_LB_HOST_PORT", "15060", "ROOM_GRPC_HOST_PORTS", "15061-15064")
    room = room_pb2_grpc.RoomServiceStub(room_channel)
    staff = login(identity, *ADMIN)
    slug = f"adult-faults-{uuid.uuid4().hex[:6]}"
    spec = rpb.RoomSpec(slug=slug, name=f"Faults {slug[-6:]}", description="Load for the fault tests.",
                        topic="community", audience=rpb.AUDIENCE_ADULT, audience_kind="both",
                        mode=rpb.ROOM_MODE_ALWAYS_OPEN, capacity=30, access_policy_json='{"always": true}')
    room.CreateRoom(rpb.CreateRoomRequest(room=spec), metadata=staff, timeout=T)
    people = []
    for i in range(WRITERS + 1):
        username = f"load{i}_{uuid.uuid4().hex[:6]}"
        identity.Register(pb.RegisterRequest(username=username, password="a long enough password",
                                             date_of_birth="1990-01-01", kind=pb.PERSON_KIND_MEMBER), timeout=T)
        people.append(login(identity, username))

    def joined(md):
        try:
            room.JoinRoom(rpb.JoinRoomRequest(slug=slug), metadata=md, timeout=T)
            return True
        except grpc.RpcError:  # room has not had the registration yet
            return False

    for md in people:
        testing.eventually(lambda: joined(md), timeout=60, interval=0.5, what="room to learn of the load's people")
    yield {"room": room, "slug": slug, "writers": people[:WRITERS], "reader": people[WRITERS]}
    room_channel.close()


def head_seq(ctx) -> int:
    call = ctx["room"].Subscribe(rpb.SubscribeRequest(slug=ctx["slug"]), metadata=ctx["reader"], timeout=T)
    first = next(iter(call))
    call.cancel()
    return first.seq


def run_case(ctx, name, fault, capsys, expect_no_failed_call=True):
    """Runs the load around `fault()`, then audits; prints what was measured."""
    started = time.monotonic()
    for md in ctx["writers"]:  # present again (presence times out after a minute)
        ctx["room"].JoinRoom(rpb.JoinRoomRequest(slug=ctx["slug"]), metadata=md, timeout=T)
    start = head_seq(ctx)
    subscribers = [ResumingSubscriber(ctx["room"], ctx["slug"], ctx["reader"], start).start() for _ in range(2)]
    load = PostingLoad(ctx["room"], ctx["slug"], ctx["writers"]).start()
    try:
        time.sleep(3)
        fault_started = time.monotonic()
        fault()
        fault_took = time.monotonic() - fault_started
        time.sleep(3)
        load.stop()
        last = max((seq for seq, _ in load.acked.values()), default=start)
        testing.eventually(lambda: all(s.last_seq >= last for s in subscribers), timeout=60, interval=0.5,
                           what="every stream to catch up")
    finally:
        load.stop()
        for s in subscribers:
            s.stop()
    messages = testing.eventually(lambda: _history(ctx, start), timeout=30, interval=1, what="history")
    report = audit(load, messages, subscribers, start)
    calls = load.stats.summary()
    with capsys.disabled():
        print(f"\n[fault case] {name}: {time.monotonic() - started:.1f} s (fault {fault_took:.1f} s); posts: {calls};"
              f" lost in history {len(report['lost_in_history'])}, duplicated {len(report['duplicated_in_history'])},"
              f" given-up posts stored anyway {len(report['unacked_but_stored'])}; streams: "
              + "; ".join(f"{s['items']} items, breaks {s['breaks']}, lost {len(s['lost_posts'])}, duplicated "
                          f"{len(s['duplicated_posts']) + len(s['duplicated_seqs'])}, gaps {len(s['gaps'])}"
                          for s in report["streams"]))
    assert report["posted_ok"] > 0
    assert not report["lost_in_history"] and not report["wrong_seq_in_history"], report
    assert not report["duplicated_in_history"], report
    for stream in report["streams"]:
        assert not stream["lost_posts"] and not stream["duplicated_posts"], stream
        assert not stream["duplicated_seqs"] and not stream["out_of_order"] and not stream["gaps"], stream
    if expect_no_failed_call:
        assert calls["failed"] == 0, calls
    return calls


def _history(ctx, start):
    try:
        return history(ctx["room"], ctx["slug"], ctx["reader"], start) or None
    except grpc.RpcError:
        return None


def sigkill_one(service: str) -> None:
    """kill -9 of a container's main process, from the host: the restart policy brings the container back
    (`docker kill` would count as a manual stop and leave it down)."""
    victim = container_ids(service)[0]
    pid = int(subprocess.run(["docker", "inspect", "-f", "{{.State.Pid}}", victim], capture_output=True, text=True,
                             check=True, timeout=30).stdout)
    os.kill(pid, signal.SIGKILL)
    testing.eventually(lambda: subprocess.run(["docker", "inspect", "-f", "{{.RestartCount}}", victim],
                                              capture_output=True, text=True).stdout.strip() not in ("", "0"),
                       timeout=30, interval=0.2, what=f"{service} to be restarted")
    wait_all_healthy()


def test_room_worker_sigkill(room_under_load, capsys):
    run_case(room_under_load, "room-worker SIGKILL", lambda: sigkill_one("room-worker"), capsys)


def test_room_grpc_replica_sigkill(room_under_load, capsys):
    run_case(room_under_load, "room-grpc replica SIGKILL", lambda: sigkill_one("room-grpc"), capsys)


def test_broker_restart(room_under_load, capsys):
    def restart():
        compose("restart", "rabbitmq")
        wait_all_healthy()

    run_case(room_under_load, "rabbitmq restart", restart, capsys)


def test_database_restart(room_under_load, capsys):
    def restart():
        compose("restart", "postgres")
        wait_all_healthy()

    run_case(room_under_load, "postgres restart", restart, capsys)


@pytest.mark.timeout(400)  # the migrate step, then two workers and two gRPC replicas replaced one at a time
def test_rolling_redeploy_of_room(room_under_load, capsys):
    before = set(container_ids("room-grpc")) | set(container_ids("room-worker"))

    def redeploy():
        done = subprocess.run(["bash", "deploy/redeploy.sh", " ".join(COMPOSE), "room"], timeout=600,
                              capture_output=True, text=True)
        assert done.returncode == 0, f"redeploy.sh failed ({done.returncode}): {done.stdout}{done.stderr}"

    run_case(room_under_load, "rolling redeploy of room", redeploy, capsys)  # no failed call, nothing lost
    after = set(container_ids("room-grpc")) | set(container_ids("room-worker"))
    assert len(after) == len(before) and not (after & before)  # every replica replaced, as many as before
