"""Integration: a post's one statement (message, timeline item and outbox event together) and transactions whose
BEGIN goes with their first statement (room-grpc's autocommit engine), on the real PostgreSQL."""
import datetime as dt
import threading
import time
import types
import uuid

import pytest
import sqlalchemy as sa
from room_integration_helpers import Clock, register

from hearth_common import testing
from hearth_common.db import ChannelListener, PreparedStatement, begin_with_next_statement, make_engine
from hearth_common.outbox import OUTBOX_CHANNEL, QUIET_SETTING, QuietOutboxNotify
from hearth_common.unit_of_work import UniqueViolation
from room_service.adapters.repository import uow_factory
from room_service.domain import events
from room_service.domain import messages as msgs
from room_service.domain.messages import Message
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"


@pytest.fixture(scope="module")
def autocommit_engine(room_db_url):
    engine = make_engine(room_db_url, autocommit=True)
    yield engine
    engine.dispose()


@pytest.fixture
def w(rooms, room_engine, autocommit_engine):
    """The conversation as room-grpc builds it: every unit of work on the autocommit engine."""
    clock = Clock()
    conversation = Conversation(uow_factory(room_engine, autocommit_engine), clock=clock,
                                presence_timeout=dt.timedelta(seconds=60))
    return types.SimpleNamespace(rooms=rooms, conv=conversation, clock=clock, engine=room_engine,
                                 auto=autocommit_engine)


