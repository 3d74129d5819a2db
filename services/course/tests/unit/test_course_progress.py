"""Unit: requirements, progress and completion on fakes: participation per discussion (in any section), quizzes (the key
never in a view, attempts), the practicum's thresholds from room's sessions, mentors' reviews and reminders,
completion exactly once with a verifiable certificate, revocation, and edits that never take a completion away."""
import dataclasses
import datetime as dt
import json
import uuid

import pytest
from course_world import QUESTION_POST, FakeBlocks

from course_service.adapters.certificates import Ed25519Signer
from course_service.domain.completions import ONE_COMPLETION
from course_service.domain.courses import check_requirements
from course_service.domain.errors import InvalidCourse
from course_service.service_layer.services import Caller, CourseService
from hearth_common import errors
from hearth_common.contracts import course as course_contract
from hearth_common.contracts import identity as identity_contract
from hearth_common.contracts import room as room_contract
from hearth_common.unit_of_work import UniqueViolation

COURSE = "group-dynamics"
DISCUSSIONS = [("intro", "Introduction to Group Support"), ("building", "Building a Group"),
               ("stages", "The Stages of a Group")]
QUIZ = {"kind": "quiz", "id": "check", "title": "Group Dynamics Check", "pass_mark": 2, "max_attempts": 3,
        "questions": [{"id": "q1", "text": "First?", "options": ["a", "b", "c"], "answer": 1},
                      {"id": "q2", "text": "Second?", "options": ["a", "b"], "answer": 0},
                      {"id": "q3", "text": "Third?", "options": ["a", "b", "c"], "answer": 2}]}
RIGHT, WRONG = [1, 0, 2], [0, 1, 0]
PRACTICUM = {"kind": "practicum", "min_minutes": 30, "min_attendees": 2, "requires_script": True}
FULL = [{"kind": "participate", "min_words": 5}, QUIZ, PRACTICUM, {"kind": "mentor_approval"}]
FIVE_WORDS = "one two three four five"


@pytest.fixture
def admin(world):
    return world.admin()


def make_course(service, admin, requirements, slug=COURSE, badge="group-dynamics-graduate"):
    service.create_course(admin, slug=slug, title="Group Dynamics Course", status="published", badge_slug=badge,
                          requirements=requirements)
    for discussion_id, title in DISCUSSIONS:
        service.add_discussion(admin, slug, discussion_id=discussion_id, title=title, opening_post=QUESTION_POST)
    return slug


@pytest.fixture
def post(service, clock):
    def post(caller, discussion, body=FIVE_WORDS, course=COURSE):
        clock.advance(seconds=3)
        return service.threads.create_post(caller, course, discussion, body)
    return post


def learner(service, world, name="lena", cohort="adult", courses=(COURSE,)) -> Caller:
    person = world.listener(name, cohort)
    for slug in courses:
        service.enrol(person, slug)
    return person


def session_ended(leader: Caller, *, minutes=30, attendees=2, script="circle-basic", kind="support",
                  session_id=None, ended_at=None, extra_ids=()) -> dict:
    ended_at = ended_at or dt.datetime(2025, 6, 15, 11, tzinfo=dt.timezone.utc)  # before the fake clock starts
    attendee_ids = (leader.person_id, *extra_ids, *(str(uuid.uuid4()) for _ in range(attendees)))
    payload = room_contract.SessionEnded(
        session_id=session_id or str(uuid.uuid4()), room_slug="sharing-circle", topic="Practice", kind=kind,
        leader_id=leader.person_id, attendee_ids=attendee_ids, started_at=ended_at - dt.timedelta(minutes=minutes),
        ended_at=ended_at, duration_seconds=minutes * 60, seq=1, ended_by=leader.person_id,
        ended_automatically=False, script_id=script)
    return {**payload.event().envelope("room"), "seq": 1}


def published(db, event_type):
    return [course_contract.parse({**e.envelope("course"), "seq": n}).payload
            for n, e in enumerate(db.published, start=1) if e.type == event_type]


def progress_of(service, caller, course=COURSE, person_id=""):
    return service.progress.get_progress(caller, course, person_id)


def by_kind(view):
    return {r.kind: r for r in view.requirements}


# --- requirement kinds, parsed in the domain --------------------------------------------------------------------

