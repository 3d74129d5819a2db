"""Unit: appeals (issue 14 section 6) on the fakes: a person appeals their own warning, mute or ban once; another
moderator than the one who acted (or an admin), whom the permission matrix lets undo it, decides it; an overturn
voids the warning (the ladder recounted, the mute it brought lifted) or lifts the sanction in the decision's
transaction; the person is told either way; the audit log and the moderator's figures record it."""
import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from hearth_common.contracts import moderation as contract
from hearth_common.contracts.identity import SUPPORT_SESSION_LEADER
from moderation_service.domain import audit


@pytest.fixture(autouse=True)
def sessions_in_world(world, sanctions):
    world.sessions = sanctions


@pytest.fixture
def cast(world):
    return {"mod": world.moderator("mod_mia"), "other_mod": world.moderator("mod_oli"), "admin": world.admin(),
            "sam": world.member("sam"), "alex": world.member("alex")}


def of_type(published, event_type):
    return [e.data for e in published if e.type == event_type]


def entries(db, action):
    return [e for e in db.tables["audit_log"].values() if e.action == action]


def three_warnings(sanctions, mod, person):
    return [sanctions.issue_warning(mod, person, reason, None, ROOM) for reason in ("unkind", "spam", "other")]


def test_overturning_the_warning_that_brought_the_mute_voids_it_lifts_the_mute_and_tells_the_person(
        sanctions, appeals, cast, published, db, audit_log):
    third = three_warnings(sanctions, cast["mod"], cast["sam"])[-1]
    mute = third["sanction"]
    appeal = appeals.file(cast["sam"], "warning", third["id"], "I was quoting someone, not being rude.", "a-1")
    assert (appeal["status"], appeal["what"], appeal["room_slug"], appeal["acted_by"]) == (
        "open", "warning", ROOM, None)  # the person is not shown who warned them
    [filed] = entries(db, "appeal_filed")
    assert (filed.source, filed.actor_id, filed.target_id, filed.subject_ref) == (
        audit.MEMBER, cast["sam"], cast["sam"], appeal["id"])

    commits = db.commits
    decided = appeals.decide(cast["other_mod"], appeal["id"], "overturned", "The quote was in context.", "d-1")
    assert db.commits == commits + 1  # the decision, the void, the lift, events and audit: one transaction
    assert (decided["status"], decided["decided_by"], decided["acted_by"]) == (
        "overturned", cast["other_mod"], cast["mod"])
    record = sanctions.record(cast["admin"], cast["sam"])
    assert record["active_warnings"] == 2
    assert [s["status"] for s in record["sanctions"]] == ["lifted"]
    [voided] = of_type(published, "warning_voided")
    assert (voided["warning_id"], voided["voided_by"], voided["active_warnings"]) == (
        third["id"], cast["other_mod"], 2)
    assert [e["sanction_id"] for e in of_type(published, "sanction_lifted")] == [mute["id"]]
    [event] = of_type(published, "appeal_decided")
    assert (event["appeal_id"], event["decision"], event["subject_kind"], event["decided_by"]) == (
        appeal["id"], "overturned", "warning", cast["other_mod"])
    assert contract.parse({**[e for e in published if e.type == "appeal_decided"][0].envelope("moderation"),
                           "seq": 1}).type == "appeal_decided"
    [told] = [n for n in of_type(published, "notice_issued") if n["kind"] == "appeal"]
    assert told["person_id"] == cast["sam"] and "overturned" in told["text"] and "in context" in told["text"]
    [overturned] = entries(db, audit.APPEAL_OVERTURNED)
    assert (overturned.actor_id, overturned.details[audit.OVERTURNED_ACTOR_KEY]) == (cast["other_mod"], cast["mod"])
    assert audit_log.figures(cast["admin"], cast["mod"])["appeals_overturned"] == 1
    assert audit_log.figures(cast["admin"], cast["other_mod"])["appeals_overturned"] == 0


