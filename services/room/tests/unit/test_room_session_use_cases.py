"""Unit tests of support sessions and the Sharing Circle on in-memory fakes: schedule, clash, start, end, call
off, the overdue sweep, facilitator check-in, and turns."""
import datetime as dt
import uuid

import pytest
from room_unit_helpers import CIRCLE, FACILITATED, LOUNGE, SMALL, START, TEEN_LOUNGE

from room_service.domain import circle, errors
from room_service.domain import sessions as rules

IN_AN_HOUR = START + dt.timedelta(hours=1)


@pytest.fixture
def leader(identity):
    return identity.register("lea_leader", kind="listener", roles=["support_session_leader"])


@pytest.fixture
def host(identity):
    return identity.register("hal_host", kind="listener", roles=["on_spot_host"])


@pytest.fixture
def scheduled(sessions, leader):
    return sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60)


class TestSchedule:
    def test_a_leader_schedules_a_session_on_the_rooms_timeline(self, sessions, leader, db, published):
        events = len(published)
        session = sessions.schedule(leader, LOUNGE, "  Evening check-in ", IN_AN_HOUR, 60)
        assert session | {"session_id": None} == {
            "session_id": None, "room_slug": LOUNGE, "topic": "Evening check-in", "leader_id": leader,
            "kind": "scheduled", "status": "scheduled", "starts_at": IN_AN_HOUR, "duration_minutes": 60,
            "started_at": None, "ended_at": None, "script_id": None}
        item = db.timeline(LOUNGE)[-1]
        assert item["kind"] == "session_scheduled" and item["data"]["starts_at"] == IN_AN_HOUR.isoformat()
        assert len(published) == events  # announced when it starts

    def test_only_session_leaders_and_admins_schedule(self, sessions, identity, admin, refused):
        member = identity.register("mo")
        with refused(errors.MayNotRunSessions):
            sessions.schedule(member, LOUNGE, "Evening check-in", IN_AN_HOUR, 60)
        assert sessions.schedule(admin, LOUNGE, "Evening check-in", IN_AN_HOUR, 60)["leader_id"] == admin

    def test_a_leader_schedules_only_in_rooms_they_may_enter(self, sessions, leader, refused):
        with refused(errors.NotAllowedIn, match="lead a session"):
            sessions.schedule(leader, TEEN_LOUNGE, "Evening check-in", IN_AN_HOUR, 60)

    def test_a_leader_unknown_to_room_waits(self, sessions, refused):
        with refused(errors.NotKnownYet):
            sessions.schedule("someone-new", LOUNGE, "Evening check-in", IN_AN_HOUR, 60)

    def test_two_sessions_of_a_room_may_not_overlap(self, sessions, leader, scheduled, refused):
        with refused(rules.SessionClash, match="Evening check-in"):
            sessions.schedule(leader, LOUNGE, "Another", IN_AN_HOUR + dt.timedelta(minutes=30), 60)
        sessions.schedule(leader, LOUNGE, "Right after", IN_AN_HOUR + dt.timedelta(minutes=60), 60)
        sessions.schedule(leader, SMALL, "Elsewhere at the same time", IN_AN_HOUR, 60)

    def test_invalid_times_and_archived_rooms_are_refused(self, sessions, rooms, admin, leader, refused):
        with refused(rules.InvalidSession, match="duration_minutes"):
            sessions.schedule(leader, LOUNGE, "Too short", IN_AN_HOUR, 5)
        with refused(rules.InvalidSession, match="in the past"):
            sessions.schedule(leader, LOUNGE, "Yesterday", START - dt.timedelta(days=1), 60)
        rooms.archive_room(admin, SMALL)
        with refused(errors.RoomArchived):
            sessions.schedule(leader, SMALL, "In an archived room", IN_AN_HOUR, 60)


