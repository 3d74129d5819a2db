"""Unit tests of the facilitation script library on in-memory fakes: the seeded scripts, the rules of a script and
of which session may use it, reading and keeping the library, and sessions that name a script."""
import datetime as dt

import pytest
from room_unit_helpers import CIRCLE, LOUNGE, START, TEEN_LOUNGE

from room_service.domain import errors
from room_service.domain.scripts import (
    ON_SPOT_CHECK_IN,
    SESSION_TYPES,
    SHARING_CIRCLE,
    SUPPORT_SESSION,
    Script,
    script_from,
)
from room_service.seed import STARTER_SCRIPTS

IN_AN_HOUR = START + dt.timedelta(hours=1)


def spec(**fields) -> dict:
    return {"script_id": "grief-check-in", "session_type": SUPPORT_SESSION, "audience_cohort": "adult",
            "title": "Grief check-in", "opening": "Welcome.", "prompts": ["Who are you remembering today?"],
            "closing": "Thank you."} | fields


@pytest.fixture
def leader(identity):
    return identity.register("lea_leader", kind="listener", roles=["support_session_leader"])


@pytest.fixture
def host(identity, conv):
    person = identity.register("hal_host", kind="listener", roles=["on_spot_host"])
    conv.join(person, LOUNGE)
    return person


class TestTheSeededLibrary:
    def test_every_session_type_has_an_adult_and_a_teen_script(self):
        have = {(s.session_type, s.audience_cohort) for s in STARTER_SCRIPTS}
        assert {(t, c) for t in SESSION_TYPES for c in ("adult", "teen")} <= have

    def test_the_sharing_circle_opens_and_closes_with_its_words(self):
        circle = next(s for s in STARTER_SCRIPTS if s.script_id == "sharing-circle-adult")
        assert "what is shared here stays here" in circle.opening
        assert "raise your hand" in circle.opening  # how turns are taken in the circle (domain/circle.py)
        assert "what was shared here stays here" in circle.closing

    def test_teen_versions_ask_for_no_personal_details_and_point_to_a_trusted_adult(self):
        for script in STARTER_SCRIPTS:
            if script.audience_cohort == "teen":
                assert "trusted adult" in script.opening, script.script_id


class TestScriptRules:
    def test_texts_are_trimmed_and_prompts_kept_in_order(self):
        script = script_from(spec(title="  Grief check-in ", prompts=[" one ", "two"]), "seed", None)
        assert script.title == "Grief check-in" and script.prompts == ("one", "two")

    @pytest.mark.parametrize(("fields", "named"), [
        ({"script_id": "Not A Slug"}, "script_id"),
        ({"session_type": "party"}, "session_type"),
        ({"audience_cohort": "kids"}, "audience_cohort"),
        ({"title": "x"}, "title"),
        ({"opening": "  "}, "opening"),
        ({"closing": "x" * 2001}, "closing"),
        ({"prompts": []}, "prompts"),
        ({"prompts": ["fine", ""]}, r"prompts\[1\]"),
    ])
    def test_a_malformed_script_is_refused_naming_the_field(self, fields, named):
        with pytest.raises(errors.InvalidScript, match=named):
            script_from(spec(**fields), "seed", None)

    def test_which_sessions_may_use_a_script(self):
        def script(**fields) -> Script:
            return script_from(spec(**fields), "seed", None)

        script(audience_cohort="any").check_fits("grief", "teen", "scheduled")
        with pytest.raises(errors.UnknownScript, match="'grief-check-in' is written for teen rooms"):
            script(audience_cohort="teen").check_fits("grief", "adult", "scheduled")
        script(session_type=SHARING_CIRCLE).check_fits("sharing-circle", "adult", "scheduled")
        with pytest.raises(errors.UnknownScript, match="for Sharing Circle rooms"):
            script(session_type=SHARING_CIRCLE).check_fits("grief", "adult", "scheduled")
        script(session_type=ON_SPOT_CHECK_IN).check_fits("grief", "adult", "unplanned")
        with pytest.raises(errors.UnknownScript, match="On-spot Host opens on the spot"):
            script(session_type=ON_SPOT_CHECK_IN).check_fits("grief", "adult", "scheduled")


