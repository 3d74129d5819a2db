"""Integration: the tables of requirements and completion on the real PostgreSQL: rows round-trip, the UNIQUE rules
raise UniqueViolation naming their constraint (a second completion leaves its transaction usable), sessions are
recorded once, and a whole completion runs through the use cases."""
import dataclasses
import datetime as dt
import json
import uuid

import pytest
from course_world import QUESTION_POST, FakeBlocks, World

from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import uow_factory
from course_service.domain.completions import (
    ONE_ATTEMPT_NUMBER,
    ONE_COMPLETION,
    WAITING,
    Completion,
    Mentorship,
    QuizAttempt,
)
from course_service.domain.courses import Course
from course_service.domain.enrolments import ACTIVE, Enrolment
from course_service.domain.requirements import LedSession
from course_service.service_layer.services import CourseService
from hearth_common.clock import utcnow
from hearth_common.contracts import room as room_contract
from hearth_common.unit_of_work import UniqueViolation

SLUG = "group-dynamics"


@pytest.fixture(params=["transactional", "autocommit"])
def uows(request, clean_engine, course_autocommit_engine):
    """Each test twice: on the workers' engine, and on course-grpc's (autocommit: BEGIN with the first statement,
    where a completion's savepoint must still leave the rest of the transaction usable)."""
    return uow_factory(course_autocommit_engine if request.param == "autocommit" else clean_engine)


@pytest.fixture
def enrolled(uows):
    """A course and one learner enrolled in it: (person id, now)."""
    now, person = utcnow(), str(uuid.uuid4())
    with uows() as uow:
        uow.courses.add(Course.create(slug=SLUG, title="Group Dynamics Course", summary="", badge_slug=None,
                                      policy=None, status="published", requirements=[], created_by="a", now=now))
        uow.enrolments.add(Enrolment(SLUG, person, "adult", ACTIVE, now))
        uow.commit()
    return person, now


def a_completion(person, now, **changes):
    return dataclasses.replace(Completion(str(uuid.uuid4()), SLUG, person, "adult", "lena", "Group Dynamics Course",
                                          "group-dynamics-graduate", str(uuid.uuid4()), now, "k1", "sig"), **changes)


def test_quiz_attempts_round_trip_and_a_number_is_taken_once(uows, enrolled):
    person, now = enrolled
    attempt = QuizAttempt(str(uuid.uuid4()), SLUG, "check", person, 1, [1, 0, 2], 3, True, now)
    with uows() as uow:
        uow.quiz_attempts.add(attempt)
        uow.commit()
    with uows() as uow:
        assert uow.quiz_attempts.of_learner(SLUG, person) == [attempt]
        with pytest.raises(UniqueViolation) as clash:
            uow.quiz_attempts.add(dataclasses.replace(attempt, id=str(uuid.uuid4())))
    assert clash.value.constraint == ONE_ATTEMPT_NUMBER


def test_a_session_is_recorded_once(uows):
    session = LedSession("s-1", str(uuid.uuid4()), "sharing-circle", "support", 1800, 2, None, utcnow())
    with uows() as uow:
        assert uow.led_sessions.add(session)
        uow.commit()
    with uows() as uow:
        assert not uow.led_sessions.add(dataclasses.replace(session, duration_seconds=1))
        assert uow.led_sessions.of_leader(session.leader_id) == [session]


def test_mentorships_upsert_and_list_the_waiting_ones(uows, enrolled):
    person, now = enrolled
    mentor = str(uuid.uuid4())
    mentorship = Mentorship(SLUG, person, mentor, "admin", now)
    with uows() as uow:
        uow.mentorships.save(mentorship)
        uow.commit()
    mentorship.review, mentorship.waiting_since = WAITING, now - dt.timedelta(days=4)
    with uows() as uow:
        uow.mentorships.save(mentorship)
        uow.commit()
    with uows() as uow:
        assert uow.mentorships.get(SLUG, person) == mentorship
        assert uow.mentorships.of_mentor(mentor, WAITING) == [mentorship]
        assert uow.mentorships.waiting_since(now - dt.timedelta(days=3), 10) == [mentorship]
        assert uow.mentorships.waiting_since(now - dt.timedelta(days=5), 10) == []


