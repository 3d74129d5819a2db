"""Unit tests of course posts moderated like room messages (issue 15 section 2): course's post events kept in the
read model and scanned by the same automod rules and crisis reading, ReportCoursePost, the queue's scope over a
course's sections, and the removal a decision asks of course, made by the one action runner."""
from __future__ import annotations

import pytest
from moderation_unit_helpers import ROOM
from moderation_world import COURSE, DISCUSSION

from hearth_common import errors
from moderation_service.domain import room_actions as actions
from moderation_service.domain.automod_rules import AUTOMOD
from moderation_service.domain.reports import REPORT_PACE

PLACE = f"course:{COURSE}"
CONTACT = "add me on insta, my handle is sharer_99"
PLAN = "i have the pills saved up and i'm going to take them all tonight"


@pytest.fixture
def admin(world):
    return world.admin()


@pytest.fixture
def course_moderator(world):
    """An adult chat room moderator of every room: a course's adult section is theirs."""
    return world.moderator("mo_every", None)


# --- automod and crisis care: the same code as room messages -------------------------------------------------------


def test_automod_flags_a_course_post_into_the_case_about_its_author_naming_course_and_discussion(
        service, world, admin, published):
    author = world.person("sharer")
    post_id = world.course_post(author, CONTACT)

    [case] = service.queue(admin)
    [report] = case["reports"]
    assert case["subject"]["person_id"] == author and report["reporter_id"] == AUTOMOD
    assert (report["message_id"], report["reason"], report["message_body"]) == (post_id, "contact_details", CONTACT)
    assert (report["course_slug"], report["discussion_id"], report["room_slug"]) == (COURSE, DISCUSSION, "")
    assert (case["course_slugs"], case["room_slugs"]) == ([COURSE], [])
    [event] = [e for e in published if e.type == "report_filed"]
    assert (event.data["room_slug"], event.data["course_slug"]) == (PLACE, COURSE)


def test_a_course_post_and_a_room_message_with_the_same_words_get_the_same_flags(service, world, admin):
    room_author, course_author = world.member("in_room"), world.person("in_course")
    world.post(room_author, CONTACT)
    world.course_post(course_author, CONTACT)
    notes = {c["subject"]["person_id"]: [r["note"] for r in c["reports"]] for c in service.queue(admin)}
    assert notes[room_author] == notes[course_author] == ["automod: default-contact-adult (contact)"]


def test_a_rule_scoped_to_a_room_does_not_read_course_posts_and_one_for_all_does(service, world, admin):
    service.automod.create_rule(admin, {"kind": "word", "pattern": "plums", "action": "flag",
                                        "explanation": "No plums.", "scope": f"room:{ROOM}"})
    author = world.person("plum_fan")
    world.course_post(author, "I love plums")
    assert service.queue(admin) == []
    service.automod.create_rule(admin, {"kind": "word", "pattern": "grapes", "action": "flag",
                                        "explanation": "No grapes.", "scope": "all"})
    world.course_post(author, "I love grapes")
    [case] = service.queue(admin)
    assert case["subject"]["person_id"] == author


def test_a_redelivered_or_edited_post_is_flagged_once_per_rule(service, world, admin, db):
    author = world.person("sharer")
    post_id = world.course_post(author, CONTACT)
    assert not world.service.apply_course_event(world.posted), "a redelivered event changes nothing"
    world.course_edit(author, post_id, CONTACT + " (edited)")
    [case] = service.queue(admin)
    assert len(case["reports"]) == 1 and len(db.rows("automod_flags")) == 1


def test_crisis_words_in_a_course_post_bring_care_and_a_page_never_a_case(pager, service, world, published, db):
    trained = world.moderator("mo_crisis", None)
    pager.go_on_duty(trained)
    author = world.person("learner")

    post_id = world.course_post(author, PLAN)

    [notice] = [e for e in published if e.type == "notice_issued"]
    assert (notice.data["person_id"], notice.data["kind"], notice.data["room_slug"]) == (author, "care", None)
    [flag] = [e for e in published if e.type == "crisis_flagged"]
    assert (flag.data["message_id"], flag.data["room_slug"], flag.data["course_slug"]) == (post_id, PLACE, COURSE)
    [page] = pager.list_pages(trained)
    assert (page["kind"], page["room_slug"], page["course_slug"], page["excerpt"]) == ("crisis", "", COURSE, PLAN)
    assert db.rows("cases") == [] and db.rows("reports") == []
    world.course_edit(author, post_id, PLAN + " really")
    assert [e.type for e in published].count("crisis_flagged") == 1, "one post is cared for once"


