"""Integration: automod at post time on the real PostgreSQL: the read model of moderation's rule set (the highest
version kept, atomically), the posting context's facts for the matcher (roles, recent messages, the version),
and a refused post leaving no row, no event, no seq."""
import datetime as dt
import types
import uuid

import pytest
import sqlalchemy as sa
from room_integration_helpers import Clock, identity, register

from hearth_common import testing
from hearth_common.automod.rules import TEEN_CONTACT
from hearth_common.contracts import examples
from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain import errors
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"
TEEN_ROOM = "teen-community-hangout"
PHONE = "text me on 07700 900123 later"


rules_event = examples.rule_set_changed


def block(word: str, **fields) -> dict:
    return examples.word_rule(word, "block", id=f"block-{word}", **fields)


@pytest.fixture
def w(rooms, room_engine):
    """A conversation on a clean seeded database (`rooms` truncates every table) with a controllable clock."""
    clock = Clock()
    conversation = Conversation(uow_factory(room_engine), clock=clock, presence_timeout=dt.timedelta(seconds=60))
    return types.SimpleNamespace(rooms=rooms, conv=conversation, clock=clock, engine=room_engine)


def counts(engine, slug):
    with engine.connect() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(orm.messages)
                             .where(orm.messages.c.room_slug == slug)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(orm.outbox)).scalar_one(),
                conn.execute(sa.select(orm.room_streams.c.last_seq)
                             .where(orm.room_streams.c.room_slug == slug)).scalar_one())


def test_a_teens_phone_number_is_refused_before_any_rule_set_arrives_leaving_no_row_event_or_seq(w):
    teen = register(w.rooms, cohort="teen")
    w.conv.join(teen, TEEN_ROOM)
    before = counts(w.engine, TEEN_ROOM)
    with pytest.raises(errors.MessageRefused) as caught:
        w.conv.post(teen, TEEN_ROOM, PHONE)
    assert str(caught.value) == TEEN_CONTACT
    assert counts(w.engine, TEEN_ROOM) == before


def test_the_highest_version_is_kept_and_applies_to_the_next_post(w):
    adult = register(w.rooms)
    w.conv.join(adult, LOUNGE)
    assert w.conv.apply_automod_event(rules_event(3, block("pineapple"), seq=10))
    assert w.conv.apply_automod_event(rules_event(2, seq=11))  # late and older: handled, changes nothing
    with w.engine.connect() as conn:
        assert conn.execute(sa.select(orm.automod_rule_set.c.version)).scalar_one() == 3
    with pytest.raises(errors.MessageRefused, match="pineapple is not said here"):
        w.conv.post(adult, LOUNGE, "pineapple")
    w.conv.apply_automod_event(rules_event(4))
    assert w.conv.post(adult, LOUNGE, "pineapple")["body"] == "pineapple"


def test_a_role_granted_for_this_room_exempts_and_recent_messages_feed_the_spam_detector(w):
    w.conv.apply_automod_event(rules_event(1, block("pineapple", exempt_roles=["chat_room_moderator"])))
    moderator = register(w.rooms, kind="listener")
    identity(w.rooms, "role_granted", moderator, grant_id=str(uuid.uuid4()), role="chat_room_moderator",
             room_id=LOUNGE, expires_at=None)
    member = register(w.rooms)
    for person in (moderator, member):
        w.conv.join(person, LOUNGE)
    assert w.conv.post(moderator, LOUNGE, "pineapple")["body"] == "pineapple"
    with pytest.raises(errors.MessageRefused):
        w.conv.post(member, LOUNGE, "pineapple")
    for _ in range(2):
        w.conv.post(member, LOUNGE, "is anyone around tonight?")
        w.clock.advance(seconds=5)
    with pytest.raises(errors.MessageRefused, match="Slow down"):
        w.conv.post(member, LOUNGE, "is anyone around tonight?")


def test_a_censored_post_is_stored_masked_and_its_event_carries_the_original(w):
    w.conv.apply_automod_event(rules_event(1, block("pineapple") | {"id": "c", "action": "censor"}))
    adult = register(w.rooms)
    w.conv.join(adult, LOUNGE)
    posted = w.conv.post(adult, LOUNGE, "pineapple pizza")
    with w.engine.connect() as conn:
        body = conn.execute(sa.select(orm.messages.c.body)
                            .where(orm.messages.c.message_id == posted["message_id"])).scalar_one()
    assert body == "********* pizza"
    [event] = [e for e in testing.outbox_data(w.engine, "message_posted") if e["message_id"] == posted["message_id"]]
    assert event["body"] == "********* pizza" and event["original_body"] == "pineapple pizza"