@pytest.mark.parametrize(("requirements", "field"), [
    ([{"kind": "participate", "min_words": 0}], "requirements[0].min_words"),
    ([{"kind": "participate", "min_words": 5, "extra": 1}], "requirements[0] has unknown keys: extra"),
    ([{**QUIZ, "pass_mark": 4}], "requirements[0].pass_mark"),
    ([{**QUIZ, "questions": []}], "requirements[0].questions"),
    ([{**QUIZ, "questions": [{**QUIZ["questions"][0], "answer": 3}]}], "requirements[0].questions[0].answer"),
    ([{**QUIZ, "questions": [{**QUIZ["questions"][0], "options": ["only"]}]}], "requirements[0].questions[0].options"),
    ([{**QUIZ, "max_attempts": 0}], "requirements[0].max_attempts"),
    ([{**PRACTICUM, "requires_script": "yes"}], "requirements[0].requires_script"),
    ([{**PRACTICUM, "min_minutes": -1}], "requirements[0].min_minutes"),
    ([{"kind": "mentor_approval"}], "mentor_approval approves a practicum"),
    ([QUIZ, QUIZ], "every quiz needs its own id"),
    ([PRACTICUM, PRACTICUM], "may list practicum once"),
])
def test_malformed_requirements_are_refused_naming_the_field(requirements, field):
    with pytest.raises(InvalidCourse, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_requirements(requirements)


def test_authoring_requirements_through_update_course_checks_them(service, admin):
    make_course(service, admin, [])
    with pytest.raises(errors.InvalidArgument, match=r"requirements\[1\]\.questions"):
        service.update_course(admin, COURSE, {"requirements": [PRACTICUM, {**QUIZ, "questions": "none"}]})
    view = service.update_course(admin, COURSE, {"requirements": FULL})
    assert [r["kind"] for r in view.course.requirements] == ["participate", "quiz", "practicum", "mentor_approval"]


# --- participate --------------------------------------------------------------------------------------------

def test_participation_needs_a_reply_of_enough_words_in_each_discussion(service, world, admin, post):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}, QUIZ])
    lena = learner(service, world)
    post(lena, "intro")
    post(lena, "building", "too short here")
    detail = by_kind(progress_of(service, lena))["participate"]
    assert not detail.met
    assert detail.detail == "replied in 1 of 3 discussions: missing Building a Group, The Stages of a Group"
    assert progress_of(service, lena).next_step == "post a reply of at least 5 words in Building a Group"
    post(lena, "building")
    post(lena, "stages")
    assert by_kind(progress_of(service, lena))["participate"].met


def test_a_deleted_reply_no_longer_counts(service, world, admin, post):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}, QUIZ])
    lena = learner(service, world)
    replies = [post(lena, d) for d, _ in DISCUSSIONS]
    assert by_kind(progress_of(service, lena))["participate"].met
    service.threads.delete_post(lena, replies[0].post.id)
    assert "missing Introduction to Group Support" in by_kind(progress_of(service, lena))["participate"].detail


def test_replies_written_before_a_move_of_section_still_count(service, world, admin, post, db):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}, QUIZ])
    sam = learner(service, world, "sam", cohort="teen")
    post(sam, "intro")
    post(sam, "building")
    # Sam turns 18 mid-course: the enrolment moves to the adult section, and the teen-section replies still count.
    world.deliver(identity_contract.CohortChanged(person_id=sam.person_id, previous_cohort="teen", cohort="adult"))
    progress = progress_of(service, sam)
    assert progress.section == "adult"
    assert by_kind(progress)["participate"].detail.startswith("replied in 2 of 3")
    assert post(sam, "stages").post.section == "adult"
    assert by_kind(progress_of(service, sam))["participate"].met
    service.progress.submit_quiz_attempt(sam, COURSE, "check", RIGHT)
    [completed] = published(db, "course_completed")
    assert (completed.person_id, completed.section) == (sam.person_id, "adult")


# --- quiz ---------------------------------------------------------------------------------------------------

def test_the_answer_key_is_never_in_a_learners_view(service, world, admin):
    make_course(service, admin, [QUIZ])
    lena = learner(service, world)
    quiz = service.progress.get_quiz(lena, COURSE, "check")
    assert [q.options for q in quiz.questions] == [("a", "b", "c"), ("a", "b"), ("a", "b", "c")]
    assert all(not hasattr(q, "answer") for q in quiz.questions)
    assert "answer" not in json.dumps([dataclasses.asdict(q) for q in quiz.questions])
    shown = service.get_course(lena, COURSE).listing.course
    assert "answer" not in json.dumps(shown.requirements)
    assert all("answer" not in json.dumps(item.course.requirements) for item in service.list_courses(lena))
    result = service.progress.submit_quiz_attempt(lena, COURSE, "check", WRONG)
    assert "answer" not in json.dumps(dataclasses.asdict(result))
    assert service.get_course(admin, COURSE).listing.course.requirements[0]["questions"][0]["answer"] == 1


