"""Unit tests of support sessions: scheduling rules, the lifecycle, the ended event and who may run them."""
import datetime as dt

import pytest

from hearth_common import errors as common_errors
from hearth_common.access_policy import PersonFacts, RoleFact
from room_service.domain import events, sessions
from room_service.domain.sessions import (
    InvalidSession,
    NotSessionLeader,
    Session,
    SessionStateError,
    TooEarlyToStart,
    is_facilitator,
    may_host_unplanned,
    may_schedule,
)

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
MINUTE = dt.timedelta(minutes=1)
ROOM = "grief-support"
LEADER = "leader-1"


def scheduled(starts_at=NOW + dt.timedelta(hours=2), duration_minutes=60, topic="Coping with loss"):
    return Session.schedule("s-1", ROOM, topic, LEADER, starts_at, duration_minutes, NOW)


def live():
    session = scheduled()
    session.start(LEADER, session.starts_at)
    return session


def facts(*roles):
    return PersonFacts("p-1", "member", "adult", roles=roles)


# --- error categories -------------------------------------------------------------------------------


def test_errors_belong_to_the_categories_that_decide_their_status():
    assert issubclass(InvalidSession, common_errors.InvalidArgument)
    assert issubclass(NotSessionLeader, common_errors.PermissionDenied)
    assert issubclass(SessionStateError, common_errors.FailedPrecondition)
    assert issubclass(TooEarlyToStart, common_errors.FailedPrecondition)


def test_kinds_and_statuses():
    assert sessions.SESSION_KINDS == ("scheduled", "unplanned")
    assert sessions.SESSION_STATUSES == ("scheduled", "live", "ended", "cancelled")


# --- scheduling -------------------------------------------------------------------------------------


def test_schedule_makes_a_scheduled_session_not_yet_started():
    session = scheduled()
    assert (session.session_id, session.room_slug, session.topic, session.leader_id) == (
        "s-1", ROOM, "Coping with loss", LEADER
    )
    assert (session.kind, session.status, session.duration_minutes) == ("scheduled", "scheduled", 60)
    assert session.starts_at == NOW + dt.timedelta(hours=2)
    assert session.started_at is None and session.ended_at is None


def test_schedule_strips_the_topic():
    assert scheduled(topic="  Evening check-in \n").topic == "Evening check-in"


@pytest.mark.parametrize("topic", ["", "ab", "  ab  ", "x" * 121, None, 42])
def test_schedule_refuses_a_topic_out_of_range(topic):
    with pytest.raises(InvalidSession, match="topic must be 3 to 120 characters"):
        scheduled(topic=topic)


@pytest.mark.parametrize("topic", ["abc", "  abc  ", "x" * 120])
def test_schedule_accepts_a_topic_at_the_limits(topic):
    assert scheduled(topic=topic).topic == topic.strip()


@pytest.mark.parametrize("minutes", [14, 241, 0, -30, 60.0, "60", True, None])
def test_schedule_refuses_a_duration_out_of_range(minutes):
    with pytest.raises(InvalidSession, match="duration_minutes must be a whole number from 15 to 240"):
        scheduled(duration_minutes=minutes)


@pytest.mark.parametrize("minutes", [15, 240])
def test_schedule_accepts_a_duration_at_the_limits(minutes):
    assert scheduled(duration_minutes=minutes).duration_minutes == minutes


def test_schedule_refuses_a_naive_start():
    with pytest.raises(InvalidSession, match="starts_at must be a date and time with a time zone"):
        scheduled(starts_at=dt.datetime(2025, 6, 15, 14, 0))


def test_schedule_stores_the_start_in_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    session = scheduled(starts_at=dt.datetime(2025, 6, 15, 16, 0, tzinfo=plus_two))
    assert session.starts_at == NOW + dt.timedelta(hours=2)
    assert session.starts_at.utcoffset() == dt.timedelta(0)


def test_schedule_allows_a_start_up_to_five_minutes_past():
    assert scheduled(starts_at=NOW - 5 * MINUTE).starts_at == NOW - 5 * MINUTE


