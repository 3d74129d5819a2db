"""Unit tests of the review queue and decisions: scope, ordering, accuracy, removals; and the read models."""
from __future__ import annotations

import datetime as dt

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from hearth_common.contracts import room as room_contract
from moderation_service.domain.audit import AuditQuery
from moderation_service.domain.reports import REMOVED_REASON, accuracy

NO_CASE = "0b7d9a8e-3c1f-4c52-8a0e-8a5b7f2d3e41"  # no case has this id


def reported(world, service, subject_name="sam", reporters=("riley",), room=ROOM, reason="unkind", cohort="adult"):
    """A case: `subject_name` posts in `room` and each reporter reports the message; returns (subject, message)."""
    author = world.member(subject_name, room=room, cohort=cohort)
    message_id = world.post(author, room=room)
    for name in reporters:
        service.report_message(world.member(name, room=room, cohort=cohort), message_id, reason)
    return author, message_id


def test_the_queue_is_for_moderators_and_admins(service, world):
    reported(world, service)
    member = world.member("mia")
    with pytest.raises(errors.PermissionDenied):
        service.queue(member)


def test_a_room_moderator_sees_the_cases_of_their_rooms_only(service, world):
    here, _ = reported(world, service, "sam", ("riley",), ROOM)
    there, _ = reported(world, service, "max", ("kai",), OTHER_ROOM)
    mod_here = world.moderator("mod_here", ROOM)
    global_mod = world.moderator("mod_all", None)

    assert [c["subject"]["person_id"] for c in service.queue(mod_here)] == [here]
    assert {c["subject"]["person_id"] for c in service.queue(global_mod)} == {here, there}
    assert [c["subject"]["person_id"] for c in service.queue(global_mod, room_slug=OTHER_ROOM)] == [there]
    with pytest.raises(errors.NotFound):  # as a case that does not exist
        service.get_case(mod_here, service.queue(global_mod, room_slug=OTHER_ROOM)[0]["id"])


def test_a_moderator_sees_only_their_cohort_and_an_admin_sees_every_case(service, world):
    teen, _ = reported(world, service, "teen_sam", ("teen_riley",), "teen-chat", cohort="teen")
    adult_mod = world.moderator("adult_mod", None, cohort="adult")
    teen_mod = world.moderator("teen_mod", None, cohort="teen")

    assert service.queue(adult_mod) == []
    assert [c["subject"]["person_id"] for c in service.queue(teen_mod)] == [teen]
    assert [c["subject"]["person_id"] for c in service.queue(world.admin())] == [teen]


def test_a_moderator_never_sees_nor_decides_a_case_about_themselves(service, world):
    moderator = world.moderator("mod", None)
    world.join(moderator)
    message_id = world.post(moderator)
    service.report_message(world.member("riley"), message_id, "unkind")
    assert service.queue(moderator) == []
    [case] = service.queue(world.admin())
    with pytest.raises(errors.PermissionDenied, match="yourself"):
        service.decide_case(moderator, case["id"], "dismiss")


def test_the_queue_orders_by_reporters_their_accuracy_and_severity(service, world):
    admin = world.admin()
    one, _ = reported(world, service, "one", ("r1",), reason="unkind")
    many, _ = reported(world, service, "many", ("r2", "r3", "r4", "r6"), reason="unkind")
    grave, _ = reported(world, service, "grave", ("r5",), reason="abusive_language")
    order = [c["subject"]["person_id"] for c in service.queue(admin)]
    assert order == [many, grave, one]  # 4 reporters x 1.0 > 1 x 3.0 > 1 x 1.0 (all newcomers)

    # a reporter proven right twice outranks a newcomer for the same reason
    proven = world.member("proven")
    for i in range(2):
        author = world.member(f"troll{i}")
        service.report_message(proven, world.post(author), "unkind")
        [case] = [c for c in service.queue(admin) if c["subject"]["person_id"] == author]
        service.decide_case(admin, case["id"], "agree")
    newcomer_case, _ = reported(world, service, "a", ("newcomer",))
    proven_subject = world.member("b")
    service.report_message(proven, world.post(proven_subject), "unkind")
    ranks = [c["subject"]["person_id"] for c in service.queue(admin)]
    assert ranks.index(proven_subject) < ranks.index(newcomer_case)


