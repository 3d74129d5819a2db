"""Service layer: course's use cases: authoring courses and discussions (admins), the catalogue, enrolment and
withdrawal (learners), and the read model of people from identity's events."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from course_service.domain import errors
from course_service.domain.courses import (
    DISCUSSIONS_MAX,
    DRAFT,
    ONE_COURSE,
    ONE_DISCUSSION,
    PUBLISHED,
    Course,
    Discussion,
    check_course_slug,
    check_discussion_id,
    reordered,
)
from course_service.domain.enrolments import ACTIVE, Enrolment
from course_service.service_layer.commands import CourseSpec
from course_service.service_layer.lookups import course_of
from course_service.service_layer.ports import PersonalBlocks
from course_service.service_layer.progress import ProgressService
from course_service.service_layer.threads import ThreadService
from course_service.service_layer.unit_of_work import CertificateSigner, UniqueViolation, UnitOfWork
from course_service.service_layer.views import CourseDetail, CourseListing, CourseView
from hearth_common.clock import utcnow
from hearth_common.people import KnownPerson, apply_identity_event

SEED_AUTHOR = "seed"  # who the seed courses and discussions say created them
NOT_SET_UP = "your account is still being set up here; try again in a moment"


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who calls: their person id, and whether their verified token carries the admin role."""

    person_id: str
    admin: bool = False