def test_schedule_refuses_a_start_further_in_the_past():
    with pytest.raises(InvalidSession, match=r"starts_at must be from 2025-06-15T11:55\+00:00 on") as caught:
        scheduled(starts_at=NOW - 6 * MINUTE)
    assert "more than 5 minutes in the past" in caught.value.message


def test_schedule_allows_a_start_ninety_days_ahead():
    assert scheduled(starts_at=NOW + dt.timedelta(days=90)).status == "scheduled"


def test_schedule_refuses_a_start_more_than_ninety_days_ahead():
    with pytest.raises(InvalidSession, match="starts_at must be at most 90 days ahead"):
        scheduled(starts_at=NOW + dt.timedelta(days=90, minutes=1))


# --- unplanned sessions -----------------------------------------------------------------------------


def test_unplanned_is_live_from_now_with_the_host_leading():
    session = Session.unplanned("s-2", ROOM, "Rough night", "host-1", NOW)
    assert (session.kind, session.status, session.leader_id) == ("unplanned", "live", "host-1")
    assert session.starts_at == session.started_at == NOW
    assert session.duration_minutes == 60
    assert session.ended_at is None


def test_unplanned_takes_a_duration():
    assert Session.unplanned("s-2", ROOM, "Rough night", "host-1", NOW, duration_minutes=30).duration_minutes == 30


def test_unplanned_validates_topic_and_duration():
    with pytest.raises(InvalidSession, match="topic"):
        Session.unplanned("s-2", ROOM, " x ", "host-1", NOW)
    with pytest.raises(InvalidSession, match="duration_minutes"):
        Session.unplanned("s-2", ROOM, "Rough night", "host-1", NOW, duration_minutes=241)


def test_unplanned_can_be_ended_by_its_host():
    session = Session.unplanned("s-2", ROOM, "Rough night", "host-1", NOW)
    session.end("host-1", NOW + 20 * MINUTE)
    assert session.status == "ended" and session.duration_seconds == 20 * 60


# --- starting ---------------------------------------------------------------------------------------


def test_leader_starts_a_session_at_its_time():
    session = scheduled()
    session.start(LEADER, session.starts_at + MINUTE)
    assert session.status == "live" and session.started_at == session.starts_at + MINUTE


def test_leader_may_start_up_to_fifteen_minutes_early():
    session = scheduled()
    session.start(LEADER, session.starts_at - 15 * MINUTE)
    assert session.status == "live"


def test_starting_earlier_says_when_it_can_start():
    session = scheduled()
    with pytest.raises(TooEarlyToStart, match=r"this session can start from 2025-06-15T13:45\+00:00"):
        session.start(LEADER, session.starts_at - 16 * MINUTE)
    assert session.status == "scheduled" and session.started_at is None


def test_only_the_leader_starts_a_session():
    session = scheduled()
    with pytest.raises(NotSessionLeader, match="only the leader"):
        session.start("someone-else", session.starts_at)
    assert session.status == "scheduled"


@pytest.mark.parametrize("status", ["live", "ended", "cancelled"])
def test_only_a_scheduled_session_starts(status):
    session = scheduled()
    session.status = status
    with pytest.raises(SessionStateError, match=f"this session is {status}; only a scheduled session can be started"):
        session.start(LEADER, session.starts_at)


def test_a_live_unplanned_session_cannot_be_started_again():
    session = Session.unplanned("s-2", ROOM, "Rough night", "host-1", NOW)
    with pytest.raises(SessionStateError, match="this session is live"):
        session.start("host-1", NOW)


# --- ending -----------------------------------------------------------------------------------------


def test_leader_ends_a_live_session():
    session = live()
    session.end(LEADER, session.started_at + 45 * MINUTE)
    assert session.status == "ended" and session.ended_at == session.started_at + 45 * MINUTE
    assert session.duration_seconds == 45 * 60


def test_someone_else_cannot_end_a_session():
    session = live()
    with pytest.raises(NotSessionLeader, match="only the leader of this session, or a moderator or admin"):
        session.end("someone-else", NOW)
    assert session.status == "live"


def test_a_moderator_or_admin_may_end_any_session():
    session = live()
    session.end("moderator-1", session.started_at + MINUTE, may_end_any=True)
    assert session.status == "ended"


