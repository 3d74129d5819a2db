"""Benchmark: moderation-worker's CPU, its PostgreSQL round trips and PostgreSQL's CPU, per room `message_posted`
it consumes (automod's flags and crisis care read every post).

Starts moderation's migrate step and worker (only; the worker run through benchmarks/pgcount.py, which counts its
PostgreSQL round trips) on a throwaway database and vhost, registers PEOPLE people (identity's person_registered,
as identity's relay publishes it), then publishes message_posted events (the contract's constructor, as room's
relay publishes them) to room.events and prints, per event, CPU ms of the worker and of PostgreSQL (the
database's backends and the server's writers) and the worker's PostgreSQL round trips, for:
  - "benign posts": POSTS ordinary posts by the people, a few a minute each across ROOMS rooms (what nearly every
    post is: nothing flagged, no crisis);
  - "floor: the same again": the same events delivered again (a redelivery: the inbox finds each handled), the
    least a consumed event costs the worker (nameko's handling of a message, the contract parsed, one claim).
The worker's idle CPU (relay, timers), measured before, is taken off each row. Afterwards it checks that the
posts were benign: no automod flag, no crisis flag.

    PYTHONPATH=<sources> python benchmarks/bench_moderation_posts.py [POSTS] [PEOPLE]
"""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa
from bench_identity_posts import REST_SECONDS, drained, publish, row
from loadgen import BIN, cpu_seconds, postgres_pids
from pgcount import PgCounts, PgMeter

from hearth_common import testing
from hearth_common.contracts import examples, identity, room

QUEUE = "evt-room-message_posted--moderation.on_message_posted"
PEOPLE_QUEUE = "evt-identity-person_registered--moderation.on_person_registered"
ROOMS = 20
WORDS = ("morning", "thanks", "same here", "good luck with it", "that helped", "see you later", "nice one",
         "how was your day", "I tried that too", "welcome back")


def people_events(people: list[str]) -> list[dict]:
    return [examples.published("identity", identity.PersonRegistered(
        person_id=person, username=f"poster{i:04d}", kind=identity.MEMBER,
        cohort=identity.COHORTS[i % len(identity.COHORTS)], registered_at=dt.datetime.now(dt.timezone.utc)), i + 1)
        for i, person in enumerate(people)]


def posts(people: list[str], count: int, at: dt.datetime) -> list[dict]:
    """Each person posts in their own room every 20 seconds or so: the spam detectors read a few recent ones."""
    return [examples.published("room", room.MessagePosted(
        room_slug=f"bench-room-{people.index(people[i % len(people)]) % ROOMS}", message_id=str(uuid.uuid4()),
        seq=i + 1, author_id=people[i % len(people)], body=f"{WORDS[(i // len(people)) % len(WORDS)]} ({i})",
        reply_to=None, mention_ids=(), posted_at=at + dt.timedelta(seconds=20 * (i // len(people)),
                                                                  milliseconds=i % len(people))), i + 1)
        for i in range(count)]


def main(n_posts: int = 2000, n_people: int = 100) -> None:
    vhost = testing.RabbitVhost("hearth_bench_modpost").create()
    db_url = testing.create_database("hearth_bench_modpost")
    db = db_url.rsplit("/", 1)[1]
    tmp = tempfile.mkdtemp(prefix="bench-modpost-")
    env = {**os.environ, "LOG_LEVEL": "WARNING", "MODERATION_DATABASE_URL": db_url, "MODERATION_AMQP_URI": vhost.uri,
           "HEARTH_RPC_LOCAL_CALLER": "true", "MODERATION_WORKER_HEARTBEAT_FILE": f"{tmp}/moderation.hb"}
    counts = PgCounts(pathlib.Path(tmp), "moderation-worker")
    worker = None
    try:
        subprocess.run([str(BIN / "moderation-migrate")], env=env, check=True, capture_output=True)
        worker = subprocess.Popen(counts.command("moderation_service.entrypoints.worker:main"), env=env)
        testing.wait_consuming(vhost.uri, QUEUE, timeout=60)
        people = [str(uuid.uuid4()) for _ in range(n_people)]
        publish(vhost.uri, people_events(people), exchange="identity.events")
        drained(vhost.uri, worker.pid, queue=PEOPLE_QUEUE)
        time.sleep(5)  # the worker's first-start work (backfill requests, relay) settles
        pids = {"moderation-worker": [worker.pid], "postgres": postgres_pids([db])}
        before = {k: cpu_seconds(v) for k, v in pids.items()}
        time.sleep(REST_SECONDS)
        idle = {k: (cpu_seconds(v) - before[k]) / REST_SECONDS for k, v in pids.items()}
        print(f"at rest: moderation-worker {idle['moderation-worker'] * 1000:.1f} ms/s, "
              f"postgres {idle['postgres'] * 1000:.1f} ms/s", flush=True)
        meter = PgMeter([counts])
        now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        envelopes = posts(people, n_posts, now)
        row("benign posts", vhost.uri, worker.pid, db, envelopes, idle, "moderation-worker", QUEUE, meter)
        row("floor: the same again", vhost.uri, worker.pid, db, envelopes, idle, "moderation-worker", QUEUE, meter)
        engine = sa.create_engine(db_url)
        with engine.connect() as conn:
            kept, flags, crisis = (conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                                   for t in ("messages", "automod_flags", "crisis_flags"))
        engine.dispose()
        print(f"messages kept {kept} of {n_posts}; automod flags {flags}, crisis flags {crisis} (benign: 0, 0)",
              flush=True)
    finally:
        if worker is not None:
            testing.stop_processes([worker])
        testing.drop_database(db_url)
        vhost.delete()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
