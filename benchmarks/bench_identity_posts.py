"""Benchmark: identity-worker's CPU, and its PostgreSQL backends', per room `message_posted` it consumes.

Starts identity's migrate step and worker (only) on a throwaway database and vhost, registers PEOPLE people,
publishes message_posted events (the contract's constructor, as room's relay publishes them) to room.events, and
prints CPU ms per event of the worker and of PostgreSQL (the database's backends and the server's writers) for:
  - "first posts": each person's first post (the fact is new; First Post is awarded),
  - "more posts the same day": POSTS posts spread over the same people (what most posts are).
The worker's idle CPU (relay polling, timers), measured before, is taken off each row.

    PYTHONPATH=<sources> python benchmarks/bench_identity_posts.py [POSTS] [PEOPLE]
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid

import kombu
from loadgen import BIN, cpu_seconds, postgres_pids

from hearth_common import testing
from hearth_common.contracts import examples, room

REST_SECONDS = 10
QUEUE = "evt-room-message_posted--identity.on_message_posted"


def publish(uri: str, envelopes: list[dict], exchange: str = "room.events") -> None:
    """The events on their producer's exchange, as its relay publishes them (routed by their type)."""
    with kombu.Connection(uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(exchange=kombu.Exchange(exchange, type="topic", durable=True, no_declare=True),
                                 serializer="json")
        for envelope in envelopes:
            producer.publish(envelope, routing_key=envelope["event_type"], delivery_mode=2,
                             message_id=envelope["event_id"])


def drained(uri: str, worker_pid: int, timeout: float = 300, queue: str = QUEUE) -> None:
    """Until the worker's queue is empty and the worker has gone quiet (its last events handled)."""
    deadline = time.monotonic() + timeout
    with kombu.Connection(uri) as conn:
        channel = conn.channel()
        while channel.queue_declare(queue, passive=True)[1]:
            assert time.monotonic() < deadline, "the worker did not keep up"
            time.sleep(0.05)
    before = cpu_seconds([worker_pid])
    while True:
        time.sleep(0.3)
        now = cpu_seconds([worker_pid])
        if now - before < 0.006:
            return
        before = now


def row(name: str, uri: str, worker_pid: int, db: str, envelopes: list[dict], idle_per_s: dict,
        worker: str = "identity-worker", queue: str = QUEUE, pg=None) -> None:
    """CPU ms per event of the worker and PostgreSQL, its idle CPU taken off; with `pg` (a pgcount.PgMeter of the
    worker), its PostgreSQL round trips per event too."""
    pids = {worker: lambda: [worker_pid], "postgres": lambda: postgres_pids([db])}
    start = {k: {p: cpu_seconds([p]) for p in f()} for k, f in pids.items()}
    if pg is not None:
        pg.start()
    t0 = time.monotonic()
    publish(uri, envelopes)
    drained(uri, worker_pid, queue=queue)
    elapsed = time.monotonic() - t0
    parts = []
    for k, f in pids.items():
        used = sum(cpu_seconds([p]) - start[k].get(p, 0.0) for p in set(start[k]) | set(f())
                   if os.path.exists(f"/proc/{p}"))
        net = used - idle_per_s[k] * elapsed
        parts.append(f"{k}={net * 1000 / len(envelopes):.2f} (raw {used * 1000 / len(envelopes):.2f})")
    print(f"{name:<28} {len(envelopes)} events in {elapsed:.1f}s; CPU ms per event: {' '.join(parts)}", flush=True)
    if pg is not None:
        print(pg.line("event", len(envelopes), process=worker), flush=True)


def posts(people: list[str], count: int, at: dt.datetime) -> list[dict]:
    return [examples.published("room", room.MessagePosted(
        room_slug="bench-room", message_id=str(uuid.uuid4()), seq=i + 1, author_id=people[i % len(people)],
        body="hello", reply_to=None, mention_ids=(), posted_at=at + dt.timedelta(milliseconds=i)), i + 1)
        for i in range(count)]


def main(n_posts: int = 2000, n_people: int = 200) -> None:
    vhost = testing.RabbitVhost("hearth_bench_idpost").create()
    db_url = testing.create_database("hearth_bench_idpost")
    db = db_url.rsplit("/", 1)[1]
    tmp = tempfile.mkdtemp(prefix="bench-idpost-")
    env = {**os.environ, "LOG_LEVEL": "WARNING", "IDENTITY_DATABASE_URL": db_url, "IDENTITY_AMQP_URI": vhost.uri,
           "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024", "HEARTH_RPC_LOCAL_CALLER": "true",
           "IDENTITY_WORKER_HEARTBEAT_FILE": f"{tmp}/identity.hb"}
    os.environ.update(env)
    worker = None
    try:
        subprocess.run([str(BIN / "identity-migrate")], env=env, check=True, capture_output=True)
        worker = subprocess.Popen([str(BIN / "identity-worker")], env=env)
        testing.wait_consuming(vhost.uri, QUEUE, timeout=60)
        from identity_service import settings as settings_module
        from identity_service.bootstrap import build_service

        identity = build_service(settings_module.load())
        people = [identity.register(f"poster{i:04d}", "a long enough password", "1990-01-01", "member")["id"]
                  for i in range(n_people)]
        time.sleep(5)  # the worker's first-start work (backfill requests, relay) settles
        pids = {"identity-worker": [worker.pid], "postgres": postgres_pids([db])}
        before = {k: cpu_seconds(v) for k, v in pids.items()}
        time.sleep(REST_SECONDS)
        idle = {k: (cpu_seconds(v) - before[k]) / REST_SECONDS for k, v in pids.items()}
        print(f"at rest: identity-worker {idle['identity-worker'] * 1000:.1f} ms/s, "
              f"postgres {idle['postgres'] * 1000:.1f} ms/s", flush=True)
        now = dt.datetime.now(dt.timezone.utc).replace(hour=1, minute=0, second=0, microsecond=0)
        row("first posts", vhost.uri, worker.pid, db, posts(people, n_people, now), idle)
        row("more posts the same day", vhost.uri, worker.pid, db, posts(people, n_posts, now + dt.timedelta(hours=1)),
            idle)
        with identity.uow_factory() as uow:
            awarded = sum(1 for p in people if uow.awards.held(p, "first-post") is not None)
        print(f"First Post awarded to {awarded} of {n_people}", flush=True)
    finally:
        if worker is not None:
            testing.stop_processes([worker])
        testing.drop_database(db_url)
        vhost.delete()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