@pytest.mark.parametrize("status", ["scheduled", "ended", "cancelled"])
def test_only_a_live_session_ends(status):
    session = scheduled()
    session.status = status
    with pytest.raises(SessionStateError, match=f"this session is {status}; only a live session can be ended"):
        session.end(LEADER, NOW)


# --- cancelling -------------------------------------------------------------------------------------


def test_leader_cancels_a_scheduled_session():
    session = scheduled()
    session.cancel(LEADER, NOW)
    assert session.status == "cancelled" and session.ended_at == NOW
    assert session.started_at is None and session.duration_seconds == 0


def test_someone_else_cannot_cancel_a_session():
    session = scheduled()
    with pytest.raises(NotSessionLeader, match="can cancel it"):
        session.cancel("someone-else", NOW)
    assert session.status == "scheduled"


def test_a_moderator_or_admin_may_cancel_any_session():
    session = scheduled()
    session.cancel("admin-1", NOW, may_end_any=True)
    assert session.status == "cancelled"


@pytest.mark.parametrize("status", ["live", "ended", "cancelled"])
def test_only_a_scheduled_session_is_cancelled(status):
    session = scheduled()
    session.status = status
    with pytest.raises(SessionStateError, match=f"this session is {status}; only a scheduled session can be cancelled"):
        session.cancel(LEADER, NOW)


# --- duration and the ended event -------------------------------------------------------------------


def test_duration_is_zero_until_ended():
    assert scheduled().duration_seconds == 0
    assert live().duration_seconds == 0


def test_duration_counts_whole_seconds():
    session = live()
    session.end(LEADER, session.started_at + dt.timedelta(minutes=30, seconds=7, milliseconds=900))
    assert session.duration_seconds == 30 * 60 + 7


def test_duration_is_never_negative():
    session = live()
    session.end(LEADER, session.started_at - MINUTE)
    assert session.duration_seconds == 0


def ended_event_data(session, attendee_ids):
    """The session_ended event's data, but for who ended it and its room timeline seq."""
    data = events.session_ended(session, attendee_ids, seq=9, ended_by=LEADER).data
    assert (data.pop("seq"), data.pop("ended_by"), data.pop("ended_automatically")) == (9, LEADER, False)
    return data


def test_ended_event_data():
    session = live()
    session.end(LEADER, session.started_at + 50 * MINUTE)
    assert ended_event_data(session, ["p-3", "p-1", "p-2", "p-1"]) == {
        "session_id": "s-1",
        "room_slug": ROOM,
        "topic": "Coping with loss",
        "kind": "scheduled",
        "leader_id": LEADER,
        "attendee_ids": ["p-1", "p-2", "p-3"],
        "started_at": "2025-06-15T14:00:00+00:00",
        "ended_at": "2025-06-15T14:50:00+00:00",
        "duration_seconds": 50 * 60,
    }


def test_ended_event_lists_the_leader_only_when_passed():
    session = live()
    session.end(LEADER, session.started_at + MINUTE)
    assert ended_event_data(session, ("p-1",))["attendee_ids"] == ["p-1"]
    assert ended_event_data(session, iter(["p-1", LEADER]))["attendee_ids"] == [LEADER, "p-1"]
    assert ended_event_data(session, [])["attendee_ids"] == []


@pytest.mark.parametrize("make", [scheduled, live])
def test_ended_event_needs_an_ended_session(make):
    with pytest.raises(SessionStateError, match="only an ended session has an ended event"):
        ended_event_data(make(), [])


