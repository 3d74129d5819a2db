"""End-to-end: identity's real processes driven over gRPC and AMQP; crashes lose no event."""
import signal
import subprocess
import sys
import threading
import time

import grpc
import sqlalchemy as sa
from e2e_helpers import ADMIN, Proc, wait_serving, wait_worker_ready
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common import testing
from hearth_common.rpc_client import RpcClient

T = 10
PASSWORD = "a long enough password"


def stub_for(target):
    return identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(target))


def register(stub, username):
    request = pb.RegisterRequest(username=username, password=PASSWORD, date_of_birth="1991-02-03",
                                 kind=pb.PERSON_KIND_MEMBER)
    return stub.Register(request, timeout=T).person


def admin_metadata(stub, request_id):
    token = stub.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}"), ("x-request-id", request_id)]


def committed_event_ids(db_url):
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        ids = {str(r[0]) for r in conn.execute(sa.text("SELECT event_id FROM outbox"))}
    engine.dispose()
    return ids


def test_register_login_award_and_read_back_with_one_request_id_throughout(stack, events, e2e_env):
    env, _, target = e2e_env
    stack.start_grpc()
    worker = stack.start_worker()
    stub = stub_for(target)
    person = register(stub, "e2e_alice")
    metadata = admin_metadata(stub, "e2e-request-0001")
    award = pb.AwardBadgeRequest(person_id=person.id, badge_slug="first-post", reason="first message",
                                 idempotency_key="e2e-1")
    stub.AwardBadge(award, metadata=metadata, timeout=T)
    held = stub.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=person.id), metadata=metadata, timeout=T).awards
    assert [a.badge.slug for a in held] == ["first-post"]

    got = events(lambda es: any(e["event_type"] == "badge_awarded" for e in es))
    awarded = [e for e in got if e["event_type"] == "badge_awarded"]
    assert awarded[0]["data"]["person_id"] == person.id
    assert awarded[0]["request_id"] == "e2e-request-0001"
    assert awarded[0]["_headers"]["nameko.request_id"] == "e2e-request-0001"
    assert any(l.get("request_id") == "e2e-request-0001" for l in stack.grpc.logs())
    # The relay logs a publication after the broker confirmed it and the outbox row is marked: after delivery.
    testing.eventually(lambda: any(l.get("request_id") == "e2e-request-0001" and l["msg"] == "event published"
                                   for l in worker.logs()), what="the worker's 'event published' log line")

    # Other services read over nameko RPC (no service awards that way: course's badge comes from its event).
    client = RpcClient(env["IDENTITY_AMQP_URI"], timeout=T, caller="course")
    try:
        assert [b["badge"]["slug"] for b in client.call("identity", "get_badges", person_id=person.id)] == [
            "first-post"]
    finally:
        client.close()


def test_events_committed_while_the_worker_is_down_are_published_when_it_returns(stack, events, e2e_env):
    _, db_url, target = e2e_env
    stack.start_grpc()
    stack.start_worker().kill()  # SIGKILL: the relay dies between commits and publishes
    stub = stub_for(target)
    people = [register(stub, f"offline_{i}") for i in range(5)]
    stack.start_worker()
    got = events(lambda es: {p.id for p in people} <= {e["data"].get("person_id") for e in es})
    assert {p.id for p in people} <= {e["data"]["person_id"] for e in got if e["event_type"] == "person_registered"}


def test_sigkill_of_the_worker_mid_burst_loses_no_event(stack, events, e2e_env):
    _, db_url, target = e2e_env
    stack.start_grpc()
    worker = stack.start_worker()
    stub = stub_for(target)
    done = threading.Event()
    before = committed_event_ids(db_url)

    def burst():
        for i in range(60):
            register(stub, f"burst_{i:03d}")
        done.set()

    thread = threading.Thread(target=burst)
    thread.start()
    time.sleep(0.3)
    worker.kill()
    thread.join(60)
    assert done.is_set()
    stack.start_worker()
    committed = committed_event_ids(db_url) - before
    assert len(committed) == 60
    got = events(lambda es: committed <= {e["event_id"] for e in es}, timeout=30)
    assert committed <= {e["event_id"] for e in got}  # duplicates are allowed (at least once); losses are not


def test_sigterm_lets_an_in_flight_call_finish(e2e_env, tmp_path):
    env, _, target = e2e_env
    # Expensive password hashing makes Login slow enough to be in flight when SIGTERM arrives.
    slow = {**env, "IDENTITY_ARGON2_TIME_COST": "40", "IDENTITY_ARGON2_MEMORY_KIB": "65536"}
    grpc_proc = Proc("identity-grpc", slow, tmp_path)
    wait_serving(target, grpc_proc)
    stub = stub_for(target)
    outcome = {}

    def slow_call():
        try:
            register(stub, "slow_registrant")
            outcome["ok"] = True
        except grpc.RpcError as exc:
            outcome["error"] = exc.code()

    thread = threading.Thread(target=slow_call)
    thread.start()
    time.sleep(0.3)
    grpc_proc.process.send_signal(signal.SIGTERM)
    thread.join(30)
    assert outcome == {"ok": True}
    assert grpc_proc.process.wait(20) == 0
    assert any(l["msg"] == "grpc server stopped" for l in grpc_proc.logs())


def test_make_run_starts_the_services_and_ctrl_c_stops_them(e2e_env, tmp_path):
    env, _, target = e2e_env
    runner = subprocess.Popen(
        [sys.executable, "scripts/run_local.py", "identity"], env=env, stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "run.log", "w"), start_new_session=True,
    )
    try:
        probe = Proc.__new__(Proc)
        probe.name, probe.process, probe.log_path = "run_local", runner, tmp_path / "run.log"
        wait_serving(target, probe)
        wait_worker_ready(env["IDENTITY_AMQP_URI"], probe)
        assert stub_for(target).ListBadgeCatalogue(pb.ListBadgeCatalogueRequest(), timeout=T).badges
        runner.send_signal(signal.SIGINT)
        assert runner.wait(30) == 0
        log = (tmp_path / "run.log").read_text()
        assert "identity-grpc exited with 0" in log and "identity-worker exited with 0" in log
    finally:
        if runner.poll() is None:
            runner.kill()