# --- ReportCoursePost ------------------------------------------------------------------------------------------------


def test_a_learner_reports_a_post_in_their_section_and_the_queue_shows_its_course_and_discussion(
        service, world, course_moderator, published):
    author, reporter = world.person("sam"), world.person("riley")
    post_id = world.course_post(author, "nobody cares what you think")

    report = service.report_course_post(reporter, post_id, "unkind", "not kind")

    assert (report["message_id"], report["course_slug"], report["discussion_id"]) == (post_id, COURSE, DISCUSSION)
    [case] = service.queue(course_moderator)
    assert case["subject"]["person_id"] == author
    assert case["reports"][0]["message_body"] == "nobody cares what you think"
    assert service.report_course_post(reporter, post_id, "spam") == report, "the same post again: the first report"
    assert [e.type for e in published].count("report_filed") == 1


def test_a_course_report_and_a_room_report_about_one_person_join_one_case(service, world, admin):
    author, reporter = world.member("sam"), world.member("riley")
    service.report_message(reporter, world.post(author), "unkind")
    service.report_course_post(reporter, world.course_post(author), "unkind")
    [case] = service.queue(admin)
    assert (case["room_slugs"], case["course_slugs"], len(case["reports"])) == ([ROOM], [COURSE], 2)


def test_only_the_posts_section_reports_and_nobody_reports_their_own_post(service, world):
    adult, teen = world.person("adult_sam"), world.person("teen_tia", cohort="teen")
    post_id = world.course_post(adult)
    with pytest.raises(errors.FailedPrecondition, match="your own section"):
        service.report_course_post(teen, post_id, "unkind")
    with pytest.raises(errors.FailedPrecondition, match="yourself"):
        service.report_course_post(adult, post_id, "unkind")


def test_a_post_and_a_room_message_are_reported_each_through_their_own_rpc(service, world):
    author, reporter = world.member("sam"), world.member("riley")
    post_id, message_id = world.course_post(author), world.post(author)
    with pytest.raises(errors.NotFound, match="no room message"):
        service.report_message(reporter, post_id, "unkind")
    with pytest.raises(errors.NotFound, match="no course post"):
        service.report_course_post(reporter, message_id, "unkind")
    with pytest.raises(errors.NotFound, match="no course post"):
        service.report_course_post(reporter, "never-posted", "unkind")
    with pytest.raises(errors.InvalidArgument, match="reason"):
        service.report_course_post(reporter, post_id, "boring")


def test_reporting_posts_is_paced_as_reporting_messages(service, world, clock):
    reporter = world.person("riley")
    posts = [world.course_post(world.person(f"author_{n}")) for n in range(REPORT_PACE.burst + 1)]
    for post_id in posts[:-1]:
        service.report_course_post(reporter, post_id, "unkind")
    with pytest.raises(errors.ResourceExhausted):
        service.report_course_post(reporter, posts[-1], "unkind")
    clock.advance(REPORT_PACE.interval)
    service.report_course_post(reporter, posts[-1], "unkind")


def test_many_reports_never_hide_a_course_post_pending_review(service, world, db):
    """course cannot show a post again, so no hide pending review: it waits for a moderator."""
    author = world.person("sam")
    post_id = world.course_post(author)
    for n in range(6):
        service.report_course_post(world.person(f"reporter_{n}"), post_id, "abusive_language")
    assert db.rows("hidden_messages") == [] and db.rows("room_actions") == []


# --- who decides, and the removal course makes -------------------------------------------------------------------


def test_a_teen_sections_posts_are_for_those_who_may_act_on_teens(service, world, admin):
    teen_author, teen_reporter = world.person("teen_sam", cohort="teen"), world.person("teen_tia", cohort="teen")
    service.report_course_post(teen_reporter, world.course_post(teen_author, section="teen"), "unkind")
    adult_everywhere = world.moderator("mo_adult", None)
    teen_everywhere = world.moderator("mo_teen", None, cohort="teen")
    teen_of_a_room = world.moderator("mo_teen_room", ROOM, cohort="teen")

    assert service.queue(adult_everywhere) == [] and service.queue(teen_of_a_room) == []
    [case] = service.queue(teen_everywhere)
    assert [c["id"] for c in service.queue(admin)] == [case["id"]]
    for refused in (adult_everywhere, teen_of_a_room):
        with pytest.raises(errors.NotFound):  # as a case that does not exist
            service.decide_case(refused, case["id"], "agree", remove_messages=True)
    service.decide_case(teen_everywhere, case["id"], "disagree")