def test_attempts_are_scored_on_the_server_and_limited(service, world, admin):
    make_course(service, admin, [QUIZ])
    lena = learner(service, world)
    first = service.progress.submit_quiz_attempt(lena, COURSE, "check", [1, 1, 0])
    assert (first.score, first.out_of, first.passed, first.attempts_left) == (1, 3, False, 2)
    assert by_kind(progress_of(service, lena))["quiz"].detail.startswith("quiz Group Dynamics Check: 2 of 3 "
                                                                         "attempts left")
    service.progress.submit_quiz_attempt(lena, COURSE, "check", WRONG)
    service.progress.submit_quiz_attempt(lena, COURSE, "check", WRONG)
    with pytest.raises(errors.FailedPrecondition, match="every attempt"):
        service.progress.submit_quiz_attempt(lena, COURSE, "check", RIGHT)
    assert "no attempts left" in by_kind(progress_of(service, lena))["quiz"].detail


def test_a_passed_quiz_takes_no_more_attempts(service, world, admin):
    make_course(service, admin, [QUIZ])
    lena = learner(service, world)
    result = service.progress.submit_quiz_attempt(lena, COURSE, "check", [1, 0, 0])
    assert (result.score, result.passed, result.attempts_left) == (2, True, 2)
    with pytest.raises(errors.FailedPrecondition, match="passed"):
        service.progress.submit_quiz_attempt(lena, COURSE, "check", RIGHT)
    assert service.progress.get_quiz(lena, COURSE, "check").attempts_left == 0


@pytest.mark.parametrize(("answers", "field"), [([1, 0], "answers must hold one option index per question"),
                                                ([1, 0, 3], r"answers\[2\]"), ([1, True, 0], r"answers\[1\]")])
def test_malformed_answers_are_refused_and_use_no_attempt(service, world, admin, answers, field):
    make_course(service, admin, [QUIZ])
    lena = learner(service, world)
    with pytest.raises(errors.InvalidArgument, match=field):
        service.progress.submit_quiz_attempt(lena, COURSE, "check", answers)
    assert service.progress.get_quiz(lena, COURSE, "check").attempts_left == 3


def test_quizzes_are_for_enrolled_learners(service, world, admin):
    make_course(service, admin, [QUIZ])
    stranger = world.listener("stranger")
    with pytest.raises(errors.PermissionDenied):
        service.progress.get_quiz(stranger, COURSE, "check")
    with pytest.raises(errors.PermissionDenied):
        service.progress.submit_quiz_attempt(stranger, COURSE, "check", RIGHT)
    with pytest.raises(errors.NotFound):
        service.progress.get_quiz(admin, COURSE, "no-such-quiz")


# --- practicum ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "met"), [
    ({}, True),  # exactly at the thresholds: 30 minutes, 2 attendees besides the leader, a script
    ({"minutes": 29}, False),
    ({"attendees": 1}, False),
    ({"script": None}, False),
])
def test_the_practicum_counts_a_session_led_at_the_thresholds(service, world, admin, kwargs, met):
    make_course(service, admin, [PRACTICUM])
    lena = learner(service, world)
    assert service.progress.record_session(session_ended(lena, **kwargs))
    assert by_kind(progress_of(service, lena))["practicum"].met is met


def test_the_leader_is_not_counted_as_an_attendee(service, world, admin):
    make_course(service, admin, [PRACTICUM])
    lena = learner(service, world)
    # room lists the leader among attendee_ids, and once more by mistake: still one attendee besides her
    service.progress.record_session(session_ended(lena, attendees=1, extra_ids=(lena.person_id,)))
    practicum = by_kind(progress_of(service, lena))["practicum"]
    assert not practicum.met
    assert practicum.detail == "practicum: lead a session of at least 30 minutes with 2 attendees using a script"


