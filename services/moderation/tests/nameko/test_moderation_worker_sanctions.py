"""nameko: moderation's worker keeps the live sessions read model from room's session events (once each), and its
timer ends the mutes and bans whose time has come, telling each person through the outbox, under eventlet."""
import datetime as dt
import json
import uuid

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from hearth_common.contracts import examples
from hearth_common.outbox import event_exchange
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.service_layer.sanctions import SanctionsService

ROOM = "anxiety-support"


def envelope(source, event_type, outbox_seq, **fields):
    return examples.published(source, examples.payload(source, event_type, **fields), outbox_seq)


def live_rooms(engine, leader):
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.live_sessions.c.room_slug).where(
            orm.live_sessions.c.leader_id == leader, orm.live_sessions.c.live)).scalars().all()


def test_session_events_keep_who_leads_a_live_session_where(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    leader, session_id = str(uuid.uuid4()), str(uuid.uuid4())
    started = envelope("room", "session_started", 1, session_id=session_id, room_slug=ROOM, leader_id=leader, seq=4)
    dispatch("room", "session_started", started)
    testing.eventually(lambda: live_rooms(clean_engine, leader) == [ROOM], timeout=15)
    ended = envelope("room", "session_ended", 2, session_id=session_id, room_slug=ROOM, leader_id=leader, seq=9)
    dispatch("room", "session_ended", ended)
    dispatch("room", "session_started", started)  # redelivered late: handled already, and older than the end
    testing.eventually(lambda: live_rooms(clean_engine, leader) == [], timeout=15)


def people(engine, *specs):
    """Registers people straight into the read model through identity's contract, as the worker would."""
    from moderation_service.service_layer.services import ModerationService

    service = ModerationService(uow_factory(engine))
    ids = []
    for n, (username, role) in enumerate(specs, start=1):
        person = str(uuid.uuid4())
        service.apply_identity_event(envelope("identity", "person_registered", n * 10, person_id=person,
                                              username=username, cohort="adult"))
        if role:
            service.apply_identity_event(envelope("identity", "role_granted", n * 10 + 1, person_id=person,
                                                  grant_id=str(uuid.uuid4()), role=role, room_id=None,
                                                  expires_at=None))
        ids.append(person)
    return ids


def test_the_timer_ends_a_mute_whose_time_has_come_and_tells_the_person(worker, amqp_uri, clean_engine):
    admin, sam = people(clean_engine, ("ada", "admin"), ("sam", None))
    an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    with kombu.Connection(amqp_uri) as connection:
        queue = kombu.Queue("test-moderation-notices", exchange=event_exchange("moderation"),
                            routing_key="notice_issued", auto_delete=False)(connection.channel())
        queue.declare()
        queue.purge()
        # imposed an hour ago for a minute: its end has come
        mute = SanctionsService(uow_factory(clean_engine), clock=lambda: an_hour_ago).impose(
            admin, sam, "mute", ROOM, 1, "flooding")

        def status():
            with clean_engine.connect() as conn:
                return conn.execute(sa.select(orm.sanctions.c.status).where(orm.sanctions.c.id == mute["id"])
                                    ).scalar_one()

        testing.eventually(lambda: status() == "expired", timeout=20)

        def ended_notice():
            while (message := queue.get(no_ack=True)) is not None:
                data = json.loads(message.body)["data"]
                if "has ended" in data["text"]:
                    return data
            return None

        notice = testing.eventually(ended_notice, timeout=15)
        queue.delete()
    assert notice["person_id"] == sam and notice["text"] == f"Your mute in {ROOM} has ended."
