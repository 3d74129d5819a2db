"""Integration: joining, presence, messages, hearts, history, sanctions and the timeline on the real PostgreSQL."""
import asyncio
import datetime as dt
import threading
import types
import uuid

import pytest
import sqlalchemy as sa
from room_integration_helpers import Clock, identity, register

from hearth_common import testing
from hearth_common.db import make_engine
from hearth_common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    category_of,
)
from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain import errors, sanctions
from room_service.domain import messages as msgs
from room_service.domain.errors import NotAllowedIn, NotInRoom, RoomFull
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.sessions import Sessions

LOUNGE = "adult-community-lounge"        # always open, every adult
GOOD_NEWS = "adult-community-good-news"  # always open, every adult
LOCKED = "adult-trauma-steady-ground"    # (Chief Chat or First Post) and Compassion Hero
TEEN_ROOM = "teen-community-hangout"     # always open, teen members
TINY = "adult-tiny-room"                 # created per test with capacity 2



@pytest.fixture(scope="module")
def autocommit_engine(room_db_url):
    engine = make_engine(room_db_url, autocommit=True)
    yield engine
    engine.dispose()


@pytest.fixture(params=["one engine", "autocommit engine"])
def w(request, rooms, room_engine):
    """The conversation on a clean seeded database, with a controllable clock and the live items collected: as
    room-worker builds it (one engine), and as room-grpc does (every unit on an autocommit engine, a
    transaction's BEGIN sent with its first statement)."""
    clock, collected = Clock(), []
    autocommit = request.getfixturevalue("autocommit_engine") if request.param == "autocommit engine" else None
    conversation = Conversation(uow_factory(room_engine, autocommit), clock=clock, live=collected.extend,
                                presence_timeout=dt.timedelta(seconds=60))
    return types.SimpleNamespace(rooms=rooms, conv=conversation, sessions=Sessions(conversation), clock=clock,
                                 live=collected, engine=room_engine)


outbox = testing.outbox_data


def timeline(engine, slug):
    with engine.connect() as conn:
        rows = conn.execute(sa.select(orm.timeline.c.seq, orm.timeline.c.kind, orm.timeline.c.data)
                            .where(orm.timeline.c.room_slug == slug).order_by(orm.timeline.c.seq)).mappings()
        return [dict(row) for row in rows]


def member_rows(engine, slug, person_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.members).where(
            orm.members.c.room_slug == slug, orm.members.c.person_id == person_id)).scalar_one()


def left(engine, slug):
    return [(item["data"]["person_id"], item["data"]["reason"]) for item in timeline(engine, slug)
            if item["kind"] == "member_left"]


def sanction(event_type, sanction_id, person_id, seq, **data):
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "moderation", "seq": seq,
            "data": {"sanction_id": sanction_id, "person_id": person_id, **data}}


def imposed(person_id, kind, room_slug, seq=1, expires_at=None, sanction_id=None):
    return sanction("sanction_imposed", sanction_id or str(uuid.uuid4()), person_id, seq, kind=kind,
                    room_slug=room_slug, expires_at=expires_at.isoformat() if expires_at else None, reason="spam")


def tiny_room(w):
    admin = register(w.rooms, roles=["admin"])
    w.rooms.create_room(admin, {"slug": TINY, "name": "Tiny Room", "description": "Two at a time.",
                                "topic": "community", "audience_cohort": "adult", "audience_kind": "both",
                                "mode": "always_open", "capacity": 2, "access_policy": {"cohort": "adult"}})


def post_as_many(w, slug, count, people):
    """Posts `count` messages round-robin, advancing the clock so nobody passes the posting rate (nor floods, for
    automod's default spam rule: a 6th message within 10 s, inclusive)."""
    posted = []
    for i in range(count):
        posted.append(w.conv.post(people[i % len(people)], slug, f"message {i}"))
        w.clock.advance(seconds=1.25)
    return posted


# --- joining ------------------------------------------------------------------------------------


def test_a_badge_locked_room_refuses_naming_what_is_missing_until_the_badge_arrives(w):
    person = register(w.rooms)
    with pytest.raises(NotAllowedIn) as refused:
        w.conv.join(person, LOCKED)
    assert isinstance(refused.value, PermissionDenied)
    assert "Compassion Hero" in refused.value.message and "First Post" in refused.value.message
    for badge in ("first-post", "compassion-hero"):
        identity(w.rooms, "badge_awarded", person, badge_slug=badge, award_id=str(uuid.uuid4()))
    joined = w.conv.join(person, LOCKED)
    assert joined["member"]["person_id"] == person and joined["seq"] == 1


def test_joining_twice_is_idempotent(w):
    person = register(w.rooms)
    first = w.conv.join(person, LOUNGE)
    second = w.conv.join(person, LOUNGE)
    assert second["seq"] is None and second["member"]["person_id"] == person
    assert member_rows(w.engine, LOUNGE, person) == 1
    assert [e["person_id"] for e in outbox(w.engine, "member_joined")] == [person]
    assert outbox(w.engine, "member_joined")[0]["seq"] == first["seq"]
    assert [i["kind"] for i in timeline(w.engine, LOUNGE)] == ["member_joined"]


def test_a_full_room_refuses_the_next_person_until_someone_leaves(w):
    tiny_room(w)
    first, second, third = (register(w.rooms) for _ in range(3))
    w.conv.join(first, TINY)
    w.conv.join(second, TINY)
    with pytest.raises(RoomFull) as full:
        w.conv.join(third, TINY)
    assert category_of(full.value) is ResourceExhausted
    assert full.value.retry_after_seconds and full.value.retry_after_seconds > 0
    w.conv.leave(first, TINY)
    assert w.conv.join(third, TINY)["seq"] is not None