def test_only_sessions_the_learner_led_and_of_the_named_kinds_count(service, world, admin):
    make_course(service, admin, [{**PRACTICUM, "session_kinds": ["circle"]}])
    lena, other = learner(service, world), world.listener("other")
    service.progress.record_session(session_ended(other, extra_ids=(lena.person_id,)))  # lena attended
    service.progress.record_session(session_ended(lena, kind="support"))
    assert not by_kind(progress_of(service, lena))["practicum"].met
    service.progress.record_session(session_ended(lena, kind="circle"))
    assert by_kind(progress_of(service, lena))["practicum"].met


def test_a_redelivered_session_changes_nothing(service, world, admin, db):
    make_course(service, admin, [PRACTICUM])
    lena = learner(service, world)
    envelope = session_ended(lena)
    assert service.progress.record_session(envelope)
    before = db.snapshot()
    assert not service.progress.record_session(envelope)
    assert db.snapshot() == before
    again = {**session_ended(lena, session_id=envelope["data"]["session_id"])}  # same session, new event id
    assert not service.progress.record_session(again)
    with service.uow_factory() as uow:
        assert len(uow.led_sessions.of_leader(lena.person_id)) == 1


def test_enrolling_again_completes_a_course_whose_requirements_are_met_already(service, world, admin, post, db):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}, QUIZ])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    service.progress.submit_quiz_attempt(lena, COURSE, "check", WRONG)
    service.withdraw(lena, COURSE)
    # Passed at once after an admin drops the quiz: not complete until lena acts; enrolling again is such an act.
    service.update_course(admin, COURSE, {"requirements": [{"kind": "participate", "min_words": 5}]})
    assert not progress_of(service, lena).complete
    service.enrol(lena, COURSE)
    assert progress_of(service, lena).complete and len(published(db, "course_completed")) == 1


def test_sessions_led_before_enrolling_complete_the_course_at_enrolment(service, world, admin, db):
    make_course(service, admin, [PRACTICUM])
    lena = world.listener("lena")
    service.progress.record_session(session_ended(lena))
    service.enrol(lena, COURSE)
    assert progress_of(service, lena).complete and len(published(db, "course_completed")) == 1


def test_a_session_counts_for_every_course_with_a_practicum(service, world, admin):
    make_course(service, admin, [PRACTICUM])
    make_course(service, admin, [{**PRACTICUM, "min_minutes": 10}], slug="crisis-basics", badge=None)
    lena = learner(service, world, courses=(COURSE, "crisis-basics"))
    service.progress.record_session(session_ended(lena))
    assert progress_of(service, lena).complete and progress_of(service, lena, "crisis-basics").complete


# --- mentor approval ----------------------------------------------------------------------------------------

@pytest.fixture
def mentored(service, world, admin):
    """A learner in the full course with a mentor assigned."""
    make_course(service, admin, FULL)
    lena, mia = learner(service, world), world.listener("mia")
    service.progress.assign_mentor(admin, COURSE, lena.person_id, mia.person_id)
    return lena, mia


def test_only_admins_assign_mentors(service, world, admin):
    make_course(service, admin, FULL)
    lena, mia = learner(service, world), world.listener("mia")
    with pytest.raises(errors.PermissionDenied):
        service.progress.assign_mentor(lena, COURSE, lena.person_id, mia.person_id)
    with pytest.raises(errors.InvalidArgument):
        service.progress.assign_mentor(admin, COURSE, lena.person_id, lena.person_id)


# Issue 17 §2: a mentor sees the learner's section (their cohort) and username, and exchanges feedback with them.

def test_a_teens_mentor_is_a_teen_or_a_moderator_of_every_room_or_an_admin(service, world, admin, clock):
    make_course(service, admin, FULL)
    tia = learner(service, world, "tia", "teen")
    adult, teen = world.listener("abe"), world.listener("tom", "teen")
    one_room_moderator, leader, lapsed = world.listener("olga"), world.listener("leo"), world.listener("lapsed")
    world.grant(one_room_moderator, identity_contract.CHAT_ROOM_MODERATOR, room_id=str(uuid.uuid4()))
    world.grant(leader, identity_contract.SUPPORT_SESSION_LEADER)
    world.grant(lapsed, identity_contract.CHAT_ROOM_MODERATOR, expires_at=clock() + dt.timedelta(minutes=1))
    clock.advance(minutes=2)
    for refused in (adult, one_room_moderator, leader, lapsed):
        with pytest.raises(errors.FailedPrecondition) as refusal:
            service.progress.assign_mentor(admin, COURSE, tia.person_id, refused.person_id)
        assert str(refusal.value) == (
            "mentor_id: a mentor must be in the learner's section (teen) or be a moderator of every room or an "
            "admin; choose someone from the teen section, or grant this person one of those roles first")
        assert service.progress.list_mentor_queue(refused) == []
    with pytest.raises(errors.PermissionDenied):  # nothing was assigned: the adult is not her mentor
        progress_of(service, adult, person_id=tia.person_id)
    moderator, other_admin = world.listener("mo"), world.admin("ada_two")
    world.grant(moderator, identity_contract.CHAT_ROOM_MODERATOR)
    for allowed in (teen, moderator, other_admin):
        assert service.progress.assign_mentor(admin, COURSE, tia.person_id, allowed.person_id).mentor_id == \
            allowed.person_id
        assert progress_of(service, allowed, person_id=tia.person_id).section == "teen"


