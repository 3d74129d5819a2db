"""Unit: warnings and the strike ladder, sanctions (mute, ban, kick, message removal, an exchange's mute), lifting
them early or at their end, and a person's record, on the fakes."""
import datetime as dt

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from hearth_common.contracts import moderation as contract
from hearth_common.contracts.identity import SUPPORT_SESSION_LEADER
from moderation_service.domain.errors import NotPermitted


@pytest.fixture(autouse=True)
def sessions_in_world(world, sanctions):
    world.sessions = sanctions


@pytest.fixture
def cast(world):
    """A moderator of ROOM, an admin, and a member in ROOM."""
    return {"mod": world.moderator("mod_mia"), "admin": world.admin(), "sam": world.member("sam")}


def of_type(published, event_type):
    return [e.data for e in published if e.type == event_type]


def notices(published, person_id):
    return [e for e in of_type(published, "notice_issued") if e["person_id"] == person_id]


def test_a_warning_tells_the_person_the_reason_and_the_next_step_of_the_ladder(sanctions, cast, published, db):
    warning = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", "Please be gentle with newcomers.", ROOM)
    assert (warning["reason"], warning["tier"], warning["active_warnings"], warning["sanction"]) == (
        "unkind", "minor", 1, None)
    [issued] = of_type(published, "warning_issued")
    assert (issued["person_id"], issued["reason"], issued["active_warnings"]) == (cast["sam"], "unkind", 1)
    [notice] = notices(published, cast["sam"])
    assert notice["kind"] == "warning" and notice["room_slug"] == ROOM
    assert "Unkind or unsupportive" in notice["text"] and "Please be gentle" in notice["text"]
    assert "At 3 active warnings you get a mute from every room for 24 hours" in notice["text"]
    [entry] = db.tables["audit_log"].values()
    assert (entry.action, entry.actor_id, entry.target_id, entry.subject_ref) == (
        "warning_issued", cast["mod"], cast["sam"], warning["id"])


def test_the_third_active_warning_mutes_for_24_hours_in_the_same_transaction(sanctions, cast, published, clock, db):
    sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    second = sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM)
    assert "Your next warning brings a mute from every room for 24 hours" in notices(published, cast["sam"])[-1]["text"]
    commits = db.commits
    third = sanctions.issue_warning(cast["mod"], cast["sam"], "abusive_language", None, ROOM)
    assert db.commits == commits + 1  # warning, mute, events, notices and audit entries: one transaction
    mute = third["sanction"]
    assert (third["active_warnings"], mute["kind"], mute["room_slug"], mute["source"]) == (3, "mute", None, "ladder")
    assert mute["expires_at"] == clock.now + dt.timedelta(hours=24) and mute["warning_id"] == third["id"]
    [imposed] = of_type(published, "sanction_imposed")
    assert contract.SanctionImposed(**{**imposed, "expires_at": dt.datetime.fromisoformat(imposed["expires_at"])})
    assert (imposed["sanction_id"], imposed["kind"], imposed["room_slug"]) == (mute["id"], "mute", None)
    assert "you are muted in every room for 24 hours" in notices(published, cast["sam"])[-2]["text"]
    assert second["sanction"] is None


def test_warnings_expire_by_their_reasons_tier(sanctions, cast, clock):
    sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)            # minor: 30 days
    clock.advance(minutes=1)
    sanctions.issue_warning(cast["mod"], cast["sam"], "contact_details", None, ROOM)   # serious: 90 days
    clock.advance(days=31)
    third = sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM)
    assert third["active_warnings"] == 2 and third["sanction"] is None
    record = sanctions.record(cast["mod"], cast["sam"])
    assert [w["counts"] for w in record["warnings"]] == [True, True, False]
    clock.advance(days=60)
    assert sanctions.record(cast["mod"], cast["sam"])["active_warnings"] == 0


def test_a_later_rung_bans_for_a_time(sanctions, cast, clock, published):
    for _ in range(4):
        sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM)
    fifth = sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM)
    assert (fifth["sanction"]["kind"], fifth["sanction"]["expires_at"]) == ("ban", clock.now + dt.timedelta(days=7))


