"""Unit: automod's rules (who manages which scope, validation naming the field, idempotent creation), the
versions of the whole set and their events, the test endpoint, and automod's flags on room's messages (once per
message and rule, never paced, counted in no person's accuracy, never for crisis)."""
from __future__ import annotations

import uuid

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common.automod import DEFAULT_RULES, RuleSet
from hearth_common.contracts import moderation as contract
from hearth_common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from moderation_service.domain.automod_rules import AUTOMOD

WORD = {"kind": "word", "pattern": "grapes", "action": "flag", "explanation": "No grapes here.",
        "scope": f"room:{ROOM}", "report_reason": "unkind"}


def changes(published) -> list[dict]:
    return [e.data for e in published if e.type == contract.AutomodRulesChanged.TYPE]


@pytest.fixture
def automod(service):
    return service.automod


@pytest.fixture
def admin(world):
    return world.admin()


# --- who manages what --------------------------------------------------------------------------------------------


def test_admins_manage_every_scope(automod, admin):
    for scope in ("all", "cohort:teen", f"room:{ROOM}"):
        made = automod.create_rule(admin, {**WORD, "scope": scope})
        assert made["rule"]["scope"] == scope and made["rule"]["manageable"]


def test_a_room_moderator_manages_only_rules_of_rooms_their_role_covers(automod, world, admin):
    moderator = world.moderator("mo_room", room=ROOM)
    made = automod.create_rule(moderator, WORD)
    assert made["rule"]["scope"] == f"room:{ROOM}"
    for scope in ("all", "cohort:adult", f"room:{OTHER_ROOM}"):
        with pytest.raises(PermissionDenied):
            automod.create_rule(moderator, {**WORD, "scope": scope})
    # nor may they move their rule out of their room, or touch a default rule
    with pytest.raises(PermissionDenied):
        automod.update_rule(moderator, made["rule"]["id"], {**WORD, "scope": "all"})
    with pytest.raises(PermissionDenied):
        automod.delete_rule(moderator, "default-spam")
    listed = {r["id"]: r["manageable"] for r in automod.list_rules(moderator)["rules"]}
    assert listed[made["rule"]["id"]] and not listed["default-spam"]
    assert automod.delete_rule(moderator, made["rule"]["id"])["version"] > made["version"]


def test_a_moderator_of_every_room_manages_any_room_but_not_all_rooms(automod, world):
    moderator = world.moderator("mo_all", room=None)
    assert automod.create_rule(moderator, {**WORD, "scope": f"room:{OTHER_ROOM}"})
    with pytest.raises(PermissionDenied):
        automod.create_rule(moderator, {**WORD, "scope": "all"})


def test_anyone_else_is_refused_every_call(automod, world):
    member = world.member("just_a_member")
    listener = world.person("a_host", kind="listener")
    world.grant(listener, "on_spot_host", ROOM)
    for person in (member, listener, "not-a-known-person"):
        with pytest.raises(PermissionDenied):
            automod.list_rules(person)
        with pytest.raises(PermissionDenied):
            automod.create_rule(person, WORD)
        with pytest.raises(PermissionDenied):
            automod.update_rule(person, "default-spam", WORD)
        with pytest.raises(PermissionDenied):
            automod.delete_rule(person, "default-spam")
        with pytest.raises(PermissionDenied):
            automod.test_text(person, "hello", ROOM, "adult")


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "regex", "pattern": "(unclosed"}, "pattern"),
    ({"kind": "regex", "pattern": r"(\w?)*x"}, "pattern"),
    ({"kind": "regex", "pattern": r"(a+)+$"}, "pattern"),
    ({"pattern": "x" * 201}, "pattern"),
    ({"kind": "detector", "pattern": "crisis", "report_reason": None}, "pattern"),
    ({"kind": "detector", "pattern": "telepathy", "report_reason": None}, "pattern"),
    ({"kind": "shout"}, "kind"),
    ({"action": "explode"}, "action"),
    ({"scope": "planet:mars"}, "scope"),
    ({"scope": "room:Not A Slug"}, "scope"),
    ({"exempt_roles": ["emperor"]}, "exempt_roles"),
    ({"explanation": ""}, "explanation"),
    ({"report_reason": "bad_vibes"}, "report_reason"),
])
def test_a_rule_that_cannot_be_used_is_refused_naming_its_field(automod, admin, published, change, field):
    with pytest.raises(InvalidArgument, match=field.replace("_", ".")):
        automod.create_rule(admin, {**WORD, **change})
    assert not changes(published)  # nothing was written, not even the first version


def test_an_unknown_rule_is_not_found_for_a_manager(automod, admin):
    with pytest.raises(NotFound):
        automod.update_rule(admin, "no-such-rule", WORD)
    with pytest.raises(NotFound):
        automod.delete_rule(admin, "no-such-rule")


# --- versions ------------------------------------------------------------------------------------------------------


def test_the_first_version_holds_the_defaults_and_is_published_once(automod, admin, published):
    assert automod.publish_first_version() == 1
    assert automod.publish_first_version() == 1
    [first] = changes(published)
    assert first["version"] == 1 and first["changed_by"] == "moderation"
    assert RuleSet.from_dict(first["rule_set"]) == RuleSet(1, DEFAULT_RULES)