def test_an_adults_mentor_is_not_a_teen(service, world, admin):
    make_course(service, admin, FULL)
    lena, tom = learner(service, world), world.listener("tom", "teen")
    with pytest.raises(errors.FailedPrecondition, match=r"learner's section \(adult\)"):
        service.progress.assign_mentor(admin, COURSE, lena.person_id, tom.person_id)


def test_a_mentor_who_may_no_longer_mentor_the_learner_sees_and_reviews_nothing(service, db, world, admin, clock):
    make_course(service, admin, FULL)
    tia, ben = learner(service, world, "tia", "teen"), learner(service, world, "ben", "teen")
    tom, mo = world.listener("tom", "teen"), world.listener("mo")
    grant = world.grant(mo, identity_contract.CHAT_ROOM_MODERATOR)
    service.progress.assign_mentor(admin, COURSE, tia.person_id, mo.person_id)  # an adult moderator
    service.progress.assign_mentor(admin, COURSE, ben.person_id, tom.person_id)  # a teen peer
    service.progress.record_session(session_ended(tia))
    service.progress.record_session(session_ended(ben))
    assert [i.username for i in service.progress.list_mentor_queue(mo)] == ["tia"]
    assert [i.username for i in service.progress.list_mentor_queue(tom)] == ["ben"]

    world.revoke(mo, grant, identity_contract.CHAT_ROOM_MODERATOR)  # the adult is no longer staff
    world.turn_18(ben)  # the learner moved to the adult section; his mentor is a teen
    clock.advance(days=3, minutes=1)
    assert service.progress.remind_mentors() == 0  # recorded, but neither mentor is told of the learner
    assert published(db, "mentor_review_overdue") == []
    for mentor, learner_ in ((mo, tia), (tom, ben)):
        assert service.progress.list_mentor_queue(mentor) == []
        with pytest.raises(errors.PermissionDenied) as refused:
            progress_of(service, mentor, person_id=learner_.person_id)
        assert "teen" not in str(refused.value) and "adult" not in str(refused.value)
        with pytest.raises(errors.PermissionDenied):
            service.progress.review_practicum(mentor, COURSE, learner_.person_id, "approve", "Well held.")
    world.grant(mo, identity_contract.ADMIN)  # staff again: the queue is theirs again
    assert [i.username for i in service.progress.list_mentor_queue(mo)] == ["tia"]


def test_the_mentor_sees_the_practicum_once_it_is_met_and_approves(service, world, mentored, clock, post):
    lena, mia = mentored
    assert service.progress.list_mentor_queue(mia) == []
    assert "no mentor" not in by_kind(progress_of(service, lena))["mentor_approval"].detail
    service.progress.record_session(session_ended(lena))
    queue = service.progress.list_mentor_queue(mia)
    assert [(i.mentorship.person_id, i.username, len(i.sessions)) for i in queue] == [(lena.person_id, "lena", 1)]
    with pytest.raises(errors.PermissionDenied):
        service.progress.review_practicum(lena, COURSE, lena.person_id, "approve", "")
    service.progress.review_practicum(mia, COURSE, lena.person_id, "approve", "Well held.")
    assert by_kind(progress_of(service, lena))["mentor_approval"].met
    assert service.progress.list_mentor_queue(mia) == []


