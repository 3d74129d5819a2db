"""Domain: courses, their ordered discussions, the enrolment policy and the requirements a completion asks for."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from course_service.domain import requirements
from course_service.domain.errors import InvalidCourse
from hearth_common import access_policy as access
from hearth_common.people import PersonFacts
from hearth_common.text import optional_text, required_text
from hearth_common.vocabulary import BADGE_SLUG, NameForm

COURSE_SLUG = NameForm("a-z0-9-", "a-z, 0-9 and '-'", 3, 64)
DISCUSSION_ID = NameForm("a-z0-9-", "a-z, 0-9 and '-'", 2, 64)

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES: tuple[str, ...] = (DRAFT, PUBLISHED, ARCHIVED)

TITLE_MAX = 120
SUMMARY_MAX = 2000
OPENING_POST_MAX = 10_000
DISCUSSIONS_MAX = 50

# The uniqueness rules of adapters/orm.py, by constraint name (the fakes enforce the same ones).
ONE_COURSE = "pk_courses"
ONE_DISCUSSION = "pk_discussions"
ONE_ENROLMENT = "pk_enrolments"


def _form(form: NameForm, value: object, field: str) -> str:
    refusal = form.refusal(value, field)
    if refusal:
        raise InvalidCourse(refusal)
    return value


def check_course_slug(value: object, field: str = "slug") -> str:
    return _form(COURSE_SLUG, value, field)


def check_discussion_id(value: object, field: str = "discussion_id") -> str:
    return _form(DISCUSSION_ID, value, field)


def check_title(value: object, field: str = "title") -> str:
    return required_text(value, field, TITLE_MAX, error=InvalidCourse)


def check_summary(value: object) -> str:
    return optional_text(value, "summary", SUMMARY_MAX, error=InvalidCourse) or ""


def check_badge(value: object) -> str | None:
    """The badge slug, or None for a course that earns no badge (empty text)."""
    if value in (None, ""):
        return None
    return _form(BADGE_SLUG, value, "badge_slug")


def check_status(value: object) -> str:
    if value not in STATUSES:
        raise InvalidCourse(f"status must be one of {', '.join(STATUSES)}; got {value!r}")
    return value


def check_policy(value: object) -> dict[str, Any] | None:
    """The enrolment policy in its normal JSON form, None for a course open to all; InvalidPolicy says where."""
    if value is None:
        return None
    expr = access.parse_policy(value)
    return None if isinstance(expr, access.Always) else access.to_dict(expr)


def check_requirements(value: object) -> list[dict[str, Any]]:
    """The requirements in their normal JSON form, each kind checked fully (domain.requirements)."""
    return requirements.to_dicts(requirements.parse_requirements(value))


def check_opening_post(value: object, field: str = "opening_post") -> str:
    """The opening post's text: staff-written, ending in a reflection question for the learners to answer."""
    text = required_text(value, field, OPENING_POST_MAX, error=InvalidCourse)
    if not text.endswith("?"):
        raise InvalidCourse(f"{field} must end in a reflection question (its last character must be '?')")
    return text


@dataclasses.dataclass
class Course:
    """A course: its catalogue entry, who may enrol (`policy`, None: everyone) and its requirements."""

    slug: str
    title: str
    summary: str
    badge_slug: str | None
    policy: dict[str, Any] | None
    status: str
    requirements: list[dict[str, Any]]
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def create(cls, *, slug: object, title: object, summary: object, badge_slug: object, policy: object,
               status: object, requirements: object, created_by: str, now: dt.datetime) -> Course:
        return cls(
            slug=check_course_slug(slug), title=check_title(title), summary=check_summary(summary),
            badge_slug=check_badge(badge_slug), policy=check_policy(policy),
            status=check_status(status if status not in (None, "") else DRAFT),
            requirements=check_requirements(requirements if requirements is not None else []),
            created_by=created_by, created_at=now, updated_at=now,
        )

    def update(self, changes: Mapping[str, object], now: dt.datetime) -> None:
        """Applies the changed fields (each checked as on creation). Completions already earned are the
        completions' own records: nothing here reaches back to them, so an edit never takes one away."""
        checks = {"title": check_title, "summary": check_summary, "badge_slug": check_badge,
                  "policy": check_policy, "status": check_status, "requirements": check_requirements}
        checked = {name: checks[name](value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)
        self.updated_at = now

    @property
    def enrolment_policy(self) -> access.Expr:
        return access.parse_policy(self.policy)

    @property
    def open_for_enrolment(self) -> bool:
        return self.status == PUBLISHED

    def missing_for(self, facts: PersonFacts, now: dt.datetime) -> list[str]:
        """What the person still needs before they may enrol, one sentence each (empty: they may)."""
        return access.explain(self.enrolment_policy, facts, self.slug, now, place="course")

    def policy_summary(self) -> str:
        return access.describe(self.enrolment_policy)

    @property
    def requirement_rules(self) -> list[requirements.Requirement]:
        return requirements.parse_requirements(self.requirements)

    def public_requirements(self) -> list[dict[str, Any]]:
        """The requirements as learners see them: quizzes without their answer keys."""
        return requirements.public_dicts(self.requirement_rules)

    def quiz(self, quiz_id: str) -> requirements.Quiz | None:
        return next((r for r in self.requirement_rules if isinstance(r, requirements.Quiz) and r.id == quiz_id),
                    None)


@dataclasses.dataclass
class Discussion:
    """One discussion of a course, opened by a staff post ending in a reflection question."""

    course_slug: str
    id: str
    position: int
    title: str
    opening_post: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def create(cls, *, course_slug: str, discussion_id: object, title: object, opening_post: object,
               position: int, created_by: str, now: dt.datetime) -> Discussion:
        return cls(course_slug=course_slug, id=check_discussion_id(discussion_id), position=position,
                   title=check_title(title), opening_post=check_opening_post(opening_post),
                   created_by=created_by, created_at=now, updated_at=now)

    def update(self, changes: Mapping[str, object], now: dt.datetime) -> None:
        checks = {"title": check_title, "opening_post": check_opening_post}
        checked = {name: checks[name](value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)
        self.updated_at = now


def reordered(discussions: Sequence[Discussion], order: Sequence[object]) -> list[Discussion]:
    """The discussions with positions 1.. in `order`, which must name each of them exactly once."""
    by_id = {d.id: d for d in discussions}
    if len(order) != len(set(order)) or set(order) != set(by_id):
        raise InvalidCourse(f"discussion_ids must list each of the course's discussions exactly once: "
                            f"{', '.join(sorted(by_id)) or 'none'}")
    result = []
    for position, discussion_id in enumerate(order, start=1):
        discussion = by_id[discussion_id]
        discussion.position = position
        result.append(discussion)
    return result
