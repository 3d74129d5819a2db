"""Unit tests of the review's fixes: no hide of a crisis message, an admin's or one already removed; only what a
hide removed is restored; room's message_restored in the read model; a decision's caller authorised before the
case's state is told; automod's audit entries and keyed rule changes; the one cross-cohort rule; the one
"is an admin" rule of the staff read model (fakes)."""
from __future__ import annotations

import datetime as dt

import pytest
from moderation_unit_helpers import ROOM
from moderation_world import cohort_access_granted

from hearth_common import errors
from hearth_common.contracts import room as room_contract
from moderation_service.domain.audit import AuditQuery
from moderation_service.domain.cohorts import may_act_across_cohort
from moderation_service.domain.reports import HIDDEN_REASON, SYSTEM_ACTOR

TEEN_ROOM = "teen-chat"
IMMINENT = "I have the pills in my hand and I'm taking them all tonight, goodbye everyone"
MEDIUM = "I want to kill myself"


@pytest.fixture(autouse=True)
def sessions_in_world(world, sanctions):
    world.sessions = sanctions


def two_newcomers_report(world, service, message_id, reason="abusive_language"):
    for i in range(2):  # 2 x 1.0 x 3.0 = HIDE_THRESHOLD
        service.report_message(world.member(f"reporter{i}"), message_id, reason)


def reported(world, service, body="you are all idiots"):
    """A member's message two newcomers report as abusive (enough to hide it)."""
    author = world.member("sam")
    message_id = world.post(author, body)
    two_newcomers_report(world, service, message_id)
    return author, message_id


def admin_decides(world, service, runner, decision="disagree"):
    admin = world.admin()
    service.decide_case(admin, service.queue(admin)[0]["id"], decision)
    runner.run_due()


def hides(db) -> list:
    return [a for a in db.tables["room_actions"].values()
            if a.kind == "remove_message" and a.moderator_id == SYSTEM_ACTOR]


def audit_actions(uow_factory, **query) -> list[str]:
    with uow_factory() as uow:
        return [e.action for e in reversed(uow.audit.list(AuditQuery(limit=500, **query)))]


def deleted(world, author, message_id, by, reason, by_moderation=True):
    seq = world._room_seq(ROOM)
    world._deliver(room_contract.MessageDeleted(
        room_slug=ROOM, message_id=message_id, seq=seq, message_seq=1, author_id=author, deleted_by=by,
        by_moderation=by_moderation, reason=reason, deleted_at=world.clock()))


def restored(world, author, message_id, by, body="restored body"):
    world._deliver(room_contract.MessageRestored(
        room_slug=ROOM, message_id=message_id, seq=world._room_seq(ROOM), message_seq=1, author_id=author,
        body=body, restored_by=by, reason="", restored_at=world.clock()))


# --- 1. crisis messages stay posted ----------------------------------------------------------------------------

@pytest.mark.parametrize("words", [IMMINENT, MEDIUM])
def test_reports_never_hide_a_message_that_reads_as_crisis(service, world, db, words):
    author = world.member("sam")
    message_id = world.post(author, words)
    two_newcomers_report(world, service, message_id)
    assert hides(db) == []  # the message is still posted
    [case] = service.queue(world.admin())  # the case stays in the queue
    assert case["subject"]["person_id"] == author and case["hidden_message_ids"] == []


def test_reports_never_hide_a_message_cared_for_as_crisis_even_when_its_words_changed(service, world, db):
    author = world.member("sam")
    message_id = world.post(author, "fine")
    world.edit(author, message_id, IMMINENT)  # crisis flag: care, a page
    world.edit(author, message_id, "never mind, ignore me")
    two_newcomers_report(world, service, message_id)
    assert hides(db) == []


def test_the_author_s_own_words_are_read_not_the_masked_body(service, world, db):
    author = world.member("sam")
    message_id = world.post(author, "I want to k*** myself", original_body=MEDIUM)
    service.report_message(world.member("riley"), message_id, "abusive_language")
    service.report_message(world.member("kai"), message_id, "abusive_language")
    assert hides(db) == []
    admin = world.admin()
    case = service.get_case(admin, service.queue(admin)[0]["id"])
    assert {r["message_body"] for r in case["reports"]} == {MEDIUM}  # moderators (staff) see what was written


# --- 2. an admin's message is never hidden ---------------------------------------------------------------------

def test_reports_never_hide_an_admin_s_message(service, world, db):
    admin = world.admin()
    world.join(admin)
    message_id = world.post(admin, "text me on 07700 900123")
    two_newcomers_report(world, service, message_id, "contact_details")
    assert hides(db) == []


# --- 3. a restore undoes only what the hide removed ------------------------------------------------------------

