"""Unit tests of the review's rules: a message hidden pending review and shown again, who may act on a case (an
unknown subject, a moderator who reported in it, expired roles, cross-cohort grants) and the audit entries of
reports and decisions."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM
from moderation_world import cohort_access_granted, cohort_access_revoked

from hearth_common import errors
from hearth_common.contracts.identity import CHAT_ROOM_MODERATOR
from hearth_common.people import PersonFacts, RoleFact
from moderation_service.domain import reports as rules
from moderation_service.domain import room_actions as actions
from moderation_service.domain.audit import AuditQuery
from moderation_service.domain.reports import HIDDEN_REASON, REMOVED_REASON, RESTORED_REASON, SYSTEM_ACTOR, Report

TEEN_ROOM = "teen-chat"


def audit_actions(uow_factory, **query) -> list[str]:
    with uow_factory() as uow:
        return [e.action for e in reversed(uow.audit.list(AuditQuery(limit=500, **query)))]


def room_actions(db) -> list[actions.RoomAction]:
    return sorted(db.tables["room_actions"].values(), key=lambda a: a.created_at)


# --- hidden pending review ------------------------------------------------------------------------------


def contact_details_reported(world, service, reporters=2):
    author = world.member("sam")
    message_id = world.post(author, "text me on 07700 900123")
    for i in range(reporters):
        service.report_message(world.member(f"reporter{i}"), message_id, "contact_details")
    return author, message_id


def test_a_message_whose_reports_weigh_enough_is_hidden_pending_review_once(service, world, db, room, runner,
                                                                            uow_factory):
    author = world.member("sam")
    message_id = world.post(author, "find me elsewhere, you know where")
    service.report_message(world.member("riley"), message_id, "contact_details")
    assert room_actions(db) == []  # one newcomer's grave report (3.0) is not enough alone

    service.report_message(world.member("kai"), message_id, "contact_details")  # 2 x 1.0 x 3.0 = HIDE_THRESHOLD
    service.report_message(world.member("ash"), message_id, "contact_details")  # hidden already: nothing more
    [hide] = room_actions(db)
    assert (hide.kind, hide.args, hide.moderator_id, hide.reason) == (
        actions.REMOVE_MESSAGE, {"message_id": message_id}, SYSTEM_ACTOR, HIDDEN_REASON)
    runner.run_due()
    assert room.removed == [(message_id, SYSTEM_ACTOR, HIDDEN_REASON)]
    with uow_factory() as uow:
        [entry] = [e for e in uow.audit.list(AuditQuery(target_id=author, limit=500)) if e.action == "message_hidden"]
    assert (entry.source, entry.subject_ref, entry.room_slug, entry.reason) == (
        "system", message_id, ROOM, HIDDEN_REASON)
    assert entry.details["weight"] == pytest.approx(rules.HIDE_THRESHOLD)


def test_reports_of_a_person_or_of_nuisances_hide_nothing(service, world, db):
    author = world.member("sam")
    message_id = world.post(author)
    for i in range(5):  # five newcomers' unkind reports weigh 5.0
        service.report_message(world.member(f"r{i}"), message_id, "unkind")
    for i in range(3):
        service.report_person(world.member(f"p{i}"), ROOM, author, "abusive_language")
    assert room_actions(db) == []


def test_no_single_reporter_hides_a_message_however_reliable():
    report = Report(id="r", case_id="c", reporter_id="ace", subject_id="s", room_slug=ROOM, reason="abusive_language",
                    note=None, filed_at=dt.datetime.now(dt.timezone.utc), message_id="m")
    assert not rules.should_hide(rules.message_weight([report], {"ace": 1.0}))


def test_a_hidden_message_is_shown_again_when_the_moderator_disagrees(service, world, room, runner, uow_factory):
    author, message_id = contact_details_reported(world, service)
    runner.run_due()  # room hid it
    moderator = world.moderator("mod", ROOM)
    [case] = service.queue(moderator)
    assert case["hidden_message_ids"] == [message_id]  # the moderator sees it is hidden pending review

    decided = service.decide_case(moderator, case["id"], "disagree")

    assert decided["removed_message_ids"] == [] and decided["hidden_message_ids"] == []
    runner.run_due()
    assert room.restored == [(message_id, moderator, RESTORED_REASON)]
    assert sorted(audit_actions(uow_factory, target_id=author)) == [  # automod flagged the phone number too
        "automod_flagged", "case_decided", "message_hidden", "message_restored", "report_filed", "report_filed"]


def test_a_hide_room_has_not_made_yet_is_called_off_when_the_moderator_dismisses(service, world, room, runner, db):
    _, message_id = contact_details_reported(world, service)
    admin = world.admin()
    service.decide_case(admin, service.queue(admin)[0]["id"], "dismiss")
    assert runner.run_due() == 0
    assert room.removed == [] and room.restored == []
    [hide] = room_actions(db)
    assert hide.status == actions.GONE and "dismiss" in hide.last_error


def test_a_hidden_message_stays_removed_when_the_moderator_agrees(service, world, room, runner):
    _, message_id = contact_details_reported(world, service)
    runner.run_due()
    admin = world.admin()
    decided = service.decide_case(admin, service.queue(admin)[0]["id"], "agree")  # without remove_messages
    assert decided["removed_message_ids"] == [message_id]
    runner.run_due()
    assert room.restored == []
    assert room.removed == [(message_id, SYSTEM_ACTOR, HIDDEN_REASON), (message_id, admin, REMOVED_REASON)]


# --- who may act on a case --------------------------------------------------------------------------------


def test_a_case_about_someone_moderation_does_not_know_yet_is_for_admins_only(service, world):
    """No cohort is known for them, so no moderator (who might be of the other cohort) sees or decides it."""
    stranger = str(uuid.uuid4())  # in the room, but their registration has not reached moderation
    world.join(stranger)
    service.report_message(world.member("riley"), world.post(stranger), "unkind")
    global_mod = world.moderator("mod_all", None)
    assert service.queue(global_mod) == []
    [case] = service.queue(world.admin())
    with pytest.raises(errors.NotFound):  # as a case that does not exist: nothing told of the subject
        service.decide_case(global_mod, case["id"], "agree")
    with pytest.raises(errors.NotFound):
        service.get_case(global_mod, case["id"])
    assert service.decide_case(world.admin("admin_bo"), case["id"], "dismiss")["decision"] == "dismiss"


def test_a_moderator_who_reported_in_a_case_does_not_decide_it(service, world):
    moderator = world.moderator("mod", ROOM)
    world.join(moderator)
    author = world.member("sam")
    message_id = world.post(author)
    riley = world.member("riley")
    service.report_message(moderator, message_id, "unkind")
    service.report_message(riley, message_id, "unkind")

    assert service.queue(moderator) == []  # not a case they may act on
    admin = world.admin()
    [case] = service.queue(admin)
    with pytest.raises(errors.FailedPrecondition, match="you reported"):
        service.decide_case(moderator, case["id"], "agree")
    seen = service.get_case(moderator, case["id"])  # they may still read it, reporters as any moderator sees them
    assert {r["reporter_id"] for r in seen["reports"]} == {moderator, riley}
    assert service.decide_case(admin, case["id"], "agree")["decision"] == "agree"


def test_an_expired_role_moderates_nowhere(service, world, clock):
    reported_id = world.member("sam")
    service.report_message(world.member("riley"), world.post(reported_id), "unkind")
    lapsing = world.person("temp_mod", "adult", "listener")
    world.grant(lapsing, CHAT_ROOM_MODERATOR, ROOM, expires_at=clock() + dt.timedelta(hours=1))
    assert len(service.queue(lapsing)) == 1
    clock.advance(hours=2)
    with pytest.raises(errors.PermissionDenied):
        service.queue(lapsing)
    now = clock()
    expired = PersonFacts("p", "listener", "adult", roles=(RoleFact(CHAT_ROOM_MODERATOR, ROOM, now),))
    assert not rules.moderates_somewhere(expired, now)
    assert rules.moderates_somewhere(
        PersonFacts("p", "listener", "adult", roles=(RoleFact(CHAT_ROOM_MODERATOR, ROOM, None),)), now)


def teen_case(world, service, room=TEEN_ROOM):
    teen = world.member("teen_sam", room=room, cohort="teen")
    service.report_message(world.member(f"teen_riley_{room}", room=room, cohort="teen"),
                           world.post(teen, room=room), "unkind")
    return teen


def test_staff_with_a_cross_cohort_grant_act_on_cases_in_that_room_only(service, world, clock):
    teen = teen_case(world, service)
    other_teen = teen_case(world, service, room="teen-art")
    adult_mod = world.moderator("adult_mod", None, cohort="adult")
    admin = world.admin()
    assert service.queue(adult_mod) == []

    grant = cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin)
    [case] = service.queue(adult_mod)
    assert case["subject"]["person_id"] == teen
    [other] = [c for c in service.queue(admin) if c["subject"]["person_id"] == other_teen]
    with pytest.raises(errors.NotFound):  # as a case that does not exist
        service.decide_case(adult_mod, other["id"], "agree")

    cohort_access_revoked(world, grant, adult_mod, TEEN_ROOM, admin)
    assert service.queue(adult_mod) == []
    with pytest.raises(errors.NotFound):
        service.decide_case(adult_mod, case["id"], "agree")

    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin)
    assert service.decide_case(adult_mod, case["id"], "agree")["decision"] == "agree"


def test_a_cross_cohort_grant_lapses_and_a_revocation_that_arrives_first_holds(service, world, clock):
    teen_case(world, service)
    adult_mod = world.moderator("adult_mod", None, cohort="adult")
    admin = world.admin()
    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(hours=1), admin)
    assert len(service.queue(adult_mod)) == 1
    clock.advance(hours=2)
    assert service.queue(adult_mod) == []

    early = str(uuid.uuid4())
    cohort_access_revoked(world, early, adult_mod, TEEN_ROOM, admin)
    cohort_access_granted(world, adult_mod, TEEN_ROOM, clock() + dt.timedelta(days=1), admin, grant_id=early)
    assert service.queue(adult_mod) == []


def test_a_grant_gives_the_cohort_not_the_role(service, world, clock):
    """A grant lets staff into the room; only a moderator role covering it lets them act on its cases."""
    teen_case(world, service)
    host = world.person("adult_host", "adult", "listener")
    world.grant(host, CHAT_ROOM_MODERATOR, OTHER_ROOM)
    cohort_access_granted(world, host, TEEN_ROOM, clock() + dt.timedelta(days=1), world.admin())
    assert service.queue(host) == []


# --- the audit log --------------------------------------------------------------------------------------


def test_every_report_filed_is_audited_and_a_repeat_is_not(service, world, uow_factory):
    author, riley = world.member("sam"), world.member("riley")
    message_id = world.post(author)
    report = service.report_message(riley, message_id, "spam", "flooding the room")
    service.report_message(riley, message_id, "spam")
    person_report = service.report_person(riley, ROOM, author, "unkind")
    with uow_factory() as uow:
        entries = {e.subject_ref: e for e in uow.audit.list(AuditQuery(actor_id=riley))}
    assert {ref: (e.action, e.source, e.target_id, e.room_slug, e.reason) for ref, e in entries.items()} == {
        report["id"]: ("report_filed", "member", author, ROOM, "spam"),
        person_report["id"]: ("report_filed", "member", author, ROOM, "unkind")}
    assert entries[report["id"]].details == {"case_id": entries[report["id"]].details["case_id"],
                                             "message_id": message_id, "note": "flooding the room"}
