"""nameko: automod's flag path through the worker under eventlet: room's message_posted (and a redelivery of it)
becomes one automod report in the case about the author, published as report_filed by the relay."""
import json
import uuid

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from test_moderation_worker import ROOM, count, envelope

from hearth_common import testing
from hearth_common.outbox import event_exchange
from moderation_service.adapters import orm
from moderation_service.domain.automod_rules import AUTOMOD


def test_a_flagged_message_becomes_one_automod_report_published_once(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    author = str(uuid.uuid4())
    message_id = str(uuid.uuid4())
    with kombu.Connection(amqp_uri) as connection:
        queue = kombu.Queue("test-moderation-automod-events", exchange=event_exchange("moderation"),
                            routing_key="report_filed", auto_delete=False)(connection.channel())
        queue.declare()
        queue.purge()
        sent = [
            envelope("identity", "person_registered", 1, person_id=author, username="sharer", cohort="adult"),
            envelope("room", "message_posted", 2, room_slug=ROOM, message_id=message_id, seq=1, author_id=author,
                     body="add me on insta, my handle is sharer_99", reply_to=None, mention_ids=()),
        ]
        for event in sent + sent:  # and each redelivered
            dispatch(event["source"], event["event_type"], event)
        testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
        message = testing.eventually(lambda: queue.get(no_ack=True), timeout=15)
        published = json.loads(message.body)
        queue.delete()
    assert published["data"]["message_id"] == message_id and published["data"]["reason"] == "contact_details"
    assert published["data"]["subject_id"] == author and AUTOMOD not in json.dumps(published)
    with clean_engine.connect() as conn:
        reports = conn.execute(sa.select(orm.reports.c.reporter_id, orm.reports.c.note)).all()
    assert reports == [(AUTOMOD, "automod: default-contact-adult (contact)")]
