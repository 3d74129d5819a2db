"""Integration tests of the review's fixes on PostgreSQL: the staff read model's admins by the queue's admin rule
(expiry, every-room grants), a moderator's removal settling a hide so a later decision restores nothing, room's
message_restored in the read model, and hides that spare crisis and already-removed messages."""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from moderation_world import ROOM

from hearth_common.contracts import room as room_contract
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain import room_actions as actions
from moderation_service.domain.reports import HIDDEN, HIDDEN_REASON, KEPT_REMOVED, RESTORED, SYSTEM_ACTOR
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService

pytest_plugins = ["test_moderation_persistence"]  # its fixtures: clock, room (recording), service, world


@pytest.fixture
def sanctions(clean_engine, clock):
    return SanctionsService(uow_factory(clean_engine), clock=clock)


@pytest.fixture
def runner(clean_engine, clock, room):
    return RoomActionRunner(uow_factory(clean_engine), room, clock=clock)


def hides(engine) -> int:
    t = orm.room_actions
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t).where(
            t.c.kind == actions.REMOVE_MESSAGE, t.c.moderator_id == SYSTEM_ACTOR)).scalar_one()


def hidden_status(engine, message_id) -> str:
    t = orm.hidden_messages
    with engine.connect() as conn:
        return conn.execute(sa.select(t.c.status).where(t.c.message_id == message_id)).scalar_one()


def two_newcomers_report(world, service, message_id):
    for i in range(2):
        service.report_message(world.member(f"reporter{i}"), message_id, "abusive_language")


def test_staff_admins_are_the_admins_the_queue_s_rule_knows(world, clean_engine, clock):
    admin = world.admin()
    lapsed = world.person("lapsed", kind="listener")
    world.grant(lapsed, "admin", expires_at=clock() - dt.timedelta(minutes=1))
    later = world.person("later", kind="listener")
    world.grant(later, "admin", expires_at=clock() + dt.timedelta(hours=1))
    scoped = world.person("scoped", kind="listener")
    world.grant(scoped, "admin", room=ROOM)
    with uow_factory(clean_engine)() as uow:
        assert sorted(p.person_id for p in uow.staff.admins(clock())) == sorted([admin, later])
        assert [p.person_id for p in uow.staff.admins(clock() + dt.timedelta(hours=2))] == [admin]


def test_a_moderator_s_removal_settles_the_hide_and_a_disagreement_restores_nothing(
        world, service, sanctions, runner, room, clean_engine):
    author = world.member("sam")
    message_id = world.post(author, "you are all idiots")
    two_newcomers_report(world, service, message_id)
    assert hidden_status(clean_engine, message_id) == HIDDEN
    sanctions.remove_message(world.moderator("mod"), message_id, "insults")
    assert hidden_status(clean_engine, message_id) == KEPT_REMOVED
    admin = world.admin()
    service.decide_case(admin, service.queue(admin)[0]["id"], "disagree")
    assert runner.run_due() and room.restored == []


def test_room_s_message_restored_lets_a_message_be_removed_again(world, service, sanctions, clean_engine, clock):
    author = world.member("sam")
    moderator = world.moderator("mod")
    message_id = world.post(author, "you are all idiots")
    world._deliver(room_contract.MessageDeleted(
        room_slug=ROOM, message_id=message_id, seq=world._room_seq(ROOM), message_seq=1, author_id=author,
        deleted_by=SYSTEM_ACTOR, by_moderation=True, reason=HIDDEN_REASON, deleted_at=clock()))
    world._deliver(room_contract.MessageRestored(
        room_slug=ROOM, message_id=message_id, seq=world._room_seq(ROOM), message_seq=1, author_id=author,
        body="you are all idiots", restored_by=moderator, reason="", restored_at=clock()))
    assert sanctions.remove_message(moderator, message_id, "insults")["status"] == "done"


def test_crisis_and_removed_messages_are_not_hidden(world, service, sanctions, clean_engine):
    author = world.member("sam")
    crisis = world.post(author, "I have the pills in my hand and I'm taking them all tonight, goodbye everyone")
    two_newcomers_report(world, service, crisis)
    removed = world.post(author, "you are all idiots")
    world._deliver(room_contract.MessageDeleted(
        room_slug=ROOM, message_id=removed, seq=world._room_seq(ROOM), message_seq=2, author_id=author,
        deleted_by=author, by_moderation=False, reason="", deleted_at=world.clock()))
    for i in range(2):
        service.report_message(world.member(f"other{i}"), removed, "abusive_language")
    assert hides(clean_engine) == 0


def test_a_removal_and_a_disagreement_at_once_never_leave_a_restore_of_a_settled_hide(world, clean_engine, room):
    """RemoveMessage and DecideCase(disagree) lock the hide's row: whichever commits second sees the first's
    verdict, so a hide kept removed by the moderator never has a restore ordered for it."""
    live = ModerationService(uow_factory(clean_engine))  # a real clock: the transactions truly overlap
    live_sanctions = SanctionsService(uow_factory(clean_engine))
    live_runner = RoomActionRunner(uow_factory(clean_engine), room)
    admin, moderator = world.admin(), world.moderator("mod")
    for attempt in range(5):
        author = world.member(f"sam{attempt}")
        message_id = world.post(author, "you are all idiots")
        for i in range(2):
            live.report_message(world.member(f"reporter{attempt}_{i}"), message_id, "abusive_language")
        live_runner.run_due()  # room hid it
        case_id = live.queue(admin)[0]["id"]
        barrier = threading.Barrier(2)

        def remove():
            barrier.wait(timeout=5)
            return live_sanctions.remove_message(moderator, message_id, "insults")

        def disagree():
            barrier.wait(timeout=5)
            return live.decide_case(admin, case_id, "disagree")

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(remove), pool.submit(disagree)]:
                future.result()
        t = orm.room_actions
        with clean_engine.connect() as conn:
            restores = conn.execute(sa.select(sa.func.count()).select_from(t).where(
                t.c.kind == actions.RESTORE_MESSAGE, t.c.args["message_id"].as_string() == message_id)).scalar_one()
        status = hidden_status(clean_engine, message_id)
        assert (status, restores) in {(KEPT_REMOVED, 0), (RESTORED, 1)}