def test_every_use_case_locks_the_enrolment_before_the_mentorship(service, world, mentored, db, post):
    lena, mia = mentored
    service.progress.record_session(session_ended(lena))
    post(lena, "intro")
    service.progress.review_practicum(mia, COURSE, lena.person_id, "approve", "Well held.")
    by_transaction: dict[int, list[str]] = {}
    for transaction, table, course, person in db.locks:
        if (course, person) == (COURSE, lena.person_id):
            by_transaction.setdefault(transaction, []).append(table)
    taking_both = [tables for tables in by_transaction.values() if "mentorships" in tables]
    assert len(taking_both) >= 3  # the session's settle, the post's settle and the review
    assert all(tables[0] == "enrolments" for tables in taking_both)


def test_returning_needs_feedback_and_a_new_session_puts_it_back(service, world, mentored, clock):
    lena, mia = mentored
    service.progress.record_session(session_ended(lena))
    with pytest.raises(errors.InvalidArgument, match="feedback"):
        service.progress.review_practicum(mia, COURSE, lena.person_id, "return", " ")
    service.progress.review_practicum(mia, COURSE, lena.person_id, "return", "Invite quieter voices.")
    mentor = by_kind(progress_of(service, lena))["mentor_approval"]
    assert not mentor.met and "Invite quieter voices." in mentor.detail
    assert service.progress.list_mentor_queue(mia) == []
    with pytest.raises(errors.FailedPrecondition):
        service.progress.review_practicum(mia, COURSE, lena.person_id, "approve", "")
    later = clock.advance(days=1)
    service.progress.record_session(session_ended(lena, ended_at=later))
    assert len(service.progress.list_mentor_queue(mia)) == 1


def test_a_mentor_sees_their_learners_progress_and_others_do_not(service, world, mentored):
    lena, mia = mentored
    stranger = world.listener("stranger")
    assert progress_of(service, mia, person_id=lena.person_id).person_id == lena.person_id
    with pytest.raises(errors.PermissionDenied):
        progress_of(service, stranger, person_id=lena.person_id)


def test_a_review_waiting_more_than_3_days_is_reminded_once_per_3_days(service, world, mentored, clock):
    lena, mia = mentored
    service.progress.record_session(session_ended(lena))
    clock.advance(days=3)
    assert service.progress.remind_mentors() == 0  # exactly 3 days is not more than 3
    assert not service.progress.list_mentor_queue(mia)[0].overdue
    clock.advance(minutes=1)
    assert service.progress.remind_mentors() == 1
    assert service.progress.list_mentor_queue(mia)[0].overdue
    assert service.progress.list_mentor_queue(mia)[0].mentorship.reminded_at == clock()
    assert by_kind(progress_of(service, lena))["mentor_approval"].overdue
    clock.advance(days=1)
    assert service.progress.remind_mentors() == 0
    clock.advance(days=2)
    assert service.progress.remind_mentors() == 1


def test_each_reminder_is_announced_once_to_the_mentor_with_the_course_and_the_learner(service, db, world, mentored,
                                                                                     clock):
    lena, mia = mentored
    service.progress.record_session(session_ended(lena))
    waiting_since = clock()
    clock.advance(days=3, minutes=1)
    service.progress.remind_mentors()
    first_reminder = clock()
    service.progress.remind_mentors()  # the same reminder is not announced again
    clock.advance(days=1)
    service.progress.remind_mentors()
    [overdue] = published(db, "mentor_review_overdue")
    assert (overdue.mentor_id, overdue.course_slug, overdue.course_title, overdue.learner_username,
            overdue.waiting_since, overdue.reminded_at) == (
        mia.person_id, COURSE, "Group Dynamics Course", "lena", waiting_since, first_reminder)
    clock.advance(days=2)
    service.progress.remind_mentors()
    first, second = published(db, "mentor_review_overdue")
    assert second.reminder_id != first.reminder_id and second.reminded_at == clock()


# --- completion ---------------------------------------------------------------------------------------------

def complete_everything(service, lena, mia, post):
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    service.progress.submit_quiz_attempt(lena, COURSE, "check", RIGHT)
    service.progress.record_session(session_ended(lena))
    service.progress.review_practicum(mia, COURSE, lena.person_id, "approve", "Well held.")


