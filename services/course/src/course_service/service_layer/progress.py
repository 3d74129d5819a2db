"""Service layer: requirements, progress and completion: quizzes (scored on the server, the key never leaves it), the
practicum counted from room's sessions, mentors' reviews and their reminders, and the completion with its signed
certificate, made once when every requirement holds, and revoked by admins."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from course_service.domain import errors, events
from course_service.domain.completions import (
    ONE_ATTEMPT_NUMBER,
    ONE_COMPLETION,
    REVIEW_REMINDER_AFTER,
    WAITING,
    Completion,
    Mentorship,
    QuizAttempt,
    may_mentor,
)
from course_service.domain.courses import Course, check_course_slug
from course_service.domain.enrolments import Enrolment
from course_service.domain.progress import LearnerFacts, all_met, evaluate, last_qualifying_end, next_step
from course_service.domain.requirements import (
    MENTOR_APPROVAL,
    PARTICIPATE,
    PRACTICUM,
    QUIZ,
    QUIZ_ID,
    LedSession,
    MentorApproval,
    Practicum,
)
from course_service.service_layer.lookups import course_of
from course_service.service_layer.unit_of_work import CertificateSigner, UniqueViolation, UnitOfWork
from course_service.service_layer.views import (
    CertificateCheck,
    MentorQueueItem,
    ProgressView,
    QuizResult,
    QuizView,
)
from hearth_common.clock import utcnow
from hearth_common.contracts import room as room_contract
from hearth_common.ids import new_id, parse_uuid

if TYPE_CHECKING:
    from course_service.service_layer.services import Caller

LIST_MAX = 200
REMIND_BATCH = 100


class ProgressService:
    def __init__(self, uow_factory: Callable[..., UnitOfWork], signer: CertificateSigner,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.uow_factory = uow_factory
        self.signer = signer
        self.clock = clock

    # --- quizzes (enrolled learners) -------------------------------------------------------------------------

    def get_quiz(self, caller: Caller, course_slug: object, quiz_id: object) -> QuizView:
        """The quiz's questions and options (never the answer key), with the caller's attempts left."""
        with self.uow_factory() as uow:
            course, quiz = self._quiz(uow, course_slug, quiz_id)
            if not caller.admin:
                self._active_enrolment(uow, course, caller.person_id)
            attempts = [a for a in uow.quiz_attempts.of_learner(course.slug, caller.person_id) if a.quiz_id == quiz.id]
            return QuizView.of(course.slug, quiz, attempts)

    def submit_quiz_attempt(self, caller: Caller, course_slug: object, quiz_id: object,
                            answers: object) -> QuizResult:
        """Scores the answers on the server and records the attempt; says the score, whether it passed and the
        attempts left, never which options were right. QuizClosed once passed or out of attempts."""
        now = self.clock()
        with self.uow_factory() as uow:
            course, quiz = self._quiz(uow, course_slug, quiz_id)
            self._active_enrolment(uow, course, caller.person_id, lock=True)  # one attempt at a time per learner
            attempts = [a for a in uow.quiz_attempts.of_learner(course.slug, caller.person_id) if a.quiz_id == quiz.id]
            if any(a.passed for a in attempts):
                raise errors.QuizClosed(f"you passed the quiz {quiz.title!r} already")
            if len(attempts) >= quiz.max_attempts:
                raise errors.QuizClosed(f"every attempt at the quiz {quiz.title!r} is used "
                                        f"({quiz.max_attempts}); ask an admin")
            score = quiz.score(answers)
            attempt = QuizAttempt(new_id(), course.slug, quiz.id, caller.person_id, len(attempts) + 1,
                                  list(answers), score, score >= quiz.pass_mark, now)
            try:
                uow.quiz_attempts.add(attempt)
            except UniqueViolation as clash:
                if clash.constraint == ONE_ATTEMPT_NUMBER:
                    raise errors.QuizClosed("another attempt at this quiz was being submitted; look at your "
                                            "progress and try again") from None
                raise
            if attempt.passed:
                self.settle(uow, course.slug, caller.person_id, now)
            uow.commit()
            return QuizResult(quiz.id, score, len(quiz.questions), quiz.pass_mark, attempt.passed,
                              quiz.max_attempts - attempt.number)

    # --- the practicum (room's sessions) ---------------------------------------------------------------------

    def record_session(self, envelope: dict) -> bool:
        """Records a session from room's `session_ended` (once per event id and session id) for its leader, and
        settles each course they are enrolled in. The leader is never counted as an attendee."""
        if envelope.get("event_type") != room_contract.SessionEnded.TYPE:
            return False
        ended = room_contract.parse(envelope).payload
        session = LedSession(ended.session_id, ended.leader_id, ended.room_slug, ended.kind, ended.duration_seconds,
                             len(set(ended.attendee_ids) - {ended.leader_id}), ended.script_id, ended.ended_at)
        now = self.clock()
        with self.uow_factory() as uow:
            if not uow.claim_event(envelope):
                return False
            if not uow.led_sessions.add(session):
                uow.commit()  # the same session from another event id: the inbox keeps it, nothing else changes
                return False
            for enrolment in uow.enrolments.of_person(session.leader_id):
                if enrolment.active:
                    self.settle(uow, enrolment.course_slug, session.leader_id, now)
            uow.commit()
            return True

    # --- mentors ---------------------------------------------------------------------------------------------

    def assign_mentor(self, caller: Caller, course_slug: object, person_id: object, mentor_id: object) -> Mentorship:
        """An admin assigns (or changes) the mentor who reviews a learner's practicum in a course."""
        if not caller.admin:
            raise errors.AdminsOnly("only admins assign mentors")
        learner = parse_uuid(person_id, "person_id", errors.InvalidReview)
        mentor = parse_uuid(mentor_id, "mentor_id", errors.InvalidReview)
        if learner == mentor:
            raise errors.InvalidReview("mentor_id: a learner cannot mentor themselves")
        now = self.clock()
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug)
            if not any(isinstance(r, MentorApproval) for r in course.requirement_rules):
                raise errors.NoMentorApproval(f"the course {course.title!r} asks for no mentor approval")
            enrolment = self._active_enrolment(uow, course, learner, lock=True, whose="the learner is")
            known = uow.people.get(mentor)
            if known is None or not known.known:
                raise errors.NoMentorApproval("mentor_id: that person is not known here yet")
            if not may_mentor(known.facts(), enrolment.section, now):
                raise errors.MentorNotAllowed(
                    f"mentor_id: a mentor must be in the learner's section ({enrolment.section}) or be a moderator "
                    f"of every room or an admin; choose someone from the {enrolment.section} section, or grant "
                    f"this person one of those roles first")
            mentorship = uow.mentorships.get(course.slug, learner, lock=True)
            if mentorship is None:
                mentorship = Mentorship(course.slug, learner, mentor, caller.person_id, now)
            else:
                mentorship.mentor_id, mentorship.assigned_by, mentorship.assigned_at = mentor, caller.person_id, now
            uow.mentorships.save(mentorship)
            self.settle(uow, course.slug, learner, now)  # a practicum met already goes into the queue
            uow.commit()
            return uow.mentorships.get(course.slug, learner)

    def list_mentor_queue(self, caller: Caller) -> list[MentorQueueItem]:
        """The practicums waiting for the caller's review, longest waiting first, each marked overdue after 3 days.
        Room also hands each reminder to the mentor as a private notice (remind_mentors)."""
        now = self.clock()
        with self.uow_factory() as uow:
            items = []
            for m in uow.mentorships.of_mentor(caller.person_id, WAITING):
                if not self._mentor_may_see(uow, m, now):
                    continue  # no longer a mentor this learner may have: shown nothing (see may_mentor)
                course = uow.courses.get(m.course_slug)
                rule = next((r for r in course.requirement_rules if isinstance(r, Practicum)), None) if course else None
                sessions = [s for s in uow.led_sessions.of_leader(m.person_id) if rule and rule.qualifies(s)]
                person = uow.people.get(m.person_id)
                items.append(MentorQueueItem(m, course.title if course else m.course_slug,
                                             person.username if person and person.username else "",
                                             tuple(sessions), m.overdue(now)))
            return items

    def review_practicum(self, caller: Caller, course_slug: object, person_id: object, decision: object,
                         feedback: object) -> Mentorship:
        """The assigned mentor approves the practicum or returns it with feedback (required when returning)."""
        learner = parse_uuid(person_id, "person_id", errors.InvalidReview)
        now = self.clock()
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug)
            # The enrolment before the mentorship, the order settle and assign_mentor lock them in: the reverse
            # order deadlocks against a session or post of the same learner settling at the same time.
            uow.enrolments.get(course.slug, learner, lock=True)
            mentorship = uow.mentorships.get(course.slug, learner, lock=True)
            if (mentorship is None or mentorship.mentor_id != caller.person_id
                    or not self._mentor_may_see(uow, mentorship, now)):
                raise errors.NotYourLearner("only the learner's assigned mentor reviews their practicum")
            mentorship.decide(decision, feedback, now)
            uow.mentorships.save(mentorship)
            self.settle(uow, course.slug, learner, now)
            uow.commit()
            return mentorship

    def remind_mentors(self) -> int:
        """The worker's timer: records a reminder on each review waiting more than 3 days (at most once per 3
        days each) and announces it (`mentor_review_overdue`, in the same transaction), which room delivers to the
        mentor as a private notice; ListMentorQueue and GetProgress show them overdue. Returns how many were
        reminded."""
        now = self.clock()
        with self.uow_factory() as uow:
            reminded = 0
            for m in uow.mentorships.waiting_since(now - REVIEW_REMINDER_AFTER, REMIND_BATCH):
                if m.remind(now):
                    uow.mentorships.save(m)
                    if not self._mentor_may_see(uow, m, now):
                        continue  # recorded (so the batch moves on), but the mentor is not told of this learner
                    course = uow.courses.get(m.course_slug)
                    person = uow.people.get(m.person_id)
                    uow.add_events([events.mentor_review_overdue(
                        new_id(), m, course.title if course else m.course_slug,
                        person.username if person and person.username else "")])
                    reminded += 1
            uow.commit()
            return reminded

    # --- progress --------------------------------------------------------------------------------------------

    def get_progress(self, caller: Caller, course_slug: object, person_id: object = "") -> ProgressView:
        """A learner's progress: each requirement met or not, with what is missing, and the next step. The caller's
        own; admins and the learner's assigned mentor may name a learner."""
        now = self.clock()
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug)
            learner = caller.person_id
            if person_id not in (None, "") and person_id != caller.person_id:
                learner = parse_uuid(person_id, "person_id", errors.InvalidReview)
                mentorship = uow.mentorships.get(course.slug, learner)
                if not caller.admin and (mentorship is None or mentorship.mentor_id != caller.person_id
                                         or not self._mentor_may_see(uow, mentorship, now)):
                    raise errors.NotYourLearner("only admins and the learner's mentor see another's progress")
            enrolment = uow.enrolments.get(course.slug, learner)
            if enrolment is None:
                raise errors.NotEnrolled(f"{'you are' if learner == caller.person_id else 'that person is'} not "
                                         f"enrolled in {course.title!r}")
            rules = course.requirement_rules
            progress = evaluate(rules, self._facts(uow, course, enrolment), now)
            completion = uow.completions.of_learner(course.slug, learner)
            if completion is not None and not completion.revoked:
                step = "you completed the course"
            elif completion is not None:
                step = "your completion was revoked; ask an admin"
            elif not enrolment.active:
                step = "enrol again to continue"
            else:
                step = next_step(progress) or ("this course lists no requirements" if not rules else "")
            return ProgressView(course.slug, course.title, learner, enrolment.section, tuple(progress), completion,
                                step)

    # --- completion ------------------------------------------------------------------------------------------

    def settle(self, uow: UnitOfWork, course_slug: str, person_id: str, now: dt.datetime) -> Completion | None:
        """In the caller's transaction, after a change that may meet a requirement: puts a met practicum in the
        mentor's queue, and when every requirement holds, completes the course (once: the enrolment row is locked
        first, and a twin that commits first makes the insert a UniqueViolation, which means done)."""
        course = uow.courses.get(course_slug)
        if course is None or not course.requirements:  # a course without requirements is never completed
            return None
        enrolment = uow.enrolments.get(course_slug, person_id, lock=True)
        if enrolment is None or not enrolment.active:
            return None
        if uow.completions.of_learner(course_slug, person_id) is not None:
            return None
        rules = course.requirement_rules
        facts = self._facts(uow, course, enrolment)
        practicum = next((r for r in rules if isinstance(r, Practicum)), None)
        if practicum is not None and facts.mentorship is not None:
            mentorship = uow.mentorships.get(course_slug, person_id, lock=True)
            if mentorship.practicum_met(last_qualifying_end(practicum, facts.sessions), now):
                uow.mentorships.save(mentorship)
                facts = self._facts(uow, course, enrolment)
        if not all_met(rules, evaluate(rules, facts, now)):
            return None
        return self._complete(uow, course, enrolment, now)

    def _complete(self, uow: UnitOfWork, course: Course, enrolment: Enrolment, now: dt.datetime) -> Completion | None:
        person = uow.people.get(enrolment.person_id)
        username = person.username if person is not None and person.username else enrolment.person_id
        completion = Completion(new_id(), course.slug, enrolment.person_id, enrolment.section, username,
                                course.title, course.badge_slug, new_id(), now, key_id=self.signer.key_id)
        completion.signature = self.signer.sign(completion.certificate_document())
        try:
            uow.completions.add(completion)
        except UniqueViolation as clash:
            if clash.constraint == ONE_COMPLETION:
                return None  # a twin trigger completed it first: one completion, one event
            raise
        uow.add_events([events.course_completed(completion)])
        return completion

    def list_completions(self, caller: Caller, course_slug: object = "", person_id: object = "") -> list[Completion]:
        """Completions, newest first: admins list anyone's (filtered by course and person when named); others their
        own."""
        slug = check_course_slug(course_slug, "course_slug") if course_slug not in (None, "") else None
        person = parse_uuid(person_id, "person_id", errors.InvalidReview) if person_id not in (None, "") else None
        if not caller.admin:
            if person not in (None, caller.person_id):
                raise errors.AdminsOnly("only admins list other people's completions")
            person = caller.person_id
        with self.uow_factory() as uow:
            return uow.completions.list(slug, person, LIST_MAX)

    def revoke_completion(self, caller: Caller, completion_id: object, reason: object) -> Completion:
        """An admin revokes a completion (idempotent): its certificate verifies as revoked, and
        `completion_revoked` tells identity to revoke the badge."""
        if not caller.admin:
            raise errors.AdminsOnly("only admins revoke completions")
        completion_id = parse_uuid(completion_id, "completion_id", errors.InvalidRevocation)
        with self.uow_factory() as uow:
            completion = uow.completions.get(completion_id, lock=True)
            if completion is None:
                raise errors.CompletionNotFound(f"no completion {completion_id}")
            if completion.revoke(caller.person_id, reason, self.clock()):
                uow.completions.save(completion)
                uow.add_events([events.completion_revoked(completion)])
                uow.commit()
            return completion

    def verify_certificate(self, certificate_id: object) -> CertificateCheck:
        """Whether a certificate is authentic (the key its key id names, current or retired, signed its facts) and
        whether it was revoked; only the signed facts are shown (CertificateCheck)."""
        certificate_id = parse_uuid(certificate_id, "certificate_id", errors.InvalidRevocation)
        with self.uow_factory() as uow:
            c = uow.completions.by_certificate(certificate_id)
        if c is None:
            raise errors.CompletionNotFound(f"no certificate {certificate_id}")
        document = c.certificate_document()
        shown, valid = document.decode(), self.signer.verify(c.key_id, document, c.signature)
        if not valid and self.signer.verify(c.key_id, c.legacy_certificate_document(), c.signature):
            shown, valid = "", True  # version 1 names the person id: checked here, never shown
        if not self.signer.knows(c.key_id):
            detail = "not valid: signed by a key this service does not know"
        elif not valid:
            detail = "not valid: the signature does not match the certificate's facts"
        else:
            detail = "valid: signed by a retired key of this service" if self.signer.retired(c.key_id) else "valid"
        if c.revoked:
            detail += "; revoked"
        return CertificateCheck(c.certificate_id, c.username, c.course_title, c.completed_on, c.key_id, c.signature,
                                self.signer.public_key_pem_of(c.key_id), self.signer.retired(c.key_id), valid,
                                detail, shown, c.revoked_at)

    # --- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _facts(uow: UnitOfWork, course: Course, enrolment: Enrolment) -> LearnerFacts:
        """The facts the course's requirements read, and only those (each kind of fact is a query: a post's
        settle in a course asking for a quiz alone reads the quiz attempts, not the replies or sessions)."""
        kinds = {rule.kind for rule in course.requirement_rules}
        person_id = enrolment.person_id
        attempts: dict[str, list[QuizAttempt]] = {}
        if QUIZ in kinds:
            for attempt in uow.quiz_attempts.of_learner(course.slug, person_id):
                attempts.setdefault(attempt.quiz_id, []).append(attempt)
        participate = PARTICIPATE in kinds
        return LearnerFacts(
            discussions=uow.discussions.of_course(course.slug) if participate else [],
            # Replies in any section of the course count: a learner who moved section (turned 18) wrote them.
            reply_words=uow.posts.reply_words_by_discussion(course.slug, person_id) if participate else {},
            attempts=attempts, sessions=uow.led_sessions.of_leader(person_id) if PRACTICUM in kinds else [],
            # settle moves a mentorship's review when a practicum is met, whether or not approval is asked now
            mentorship=(uow.mentorships.get(course.slug, person_id) if kinds & {PRACTICUM, MENTOR_APPROVAL}
                        else None))

    @staticmethod
    def _mentor_may_see(uow: UnitOfWork, mentorship: Mentorship, now: dt.datetime) -> bool:
        """Whether the assigned mentor may still mentor the learner now (domain may_mentor): of the section the
        learner's enrolment is in now, or a moderator of every room or an admin now. Asked at every read and
        review, not only at assignment: a teen who turns 18 moves section, roles expire and are revoked."""
        enrolment = uow.enrolments.get(mentorship.course_slug, mentorship.person_id)
        mentor = uow.people.get(mentorship.mentor_id)
        return (enrolment is not None and mentor is not None and mentor.known
                and may_mentor(mentor.facts(), enrolment.section, now))

    def _quiz(self, uow: UnitOfWork, course_slug: object, quiz_id: object):
        course = course_of(uow, course_slug)
        refusal = QUIZ_ID.refusal(quiz_id, "quiz_id")
        if refusal:
            raise errors.InvalidQuizAnswers(refusal)
        quiz = course.quiz(quiz_id)
        if quiz is None:
            raise errors.QuizNotFound(f"the course {course.slug!r} has no quiz {quiz_id!r}")
        return course, quiz

    @staticmethod
    def _active_enrolment(uow: UnitOfWork, course: Course, person_id: str, *, lock: bool = False,
                          whose: str = "you are") -> Enrolment:
        enrolment = uow.enrolments.get(course.slug, person_id, lock=lock)
        if enrolment is None or not enrolment.active:
            raise errors.NotInCourse(f"{whose} not enrolled in {course.title!r}")
        return enrolment