def test_voiding_a_warning_recounts_and_lifts_the_mute_it_brought(sanctions, world, cast, published):
    other_mod = world.moderator("mod_max")
    warnings = [sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM) for _ in range(3)]
    mute_id = warnings[2]["sanction"]["id"]
    with pytest.raises(NotPermitted, match="another moderator"):
        sanctions.void_warning(cast["mod"], warnings[2]["id"], "my mistake")
    voided = sanctions.void_warning(other_mod, warnings[2]["id"], "overturned on appeal")
    assert (voided["counts"], voided["active_warnings"], voided["voided_by"]) == (False, 2, other_mod)
    assert of_type(published, "warning_voided")[0]["active_warnings"] == 2
    assert of_type(published, "sanction_lifted") == [{"sanction_id": mute_id, "person_id": cast["sam"]}]
    [mute] = [s for s in sanctions.record(cast["admin"], cast["sam"])["sanctions"] if s["id"] == mute_id]
    assert (mute["status"], mute["in_force"]) == ("lifted", False)
    with pytest.raises(errors.FailedPrecondition, match="voided already"):
        sanctions.void_warning(cast["admin"], warnings[2]["id"], "again")


def test_the_worker_loop_is_told_when_the_next_sanction_ends(sanctions, cast, clock):
    """end_due_until_next: the worker's loop sleeps until the earliest mute or ban ends; a lifted one, or one
    without an end, is nothing to wait for."""
    assert sanctions.end_due_until_next() is None
    sanctions.impose(cast["mod"], cast["sam"], "ban", ROOM, None, "flooding the room")  # until lifted
    assert sanctions.end_due_until_next() is None
    short = sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 10, "flooding the room")
    sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 30, "flooding the room")
    clock.advance(minutes=4)
    assert sanctions.end_due_until_next() == 6 * 60
    clock.advance(minutes=6)
    assert sanctions.end_due_until_next() == 20 * 60  # the 10-minute mute ended on the way
    assert [s["status"] for s in sanctions.record(cast["mod"], cast["sam"])["sanctions"]
            if s["id"] == short["id"]] == ["expired"]


def test_a_timed_mute_ends_itself_and_the_person_is_told(sanctions, cast, clock, published, db):
    mute = sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 30, "flooding the room")
    assert (mute["room_slug"], mute["expires_at"], mute["in_force"]) == (ROOM, clock.now + dt.timedelta(minutes=30),
                                                                        True)
    assert sanctions.end_due() == 0
    clock.advance(minutes=30)
    assert sanctions.end_due() == 1 and sanctions.end_due() == 0
    [ended] = [s for s in sanctions.record(cast["mod"], cast["sam"])["sanctions"]]
    assert (ended["status"], ended["in_force"]) == ("expired", False)
    assert notices(published, cast["sam"])[-1]["text"] == f"Your mute in {ROOM} has ended."
    assert of_type(published, "sanction_lifted") == []  # room honours expires_at by itself
    assert [e.action for e in db.tables["audit_log"].values()][-1] == "sanction_expired"


@pytest.mark.parametrize("kind, minutes, refusal", [
    ("mute", 0, "duration_minutes must be 1 to 40320 minutes for a mute"),
    ("mute", 28 * 24 * 60 + 1, "duration_minutes must be 1 to 40320"),
    ("mute", None, "duration_minutes must be a whole number"),
    ("ban", 0, "duration_minutes must be 1 to"),
    ("warn", 10, "kind must be mute or ban"),
])
def test_durations_and_kinds_are_validated_naming_the_field(sanctions, cast, kind, minutes, refusal):
    with pytest.raises(errors.InvalidArgument, match=refusal):
        sanctions.impose(cast["admin"], cast["sam"], kind, ROOM, minutes, "reason")


def test_a_global_ban_until_lifted_and_lifted_early_with_a_reason(sanctions, cast, published):
    ban = sanctions.impose(cast["admin"], cast["sam"], "ban", None, None, "threats")
    [imposed] = of_type(published, "sanction_imposed")
    assert (imposed["kind"], imposed["room_slug"], imposed["expires_at"]) == ("ban", None, None)
    with pytest.raises(NotPermitted):
        sanctions.lift(cast["mod"], ban["id"], "seems fine now")  # a global ban is an admin's to lift
    lifted = sanctions.lift(cast["admin"], ban["id"], "apologised and agreed to the guidelines")
    assert (lifted["status"], lifted["lift_reason"]) == ("lifted", "apologised and agreed to the guidelines")
    assert of_type(published, "sanction_lifted") == [{"sanction_id": ban["id"], "person_id": cast["sam"]}]
    assert "lifted early" in notices(published, cast["sam"])[-1]["text"]
    with pytest.raises(errors.FailedPrecondition, match="not in force"):
        sanctions.lift(cast["admin"], ban["id"], "again")


