"""Integration tests on PostgreSQL: the audit log is append-only in the database itself (UPDATE, DELETE and
TRUNCATE refused, even to a superuser's session), its queries by person, room, actor and time; the calls to room
are taken by one worker at a time."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from moderation_service.adapters.repository import uow_factory
from moderation_service.domain import audit
from moderation_service.domain import room_actions as actions
from moderation_service.domain.audit import AuditQuery
from moderation_service.service_layer.room_actions import RoomActionRunner

AT = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.timezone.utc)
MOD, OTHER_MOD, PERSON = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", \
    "33333333-3333-4333-8333-333333333333"


def append(engine, *entries):
    with uow_factory(engine)() as uow:
        for e in entries:
            uow.audit.append(e)
        uow.commit()


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET reason = 'rewritten'", "DELETE FROM audit_log",
                                       "TRUNCATE audit_log"])
def test_the_database_refuses_to_change_or_delete_the_audit_log(clean_engine, statement):
    append(clean_engine, audit.entry("warning_issued", AT, audit.MODERATOR, actor_id=MOD, target_id=PERSON,
                                     reason="unkind"))
    with pytest.raises(DBAPIError, match="append-only"), clean_engine.begin() as conn:
        conn.execute(sa.text(statement))
    with clean_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reason FROM audit_log")).scalars().all() == ["unkind"]


def test_the_audit_log_is_listed_by_person_room_actor_and_time_newest_first(clean_engine):
    entries = [audit.entry("case_decided", AT + dt.timedelta(minutes=i), audit.MODERATOR,
                           actor_id=MOD if i % 2 else OTHER_MOD, target_id=PERSON,
                           room_slug="sharing-circle" if i < 3 else "teen-lounge", details={"i": i},
                           request_id=f"req-{i}")
               for i in range(6)]
    append(clean_engine, *entries, audit.entry("page_escalated", AT, audit.SYSTEM))
    with uow_factory(clean_engine)() as uow:
        by_room = uow.audit.list(AuditQuery(room_slug="sharing-circle"))
        assert [e.details["i"] for e in by_room] == [2, 1, 0]
        assert by_room[0] == entries[2]  # every field kept as written
        assert [e.details["i"] for e in uow.audit.list(AuditQuery(actor_id=MOD))] == [5, 3, 1]
        window = AuditQuery(target_id=PERSON, since=AT + dt.timedelta(minutes=1), until=AT + dt.timedelta(minutes=4))
        assert [e.details["i"] for e in uow.audit.list(window)] == [3, 2, 1]
        page = uow.audit.list(AuditQuery(target_id=PERSON, limit=2))
        rest = uow.audit.list(AuditQuery(target_id=PERSON, before=(page[-1].at, page[-1].id)))
        assert [e.details["i"] for e in page + rest] == [5, 4, 3, 2, 1, 0]
        assert uow.audit.count_by_action(MOD) == {"case_decided": 3}
        assert uow.audit.count_by_action(MOD, since=AT + dt.timedelta(minutes=4)) == {"case_decided": 1}


def test_an_entry_written_while_serving_a_request_carries_its_request_id(clean_engine):
    from hearth_common.logging import request_id_var

    token = request_id_var.set("req-from-the-edge")
    try:
        append(clean_engine, audit.entry("rule_changed", AT, audit.MODERATOR, actor_id=MOD))
    finally:
        request_id_var.reset(token)
    with uow_factory(clean_engine)() as uow:
        assert uow.audit.list(AuditQuery())[0].request_id == "req-from-the-edge"


class SlowRoom:
    """Answers after a pause, so two runners overlap; records every call."""

    def __init__(self):
        self.calls, self.lock = [], threading.Lock()

    def remove_message(self, message_id, moderator_id, reason=""):
        threading.Event().wait(0.05)
        with self.lock:
            self.calls.append(message_id)
        return {"id": message_id}


def test_two_workers_never_make_the_same_call_to_room(clean_engine):
    with uow_factory(clean_engine)() as uow:
        for i in range(10):
            uow.room_actions.add(actions.remove_message(f"m-{i}", MOD, "abusive", AT))
        uow.commit()
    room = SlowRoom()
    runners = [RoomActionRunner(uow_factory(clean_engine), room, clock=lambda: AT + dt.timedelta(seconds=1))
               for _ in range(2)]
    threads = [threading.Thread(target=r.run_due) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(room.calls) == sorted(f"m-{i}" for i in range(10))  # each once, shared between the two
    with clean_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT DISTINCT status FROM room_actions")).scalars().all() == [actions.DONE]


def test_overturned_actions_are_counted_by_who_had_acted(clean_engine):
    overturned = [audit.entry(audit.APPEAL_OVERTURNED, AT + dt.timedelta(minutes=i), audit.MODERATOR,
                              actor_id=OTHER_MOD, target_id=PERSON, details={audit.OVERTURNED_ACTOR_KEY: MOD})
                  for i in range(3)]
    append(clean_engine, *overturned, audit.entry("warning_issued", AT, audit.MODERATOR, actor_id=MOD))
    with uow_factory(clean_engine)() as uow:
        assert uow.audit.count_overturned(MOD) == 3
        assert uow.audit.count_overturned(MOD, since=AT + dt.timedelta(minutes=1)) == 2
        assert uow.audit.count_overturned(OTHER_MOD) == 0


def test_a_removal_besides_the_hides_own_is_found_by_message(clean_engine):
    hide = actions.remove_message("m-1", "service:moderation", "hidden pending review", AT)
    other = actions.remove_message("m-2", MOD, "abusive", AT)
    with uow_factory(clean_engine)() as uow:
        uow.room_actions.add(hide)
        uow.room_actions.add(other)
        uow.room_actions.add(actions.restore_message("m-1", MOD, "shown again", AT))
        uow.commit()
    with uow_factory(clean_engine)() as uow:
        assert not uow.room_actions.removal_besides("m-1", hide.id)  # only the hide's own, and a restore
        assert uow.room_actions.removal_besides("m-1", None)
        assert uow.room_actions.removal_besides("m-2", hide.id)
