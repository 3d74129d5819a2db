"""Integration tests of moderation's adapters on PostgreSQL: the use cases end to end on the real schema, its
uniqueness rules, the accuracy window, the outbox, the inbox and the migration's round trip."""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from moderation_world import ROOM, World

from hearth_common import errors, testing
from hearth_common.fakes import FakeClock
from hearth_common.unit_of_work import UniqueViolation
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.audit import AuditQuery
from moderation_service.domain.reports import HIDDEN_REASON, REMOVED_REASON, SYSTEM_ACTOR, Case, Report
from moderation_service.migrations import runner
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.services import ModerationService

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class RecordingRoom:
    def __init__(self):
        self.removed, self.restored = [], []

    def remove_message(self, message_id, moderator_id, reason=""):
        self.removed.append((message_id, moderator_id, reason))
        return {"id": message_id}

    def restore_message(self, message_id, moderator_id, reason=""):
        self.restored.append((message_id, moderator_id, reason))
        return {"id": message_id}


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def room():
    return RecordingRoom()


@pytest.fixture
def service(clean_engine, clock):
    return ModerationService(uow_factory(clean_engine), clock=clock)


@pytest.fixture
def world(service, clock):
    return World(service, clock)


def outbox_types(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.seq)).scalars())


def test_three_reports_form_one_case_that_a_moderator_decides(service, world, room, clean_engine, clock):
    author = world.member("sam")
    message_id = world.post(author, "get lost, all of you")
    reporters = [world.member(name) for name in ("riley", "kai", "ash")]
    for reporter in reporters:
        service.report_message(reporter, message_id, "abusive_language")
    assert service.report_message(reporters[0], message_id, "abusive_language")["outcome"] == "open"
    moderator = world.moderator("mod", ROOM)

    [case] = service.queue(moderator)
    assert case["reporter_count"] == 3 and case["subject"]["username"] == "sam"
    assert case["reports"][0]["message_body"] == "get lost, all of you"
    decided = service.decide_case(moderator, case["id"], "agree", remove_messages=True, idempotency_key="k1")

    assert decided["decision"] == "agree" and {r["outcome"] for r in decided["reports"]} == {"upheld"}
    assert decided["removed_message_ids"] == [message_id]
    assert service.get_case(moderator, case["id"]) == decided
    assert service.decide_case(moderator, case["id"], "agree", remove_messages=True, idempotency_key="k1") == decided
    assert outbox_types(clean_engine) == ["report_filed"] * 3 + ["case_decided"]
    assert service.queue(moderator) == []
    # two reporters' abusive language hid it pending review; the worker makes both calls (room's are idempotent)
    RoomActionRunner(uow_factory(clean_engine), room, clock=clock).run_due()
    assert sorted(room.removed) == sorted([(message_id, SYSTEM_ACTOR, HIDDEN_REASON),
                                           (message_id, moderator, REMOVED_REASON)])
    with uow_factory(clean_engine)() as uow:
        assert sorted(e.action for e in uow.audit.list(AuditQuery(target_id=author))) == [
            "case_decided", "message_hidden", "report_filed", "report_filed", "report_filed"]


def test_the_schema_keeps_one_open_case_per_person_and_one_open_report_per_target(clean_engine):
    subject = str(uuid.uuid4())
    now = dt.datetime.now(dt.timezone.utc)
    new = uow_factory(clean_engine)
    with new() as uow:
        uow.cases.add(Case(id=str(uuid.uuid4()), subject_id=subject, opened_at=now))
        uow.commit()
    with pytest.raises(UniqueViolation) as conflict, new() as uow:
        uow.cases.add(Case(id=str(uuid.uuid4()), subject_id=subject, opened_at=now))
        uow.commit()
    assert "uq_cases_one_open_per_subject" in str(conflict.value)

    with new() as uow:
        case = uow.cases.open_about(subject)
        report = dict(case_id=case.id, reporter_id=str(uuid.uuid4()), subject_id=subject, room_slug=ROOM,
                      reason="spam", note=None, filed_at=now)
        uow.reports.add(Report(id=str(uuid.uuid4()), **report))
        uow.commit()
    with pytest.raises(UniqueViolation) as twin, new() as uow:
        uow.reports.add(Report(id=str(uuid.uuid4()), **report))
        uow.commit()
    assert "uq_reports_one_open_per_target" in str(twin.value)


