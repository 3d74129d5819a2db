"""nameko: identity's worker under eventlet, on the real RabbitMQ and PostgreSQL."""
import contextlib
import json
import time
import uuid

import kombu
import pytest
import sqlalchemy as sa
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher

from hearth_common import errors, testing
from hearth_common.inbox import claim_event, define_inbox_table
from hearth_common.logging import request_id_var
from hearth_common.outbox import decode_body
from hearth_common.rpc_client import RpcClient
from identity_service.adapters import orm
from identity_service.service_layer.services import Actor

ADULT_DOB = "1990-04-02"


@pytest.fixture
def rpc(worker, amqp_uri):
    """A client on the local broker's default user, which the test worker lets call as the local caller."""
    client = RpcClient(amqp_uri, timeout=10, caller="test")
    yield client
    client.close()


@pytest.fixture(scope="module")
def service_uris(rabbit_vhost):
    """Broker users of other services on the test vhost (every permission: what they may call is up to identity)."""
    return {service: rabbit_vhost.service_user_uri(service) for service in ("course", "room")}


@pytest.fixture
def course_rpc(worker, service_uris):
    """A client on course's broker user: identity learns from the broker that course calls (the table lets course
    ask identity for a replay of its events, on its worker's first start)."""
    client = RpcClient(service_uris["course"], timeout=10)
    yield client
    client.close()


def test_other_services_read_people_and_badges_over_rpc(rpc, identity):
    person = identity.register("Reader", "a long enough password", ADULT_DOB, "listener")
    assert rpc.call("identity", "get_person", username="reader")["id"] == person["id"]
    assert rpc.call("identity", "get_badges", person_id=person["id"]) == []


def test_an_award_event_carries_the_request_id_it_was_made_under(rpc, identity, identity_events):
    person = identity.register("Earner", "a long enough password", ADULT_DOB, "member")
    token = request_id_var.set("req-from-identity-grpc")
    try:
        identity.award_badge(Actor(service="admin-tool"), person["id"], "group-dynamics-graduate", "trained",
                             "award-42")
    finally:
        request_id_var.reset(token)
    identity_events.wait_for(lambda ms: any(m.delivery_info["routing_key"] == "badge_awarded" for m in ms))
    identity_events.settle()
    awarded = identity_events.of_type("badge_awarded")
    assert len(awarded) == 1
    body = json.loads(awarded[0].body)
    assert body["data"]["badge_slug"] == "group-dynamics-graduate"
    assert body["request_id"] == "req-from-identity-grpc"
    assert awarded[0].headers["nameko.request_id"] == "req-from-identity-grpc"
    assert [a["badge"]["slug"] for a in rpc.call("identity", "get_badges", person_id=person["id"])] == [
        "group-dynamics-graduate"
    ]


def test_domain_errors_reach_rpc_callers_as_their_category(rpc, course_rpc):
    with pytest.raises(errors.NotFound):
        rpc.call("identity", "get_person", person_id=str(uuid.uuid4()))
    with pytest.raises(errors.InvalidArgument) as info:
        course_rpc.call("identity", "replay_events", event_types=[])
    assert "event_types must be a non-empty list" in str(info.value)


def test_the_caller_is_the_broker_user_not_an_argument(course_rpc, identity, identity_events):
    identity.register("Claimed", "a long enough password", ADULT_DOB, "member")
    identity_events.wait_for(lambda ms: any(m.delivery_info["routing_key"] == "person_registered" for m in ms))
    with pytest.raises(errors.PermissionDenied, match="service 'course' may ask for a replay to its own queues only"):
        course_rpc.call("identity", "replay_events", event_types=["person_registered"], consumer="room")
    # course's broker user sent it: the replay goes to course's queues, and to no one else's
    replay = course_rpc.call("identity", "replay_events", event_types=["person_registered"])
    assert replay["replayed"] >= 1
    identity_events.wait_for(lambda ms: any(m.delivery_info["routing_key"] == "replay.course.person_registered"
                                            for m in ms))
    replayed = {m.delivery_info["routing_key"] for m in identity_events.seen if m.delivery_info["routing_key"]
                .startswith("replay.")}
    assert replayed == {"replay.course.person_registered"}


def test_a_service_calls_only_what_the_table_lets_it(worker, service_uris, identity):
    person = identity.register("Guarded", "a long enough password", ADULT_DOB, "member")
    room = RpcClient(service_uris["room"], timeout=10)
    course = RpcClient(service_uris["course"], timeout=10)
    try:
        with pytest.raises(errors.PermissionDenied, match="'room' may not call identity.get_person"):
            room.call("identity", "get_person", person_id=person["id"])
        with pytest.raises(errors.PermissionDenied, match="'course' may not call identity.get_badges"):
            course.call("identity", "get_badges", person_id=person["id"])
    finally:
        room.close()
        course.close()