class TestTheLibrary:
    def test_listed_by_title_filtered_by_session_type_and_cohort(self, sessions):
        listed = sessions.scripts.list()
        assert [s["title"] for s in listed] == sorted(s.title for s in STARTER_SCRIPTS)
        circles = sessions.scripts.list(session_type=SHARING_CIRCLE)
        assert {s["script_id"] for s in circles} == {"sharing-circle-adult", "sharing-circle-teen"}
        teen = sessions.scripts.list(cohort="teen")
        assert teen and {s["audience_cohort"] for s in teen} == {"teen"}

    def test_a_bad_filter_is_refused(self, sessions, refused):
        with refused(errors.InvalidScript, match="session_type"):
            sessions.scripts.list(session_type="party")
        with refused(errors.InvalidScript, match="cohort"):
            sessions.scripts.list(cohort="kids")

    def test_one_script_read_whole(self, sessions, refused):
        script = sessions.scripts.get("support-session-adult")
        assert script["session_type"] == SUPPORT_SESSION and len(script["prompts"]) >= 3
        with refused(errors.ScriptNotFound, match="no-such-script"):
            sessions.scripts.get("no-such-script")

    def test_an_admin_adds_and_replaces_a_script(self, sessions, admin, clock):
        added = sessions.scripts.put(admin, spec())
        assert added["created"] and added["updated_by"] == admin and added["updated_at"] == clock()
        replaced = sessions.scripts.put(admin, spec(title="Grief check-in, revised"))
        assert not replaced["created"]
        assert sessions.scripts.get("grief-check-in")["title"] == "Grief check-in, revised"

    def test_only_admins_keep_the_library(self, sessions, leader, refused):
        with refused(errors.NotAdmin, match="facilitation scripts"):
            sessions.scripts.put(leader, spec())

    def test_seeding_adds_what_is_missing_and_keeps_an_admins_edit(self, sessions, admin):
        sessions.scripts.put(admin, spec(script_id="sharing-circle-adult", session_type=SHARING_CIRCLE))
        assert sessions.scripts.seed(STARTER_SCRIPTS) == 0
        assert sessions.scripts.get("sharing-circle-adult")["title"] == "Grief check-in"


class TestSessionsWithAScript:
    def test_a_scheduled_session_keeps_its_script_and_reports_it_when_it_starts_and_ends(
            self, conv, sessions, leader, identity, clock, published):
        member = identity.register("mo")
        session = sessions.schedule(leader, CIRCLE, "Evening circle", IN_AN_HOUR, 60,
                                    script_id="sharing-circle-adult")
        assert session["script_id"] == "sharing-circle-adult"
        for person in (leader, member):
            conv.join(person, CIRCLE)
        clock.advance(minutes=50)
        sessions.start(leader, session["session_id"])
        clock.advance(minutes=60)
        sessions.end(leader, session["session_id"])
        reported = {e.type: e.data.get("script_id") for e in published if e.type.startswith("session_")}
        assert reported == {"session_started": "sharing-circle-adult", "session_ended": "sharing-circle-adult"}

    def test_a_session_without_a_script_reports_none(self, conv, sessions, host, published):
        session = sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30)
        sessions.end(host, session["session_id"])
        assert all("script_id" not in e.data for e in published if e.type.startswith("session_"))

    def test_an_unplanned_check_in_with_its_script(self, sessions, host):
        session = sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30, script_id="on-spot-check-in")
        assert session["script_id"] == "on-spot-check-in"

    def test_an_unknown_script_is_refused_naming_it(self, sessions, leader, host, refused):
        with refused(errors.UnknownScript, match="no-such-script"):
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, script_id="no-such-script")
        with refused(errors.UnknownScript, match="no-such-script"):
            sessions.start_unplanned(host, LOUNGE, "Drop-in chat", 30, script_id="no-such-script")

    def test_a_script_not_meant_for_the_room_is_refused(self, sessions, leader, identity, refused):
        with refused(errors.UnknownScript, match="'support-session-teen' is written for teen rooms"):
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, script_id="support-session-teen")
        with refused(errors.UnknownScript, match="Sharing Circle rooms"):
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, script_id="sharing-circle-adult")
        teen_leader = identity.register("tia", cohort="teen", kind="listener", roles=["support_session_leader"])
        with refused(errors.UnknownScript, match="written for adult rooms"):
            sessions.schedule(teen_leader, TEEN_LOUNGE, "Evening check-in", IN_AN_HOUR, 60,
                              script_id="support-session-adult")
        assert sessions.schedule(teen_leader, TEEN_LOUNGE, "Evening check-in", IN_AN_HOUR, 60,
                                 script_id="support-session-teen")["script_id"] == "support-session-teen"

    def test_a_retry_with_its_key_and_script_gets_the_first_session(self, sessions, leader, refused):
        first = sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, "key-1",
                                  script_id="support-session-adult")
        assert sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, "key-1",
                                 script_id="support-session-adult") == first
        with refused(errors.FailedPrecondition):  # the same key with another script is another request
            sessions.schedule(leader, LOUNGE, "Evening check-in", IN_AN_HOUR, 60, "key-1")
