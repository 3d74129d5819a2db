"""Integration tests of section 2 on PostgreSQL: warnings, the ladder's mute and sanctions end to end on the real
schema (one transaction: state, outbox, audit, room actions), concurrent warnings never miss a rung, concurrent
ladder edits make consecutive versions, two workers end each due sanction once, live sessions by seq."""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from moderation_world import ROOM, World

from hearth_common.fakes import FakeClock
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.ladder import DEFAULT_LADDER
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def sanctions(clean_engine, clock):
    return SanctionsService(uow_factory(clean_engine), clock=clock)


@pytest.fixture
def world(clean_engine, clock, sanctions):
    return World(ModerationService(uow_factory(clean_engine), clock=clock), clock, sessions=sanctions)


def rows(engine, table, *columns):
    with engine.connect() as conn:
        return conn.execute(sa.select(*[table.c[c] for c in columns])).all()


def test_the_third_warning_writes_warning_mute_events_notices_and_audit_together(sanctions, world, clean_engine):
    mod, sam = world.moderator("mod_mia"), world.member("sam")
    for reason in ("unkind", "spam", "drug_names"):
        third = sanctions.issue_warning(mod, sam, reason, "see the guidelines", ROOM)
    assert third["sanction"]["kind"] == "mute"
    with clean_engine.connect() as conn:
        types = conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.seq)).scalars().all()
    assert types.count("warning_issued") == 3 and types.count("sanction_imposed") == 1
    assert types.count("notice_issued") == 4  # three warnings and the mute
    actions = sorted(a for (a,) in rows(clean_engine, orm.audit_log, "action"))
    assert actions == ["mute_imposed", "warning_issued", "warning_issued", "warning_issued"]
    assert sorted(t for (t,) in rows(clean_engine, orm.warnings, "tier")) == ["minor", "minor", "serious"]
    record = sanctions.record(mod, sam)
    assert record["active_warnings"] == 3 and record["sanctions"][0]["in_force"]


def test_concurrent_warnings_about_one_person_never_miss_the_rung(clean_engine, world):
    live = SanctionsService(uow_factory(clean_engine))  # a real clock: the transactions truly overlap
    sam = world.member("sam")
    mods = [world.moderator(f"mod_{i}") for i in range(3)]
    barrier = threading.Barrier(len(mods))

    def warn(mod):
        barrier.wait(timeout=5)
        return live.issue_warning(mod, sam, "spam", None, ROOM)

    with concurrent.futures.ThreadPoolExecutor(len(mods)) as pool:
        results = list(pool.map(warn, mods))
    assert sorted(r["active_warnings"] for r in results) == [1, 2, 3]
    assert len(rows(clean_engine, orm.sanctions, "id")) == 1


def test_concurrent_ladder_edits_make_consecutive_versions(clean_engine, world):
    live = SanctionsService(uow_factory(clean_engine))
    admin = world.admin()
    barrier = threading.Barrier(2)

    def edit(minutes):
        barrier.wait(timeout=5)
        return live.set_ladder(admin, DEFAULT_LADDER.to_dict() | {
            "rungs": [{"warnings": 3, "kind": "mute", "minutes": minutes}]})

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(edit, (60, 120)))
    assert sorted(r["version"] for r in results) == [1, 2]
    assert live.ladder()["version"] == 2


def test_two_workers_end_each_due_sanction_once(clean_engine, world, sanctions, clock):
    admin = world.admin()
    people = [world.member(f"m{i}") for i in range(8)]
    for person in people:
        sanctions.impose(admin, person, "mute", ROOM, 1, "cool off")
    assert sanctions.end_due_until_next() == 60  # the worker's loop sleeps until the first ends
    later = clock.now + dt.timedelta(minutes=2)
    workers = [SanctionsService(uow_factory(clean_engine), clock=lambda: later) for _ in range(2)]
    counts = []
    threads = [threading.Thread(target=lambda w=w: counts.append(w.end_due())) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == len(people)
    assert {s for (s,) in rows(clean_engine, orm.sanctions, "status")} == {"expired"}
    expired = [a for (a,) in rows(clean_engine, orm.audit_log, "action") if a == "sanction_expired"]
    assert len(expired) == len(people)
    assert workers[0].end_due_until_next() is None  # none left to end


def test_a_kick_records_the_call_to_room_with_it(sanctions, world, clean_engine):
    mod, sam = world.moderator("mod_mia"), world.member("sam")
    sanctions.kick(mod, ROOM, sam, "take a break")
    [(kind, args, status)] = rows(clean_engine, orm.room_actions, "kind", "args", "status")
    assert (kind, args, status) == ("remove_person", {"room_slug": ROOM, "person_id": sam}, "pending")


def test_live_sessions_follow_the_room_timeline_seq(sanctions, world):
    leader = world.person("leader_lee", kind="listener")
    session = world.start_session(leader)
    with sanctions.uow_factory() as uow:
        assert uow.live_sessions.rooms_led_by(leader) == [ROOM]
    world.end_session(session, leader)
    with sanctions.uow_factory() as uow:
        assert uow.live_sessions.rooms_led_by(leader) == []