class TestStartAndEnd:
    def test_start_end_and_the_events_with_who_attended(self, conv, sessions, leader, identity, scheduled, clock,
                                                        published, db):
        early, late = identity.register("early"), identity.register("late")
        conv.join(early, LOUNGE)
        conv.join(leader, LOUNGE)
        clock.advance(minutes=50)
        started = sessions.start(leader, scheduled["session_id"])
        assert started["status"] == "live" and started["started_at"] == clock()
        assert published[-1].type == "session_started"
        start_seq = db.timeline(LOUNGE)[-1]["seq"]
        assert published[-1].data == {
            "session_id": scheduled["session_id"], "room_slug": LOUNGE, "topic": "Evening check-in",
            "kind": "scheduled", "leader_id": leader, "seq": start_seq, "started_at": clock().isoformat()}
        conv.join(late, LOUNGE)
        clock.advance(minutes=45)
        ended = sessions.end(leader, scheduled["session_id"])
        assert ended["status"] == "ended" and ended["duration_seconds"] == 45 * 60
        assert ended["attendee_ids"] == sorted([early, late, leader])
        assert published[-1].type == "session_ended"
        assert published[-1].data == {
            "session_id": scheduled["session_id"], "room_slug": LOUNGE, "topic": "Evening check-in",
            "kind": "scheduled", "leader_id": leader, "attendee_ids": sorted([early, late, leader]),
            "started_at": (START + dt.timedelta(minutes=50)).isoformat(), "ended_at": clock().isoformat(),
            "duration_seconds": 45 * 60, "seq": db.timeline(LOUNGE)[-1]["seq"], "ended_by": leader,
            "ended_automatically": False}

    def test_not_earlier_than_fifteen_minutes_before_and_by_its_leader_only(self, sessions, identity, scheduled,
                                                                            clock, refused):
        other = identity.register("other_leader", kind="listener", roles=["support_session_leader"])
        with refused(rules.TooEarlyToStart):
            sessions.start(scheduled["leader_id"], scheduled["session_id"])
        clock.advance(minutes=45)
        with refused(rules.NotSessionLeader):
            sessions.start(other, scheduled["session_id"])

    def test_a_leader_who_lost_the_role_does_not_start(self, sessions, identity, leader, scheduled, clock, db,
                                                       refused):
        (grant_id,) = db.tables["people"][leader].grants
        identity.event("role_revoked", leader, grant_id=grant_id, role="support_session_leader", room_id=None)
        clock.advance(minutes=50)
        with refused(errors.MayNotRunSessions, match="no longer hold"):
            sessions.start(leader, scheduled["session_id"])

    def test_one_live_session_per_room(self, conv, sessions, host, leader, scheduled, clock, refused):
        conv.join(host, LOUNGE)
        sessions.start_unplanned(host, LOUNGE, "Drop-in", 30)
        clock.advance(minutes=50)
        with refused(errors.SessionAlreadyLive):
            sessions.start(leader, scheduled["session_id"])
        with refused(errors.SessionAlreadyLive):
            sessions.start_unplanned(host, LOUNGE, "A second drop-in", 30)

    def test_an_on_spot_host_starts_an_unplanned_session_in_a_room_they_are_in(self, conv, sessions, host,
                                                                               identity, published, refused):
        with refused(errors.NotInRoom):
            sessions.start_unplanned(host, LOUNGE, "Drop-in", 30)
        member = identity.register("mo")
        conv.join(member, LOUNGE)
        with refused(errors.MayNotRunSessions):
            sessions.start_unplanned(member, LOUNGE, "Drop-in", 30)
        conv.join(host, LOUNGE)
        live = sessions.start_unplanned(host, LOUNGE, "Drop-in", 0)
        assert (live["kind"], live["status"], live["duration_minutes"]) == ("unplanned", "live", 60)
        assert published[-1].type == "session_started" and published[-1].data["kind"] == "unplanned"

    def test_moderators_end_or_call_off_others_sessions_leaders_only_their_own(self, conv, sessions, identity,
                                                                               leader, scheduled, refused):
        other = identity.register("other_leader", kind="listener", roles=["support_session_leader"])
        moderator = identity.register("mod_mia", kind="listener", roles=["chat_room_moderator"])
        with refused(rules.NotSessionLeader):
            sessions.cancel(other, scheduled["session_id"])
        cancelled = sessions.cancel(moderator, scheduled["session_id"])
        assert cancelled["status"] == "cancelled"
        with refused(rules.SessionStateError):
            sessions.end(leader, scheduled["session_id"])

    def test_an_unknown_session(self, sessions, leader, refused):
        with refused(errors.SessionNotFound):
            sessions.start(leader, str(uuid.uuid4()))
        with refused(errors.InvalidId):
            sessions.end(leader, "not-an-id")

    def test_sessions_are_listed_for_those_who_may_enter_their_rooms(self, sessions, identity, leader, scheduled):
        teen = identity.register("tia", cohort="teen")
        adult = identity.register("mo")
        assert [s["session_id"] for s in sessions.list(adult)] == [scheduled["session_id"]]
        assert sessions.list(teen) == []


class TestOverdue:
    def test_a_live_session_nobody_ended_ends_as_of_its_planned_end(self, conv, sessions, host, clock, published):
        conv.join(host, LOUNGE)
        live = sessions.start_unplanned(host, LOUNGE, "Drop-in", 30)
        clock.advance(minutes=30 + 29)
        assert sessions.close_overdue() == 0
        clock.advance(minutes=2)
        assert sessions.close_overdue() == 1
        assert published[-1].type == "session_ended"
        data = published[-1].data
        assert (data["session_id"], data["ended_by"], data["ended_automatically"]) == (live["session_id"], None, True)
        assert data["ended_at"] == (START + dt.timedelta(minutes=30)).isoformat() and data["duration_seconds"] == 1800
        assert sessions.close_overdue() == 0

    def test_a_session_never_started_is_called_off(self, sessions, scheduled, clock, db, published):
        clock.advance(hours=2, minutes=31)
        events = len(published)
        assert sessions.close_overdue() == 1
        assert db.tables["sessions"][scheduled["session_id"]].status == "cancelled"
        item = db.timeline(LOUNGE)[-1]
        assert item["kind"] == "session_cancelled" and item["data"]["lapsed"] is True
        assert len(published) == events  # a session never held is no event