def test_an_upheld_appeal_changes_nothing_but_the_person_is_told(sanctions, appeals, cast, published, db):
    third = three_warnings(sanctions, cast["mod"], cast["sam"])[-1]
    appeal = appeals.file(cast["sam"], "sanction", third["sanction"]["id"], "24 hours is too long.")
    decided = appeals.decide(cast["admin"], appeal["id"], "upheld", "Three warnings in a day.")
    assert decided["status"] == "upheld"
    record = sanctions.record(cast["admin"], cast["sam"])
    assert record["active_warnings"] == 3 and [s["in_force"] for s in record["sanctions"]] == [True]
    assert not of_type(published, "sanction_lifted") and not of_type(published, "warning_voided")
    [event] = of_type(published, "appeal_decided")
    assert (event["decision"], event["subject_kind"]) == ("upheld", "sanction")
    [told] = [n for n in of_type(published, "notice_issued") if n["kind"] == "appeal"]
    assert "stands" in told["text"] and "Three warnings in a day." in told["text"]
    [entry] = entries(db, "appeal_upheld")
    assert entry.details[audit.OVERTURNED_ACTOR_KEY] == cast["mod"] and not entries(db, audit.APPEAL_OVERTURNED)


def test_overturning_a_mute_lifts_it(sanctions, appeals, cast, published):
    mute = sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 60, "flooding")
    appeal = appeals.file(cast["sam"], "sanction", mute["id"], "I was pasting a poem I wrote.")
    appeals.decide(cast["other_mod"], appeal["id"], "overturned", "A poem, not flooding.")
    [sanction] = sanctions.record(cast["admin"], cast["sam"])["sanctions"]
    assert (sanction["status"], sanction["lifted_by"]) == ("lifted", cast["other_mod"])
    assert [e["sanction_id"] for e in of_type(published, "sanction_lifted")] == [mute["id"]]


def test_an_appeal_is_made_once(sanctions, appeals, cast):
    warning = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    first = appeals.file(cast["sam"], "warning", warning["id"], "please look again", "k-1")
    assert appeals.file(cast["sam"], "warning", warning["id"], "please look again", "k-1") == first  # a retry
    with pytest.raises(errors.FailedPrecondition, match="appealed already"):
        appeals.file(cast["sam"], "warning", warning["id"], "please look again")
    appeals.decide(cast["other_mod"], first["id"], "upheld", "It was unkind.")
    with pytest.raises(errors.FailedPrecondition, match="decided already"):
        appeals.decide(cast["admin"], first["id"], "overturned", "second thoughts")
    with pytest.raises(errors.FailedPrecondition, match="appealed already"):
        appeals.file(cast["sam"], "warning", warning["id"], "and again")


def test_another_persons_warning_or_sanction_reads_as_a_missing_one(sanctions, appeals, cast):
    warning = sanctions.issue_warning(cast["mod"], cast["alex"], "unkind", None, ROOM)
    mute = sanctions.impose(cast["mod"], cast["alex"], "mute", ROOM, 60, "flooding")
    missing = "0b7d4a8e-1c2f-4e3a-9b5d-6f7a8b9c0d1e"
    for kind, theirs in (("warning", warning["id"]), ("sanction", mute["id"])):
        with pytest.raises(errors.NotFound) as other:
            appeals.file(cast["sam"], kind, theirs, "not mine, but still")
        with pytest.raises(errors.NotFound) as none:
            appeals.file(cast["sam"], kind, missing, "nothing at all")
        assert str(other.value).replace(theirs, "<id>") == str(none.value).replace(missing, "<id>")


def test_kicks_removals_voided_warnings_and_lifted_sanctions_are_not_appealable(sanctions, appeals, cast, world):
    kick = sanctions.kick(cast["mod"], ROOM, cast["sam"], "cooling off")
    message_id = world.post(cast["sam"], "a rude message")
    removal = sanctions.remove_message(cast["mod"], message_id, "rude")
    for done in (kick, removal):
        with pytest.raises(errors.FailedPrecondition, match="done at once and cannot be appealed"):
            appeals.file(cast["sam"], "sanction", done["id"], "please")
    warning = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    sanctions.void_warning(cast["other_mod"], warning["id"], "a mistake")
    with pytest.raises(errors.FailedPrecondition, match="voided already"):
        appeals.file(cast["sam"], "warning", warning["id"], "please")
    mute = sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 60, "flooding")
    sanctions.lift(cast["other_mod"], mute["id"], "calmer now")
    with pytest.raises(errors.FailedPrecondition, match="lifted already"):
        appeals.file(cast["sam"], "sanction", mute["id"], "please")