def test_a_message_already_removed_is_not_hidden_so_a_dismissal_restores_nothing(service, world, db, room, runner,
                                                                                   sanctions):
    author = world.member("sam")
    moderator = world.moderator("mod")
    message_id = world.post(author, "you are all idiots")
    sanctions.remove_message(moderator, message_id, "insults")
    runner.run_due()
    deleted(world, author, message_id, moderator, "insults")
    two_newcomers_report(world, service, message_id)
    assert hides(db) == []
    admin_decides(world, service, runner, "dismiss")
    assert room.restored == []


def test_a_moderator_s_removal_makes_a_hide_final(service, world, db, room, runner, sanctions):
    _, message_id = reported(world, service)
    assert len(hides(db)) == 1
    sanctions.remove_message(world.moderator("mod"), message_id, "insults")  # before room's message_deleted
    admin_decides(world, service, runner)
    assert room.restored == []


def test_a_moderator_may_remove_a_message_hidden_pending_review_and_it_stays_removed(service, world, db, room,
                                                                                    runner, sanctions):
    author, message_id = reported(world, service)
    runner.run_due()
    deleted(world, author, message_id, SYSTEM_ACTOR, HIDDEN_REASON)  # room hid it: deleted in the read model
    assert sanctions.remove_message(world.moderator("mod"), message_id, "insults")["status"] == "done"
    admin_decides(world, service, runner)
    assert room.restored == []


def test_a_removal_room_reports_that_is_not_the_hide_makes_the_hide_final(service, world, db, room, runner):
    author, message_id = reported(world, service)
    deleted(world, author, message_id, world.moderator("other_mod"), "off topic")  # someone else removed it first
    runner.run_due()  # the hide: room answers as the message now stands
    admin_decides(world, service, runner)
    assert room.restored == []


def test_the_hide_s_own_removal_is_still_restored(service, world, db, room, runner):
    author, message_id = reported(world, service)
    runner.run_due()
    deleted(world, author, message_id, SYSTEM_ACTOR, HIDDEN_REASON)
    admin_decides(world, service, runner)
    assert [r[0] for r in room.restored] == [message_id]


# --- 4. room's message_restored --------------------------------------------------------------------------------

def test_a_restored_message_may_be_removed_again(service, world, room, runner, sanctions):
    author = world.member("sam")
    moderator = world.moderator("mod")
    message_id = world.post(author, "you are all idiots")
    deleted(world, author, message_id, SYSTEM_ACTOR, HIDDEN_REASON)
    with pytest.raises(errors.FailedPrecondition):
        sanctions.remove_message(moderator, message_id, "insults")
    restored(world, author, message_id, moderator)
    removal = sanctions.remove_message(moderator, message_id, "insults")
    assert removal["status"] == "done"


def test_an_older_restoration_does_not_overwrite_a_newer_removal(service, world, uow_factory):
    author = world.member("sam")
    message_id = world.post(author, "you are all idiots")
    old_seq = world._room_seq(ROOM)
    deleted(world, author, message_id, SYSTEM_ACTOR, HIDDEN_REASON)
    world._deliver(room_contract.MessageRestored(
        room_slug=ROOM, message_id=message_id, seq=old_seq, message_seq=1, author_id=author, body="x",
        restored_by=author, reason="", restored_at=world.clock()))
    with uow_factory() as uow:
        message = uow.messages.get(message_id)
    assert message.deleted and message.body == "you are all idiots"


# --- 5. a decision's caller is authorised first ----------------------------------------------------------------

def test_a_reporter_cannot_learn_a_decision_from_decide_case(service, world):
    author = world.member("sam")
    reporter = world.member("riley")
    service.report_message(reporter, world.post(author), "unkind")
    admin = world.admin()
    case_id = service.queue(admin)[0]["id"]
    with pytest.raises(errors.PermissionDenied):
        service.decide_case(reporter, case_id, "agree")
    service.decide_case(admin, case_id, "disagree")
    with pytest.raises(errors.PermissionDenied) as refused:
        service.decide_case(reporter, case_id, "agree")
    assert "disagree" not in str(refused.value)
    with pytest.raises(errors.NotFound) as unknown:  # a moderator out of its scope: as a case that does not exist
        service.decide_case(world.moderator("teen_mod", cohort="teen"), case_id, "agree")
    assert "disagree" not in str(unknown.value)
    with pytest.raises(errors.FailedPrecondition, match="disagree"):  # who may act learns it was decided
        service.decide_case(world.moderator("mod"), case_id, "agree")


def test_decide_case_keeps_its_idempotency_key(service, world):
    author = world.member("sam")
    service.report_message(world.member("riley"), world.post(author), "unkind")
    admin = world.admin()
    case_id = service.queue(admin)[0]["id"]
    first = service.decide_case(admin, case_id, "agree", idempotency_key="k1")
    assert service.decide_case(admin, case_id, "agree", idempotency_key="k1") == first