def test_concurrent_joins_never_overfill_a_room(w):
    tiny_room(w)
    people = [register(w.rooms) for _ in range(6)]
    outcomes, start = [], threading.Barrier(len(people))

    def join(person):
        start.wait()
        try:
            w.conv.join(person, TINY)
            outcomes.append("in")
        except RoomFull:
            outcomes.append("full")

    threads = [threading.Thread(target=join, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * 4 + ["in"] * 2
    assert len(w.conv.members(people[0], TINY)) == 2


def test_teens_and_adults_may_not_join_each_others_rooms(w):
    teen, adult = register(w.rooms, cohort="teen"), register(w.rooms, cohort="adult")
    with pytest.raises(NotAllowedIn, match="for teens only"):
        w.conv.join(adult, TEEN_ROOM)
    with pytest.raises(NotAllowedIn, match="for adults only"):
        w.conv.join(teen, LOUNGE)
    w.conv.join(teen, TEEN_ROOM)
    w.conv.join(adult, LOUNGE)


# --- leaving and presence -------------------------------------------------------------------------


def test_leaving_writes_member_left_and_members_shows_who_is_in(w):
    ann, bob = register(w.rooms, username="ann_lee"), register(w.rooms, username="bob_ray")
    w.conv.join(ann, LOUNGE)
    w.clock.advance(seconds=1)
    w.conv.join(bob, LOUNGE)
    members = w.conv.members(ann, LOUNGE)
    assert [(m["person_id"], m["username"]) for m in members] == [(ann, "ann_lee"), (bob, "bob_ray")]
    assert w.conv.leave(ann, LOUNGE) is True
    assert w.conv.leave(ann, LOUNGE) is False
    assert [m["person_id"] for m in w.conv.members(bob, LOUNGE)] == [bob]
    assert [(e["person_id"], e["reason"]) for e in outbox(w.engine, "member_left")] == [(ann, "left")]
    assert left(w.engine, LOUNGE) == [(ann, "left")]


def test_the_presence_sweep_drops_the_silent_and_keeps_those_who_touch(w):
    silent, active = register(w.rooms), register(w.rooms)
    w.conv.join(silent, LOUNGE)
    w.conv.join(active, LOUNGE)
    w.clock.advance(seconds=40)
    w.conv.touch(active, LOUNGE)
    w.clock.advance(seconds=30)  # silent last seen 70 s ago, active 30 s ago
    assert w.conv.sweep_presence() == 1
    assert [m["person_id"] for m in w.conv.members(active, LOUNGE)] == [active]
    assert [(e["person_id"], e["reason"]) for e in outbox(w.engine, "member_left")] == [(silent, "timed_out")]
    assert left(w.engine, LOUNGE) == [(silent, "timed_out")]
    with pytest.raises(NotInRoom) as gone:
        w.conv.touch(silent, LOUNGE)
    assert category_of(gone.value) is FailedPrecondition
    assert w.conv.sweep_presence() == 0


def test_the_sweeps_removal_waits_for_a_heartbeat_in_flight_and_then_keeps_the_person(w):
    from room_service.service_layer.timeline import remove_member

    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.clock.advance(seconds=70)
    cutoff, outcome = w.clock() - dt.timedelta(seconds=60), []

    def sweep_removal():
        with w.conv.uow_factory() as uow:
            outcome.append(remove_member(uow, LOUNGE, person, "timed_out", w.clock(), seen_before=cutoff))
            uow.commit()

    with w.engine.begin() as heartbeat:  # seen now, not yet committed: the row is locked
        heartbeat.execute(sa.update(orm.members).where(orm.members.c.person_id == person)
                          .values(last_seen_at=w.clock()))
        sweeper = threading.Thread(target=sweep_removal)
        sweeper.start()
        sweeper.join(0.5)
        assert sweeper.is_alive()  # waiting for the heartbeat's row lock
    sweeper.join(10)
    assert outcome == [False] and member_rows(w.engine, LOUNGE, person) == 1


# --- staff cross-cohort grants --------------------------------------------------------------------


def test_an_admin_grant_lets_staff_into_a_room_of_the_other_cohort_until_revoked(w):
    admin = register(w.rooms, roles=["admin"])
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    with pytest.raises(NotAllowedIn, match="for teens only"):
        w.conv.join(moderator, TEEN_ROOM)
    grant = w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "covering the teen evening shift", None)
    w.conv.join(moderator, TEEN_ROOM)
    listed = w.conv.list_cohort_grants(admin, TEEN_ROOM)
    assert [(str(g["grant_id"]), g["person_id"], g["granted_by"], g["reason"]) for g in listed] == [
        (grant["grant_id"], moderator, admin, "covering the teen evening shift")]
    w.conv.revoke_cohort_access(admin, grant["grant_id"])
    assert member_rows(w.engine, TEEN_ROOM, moderator) == 0
    assert left(w.engine, TEEN_ROOM) == [(moderator, "grant_revoked")]
    assert w.conv.list_cohort_grants(admin, TEEN_ROOM)[0]["revoked_by"] == admin
    with pytest.raises(NotAllowedIn):
        w.conv.join(moderator, TEEN_ROOM)
    with pytest.raises(NotFound, match="no cross-cohort grant"):
        w.conv.revoke_cohort_access(admin, str(uuid.uuid4()))


def test_a_member_whose_join_raced_their_ban_is_taken_out_by_the_sweep(w):
    person, bystander = register(w.rooms), register(w.rooms)
    w.conv.join(bystander, LOUNGE)
    w.conv.apply_sanction_event(imposed(person, "ban", LOUNGE))  # they were in no room yet
    with w.engine.begin() as conn:  # the join's write, decided before the ban arrived, commits after it
        conn.execute(sa.insert(orm.members).values(room_slug=LOUNGE, person_id=person, username="raced",
                                                   joined_at=w.clock(), last_seen_at=w.clock(), checked_in=False))
    assert w.conv.evict_lapsed() == 1
    assert left(w.engine, LOUNGE) == [(person, "banned")] and member_rows(w.engine, LOUNGE, bystander) == 1


def test_revoking_one_grant_leaves_in_the_room_whom_another_grant_still_lets_in(w):
    admin, moderator = register(w.rooms, roles=["admin"]), register(w.rooms, roles=["chat_room_moderator"])
    first = w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "covering the teen evening shift", None)
    w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "extended: covering the whole week",
                               w.clock() + dt.timedelta(days=7))
    w.conv.join(moderator, TEEN_ROOM)
    w.conv.revoke_cohort_access(admin, first["grant_id"])
    assert member_rows(w.engine, TEEN_ROOM, moderator) == 1 and left(w.engine, TEEN_ROOM) == []