def test_the_decider_is_another_moderator_the_matrix_lets_undo_it(sanctions, appeals, cast, world):
    warning = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    appeal = appeals.file(cast["sam"], "warning", warning["id"], "please look again")
    elsewhere = world.moderator("mod_eli", OTHER_ROOM)
    teen_mod = world.moderator("mod_tia", ROOM, cohort="teen")
    leader = world.person("leader_lou", kind="listener")
    world.grant(leader, SUPPORT_SESSION_LEADER)
    world.start_session(leader, ROOM)  # leaders may not void warnings (the matrix)
    for refused, why in ((cast["mod"], "not the one who acted"), (cast["sam"], "may not"),
                         (cast["alex"], "may not"), (elsewhere, "may not"), (leader, "may not")):
        with pytest.raises(errors.PermissionDenied, match=why):
            appeals.decide(refused, appeal["id"], "overturned", "no")
    with pytest.raises(errors.NotFound, match=f"no appeal {appeal['id']}"):  # the other cohort: as if none
        appeals.decide(teen_mod, appeal["id"], "overturned", "no")
    assert appeals.decide(cast["other_mod"], appeal["id"], "upheld", "stands")["status"] == "upheld"
    warned_mod = world.moderator("mod_max")  # a moderator's own appeal is another's to decide
    own = appeals.file(warned_mod, "warning",
                       sanctions.issue_warning(cast["admin"], warned_mod, "unkind", None, ROOM)["id"], "unfair")
    with pytest.raises(errors.PermissionDenied, match="themselves"):
        appeals.decide(warned_mod, own["id"], "overturned", "I disagree with myself")


@pytest.mark.parametrize("room", [ROOM, OTHER_ROOM])
def test_a_teens_appeal_is_answered_to_an_adult_moderator_as_one_that_does_not_exist(sanctions, appeals, cast,
                                                                                      world, room):
    """Holding the id of a teen's appeal tells an adult moderator nothing: the same NOT_FOUND and message as for an
    appeal id that does not exist, the id aside (issue 17 §2), in a room they moderate or not. A teen moderator
    decides it."""
    teen = world.member("tia", room, cohort="teen")
    teen_mod = world.moderator("mod_tia", room, cohort="teen")
    appeal = appeals.file(teen, "warning", sanctions.issue_warning(teen_mod, teen, "unkind", None, room)["id"],
                          "please look again")
    answers = []
    for appeal_id in (appeal["id"], "00000000-0000-4000-8000-000000000071"):
        with pytest.raises(errors.DomainError) as refused:
            appeals.decide(cast["mod"], appeal_id, "overturned", "no")
        answers.append((type(refused.value), str(refused.value).replace(appeal_id, "<id>")))
    assert answers[0] == answers[1] and issubclass(answers[0][0], errors.NotFound)
    assert appeals.decide(world.moderator("mod_tom", room, cohort="teen"), appeal["id"], "upheld",
                          "stands")["status"] == "upheld"


def test_an_admin_who_acted_may_decide_the_appeal_and_a_ban_needs_who_may_impose_it(sanctions, appeals, cast):
    ban = sanctions.impose(cast["admin"], cast["sam"], "ban", None, None, "threats")
    appeal = appeals.file(cast["sam"], "sanction", ban["id"], "I was hacked")
    with pytest.raises(errors.PermissionDenied):  # a global ban is the admins' (the matrix)
        appeals.decide(cast["other_mod"], appeal["id"], "overturned", "hacked")
    assert appeals.decide(cast["admin"], appeal["id"], "overturned", "hacked")["status"] == "overturned"


