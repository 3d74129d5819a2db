"""Integration tests on PostgreSQL: the queue's scope and priority order in one query among many open cases, the
first report's pace serialised, decisions atomic under concurrency (one decision, one set of calls to room),
reporters' stored accuracy, and room's cross-cohort grants kept from its events."""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from moderation_world import ROOM, World, cohort_access_granted, cohort_access_revoked

from hearth_common import errors
from hearth_common.contracts.identity import ADMIN, CHAT_ROOM_MODERATOR
from hearth_common.fakes import FakeClock
from hearth_common.people import GrantState, KnownPerson
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.reports import REPORT_PACE, Case, Report, accuracy
from moderation_service.service_layer.services import ModerationService

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
TEEN_ROOM = "teen-chat"


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def service(clean_engine, clock):
    return ModerationService(uow_factory(clean_engine), clock=clock)


@pytest.fixture
def world(service, clock):
    return World(service, clock)


def person(person_id, cohort="adult", admin=False) -> KnownPerson:
    grants = {"g-" + person_id: GrantState(ADMIN, None, None, True, 1)} if admin else {}
    return KnownPerson(person_id, username="u" + person_id[:8], kind="member", cohort=cohort, cohort_seq=1,
                       grants=grants)


def open_case(uow, subject_id, opened_at, reasons, room=ROOM, reporters=None) -> Case:
    case = Case(id=str(uuid.uuid4()), subject_id=subject_id, opened_at=opened_at)
    uow.cases.add(case)
    for i, reason in enumerate(reasons):
        uow.reports.add(Report(id=str(uuid.uuid4()), case_id=case.id,
                               reporter_id=(reporters or [])[i] if reporters else str(uuid.uuid4()),
                               subject_id=subject_id, room_slug=room, reason=reason, note=None,
                               filed_at=opened_at, message_id=f"m-{case.id}-{i}"))
    return case


def test_the_queue_finds_the_top_cases_among_more_than_500_open_ones(service, world, clean_engine, clock):
    moderator = world.moderator("mod_all", None)
    room_mod = world.moderator("mod_here", ROOM)
    admin = world.admin()
    world.join(moderator)
    with uow_factory(clean_engine)() as uow:
        # 600 open cases of one newcomer's unkind report, oldest first
        for i in range(600):
            subject = str(uuid.uuid4())
            uow.people.save(person(subject))
            open_case(uow, subject, START - dt.timedelta(days=30) + dt.timedelta(minutes=i), ["unkind"])
        # graver cases the global moderator may not act on: the other cohort, an admin, one they reported in,
        # and one about someone moderation does not know yet
        teen, an_admin, reported_by_mod, unknown = (str(uuid.uuid4()) for _ in range(4))
        uow.people.save(person(teen, cohort="teen"))
        uow.people.save(person(an_admin, admin=True))
        uow.people.save(person(reported_by_mod))
        for subject in (teen, an_admin, unknown):
            open_case(uow, subject, START, ["abusive_language"] * 4)
        open_case(uow, reported_by_mod, START, ["abusive_language"] * 4, reporters=[moderator] + [
            str(uuid.uuid4()) for _ in range(3)])
        # the newest case is the gravest the moderator may act on; the next is in another room
        top, elsewhere = str(uuid.uuid4()), str(uuid.uuid4())
        uow.people.save(person(top))
        uow.people.save(person(elsewhere))
        open_case(uow, elsewhere, START + dt.timedelta(minutes=1), ["contact_details"] * 2, room="grief-support")
        top_case = open_case(uow, top, START + dt.timedelta(minutes=2), ["contact_details"] * 3)
        uow.commit()

    shown = service.queue(moderator, limit=3)
    assert [c["subject"]["person_id"] for c in shown[:2]] == [top, elsewhere]
    assert shown[0]["id"] == top_case.id and shown[0]["priority"] == pytest.approx(3 * 1.0 * 3.0)
    assert shown[2]["priority"] == pytest.approx(1.0)  # then the oldest of the 600
    # the room moderator: the case the global one reported in is theirs to act on, the other room's is not
    assert [c["subject"]["person_id"] for c in service.queue(room_mod, limit=2)] == [reported_by_mod, top]
    assert [c["subject"]["person_id"] for c in service.queue(moderator, room_slug="grief-support")] == [elsewhere]
    everything = service.queue(admin, limit=100)
    assert {teen, unknown, reported_by_mod} <= {c["subject"]["person_id"] for c in everything}
    assert an_admin not in {c["subject"]["person_id"] for c in everything}
    priorities = [c["priority"] for c in everything]
    assert priorities == sorted(priorities, reverse=True)


def test_the_queue_weighs_reporters_by_their_stored_accuracy(service, world):
    admin = world.admin()
    proven = world.member("proven")
    for i in range(3):
        author = world.member(f"troll{i}")
        service.report_message(proven, world.post(author), "unkind")
        clock_case = [c for c in service.queue(admin) if c["subject"]["person_id"] == author][0]
        service.decide_case(admin, clock_case["id"], "agree")
    newcomer_subject, proven_subject = world.member("a"), world.member("b")
    service.report_message(world.member("newcomer"), world.post(newcomer_subject), "unkind")
    service.report_message(proven, world.post(proven_subject), "unkind")
    [first, second] = service.queue(admin)
    assert first["subject"]["person_id"] == proven_subject
    assert first["priority"] == pytest.approx(0.5 + accuracy(3, 3)) and second["priority"] == pytest.approx(1.0)


