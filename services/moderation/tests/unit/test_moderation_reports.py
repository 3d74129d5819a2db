"""Unit tests of moderation's reports: who may report what, idempotency, pacing, one case per person."""
from __future__ import annotations

import datetime as dt

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from hearth_common.idempotency import KeyReused
from moderation_service.domain.reports import REPORT_PACE


def test_a_member_reports_a_message_and_a_case_opens_about_its_author(service, world, published):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author, "you are all pathetic")

    report = service.report_message(reporter, message_id, "unkind", "not kind at all")

    assert report["subject_id"] == author and report["message_id"] == message_id and report["outcome"] == "open"
    assert "reporter_id" not in report
    [event] = published
    assert event.type == "report_filed"
    assert event.data["subject_id"] == author and event.data["message_id"] == message_id
    assert reporter not in str(event.data), "events never name the reporter"
    admin = world.admin()
    [case] = service.queue(admin)
    assert case["subject"]["person_id"] == author and case["reporter_count"] == 1
    assert case["reports"][0]["message_body"] == "you are all pathetic"


def test_reporting_the_same_message_twice_returns_the_first_report(service, world, published):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author)

    first = service.report_message(reporter, message_id, "unkind")
    again = service.report_message(reporter, message_id, "abusive_language")

    assert again == first
    assert len(published) == 1


def test_a_retry_with_the_idempotency_key_returns_the_first_answer_and_a_reused_key_is_refused(service, world):
    author, reporter = world.member("sam"), world.member("riley")
    message_id, other_id = world.post(author), world.post(author, "another")

    first = service.report_message(reporter, message_id, "spam", idempotency_key="key-1")
    assert service.report_message(reporter, message_id, "spam", idempotency_key="key-1") == first
    with pytest.raises(KeyReused):
        service.report_message(reporter, other_id, "spam", idempotency_key="key-1")


def test_nobody_reports_themselves(service, world):
    me = world.member("sam")
    message_id = world.post(me)

    with pytest.raises(errors.FailedPrecondition, match="yourself"):
        service.report_message(me, message_id, "unkind")
    with pytest.raises(errors.FailedPrecondition, match="yourself"):
        service.report_person(me, ROOM, me, "unkind")


def test_only_people_in_the_room_or_lately_there_report(service, world, clock):
    author = world.member("sam")
    message_id = world.post(author)
    outsider = world.member("olly", room=OTHER_ROOM)
    with pytest.raises(errors.FailedPrecondition, match="room you are in"):
        service.report_message(outsider, message_id, "unkind")

    leaver = world.member("lee")
    world.leave(leaver)
    clock.advance(hours=23)
    assert service.report_message(leaver, message_id, "unkind")["outcome"] == "open"

    late = world.member("lou")
    world.leave(late)
    clock.advance(hours=25)
    with pytest.raises(errors.FailedPrecondition):
        service.report_message(late, message_id, "unkind")


def test_a_person_is_reported_only_in_a_room_they_are_in(service, world):
    reporter, subject = world.member("riley"), world.member("sam", room=OTHER_ROOM)
    with pytest.raises(errors.FailedPrecondition, match="not in"):
        service.report_person(reporter, ROOM, subject, "unkind")
    world.join(subject, ROOM)
    report = service.report_person(reporter, ROOM, subject, "contact_details", "asked for my number")
    assert report["message_id"] is None and report["room_slug"] == ROOM


def test_an_unknown_message_is_not_found_and_bad_reasons_are_refused(service, world):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author)
    with pytest.raises(errors.NotFound):
        service.report_message(reporter, "b4b1c4c9-2b1d-4c5e-9b2e-5a8f3c7d9e10", "unkind")
    with pytest.raises(errors.InvalidArgument, match="reason must be one of"):
        service.report_message(reporter, message_id, "rude")
    with pytest.raises(errors.InvalidArgument, match="needs a note"):
        service.report_message(reporter, message_id, "other")
    assert service.report_message(reporter, message_id, "other", "made me uneasy")["reason"] == "other"


def test_reports_are_paced_with_a_retry_after(service, world, clock):
    reporter = world.member("riley")
    authors = [world.member(f"author{i}") for i in range(REPORT_PACE.burst + 1)]
    messages = [world.post(a) for a in authors]
    for message_id in messages[:-1]:
        service.report_message(reporter, message_id, "spam")

    with pytest.raises(errors.ResourceExhausted) as refused:
        service.report_message(reporter, messages[-1], "spam")
    assert 0 < refused.value.retry_after_seconds <= REPORT_PACE.interval.total_seconds()
    # the same report again is no new report, so it is not paced
    assert service.report_message(reporter, messages[0], "spam")["outcome"] == "open"

    clock.advance(dt.timedelta(seconds=refused.value.retry_after_seconds))
    assert service.report_message(reporter, messages[-1], "spam")["outcome"] == "open"


def test_all_open_reports_about_one_person_form_one_case(service, world):
    author = world.member("sam")
    reporters = [world.member(name) for name in ("riley", "kai", "ash")]
    first, second = world.post(author, "one"), world.post(author, "two")
    world.join(author, OTHER_ROOM)
    world.join(reporters[0], OTHER_ROOM)
    service.report_message(reporters[0], first, "unkind")
    service.report_message(reporters[1], second, "abusive_language")
    service.report_person(reporters[2], ROOM, author, "talking_negatively")
    service.report_person(reporters[0], OTHER_ROOM, author, "spam")
    other_subject = world.member("max")
    service.report_person(reporters[1], ROOM, other_subject, "spam")

    cases = {c["subject"]["person_id"]: c for c in service.queue(world.admin())}
    assert set(cases) == {author, other_subject}
    assert cases[author]["reporter_count"] == 3 and len(cases[author]["reports"]) == 4
    assert cases[author]["room_slugs"] == sorted([ROOM, OTHER_ROOM])


def test_a_report_after_a_decision_opens_a_new_case(service, world):
    author, reporter, other = world.member("sam"), world.member("riley"), world.member("kai")
    message_id = world.post(author)
    admin = world.admin()
    first = service.report_message(reporter, message_id, "unkind")
    [case] = service.queue(admin)
    service.decide_case(admin, case["id"], "dismiss")

    again = service.report_message(reporter, message_id, "unkind")
    service.report_message(other, message_id, "unkind")

    assert again["id"] != first["id"]
    [new_case] = service.queue(admin)
    assert new_case["id"] != case["id"] and new_case["reporter_count"] == 2


def test_a_twin_opening_the_first_case_about_a_person_meets_it_and_joins_it(service, world, db, uow_factory):
    author, riley, kai = world.member("sam"), world.member("riley"), world.member("kai")
    message_id = world.post(author)
    # kai's report commits between riley's look for an open case and riley's commit
    db.before_next_commit = lambda: service.report_message(kai, message_id, "unkind")

    service.report_message(riley, message_id, "unkind")

    [case] = service.queue(world.admin())
    assert case["reporter_count"] == 2


def test_a_refused_person_report_does_not_tell_whether_the_person_is_in_the_room(service, world):
    """Someone outside a room (an adult probing a teen room) learns nothing from the refusal about who is in it."""
    outsider = world.member("mia", room=OTHER_ROOM)
    inside, away = world.member("sam"), world.member("max", room=OTHER_ROOM)
    answers = []
    for subject in (inside, away):
        with pytest.raises(errors.FailedPrecondition) as refused:
            service.report_person(outsider, ROOM, subject, "unkind")
        answers.append(str(refused.value))
    assert answers[0] == answers[1]