class CourseService:
    def __init__(self, uow_factory: Callable[..., UnitOfWork], signer: CertificateSigner,
                 clock: Callable[[], dt.datetime] = utcnow, *, blocks: PersonalBlocks):
        self.uow_factory = uow_factory
        self.clock = clock
        # requirements, progress, completion (service_layer/progress.py)
        self.progress = ProgressService(uow_factory, signer, clock)
        # posts, mentions, likes (service_layer/threads.py); a post's change may complete the course; `blocks`:
        # who blocks whom (room's lists), asked before a mention, reply or like reaches someone
        self.threads = ThreadService(uow_factory, clock, after_post_change=self.progress.settle, blocks=blocks)

    # --- authoring (admins) --------------------------------------------------------------------------------

    @staticmethod
    def _admin(caller: Caller) -> None:
        if not caller.admin:
            raise errors.AdminsOnly("only admins author courses")

    def create_course(self, caller: Caller, *, slug: object, title: object, summary: object = "",
                      badge_slug: object = None, policy: object = None, status: object = None,
                      requirements: object = None) -> CourseView:
        self._admin(caller)
        course = Course.create(slug=slug, title=title, summary=summary, badge_slug=badge_slug, policy=policy,
                               status=status, requirements=requirements, created_by=caller.person_id,
                               now=self.clock())
        with self.uow_factory() as uow:
            if uow.courses.get(course.slug) is not None:
                raise errors.CourseExists(f"a course with the slug {course.slug!r} exists already")
            try:
                uow.courses.add(course)
                uow.commit()
            except UniqueViolation as clash:
                if clash.constraint == ONE_COURSE:
                    raise errors.CourseExists(f"a course with the slug {course.slug!r} exists already") from None
                raise
            return self._view(uow, course)

    def update_course(self, caller: Caller, slug: object, changes: Mapping[str, object]) -> CourseView:
        """Changes the named fields (title, summary, badge_slug, policy, status, requirements)."""
        self._admin(caller)
        with self.uow_factory() as uow:
            course = course_of(uow, slug, lock=True, field="slug")
            course.update(changes, self.clock())
            uow.courses.save(course)
            uow.commit()
            return self._view(uow, course)

    def add_discussion(self, caller: Caller, course_slug: object, *, discussion_id: object, title: object,
                       opening_post: object) -> Discussion:
        """Adds a discussion last in the course's order."""
        self._admin(caller)
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug, lock=True)  # serialises positions per course
            existing = uow.discussions.of_course(course.slug)
            if len(existing) >= DISCUSSIONS_MAX:
                raise errors.InvalidCourse(f"a course has at most {DISCUSSIONS_MAX} discussions")
            discussion = Discussion.create(course_slug=course.slug, discussion_id=discussion_id, title=title,
                                           opening_post=opening_post, position=len(existing) + 1,
                                           created_by=caller.person_id, now=self.clock())
            taken = f"the course {course.slug!r} has a discussion {discussion.id!r} already"
            if any(d.id == discussion.id for d in existing):
                raise errors.DiscussionExists(taken)
            try:
                uow.discussions.add(discussion)
                uow.commit()
            except UniqueViolation as clash:
                if clash.constraint == ONE_DISCUSSION:
                    raise errors.DiscussionExists(taken) from None
                raise
            return discussion

    def update_discussion(self, caller: Caller, course_slug: object, discussion_id: object,
                          changes: Mapping[str, object]) -> Discussion:
        self._admin(caller)
        with self.uow_factory() as uow:
            discussion = self._discussion(uow, course_slug, discussion_id)
            discussion.update(changes, self.clock())
            uow.discussions.save(discussion)
            uow.commit()
            return discussion

    def reorder_discussions(self, caller: Caller, course_slug: object, order: list[object]) -> list[Discussion]:
        self._admin(caller)
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug, lock=True)
            discussions = reordered(uow.discussions.of_course(course.slug), order)
            now = self.clock()
            for discussion in discussions:
                discussion.updated_at = now
                uow.discussions.save(discussion)
            uow.commit()
            return discussions

    def seed(self, courses: Iterable[CourseSpec]) -> int:
        """Adds the seed courses and their discussions that are missing (by slug and id) and changes nothing an
        admin made or edited, so admins' edits stand and running it again adds nothing; a seed course never edited
        and without requirements takes the seed's. Returns how many were added (or given requirements)."""
        added = 0
        now = self.clock()
        for spec in courses:
            with self.uow_factory() as uow:
                course = uow.courses.get(spec.slug, lock=True)
                if course is None:
                    course = Course.create(slug=spec.slug, title=spec.title, summary=spec.summary,
                                           badge_slug=spec.badge_slug, policy=spec.enrolment_policy,
                                           status=spec.status, requirements=spec.requirements,
                                           created_by=SEED_AUTHOR, now=now)
                    uow.courses.add(course)
                    added += 1
                elif (course.created_by == SEED_AUTHOR and not course.requirements and spec.requirements
                      and course.updated_at == course.created_at):
                    # A seed course from before its requirements were written, never edited by an admin: it
                    # takes them (an admin's edit, even to none, stands).
                    course.update({"requirements": spec.requirements}, course.created_at)
                    uow.courses.save(course)
                    added += 1
                existing = {d.id for d in uow.discussions.of_course(course.slug)}
                position = len(existing)
                for item in spec.discussions:
                    if item.slug in existing:
                        continue
                    position += 1
                    uow.discussions.add(Discussion.create(
                        course_slug=course.slug, discussion_id=item.slug, title=item.title,
                        opening_post=item.opening_post, position=position, created_by=SEED_AUTHOR, now=now))
                    added += 1
                uow.commit()
        return added

    # --- the catalogue and enrolment (learners) ------------------------------------------------------------

    def list_courses(self, caller: Caller) -> list[CourseListing]:
        """The published courses, each with whether the caller may enrol and what is missing. Every course runs
        a section for each cohort, so both cohorts see the whole catalogue; a policy may still ask for one."""
        now = self.clock()
        with self.uow_factory() as uow:
            person = uow.people.get(caller.person_id)
            courses = uow.courses.list((PUBLISHED,))
            counts = uow.discussions.counts([c.slug for c in courses])
            enrolled = {e.course_slug for e in uow.enrolments.of_person(caller.person_id) if e.active}
            return [self._listing(CourseView(c, counts.get(c.slug, 0), c.policy_summary()), person, now,
                                  c.slug in enrolled) for c in courses]

    def get_course(self, caller: Caller, slug: object) -> CourseDetail:
        """A course with its discussions in order. Learners see published courses and those they enrolled in;
        admins see every course."""
        now = self.clock()
        with self.uow_factory() as uow:
            course = course_of(uow, slug, field="slug")
            enrolment = uow.enrolments.get(course.slug, caller.person_id)
            if course.status != PUBLISHED and not caller.admin and enrolment is None:
                raise errors.CourseNotFound(f"no course {course.slug!r}")
            discussions = tuple(uow.discussions.of_course(course.slug))
            view = CourseView(course, len(discussions), course.policy_summary(), with_answers=caller.admin)
            listing = self._listing(view, uow.people.get(caller.person_id), now,
                                    enrolment is not None and enrolment.active)
            return CourseDetail(listing, discussions, enrolment)

    def enrol(self, caller: Caller, course_slug: object) -> Enrolment:
        """Enrols the caller in the section of their cohort, if the course's policy admits them; enrolling
        again returns the same enrolment (a withdrawn one is restored). Settles the course (completes it when every
        requirement holds already)."""
        now = self.clock()
        with self.uow_factory() as uow:
            course = course_of(uow, course_slug)
            current = uow.enrolments.get(course.slug, caller.person_id, lock=True)
            if current is not None and current.active:
                return current
            if course.status != PUBLISHED:
                if course.status == DRAFT and current is None and not caller.admin:
                    raise errors.CourseNotFound(f"no course {course.slug!r}")  # drafts are unseen by learners
                raise errors.NotOpenForEnrolment(f"the course {course.title!r} is not open for enrolment "
                                                 f"(it is {course.status})")
            person = uow.people.get(caller.person_id)
            if person is None or not person.known:
                raise errors.NotOpenForEnrolment(NOT_SET_UP)
            missing = course.missing_for(person.facts(), now)
            if missing:
                raise errors.NotAllowedToEnrol(f"you cannot enrol in {course.title} yet: {'; '.join(missing)}")
            if current is not None:
                current.rejoin(person.cohort, now)
                uow.enrolments.save(current)
                enrolment = current
            else:
                enrolment = Enrolment(course.slug, caller.person_id, person.cohort, ACTIVE, now)
                try:
                    uow.enrolments.add(enrolment)
                except UniqueViolation:  # a concurrent twin enrolled first: its enrolment is this one
                    uow.rollback()
                    return self._existing_enrolment(course.slug, caller.person_id)
            # One who meets every requirement already (replies before a withdrawal, sessions led before enrolling)
            # completes now rather than at their next action.
            self.progress.settle(uow, course.slug, caller.person_id, now)
            uow.commit()
            return enrolment

    def _existing_enrolment(self, course_slug: str, person_id: str) -> Enrolment:
        with self.uow_factory() as uow:
            return uow.enrolments.get(course_slug, person_id)

    def list_my_enrolments(self, caller: Caller) -> list[Enrolment]:
        with self.uow_factory() as uow:
            return uow.enrolments.of_person(caller.person_id)

    def withdraw(self, caller: Caller, course_slug: object) -> Enrolment:
        slug = check_course_slug(course_slug, "course_slug")
        with self.uow_factory() as uow:
            enrolment = uow.enrolments.get(slug, caller.person_id, lock=True)
            if enrolment is None:
                raise errors.NotEnrolled(f"you are not enrolled in {slug!r}")
            if enrolment.withdraw(self.clock()):
                uow.enrolments.save(enrolment)
                uow.commit()
            return enrolment

    # --- the read model of people ---------------------------------------------------------------------------

    def apply_identity_event(self, envelope: dict) -> bool:
        """Applies one of identity's events to the read model of people, once per event id. When the person's
        cohort changes (a teen turned 18), their enrolments (active or withdrawn, which still reads) move to the
        section of the new cohort in the same transaction: teens and adults never read or write each other's
        sections. Their posts stay where they were written."""
        with self.uow_factory() as uow:
            if (applied := apply_identity_event(uow.people, uow.claim_event, envelope)) is None:
                return False
            person, _ = applied
            if person.cohort is not None:
                self._move_to_section(uow, person.person_id, person.cohort)
            uow.commit()
            return True

    @staticmethod
    def _move_to_section(uow: UnitOfWork, person_id: str, section: str) -> None:
        for listed in uow.enrolments.of_person(person_id):
            if listed.section != section:
                enrolment = uow.enrolments.get(listed.course_slug, person_id, lock=True)
                if enrolment is not None and enrolment.move_to(section):
                    uow.enrolments.save(enrolment)

    # --- helpers --------------------------------------------------------------------------------------------

    def _discussion(self, uow: UnitOfWork, course_slug: object, discussion_id: object) -> Discussion:
        course = course_of(uow, course_slug)
        discussion_id = check_discussion_id(discussion_id)
        discussion = uow.discussions.get(course.slug, discussion_id, lock=True)
        if discussion is None:
            raise errors.DiscussionNotFound(f"the course {course.slug!r} has no discussion {discussion_id!r}")
        return discussion

    @staticmethod
    def _view(uow: UnitOfWork, course: Course) -> CourseView:
        """The course for its author (an admin): with its quizzes' answer keys."""
        return CourseView(course, uow.discussions.counts([course.slug]).get(course.slug, 0), course.policy_summary(),
                          with_answers=True)

    @staticmethod
    def _listing(view: CourseView, person: KnownPerson | None, now: dt.datetime, enrolled: bool) -> CourseListing:
        if person is None or not person.known:
            missing: tuple[str, ...] = (NOT_SET_UP,)
        else:
            missing = tuple(view.course.missing_for(person.facts(), now))
        if not view.course.open_for_enrolment and not missing:
            missing = (f"the course is {view.course.status}",)
        return CourseListing(view, not missing, missing, enrolled)

