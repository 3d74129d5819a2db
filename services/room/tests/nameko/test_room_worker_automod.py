"""nameko: room's worker keeps moderation's automod rule set from `automod_rules_changed` on moderation.events
(real RabbitMQ vhost, real PostgreSQL): once per event, the highest version only, a malformed set dead-lettered
at once; and the next post is judged by what it kept."""
import kombu
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from room_nameko_helpers import register

from hearth_common import testing
from hearth_common.contracts import examples
from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain.errors import MessageRefused
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"
QUEUE = "evt-moderation-automod_rules_changed--room.on_automod_rules_changed"


rules_event = examples.rule_set_changed


def block(word: str) -> dict:
    return examples.word_rule(word, "block")


def kept_version(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.automod_rule_set.c.version)).scalar()


def handled(engine, envelope) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.inbox)
                            .where(orm.inbox.c.event_id == envelope["event_id"])).scalar_one() == 1


@pytest.fixture
def dispatch(worker, amqp_uri):
    return lambda envelope: event_dispatcher({"AMQP_URI": amqp_uri})("moderation", envelope["event_type"], envelope)


def test_a_rule_set_event_is_kept_once_and_judges_the_next_post(dispatch, rooms, room_engine):
    conv = Conversation(uow_factory(room_engine))
    person = register(rooms, "automod1")
    conv.join(person, LOUNGE)
    conv.post(person, LOUNGE, "pineapple")  # before any rule set: common's defaults
    event = rules_event(1, block("pineapple"))
    dispatch(event)
    dispatch(event)  # delivered twice (at least once): applied once
    testing.eventually(lambda: kept_version(room_engine) == 1, what="the rule set kept")

    def refused():
        try:
            conv.post(person, LOUNGE, "pineapple again")
        except MessageRefused as exc:
            return str(exc)
        return None

    assert testing.eventually(refused, what="the post refused") == "pineapple is not said here"
    with room_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.inbox)
                            .where(orm.inbox.c.event_id == event["event_id"])).scalar_one() == 1


def test_an_older_version_arriving_late_is_ignored(dispatch, room_engine):
    dispatch(rules_event(3, block("pineapple"), seq=5))
    testing.eventually(lambda: kept_version(room_engine) == 3, what="version 3 kept")
    late = rules_event(2, seq=6)
    dispatch(late)
    testing.eventually(lambda: handled(room_engine, late), what="the late version handled")
    assert kept_version(room_engine) == 3


def test_a_malformed_rule_set_is_dead_lettered_at_once_and_nothing_kept(dispatch, amqp_uri, room_engine):
    malformed = examples.envelope("moderation", "automod_rules_changed", 1, version=1, rule_set={
        "version": 1, "rules": [{"id": "x", "kind": "regex", "pattern": "(a+)+$", "action": "block",
                                 "explanation": "catastrophic", "scope": "all"}]})
    dispatch(malformed)
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{QUEUE}")(conn.channel())
        dead = testing.eventually(lambda: dlq.get(no_ack=True), timeout=10, what="the dead-lettered event")
    assert dead.payload["event_id"] == malformed["event_id"]
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    assert kept_version(room_engine) is None and not handled(room_engine, malformed)
