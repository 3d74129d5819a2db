"""Integration: support sessions, attendance, facilitator check-in and Sharing Circle turns on the real PostgreSQL."""
import datetime as dt
import types
import uuid

import pytest
from room_integration_helpers import Clock, identity, register

from hearth_common import testing
from hearth_common.errors import FailedPrecondition, PermissionDenied
from room_service.adapters.repository import uow_factory
from room_service.domain import sessions as rules
from room_service.domain.circle import OnlyMembersTakeTurns
from room_service.domain.errors import NotAllowedIn
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.sessions import Sessions

LOUNGE = "adult-community-lounge"      # always open, every adult
FACILITATED = "adult-anxiety-session"  # facilitated, adult members (and session leaders, on-spot hosts)
CIRCLE = "adult-sharing-circle"        # facilitated Sharing Circle, adult members
OPEN_CIRCLE = "adult-open-sharing-circle"  # created per test: a Sharing Circle listeners may enter too



@pytest.fixture
def w(rooms, room_engine):
    """Conversation and Sessions on a clean seeded database, with a controllable clock."""
    clock = Clock()
    conversation = Conversation(uow_factory(room_engine), clock=clock, live=[].extend)
    return types.SimpleNamespace(rooms=rooms, conv=conversation, sessions=Sessions(conversation), clock=clock,
                                 engine=room_engine, viewer=register(rooms))  # an adult member lists sessions


outbox = testing.outbox_data


def schedule(w, leader, slug=LOUNGE, minutes_ahead=30):
    return w.sessions.schedule(leader, slug, "Evening check-in", w.clock() + dt.timedelta(minutes=minutes_ahead), 60)


# --- scheduled sessions -------------------------------------------------------------------------


def test_a_scheduled_session_records_who_attended_and_how_long_it_ran(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    present, gone, latecomer, after = (register(w.rooms) for _ in range(4))
    session = schedule(w, leader)
    listed = w.sessions.list(w.viewer, LOUNGE)
    assert [(s["session_id"], s["status"]) for s in listed] == [(session["session_id"], "scheduled")]
    for person in (leader, present, gone):
        w.conv.join(person, LOUNGE)
    w.conv.leave(gone, LOUNGE)
    with pytest.raises(rules.TooEarlyToStart):
        w.sessions.start(leader, session["session_id"])
    w.clock.advance(minutes=15)
    started = w.sessions.start(leader, session["session_id"])
    assert started["status"] == "live" and started["started_at"] == w.clock()
    assert [e["session_id"] for e in outbox(w.engine, "session_started")] == [session["session_id"]]
    w.conv.join(latecomer, LOUNGE)
    w.clock.advance(minutes=45)
    ended = w.sessions.end(leader, session["session_id"])
    w.conv.join(after, LOUNGE)
    [event] = outbox(w.engine, "session_ended")
    assert event["session_id"] == session["session_id"] and event["leader_id"] == leader
    assert event["attendee_ids"] == sorted([leader, present, latecomer])
    assert event["duration_seconds"] == 2700
    assert (ended["status"], ended["duration_seconds"], ended["attendee_ids"]) == ("ended", 2700, event["attendee_ids"])
    assert w.sessions.list(w.viewer, LOUNGE) == []
    assert [s["status"] for s in w.sessions.list(w.viewer, LOUNGE, include_past=True)] == ["ended"]


def test_only_support_session_leaders_schedule_and_only_the_leader_starts(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    other_leader = register(w.rooms, roles=["support_session_leader"])
    member = register(w.rooms)
    with pytest.raises(PermissionDenied):
        schedule(w, member)
    with pytest.raises(PermissionDenied):
        w.sessions.start_unplanned(leader, LOUNGE, "Drop-in chat", 30)  # leaders schedule; hosts open on the spot
    session = schedule(w, leader, minutes_ahead=10)
    with pytest.raises(rules.NotSessionLeader):
        w.sessions.start(other_leader, session["session_id"])
    assert w.sessions.list(w.viewer, LOUNGE)[0]["status"] == "scheduled"
    assert w.sessions.start(leader, session["session_id"])["status"] == "live"


def test_an_on_spot_host_in_the_room_starts_an_unplanned_session(w):
    host, outsider_host = register(w.rooms, roles=["on_spot_host"]), register(w.rooms, roles=["on_spot_host"])
    member = register(w.rooms)
    w.conv.join(member, LOUNGE)
    with pytest.raises(PermissionDenied):
        w.sessions.start_unplanned(member, LOUNGE, "Drop-in chat", 30)
    with pytest.raises(FailedPrecondition, match="join the room first"):
        w.sessions.start_unplanned(outsider_host, LOUNGE, "Drop-in chat", 30)
    w.conv.join(host, LOUNGE)
    session = w.sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30)
    assert (session["kind"], session["status"], session["leader_id"]) == ("unplanned", "live", host)
    w.clock.advance(minutes=20)
    ended = w.sessions.end(host, session["session_id"])
    assert ended["attendee_ids"] == sorted([host, member]) and ended["duration_seconds"] == 1200


def test_only_one_session_is_live_in_a_room_and_an_unplanned_one_keeps_clear_of_bookings(w):
    host, second_host = register(w.rooms, roles=["on_spot_host"]), register(w.rooms, roles=["on_spot_host"])
    leader = register(w.rooms, roles=["support_session_leader"])
    scheduled = schedule(w, leader, minutes_ahead=5)
    for person in (host, second_host):
        w.conv.join(person, LOUNGE)
    with pytest.raises(rules.SessionClash, match="this room has 'Evening check-in' from"):
        w.sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30)  # it would run into the booking
    w.sessions.start(leader, scheduled["session_id"])
    with pytest.raises(FailedPrecondition, match="a session is live in this room already"):
        w.sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30)
    w.sessions.end(leader, scheduled["session_id"])
    live = w.sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30)
    with pytest.raises(FailedPrecondition, match="a session is live in this room already"):
        w.sessions.start_unplanned(second_host, LOUNGE, "Another chat", 30)
    later = schedule(w, leader, minutes_ahead=45)
    w.clock.advance(minutes=31)
    with pytest.raises(FailedPrecondition, match="another session is live in this room; end it first"):
        w.sessions.start(leader, later["session_id"])
    w.sessions.end(host, live["session_id"])
    assert w.sessions.start(leader, later["session_id"])["status"] == "live"