def test_a_second_completion_is_refused_and_its_transaction_goes_on(uows, enrolled):
    person, now = enrolled
    first = a_completion(person, now)
    with uows() as uow:
        uow.completions.add(first)
        uow.commit()
    with uows() as uow:
        with pytest.raises(UniqueViolation) as clash:
            uow.completions.add(a_completion(person, now))
        assert clash.value.constraint == ONE_COMPLETION
        uow.quiz_attempts.add(QuizAttempt(str(uuid.uuid4()), SLUG, "check", person, 1, [0], 1, True, now))
        uow.commit()  # the savepoint kept the rest of the transaction
    with uows() as uow:
        assert uow.completions.of_learner(SLUG, person) == first
        assert uow.completions.by_certificate(first.certificate_id) == first
        assert len(uow.quiz_attempts.of_learner(SLUG, person)) == 1
        first.revoke("admin", "a reason", now)
        uow.completions.save(first)
        uow.commit()
    with uows() as uow:
        assert uow.completions.get(first.id).revoked
        assert uow.completions.list(SLUG, None, 10) == [first] and uow.completions.list(None, "other", 10) == []


def test_a_whole_completion_on_postgresql(clean_engine):
    service = CourseService(uow_factory(clean_engine), Ed25519Signer.generate(), blocks=FakeBlocks())
    world = World(service, utcnow)
    admin, lena, mia = world.admin(), world.listener("lena"), world.listener("mia")
    quiz = {"kind": "quiz", "id": "check", "title": "Check", "pass_mark": 1, "max_attempts": 2,
            "questions": [{"id": "q1", "text": "Q?", "options": ["a", "b"], "answer": 1}]}
    service.create_course(admin, slug=SLUG, title="Group Dynamics Course", status="published",
                          badge_slug="group-dynamics-graduate",
                          requirements=[{"kind": "participate", "min_words": 3}, quiz,
                                        {"kind": "practicum", "min_minutes": 30, "min_attendees": 2,
                                         "requires_script": True}, {"kind": "mentor_approval"}])
    service.add_discussion(admin, SLUG, discussion_id="intro", title="Intro", opening_post=QUESTION_POST)
    service.enrol(lena, SLUG)
    service.progress.assign_mentor(admin, SLUG, lena.person_id, mia.person_id)
    service.threads.create_post(lena, SLUG, "intro", "three whole words")
    assert service.progress.submit_quiz_attempt(lena, SLUG, "check", [1]).passed
    ended = utcnow()
    envelope = {**room_contract.SessionEnded(
        session_id=str(uuid.uuid4()), room_slug="sharing-circle", topic="t", kind="support",
        leader_id=lena.person_id, attendee_ids=(lena.person_id, "a1", "a2"), started_at=ended - dt.timedelta(hours=1),
        ended_at=ended, duration_seconds=1800, seq=1, ended_by=None, ended_automatically=True,
        script_id="circle").event().envelope("room"), "seq": 1}
    assert service.progress.record_session(envelope) and not service.progress.record_session(envelope)
    assert [i.username for i in service.progress.list_mentor_queue(mia)] == ["lena"]
    service.progress.review_practicum(mia, SLUG, lena.person_id, "approve", "")
    view = service.progress.get_progress(lena, SLUG)
    assert view.complete
    check = service.progress.verify_certificate(view.completion.certificate_id)
    assert check.valid and json.loads(check.document)["username"] == "lena"
    with uow_factory(clean_engine)() as uow:
        events = [row.event_type for row in uow.connection.exec_driver_sql("SELECT event_type FROM outbox")]
    assert events.count("course_completed") == 1