def test_meeting_every_requirement_completes_once_with_a_certificate_and_an_event(service, world, mentored, post,
                                                                                  db, clock):
    lena, mia = mentored
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    service.progress.submit_quiz_attempt(lena, COURSE, "check", RIGHT)
    service.progress.record_session(session_ended(lena))
    view = progress_of(service, lena)
    assert not view.complete and view.next_step == "wait for your mentor's review"
    service.progress.review_practicum(mia, COURSE, lena.person_id, "approve", "Well held.")
    view = progress_of(service, lena)
    assert view.complete and view.next_step == "you completed the course"
    [event] = published(db, "course_completed")
    completion = view.completion
    assert (event.completion_id, event.person_id, event.badge_slug, event.certificate_id, event.section) == (
        completion.id, lena.person_id, "group-dynamics-graduate", completion.certificate_id, "adult")
    post(lena, "intro", "one more reply after completing the course")  # another trigger: nothing more
    service.progress.record_session(session_ended(lena))
    assert len(published(db, "course_completed")) == 1
    sent = json.dumps([e.envelope("course") for e in db.published], default=str)
    assert '"answer"' not in sent and "Second?" not in sent  # no event carries the quiz or its key
    check = service.progress.verify_certificate(completion.certificate_id)
    assert check.valid and not check.revoked
    document = json.loads(check.document)
    assert (document["username"], document["course_title"], document["completed_on"]) == (
        "lena", "Group Dynamics Course", clock().date().isoformat())


def test_a_post_alone_can_complete_a_course(service, world, admin, post, db):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    assert progress_of(service, lena).complete and len(published(db, "course_completed")) == 1


def test_a_course_without_requirements_is_never_completed(service, world, admin, post, db):
    make_course(service, admin, [])
    lena = learner(service, world)
    post(lena, "intro")
    assert not progress_of(service, lena).complete and published(db, "course_completed") == []


def test_two_racing_triggers_complete_once(service, world, admin, post, db, uow_factory):
    """A twin trigger commits its completion between this one's check and its insert: the UNIQUE of one
    completion per learner and course turns this one into nothing, and the edit that triggered it still stands."""
    make_course(service, admin, [{"kind": "participate", "min_words": 5}, QUIZ])
    lena = learner(service, world)
    replies = [post(lena, discussion) for discussion, _ in DISCUSSIONS]
    service.update_course(admin, COURSE, {"requirements": [{"kind": "participate", "min_words": 5}]})

    def twin_completes():
        with uow_factory() as uow:
            assert service.progress.settle(uow, COURSE, lena.person_id, service.clock()) is not None
            uow.commit()

    db.before_next_insert = ("completions", twin_completes)
    edited = service.threads.edit_post(lena, replies[0].post.id, FIVE_WORDS + " six")
    assert edited.body.endswith("six")
    assert len(published(db, "course_completed")) == 1
    assert len(db.rows("completions")) == 1


def test_the_fake_refuses_a_second_completion_as_the_table_does(service, world, admin, post, uow_factory):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    with uow_factory() as uow:
        completion = dataclasses.replace(uow.completions.of_learner(COURSE, lena.person_id), id=str(uuid.uuid4()))
        with pytest.raises(UniqueViolation) as clash:
            uow.completions.add(completion)
    assert clash.value.constraint == ONE_COMPLETION


def test_a_tampered_certificate_fails_to_verify(service, world, admin, post, db, uow_factory):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    completion = progress_of(service, lena).completion
    with uow_factory() as uow:
        stored = uow.completions.get(completion.id)
        stored.username = "mallory"
        uow.completions.save(stored)
        uow.commit()
    check = service.progress.verify_certificate(completion.certificate_id)
    assert not check.valid and json.loads(check.document)["username"] == "mallory"
    with pytest.raises(errors.NotFound):
        service.progress.verify_certificate(str(uuid.uuid4()))


def test_a_certificate_signed_by_another_key_fails_to_verify(service, world, admin, post, db, uow_factory):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    completion = progress_of(service, lena).completion
    forger = Ed25519Signer.generate()
    with uow_factory() as uow:
        stored = uow.completions.get(completion.id)
        stored.key_id, stored.signature = service.progress.signer.key_id, forger.sign(stored.certificate_document())
        uow.completions.save(stored)
        uow.commit()
    check = service.progress.verify_certificate(completion.certificate_id)
    assert not check.valid and check.detail == "not valid: the signature does not match the certificate's facts"


def completed(service, world, admin, post, name="lena"):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world, name, cohort="teen")
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    return progress_of(service, lena).completion