def test_concurrent_first_reports_by_one_person_are_paced_together(clean_engine, world):
    live = ModerationService(uow_factory(clean_engine))  # a real clock: the filings overlap
    reporter = world.member("riley")
    messages = [world.post(world.member(f"author{i}")) for i in range(REPORT_PACE.burst + 3)]
    barrier = threading.Barrier(len(messages))

    def report(message_id):
        barrier.wait(timeout=5)
        try:
            return live.report_message(reporter, message_id, "spam")
        except errors.ResourceExhausted:
            return None

    with concurrent.futures.ThreadPoolExecutor(len(messages)) as pool:
        results = list(pool.map(report, messages))

    assert sum(r is not None for r in results) == REPORT_PACE.burst


def test_two_moderators_deciding_one_case_at_once_make_one_decision(clean_engine, world):
    live = ModerationService(uow_factory(clean_engine))
    author = world.member("sam")
    message_id = world.post(author)
    live.report_message(world.member("riley"), message_id, "unkind")
    moderators = [world.moderator(f"mod{i}", ROOM) for i in range(4)]
    [case] = live.queue(moderators[0])
    barrier = threading.Barrier(len(moderators))

    def decide(moderator):
        barrier.wait(timeout=5)
        try:
            return live.decide_case(moderator, case["id"], "agree", remove_messages=True)
        except errors.FailedPrecondition:
            return None

    with concurrent.futures.ThreadPoolExecutor(len(moderators)) as pool:
        results = list(pool.map(decide, moderators))

    assert sum(r is not None for r in results) == 1
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.room_actions)).scalar_one() == 1
        assert conn.execute(sa.select(orm.outbox.c.event_type).where(orm.outbox.c.event_type == "case_decided")
                            ).scalars().all() == ["case_decided"]
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.audit_log)
                            .where(orm.audit_log.c.action == "case_decided")).scalar_one() == 1


def test_cross_cohort_grants_are_kept_from_rooms_events_in_any_order(service, world, clock):
    teen = world.member("teen_sam", room=TEEN_ROOM, cohort="teen")
    service.report_message(world.member("teen_riley", room=TEEN_ROOM, cohort="teen"), world.post(teen, room=TEEN_ROOM),
                           "unkind")
    adult_mod = world.person("adult_mod", "adult", "listener")
    world.grant(adult_mod, CHAT_ROOM_MODERATOR, TEEN_ROOM)
    admin = world.admin()
    assert service.queue(adult_mod) == []

    grant = cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin)
    [case] = service.queue(adult_mod)
    assert case["subject"]["person_id"] == teen
    cohort_access_revoked(world, grant, adult_mod, TEEN_ROOM, admin)
    assert service.queue(adult_mod) == []

    early = str(uuid.uuid4())
    cohort_access_revoked(world, early, adult_mod, TEEN_ROOM, admin)
    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin, grant_id=early)
    assert service.queue(adult_mod) == []
    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin)
    assert service.decide_case(adult_mod, case["id"], "agree")["decision"] == "agree"


def test_migration_0004_counts_each_reporters_accuracy_from_the_decided_reports_so_far():
    from hearth_common import testing
    from moderation_service.migrations import runner

    url = testing.create_database("hearth_moderation_0004")
    engine = sa.create_engine(url)
    try:
        runner.upgrade(url, "0003")
        now = dt.datetime.now(dt.timezone.utc)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO cases (id, subject_id, opened_at, status, removed_message_ids) "
                                 "VALUES ('c1', 's1', :now, 'decided', '[]')"), {"now": now})
            # reporter a: 2 old rejected, then 100 upheld (only the last 100 count); b: one dismissed (none count)
            outcomes = [("a", "rejected")] * 2 + [("a", "upheld")] * 100 + [("b", "dismissed"), ("c", "open")]
            for i, (reporter, outcome) in enumerate(outcomes):
                conn.execute(sa.text(
                    "INSERT INTO reports (id, case_id, reporter_id, subject_id, room_slug, reason, filed_at, outcome, "
                    "decided_at) VALUES (:id, 'c1', :reporter, 's1', 'room', 'spam', :now, :outcome, :decided)"),
                    {"id": f"r{i}", "reporter": reporter, "now": now, "outcome": outcome,
                     "decided": None if outcome == "open" else now + dt.timedelta(seconds=i)})
        runner.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT reporter_id, upheld, decided, accuracy FROM reporter_accuracy")).all()
        assert [(r, u, d) for r, u, d, _ in rows] == [("a", 100, 100)]
        assert rows[0][3] == pytest.approx(accuracy(100, 100))
    finally:
        engine.dispose()
        testing.drop_database(url)