def test_agreeing_with_removal_asks_course_to_remove_the_post_through_the_one_runner(
        service, world, course_moderator, runner, room, course, published):
    author, reporter = world.member("sam"), world.member("riley")
    post_id, message_id = world.course_post(author), world.post(author)
    service.report_course_post(reporter, post_id, "unkind")
    service.report_message(reporter, message_id, "unkind")
    admin = world.admin()
    [case] = service.queue(admin)

    decided = service.decide_case(admin, case["id"], "agree", remove_messages=True)

    assert sorted(decided["removed_message_ids"]) == sorted([post_id, message_id])
    assert runner.run_due() == 2
    assert course.removed == [(post_id, admin, "removed by moderation after review")]
    assert [m for m, _, _ in room.removed] == [message_id], "room is asked for its message only"
    assert runner.run_due() == 0, "each call made once"


def test_a_post_course_no_longer_has_is_gone_and_an_unanswered_call_is_retried(
        service, world, runner, course, clock, db):
    author, reporter, admin = world.person("sam"), world.person("riley"), world.admin()
    post_id = world.course_post(author)
    service.report_course_post(reporter, post_id, "unkind")
    [case] = service.queue(admin)
    service.decide_case(admin, case["id"], "agree", remove_messages=True)

    course.down = True
    runner.run_due()
    [action] = db.rows("room_actions")
    assert (action.kind, action.target, action.status, action.attempts) == (actions.REMOVE_POST, "course",
                                                                            actions.PENDING, 1)
    course.down, course.gone = False, {post_id}
    clock.advance(actions.LONGEST_RETRY)
    runner.run_due()
    [action] = db.rows("room_actions")
    assert action.status == actions.GONE and course.removed == []


# --- course's removals in the read model ---------------------------------------------------------------------------


def test_a_post_its_author_deletes_keeps_its_case_open_and_the_audit_log_notes_it(service, world, admin, db):
    author, reporter = world.person("sam"), world.person("riley")
    post_id = world.course_post(author, "nobody cares what you think")
    service.report_course_post(reporter, post_id, "unkind")

    world.course_remove(author, post_id)

    [case] = service.queue(admin)
    assert case["reports"][0]["message_body"] == "nobody cares what you think", "the report keeps the words"
    [note] = [e for e in db.rows("audit_log") if e.action == "course_post_removed"]
    assert (note.subject_ref, note.details["case_id"], note.details["by_moderation"]) == (post_id, case["id"], False)
    [message] = db.rows("messages")
    assert message.deleted


def test_a_removal_is_final_whatever_order_the_events_arrive_in(world, db):
    author = world.person("sam")
    post_id = world.course_post(author, "first words")
    world.course_remove(author, post_id, by_moderation=True, removed_by=world.admin())
    world.course_edit(author, post_id, "edited after (delivered late)")
    [message] = db.rows("messages")
    assert message.deleted and message.body == "first words"


def test_an_edit_stamped_with_the_posts_own_time_is_kept(world, db):
    author = world.person("sam")
    post_id = world.course_post(author, "first words")
    world.course_edit(author, post_id, "second words")  # the fake clock has not moved: the same instant
    [message] = db.rows("messages")
    assert message.body == "second words" and message.posted_at == world.clock()


def test_a_moderator_removes_a_course_post_directly_through_course(sanctions, world, runner, course, room, published):
    every_room, of_a_room = world.moderator("mo_every", None), world.moderator("mo_room", ROOM)
    author = world.person("sam")
    post_id = world.course_post(author)
    with pytest.raises(errors.PermissionDenied):
        sanctions.remove_message(of_a_room, post_id, "no contact details")

    removal = sanctions.remove_message(every_room, post_id, "no contact details")

    assert (removal["kind"], removal["message_id"], removal["room_slug"]) == ("message_removal", post_id, None)
    runner.run_due()
    assert course.removed == [(post_id, every_room, "no contact details")] and room.removed == []
    [notice] = [e for e in published if e.type == "notice_issued"]
    assert (notice.data["person_id"], notice.data["room_slug"]) == (author, None)