def test_a_certificate_shows_only_its_signed_facts(service, world, admin, post, clock, signer):
    completion = completed(service, world, admin, post)
    service.progress.revoke_completion(admin, completion.id, "a private reason")
    check = service.progress.verify_certificate(completion.certificate_id)
    assert (check.certificate_id, check.username, check.course_title, check.completed_on) == (
        completion.certificate_id, "lena", "Group Dynamics Course", clock().date().isoformat())
    assert check.valid and check.revoked and check.revoked_at == clock() and check.detail == "valid; revoked"
    assert (check.key_id, check.public_key_pem, check.key_retired) == (signer.key_id, signer.public_key_pem, False)
    assert json.loads(check.document) == {"version": 2, "certificate_id": completion.certificate_id,
                                          "username": "lena", "course_title": "Group Dynamics Course",
                                          "completed_on": clock().date().isoformat()}
    shown = json.dumps(dataclasses.asdict(check), default=str)
    assert completion.person_id not in shown and "teen" not in shown and "private reason" not in shown


def test_a_certificate_of_a_retired_key_verifies_and_an_unknown_key_does_not(service, world, admin, post, clock,
                                                                              signer, uow_factory):
    completion = completed(service, world, admin, post)
    rotated = Ed25519Signer.generate(retired=[signer._key.public_key()])
    check = CourseService(uow_factory, rotated, clock=clock, blocks=FakeBlocks()).progress.verify_certificate(
        completion.certificate_id)
    assert check.valid and check.key_retired and check.detail == "valid: signed by a retired key of this service"
    assert (check.key_id, check.public_key_pem) == (signer.key_id, signer.public_key_pem)
    forgotten = CourseService(uow_factory, Ed25519Signer.generate(), clock=clock, blocks=FakeBlocks())
    check = forgotten.progress.verify_certificate(completion.certificate_id)
    assert not check.valid and check.detail == "not valid: signed by a key this service does not know"
    assert (check.key_id, check.public_key_pem) == (signer.key_id, "")


def test_a_certificate_signed_before_version_2_still_verifies_without_showing_its_text(
        service, world, admin, post, signer, uow_factory):
    completion = completed(service, world, admin, post)
    with uow_factory() as uow:
        stored = uow.completions.get(completion.id)
        stored.signature = signer.sign(stored.legacy_certificate_document())  # names the person id
        uow.completions.save(stored)
        uow.commit()
    check = service.progress.verify_certificate(completion.certificate_id)
    assert check.valid and check.document == "" and check.username == "lena"


# --- revocation and edits -----------------------------------------------------------------------------------

def test_an_admin_revokes_a_completion_once_and_the_certificate_says_so(service, world, admin, post, db):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    completion = progress_of(service, lena).completion
    with pytest.raises(errors.PermissionDenied):
        service.progress.revoke_completion(lena, completion.id, "no")
    with pytest.raises(errors.InvalidArgument, match="reason"):
        service.progress.revoke_completion(admin, completion.id, "")
    service.progress.revoke_completion(admin, completion.id, "plagiarised replies")
    service.progress.revoke_completion(admin, completion.id, "again")
    [event] = published(db, "completion_revoked")
    assert (event.completion_id, event.revoked_by, event.reason, event.badge_slug) == (
        completion.id, admin.person_id, "plagiarised replies", "group-dynamics-graduate")
    check = service.progress.verify_certificate(completion.certificate_id)
    assert check.valid and check.revoked
    view = progress_of(service, lena)
    assert not view.complete and view.completion.revoked


def test_an_edit_of_the_requirements_never_takes_a_completion_away(service, world, admin, post, db):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena = learner(service, world)
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    service.update_course(admin, COURSE, {"requirements": FULL})
    view = progress_of(service, lena)
    assert view.complete and not by_kind(view)["quiz"].met
    assert service.progress.verify_certificate(view.completion.certificate_id).valid
    assert published(db, "completion_revoked") == []


def test_completions_are_listed_to_admins_and_to_their_learner(service, world, admin, post):
    make_course(service, admin, [{"kind": "participate", "min_words": 5}])
    lena, bo = learner(service, world), learner(service, world, "bo")
    for discussion, _ in DISCUSSIONS:
        post(lena, discussion)
    assert [c.person_id for c in service.progress.list_completions(admin, COURSE)] == [lena.person_id]
    assert [c.person_id for c in service.progress.list_completions(lena)] == [lena.person_id]
    assert service.progress.list_completions(bo) == []
    with pytest.raises(errors.PermissionDenied):
        service.progress.list_completions(bo, person_id=lena.person_id)