class TestCheckIn:
    def test_a_facilitator_in_the_room_checks_in_and_out(self, conv, sessions, host, db, refused):
        with refused(errors.NotInRoom):
            sessions.check_in(host, FACILITATED)
        conv.join(host, FACILITATED)
        assert sessions.check_in(host, FACILITATED) is True
        assert db.tables["members"][(FACILITATED, host)].checked_in
        assert sessions.check_in(host, FACILITATED, False) is False
        assert [i["kind"] for i in db.timeline(FACILITATED)][-2:] == ["facilitator_checked_in",
                                                                      "facilitator_checked_out"]

    def test_members_do_not_check_in(self, conv, sessions, identity, refused):
        member = identity.register("mo")
        conv.join(member, LOUNGE)
        with refused(errors.NotStaff):
            sessions.check_in(member, LOUNGE)


class TestSharingCircle:
    @pytest.fixture
    def circle_of(self, conv, identity, host):
        """The host and three members in the circle room; returns the members' ids."""
        conv.join(host, CIRCLE)
        members = [identity.register(name) for name in ("ann", "ben", "cat")]
        for member in members:
            conv.join(member, CIRCLE)
        return members

    def test_hands_are_taken_first_come_first_served(self, sessions, host, circle_of, clock, db):
        ann, ben, cat = circle_of
        for person in (ben, ann, cat):
            sessions.raise_hand(person, CIRCLE)
            clock.advance(seconds=1)
        assert [h["person_id"] for h in sessions.queue(ann, CIRCLE)["hands"]] == [ben, ann, cat]
        queue = sessions.give_turn(host, CIRCLE)
        assert queue["speaker_id"] == ben and [h["person_id"] for h in queue["hands"]] == [ann, cat]
        with pytest.raises(circle.TurnInProgress):
            sessions.give_turn(host, CIRCLE)
        sessions.end_turn(ben, CIRCLE)  # the speaker passes
        queue = sessions.skip(host, CIRCLE)
        assert queue["speaker_id"] == "" and [h["person_id"] for h in queue["hands"]] == [cat]
        assert sessions.give_turn(host, CIRCLE, cat)["speaker_id"] == cat
        assert [i["kind"] for i in db.timeline(CIRCLE)][-7:] == [
            "hand_raised", "hand_raised", "hand_raised", "turn_given", "turn_ended", "turn_skipped", "turn_given"]

    def test_raising_a_hand_twice_keeps_its_place(self, sessions, circle_of, clock):
        ann, ben, _ = circle_of
        sessions.raise_hand(ann, CIRCLE)
        clock.advance(seconds=1)
        sessions.raise_hand(ben, CIRCLE)
        clock.advance(seconds=1)
        sessions.raise_hand(ann, CIRCLE)
        assert [h["person_id"] for h in sessions.queue(ann, CIRCLE)["hands"]] == [ann, ben]

    def test_only_members_in_the_room_take_turns_and_only_hosts_give_them(self, conv, sessions, identity, host,
                                                                          circle_of, refused):
        ann, ben, _ = circle_of
        listener, outsider = identity.register("lee", kind="listener"), identity.register("out")
        conv.join(listener, CIRCLE)
        with refused(circle.OnlyMembersTakeTurns):
            sessions.raise_hand(listener, CIRCLE)
        with refused(errors.NotInRoom):
            sessions.raise_hand(outsider, CIRCLE)
        sessions.raise_hand(ann, CIRCLE)
        with refused(errors.NotCircleHost):
            sessions.give_turn(ben, CIRCLE)
        with refused(errors.NoTurnQueue):
            sessions.raise_hand(ann, LOUNGE)

    def test_the_live_sessions_leader_hosts_the_circle(self, conv, sessions, identity, circle_of, clock):
        ann = circle_of[0]
        leader = identity.register("lea", kind="listener", roles=[("support_session_leader", CIRCLE)])
        session = sessions.schedule(leader, CIRCLE, "Circle night", START, 60)
        conv.join(leader, CIRCLE)
        sessions.start(leader, session["session_id"])
        sessions.raise_hand(ann, CIRCLE)
        assert sessions.give_turn(leader, CIRCLE)["speaker_id"] == ann

    def test_leaving_gives_up_the_turn_and_the_place_in_line(self, conv, sessions, host, circle_of, db):
        ann, ben, _ = circle_of
        sessions.raise_hand(ann, CIRCLE)
        sessions.raise_hand(ben, CIRCLE)
        sessions.give_turn(host, CIRCLE)
        conv.leave(ann, CIRCLE)
        conv.leave(ben, CIRCLE)
        assert sessions.queue(host, CIRCLE) == {"speaker_id": "", "speaker_since": None, "hands": []}
