"""Unit tests on in-memory fakes of safe retries: each call of room's that creates something, given an idempotency
key, answers a retry with its first result and writes nothing again; a different request with the key is
refused; a concurrent twin ends with one effect."""
import datetime as dt

import pytest
from room_unit_helpers import LOUNGE, POP_UP, START, TEEN_LOUNGE

from hearth_common.idempotency import InvalidKey, KeyReused
from room_service.domain.messages import PostingTooFast

KEY = "c0ffee00-1111-4222-8333-444455556666"
IN_AN_HOUR = START + dt.timedelta(hours=1)
REASON = "covering the teen evening shift"


def spec(slug="new-room", name="New Room") -> dict:
    return {"slug": slug, "name": name, "description": "A room", "topic": "community", "audience_cohort": "adult",
            "audience_kind": "both", "mode": "always_open", "capacity": 20, "access_policy": {"always": True},
            "slow_mode_seconds": 0}


@pytest.fixture
def sam(conv, identity):
    person = identity.register("sam")
    conv.join(person, LOUNGE)
    return person


def messages_in(db, slug):
    return [m for m in db.rows("messages") if m.room_slug == slug]


class TestPostMessage:
    def test_a_retry_returns_the_first_message_and_posts_nothing(self, conv, sam, db, published, live):
        first = conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        state, fanned_out = db.snapshot(), len(live)
        again = conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        assert again == first
        assert db.snapshot() == state and len(live) == fanned_out  # no row, event, timeline item or commit
        assert [m.message_id for m in messages_in(db, LOUNGE)] == [first["message_id"]]

    def test_a_retry_is_answered_even_where_a_new_post_would_be_refused(self, conv, sam, clock):
        """The rate limit counts posts, not retries: a client retrying after a lost answer is not throttled."""
        first = conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        for i in range(4):
            conv.post(sam, LOUNGE, f"more {i}")
        with pytest.raises(PostingTooFast):
            conv.post(sam, LOUNGE, "one too many")
        assert conv.post(sam, LOUNGE, "hello", idempotency_key=KEY) == first

    def test_the_same_key_with_another_text_is_refused_and_writes_nothing(self, conv, sam, db, refused):
        conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        with refused(KeyReused, match="different room.PostMessage request; use a new key"):
            conv.post(sam, LOUNGE, "hello again", idempotency_key=KEY)

    def test_keys_are_each_persons_own(self, conv, sam, identity, db):
        other = identity.register("olga")
        conv.join(other, LOUNGE)
        mine = conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        theirs = conv.post(other, LOUNGE, "hello", idempotency_key=KEY)
        assert theirs["message_id"] != mine["message_id"]
        assert len(messages_in(db, LOUNGE)) == 2

    def test_without_a_key_each_call_posts(self, conv, sam, db):
        conv.post(sam, LOUNGE, "hello", idempotency_key="")
        conv.post(sam, LOUNGE, "hello")
        assert len(messages_in(db, LOUNGE)) == 2

    def test_a_concurrent_twin_ends_with_one_message_and_both_get_it(self, conv, sam, db, published):
        events = len(published)
        twin = {}
        db.before_next_commit = lambda: twin.update(conv.post(sam, LOUNGE, "hello", idempotency_key=KEY))
        message = conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
        assert message == twin
        assert [m.message_id for m in messages_in(db, LOUNGE)] == [message["message_id"]]
        assert [e.type for e in published[events:]] == ["message_posted"]

    @pytest.mark.parametrize("key", ["x" * 201, " leading", "new\nline", "ünï"])
    def test_a_malformed_key_is_refused(self, conv, sam, refused, key):
        with refused(InvalidKey, match="idempotency_key must be"):
            conv.post(sam, LOUNGE, "hello", idempotency_key=key)


class TestHeartMessage:
    def test_a_retry_returns_the_first_answer_and_changes_nothing(self, conv, sam, identity, db):
        other = identity.register("olga")
        conv.join(other, LOUNGE)
        message = conv.post(sam, LOUNGE, "hello")
        first = conv.heart(other, message["message_id"], True, idempotency_key=KEY)
        conv.heart(other, message["message_id"], False)  # taken back meanwhile: a retry does not undo it
        state = db.snapshot()
        assert conv.heart(other, message["message_id"], True, idempotency_key=KEY) == first
        assert db.snapshot() == state


