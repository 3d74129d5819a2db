"""nameko: identity's worker feeds the badge rules from room's, moderation's and course's events under eventlet:
a first post earns First Post once (a redelivery changes nothing), a sanction takes back good standing, and an
event that breaks its contract is dead-lettered at once with nothing kept."""
import datetime as dt
import json

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from hearth_common.contracts import examples
from hearth_common.nameko_deps import event_consumers
from identity_service.adapters import orm
from identity_service.service_layer.badge_rules import CONSUMED
from identity_service.service_layer.services import Actor

ADULT_DOB = "1990-04-02"
POSTED_QUEUE = "evt-room-message_posted--identity.on_message_posted"


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def queued(amqp_uri, queue=POSTED_QUEUE):
    with kombu.Connection(amqp_uri) as conn:
        return conn.channel().queue_declare(queue, passive=True)[1]


def badges_of(identity, person_id):
    return {b["badge"]["slug"]: b["awarded_by"] for b in identity.person_badges(person_id)}


def test_the_worker_binds_exactly_the_events_the_badge_rules_count(worker_module):
    bound = {(c["exchange"], c["routing_key"]) for c in event_consumers(worker_module.IdentityWorker)}
    assert bound == {(f"{source}.events", t) for source, types in CONSUMED.items() for t in types}


def test_a_first_post_earns_first_post_once_even_when_the_event_comes_twice(worker, amqp_uri, identity,
                                                                         identity_events, clean_identity_db):
    person = identity.register("poster", "a long enough password", ADULT_DOB, "member")
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    posted = examples.envelope("room", "message_posted", seq=7, author_id=person["id"])
    dispatch("room", "message_posted", posted)
    identity_events.wait_for(lambda seen: any(m.delivery_info["routing_key"] == "badge_awarded" for m in seen))
    dispatch("room", "message_posted", posted)  # redelivered: already handled
    next_day = dt.datetime.fromisoformat(posted["data"]["posted_at"]) + dt.timedelta(days=1)
    second = examples.envelope("room", "message_posted", seq=8, author_id=person["id"], posted_at=next_day)
    dispatch("room", "message_posted", second)
    testing.eventually(lambda: count(clean_identity_db, orm.badge_facts) == 2 and queued(amqp_uri) == 0, timeout=15)
    identity_events.settle(1.0)
    assert count(clean_identity_db, orm.inbox) == 0  # a post's fact is kept once: no inbox row needed
    [awarded] = identity_events.of_type("badge_awarded")
    data = json.loads(awarded.body)["data"]
    assert (data["person_id"], data["badge_slug"], data["awarded_by"]) == (person["id"], "first-post",
                                                                         "rule:first-post")
    assert badges_of(identity, person["id"]) == {"first-post": "rule:first-post"}


def test_a_sanction_takes_back_good_standing(worker, amqp_uri, identity, identity_events):
    person = identity.register("listener", "a long enough password", ADULT_DOB, "listener")
    identity.award_badge(Actor(service="admin-tool"), person["id"], "listener-in-good-standing", "known", "k-1")
    sanction = examples.envelope("moderation", "sanction_imposed", seq=3, person_id=person["id"], kind="mute",
                                 sanction_id="s-77")
    event_dispatcher({"AMQP_URI": amqp_uri})("moderation", "sanction_imposed", sanction)
    identity_events.wait_for(lambda seen: any(m.delivery_info["routing_key"] == "badge_revoked" for m in seen))
    assert badges_of(identity, person["id"]) == {}


def test_an_event_that_breaks_the_contract_is_dead_lettered_at_once_with_nothing_kept(worker, amqp_uri, identity,
                                                                                    clean_identity_db):
    person = identity.register("broken", "a long enough password", ADULT_DOB, "member")
    malformed = examples.envelope("room", "message_posted", author_id=person["id"])
    del malformed["data"]["posted_at"]
    event_dispatcher({"AMQP_URI": amqp_uri})("room", "message_posted", malformed)
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{POSTED_QUEUE}")(conn.channel())
        dead = testing.eventually(lambda: dlq.get(no_ack=True), timeout=10, what="the dead-lettered event")
    assert dead.payload["event_id"] == malformed["event_id"]
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    assert count(clean_identity_db, orm.inbox) == 0 and count(clean_identity_db, orm.badge_facts) == 0
    assert badges_of(identity, person["id"]) == {}
