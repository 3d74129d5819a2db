"""Benchmark: automod at post time in room (make bench): PostMessage with no automod rules and with common's
default policies plus 200 rules of every kind, side by side in one run, each row with each process's CPU per
post; how long a rule set published on moderation.events takes to apply (room-worker keeps it; the next post
reads its version with its other facts); and the matcher's CPU per message on these posts and on the project's
corpus.

The two rule sets alternate in ROUNDS rounds (BENCH_AUTOMOD_ROUNDS, default 5) of short rows
(BENCH_AUTOMOD_SECONDS, default BENCH_SECONDS), the order flipped every round (no rules first, then rules first),
so the machine's drift falls on both alike. Each round prints its p99 and room-grpc CPU per post for both sets;
the summary prints the median of the rounds' p99 ratios (with their spread) and the ratio of room-grpc's CPU per
post over all rounds: on a shared machine the p99 moves with whatever else runs, and the CPU ratio is the
steadier figure of what the rules cost.

identity, room-worker and two room-grpc replicas run as real processes on throwaway databases and a vhost,
with the load generator on the same machine; posts alternate between the replicas; prints figures only.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import time
import uuid

import kombu
import sqlalchemy as sa
from bench_automod import CORPUS, cost_per_message, two_hundred_rules
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from loadgen import DURATION, machine_check, open_loop, percentiles
from stack import create_rooms, running_stack

from hearth_common.automod import DEFAULT_RULES, RuleSet
from hearth_common.automod.scoring import load_corpus
from hearth_common.clients.channel import open_channel
from hearth_common.contracts import moderation
from hearth_common.outbox import event_exchange

RATE = 100  # posts a second, over both replicas
PEOPLE = 400  # each posts once every 4 s: under room's rate (5 in 10 s) and automod's flood rule
ROOMS = 20
ROUNDS = int(os.environ.get("BENCH_AUTOMOD_ROUNDS", "5"))
ROW_SECONDS = float(os.environ.get("BENCH_AUTOMOD_SECONDS", DURATION))
TOPICS = ("the weather", "my exams", "work today", "sleeping badly", "a good walk", "my sister", "the weekend")


def body(i: int) -> str:
    """An everyday message, different each time (automod's spam rule refuses the same text a third time)."""
    return f"post {i}: just wanted to say {TOPICS[i % len(TOPICS)]} has been on my mind, thanks for listening"


def publish(amqp_uri: str, rule_set: RuleSet) -> float:
    """Publishes the rule set as moderation does (automod_rules_changed on moderation.events, with publisher
    confirms); returns when the broker confirmed it (perf_counter)."""
    payload = moderation.AutomodRulesChanged(version=rule_set.version, rule_set=rule_set.to_dict(),
                                             changed_by="bench", changed_at=dt.datetime.now(dt.timezone.utc))
    envelope = payload.event(id=str(uuid.uuid4()), request_id="bench").envelope("moderation") | {
        "seq": rule_set.version}
    sent = time.perf_counter()
    with kombu.Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        kombu.Producer(conn.channel()).publish(envelope, exchange=event_exchange("moderation"),
                                               routing_key=payload.TYPE, serializer="json", delivery_mode=2,
                                               declare=[event_exchange("moderation")])
    return sent


def main() -> None:
    quiet_presence = {"ROOM_PRESENCE_TIMEOUT_SECONDS": "3600"}
    with running_stack("bench_automod", room_grpc_replicas=2, extra_env=quiet_presence) as stack:
        stubs = [room_pb2_grpc.RoomServiceStub(open_channel(t)) for t in stack.room_targets]
        people = stack.register([f"bench_automod_{i:04d}" for i in range(PEOPLE)])
        rooms = create_rooms(stack, "automod", ROOMS, capacity=1000)
        stack.wait_known(people, rooms[0])
        for n, (_, md) in enumerate(people):
            stubs[n % 2].JoinRoom(rpb.JoinRoomRequest(slug=rooms[n % ROOMS]), metadata=md, timeout=10)
        # one connection kept for the polls: PostgreSQL is shared, and a new connection per poll can find it full
        engine = sa.create_engine(stack.env["ROOM_DATABASE_URL"], pool_size=1, max_overflow=0)

        def kept_version() -> int:
            with engine.connect() as conn:
                return conn.execute(sa.text("SELECT coalesce(max(version), 0) FROM automod_rule_set")).scalar_one()

        print("room automod benchmark: identity, room-worker, 2 room-grpc replicas and the load generator on one "
              "machine; PostMessage of everyday text (no rule triggers) at post time")
        print(machine_check())
        with_rules = DEFAULT_RULES + two_hundred_rules()
        applied, first_posts, posted = [], [], [0]

        def install(rule_set: RuleSet) -> None:
            """Publishes the set; times how long until room-worker has kept it, and the first post on each replica
            after that (it compiles the set: paid once per version and process)."""
            sent = publish(stack.env["ROOM_AMQP_URI"], rule_set)
            while kept_version() < rule_set.version:
                time.sleep(0.001)
            applied.append(time.perf_counter() - sent)
            for replica in stubs:
                started = time.perf_counter()
                person = people[posted[0] % PEOPLE][1]
                replica.PostMessage(rpb.PostMessageRequest(slug=rooms[posted[0] % PEOPLE % ROOMS],
                                                           body=body(10**6 + posted[0])), metadata=person, timeout=10)
                posted[0] += 1
                first_posts.append(time.perf_counter() - started)
            time.sleep(5)  # the people who just posted are past automod's flood window again

        def post(i: int) -> None:
            n = posted[0] + i
            stubs[i % 2].PostMessage(rpb.PostMessageRequest(slug=rooms[n % PEOPLE % ROOMS], body=body(n)),
                                     metadata=people[n % PEOPLE][1], timeout=5)

        version = 0
        sets = (("none", "no automod rules", ()), ("rules", f"defaults + 200 rules ({len(with_rules)})", with_rules))
        rounds: list[dict] = []
        for round_ in range(1, ROUNDS + 1):
            rows = {}
            for key, label, rules in (sets if round_ % 2 else sets[::-1]):
                version += 1
                install(RuleSet(version, rules))
                stack.settle()
                rows[key] = open_loop(f"PostMessage, {label}, round {round_}", RATE, post, cpu=stack.cpu_meter(),
                                      seconds=ROW_SECONDS)
                posted[0] += 10**5
            rounds.append(rows)
            none, ruled = rows["none"], rows["rules"]
            print(f"round {round_}: p99 no rules {none.p99() * 1000:.0f} ms, rules {ruled.p99() * 1000:.0f} ms "
                  f"(ratio {ruled.p99() / none.p99():.2f}); room-grpc CPU per post no rules "
                  f"{none.cpu_ms_per_call['room-grpc']:.2f} ms, rules {ruled.cpu_ms_per_call['room-grpc']:.2f} ms "
                  f"(ratio {ruled.cpu_ms_per_call['room-grpc'] / none.cpu_ms_per_call['room-grpc']:.2f})")
        p99_ratios = sorted(r["rules"].p99() / r["none"].p99() for r in rounds)
        cpu = {key: statistics.mean(r[key].cpu_ms_per_call["room-grpc"] for r in rounds) for key in ("none", "rules")}
        cpu_ratios = sorted(r["rules"].cpu_ms_per_call["room-grpc"] / r["none"].cpu_ms_per_call["room-grpc"]
                            for r in rounds)
        print(f"over {ROUNDS} rounds of {ROW_SECONDS:.0f} s rows: room-grpc CPU per post no rules "
              f"{cpu['none']:.2f} ms, "
              f"rules {cpu['rules']:.2f} ms, ratio {cpu['rules'] / cpu['none']:.2f} (rounds "
              f"{cpu_ratios[0]:.2f}-{cpu_ratios[-1]:.2f}); p99 ratio median {statistics.median(p99_ratios):.2f} "
              f"(rounds {p99_ratios[0]:.2f}-{p99_ratios[-1]:.2f}); failures "
              f"{sum(row.failures for r in rounds for row in r.values())}")
        print(f"rule set published -> kept by room-worker (the next post applies it), n={len(applied)}: "
              f"{percentiles(applied)}")
        print(f"first post on a replica after a new version (compiles the set once), n={len(first_posts)}: "
              f"{percentiles(first_posts)}")
        posts = [{"text": body(i), "cohort": "adult"} for i in range(500)]
        corpus = load_corpus(CORPUS)
        for name, rows in (("these posts", posts), ("the corpus", corpus)):
            print(f"matcher CPU per message on {name}: no rules {cost_per_message(RuleSet(1, ()), rows):.0f} µs, "
                  f"defaults + 200 rules {cost_per_message(RuleSet(2, with_rules), rows):.0f} µs")
        engine.dispose()


if __name__ == "__main__":
    main()