def test_deciding_moves_the_reporters_accuracy(service, world):
    admin = world.admin()
    riley = world.member("riley")
    for decision in ("agree", "agree", "disagree", "dismiss"):
        author = world.member(f"author_{decision}_{len(service.queue(admin))}")
        service.report_message(riley, world.post(author), "unkind")
        [case] = [c for c in service.queue(admin) if c["subject"]["person_id"] == author]
        service.decide_case(admin, case["id"], decision)
    author = world.member("last")
    service.report_message(riley, world.post(author), "unkind")
    [case] = service.queue(admin)
    # two upheld, one rejected; the dismissed one counts for nothing
    assert case["reports"][0]["reporter_accuracy"] == pytest.approx(accuracy(2, 3))


def test_a_moderator_agrees_and_room_is_asked_to_remove_the_reported_messages(service, world, room, runner,
                                                                              published, uow_factory):
    author, message_id = reported(world, service, "sam", ("riley", "kai", "ash"))
    moderator = world.moderator("mod", ROOM)
    [case] = service.queue(moderator)
    published.clear()

    decided = service.decide_case(moderator, case["id"], "agree", remove_messages=True, note="cruel",
                                  idempotency_key="decide-1")

    # decided in one transaction; room is asked by the worker, with a neutral reason (the note stays here)
    assert decided["status"] == "decided" and decided["decision"] == "agree" and decided["note"] == "cruel"
    assert decided["removed_message_ids"] == [message_id]
    assert {r["outcome"] for r in decided["reports"]} == {"upheld"}
    assert room.removed == []
    assert runner.run_due() == 1
    assert room.removed == [(message_id, moderator, REMOVED_REASON)]
    [event] = published
    assert event.type == "case_decided" and event.data["removed_message_ids"] == [message_id]
    assert len(event.data["report_ids"]) == 3
    with uow_factory() as uow:
        [entry] = [e for e in uow.audit.list(AuditQuery(actor_id=moderator))]
    assert (entry.action, entry.source, entry.target_id, entry.room_slug, entry.subject_ref, entry.reason) == (
        "case_decided", "moderator", author, ROOM, case["id"], "cruel")
    assert entry.details["decision"] == "agree" and entry.details["removed_message_ids"] == [message_id]
    assert service.queue(moderator) == []
    # a retry with the key is answered the first decision (nothing asked of room again); without it, closed
    assert service.decide_case(moderator, case["id"], "agree", remove_messages=True, note="cruel",
                               idempotency_key="decide-1") == decided
    assert runner.run_due() == 0
    with pytest.raises(errors.FailedPrecondition, match="decided already"):
        service.decide_case(moderator, case["id"], "disagree")
    assert service.get_case(moderator, case["id"])["decision"] == "agree"
    assert service.queue(world.admin()) == []
    later = service.report_message(world.member("zed"), world.post(author), "unkind")
    [new_case] = service.queue(moderator)
    assert new_case["subject"]["upheld_cases"] == 1 and later["outcome"] == "open"


def test_a_decision_does_not_wait_on_room_and_its_removals_follow_when_room_answers(service, world, room, runner,
                                                                                   clock):
    _, message_id = reported(world, service)
    admin = world.admin()
    [case] = service.queue(admin)

    room.down = True
    decided = service.decide_case(admin, case["id"], "agree", remove_messages=True)
    assert decided["decision"] == "agree" and decided["removed_message_ids"] == [message_id]
    assert service.queue(admin) == []
    runner.run_due()
    assert room.removed == []
    room.down = False
    clock.advance(seconds=5)
    runner.run_due()
    assert room.removed == [(message_id, admin, REMOVED_REASON)]


def test_disagreeing_removes_nothing(service, world, room, runner):
    reported(world, service)
    admin = world.admin()
    [case] = service.queue(admin)
    decided = service.decide_case(admin, case["id"], "disagree", remove_messages=True)
    assert decided["removed_message_ids"] == [] and {r["outcome"] for r in decided["reports"]} == {"rejected"}
    assert runner.run_due() == 0 and room.removed == []


def test_a_message_room_no_longer_has_ends_its_removal_without_retrying(service, world, room, runner, clock,
                                                                         uow_factory):
    _, message_id = reported(world, service)
    admin = world.admin()
    room.gone.add(message_id)
    decided = service.decide_case(admin, service.queue(admin)[0]["id"], "agree", remove_messages=True)
    assert decided["removed_message_ids"] == [message_id] and decided["decision"] == "agree"
    assert runner.run_due() == 1
    clock.advance(hours=1)
    assert runner.run_due() == 0 and room.removed == []