# --- 6. automod's audit entries and keyed rule changes ---------------------------------------------------------

SPEC = {"scope": "all", "action": "flag", "kind": "word", "pattern": "grapefruit", "explanation": "fruit talk",
        "report_reason": "spam"}


def test_rule_changes_and_automod_flags_are_audited(service, world, uow_factory):
    admin = world.admin()
    made = service.automod.create_rule(admin, SPEC)
    rule_id = made["rule"]["id"]
    service.automod.update_rule(admin, rule_id, {**SPEC, "pattern": "grapefruits"})
    author = world.member("sam")
    world.post(author, "text me on 07700 900123")
    service.automod.delete_rule(admin, rule_id)
    with uow_factory() as uow:
        entries = list(reversed(uow.audit.list(AuditQuery(limit=500))))
    changes = sorted((e.action, e.source, e.actor_id, e.subject_ref) for e in entries
                     if e.action.startswith("automod_rule"))  # one moment on the fake clock: any order
    assert changes == [("automod_rule_created", "moderator", admin, rule_id),
                       ("automod_rule_deleted", "moderator", admin, rule_id),
                       ("automod_rule_updated", "moderator", admin, rule_id)]
    [flag] = [e for e in entries if e.action == "automod_flagged"]
    assert (flag.source, flag.target_id, flag.room_slug, flag.reason) == ("automod", author, ROOM, "contact_details")


def test_a_retried_update_or_delete_with_its_key_answers_as_the_first(service, world):
    admin = world.admin()
    rule_id = service.automod.create_rule(admin, SPEC)["rule"]["id"]
    updated = service.automod.update_rule(admin, rule_id, {**SPEC, "pattern": "lime"}, idempotency_key="u1")
    assert service.automod.update_rule(admin, rule_id, {**SPEC, "pattern": "lime"}, idempotency_key="u1") == updated
    gone = service.automod.delete_rule(admin, rule_id, idempotency_key="d1")
    assert service.automod.delete_rule(admin, rule_id, idempotency_key="d1") == gone
    with pytest.raises(errors.NotFound):
        service.automod.delete_rule(admin, rule_id, idempotency_key="d2")


# --- 7. one rule for acting across cohorts ---------------------------------------------------------------------

def test_staff_with_a_grant_for_a_teen_room_warn_and_remove_there(service, world, clock, sanctions):
    teen = world.member("teen_tia", TEEN_ROOM, cohort="teen")
    message_id = world.post(teen, "something hurtful", room=TEEN_ROOM)
    adult_mod = world.moderator("adult_mod", None, cohort="adult")
    with pytest.raises(errors.NotFound, match=f"^no message '{message_id}' is known to moderation$"):
        sanctions.remove_message(adult_mod, message_id, "unkind")  # without a grant: as if no such message
    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), world.admin())
    assert sanctions.remove_message(adult_mod, message_id, "unkind")["status"] == "done"
    assert sanctions.issue_warning(adult_mod, teen, "unkind", room_slug=TEEN_ROOM)["person_id"] == teen
    # a grant is for its room, never every room at once; outside it the teen is answered as an unknown id
    with pytest.raises(errors.NotFound, match=f"^no person {teen} is known to moderation$"):
        sanctions.issue_warning(adult_mod, teen, "unkind")


def test_the_cross_cohort_rule(world, uow_factory, clock):
    adult_mod, admin = world.moderator("adult_mod", None), world.admin()
    with uow_factory() as uow:
        mod, adm = uow.people.get(adult_mod).facts(), uow.people.get(admin).facts()
    now = clock()
    assert may_act_across_cohort(mod, (), ROOM, "adult", now)
    assert not may_act_across_cohort(mod, (), TEEN_ROOM, "teen", now)
    assert may_act_across_cohort(mod, {TEEN_ROOM}, TEEN_ROOM, "teen", now)
    assert not may_act_across_cohort(mod, {TEEN_ROOM}, None, "teen", now)
    assert not may_act_across_cohort(mod, (), ROOM, None, now)
    assert may_act_across_cohort(adm, (), None, "teen", now)


# --- 8. the staff read model's admins --------------------------------------------------------------------------

def test_staff_admins_are_those_who_are_admins_now(world, uow_factory, clock):
    admin = world.admin()
    lapsed = world.person("lapsed", kind="listener")
    world.grant(lapsed, "admin", expires_at=clock() - dt.timedelta(minutes=1))
    scoped = world.person("scoped", kind="listener")
    world.grant(scoped, "admin", room=ROOM)
    with uow_factory() as uow:
        assert [p.person_id for p in uow.staff.admins(clock())] == [admin]

