"""Integration on the real PostgreSQL: private notices (stored once for one person, listed and read by them alone,
found by the live sweep, purged after their retention) and restore_message."""
import datetime as dt
import threading
import types
import uuid

import pytest
import sqlalchemy as sa
from room_integration_helpers import Clock, register

from hearth_common import testing
from hearth_common.contracts import examples
from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain import errors
from room_service.domain.notices import NOTICE_RETENTION
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"


@pytest.fixture
def w(rooms, room_engine):
    clock, collected, delivered = Clock(), [], []
    conversation = Conversation(uow_factory(room_engine), clock=clock, live=collected.extend)
    conversation.notices.deliver = delivered.extend
    return types.SimpleNamespace(rooms=rooms, conv=conversation, clock=clock, live=collected, delivered=delivered,
                                 engine=room_engine)


def notice_event(person_id, notice_id=None, **fields):
    return examples.envelope("moderation", "notice_issued", person_id=person_id,
                             notice_id=notice_id or str(uuid.uuid4()), **fields)


def notice_rows(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.notices)).scalar_one()


def test_a_notice_is_stored_for_its_person_with_every_field_and_listed_by_them_alone(w):
    sam, olly = register(w.rooms), register(w.rooms)
    assert w.conv.receive_notice(notice_event(sam, "n-1", kind="care", room_slug=LOUNGE,
                                              resources=("Samaritans: call 116 123",)))
    [notice] = w.conv.list_notices(sam)["notices"]
    assert (notice["notice_id"], notice["kind"], notice["room_slug"], notice["resources"], notice["read_at"]) == (
        "n-1", "care", LOUNGE, ["Samaritans: call 116 123"], None)
    assert notice["issued_at"] == examples.AT and notice["received_at"] == w.clock.now
    assert w.conv.list_notices(olly)["notices"] == []
    assert [d["notice_id"] for d in w.delivered] == ["n-1"]


def test_a_notice_arriving_twice_even_at_once_is_stored_and_delivered_once(w):
    sam = register(w.rooms)
    same_event = notice_event(sam, "n-1")
    other_event = notice_event(sam, "n-1")  # the same notice under another event id
    results = []
    threads = [threading.Thread(target=lambda e=e: results.append(w.conv.receive_notice(e)))
               for e in (same_event, same_event, other_event)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True, True]  # the repeated event is claimed once
    assert notice_rows(w.engine) == 1 and len(w.delivered) == 1


def test_notices_page_newest_first_and_are_marked_read_by_their_person_only(w):
    sam, olly = register(w.rooms), register(w.rooms)
    for n in range(3):
        w.conv.receive_notice(notice_event(sam, f"n-{n}"))
    first = w.conv.list_notices(sam, limit=2)
    assert [n["notice_id"] for n in first["notices"]] == ["n-2", "n-1"]
    rest = w.conv.list_notices(sam, before=first["next_before"], limit=2)
    assert [n["notice_id"] for n in rest["notices"]] == ["n-0"] and rest["next_before"] == 0
    for person, notice_id in ((olly, "n-1"), (sam, "no-such-notice")):
        with pytest.raises(errors.NoticeNotFound, match="you have no notice with that id"):
            w.conv.mark_notice_read(person, notice_id)
    w.clock.advance(minutes=1)
    assert w.conv.mark_notice_read(sam, "n-1")["read_at"] == w.clock.now
    assert [n["read_at"] is not None for n in w.conv.list_notices(sam)["notices"]] == [False, True, False]


def test_the_sweep_finds_the_notices_of_its_people_received_since_and_old_ones_are_purged(w):
    sam, olly = register(w.rooms), register(w.rooms)
    w.conv.receive_notice(notice_event(sam, "old"))
    w.clock.advance(minutes=1)
    since = w.clock.now
    w.conv.receive_notice(notice_event(sam, "new"))
    w.conv.receive_notice(notice_event(olly, "theirs"))
    assert [n["notice_id"] for n in w.conv.notices_received_since([sam], since)] == ["new"]
    w.clock.now += NOTICE_RETENTION - dt.timedelta(seconds=30)
    assert w.conv.notices.purge() == 1
    assert [n["notice_id"] for n in w.conv.list_notices(sam)["notices"]] == ["new"]


def test_a_removed_message_is_restored_with_its_body_once_and_an_authors_deletion_is_not(w):
    author, moderator = register(w.rooms), register(w.rooms, roles=["chat_room_moderator"])
    w.conv.join(author, LOUNGE)
    message = w.conv.post(author, LOUNGE, "hidden pending review")
    own = w.conv.post(author, LOUNGE, "I take this back")
    w.conv.delete(moderator, message["message_id"], moderator=True, reason="reported")
    w.conv.delete(author, own["message_id"])
    restored = w.conv.restore_message(moderator, message["message_id"], "nothing wrong with it")
    again = w.conv.restore_message(moderator, message["message_id"])
    assert restored == again and restored["body"] == "hidden pending review" and not restored["deleted"]
    history = w.conv.history(author, LOUNGE)["messages"]
    assert [(m["seq"], m["body"], m["deleted"]) for m in history] == [
        (message["seq"], "hidden pending review", False), (own["seq"], "", True)]
    assert [(e["message_id"], e["body"], e["restored_by"], e["reason"])
            for e in testing.outbox_data(w.engine, "message_restored")] == [
        (message["message_id"], "hidden pending review", moderator, "nothing wrong with it")]
    assert [i["kind"] for i in w.live].count("message_restored") == 1
    with pytest.raises(errors.NotRestorable, match="its author deleted"):
        w.conv.restore_message(moderator, own["message_id"])
    with pytest.raises(errors.MessageNotFound):
        w.conv.restore_message(moderator, str(uuid.uuid4()))