class TestCatalogue:
    def test_create_room_retried_returns_the_room_not_already_exists(self, rooms, admin, db):
        first = rooms.create_room(admin, spec(), idempotency_key=KEY)
        state = db.snapshot()
        assert rooms.create_room(admin, spec(), idempotency_key=KEY) == first
        assert db.snapshot() == state

    def test_create_room_with_the_key_and_another_spec_is_refused(self, rooms, admin, refused):
        rooms.create_room(admin, spec(), idempotency_key=KEY)
        with refused(KeyReused):
            rooms.create_room(admin, spec(slug="other-room", name="Other Room"), idempotency_key=KEY)

    def test_create_room_concurrent_twin(self, rooms, admin, db):
        twin = {}
        db.before_next_commit = lambda: twin.update(rooms.create_room(admin, spec(), idempotency_key=KEY))
        assert rooms.create_room(admin, spec(), idempotency_key=KEY) == twin
        assert "new-room" in db.tables["rooms"]

    def test_open_pop_up_retried_returns_the_first_answer(self, rooms, admin, db):
        window = (START, START + dt.timedelta(hours=2))
        first = rooms.open_pop_up(admin, POP_UP, *window, idempotency_key=KEY)
        state = db.snapshot()
        assert rooms.open_pop_up(admin, POP_UP, *window, idempotency_key=KEY) == first
        assert db.snapshot() == state
        with pytest.raises(KeyReused):
            rooms.open_pop_up(admin, POP_UP, START, START + dt.timedelta(hours=3), idempotency_key=KEY)


class TestSessionsAndGrants:
    @pytest.fixture
    def leader(self, identity):
        return identity.register("lea_leader", kind="listener", roles=["support_session_leader"])

    @pytest.fixture
    def host(self, conv, identity):
        person = identity.register("hal_host", kind="listener", roles=["on_spot_host"])
        conv.join(person, LOUNGE)
        return person

    def test_schedule_retried_returns_the_first_session_not_a_clash(self, sessions, leader, db):
        first = sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, idempotency_key=KEY)
        state = db.snapshot()
        assert sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, idempotency_key=KEY) == first
        assert db.snapshot() == state
        with pytest.raises(KeyReused):
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 90, idempotency_key=KEY)

    def test_schedule_concurrent_twin(self, sessions, leader, db):
        twin = {}
        db.before_next_commit = lambda: twin.update(
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, idempotency_key=KEY))
        assert sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, idempotency_key=KEY) == twin
        assert len(db.rows("sessions")) == 1

    def test_start_unplanned_retried_returns_the_first_session_not_already_live(self, sessions, host, db,
                                                                               published):
        first = sessions.start_unplanned(host, LOUNGE, "Drop-in", 30, idempotency_key=KEY)
        state = db.snapshot()
        assert sessions.start_unplanned(host, LOUNGE, "Drop-in", 30, idempotency_key=KEY) == first
        assert db.snapshot() == state
        assert [e.type for e in published].count("session_started") == 1

    def test_start_unplanned_concurrent_twin(self, sessions, host, db):
        twin = {}
        db.before_next_commit = lambda: twin.update(
            sessions.start_unplanned(host, LOUNGE, "Drop-in", 30, idempotency_key=KEY))
        assert sessions.start_unplanned(host, LOUNGE, "Drop-in", 30, idempotency_key=KEY) == twin
        assert len(db.rows("sessions")) == 1

    def test_grant_cohort_access_retried_returns_the_first_grant(self, conv, admin, identity, db):
        staff = identity.register("stan_staff", kind="listener", roles=["chat_room_moderator"])
        first = conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None, idempotency_key=KEY)
        state = db.snapshot()
        assert conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None, idempotency_key=KEY) == first
        assert db.snapshot() == state
        with pytest.raises(KeyReused):
            conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON + "!", None, idempotency_key=KEY)

    def test_grant_cohort_access_concurrent_twin(self, conv, admin, identity, db, published):
        staff = identity.register("stan_staff", kind="listener", roles=["chat_room_moderator"])
        events = len(published)
        twin = {}
        db.before_next_commit = lambda: twin.update(
            conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None, idempotency_key=KEY))
        assert conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None, idempotency_key=KEY) == twin
        assert len(db.rows("cohort_grants")) == 1
        assert [e.type for e in published[events:]] == ["cohort_access_granted"]


def test_records_are_purged_after_24_hours(rooms, conv, sam, clock, db):
    conv.post(sam, LOUNGE, "hello", idempotency_key=KEY)
    clock.advance(hours=24, seconds=1)
    assert rooms.purge_idempotency_records() == 1
    assert db.rows("idempotency_records") == []