def test_every_change_is_a_new_version_announced_with_the_whole_set(automod, admin, published):
    made = automod.create_rule(admin, WORD)  # no first version yet: the defaults are version 1, this is 2
    rule_id = made["rule"]["id"]
    automod.update_rule(admin, rule_id, {**WORD, "action": "censor"})
    automod.update_rule(admin, rule_id, {**WORD, "action": "censor"})  # the same again: no new version
    automod.delete_rule(admin, "default-abusive")
    announced = changes(published)
    assert [e["version"] for e in announced] == [1, 2, 3, 4]
    assert [e["rule_set"]["version"] for e in announced] == [1, 2, 3, 4]
    last = RuleSet.from_dict(announced[-1]["rule_set"])
    assert {r.id for r in last.rules} == {r.id for r in DEFAULT_RULES} - {"default-abusive"} | {rule_id}
    assert announced[-1]["changed_by"] == admin
    assert automod.list_rules(admin)["version"] == 4
    assert [r["id"] for r in automod.list_rules(admin, f"room:{ROOM}")["rules"]] == [rule_id]


def test_creating_with_an_idempotency_key_creates_once(automod, admin, published):
    first = automod.create_rule(admin, WORD, idempotency_key="k-1")
    again = automod.create_rule(admin, WORD, idempotency_key="k-1")
    assert again == first and len(changes(published)) == 2
    with pytest.raises(FailedPrecondition):
        automod.create_rule(admin, {**WORD, "pattern": "plums"}, idempotency_key="k-1")


# --- the test endpoint ------------------------------------------------------------------------------------------


def test_the_test_endpoint_says_what_a_text_would_trigger_and_posts_nothing(automod, world, admin, published):
    moderator = world.moderator("mo_tester")
    automod.create_rule(admin, {**WORD, "action": "censor", "scope": "all"})
    before = len(published)
    result = automod.test_text(moderator, "text me on 07700 900123, I love grapes", ROOM, "teen")
    assert result["blocked"] and result["explanations"]
    assert {(h["rule_id"], h["action"]) for h in result["hits"]} >= {("default-contact-teen", "block")}
    assert result["censored_text"].endswith("I love ******")
    assert automod.test_text(moderator, "take all my sertraline tonight and end it", ROOM, "adult")["crisis"] \
        == "imminent"
    # an exempt role passes
    assert not automod.test_text(moderator, "text me on 07700 900123", ROOM, "teen", ["admin"])["blocked"]
    assert len(published) == before
    for bad in ({"cohort": "martian"}, {"room_slug": "Not A Slug"}, {"author_roles": ["emperor"]}):
        args = {"text": "hi", "room_slug": ROOM, "cohort": "adult", "author_roles": (), **bad}
        with pytest.raises(InvalidArgument, match=next(iter(bad))):
            automod.test_text(moderator, **args)


# --- flags ------------------------------------------------------------------------------------------------------------


def test_a_flag_opens_the_case_about_the_author_with_an_automod_report(service, world, admin, published):
    author = world.member("sharer")
    message_id = world.post(author, "add me on insta, my handle is sharer_99")
    [case] = service.queue(admin)
    [report] = case["reports"]
    assert case["subject"]["person_id"] == author
    assert report["reporter_id"] == AUTOMOD and report["message_id"] == message_id
    assert report["reason"] == "contact_details"
    assert report["note"] == "automod: default-contact-adult (contact)"
    assert [e.data["reason"] for e in published if e.type == "report_filed"] == ["contact_details"]


def test_an_author_moderation_does_not_know_yet_is_flagged_by_every_cohorts_rules(service, world, admin):
    """room's message can reach moderation before identity's registration of its author (the events race): the
    cohort-scoped default still flags contact details, for an admin to review."""
    stranger = str(uuid.uuid4())
    world.post(stranger, "text me on 07700 900123")
    [case] = service.queue(admin)
    [report] = case["reports"]
    assert (case["subject"]["person_id"], report["reporter_id"], report["reason"]) == (
        stranger, AUTOMOD, "contact_details")


def test_a_word_rule_flags_with_its_reason_and_a_person_report_joins_the_same_case(service, world, admin):
    service.automod.create_rule(admin, WORD)
    reporter = world.member("reporter")
    author = world.member("grape_fan")
    message_id = world.post(author, "I love grapes so much")
    service.report_message(reporter, message_id, "unkind")
    [case] = service.queue(admin)
    assert sorted((r["reporter_id"] == AUTOMOD, r["reason"]) for r in case["reports"]) == [
        (False, "unkind"), (True, "unkind")]
    assert service.automod.create_rule(admin, {**WORD, "pattern": "plums", "report_reason": None})
    world.post(author, "plums are fine too")
    [case] = service.queue(admin)
    assert "other" in case["reasons"]