def test_a_moderator_of_another_room_or_cohort_may_not_decide(service, world):
    reported(world, service)
    [case] = service.queue(world.admin())
    with pytest.raises(errors.PermissionDenied):  # moderates nowhere: refused before any lookup
        service.decide_case(world.member("mia"), case["id"], "agree")
    # a moderator out of the case's scope is answered as for a case that does not exist: a refusal would tell a
    # moderator of every room that its subject is of the other cohort
    for outsider in (world.moderator("elsewhere", OTHER_ROOM), world.moderator("teen_mod", None, cohort="teen")):
        for call in (lambda case_id: service.decide_case(outsider, case_id, "agree"),
                     lambda case_id: service.get_case(outsider, case_id)):
            with pytest.raises(errors.NotFound) as refused:
                call(case["id"])
            with pytest.raises(errors.NotFound) as unknown:
                call(NO_CASE)
            assert type(refused.value) is type(unknown.value)
            assert str(refused.value).replace(case["id"], NO_CASE) == str(unknown.value)
    with pytest.raises(errors.InvalidArgument, match="decision"):
        service.decide_case(world.admin("admin_bo"), case["id"], "ban")
    with pytest.raises(errors.NotFound):
        service.decide_case(world.admin("admin_cy"), NO_CASE, "agree")


def test_no_view_holds_a_date_of_birth(service, world):
    reported(world, service, reporters=("riley", "kai"))
    views = str(service.queue(world.admin())) + str(service.reasons())
    assert "birth" not in views and "date_of_birth" not in views


# --- read models -------------------------------------------------------------------------------------------


def envelope(payload, seq):
    return {**payload.event().envelope("room"), "seq": seq}


def test_room_events_apply_once_and_in_any_order(service, world, clock):
    author, reporter = world.member("sam"), world.member("riley")
    posted = room_contract.MessagePosted(room_slug=ROOM, message_id="m-1", seq=10, author_id=author, body="first",
                                         reply_to=None, mention_ids=(), posted_at=clock())
    edited = room_contract.MessageEdited(room_slug=ROOM, message_id="m-1", seq=11, message_seq=10,
                                         author_id=author, body="edited", edited_at=clock())
    edit = envelope(edited, 2)
    assert service.apply_room_event(edit) is True
    assert service.apply_room_event(edit) is False  # the same event again: nothing
    assert service.apply_room_event(envelope(posted, 1)) is True  # late: does not undo the edit

    report = service.report_message(reporter, "m-1", "unkind")
    [case] = service.queue(world.admin())
    assert case["reports"][0]["message_body"] == "edited" and report["message_id"] == "m-1"


def test_messages_are_forgotten_after_their_retention_but_reports_keep_their_text(service, world, clock):
    author, reporter = world.member("sam"), world.member("riley")
    old = world.post(author, "old words")
    service.report_message(reporter, old, "unkind")
    clock.advance(dt.timedelta(days=31))
    fresh = world.post(author, "new words")

    assert service.purge_messages() == 1
    with pytest.raises(errors.NotFound):
        service.report_message(world.member("kai"), old, "unkind")
    assert service.report_message(world.member("ash"), fresh, "unkind")["outcome"] == "open"
    [case] = service.queue(world.admin())
    assert [r["message_body"] for r in case["reports"]] == ["old words", "new words"]


def test_nobody_acts_on_a_case_about_an_admin(service, world, db):
    """Issue 14's matrix: nobody acts on an admin (not a global moderator, not another admin)."""
    admin = world.admin("admin_zed")
    world.join(admin)
    service.report_message(world.member("riley"), world.post(admin), "unkind")
    [case_id] = [case.id for case in db.tables["cases"].values() if case.subject_id == admin]
    for other in (world.moderator("mod_all", None), world.admin("admin_bo")):
        assert service.queue(other) == []
        with pytest.raises(errors.PermissionDenied, match="admin"):
            service.decide_case(other, case_id, "agree")


def test_a_case_spanning_rooms_is_decided_only_by_a_moderator_of_every_one_of_them(service, world):
    """A decision closes the reports of every room of the case: a moderator of one of them alone neither sees
    nor decides it (it would change the other room's reporters' accuracy and ask room for removals there)."""
    subject, _ = reported(world, service, "sam", ("riley",), ROOM)
    world.join(subject, OTHER_ROOM)
    service.report_message(world.member("kai", room=OTHER_ROOM), world.post(subject, room=OTHER_ROOM), "unkind")
    mod_here = world.moderator("mod_here", ROOM)
    [case] = service.queue(world.admin())
    assert service.queue(mod_here) == []
    with pytest.raises(errors.NotFound, match="no case"):
        service.decide_case(mod_here, case["id"], "agree")
    assert service.decide_case(world.moderator("mod_all", None), case["id"], "agree")["decision"] == "agree"
