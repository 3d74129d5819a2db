"""Domain: a learner's progress in a course: each requirement met or not, explained like room's door, with the
next step to take."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from course_service.domain.completions import APPROVED, NOT_READY, RETURNED, WAITING, Mentorship, QuizAttempt
from course_service.domain.courses import Discussion
from course_service.domain.requirements import (
    LedSession,
    MentorApproval,
    Participate,
    Practicum,
    Quiz,
    Requirement,
)


@dataclasses.dataclass(frozen=True)
class LearnerFacts:
    """What a learner has done in a course, as the requirements read it."""

    discussions: Sequence[Discussion]  # the course's, in order
    reply_words: Mapping[str, int]  # per discussion id: the most words in one of their live posts (any section)
    attempts: Mapping[str, Sequence[QuizAttempt]]  # per quiz id
    sessions: Sequence[LedSession]  # the sessions they led
    mentorship: Mentorship | None


@dataclasses.dataclass(frozen=True)
class RequirementProgress:
    kind: str
    met: bool
    detail: str  # what holds now, for a person to read
    next_step: str  # what to do next ("" when met)
    overdue: bool = False  # a mentor's review waiting more than 3 days


def last_qualifying_end(practicum: Practicum, sessions: Sequence[LedSession]) -> dt.datetime | None:
    ends = [s.ended_at for s in sessions if practicum.qualifies(s)]
    return max(ends) if ends else None


def _participate(rule: Participate, facts: LearnerFacts) -> RequirementProgress:
    total = len(facts.discussions)
    missing = [d.title for d in facts.discussions if facts.reply_words.get(d.id, 0) < rule.min_words]
    words = f"a reply of at least {rule.min_words} words"
    if not missing:
        return RequirementProgress(rule.kind, True, f"replied in {total} of {total} discussions with {words}", "")
    detail = f"replied in {total - len(missing)} of {total} discussions: missing {', '.join(missing)}"
    return RequirementProgress(rule.kind, False, detail, f"post {words} in {missing[0]}")


def _quiz(rule: Quiz, facts: LearnerFacts) -> RequirementProgress:
    attempts = facts.attempts.get(rule.id, ())
    passed = next((a for a in attempts if a.passed), None)
    if passed is not None:
        return RequirementProgress(rule.kind, True, f"quiz {rule.title}: passed with {passed.score} of "
                                                    f"{len(rule.questions)}", "")
    left = max(rule.max_attempts - len(attempts), 0)
    if left == 0:
        best = max(a.score for a in attempts)
        return RequirementProgress(rule.kind, False, f"quiz {rule.title}: no attempts left (best {best} of "
                                                     f"{len(rule.questions)}, {rule.pass_mark} needed)",
                                   "ask an admin: every attempt at the quiz is used")
    return RequirementProgress(rule.kind, False, f"quiz {rule.title}: {left} of {rule.max_attempts} attempts left "
                                                 f"({rule.pass_mark} of {len(rule.questions)} right answers to pass)",
                               f"take the quiz {rule.title}")


def _practicum(rule: Practicum, facts: LearnerFacts) -> RequirementProgress:
    qualifying = [s for s in facts.sessions if rule.qualifies(s)]
    if qualifying:
        return RequirementProgress(rule.kind, True, f"practicum: led {len(qualifying)} qualifying session"
                                                    f"{'' if len(qualifying) == 1 else 's'}", "")
    return RequirementProgress(rule.kind, False, f"practicum: {rule.describe()}", rule.describe())


def _mentor(rule: MentorApproval, facts: LearnerFacts, now: dt.datetime) -> RequirementProgress:
    m = facts.mentorship
    if m is None:
        return RequirementProgress(rule.kind, False, "mentor approval: no mentor assigned yet",
                                   "wait for an admin to assign your mentor")
    if m.review == APPROVED:
        return RequirementProgress(rule.kind, True, "mentor approval: your mentor approved your practicum", "")
    if m.review == WAITING:
        overdue = m.overdue(now)
        detail = "mentor approval: waiting for your mentor's review"
        if overdue:
            detail += " (overdue: waiting more than 3 days; your mentor was reminded)"
        return RequirementProgress(rule.kind, False, detail, "wait for your mentor's review", overdue=overdue)
    if m.review == RETURNED:
        return RequirementProgress(rule.kind, False, f"mentor approval: returned with feedback: {m.feedback}",
                                   "lead another qualifying session with your mentor's feedback in mind")
    assert m.review == NOT_READY
    return RequirementProgress(rule.kind, False, "mentor approval: your mentor reviews your practicum once it is met",
                               "meet the practicum first")


def evaluate(rules: Sequence[Requirement], facts: LearnerFacts, now: dt.datetime) -> list[RequirementProgress]:
    """Each requirement in the course's order, met or not, with what is missing."""
    result = []
    for rule in rules:
        if isinstance(rule, Participate):
            result.append(_participate(rule, facts))
        elif isinstance(rule, Quiz):
            result.append(_quiz(rule, facts))
        elif isinstance(rule, Practicum):
            result.append(_practicum(rule, facts))
        else:
            result.append(_mentor(rule, facts, now))
    return result


def all_met(rules: Sequence[Requirement], progress: Sequence[RequirementProgress]) -> bool:
    """Whether the course is complete: it lists requirements and every one holds (a course without requirements
    is read, not completed)."""
    return bool(rules) and all(p.met for p in progress)


def next_step(progress: Sequence[RequirementProgress]) -> str:
    return next((p.next_step for p in progress if not p.met), "")