def test_a_grant_counts_only_while_its_holder_is_staff_and_until_it_expires(w):
    admin = register(w.rooms, roles=["admin"])
    moderator, covering = str(uuid.uuid4()), register(w.rooms, roles=["chat_room_moderator"])
    identity(w.rooms, "person_registered", moderator, username="m" + moderator[:8], kind="listener", cohort="adult")
    role = {"grant_id": str(uuid.uuid4()), "role": "chat_room_moderator", "room_id": None, "expires_at": None}
    identity(w.rooms, "role_granted", moderator, **role)
    w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "covering the teen evening shift", None)
    w.conv.grant_cohort_access(admin, covering, TEEN_ROOM, "covering for one hour only",
                               w.clock() + dt.timedelta(hours=1))
    w.conv.join(moderator, TEEN_ROOM)
    w.conv.join(covering, TEEN_ROOM)

    identity(w.rooms, "role_revoked", moderator, **role)  # no longer staff: the grant no longer counts
    assert member_rows(w.engine, TEEN_ROOM, moderator) == 0
    with pytest.raises(NotAllowedIn, match="for teens only"):
        w.conv.join(moderator, TEEN_ROOM)

    assert w.conv.evict_lapsed() == 0  # the hour's grant holds
    w.clock.advance(hours=1)
    assert w.conv.evict_lapsed() == 1
    assert left(w.engine, TEEN_ROOM) == [(moderator, "no_longer_allowed"), (covering, "no_longer_allowed")]
    assert [e["reason"] for e in outbox(w.engine, "member_left")] == ["no_longer_allowed"] * 2
    assert w.conv.evict_lapsed() == 0


# --- who still belongs: the door asked again when a person changes -----------------------------------------


def test_a_role_that_expires_takes_its_holder_out_of_the_room_only_it_opened(w):
    office = "adult-staff-office"  # adults holding the admin role
    admin = str(uuid.uuid4())
    identity(w.rooms, "person_registered", admin, username="a" + admin[:8], kind="member", cohort="adult")
    identity(w.rooms, "role_granted", admin, grant_id=str(uuid.uuid4()), role="admin", room_id=None,
             expires_at=(w.clock() + dt.timedelta(minutes=30)).isoformat())
    w.conv.join(admin, office)
    w.conv.join(admin, LOUNGE)
    assert w.conv.evict_lapsed() == 0
    w.clock.advance(minutes=31)  # expired, and no event says so
    assert w.conv.evict_lapsed() == 1
    assert left(w.engine, office) == [(admin, "no_longer_allowed")] and member_rows(w.engine, LOUNGE, admin) == 1


def test_a_teen_who_turns_18_leaves_the_teen_rooms_they_are_in_and_may_enter_adult_ones(w):
    teen = register(w.rooms, cohort="teen")
    w.conv.join(teen, TEEN_ROOM)
    with pytest.raises(NotAllowedIn, match="for adults only"):
        w.conv.join(teen, LOUNGE)
    identity(w.rooms, "cohort_changed", teen, previous_cohort="teen", cohort="adult")
    assert member_rows(w.engine, TEEN_ROOM, teen) == 0
    assert left(w.engine, TEEN_ROOM) == [(teen, "no_longer_allowed")]
    w.conv.join(teen, LOUNGE)


def test_a_revoked_badge_takes_a_member_out_of_the_rooms_it_opened_and_no_other(w):
    member = str(uuid.uuid4())
    identity(w.rooms, "person_registered", member, username="b" + member[:8], kind="member", cohort="adult")
    for badge in ("first-post", "compassion-hero"):
        identity(w.rooms, "badge_awarded", member, badge_slug=badge, award_id=str(uuid.uuid4()))
    w.conv.join(member, LOCKED)
    w.conv.join(member, LOUNGE)
    identity(w.rooms, "badge_revoked", member, badge_slug="compassion-hero", award_id=str(uuid.uuid4()))
    assert (member_rows(w.engine, LOCKED, member), member_rows(w.engine, LOUNGE, member)) == (0, 1)
    assert left(w.engine, LOCKED) == [(member, "no_longer_allowed")] and left(w.engine, LOUNGE) == []
    with pytest.raises(NotAllowedIn, match="earn: Compassion Hero"):
        w.conv.join(member, LOCKED)


def test_cross_cohort_grants_need_a_reason_staff_and_an_admin(w):
    admin = register(w.rooms, roles=["admin"])
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    member = register(w.rooms)
    with pytest.raises(InvalidArgument, match=r"say why in 10 to 500 characters \(got 5\)"):
        w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "shift", None)
    with pytest.raises(InvalidArgument, match=r"\(got 501\)"):
        w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "x" * 501, None)
    with pytest.raises(PermissionDenied, match="only staff"):
        w.conv.grant_cohort_access(admin, member, TEEN_ROOM, "wants to look around", None)
    with pytest.raises(errors.NotAdmin):
        w.conv.grant_cohort_access(moderator, moderator, TEEN_ROOM, "granting it to myself", None)
    with pytest.raises(errors.NotAdmin):
        w.conv.list_cohort_grants(moderator)
    assert w.conv.list_cohort_grants(admin) == []
    assert outbox(w.engine, "cohort_access_granted") == []


# --- posting --------------------------------------------------------------------------------------


def test_only_members_post(w):
    person = register(w.rooms)
    with pytest.raises(NotInRoom):
        w.conv.post(person, LOUNGE, "hello?")
    w.conv.join(person, LOUNGE)
    posted = w.conv.post(person, LOUNGE, "  hello all  ")
    assert posted["body"] == "hello all" and posted["author_id"] == person
    events = outbox(w.engine, "message_posted")
    assert [(e["message_id"], e["body"]) for e in events] == [(posted["message_id"], "hello all")]