def test_a_kick_and_a_message_removal_go_to_room_through_room_actions(sanctions, world, cast, runner, room):
    message_id = world.post(cast["sam"], "add me on snap")
    removal = sanctions.remove_message(cast["mod"], message_id, "no contact details")
    kick = sanctions.kick(cast["mod"], ROOM, cast["sam"], "please take a break")
    assert (removal["kind"], removal["status"], kick["kind"], kick["status"]) == (
        "message_removal", "done", "kick", "done")
    assert room.removed == [] and room.removed_people == []  # nothing called from the use case
    runner.run_due()
    assert room.removed == [(message_id, cast["mod"], "no contact details")]
    assert room.removed_people == [(ROOM, cast["sam"], cast["mod"], "please take a break")]


def test_a_kick_needs_the_person_in_the_room(sanctions, world, cast):
    world.leave(cast["sam"])
    with pytest.raises(errors.FailedPrecondition, match="not in"):
        sanctions.kick(cast["mod"], ROOM, cast["sam"], "please take a break")


def test_muting_an_exchange_mutes_everyone_named_all_or_none(sanctions, world, cast, published, clock):
    alex = world.member("alex")
    muted = sanctions.mute_exchange(cast["mod"], ROOM, [cast["sam"], alex], 10, "cool off, both of you")
    assert {m["person_id"] for m in muted} == {cast["sam"], alex}
    assert len({m["exchange_id"] for m in muted}) == 1
    assert all(m["expires_at"] == clock.now + dt.timedelta(minutes=10) for m in muted)
    assert len(of_type(published, "sanction_imposed")) == 2
    elsewhere = world.member("elsewhere", OTHER_ROOM)
    with pytest.raises(errors.FailedPrecondition, match="is not in"):
        sanctions.mute_exchange(cast["mod"], ROOM, [cast["sam"], elsewhere], 10, "cool off")
    with pytest.raises(errors.InvalidArgument, match="person_ids must name 2 to 10"):
        sanctions.mute_exchange(cast["mod"], ROOM, [cast["sam"]], 10, "cool off")
    with pytest.raises(errors.InvalidArgument, match="duration_minutes must be 1 to 60"):
        sanctions.mute_exchange(cast["mod"], ROOM, [cast["sam"], alex], 61, "cool off")
    assert len(of_type(published, "sanction_imposed")) == 2


def test_a_persons_record_lists_active_and_past_warnings_and_sanctions(sanctions, cast, clock):
    sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 5, "flooding")
    clock.advance(minutes=10)
    sanctions.end_due()
    record = sanctions.record(cast["mod"], cast["sam"])
    assert record["active_warnings"] == 1 and "At 3 active warnings" in record["next_step"]
    assert [(s["kind"], s["status"]) for s in record["sanctions"]] == [("mute", "expired")]
    with pytest.raises(NotPermitted):
        sanctions.record(cast["sam"], cast["sam"])


def test_an_idempotency_key_makes_a_retry_change_nothing(sanctions, cast, published):
    first = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM, idempotency_key="warn-1")
    again = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM, idempotency_key="warn-1")
    assert first == again and len(of_type(published, "warning_issued")) == 1
    with pytest.raises(errors.FailedPrecondition, match="different"):
        sanctions.issue_warning(cast["mod"], cast["sam"], "spam", None, ROOM, idempotency_key="warn-1")