def test_a_moderator_lists_the_open_appeals_they_may_decide_and_a_person_their_own(sanctions, appeals, cast, world,
                                                                                   clock):
    elsewhere = world.moderator("mod_eli", OTHER_ROOM)
    bo = world.member("bo", OTHER_ROOM)
    in_room = appeals.file(cast["sam"], "warning",
                           sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)["id"], "one")
    clock.advance(minutes=1)
    other_room = appeals.file(bo, "warning",
                              sanctions.issue_warning(elsewhere, bo, "spam", None, OTHER_ROOM)["id"], "two")
    assert [a["id"] for a in appeals.list(cast["other_mod"], to_decide=True)] == [in_room["id"]]
    assert appeals.list(cast["mod"], to_decide=True) == []  # they acted on it
    assert [a["id"] for a in appeals.list(cast["admin"], to_decide=True)] == [in_room["id"], other_room["id"]]
    assert [a["id"] for a in appeals.list(cast["sam"])] == [in_room["id"]]
    assert appeals.list(cast["sam"])[0]["acted_by"] is None
    with pytest.raises(errors.PermissionDenied):
        appeals.list(cast["sam"], to_decide=True)
    appeals.decide(cast["other_mod"], in_room["id"], "upheld", "stands")
    assert appeals.list(cast["other_mod"], to_decide=True) == []
    assert appeals.list(cast["sam"])[0]["decided_by"] is None  # nor who decided


def test_malformed_appeals_and_decisions_name_the_field(sanctions, appeals, cast):
    warning = sanctions.issue_warning(cast["mod"], cast["sam"], "unkind", None, ROOM)
    for kind, subject, text, field in (("kick", warning["id"], "x", "subject_kind"), ("warning", "nope", "x",
                                       "subject_id"), ("warning", warning["id"], "", "text"),
                                       ("warning", warning["id"], "x" * 2001, "text")):
        with pytest.raises(errors.InvalidArgument, match=field):
            appeals.file(cast["sam"], kind, subject, text)
    appeal = appeals.file(cast["sam"], "warning", warning["id"], "please")
    for decision, reason, field in (("agree", "x", "decision"), ("upheld", "", "reason")):
        with pytest.raises(errors.InvalidArgument, match=field):
            appeals.decide(cast["other_mod"], appeal["id"], decision, reason)
    with pytest.raises(errors.NotFound):
        appeals.decide(cast["other_mod"], "0b7d4a8e-1c2f-4e3a-9b5d-6f7a8b9c0d1e", "upheld", "x")
    with pytest.raises(errors.PermissionDenied):  # who may decide nothing learns nothing
        appeals.decide(cast["alex"], "0b7d4a8e-1c2f-4e3a-9b5d-6f7a8b9c0d1e", "upheld", "x")


def test_the_matrix_scope_of_what_is_appealed_decides_who_may_decide(sanctions, appeals, cast, world, published):
    mute = three_warnings(sanctions, cast["mod"], cast["sam"])[-1]["sanction"]  # the ladder's: every room
    appeal = appeals.file(cast["sam"], "sanction", mute["id"], "24 hours is too long")
    with pytest.raises(errors.PermissionDenied, match="in every room"):
        appeals.decide(cast["other_mod"], appeal["id"], "overturned", "too long")  # covers one room only
    assert appeals.list(cast["other_mod"], to_decide=True) == []
    everywhere = world.moderator("mod_all", None)
    assert [a["id"] for a in appeals.list(everywhere, to_decide=True)] == [appeal["id"]]
    assert appeals.decide(everywhere, appeal["id"], "overturned", "too long")["status"] == "overturned"
    leader = world.person("leader_lou", kind="listener")
    world.grant(leader, SUPPORT_SESSION_LEADER)
    world.start_session(leader, ROOM)  # a live session's leader lifts mutes in its room (the matrix)
    room_mute = sanctions.impose(cast["mod"], cast["alex"], "mute", ROOM, 30, "flooding the session")
    in_session = appeals.file(cast["alex"], "sanction", room_mute["id"], "I was answering three people")
    assert [a["id"] for a in appeals.list(leader, to_decide=True)] == [in_session["id"]]
    assert appeals.decide(leader, in_session["id"], "overturned", "fair enough")["status"] == "overturned"


def test_a_kick_or_removal_notice_no_longer_offers_an_appeal_a_mute_still_does(sanctions, cast, published):
    sanctions.kick(cast["mod"], ROOM, cast["sam"], "cooling off")
    sanctions.impose(cast["mod"], cast["sam"], "mute", ROOM, 30, "flooding")
    kicked, muted = [n["text"] for n in of_type(published, "notice_issued") if n["person_id"] == cast["sam"]]
    assert "appeal" not in kicked and "You may appeal it once." in muted