# --- who may do what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "roles, schedule, host, facilitate",
    [
        ((), False, False, False),
        ((RoleFact("support_session_leader"),), True, False, True),
        ((RoleFact("support_session_leader", ROOM),), True, False, True),
        ((RoleFact("support_session_leader", "other-room"),), False, False, False),
        ((RoleFact("on_spot_host"),), False, True, True),
        ((RoleFact("on_spot_host", ROOM),), False, True, True),
        ((RoleFact("on_spot_host", "other-room"),), False, False, False),
        ((RoleFact("chat_room_moderator"),), False, False, True),
        ((RoleFact("chat_room_moderator", ROOM),), False, False, True),
        ((RoleFact("admin"),), True, True, True),
        ((RoleFact("admin", None, NOW - MINUTE),), False, False, False),
        ((RoleFact("admin", "other-room"),), False, False, False),
        ((RoleFact("support_session_leader", None, NOW - MINUTE),), False, False, False),
        ((RoleFact("on_spot_host", None, NOW + MINUTE),), False, True, True),
    ],
)
def test_who_may_schedule_host_and_facilitate(roles, schedule, host, facilitate):
    person = facts(*roles)
    assert may_schedule(person, ROOM, NOW) is schedule
    assert may_host_unplanned(person, ROOM, NOW) is host
    assert is_facilitator(person, ROOM, NOW) is facilitate


# --- one session at a time in a room, and sessions nobody ended ------------------------------------------


def other(session_id, starts_at, duration_minutes=60, status="scheduled"):
    session = Session.schedule(session_id, ROOM, "Another topic", "leader-2", starts_at, duration_minutes, NOW)
    if status != "scheduled":
        session.start("leader-2", starts_at)
    if status == "ended":
        session.end("leader-2", starts_at + MINUTE)
    return session


def test_a_session_overlapping_another_of_the_room_is_refused_naming_it():
    at_two = NOW + dt.timedelta(hours=2)
    for clashing in (other("s-2", at_two + 59 * MINUTE), other("s-2", at_two - 59 * MINUTE),
                     other("s-2", at_two - 30 * MINUTE, duration_minutes=120)):
        with pytest.raises(sessions.SessionClash, match="this room has 'Another topic' from .* to .*choose a time"):
            scheduled(at_two).check_clashes([clashing])
    assert isinstance(sessions.SessionClash("x"), common_errors.FailedPrecondition)


def test_back_to_back_sessions_and_finished_ones_do_not_clash():
    at_two = NOW + dt.timedelta(hours=2)
    scheduled(at_two).check_clashes([
        other("s-2", at_two + 60 * MINUTE), other("s-3", at_two - 60 * MINUTE),
        other("s-4", at_two, status="ended"), scheduled(at_two)])  # the same session is no clash with itself


def test_a_live_session_clashes_from_when_it_actually_started():
    at_two = NOW + dt.timedelta(hours=2)
    early = other("s-2", at_two + 65 * MINUTE, status="live")  # due just after ours ends, but started early
    early.started_at = at_two + 50 * MINUTE
    with pytest.raises(sessions.SessionClash):
        scheduled(at_two).check_clashes([early])


def test_a_live_session_overruns_only_past_its_planned_end_and_the_grace():
    session = live()
    due = session.started_at + dt.timedelta(minutes=60)
    assert session.planned_end == due
    assert not session.overran(due + sessions.OVERRUN_GRACE)
    with pytest.raises(SessionStateError):
        session.end_overrun(due + sessions.OVERRUN_GRACE)
    assert session.overran(due + sessions.OVERRUN_GRACE + MINUTE)
    assert not scheduled().overran(NOW + dt.timedelta(days=1))  # not started: nothing to end


def test_an_overrun_session_ends_as_of_its_planned_end():
    session = live()
    session.end_overrun(session.planned_end + dt.timedelta(hours=5))
    assert session.status == "ended" and session.ended_at == session.started_at + dt.timedelta(minutes=60)
    assert session.duration_seconds == 3600
    assert ended_event_data(session, ["a"])["duration_seconds"] == 3600


def test_a_scheduled_session_never_started_lapses_after_its_planned_end_and_the_grace():
    session = scheduled()
    due = session.starts_at + dt.timedelta(minutes=60)
    assert not session.lapsed(due + sessions.OVERRUN_GRACE) and not live().lapsed(NOW + dt.timedelta(days=1))
    with pytest.raises(SessionStateError):
        session.call_off_lapsed(due)
    session.call_off_lapsed(due + sessions.OVERRUN_GRACE + MINUTE)
    assert (session.status, session.ended_at, session.duration_seconds) == (
        "cancelled", due + sessions.OVERRUN_GRACE + MINUTE, 0)