def test_each_post_is_read_under_the_rule_set_as_it_stands_when_the_post_arrives(service, world, admin):
    """The worker keeps the matcher of the version it read last: a change after one post is what the next reads."""
    rule = service.automod.create_rule(admin, WORD)["rule"]
    author = world.member("grape_fan")
    first = world.post(author, "I love grapes so much")
    service.automod.delete_rule(admin, rule["id"])
    world.post(author, "grapes again")
    service.automod.create_rule(admin, {**WORD, "pattern": "plums"})
    third = world.post(author, "plums now")
    [case] = service.queue(admin)
    assert sorted(r["message_id"] for r in case["reports"]) == sorted([first, third])


def test_flags_are_once_per_message_and_rule(service, world, admin, db):
    author = world.member("repeat_sharer")
    message_id = world.post(author, "my email is sharer at mail dot com")
    assert not world.redeliver(world.posted)  # the inbox
    world.edit(author, message_id, "my email is sharer at mail dot com!")  # the same rule on an edit
    [case] = service.queue(admin)
    assert len(case["reports"]) == 1 and len(db.rows("automod_flags")) == 1
    # another rule flagging the same message joins automod's open report (one open report per reporter and target)
    world.edit(author, message_id, "my email is sharer at mail dot com and I take sertraline")
    [case] = service.queue(admin)
    [report] = case["reports"]
    assert report["note"] == "automod: default-contact-adult (contact), default-medication (medication)"
    assert len(db.rows("automod_flags")) == 2


def test_automod_reads_the_authors_own_words_when_room_censored_them(service, world, admin):
    author = world.member("teen_sharer", cohort="teen")
    moderator = world.moderator("teen_mo", cohort="teen")
    world.post(author, "I take **********", original_body="I take sertraline")
    [case] = service.queue(moderator)
    assert case["reports"][0]["message_body"] == "I take sertraline"
    assert case["reports"][0]["reason"] == "drug_names"


def test_exempt_roles_scopes_and_the_rule_sets_action_decide_what_is_flagged(service, world, admin):
    moderator = world.moderator("exempt_mo")
    world.post(moderator, "call me on 07700 900123")  # default-contact-adult exempts chat room moderators
    teen = world.member("teen_poster", cohort="teen")
    world.post(teen, "call me on 07700 900123")  # in teen rooms contact is blocked by room, not flagged
    assert service.queue(admin) == []


def test_a_message_in_crisis_is_never_flagged(service, world, admin):
    author = world.member("in_crisis")
    world.post(author, "I'm going to take all my sertraline tonight, I want to kill myself")
    world.post(author, "I want to kill myself, call me on 07700 900123")
    assert service.queue(admin) == []


def test_automod_reports_are_not_paced_and_count_in_no_persons_accuracy(service, world, admin):
    reporter = world.member("careful_reporter")
    author = world.member("flooder")
    for n in range(8):  # past a person's pace (5 at once): automod files every one
        world.post(author, f"add me on snap number {n}, my handle is flood_{n}")
    [case] = service.queue(admin)
    assert sum(r["reporter_id"] == AUTOMOD for r in case["reports"]) == 8
    message_id = world.post(author, "add me on insta pls")
    service.report_message(reporter, message_id, "contact_details")
    [case] = service.queue(admin)
    service.decide_case(admin, case["id"], "disagree")
    # automod's eight rejected reports are automod's record, not the person's: they weigh as one wrong report
    other = world.member("another_flooder")
    world.post(other, "add me on insta pls!")
    mine = world.post(other, "just saying hi")
    service.report_message(reporter, mine, "unkind")
    [case] = service.queue(admin)
    accuracy = {r["reporter_id"]: r["reporter_accuracy"] for r in case["reports"]}
    assert accuracy[reporter] == pytest.approx(1 / 3)  # (0 upheld + 1) / (1 decided + 2)
    assert accuracy[AUTOMOD] == pytest.approx(1 / 11)  # (0 + 1) / (9 + 2): its own record


def test_what_the_domain_accepts_at_its_longest_passes_the_grpc_edge(automod, admin):
    from hearth.moderation.v1 import moderation_pb2 as pb

    from hearth_common.automod.rules import EXPLANATION_MAX, PATTERN_MAX
    from moderation_service.entrypoints.grpc_server import LIMITS
    from moderation_service.service_layer.automod import TEXT_MAX

    longest = {**WORD, "pattern": "g" * PATTERN_MAX, "explanation": "e" * EXPLANATION_MAX,
               "exempt_roles": ["admin", "chat_room_moderator"], "report_reason": "talking_negatively"}
    made = automod.create_rule(admin, longest)
    rule = pb.AutomodRuleSpec(**{k: v for k, v in longest.items()})
    for request in (pb.CreateAutomodRuleRequest(rule=rule, idempotency_key="k" * 200),
                    pb.UpdateAutomodRuleRequest(rule_id=made["rule"]["id"], rule=rule),
                    pb.DeleteAutomodRuleRequest(rule_id="default-contact-adult"),
                    pb.TestAutomodRequest(text="t" * TEXT_MAX, room_slug="r" * 64, cohort="adult",
                                          author_roles=["admin"])):
        assert LIMITS.refusal(request) is None