@pytest.mark.parametrize("call, refusal", [
    (lambda s, c: s.issue_warning(c["mod"], "not-a-uuid", "unkind"), "person_id"),
    (lambda s, c: s.issue_warning(c["mod"], c["sam"], "rude"), "reason must be one of"),
    (lambda s, c: s.issue_warning(c["mod"], c["sam"], "unkind", "x" * 501), "note must be at most 500"),
    (lambda s, c: s.issue_warning(c["mod"], c["sam"], "unkind", None, "Bad Slug!"), "room_slug"),
    (lambda s, c: s.impose(c["mod"], c["sam"], "mute", ROOM, 5, "  "), "reason is required"),
    (lambda s, c: s.kick(c["mod"], ROOM, c["sam"], ""), "reason is required"),
    (lambda s, c: s.lift(c["mod"], "nope", "why"), "sanction_id"),
    (lambda s, c: s.void_warning(c["mod"], "nope", "why"), "warning_id"),
])
def test_malformed_requests_are_refused_naming_the_field(sanctions, cast, call, refusal):
    with pytest.raises(errors.InvalidArgument, match=refusal):
        call(sanctions, cast)


def test_unknown_people_sanctions_and_warnings_are_not_found_for_those_who_may_act(sanctions, cast):
    unknown = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(errors.NotFound):
        sanctions.issue_warning(cast["mod"], unknown, "unkind", None, ROOM)
    with pytest.raises(errors.NotFound):
        sanctions.lift(cast["mod"], unknown, "why")
    with pytest.raises(NotPermitted):  # a member learns nothing of who exists
        sanctions.issue_warning(cast["sam"], unknown, "unkind", None, ROOM)


def test_a_ladder_ban_is_capped_at_what_the_warner_may_impose(sanctions, cast, world, db):
    """The 5th active warning bans for 7 days (the default ladder). A warning is no way around the matrix: a room's
    moderator's 5th warning bans from their room only; a session leader, who may not ban at all, bans nobody, and
    the audit log says the rung was not imposed, for an admin to decide."""
    for reason in ("unkind", "spam", "unkind", "spam"):
        sanctions.issue_warning(cast["admin"], cast["sam"], reason, None, ROOM)
    fifth = sanctions.issue_warning(cast["mod"], cast["sam"], "abusive_language", None, ROOM)
    assert (fifth["sanction"]["kind"], fifth["sanction"]["room_slug"]) == ("ban", ROOM)

    leader = world.person("leader_lou", kind="listener")
    world.grant(leader, SUPPORT_SESSION_LEADER)
    world.start_session(leader, ROOM)
    alex = world.member("alex")
    for reason in ("unkind", "spam", "unkind", "spam"):
        sanctions.issue_warning(cast["admin"], alex, reason, None, ROOM)
    by_leader = sanctions.issue_warning(leader, alex, "abusive_language", None, ROOM)
    assert by_leader["sanction"] is None
    assert "ladder_rung_not_imposed" in [e.action for e in db.rows("audit_log") if e.target_id == alex]
    assert not [s for s in db.rows("sanctions") if s.person_id == alex and s.kind == "ban"]


def test_voiding_a_warning_that_brought_a_ban_on_every_room_takes_one_who_may_lift_that_ban(sanctions, cast, world):
    for reason in ("unkind", "spam", "unkind", "spam", "abusive_language"):
        last = sanctions.issue_warning(cast["admin"], cast["sam"], reason, None, ROOM)
    assert (last["sanction"]["kind"], last["sanction"]["room_slug"]) == ("ban", None)
    with pytest.raises(NotPermitted, match="would lift the ban it brought in every room"):
        sanctions.void_warning(cast["mod"], last["id"], "it was a quote")
    assert sanctions.void_warning(world.admin("admin_two"), last["id"], "it was a quote")["voided_at"] is not None


def test_a_teens_record_is_refused_to_an_adult_moderator_exactly_as_an_unknown_persons(sanctions, cast, world):
    """With a person id from GetPerson, a cross-cohort refusal would tell an adult moderator that the person is a
    teen (issue 17 §2): the answer for a teen's id and for an id moderation does not know is the same."""
    teen = world.member("tia_teen", "teen-chat", cohort="teen")
    stranger = "00000000-0000-4000-8000-000000000017"

    def refusal(person_id):
        with pytest.raises(errors.DomainError) as refused:
            sanctions.record(cast["mod"], person_id)
        return type(refused.value), str(refused.value).replace(person_id, "<id>")

    assert refusal(teen) == refusal(stranger)
    assert issubclass(refusal(teen)[0], errors.NotFound)
    assert sanctions.record(cast["admin"], teen)["person_id"] == teen
    assert sanctions.record(world.moderator("mod_tess", "teen-chat", cohort="teen"), teen)["person_id"] == teen
