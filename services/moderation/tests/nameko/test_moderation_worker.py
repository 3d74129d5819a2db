"""nameko: moderation's worker keeps its read models from identity's and room's events (each applied once, a
redelivery ignored), and its relay publishes what the use cases wrote to the outbox, under eventlet."""
import json
import uuid

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from hearth_common.contracts import examples
from hearth_common.contracts import identity as identity_contract
from hearth_common.contracts import room as room_contract
from hearth_common.nameko_deps import event_consumers
from hearth_common.outbox import event_exchange
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.service_layer.sanctions import SESSION_EVENTS
from moderation_service.service_layer.services import COURSE_EVENTS, ROOM_EVENTS, ModerationService

ROOM = "anxiety-support"


def envelope(source, event_type, outbox_seq, **fields):
    """A valid event of the contract with `fields` (a room payload's own `seq` among them), as published."""
    return examples.published(source, examples.payload(source, event_type, **fields), outbox_seq)


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_the_worker_binds_identitys_events_and_only_the_room_and_course_events_it_keeps(moderation_worker_module):
    bound = {(c["exchange"], c["routing_key"]) for c in event_consumers(moderation_worker_module.ModerationWorker)}
    assert bound == ({("identity.events", t) for t in identity_contract.EVENT_TYPES}
                     | {("room.events", t) for t in ROOM_EVENTS + SESSION_EVENTS}
                     | {("course.events", t) for t in COURSE_EVENTS})


def test_events_build_the_read_models_once_and_a_report_is_published(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    author, reporter = str(uuid.uuid4()), str(uuid.uuid4())
    message_id = str(uuid.uuid4())
    sent = [
        envelope("identity", "person_registered", 1, person_id=author, username="sam", cohort="adult"),
        envelope("identity", "person_registered", 2, person_id=reporter, username="riley", cohort="adult"),
        envelope("room", "member_joined", 3, room_slug=ROOM, person_id=author, seq=1),
        envelope("room", "member_joined", 4, room_slug=ROOM, person_id=reporter, seq=2),
        envelope("room", "message_posted", 5, room_slug=ROOM, message_id=message_id, seq=3,
                          author_id=author, body="you lot are useless", reply_to=None, mention_ids=()),
    ]
    for event in sent:
        dispatch(event["source"], event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
    for event in sent:  # redelivered: each was handled already
        dispatch(event["source"], event["event_type"], event)
    # one more event; the redeliveries leave no second row anywhere (inbox, members, messages)
    late = envelope("room", "message_edited", 6, room_slug=ROOM, message_id=message_id, seq=4,
                             message_seq=3, author_id=author, body="you lot are useless, honestly")
    dispatch("room", "message_edited", late)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent) + 1, timeout=15)
    assert count(clean_engine, orm.messages) == 1 and count(clean_engine, orm.room_members) == 2

    with kombu.Connection(amqp_uri) as connection:
        queue = kombu.Queue("test-moderation-events", exchange=event_exchange("moderation"), routing_key="#",
                            auto_delete=False)(connection.channel())
        queue.declare()
        queue.purge()
        service = ModerationService(uow_factory(clean_engine))
        report = service.report_message(reporter, message_id, "abusive_language")
        message = testing.eventually(lambda: queue.get(no_ack=True), timeout=15)
        queue.delete()
    published = json.loads(message.body)
    assert published["event_type"] == "report_filed" and published["data"]["report_id"] == report["id"]
    assert reporter not in json.dumps(published)
    with clean_engine.connect() as conn:
        body = conn.execute(sa.select(orm.reports.c.message_body)).scalar_one()
    assert body == "you lot are useless, honestly"


def test_a_malformed_room_event_is_refused_without_an_effect(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    bad = envelope("room", "message_posted", 1, room_slug=ROOM)
    del bad["data"]["author_id"]
    dispatch("room", "message_posted", bad)
    good = envelope("room", "member_joined", 2, room_slug=ROOM, seq=1)
    dispatch("room", "member_joined", good)
    testing.eventually(lambda: count(clean_engine, orm.room_members) == 1, timeout=15)
    assert count(clean_engine, orm.messages) == 0
    assert room_contract.MessagePosted.TYPE in ROOM_EVENTS


def test_rooms_cross_cohort_grants_reach_the_read_model(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    grant_id, person_id = str(uuid.uuid4()), str(uuid.uuid4())
    granted = envelope("room", "cohort_access_granted", 1, grant_id=grant_id, person_id=person_id,
                       room_slug="teen-chat")
    revoked = envelope("room", "cohort_access_revoked", 2, grant_id=grant_id, person_id=person_id,
                       room_slug="teen-chat")
    for event in (revoked, granted):  # in either order
        dispatch("room", event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == 2, timeout=15)
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(orm.cohort_grants.c.person_id, orm.cohort_grants.c.revoked)).all() == [
            (person_id, True)]
    assert room_contract.CohortAccessGranted.TYPE in ROOM_EVENTS



def test_rooms_message_restored_shows_the_message_again_in_the_read_model(moderation_worker_module, worker,
                                                                          amqp_uri, clean_engine):
    bound = {(c["exchange"], c["routing_key"]) for c in event_consumers(moderation_worker_module.ModerationWorker)}
    assert ("room.events", room_contract.MessageRestored.TYPE) in bound
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    author, message_id = str(uuid.uuid4()), str(uuid.uuid4())
    sent = [
        envelope("room", "message_posted", 1, room_slug=ROOM, message_id=message_id, seq=1, author_id=author,
                 body="you lot are useless", reply_to=None, mention_ids=()),
        envelope("room", "message_deleted", 2, room_slug=ROOM, message_id=message_id, seq=2, message_seq=1,
                 author_id=author, deleted_by="service:moderation", by_moderation=True,
                 reason="hidden pending review"),
        envelope("room", "message_restored", 3, room_slug=ROOM, message_id=message_id, seq=3, message_seq=1,
                 author_id=author, body="you lot are useless"),
    ]
    for n, event in enumerate(sent, start=1):  # in order: each waits for the one before
        dispatch("room", event["event_type"], event)
        testing.eventually(lambda n=n: count(clean_engine, orm.inbox) == n, timeout=15)
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(orm.messages.c.deleted, orm.messages.c.body)).all() == [
            (False, "you lot are useless")]