def test_the_leader_or_a_moderator_ends_a_session_and_nobody_else(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    member = register(w.rooms)
    first, second = schedule(w, leader, minutes_ahead=5), schedule(w, leader, minutes_ahead=120)
    w.sessions.start(leader, first["session_id"])
    with pytest.raises(rules.NotSessionLeader):
        w.sessions.end(member, first["session_id"])
    assert w.sessions.end(moderator, first["session_id"])["status"] == "ended"
    assert outbox(w.engine, "session_ended")[0]["ended_by"] == moderator
    with pytest.raises(rules.NotSessionLeader):
        w.sessions.cancel(member, second["session_id"])
    assert w.sessions.cancel(leader, second["session_id"])["status"] == "cancelled"
    assert w.sessions.list(w.viewer, LOUNGE) == []


# --- facilitated rooms --------------------------------------------------------------------------


def test_a_facilitated_room_opens_while_a_facilitator_is_checked_in(w):
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    member, later = register(w.rooms), register(w.rooms)
    with pytest.raises(NotAllowedIn, match="facilitator"):
        w.conv.join(member, FACILITATED)
    w.conv.join(moderator, FACILITATED)  # staff may enter a closed room to open it
    with pytest.raises(NotAllowedIn):
        w.conv.join(member, FACILITATED)
    with pytest.raises(PermissionDenied):
        w.sessions.check_in(member, FACILITATED)
    assert w.sessions.check_in(moderator, FACILITATED) is True
    w.conv.join(member, FACILITATED)
    w.sessions.check_in(moderator, FACILITATED, checked_in=False)
    with pytest.raises(NotAllowedIn):
        w.conv.join(later, FACILITATED)
    assert {m["person_id"] for m in w.conv.members(member, FACILITATED)} == {moderator, member}


def test_nobody_posts_or_edits_in_a_facilitated_room_once_it_closes_and_members_still_read_it(w):
    host, member = register(w.rooms, roles=["on_spot_host"]), register(w.rooms)
    w.conv.join(host, FACILITATED)
    w.sessions.check_in(host, FACILITATED)
    w.conv.join(member, FACILITATED)
    said = w.conv.post(member, FACILITATED, "glad to be here")
    w.sessions.check_in(host, FACILITATED, checked_in=False)
    for speaker in (member, host):  # the host opens it by checking in again, not by posting
        with pytest.raises(FailedPrecondition, match="open only while a facilitator is here or a session is live"):
            w.conv.post(speaker, FACILITATED, "anyone here?")
    with pytest.raises(FailedPrecondition, match="you may not post or edit messages in"):
        w.conv.edit(member, said["message_id"], "changed after it closed")
    assert [m["body"] for m in w.conv.history(member, FACILITATED)["messages"]] == ["glad to be here"]
    w.conv.delete(member, said["message_id"])  # taking one's own words back stays possible
    w.sessions.check_in(host, FACILITATED)
    assert w.conv.post(member, FACILITATED, "back again")["body"] == "back again"


def test_a_facilitator_who_loses_the_role_no_longer_holds_the_room_open_and_may_still_check_out(w):
    revoked = {"grant_id": str(uuid.uuid4()), "role": "on_spot_host", "room_id": None, "expires_at": None}
    host, expiring, member = register(w.rooms), register(w.rooms), register(w.rooms)
    identity(w.rooms, "role_granted", host, **revoked)
    identity(w.rooms, "role_granted", expiring, grant_id=str(uuid.uuid4()), role="on_spot_host", room_id=None,
             expires_at=(w.clock() + dt.timedelta(minutes=10)).isoformat())
    for facilitator in (host, expiring):
        w.conv.join(facilitator, FACILITATED)
        w.sessions.check_in(facilitator, FACILITATED)
    w.conv.join(member, FACILITATED)

    identity(w.rooms, "role_revoked", host, **revoked)  # still an adult member of the room, no longer its host
    checked_in = {m["person_id"]: m["checked_in"] for m in w.conv.members(member, FACILITATED)}
    assert checked_in == {host: False, expiring: True, member: False}
    w.clock.advance(minutes=11)  # the other role has expired (no event): checking out needs no role
    assert w.sessions.check_in(expiring, FACILITATED, checked_in=False) is False
    with pytest.raises(PermissionDenied, match="only this room's moderators, hosts"):
        w.sessions.check_in(expiring, FACILITATED)
    with pytest.raises(FailedPrecondition, match="open only while a facilitator is here"):
        w.conv.post(member, FACILITATED, "anyone here?")


def test_a_pop_up_room_takes_no_posts_once_its_window_has_closed(w):
    admin, member = register(w.rooms, roles=["admin"]), register(w.rooms)
    w.rooms.create_room(admin, {
        "slug": "adult-pop-up-art-hour", "name": "Art Hour", "description": "Drawing together.", "topic": "community",
        "audience_cohort": "adult", "audience_kind": "both", "mode": "pop_up", "capacity": 40,
        "access_policy": {"always": True}})
    w.rooms.open_pop_up(admin, "adult-pop-up-art-hour", w.clock() - dt.timedelta(minutes=5),
                        w.clock() + dt.timedelta(hours=1))
    w.conv.join(member, "adult-pop-up-art-hour")
    w.conv.post(member, "adult-pop-up-art-hour", "here is my sketch")
    w.clock.advance(hours=1)
    with pytest.raises(FailedPrecondition, match="this pop-up room is closed now"):
        w.conv.post(member, "adult-pop-up-art-hour", "one more")
    assert [m["body"] for m in w.conv.history(member, "adult-pop-up-art-hour")["messages"]] == ["here is my sketch"]


def test_a_facilitator_must_be_in_the_room_to_check_in_and_leaving_closes_it(w):
    host, member = register(w.rooms, roles=["on_spot_host"]), register(w.rooms)
    with pytest.raises(FailedPrecondition, match="join the room first"):
        w.sessions.check_in(host, FACILITATED)
    w.conv.join(host, FACILITATED)
    w.sessions.check_in(host, FACILITATED)
    w.conv.leave(host, FACILITATED)
    with pytest.raises(NotAllowedIn):
        w.conv.join(member, FACILITATED)


def test_a_live_session_opens_a_facilitated_room(w):
    leader, member = register(w.rooms, roles=["support_session_leader"]), register(w.rooms)
    session = schedule(w, leader, slug=FACILITATED, minutes_ahead=5)
    with pytest.raises(NotAllowedIn):
        w.conv.join(member, FACILITATED)
    w.sessions.start(leader, session["session_id"])
    w.conv.join(member, FACILITATED)
    w.clock.advance(minutes=30)
    assert member in w.sessions.end(leader, session["session_id"])["attendee_ids"]


def test_no_session_starts_in_an_archived_room_and_a_moderator_may_call_one_off(w):
    leader, admin = register(w.rooms, roles=["support_session_leader"]), register(w.rooms, roles=["admin"])
    host, moderator = register(w.rooms, roles=["on_spot_host"]), register(w.rooms, roles=["chat_room_moderator"])
    session = schedule(w, leader, minutes_ahead=5)
    w.conv.join(host, LOUNGE)
    w.rooms.archive_room(admin, LOUNGE)
    w.clock.advance(minutes=5)
    with pytest.raises(FailedPrecondition, match="is archived; sessions are held in open rooms"):
        w.sessions.start(leader, session["session_id"])
    with pytest.raises(FailedPrecondition, match="is archived"):
        w.sessions.start_unplanned(host, LOUNGE, "Drop-in", 30)
    with pytest.raises(PermissionDenied, match="or a moderator or admin"):
        w.sessions.cancel(host, session["session_id"])
    assert w.sessions.cancel(moderator, session["session_id"])["status"] == "cancelled"


def test_staff_lead_and_see_sessions_only_in_rooms_they_may_enter_themselves(w):
    teen_room = "teen-community-hangout"
    adult_leader, admin = register(w.rooms, roles=["support_session_leader"]), register(w.rooms, roles=["admin"])
    teen_leader = register(w.rooms, roles=["support_session_leader"], cohort="teen")
    teen = register(w.rooms, cohort="teen")
    with pytest.raises(NotAllowedIn, match="you may not lead a session in .*: this room is for teens only"):
        schedule(w, adult_leader, slug=teen_room)
    teen_session = schedule(w, teen_leader, slug=teen_room)
    adult_session = schedule(w, adult_leader)
    moderator = register(w.rooms, roles=["chat_room_moderator"])
    with pytest.raises(NotAllowedIn, match="you may not set slow mode in"):
        w.conv.set_slow_mode(moderator, teen_room, 30)

    def listed(viewer, slug=""):
        return [s["session_id"] for s in w.sessions.list(viewer, slug)]

    assert listed(teen) == [teen_session["session_id"]] and listed(w.viewer) == [adult_session["session_id"]]
    assert sorted(listed(admin)) == sorted([teen_session["session_id"], adult_session["session_id"]])
    with pytest.raises(NotAllowedIn, match="you may not see the sessions in"):
        listed(w.viewer, teen_room)
    w.conv.grant_cohort_access(admin, adult_leader, teen_room, "co-leading the teen evening group", None)
    assert schedule(w, adult_leader, slug=teen_room, minutes_ahead=120)["room_slug"] == teen_room


def test_two_sessions_may_not_book_the_same_room_at_the_same_time(w):
    first, second = (register(w.rooms, roles=["support_session_leader"]) for _ in range(2))
    booked = schedule(w, first, minutes_ahead=30)  # 30 to 90 minutes from now
    with pytest.raises(rules.SessionClash, match="this room has 'Evening check-in' from"):
        schedule(w, second, minutes_ahead=60)
    back_to_back = schedule(w, second, minutes_ahead=90)
    elsewhere = schedule(w, second, slug=FACILITATED, minutes_ahead=60)
    listed = w.sessions.list(w.viewer, LOUNGE)
    assert [s["session_id"] for s in listed] == [booked["session_id"], back_to_back["session_id"]]
    assert [s["session_id"] for s in w.sessions.list(w.viewer, FACILITATED)] == [elsewhere["session_id"]]


def test_a_leader_who_lost_the_role_does_not_start_their_session_and_a_moderator_may_call_it_off(w):
    role = {"grant_id": str(uuid.uuid4()), "role": "support_session_leader", "room_id": None, "expires_at": None}
    leader, moderator = register(w.rooms), register(w.rooms, roles=["chat_room_moderator"])
    identity(w.rooms, "role_granted", leader, **role)
    booked = schedule(w, leader, minutes_ahead=5)
    identity(w.rooms, "role_revoked", leader, **role)
    with pytest.raises(PermissionDenied, match="you no longer hold the Support Session Leader role"):
        w.sessions.start(leader, booked["session_id"])
    assert w.sessions.cancel(moderator, booked["session_id"])["status"] == "cancelled"


def test_moderators_end_or_call_off_others_sessions_only_in_rooms_they_may_enter(w):
    admin = register(w.rooms, roles=["admin"])
    teen_leader = register(w.rooms, cohort="teen", roles=["support_session_leader"])
    adult_moderator = register(w.rooms, roles=["chat_room_moderator"])
    teen_room = "teen-community-hangout"
    booked = schedule(w, teen_leader, slug=teen_room, minutes_ahead=60)
    running = schedule(w, teen_leader, slug="teen-community-good-news", minutes_ahead=5)
    w.clock.advance(minutes=5)
    w.sessions.start(teen_leader, running["session_id"])
    with pytest.raises(NotAllowedIn, match="you may not call off a session in"):
        w.sessions.cancel(adult_moderator, booked["session_id"])
    with pytest.raises(NotAllowedIn, match="you may not end a session in"):
        w.sessions.end(adult_moderator, running["session_id"])
    w.conv.grant_cohort_access(admin, adult_moderator, teen_room, "covering the teen evening shift", None)
    assert w.sessions.cancel(adult_moderator, booked["session_id"])["status"] == "cancelled"
    assert w.sessions.end(teen_leader, running["session_id"])["status"] == "ended"  # the leader's own


def test_session_lists_show_the_viewers_rooms_current_sessions_however_many_others_there_are(w, monkeypatch):
    from room_service.service_layer import sessions as sessions_module
    monkeypatch.setattr(sessions_module, "LISTED", 3)
    leader = register(w.rooms, roles=["support_session_leader"])
    teen_leader = register(w.rooms, cohort="teen", roles=["support_session_leader"])
    teen = register(w.rooms, cohort="teen")
    past = []
    for i in range(4):  # four sessions held in the lounge, longest ago first
        held = schedule(w, leader, minutes_ahead=5)
        w.clock.advance(minutes=5)
        w.sessions.start(leader, held["session_id"])
        w.sessions.end(leader, held["session_id"])
        past.append(held["session_id"])
    adult_upcoming = [schedule(w, leader, minutes_ahead=60 * (i + 1))["session_id"] for i in range(4)]
    teen_upcoming = schedule(w, teen_leader, slug="teen-community-hangout", minutes_ahead=30)["session_id"]

    def listed(viewer, **kw):
        return [s["session_id"] for s in w.sessions.list(viewer, **kw)]

    assert listed(teen) == [teen_upcoming]  # the adult rooms' sessions do not crowd it out
    assert listed(w.viewer) == adult_upcoming[:3]  # the next ones first
    assert listed(w.viewer, slug=LOUNGE, include_past=True) == past[1:] + adult_upcoming[:3]  # the latest past ones


def test_a_clash_is_found_however_many_sessions_the_room_has_booked_before_it(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    first = w.clock() + dt.timedelta(minutes=30)
    for i in range(250):  # back to back, 15 minutes each
        w.sessions.schedule(leader, LOUNGE, f"Check-in {i}", first + dt.timedelta(minutes=15 * i), 15)
    with pytest.raises(rules.SessionClash, match="this room has 'Check-in 249' from"):
        w.sessions.schedule(leader, LOUNGE, "One more", first + dt.timedelta(minutes=15 * 249 + 5), 15)
    w.sessions.schedule(leader, LOUNGE, "Right after", first + dt.timedelta(minutes=15 * 250), 15)


def test_a_session_nobody_ends_is_ended_after_its_planned_end_and_its_room_closes(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    member, latecomer = register(w.rooms), register(w.rooms)
    session = schedule(w, leader, slug=FACILITATED, minutes_ahead=5)  # 60 minutes
    w.clock.advance(minutes=5)
    w.sessions.start(leader, session["session_id"])
    w.conv.join(member, FACILITATED)
    w.clock.advance(minutes=60 + 30)  # the planned end, then the grace
    assert w.sessions.close_overdue() == 0 and outbox(w.engine, "session_ended") == []
    w.clock.advance(minutes=1)
    assert w.sessions.close_overdue() == 1
    [event] = outbox(w.engine, "session_ended")
    assert (event["session_id"], event["ended_by"], event["ended_automatically"]) == (session["session_id"], None, True)
    assert event["duration_seconds"] == 3600 and event["attendee_ids"] == [member]
    [ended] = w.sessions.list(w.viewer, FACILITATED, include_past=True)
    assert ended["status"] == "ended" and ended["ended_at"] == ended["started_at"] + dt.timedelta(minutes=60)
    with pytest.raises(NotAllowedIn, match="open only while a facilitator is here or a session is live"):
        w.conv.join(latecomer, FACILITATED)
    with pytest.raises(FailedPrecondition, match="open only while a facilitator is here or a session is live"):
        w.conv.post(member, FACILITATED, "is anyone still here?")
    assert w.sessions.close_overdue() == 0 and len(outbox(w.engine, "session_ended")) == 1


def test_a_session_never_started_is_called_off_once_its_time_has_passed(w):
    leader = register(w.rooms, roles=["support_session_leader"])
    session = schedule(w, leader, minutes_ahead=30)  # due 30 to 90 minutes from now
    w.clock.advance(minutes=90 + 30)
    assert w.sessions.close_overdue() == 0
    w.clock.advance(minutes=1)
    assert w.sessions.close_overdue() == 1
    assert w.sessions.list(w.viewer, LOUNGE) == []
    [called_off] = w.sessions.list(w.viewer, LOUNGE, include_past=True)
    assert (called_off["session_id"], called_off["status"]) == (session["session_id"], "cancelled")
    with pytest.raises(rules.SessionStateError):
        w.sessions.start(leader, session["session_id"])
    assert outbox(w.engine, "session_ended") == []  # never held: nothing counts


# --- the Sharing Circle --------------------------------------------------------------------------


@pytest.fixture
def circle(w):
    """adult-sharing-circle opened by a checked-in on-spot host, with three members in it."""
    host = register(w.rooms, roles=["on_spot_host"])
    w.conv.join(host, CIRCLE)
    w.sessions.check_in(host, CIRCLE)
    members = [register(w.rooms) for _ in range(3)]
    for person in members:
        w.conv.join(person, CIRCLE)
    return types.SimpleNamespace(host=host, members=members)


def test_a_listener_on_spot_host_opens_and_runs_a_members_sharing_circle_and_takes_no_turn(w):
    host = register(w.rooms, kind="listener", roles=["on_spot_host"])
    listener, member = register(w.rooms, kind="listener"), register(w.rooms)
    w.conv.join(host, CIRCLE)  # a members' room: its facilitators enter it whatever their kind
    w.sessions.check_in(host, CIRCLE)
    w.conv.join(member, CIRCLE)
    with pytest.raises(NotAllowedIn, match="this room is for members only"):
        w.conv.join(listener, CIRCLE)
    with pytest.raises(OnlyMembersTakeTurns):
        w.sessions.raise_hand(host, CIRCLE)
    w.sessions.raise_hand(member, CIRCLE)
    assert w.sessions.give_turn(host, CIRCLE)["speaker_id"] == member


def raise_hands(w, people):
    for person in people:
        w.sessions.raise_hand(person, CIRCLE)
        w.clock.advance(seconds=1)


def hands(w, person):
    return [h["person_id"] for h in w.sessions.queue(person, CIRCLE)["hands"]]


def test_the_circle_is_hosted_from_inside_it(w, circle):
    other_host = register(w.rooms, roles=["on_spot_host"])
    w.sessions.raise_hand(circle.members[0], CIRCLE)
    with pytest.raises(FailedPrecondition, match="join the room first"):
        w.sessions.give_turn(other_host, CIRCLE)
    assert w.sessions.give_turn(circle.host, CIRCLE)["speaker_id"] == circle.members[0]


def test_turns_are_given_first_come_first_served(w, circle):
    a, b, c = circle.members
    raise_hands(w, [b, a, c])
    w.sessions.raise_hand(b, CIRCLE)  # raising again keeps one's place
    assert hands(w, a) == [b, a, c]
    given = w.sessions.give_turn(circle.host, CIRCLE)
    assert given["speaker_id"] == b and [h["person_id"] for h in given["hands"]] == [a, c]
    with pytest.raises(FailedPrecondition, match="someone has the turn now"):  # "next" twice: b keeps it
        w.sessions.give_turn(circle.host, CIRCLE)
    w.sessions.end_turn(b, CIRCLE)
    assert w.sessions.give_turn(circle.host, CIRCLE)["speaker_id"] == a
    assert w.sessions.queue(c, CIRCLE)["speaker_id"] == a and hands(w, c) == [c]


def test_only_the_host_gives_turns_and_skips(w, circle):
    a, b, c = circle.members
    raise_hands(w, [a, b])
    with pytest.raises(PermissionDenied):
        w.sessions.give_turn(c, CIRCLE)
    with pytest.raises(PermissionDenied):
        w.sessions.skip(c, CIRCLE)
    assert hands(w, c) == [a, b] and w.sessions.queue(c, CIRCLE)["speaker_id"] == ""


def test_skip_passes_over_the_first_in_line(w, circle):
    a, b, c = circle.members
    raise_hands(w, [a, b, c])
    assert [h["person_id"] for h in w.sessions.skip(circle.host, CIRCLE)["hands"]] == [b, c]
    assert w.sessions.give_turn(circle.host, CIRCLE)["speaker_id"] == b


def test_the_speaker_ends_their_own_turn_and_others_may_not(w, circle):
    a, b, _ = circle.members
    raise_hands(w, [a])
    w.sessions.give_turn(circle.host, CIRCLE)
    with pytest.raises(PermissionDenied):
        w.sessions.end_turn(b, CIRCLE)
    assert w.sessions.end_turn(a, CIRCLE)["speaker_id"] == ""


def test_leaving_the_room_gives_up_ones_hand_and_turn(w, circle):
    a, b, c = circle.members
    raise_hands(w, [a, b, c])
    w.sessions.give_turn(circle.host, CIRCLE)
    w.conv.leave(a, CIRCLE)
    w.conv.leave(b, CIRCLE)
    view = w.sessions.queue(c, CIRCLE)
    assert view["speaker_id"] == "" and [h["person_id"] for h in view["hands"]] == [c]


def test_the_host_of_a_live_session_gives_turns(w):
    host, member = register(w.rooms, roles=["on_spot_host"]), register(w.rooms)
    w.conv.join(host, CIRCLE)
    w.sessions.start_unplanned(host, CIRCLE, "Sharing Circle", 60)
    w.conv.join(member, CIRCLE)
    w.sessions.raise_hand(member, CIRCLE)
    assert w.sessions.give_turn(host, CIRCLE)["speaker_id"] == member


def test_listeners_hold_the_space_and_do_not_take_turns(w):
    admin = register(w.rooms, roles=["admin"])
    w.rooms.create_room(admin, {"slug": OPEN_CIRCLE, "name": "Open Sharing Circle", "description": "Everyone welcome.",
                                "topic": "sharing-circle", "audience_cohort": "adult", "audience_kind": "both",
                                "mode": "always_open", "capacity": 12, "access_policy": {"cohort": "adult"}})
    listener, member = register(w.rooms, kind="listener"), register(w.rooms)
    for person in (listener, member):
        w.conv.join(person, OPEN_CIRCLE)
    with pytest.raises(OnlyMembersTakeTurns):
        w.sessions.raise_hand(listener, OPEN_CIRCLE)
    w.sessions.raise_hand(member, OPEN_CIRCLE)
    assert [h["person_id"] for h in w.sessions.queue(listener, OPEN_CIRCLE)["hands"]] == [member]


def test_rooms_that_are_not_sharing_circles_have_no_turns(w):
    member = register(w.rooms)
    w.conv.join(member, LOUNGE)
    with pytest.raises(FailedPrecondition, match="turns are taken in Sharing Circle rooms"):
        w.sessions.raise_hand(member, LOUNGE)