def test_a_request_without_user_id_is_the_local_caller_only_where_the_worker_allows_it(worker, amqp_uri):
    with kombu.Connection(amqp_uri) as conn:
        assert send_raw(conn, "get_person", {"username": "nobody-here"})["error"]["exc_type"] == "NotFound"
        with pytest.raises(Exception, match="PRECONDITION_FAILED"):  # the broker checks the claimed user
            send_raw(conn, "get_person", {"username": "nobody-here"}, user_id="course")


def send_raw(conn, method: str, kwargs: dict, **properties) -> dict:
    """One request to identity published by hand (no user_id unless given), and its reply."""
    reply_key = str(uuid.uuid4())
    channel = conn.channel()
    exchange = kombu.Exchange("nameko-rpc", type="topic", durable=True, no_declare=True)
    replies = kombu.Queue(f"rpc.reply-test-{reply_key}", exchange=exchange, routing_key=reply_key, exclusive=True)
    got = []
    with kombu.Consumer(channel, queues=[replies], callbacks=[lambda body, m: got.append(body)], no_ack=True):
        producer = kombu.Producer(conn.channel(), exchange=exchange, serializer="json")
        producer.publish({"args": [], "kwargs": kwargs}, routing_key=f"identity.{method}", reply_to=reply_key,
                         correlation_id=reply_key, **properties)
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                conn.drain_events(timeout=0.5)
    assert got, "no reply"
    return got[0]


def test_the_timer_moves_a_teen_who_turned_18_into_the_adult_cohort(worker, identity, identity_engine, identity_events):
    teen = identity.register("Birthday", "a long enough password", "2010-06-01", "member")
    with identity_engine.begin() as conn:  # time passes
        conn.execute(sa.update(orm.people).where(orm.people.c.id == teen["id"]).values(date_of_birth="2007-01-01"))
    identity_events.wait_for(lambda ms: any(m.delivery_info["routing_key"] == "cohort_changed" for m in ms))
    identity_events.settle()
    changed = [json.loads(m.body)["data"] for m in identity_events.of_type("cohort_changed")]
    assert changed == [{"person_id": teen["id"], "previous_cohort": "teen", "cohort": "adult"}]
    assert identity.get_person(person_id=teen["id"])["cohort"] == "adult"


# --- a consumer of identity's events, the way other services keep their read models -------------

consumer_metadata = sa.MetaData()
consumer_inbox = define_inbox_table(consumer_metadata)
held_badges = sa.Table(
    "held_badges",
    consumer_metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)


@pytest.fixture(scope="module")
def consumer_engine():
    url = testing.create_database("hearth_consumer")
    engine = sa.create_engine(url)
    consumer_metadata.create_all(engine)  # test consumer's schema only
    yield engine
    engine.dispose()
    testing.drop_database(url)


def test_a_redelivered_event_is_applied_once(container_factory, amqp_uri, consumer_engine):
    applied = []

    class BadgeCounter:
        name = "badge_counter"

        @event_handler("identity", "badge_awarded")
        def on_badge_awarded(self, body):
            envelope = decode_body(body)
            with consumer_engine.begin() as conn:
                if not claim_event(conn, consumer_inbox, envelope):
                    applied.append("skipped")
                    return
                person = envelope["data"]["person_id"]
                updated = conn.execute(
                    sa.update(held_badges).where(held_badges.c.person_id == person)
                    .values(count=held_badges.c.count + 1)
                ).rowcount
                if not updated:
                    conn.execute(sa.insert(held_badges).values(person_id=person, count=1))
                applied.append("applied")

    container = container_factory(BadgeCounter, {"AMQP_URI": amqp_uri})
    container.start()
    person_id = str(uuid.uuid4())
    envelope = {"event_id": str(uuid.uuid4()), "event_type": "badge_awarded", "source": "identity",
                "data": {"person_id": person_id, "badge_slug": "first-post"}}
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("identity", "badge_awarded", envelope)
    dispatch("identity", "badge_awarded", envelope)  # the broker redelivers it
    deadline = time.monotonic() + 10
    while len(applied) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    container.stop()
    assert sorted(applied) == ["applied", "skipped"]
    with consumer_engine.connect() as conn:
        count = sa.select(held_badges.c.count).where(held_badges.c.person_id == person_id)
        assert conn.execute(count).scalar_one() == 1