def test_a_message_may_have_at_most_2000_characters(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    with pytest.raises(msgs.InvalidMessage, match="at most 2000 characters; this one has 2001"):
        w.conv.post(person, LOUNGE, "x" * 2001)
    with pytest.raises(msgs.InvalidMessage, match="needs some text"):
        w.conv.post(person, LOUNGE, "   ")
    words = " ".join(f"{n:04d}{chr(97 + n % 26)}" for n in range(400))[:2000]  # not a run: automod's spam
    assert len(w.conv.post(person, LOUNGE, words)["body"]) == 2000
    assert len(w.conv.history(person, LOUNGE)["messages"]) == 1


def test_a_reply_must_name_a_message_in_the_same_room(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    here = w.conv.post(person, LOUNGE, "first")
    elsewhere = w.conv.post(person, GOOD_NEWS, "elsewhere")
    with pytest.raises(msgs.InvalidMessage, match="reply_to"):
        w.conv.post(person, LOUNGE, "reply", reply_to=elsewhere["message_id"])
    with pytest.raises(msgs.InvalidMessage, match="reply_to"):
        w.conv.post(person, LOUNGE, "reply", reply_to=str(uuid.uuid4()))
    with pytest.raises(InvalidArgument):
        w.conv.post(person, LOUNGE, "reply", reply_to="not-a-uuid")
    reply = w.conv.post(person, LOUNGE, "reply", reply_to=here["message_id"])
    assert reply["reply_to"] == here["message_id"]


def test_mentions_resolve_known_usernames_and_ignore_unknown_ones(w):
    author, sam = register(w.rooms), register(w.rooms, username="sam_river")
    w.conv.join(author, LOUNGE)
    w.conv.join(sam, LOUNGE)
    posted = w.conv.post(author, LOUNGE, "thanks @Sam_River and @nobody_here.")
    assert posted["mentions"] == [{"person_id": sam, "username": "sam_river"}]
    assert outbox(w.engine, "message_posted")[0]["mention_ids"] == [sam]


def test_mentions_never_reach_across_the_cohorts(w):
    adult, admin = register(w.rooms), register(w.rooms, roles=["admin"])
    teen_author = register(w.rooms, cohort="teen")
    register(w.rooms, cohort="teen", username="teen_tam")
    moderator = register(w.rooms, roles=["chat_room_moderator"], username="mod_mia")
    w.conv.join(adult, LOUNGE)
    assert w.conv.post(adult, LOUNGE, "hi @teen_tam")["mentions"] == []  # an adult room does not name a teen
    register(w.rooms, username="adult_abe")  # nor an adult who is not in it: the answer is the same for both
    assert w.conv.post(adult, LOUNGE, "hi @adult_abe")["mentions"] == []
    w.conv.join(teen_author, TEEN_ROOM)
    assert w.conv.post(teen_author, TEEN_ROOM, "hi @mod_mia")["mentions"] == []
    w.conv.grant_cohort_access(admin, moderator, TEEN_ROOM, "covering the teen evening shift", None)
    w.conv.join(moderator, TEEN_ROOM)  # staff in the teen room with a grant are named there
    assert [m["person_id"] for m in w.conv.post(teen_author, TEEN_ROOM, "thanks @mod_mia")["mentions"]] == [moderator]


def test_the_sixth_post_within_ten_seconds_is_refused_until_the_window_passes(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    for i in range(5):
        w.conv.post(person, LOUNGE, f"message {i}")
    with pytest.raises(msgs.PostingTooFast) as too_fast:
        w.conv.post(person, LOUNGE, "one more")
    assert too_fast.value.retry_after_seconds > 0
    assert category_of(too_fast.value) is ResourceExhausted
    with pytest.raises(msgs.PostingTooFast):
        w.conv.post(person, GOOD_NEWS, "the limit is per person, across rooms")
    w.clock.advance(seconds=11)
    w.conv.post(person, LOUNGE, "one more")
    assert len(outbox(w.engine, "message_posted")) == 6


def all_at_once(calls) -> list:
    """Runs the calls in threads released together; returns each one's result or the exception it raised."""
    outcomes, start = [None] * len(calls), threading.Barrier(len(calls))

    def run(i):
        start.wait()
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - returned to the test
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_posts_sent_at_once_by_one_person_do_not_pass_the_rate_together(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    outcomes = all_at_once([lambda i=i: w.conv.post(person, (LOUNGE, GOOD_NEWS)[i % 2], f"at once {i}")
                            for i in range(12)])
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, msgs.PostingTooFast) for o in refused), refused
    assert len(outcomes) - len(refused) == 5
    assert len(outbox(w.engine, "message_posted")) == 5


def test_edits_and_posts_sent_at_once_by_one_person_do_not_pass_the_rate_together(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    said = [w.conv.post(person, LOUNGE, f"message {i}")["message_id"] for i in range(3)]
    calls = [lambda m=m: w.conv.edit(person, m, "fixed") for m in said]
    calls += [lambda i=i: w.conv.post(person, LOUNGE, f"more {i}") for i in range(3)]
    outcomes = all_at_once(calls)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, msgs.PostingTooFast) for o in refused), refused
    assert len(outcomes) - len(refused) == 2  # three posts before, five writes in ten seconds
    assert len(outbox(w.engine, "message_posted")) + len(outbox(w.engine, "message_edited")) == 5


def test_hearts_given_and_taken_back_are_paced_per_person_and_only_changes_count(w):
    author, fan, other = (register(w.rooms) for _ in range(3))
    for person in (author, fan, other):
        w.conv.join(person, LOUNGE)
    said = [w.conv.post(author, LOUNGE, f"message {i}")["message_id"] for i in range(3)]
    for _ in range(5):  # five on, five off: ten changes
        for on in (True, False):
            w.conv.heart(fan, said[0], on)
    with pytest.raises(msgs.PostingTooFast, match="hearts too fast") as too_fast:
        w.conv.heart(fan, said[1], True)
    assert 0 < too_fast.value.retry_after_seconds <= 1 and category_of(too_fast.value) is ResourceExhausted
    assert w.conv.heart(fan, said[0], False)["hearts"] == 0  # a repeat changes nothing and is answered
    assert w.conv.heart(other, said[1], True)["hearts"] == 1  # the pace is the person's own
    w.clock.advance(seconds=1)
    assert w.conv.heart(fan, said[1], True)["hearts"] == 2
    w.clock.advance(seconds=1)
    w.conv.heart(fan, said[1], True)  # already given: no change, so it uses nothing up
    assert w.conv.heart(fan, said[2], True)["hearts"] == 1
    kinds = [i["kind"] for i in timeline(w.engine, LOUNGE)]
    assert kinds.count("hearts_changed") == 13


def test_hearts_sent_at_once_by_one_person_are_paced_together(w):
    author, fan = register(w.rooms), register(w.rooms)
    w.conv.join(author, LOUNGE)
    w.conv.join(fan, LOUNGE)
    said = []
    for i in range(12):
        said.append(w.conv.post(author, LOUNGE, f"message {i}")["message_id"])
        w.clock.advance(seconds=2.5)  # within the posting rate, and no flood for automod (6 within 10 s)
    outcomes = all_at_once([lambda m=m: w.conv.heart(fan, m, True) for m in said])
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, msgs.PostingTooFast) for o in refused), refused
    assert len(outcomes) - len(refused) == 10


