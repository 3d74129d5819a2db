"""Benchmark: identity's gRPC and nameko RPC latency at fixed open-loop rates (make bench); prints figures only.

Starts identity-migrate, identity-grpc and identity-worker as real processes on a throwaway database and vhost.
Latency is measured from each request's scheduled send time, so a stall counts against every request it delays.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time

import grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from loadgen import BIN, DURATION, free_port, open_loop

from hearth_common import errors, testing
from hearth_common.clients.channel import open_channel
from hearth_common.rpc_client import RpcClient, RpcTimeout, RpcUnavailable
from hearth_common.testing import stop_processes

ADMIN = ("bench_admin", "bench admin password")


def main() -> None:
    vhost = testing.RabbitVhost("hearth_bench").create()
    db_url = testing.create_database("hearth_identity_bench")
    target = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "IDENTITY_DATABASE_URL": db_url,
        "IDENTITY_AMQP_URI": vhost.uri,
        "HEARTH_RPC_LOCAL_CALLER": "true",  # the benchmark calls over RPC on the local broker's default user
        "IDENTITY_GRPC_ADDRESS": target,
        "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": ADMIN[0],
        "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": ADMIN[1],
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    }
    procs = []
    try:
        subprocess.run([str(BIN / "identity-migrate")], env=env, check=True, capture_output=True)
        procs = [subprocess.Popen([str(BIN / f"identity-{p}")], env=env) for p in ("grpc", "worker")]
        channel = open_channel(target)
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        token = stub.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=10).tokens.access_token
        md = [("authorization", f"Bearer {token}")]
        people = []
        for i in range(200):
            person = stub.Register(
                pb.RegisterRequest(username=f"bench_{i:04d}", password="bench password 1", date_of_birth="1990-01-01",
                                   kind=pb.PERSON_KIND_MEMBER), timeout=10).person
            stub.AwardBadge(pb.AwardBadgeRequest(person_id=person.id, badge_slug="first-post", reason="bench"),
                            metadata=md, timeout=10)
            people.append(person.id)
        rpc = RpcClient(vhost.uri, timeout=5, caller="bench")
        deadline = time.monotonic() + 30
        while True:
            try:
                rpc.call("identity", "get_person", username="nobody-at-all")
            except errors.NotFound:
                break
            except (RpcTimeout, RpcUnavailable):
                assert time.monotonic() < deadline, "worker not ready"
                time.sleep(0.2)

        print(f"identity benchmark, {DURATION:.0f} s per row, open loop, load generator on the same machine")
        for rate in (100, 200, 300):
            open_loop("gRPC GetPerson", rate, lambda i: stub.GetPerson(
                pb.GetPersonRequest(id=people[i % len(people)]), metadata=md, timeout=5))
        for rate in (100, 200):
            open_loop("gRPC ListPersonBadges", rate, lambda i: stub.ListPersonBadges(
                pb.ListPersonBadgesRequest(person_id=people[i % len(people)]), metadata=md, timeout=5))
        open_loop("gRPC Login (argon2id, default cost)", 5, lambda i: stub.Login(
            pb.LoginRequest(username=f"bench_{i % 200:04d}", password="bench password 1"), timeout=10), workers=8)
        lock = threading.Lock()

        def rpc_call(i):
            with lock:  # one RpcClient serialises its calls; this measures one caller's round trips
                rpc.call("identity", "get_badges", person_id=people[i % len(people)])

        open_loop("nameko RPC get_badges (1 client)", 50, rpc_call, workers=4)
        rpc.close()
    finally:
        stop_processes(procs)
        testing.drop_database(db_url)
        vhost.delete()


if __name__ == "__main__":
    main()
