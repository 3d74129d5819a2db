"""nameko: the worker's crisis path (room's message_posted read for crisis language: care once, never a case)
and its escalation loop (a page nobody acknowledged reaches its next stage when it falls due), under eventlet."""
import datetime as dt
import importlib
import os
import time
import uuid

import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from test_moderation_worker import ROOM, count, envelope

from hearth_common import testing
from hearth_common.clock import utcnow
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.service_layer.pager import PagerService


def test_a_crisis_message_is_cared_for_once_and_never_punished(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    admin, author, message_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    sent = [
        envelope("identity", "person_registered", 1, person_id=admin, username="ada", cohort="adult"),
        envelope("identity", "role_granted", 2, person_id=admin, role="admin", room_id=None, expires_at=None,
                 grant_id=str(uuid.uuid4())),
        envelope("identity", "person_registered", 3, person_id=author, username="sam", cohort="teen"),
        envelope("room", "member_joined", 4, room_slug=ROOM, person_id=author, seq=1),
        envelope("room", "message_posted", 5, room_slug=ROOM, message_id=message_id, seq=2, author_id=author,
                 body="I'm going to kill myself tonight", reply_to=None, mention_ids=()),
    ]
    for i, event in enumerate(sent):  # identity's first (its queues and room's are consumed independently)
        dispatch(event["source"], event["event_type"], event)
        testing.eventually(lambda: count(clean_engine, orm.inbox) == i + 1, timeout=15)
    dispatch("room", "message_posted", sent[-1])  # redelivered
    testing.eventually(lambda: count(clean_engine, orm.crisis_flags) == 1, timeout=15)
    with clean_engine.connect() as conn:
        types = sorted(conn.execute(sa.select(orm.outbox.c.event_type)).scalars())
        [recipients] = conn.execute(sa.select(orm.pages.c.recipient_ids)).scalars()
    assert types == ["crisis_flagged", "notice_issued", "page_sent"]
    assert recipients == [admin]  # nobody on duty: admins at once
    assert count(clean_engine, orm.cases) == 0 and count(clean_engine, orm.reports) == 0


class Earlier:
    def __init__(self, minutes):
        self.offset = dt.timedelta(minutes=minutes)

    def __call__(self):
        return utcnow() - self.offset


def test_the_timer_escalates_a_page_nobody_acknowledged(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    moderator, other, summoner = (str(uuid.uuid4()) for _ in range(3))
    sent = [
        envelope("identity", "person_registered", 1, person_id=moderator, username="mo", cohort="adult"),
        envelope("identity", "role_granted", 2, person_id=moderator, role="chat_room_moderator", room_id=ROOM,
                 expires_at=None, grant_id=str(uuid.uuid4())),
        envelope("identity", "person_registered", 3, person_id=other, username="other", cohort="adult"),
        envelope("identity", "role_granted", 4, person_id=other, role="chat_room_moderator",
                 room_id="grief-support", expires_at=None, grant_id=str(uuid.uuid4())),
        envelope("identity", "person_registered", 5, person_id=summoner, username="sam", cohort="adult"),
        envelope("room", "member_joined", 6, room_slug=ROOM, person_id=summoner, seq=1),
    ]
    for event in sent:
        dispatch(event["source"], event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
    earlier = PagerService(uow_factory(clean_engine), clock=Earlier(minutes=3))  # a page sent 3 minutes ago
    earlier.go_on_duty(moderator)
    earlier.go_on_duty(other)
    earlier.summon(summoner, ROOM, "abusive")

    def stage():
        with clean_engine.connect() as conn:
            return conn.execute(sa.select(orm.pages.c.stage)).scalar_one()

    testing.eventually(lambda: stage() == "on_duty", timeout=15)
    with clean_engine.connect() as conn:
        assert sorted(conn.execute(sa.select(orm.pages.c.recipient_ids)).scalar_one()) == sorted([moderator, other])


ESCALATION = 4.0  # seconds, in the worker below (MODERATION_PAGE_ESCALATION_SECONDS)
LATE = 1.5  # seconds an escalation may come after its due time on a loaded machine (the loop's safety net: 60)


@pytest.fixture
def short_escalation_worker(moderation_worker_module, container_factory, amqp_uri, clean_engine):
    """moderation's worker with pages escalating ESCALATION seconds after their stage began."""
    os.environ["MODERATION_PAGE_ESCALATION_SECONDS"] = str(ESCALATION)
    try:
        module = importlib.reload(moderation_worker_module)
        with testing.running_worker(container_factory, module.ModerationWorker, amqp_uri) as container:
            yield container
    finally:
        del os.environ["MODERATION_PAGE_ESCALATION_SECONDS"]
        importlib.reload(moderation_worker_module)


def test_a_page_escalates_when_due_and_a_page_recorded_meanwhile_wakes_the_loop(short_escalation_worker, amqp_uri,
                                                                                clean_engine):
    """The escalation loop sleeps until the next page falls due, not a poll interval: a page escalates within
    LATE of its due time; a page recorded while the loop sleeps for a later one (due sooner: its stage began
    earlier) wakes it and escalates on time too, before the first."""
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    moderator, other, first, second = (str(uuid.uuid4()) for _ in range(4))
    sent = [
        envelope("identity", "person_registered", 1, person_id=moderator, username="mo", cohort="adult"),
        envelope("identity", "role_granted", 2, person_id=moderator, role="chat_room_moderator", room_id=ROOM,
                 expires_at=None, grant_id=str(uuid.uuid4())),
        envelope("identity", "person_registered", 3, person_id=other, username="other", cohort="adult"),
        envelope("identity", "role_granted", 4, person_id=other, role="chat_room_moderator",
                 room_id="grief-support", expires_at=None, grant_id=str(uuid.uuid4())),
        envelope("identity", "person_registered", 5, person_id=first, username="sam", cohort="adult"),
        envelope("room", "member_joined", 6, room_slug=ROOM, person_id=first, seq=1),
        envelope("identity", "person_registered", 7, person_id=second, username="kim", cohort="adult"),
        envelope("room", "member_joined", 8, room_slug=ROOM, person_id=second, seq=2),
    ]
    for event in sent:
        dispatch(event["source"], event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
    escalation = dt.timedelta(seconds=ESCALATION)
    now = PagerService(uow_factory(clean_engine), escalate_after=escalation)
    now.go_on_duty(moderator)
    now.go_on_duty(other)

    def pages():
        with clean_engine.connect() as conn:
            t = orm.pages
            return {row.caller_id: row for row in conn.execute(sa.select(t.c.caller_id, t.c.stage, t.c.stage_at))}

    now.summon(first, ROOM, "abusive")
    first_sent = pages()[first].stage_at
    time.sleep(1.0)  # the loop, woken by the page, sleeps until it is due
    # a page whose stage began ESCALATION - 1.5 s ago: due 1.5 s from now, before the first
    PagerService(uow_factory(clean_engine), clock=lambda: utcnow() - escalation + dt.timedelta(seconds=1.5),
                 escalate_after=escalation).summon(second, ROOM, "spammer")
    second_sent = pages()[second].stage_at

    testing.eventually(lambda: pages()[second].stage == "on_duty", timeout=ESCALATION + 10, interval=0.05)
    assert pages()[first].stage == "covering"  # not due yet: the loop woke for the second alone
    testing.eventually(lambda: pages()[first].stage == "on_duty", timeout=ESCALATION + 10, interval=0.05)
    for person, sent_at in ((second, second_sent), (first, first_sent)):
        late = (pages()[person].stage_at - sent_at - escalation).total_seconds()
        assert 0 <= late < LATE, (person, late)