def test_a_reply_names_its_message_in_the_canonical_form_however_the_caller_wrote_it(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    parent = w.conv.post(person, LOUNGE, "how is everyone?")["message_id"]
    for i, written in enumerate((parent.upper(), "urn:uuid:" + parent, "{" + parent + "}")):
        w.clock.advance(seconds=3)
        assert w.conv.post(person, LOUNGE, f"fine {i}", reply_to=written)["reply_to"] == parent
    assert [e["reply_to"] for e in outbox(w.engine, "message_posted")] == [None, parent, parent, parent]
    assert [m["reply_to"] for m in w.conv.history(person, LOUNGE)["messages"]][-3:] == [parent] * 3


def test_a_stream_ends_when_its_person_leaves_while_it_catches_up(w):
    """The leave commits after the stream's door check and before its first read of the timeline: it
    arrives in the catch-up, not live, and must end the stream all the same."""
    from room_service.adapters.live import Subscription

    person, other = register(w.rooms), register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(other, LOUNGE)
    w.conv.post(other, LOUNGE, "hello")
    left_already = []

    async def run_blocking(function, *args):
        if function == w.conv.timeline_after and not left_already:
            left_already.append(w.conv.leave(person, LOUNGE))  # e.g. a moderator took them out just now
        return function(*args)

    async def stream():
        subscription = Subscription(LOUNGE, person, asyncio.get_running_loop())
        return [item async for item in w.conv.follow(person, LOUNGE, 0, subscription, run_blocking)]

    items = asyncio.run(asyncio.wait_for(stream(), timeout=10))  # without the end it waits for more forever
    assert [i["kind"] for i in items][-2:] == ["message_posted", "member_left"]
    assert items[-1]["data"]["person_id"] == person


def test_edits_count_with_posts_and_one_message_is_edited_at_most_every_two_seconds(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    said = [w.conv.post(person, LOUNGE, f"message {i}")["message_id"] for i in range(3)]
    w.conv.edit(person, said[0], "message 0, fixed")
    with pytest.raises(msgs.PostingTooFast, match="editing this message too fast: once every 2 s") as too_fast:
        w.conv.edit(person, said[0], "message 0, fixed again")
    assert 0 < too_fast.value.retry_after_seconds <= 2 and category_of(too_fast.value) is ResourceExhausted
    w.conv.edit(person, said[1], "message 1, fixed")  # three posts and two edits: the burst is spent
    with pytest.raises(msgs.PostingTooFast, match="at most 5 messages and edits in 10 seconds"):
        w.conv.edit(person, said[2], "message 2, fixed")
    with pytest.raises(msgs.PostingTooFast):
        w.conv.post(person, LOUNGE, "edits count against posting too")
    w.clock.advance(seconds=11)
    w.conv.edit(person, said[0], "message 0, fixed again")
    assert [e["body"] for e in outbox(w.engine, "message_edited")] == [
        "message 0, fixed", "message 1, fixed", "message 0, fixed again"]


def test_slow_mode_is_set_by_room_staff_and_applies_to_that_room_only(w):
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    member = register(w.rooms)
    with pytest.raises(PermissionDenied):
        w.conv.set_slow_mode(member, LOUNGE, 30)
    assert w.conv.set_slow_mode(moderator, LOUNGE, 30) == 30
    w.conv.join(member, LOUNGE)
    w.conv.join(member, GOOD_NEWS)
    w.conv.post(member, LOUNGE, "first")
    w.clock.advance(seconds=10)
    with pytest.raises(msgs.PostingTooFast, match="slow mode") as slow:
        w.conv.post(member, LOUNGE, "second")
    assert 0 < slow.value.retry_after_seconds <= 20
    w.conv.post(member, GOOD_NEWS, "other rooms are not slowed")
    w.clock.advance(seconds=21)
    w.conv.post(member, LOUNGE, "second")
    w.conv.set_slow_mode(moderator, LOUNGE, 0)
    w.clock.advance(seconds=1)
    w.conv.post(member, LOUNGE, "third")


# --- hearts, edits and deletions --------------------------------------------------------------------


def test_hearts_are_counted_once_per_person(w):
    author, ann, bob = (register(w.rooms) for _ in range(3))
    for person in (author, ann, bob):
        w.conv.join(person, LOUNGE)
    message = w.conv.post(author, LOUNGE, "a good day")
    assert w.conv.heart(ann, message["message_id"], True)["hearts"] == 1
    assert w.conv.heart(ann, message["message_id"], True)["hearts"] == 1
    assert w.conv.heart(bob, message["message_id"], True)["hearts"] == 2
    assert w.conv.heart(bob, message["message_id"], False)["hearts"] == 1
    assert w.conv.heart(bob, message["message_id"], False)["hearts"] == 1
    seen_by = {p: w.conv.history(p, LOUNGE)["messages"][0] for p in (ann, bob)}
    assert seen_by[ann]["hearts"] == seen_by[bob]["hearts"] == 1
    assert seen_by[ann]["hearted_by_me"] is True and seen_by[bob]["hearted_by_me"] is False
    assert [i["data"]["hearts"] for i in timeline(w.engine, LOUNGE) if i["kind"] == "hearts_changed"] == [1, 2, 1]
    # each new heart, and only a new one, wrote message_hearted to the outbox with the count it made
    assert [(e["hearted_by"], e["hearts"]) for e in outbox(w.engine, "message_hearted")] == [(ann, 1), (bob, 2)]


def test_a_refused_heart_writes_nothing(w):
    author, ann = (register(w.rooms) for _ in range(2))
    for person in (author, ann):
        w.conv.join(person, LOUNGE)
    message = w.conv.post(author, LOUNGE, "a good day")
    with pytest.raises(errors.OwnMessage):
        w.conv.heart(author, message["message_id"], True)
    w.conv.delete(author, message["message_id"])
    with pytest.raises(msgs.MessageDeleted):
        w.conv.heart(ann, message["message_id"], True)
    assert outbox(w.engine, "message_hearted") == []
    assert [i for i in timeline(w.engine, LOUNGE) if i["kind"] == "hearts_changed"] == []


def test_people_edit_and_delete_only_their_own_messages(w):
    author, other = register(w.rooms), register(w.rooms)
    w.conv.join(author, LOUNGE)
    w.conv.join(other, LOUNGE)
    message = w.conv.post(author, LOUNGE, "helo")
    with pytest.raises(msgs.NotYourMessage):
        w.conv.edit(other, message["message_id"], "hijacked")
    with pytest.raises(msgs.NotYourMessage):
        w.conv.delete(other, message["message_id"])
    edited = w.conv.edit(author, message["message_id"], "hello")
    assert edited["body"] == "hello" and edited["edited_at"] is not None
    w.conv.delete(author, message["message_id"])
    shown = w.conv.history(other, LOUNGE)["messages"]
    assert [(m["message_id"], m["body"], m["deleted"]) for m in shown] == [(message["message_id"], "", True)]
    with pytest.raises(msgs.MessageDeleted):
        w.conv.edit(author, message["message_id"], "again")
    with pytest.raises(msgs.MessageDeleted):
        w.conv.heart(other, message["message_id"], True)
    assert [e["body"] for e in outbox(w.engine, "message_edited")] == ["hello"]
    assert [(e["deleted_by"], e["by_moderation"]) for e in outbox(w.engine, "message_deleted")] == [(author, False)]


def test_moderation_deletes_anyones_message_once(w):
    author, moderator = register(w.rooms), register(w.rooms, roles=["chat_room_moderator"])
    w.conv.join(author, LOUNGE)
    message = w.conv.post(author, LOUNGE, "something harmful")
    deleted = w.conv.delete(moderator, message["message_id"], moderator=True, reason="harmful content")
    again = w.conv.delete(moderator, message["message_id"], moderator=True, reason="harmful content")
    assert deleted["deleted"] and again["deleted"] and again["body"] == ""
    events = outbox(w.engine, "message_deleted")
    assert [(e["author_id"], e["deleted_by"], e["by_moderation"], e["reason"]) for e in events] == [
        (author, moderator, True, "harmful content")]
    assert [i["kind"] for i in timeline(w.engine, LOUNGE)].count("message_deleted") == 1


def test_moderations_removals_are_recorded_under_whoever_moderation_names(w):
    """Moderation authorises who acts (its permission matrix: a session leader in their session's room, or
    moderation itself hiding a message pending review); room, called only by moderation, records the name."""
    author = register(w.rooms)
    w.conv.join(author, LOUNGE)
    message = w.conv.post(author, LOUNGE, "something harmful")
    leader = register(w.rooms, roles=["support_session_leader"])
    removed = w.conv.delete("service:moderation", message["message_id"], moderator=True, reason="hidden pending review")
    assert removed["deleted"] and outbox(w.engine, "message_deleted")[0]["deleted_by"] == "service:moderation"
    assert w.conv.remove_person(leader, LOUNGE, author, "in their live session's room") is True
    assert outbox(w.engine, "member_left")[-1]["removed_by"] == leader


# --- sequence numbers ----------------------------------------------------------------------------------


def test_every_timeline_item_of_a_room_gets_the_next_seq(w):
    ann, bob = register(w.rooms), register(w.rooms)
    w.conv.join(ann, LOUNGE)
    w.conv.join(bob, LOUNGE)
    w.conv.join(ann, GOOD_NEWS)  # another room's timeline counts on its own
    first = w.conv.post(ann, LOUNGE, "one")
    w.conv.post(ann, GOOD_NEWS, "elsewhere")
    second = w.conv.post(bob, LOUNGE, "two")
    w.conv.edit(ann, first["message_id"], "one, edited")
    w.conv.heart(bob, first["message_id"], True)
    w.conv.delete(bob, second["message_id"])
    w.conv.leave(bob, LOUNGE)
    items = timeline(w.engine, LOUNGE)
    assert [i["seq"] for i in items] == list(range(1, 9))
    assert [i["kind"] for i in items] == ["member_joined", "member_joined", "message_posted", "message_posted",
                                          "message_edited", "hearts_changed", "message_deleted", "member_left"]
    assert (first["seq"], second["seq"]) == (3, 4)
    assert [i["seq"] for i in timeline(w.engine, GOOD_NEWS)] == [1, 2]
    assert w.conv.heads([LOUNGE, GOOD_NEWS]) == {LOUNGE: 8, GOOD_NEWS: 2}


def test_concurrent_posts_get_gap_free_sequence_numbers(w):
    people = [register(w.rooms) for _ in range(8)]
    for person in people:
        w.conv.join(person, LOUNGE)
    failures, start = [], threading.Barrier(len(people))

    def post_five(person):
        start.wait()
        try:
            for i in range(5):
                w.conv.post(person, LOUNGE, f"{person[:4]} {i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=post_five, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    items = timeline(w.engine, LOUNGE)
    assert [i["seq"] for i in items] == list(range(1, 49))
    posted = [i for i in items if i["kind"] == "message_posted"]
    assert len(posted) == 40 and len({i["data"]["message_id"] for i in posted}) == 40
    stored = w.conv.history(people[0], LOUNGE, after_seq=0, limit=100)["messages"]
    assert {m["message_id"]: m["seq"] for m in stored} == {i["data"]["message_id"]: i["seq"] for i in posted}


# --- history -----------------------------------------------------------------------------------------


def test_backward_pages_return_every_message_once_in_order(w):
    people = [register(w.rooms) for _ in range(3)]
    for person in people:
        w.conv.join(person, LOUNGE)
    posted = post_as_many(w, LOUNGE, 120, people)
    pages, before = [], 0
    while True:
        page = w.conv.history(people[0], LOUNGE, before_seq=before, limit=50)
        pages.append(page)
        if not page["next_before_seq"]:
            break
        before = page["next_before_seq"]
    assert [len(p["messages"]) for p in pages] == [50, 50, 20]
    for page in pages:
        seqs = [m["seq"] for m in page["messages"]]
        assert seqs == sorted(seqs)
    seen = [m["message_id"] for page in reversed(pages) for m in page["messages"]]
    assert seen == [m["message_id"] for m in posted]
    assert pages[0]["next_before_seq"] == pages[0]["messages"][0]["seq"]
    assert pages[-1]["next_before_seq"] == 0


def test_forward_pages_return_messages_after_a_seq(w):
    people = [register(w.rooms) for _ in range(2)]
    for person in people:
        w.conv.join(person, LOUNGE)
    posted = post_as_many(w, LOUNGE, 30, people)
    after = w.conv.history(people[0], LOUNGE, after_seq=posted[19]["seq"], limit=50)
    assert [m["message_id"] for m in after["messages"]] == [m["message_id"] for m in posted[20:]]
    first = w.conv.history(people[0], LOUNGE, after_seq=0, limit=5)
    assert [m["message_id"] for m in first["messages"]] == [m["message_id"] for m in posted[:5]]
    assert w.conv.history(people[0], LOUNGE, after_seq=posted[-1]["seq"])["messages"] == []


def test_a_full_page_that_reaches_the_first_message_says_there_is_nothing_older(w):
    people = [register(w.rooms) for _ in range(2)]
    for person in people:
        w.conv.join(person, LOUNGE)
    post_as_many(w, LOUNGE, 50, people)
    page = w.conv.history(people[0], LOUNGE, limit=50)
    assert len(page["messages"]) == 50
    assert page["next_before_seq"] == 0


def test_history_shows_each_message_as_its_last_change_left_it(w):
    author, sam = register(w.rooms), register(w.rooms, username="sam_river")
    for person in (author, sam):
        w.conv.join(person, LOUNGE)
    first = w.conv.post(author, LOUNGE, "hello @sam_river")
    reply = w.conv.post(sam, LOUNGE, "hi back", reply_to=first["message_id"])
    gone = w.conv.post(author, LOUNGE, "sent too soon")
    w.clock.advance(seconds=5, microseconds=123456)  # times with a fraction survive the page's JSON
    edited = w.conv.edit(author, first["message_id"], "hello again @sam_river")
    deleted = w.conv.delete(author, gone["message_id"])
    w.conv.heart(author, reply["message_id"], True)
    expected = [edited, reply | {"hearts": 1}, deleted]
    for viewer, hearted in ((author, [False, True, False]), (sam, [False, False, False])):
        shown = w.conv.history(viewer, LOUNGE)["messages"]
        assert shown == [m | {"hearted_by_me": h} for m, h in zip(expected, hearted)]
    assert w.conv.history(sam, LOUNGE, after_seq=0)["messages"] == w.conv.history(sam, LOUNGE)["messages"]
    assert shown[0]["mentions"] == [{"person_id": sam, "username": "sam_river"}]
    assert shown[0]["edited_at"] > shown[0]["posted_at"] and shown[2]["body"] == "" and shown[2]["deleted"]


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"limit": 101}, {"before_seq": -1}, {"after_seq": -1}])
def test_history_refuses_arguments_out_of_range(w, arguments):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    with pytest.raises(InvalidArgument):
        w.conv.history(person, LOUNGE, **arguments)