def test_accuracy_counts_each_reporters_last_100_decided_reports(clean_engine):
    reporter, other = str(uuid.uuid4()), str(uuid.uuid4())
    now = dt.datetime.now(dt.timezone.utc)
    new = uow_factory(clean_engine)
    with new() as uow:
        case = Case(id=str(uuid.uuid4()), subject_id=str(uuid.uuid4()), opened_at=now, status="decided")
        uow.cases.add(case)
        # 50 old rejected reports, then 100 upheld ones: only the last 100 count; a dismissed one never
        for i in range(150):
            uow.reports.add(Report(id=str(uuid.uuid4()), case_id=case.id, reporter_id=reporter,
                                   subject_id=case.subject_id, room_slug=ROOM, reason="spam", note=None,
                                   filed_at=now, message_id=f"m{i}", outcome="rejected" if i < 50 else "upheld",
                                   decided_at=now + dt.timedelta(seconds=i)))
        uow.reports.add(Report(id=str(uuid.uuid4()), case_id=case.id, reporter_id=other, subject_id=case.subject_id,
                               room_slug=ROOM, reason="spam", note=None, filed_at=now, outcome="dismissed",
                               decided_at=now))
        uow.commit()
    with new() as uow:
        assert uow.reports.track_records([reporter, other], 100) == {reporter: (100, 100)}


def test_room_events_are_applied_once(service, world, clean_engine):
    author = world.member("sam")
    with clean_engine.connect() as conn:
        handled = conn.execute(sa.select(sa.func.count()).select_from(orm.inbox)).scalar_one()
    assert handled == 2  # person_registered and member_joined
    message_id = world.post(author)
    with clean_engine.connect() as conn:
        [(body, seq)] = conn.execute(sa.select(orm.messages.c.body, orm.messages.c.seq)
                                     .where(orm.messages.c.message_id == message_id)).all()
    assert body == "something hurtful" and seq == 2


def test_messages_past_retention_are_purged(service, world, clock):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author)
    clock.advance(dt.timedelta(days=31))
    assert service.purge_messages() == 1
    with pytest.raises(errors.NotFound):
        service.report_message(reporter, message_id, "unkind")


def test_the_migration_makes_the_schema_the_adapters_use_and_downgrades_to_nothing():
    with testing.migrated_database("hearth_moderation_schema", runner.upgrade) as url:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"version_table": "alembic_version_moderation"})
                assert compare_metadata(context, orm.metadata) == []
            runner.downgrade(url, "base")
            with engine.connect() as conn:
                assert set(sa.inspect(conn).get_table_names()) == {"alembic_version_moderation"}
        finally:
            engine.dispose()


def test_concurrent_first_reports_about_a_person_end_in_one_case(clean_engine, room, world):
    # each filing on a real clock, so the two transactions truly overlap on PostgreSQL
    live = ModerationService(uow_factory(clean_engine))
    author = world.member("sam")
    message_id = world.post(author)
    reporters = [world.member(f"r{i}") for i in range(6)]
    barrier = threading.Barrier(len(reporters))

    def report(reporter):
        barrier.wait(timeout=5)
        return live.report_message(reporter, message_id, "spam")

    with concurrent.futures.ThreadPoolExecutor(len(reporters)) as pool:
        results = list(pool.map(report, reporters))

    assert len({r["id"] for r in results}) == len(reporters)
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.cases)).scalar_one() == 1
        # six newcomers' spam reports weigh the threshold: the message is hidden, once
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.hidden_messages)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.room_actions)).scalar_one() == 1