def rows(engine, sql, **params):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def idle_in_transaction(engine) -> int:
    """Connections to the test database left inside a transaction between calls."""
    return rows(engine, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state LIKE 'idle in transaction%'")[0][0]


def test_a_post_stores_its_message_item_and_event_with_one_seq(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    posted = w.conv.post(person, LOUNGE, "hello there")
    seq = posted["seq"]
    assert rows(w.engine, "SELECT seq FROM messages WHERE message_id = :m", m=posted["message_id"]) == [(seq,)]
    assert rows(w.engine, "SELECT kind FROM timeline WHERE room_slug = :s AND seq = :q", s=LOUNGE, q=seq) == [
        ("message_posted",)]
    [event] = testing.outbox_data(w.engine, "message_posted")
    assert (event["message_id"], event["seq"], event["body"]) == (posted["message_id"], seq, "hello there")
    assert idle_in_transaction(w.engine) == 0


def test_a_post_statement_that_fails_writes_nothing_and_takes_no_seq(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    head = rows(w.engine, "SELECT last_seq FROM room_streams WHERE room_slug = :s", s=LOUNGE)[0][0]
    message = Message(message_id=str(uuid.uuid4()), room_slug=LOUNGE, seq=0, author_id=person, author_username="p",
                      body="once", posted_at=w.clock())
    for _ in range(2):  # the second time the message's id is taken: the whole statement fails
        try:
            with w.conv.transactions.begin() as uow:
                uow.messages.add_posted(message, {"body": "once"}, events.message_posted(message))
                uow.commit()
        except sa.exc.IntegrityError:
            pass
    assert rows(w.engine, "SELECT last_seq FROM room_streams WHERE room_slug = :s", s=LOUNGE)[0][0] == head + 1
    assert [e["seq"] for e in testing.outbox_data(w.engine, "message_posted")] == [head + 1]
    assert rows(w.engine, "SELECT count(*) FROM timeline WHERE room_slug = :s AND kind = 'message_posted'",
                s=LOUNGE) == [(1,)]
    assert idle_in_transaction(w.engine) == 0


def head_of(w) -> int:
    return rows(w.engine, "SELECT last_seq FROM room_streams WHERE room_slug = :s", s=LOUNGE)[0][0]


def a_message(w, person: str, body: str = "folded") -> Message:
    return Message(message_id=str(uuid.uuid4()), room_slug=LOUNGE, seq=0, author_id=person, author_username="p",
                   body=body, posted_at=w.clock())


def stream_row_free(engine) -> bool:
    """Whether another transaction can lock the room's stream row (the next post's seq) at once."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
        try:
            conn.execute(sa.text("SELECT 1 FROM room_streams WHERE room_slug = :s FOR UPDATE"), {"s": LOUNGE})
        except sa.exc.OperationalError:
            return False
        finally:
            conn.rollback()
    return True


def test_a_post_commits_with_its_write_in_one_round_trip_and_returns_its_seq(w, monkeypatch):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    head = head_of(w)
    message = a_message(w, person)
    sent = []
    send = PreparedStatement._send
    monkeypatch.setattr(PreparedStatement, "_send", staticmethod(lambda *a: sent.append(a[1]) or send(*a)))
    with w.conv.transactions.begin() as uow:
        uow.messages.posting_context(LOUNGE, person, w.clock(), w.clock(), w.clock(), w.clock())  # BEGIN with it
        seq = uow.add_posted_and_commit(message, {"body": "folded"}, events.message_posted(message))
        # committed before the unit ends: another connection sees all of it, and the room's row is free
        assert seq == head + 1 == head_of(w)
        assert rows(w.engine, "SELECT seq FROM messages WHERE message_id = :m", m=message.message_id) == [(seq,)]
        assert [e["seq"] for e in testing.outbox_data(w.engine, "message_posted")] == [seq]
        assert rows(w.engine, "SELECT kind FROM timeline WHERE room_slug = :s AND seq = :q", s=LOUNGE, q=seq) == [
            ("message_posted",)]
        assert stream_row_free(w.engine)
        assert idle_in_transaction(w.engine) == 0
        uow.commit()  # nothing left to do
    # the posting context's lock and read (with the BEGIN), then the write, its commit and the seq's read: one message
    assert len(sent) == 2 and "COMMIT" not in sent[0] and "COMMIT" in sent[1]
    assert idle_in_transaction(w.engine) == 0


def test_a_folded_post_that_fails_commits_nothing_and_takes_no_seq(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    head = head_of(w)
    message = a_message(w, person)
    with w.conv.transactions.begin() as uow:
        assert uow.add_posted_and_commit(message, {"body": "folded"}, events.message_posted(message)) == head + 1
    with pytest.raises(UniqueViolation):  # the message's id is taken: the statement fails before its COMMIT
        with w.conv.transactions.begin() as uow:
            uow.members.touch([(LOUNGE, person)], w.clock() + dt.timedelta(hours=1))  # a write before it
            uow.add_posted_and_commit(message, {"body": "folded"}, events.message_posted(message))
    assert head_of(w) == head + 1
    assert [e["seq"] for e in testing.outbox_data(w.engine, "message_posted")] == [head + 1]
    assert rows(w.engine, "SELECT count(*) FROM timeline WHERE room_slug = :s AND kind = 'message_posted'",
                s=LOUNGE) == [(1,)]
    assert rows(w.engine, "SELECT last_seen_at < :t FROM members WHERE room_slug = :s AND person_id = :p",
                t=w.clock() + dt.timedelta(minutes=1), s=LOUNGE, p=person) == [(True,)]  # rolled back too
    assert stream_row_free(w.engine)
    assert idle_in_transaction(w.engine) == 0


def test_a_folded_post_on_an_engine_that_begins_transactions_itself_commits_all_the_same(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    head = head_of(w)
    message = a_message(w, person)
    with uow_factory(w.engine)() as uow:  # the driver's own BEGIN: written, read, then the driver commits
        assert uow.add_posted_and_commit(message, {"body": "folded"}, events.message_posted(message)) == head + 1
        assert stream_row_free(w.engine)
    assert rows(w.engine, "SELECT seq FROM messages WHERE message_id = :m", m=message.message_id) == [(head + 1,)]
    assert idle_in_transaction(w.engine) == 0


def test_posts_at_once_in_one_room_keep_gap_free_seqs_and_one_event_each(w):
    people = [register(w.rooms) for _ in range(8)]
    for person in people:
        w.conv.join(person, LOUNGE)
    start = rows(w.engine, "SELECT last_seq FROM room_streams WHERE room_slug = :s", s=LOUNGE)[0][0]
    failures = []

    def post(person, n):
        try:
            for i in range(n):
                w.conv.post(person, LOUNGE, f"at once {i}")
        except Exception as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=post, args=(person, 4)) for person in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    seqs = [r[0] for r in rows(w.engine, "SELECT seq FROM timeline WHERE room_slug = :s AND seq > :q ORDER BY seq",
                               s=LOUNGE, q=start)]
    assert seqs == list(range(start + 1, start + 33))
    assert sorted(r[0] for r in rows(w.engine, "SELECT seq FROM messages WHERE room_slug = :s", s=LOUNGE)) == seqs
    assert sorted(e["seq"] for e in testing.outbox_data(w.engine, "message_posted")) == seqs
    assert idle_in_transaction(w.engine) == 0


def test_a_refused_post_ends_its_transaction_and_the_person_may_post_again(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    for i in range(5):
        w.conv.post(person, LOUNGE, f"message {i}")
    with pytest.raises(msgs.PostingTooFast):  # refused after its first statement took the person's write lock
        w.conv.post(person, LOUNGE, "one too many")
    assert idle_in_transaction(w.engine) == 0
    w.clock.advance(seconds=11)
    assert w.conv.post(person, LOUNGE, "later")["body"] == "later"  # the lock was released with the rollback
    assert len(testing.outbox_data(w.engine, "message_posted")) == 6


def test_a_retry_with_the_same_key_gets_the_first_message(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    first = w.conv.post(person, LOUNGE, "only once", idempotency_key="k-1")
    assert w.conv.post(person, LOUNGE, "only once", idempotency_key="k-1") == first
    assert len(testing.outbox_data(w.engine, "message_posted")) == 1


def test_a_connection_given_back_inside_a_transaction_is_rolled_back(w):
    with w.auto.connect() as conn:
        begin_with_next_statement(conn)
        conn.exec_driver_sql("INSERT INTO hands (room_slug, person_id, raised_at) VALUES ('x', 'y', now())")
        assert idle_in_transaction(w.engine) == 1
    # closed without COMMIT or ROLLBACK: the pool's reset rolled it back (the driver knew of no transaction)
    assert idle_in_transaction(w.engine) == 0
    assert rows(w.engine, "SELECT count(*) FROM hands WHERE room_slug = 'x'") == [(0,)]


@pytest.fixture
def listener(w):
    listening = ChannelListener(w.engine, OUTBOX_CHANNEL)
    yield listening
    listening.close()


def test_a_quiet_connection_writes_events_without_the_triggers_notify(w, listener):
    person = register(w.rooms)
    with w.engine.connect() as conn:
        conn.exec_driver_sql(f"SET {QUIET_SETTING} = 'off'")
        conn.commit()
        message = a_message(w, person)
        with w.conv.transactions.begin() as uow:  # a loud connection's post (the autocommit engine's)
            uow.add_posted_and_commit(message, {"body": "loud"}, events.message_posted(message))
        assert listener.wait(2.0)
        conn.execute(sa.text("INSERT INTO outbox (event_id, event_type, payload, occurred_at)"
                             " VALUES (:id, 'quiet', '{}', now())"), {"id": uuid.uuid4()})
        conn.commit()
        assert not listener.wait(0.3)  # committed, but no NOTIFY: the session said so
    assert [e["kind"] for e in rows_of_outbox(w.engine)] == ["message_posted", "quiet"]


def rows_of_outbox(engine) -> list[dict]:
    return [{"kind": kind} for (kind,) in rows(engine, "SELECT event_type FROM outbox ORDER BY seq")]


def test_a_post_on_a_quiet_engine_wakes_the_relays_once_committed(w, room_db_url, listener):
    quiet = make_engine(room_db_url, autocommit=True)
    notifier = QuietOutboxNotify(quiet, interval=0.05, idle_close=0.5)
    try:
        conversation = Conversation(uow_factory(w.engine, quiet), clock=w.clock,
                                    presence_timeout=dt.timedelta(seconds=60))
        person = register(w.rooms)
        conversation.join(person, LOUNGE)
        assert listener.wait(2.0)  # the join's event: a NOTIFY after its connection came back
        while listener.wait(0.2):
            pass
        posted = conversation.post(person, LOUNGE, "quietly")
        assert listener.wait(2.0)  # one NOTIFY, sent after the commit
        assert [e["message_id"] for e in testing.outbox_data(w.engine, "message_posted")] == [posted["message_id"]]
        with quiet.connect() as conn:
            assert conn.exec_driver_sql(f"SHOW {QUIET_SETTING}").scalar() == "off"
        assert not listener.wait(0.3)  # a connection given back after reads only wakes no relay
        assert notifier.sending
        time.sleep(1.0)  # idle for longer than idle_close: the notifier closes its own connection and ends
        assert not notifier.sending
    finally:
        quiet.dispose()