def test_history_is_for_those_who_may_enter(w):
    adult, teen, onlooker = register(w.rooms), register(w.rooms, cohort="teen"), register(w.rooms)
    w.conv.join(adult, LOUNGE)
    w.conv.post(adult, LOUNGE, "adults only here")
    with pytest.raises(NotAllowedIn):
        w.conv.history(teen, LOUNGE)
    with pytest.raises(NotAllowedIn):
        w.conv.members(teen, LOUNGE)
    assert [m["body"] for m in w.conv.history(onlooker, LOUNGE)["messages"]] == ["adults only here"]


# --- sanctions from moderation ------------------------------------------------------------------------


def test_a_room_mute_stops_posting_and_editing_there_only(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    before = w.conv.post(person, LOUNGE, "said before the mute")
    assert w.conv.apply_sanction_event(imposed(person, "mute", LOUNGE)) is True
    with pytest.raises(sanctions.Muted):
        w.conv.post(person, LOUNGE, "hello")
    with pytest.raises(sanctions.Muted):
        w.conv.edit(person, before["message_id"], "rewritten while muted")
    w.conv.post(person, GOOD_NEWS, "still heard here")
    assert [m["person_id"] for m in w.conv.members(person, LOUNGE)] == [person]  # a mute does not remove


def test_a_global_mute_stops_posting_everywhere_until_lifted(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    mute = imposed(person, "mute", None, seq=1)
    w.conv.apply_sanction_event(mute)
    for slug in (LOUNGE, GOOD_NEWS):
        with pytest.raises(sanctions.Muted):
            w.conv.post(person, slug, "hello")
    w.conv.apply_sanction_event(sanction("sanction_lifted", mute["data"]["sanction_id"], person, 2))
    w.conv.post(person, LOUNGE, "hello again")


def test_a_ban_removes_the_person_and_keeps_them_out_until_lifted(w):
    person, other = register(w.rooms), register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    w.conv.join(other, LOUNGE)
    ban = imposed(person, "ban", LOUNGE, seq=1)
    w.conv.apply_sanction_event(ban)
    assert left(w.engine, LOUNGE) == [(person, "banned")]
    assert [(e["person_id"], e["reason"]) for e in outbox(w.engine, "member_left")] == [(person, "banned")]
    assert [m["person_id"] for m in w.conv.members(other, LOUNGE)] == [other]
    assert [m["person_id"] for m in w.conv.members(person, GOOD_NEWS)] == [person]
    with pytest.raises(sanctions.Banned):
        w.conv.join(person, LOUNGE)
    with pytest.raises(sanctions.Banned):
        w.conv.history(person, LOUNGE)
    # Asking the door, or listing the rooms, says so too (not "allowed", then a refused join).
    assert w.rooms.check_access(person, LOUNGE) == {"allowed": False, "missing": ["you are banned in this room"]}
    listed = {r["room"]["slug"]: r["access"] for r in w.rooms.list_rooms(person)}
    assert listed[LOUNGE]["missing"] == ["you are banned in this room"] and listed[GOOD_NEWS]["allowed"]
    w.conv.apply_sanction_event(sanction("sanction_lifted", ban["data"]["sanction_id"], person, 2))
    assert w.rooms.check_access(person, LOUNGE)["allowed"]
    w.conv.join(person, LOUNGE)


def test_an_expired_sanction_no_longer_applies(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.apply_sanction_event(imposed(person, "ban", LOUNGE, expires_at=w.clock() - dt.timedelta(minutes=1)))
    assert [m["person_id"] for m in w.conv.members(person, LOUNGE)] == [person]
    w.conv.apply_sanction_event(imposed(person, "mute", None, expires_at=w.clock() + dt.timedelta(minutes=10)))
    with pytest.raises(sanctions.Muted):
        w.conv.post(person, LOUNGE, "hello")
    w.clock.advance(minutes=11)
    w.conv.post(person, LOUNGE, "hello")


def test_the_same_sanction_event_twice_is_applied_once(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    ban = imposed(person, "ban", LOUNGE)
    assert w.conv.apply_sanction_event(ban) is True
    assert w.conv.apply_sanction_event(ban) is False
    assert left(w.engine, LOUNGE) == [(person, "banned")]
    assert len(outbox(w.engine, "member_left")) == 1


def test_an_older_sanction_event_arriving_late_does_not_undo_a_newer_one(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    sanction_id = str(uuid.uuid4())
    w.conv.apply_sanction_event(sanction("sanction_lifted", sanction_id, person, 7))
    assert w.conv.apply_sanction_event(imposed(person, "mute", None, seq=6, sanction_id=sanction_id)) is True
    w.conv.post(person, LOUNGE, "the mute was lifted after it was imposed")
    w.conv.apply_sanction_event(imposed(person, "mute", None, seq=8, sanction_id=sanction_id))
    w.conv.apply_sanction_event(sanction("sanction_lifted", sanction_id, person, 5))
    with pytest.raises(sanctions.Muted):
        w.conv.post(person, LOUNGE, "an old lift does not undo a newer mute")


def test_a_sanction_event_that_breaks_the_contract_is_refused(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    with pytest.raises(sanctions.InvalidSanctionEvent):
        w.conv.apply_sanction_event(imposed(person, "flog", LOUNGE))
    bad_time = imposed(person, "mute", LOUNGE)
    bad_time["data"]["expires_at"] = "tomorrow"
    with pytest.raises(sanctions.InvalidSanctionEvent):
        w.conv.apply_sanction_event(bad_time)
    w.conv.post(person, LOUNGE, "nothing was applied")


# --- moderation removes people -----------------------------------------------------------------------


def test_a_global_ban_removes_the_person_from_every_room(w):
    person = register(w.rooms)
    w.conv.join(person, LOUNGE)
    w.conv.join(person, GOOD_NEWS)
    w.conv.apply_sanction_event(imposed(person, "ban", None))
    assert left(w.engine, LOUNGE) == left(w.engine, GOOD_NEWS) == [(person, "banned")]
    with pytest.raises(sanctions.Banned):
        w.conv.join(person, TEEN_ROOM)


def test_leaving_a_room_that_does_not_exist_says_so(w):
    person = register(w.rooms)
    with pytest.raises(errors.RoomNotFound, match="no room with slug 'adult-no-such-room'"):
        w.conv.leave(person, "adult-no-such-room")
    assert w.conv.leave(person, LOUNGE) is False  # a room one is not in: nothing to do


def test_moderation_removes_a_person_once(w):
    person, moderator = register(w.rooms), register(w.rooms, roles=["chat_room_moderator"])
    w.conv.join(person, LOUNGE)
    assert w.conv.remove_person(moderator, LOUNGE, person, "repeated harassment") is True
    assert w.conv.remove_person(moderator, LOUNGE, person, "repeated harassment") is False
    assert left(w.engine, LOUNGE) == [(person, "removed")]
    assert [(e["person_id"], e["reason"], e["removed_by"]) for e in outbox(w.engine, "member_left")] == [
        (person, "removed", moderator)]
    with pytest.raises(NotInRoom):
        w.conv.post(person, LOUNGE, "still here?")


# --- the live fan-out ---------------------------------------------------------------------------------


def test_the_live_callback_gets_exactly_the_committed_items(w):
    person, teen = register(w.rooms), register(w.rooms, cohort="teen")
    w.conv.join(person, LOUNGE)
    w.conv.post(person, LOUNGE, "hello")
    w.conv.join(person, LOUNGE)  # already in: nothing new
    refused = [
        lambda: w.conv.join(teen, LOUNGE),
        lambda: w.conv.post(person, LOUNGE, "x" * 2001),
        lambda: w.conv.post(teen, LOUNGE, "not a member"),
        lambda: w.conv.post(person, LOUNGE, "bad reply", reply_to=str(uuid.uuid4())),
    ]
    for call in refused:
        with pytest.raises((PermissionDenied, InvalidArgument, FailedPrecondition)):
            call()
    w.conv.leave(person, LOUNGE)
    assert [(i["seq"], i["kind"], i["data"]) for i in w.live] == [
        (i["seq"], i["kind"], i["data"]) for i in timeline(w.engine, LOUNGE)]
    assert [i["kind"] for i in w.live] == ["member_joined", "message_posted", "member_left"]
