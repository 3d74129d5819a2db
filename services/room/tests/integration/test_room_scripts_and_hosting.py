"""Integration: the script library, sessions that name a script, and the sessions a leader hosted, on the real
PostgreSQL (the repositories' SQL; the rules are unit-tested)."""
import dataclasses
import datetime as dt
import types
import uuid

import pytest
from room_integration_helpers import Clock, register

from hearth_common import testing
from room_service.adapters.repository import uow_factory
from room_service.domain.scripts import script_from
from room_service.seed import STARTER_SCRIPTS
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.sessions import Sessions

LOUNGE = "adult-community-lounge"  # always open, topic community
CIRCLE = "adult-sharing-circle"    # facilitated Sharing Circle
MINDFUL = "adult-mindful-moments"  # always open, topic mindfulness
UTC = dt.timezone.utc
outbox = testing.outbox_data


@pytest.fixture
def w(rooms, room_engine):
    clock = Clock()
    conversation = Conversation(uow_factory(room_engine), clock=clock, live=[].extend)
    return types.SimpleNamespace(rooms=rooms, conv=conversation, sessions=Sessions(conversation), clock=clock,
                                 engine=room_engine, uow=uow_factory(room_engine))


# --- the library --------------------------------------------------------------------------------


def test_the_seeded_library_reads_back_whole(w):
    with w.uow() as uow:
        for seeded in STARTER_SCRIPTS:
            stored = uow.scripts.get(seeded.script_id)
            assert dataclasses.astuple(stored) == dataclasses.astuple(seeded)
        assert uow.scripts.get("no-such-script") is None


def test_room_migrate_seeds_the_library_once(w, room_settings):
    from room_service.entrypoints.migrate import migrate

    for _ in range(2):
        migrate(room_settings)
    with w.uow() as uow:
        assert [s.script_id for s in uow.scripts.list(None, None)] == [
            s.script_id for s in sorted(STARTER_SCRIPTS, key=lambda s: (s.title, s.script_id))]


def test_listing_filters_by_session_type_and_cohort_with_scripts_for_any(w):
    with w.uow() as uow:
        uow.scripts.put(script_from({"script_id": "any-support", "session_type": "support_session",
                                     "audience_cohort": "any", "title": "A support session for all",
                                     "opening": "Hello.", "prompts": ["How are you?"], "closing": "Bye."},
                                    "seed", None))
        uow.commit()
    with w.uow() as uow:
        teen_support = uow.scripts.list("support_session", "teen")
        everything = uow.scripts.list(None, None)
    assert [s.script_id for s in teen_support] == ["any-support", "support-session-teen"]  # by title
    assert len(everything) == len(STARTER_SCRIPTS) + 1


def test_put_says_whether_it_was_new_and_seeding_keeps_an_edit(w):
    admin = register(w.rooms, kind="listener", roles=["admin"])
    edit = {"script_id": "sharing-circle-adult", "session_type": "sharing_circle", "audience_cohort": "adult",
            "title": "Sharing Circle, as we say it here", "opening": "Welcome, friends.",
            "prompts": ["How are you arriving?", "What would you like to share?"], "closing": "Thank you."}
    assert w.sessions.scripts.put(admin, edit)["created"] is False
    assert w.sessions.scripts.put(admin, edit | {"script_id": "our-circle"})["created"] is True
    assert w.sessions.scripts.seed(STARTER_SCRIPTS) == 0
    stored = w.sessions.scripts.get("sharing-circle-adult")
    assert stored["title"] == "Sharing Circle, as we say it here" and stored["updated_by"] == admin
    assert stored["prompts"] == edit["prompts"] and stored["updated_at"] == w.clock()


def test_a_session_stores_its_script_and_its_events_carry_it(w):
    leader = register(w.rooms, kind="listener", roles=["support_session_leader"])
    member = register(w.rooms)
    session = w.sessions.schedule(leader, CIRCLE, "Evening circle", w.clock() + dt.timedelta(minutes=10), 60,
                                  script_id="sharing-circle-adult")
    w.sessions.start(leader, session["session_id"])
    w.conv.join(member, CIRCLE)  # the circle is open while its session is live
    w.clock.advance(minutes=30)
    w.sessions.end(leader, session["session_id"])
    [listed] = w.sessions.list(member, CIRCLE, include_past=True)
    assert listed["script_id"] == "sharing-circle-adult"
    assert [e["script_id"] for e in outbox(w.engine, "session_started")] == ["sharing-circle-adult"]
    assert [e["script_id"] for e in outbox(w.engine, "session_ended")] == ["sharing-circle-adult"]


# --- sessions hosted ----------------------------------------------------------------------------


def test_hosted_by_reads_the_leaders_ended_sessions_within_the_span_with_team_and_attendance(w):
    leader, other_leader = (register(w.rooms, kind="listener", roles=["on_spot_host"]) for _ in range(2))
    members = [register(w.rooms) for _ in range(2)]

    def run(host, slug, minutes, guests):
        for person in (host, *guests):
            w.conv.join(person, slug)
        session = w.sessions.start_unplanned(host, slug, "Drop-in chat", 60)
        w.clock.advance(minutes=minutes)
        w.sessions.end(host, session["session_id"])
        for person in (host, *guests):
            w.conv.leave(person, slug)
        return session["session_id"]

    start = w.clock()
    first = run(leader, LOUNGE, 40, members)
    second = run(leader, MINDFUL, 20, [])
    run(other_leader, LOUNGE, 30, members)
    w.conv.join(leader, LOUNGE)
    w.sessions.start_unplanned(leader, LOUNGE, "Still live", 60)  # not ended: not hosted yet
    with w.uow() as uow:
        found = uow.sessions.hosted_by(leader, start - dt.timedelta(days=1), start + dt.timedelta(days=1))
        before = uow.sessions.hosted_by(leader, start - dt.timedelta(days=1), start)
        from_the_second = uow.sessions.hosted_by(leader, start + dt.timedelta(minutes=41), start + dt.timedelta(days=1))
    assert [(h.session_id, h.team, h.others_attending, h.ended_at - h.started_at) for h in found] == [
        (first, "community", 2, dt.timedelta(minutes=40)), (second, "mindfulness", 0, dt.timedelta(minutes=20))]
    assert before == [] and [h.session_id for h in from_the_second] == [second]


def test_figures_for_a_month_on_the_database(w):
    leader = register(w.rooms, kind="listener", roles=["on_spot_host"])
    member = register(w.rooms)
    w.clock.now = dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # across the month's end
    for person in (leader, member):
        w.conv.join(person, LOUNGE)
    session = w.sessions.start_unplanned(leader, LOUNGE, "Late drop-in", 60)
    w.clock.advance(minutes=50)
    w.sessions.end(leader, session["session_id"])
    march, april = (w.sessions.hosting.figures(leader, month=m) for m in ("2026-03", "2026-04"))
    assert (march["minutes_hosted"], april["minutes_hosted"]) == (30, 20)
    assert [s["session_id"] for s in march["sessions"]] == [session["session_id"]]
    assert w.sessions.hosting.figures(leader, month="2026-05")["sessions"] == []
    assert str(uuid.UUID(session["session_id"])) == session["session_id"]
