"""Domain: the requirement kinds a course lists (participate, quiz, practicum, mentor approval), parsed and checked
from their JSON form, with errors naming the field at fault."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from course_service.domain.errors import InvalidCourse, InvalidQuizAnswers
from hearth_common.text import required_text
from hearth_common.vocabulary import NameForm

PARTICIPATE, QUIZ, PRACTICUM, MENTOR_APPROVAL = "participate", "quiz", "practicum", "mentor_approval"
REQUIREMENT_KINDS: tuple[str, ...] = (PARTICIPATE, QUIZ, PRACTICUM, MENTOR_APPROVAL)
REQUIREMENTS_MAX = 20
QUIZ_ID = NameForm("a-z0-9-", "a-z, 0-9 and '-'", 2, 64)
QUESTIONS_MAX, OPTIONS_MAX, ATTEMPTS_MAX = 50, 10, 20
QUESTION_MAX, OPTION_MAX = 1000, 300
WORDS_MAX, MINUTES_MAX, ATTENDEES_MAX = 2000, 600, 100
KIND_MAX = 16


def _int(item: Mapping, key: str, field: str, low: int, high: int, default: int | None = None) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidCourse(f"{field}.{key} must be a whole number from {low} to {high}")
    return value


def _unknown_keys(item: Mapping, allowed: set[str], field: str) -> None:
    extra = sorted(set(item) - allowed - {"kind"})
    if extra:
        raise InvalidCourse(f"{field} has unknown keys: {', '.join(map(str, extra))} (allowed: "
                            f"{', '.join(sorted(allowed)) or 'none'})")


@dataclasses.dataclass(frozen=True)
class Participate:
    """A reply of at least `min_words` words in each discussion of the course (in the learner's section)."""

    min_words: int
    kind: str = PARTICIPATE

    @classmethod
    def parse(cls, item: Mapping, field: str) -> Participate:
        _unknown_keys(item, {"min_words"}, field)
        return cls(_int(item, "min_words", field, 1, WORDS_MAX, default=1))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "min_words": self.min_words}


@dataclasses.dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[str, ...]
    answer: int  # the index of the right option: never leaves the server


@dataclasses.dataclass(frozen=True)
class PublicQuestion:
    """A question as a learner sees it: its text and options, never which one is right."""

    id: str
    text: str
    options: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Quiz:
    """Questions with options; passed with `pass_mark` right answers, in at most `max_attempts` attempts."""

    id: str
    title: str
    pass_mark: int
    max_attempts: int
    questions: tuple[Question, ...]
    kind: str = QUIZ

    @classmethod
    def parse(cls, item: Mapping, field: str) -> Quiz:
        _unknown_keys(item, {"id", "title", "pass_mark", "max_attempts", "questions"}, field)
        refusal = QUIZ_ID.refusal(item.get("id"), f"{field}.id")
        if refusal:
            raise InvalidCourse(refusal)
        title = required_text(item.get("title"), f"{field}.title", 120, error=InvalidCourse)
        raw = item.get("questions")
        if not isinstance(raw, list) or not 1 <= len(raw) <= QUESTIONS_MAX:
            raise InvalidCourse(f"{field}.questions must be a list of 1 to {QUESTIONS_MAX} questions")
        questions = tuple(cls._question(q, f"{field}.questions[{i}]") for i, q in enumerate(raw))
        if len({q.id for q in questions}) != len(questions):
            raise InvalidCourse(f"{field}.questions must have distinct ids")
        return cls(item["id"], title, _int(item, "pass_mark", field, 1, len(questions)),
                   _int(item, "max_attempts", field, 1, ATTEMPTS_MAX), questions)

    @staticmethod
    def _question(q: object, field: str) -> Question:
        if not isinstance(q, Mapping):
            raise InvalidCourse(f"{field} must be an object with id, text, options and answer")
        extra = sorted(set(q) - {"id", "text", "options", "answer"})
        if extra:
            raise InvalidCourse(f"{field} has unknown keys: {', '.join(map(str, extra))}")
        refusal = QUIZ_ID.refusal(q.get("id"), f"{field}.id")
        if refusal:
            raise InvalidCourse(refusal)
        text = required_text(q.get("text"), f"{field}.text", QUESTION_MAX, error=InvalidCourse)
        options = q.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= OPTIONS_MAX:
            raise InvalidCourse(f"{field}.options must be a list of 2 to {OPTIONS_MAX} options")
        checked = tuple(required_text(o, f"{field}.options[{i}]", OPTION_MAX, error=InvalidCourse)
                        for i, o in enumerate(options))
        answer = _int(q, "answer", field, 0, len(checked) - 1)
        return Question(q["id"], text, checked, answer)

    def public(self) -> tuple[PublicQuestion, ...]:
        return tuple(PublicQuestion(q.id, q.text, q.options) for q in self.questions)

    def score(self, answers: object) -> int:
        """How many answers are right: `answers` holds one option index per question, in the questions' order."""
        if not isinstance(answers, Sequence) or isinstance(answers, str) or len(answers) != len(self.questions):
            raise InvalidQuizAnswers(f"answers must hold one option index per question ({len(self.questions)})")
        for index, (answer, question) in enumerate(zip(answers, self.questions, strict=True)):
            if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(question.options):
                raise InvalidQuizAnswers(f"answers[{index}] must be an option index from 0 to "
                                         f"{len(question.options) - 1}")
        return sum(1 for answer, q in zip(answers, self.questions, strict=True) if answer == q.answer)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "title": self.title, "pass_mark": self.pass_mark,
                "max_attempts": self.max_attempts,
                "questions": [{"id": q.id, "text": q.text, "options": list(q.options), "answer": q.answer}
                              for q in self.questions]}

    def to_public_dict(self) -> dict[str, Any]:
        """The quiz as anyone but an admin may see it in a course's requirements: no answer key."""
        shown = self.to_dict()
        for question in shown["questions"]:
            del question["answer"]
        return shown


@dataclasses.dataclass(frozen=True)
class LedSession:
    """A support session a learner led, as room's `session_ended` reported it (attendees: without the leader)."""

    session_id: str
    leader_id: str
    room_slug: str
    kind: str
    duration_seconds: int
    attendee_count: int
    script_id: str | None
    ended_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Practicum:
    """Lead a real session: at least `min_minutes` long, with at least `min_attendees` besides the leader, using a
    script from room's library when `requires_script`, of one of `session_kinds` when those are named."""

    min_minutes: int
    min_attendees: int
    requires_script: bool
    session_kinds: tuple[str, ...] = ()
    kind: str = PRACTICUM

    @classmethod
    def parse(cls, item: Mapping, field: str) -> Practicum:
        _unknown_keys(item, {"min_minutes", "min_attendees", "requires_script", "session_kinds"}, field)
        script = item.get("requires_script", False)
        if not isinstance(script, bool):
            raise InvalidCourse(f"{field}.requires_script must be true or false")
        kinds = item.get("session_kinds") or []
        if not isinstance(kinds, list) or not all(isinstance(k, str) and 0 < len(k) <= KIND_MAX for k in kinds):
            raise InvalidCourse(f"{field}.session_kinds must be a list of session kinds (text up to "
                                f"{KIND_MAX} characters), or left out for any kind")
        return cls(_int(item, "min_minutes", field, 1, MINUTES_MAX), _int(item, "min_attendees", field, 0,
                                                                         ATTENDEES_MAX),
                   script, tuple(dict.fromkeys(kinds)))

    def qualifies(self, session: LedSession) -> bool:
        return (session.duration_seconds >= self.min_minutes * 60 and session.attendee_count >= self.min_attendees
                and (session.script_id is not None or not self.requires_script)
                and (not self.session_kinds or session.kind in self.session_kinds))

    def describe(self) -> str:
        attendees = f"{self.min_attendees} attendee{'' if self.min_attendees == 1 else 's'}"
        text = f"lead a session of at least {self.min_minutes} minutes with {attendees}"
        if self.session_kinds:
            text += f" (a {' or '.join(self.session_kinds)} session)"
        return text + (" using a script" if self.requires_script else "")

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"kind": self.kind, "min_minutes": self.min_minutes,
                                 "min_attendees": self.min_attendees, "requires_script": self.requires_script}
        if self.session_kinds:
            shown["session_kinds"] = list(self.session_kinds)
        return shown


@dataclasses.dataclass(frozen=True)
class MentorApproval:
    """An assigned mentor approves the learner's practicum (with feedback when they return it)."""

    kind: str = MENTOR_APPROVAL

    @classmethod
    def parse(cls, item: Mapping, field: str) -> MentorApproval:
        _unknown_keys(item, set(), field)
        return cls()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


Requirement = Participate | Quiz | Practicum | MentorApproval
_PARSERS = {PARTICIPATE: Participate.parse, QUIZ: Quiz.parse, PRACTICUM: Practicum.parse,
            MENTOR_APPROVAL: MentorApproval.parse}
_ONCE = (PARTICIPATE, PRACTICUM, MENTOR_APPROVAL)


def parse_requirements(value: object, field: str = "requirements") -> list[Requirement]:
    """The requirements of a course from their JSON form; InvalidCourse naming the field at fault. At most one of
    participate, practicum and mentor approval; quizzes with distinct ids; mentor approval needs a practicum."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidCourse(f"{field} must be a list of objects, each with a kind")
    if len(value) > REQUIREMENTS_MAX:
        raise InvalidCourse(f"{field} must list at most {REQUIREMENTS_MAX} items")
    parsed: list[Requirement] = []
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(item, Mapping) or item.get("kind") not in REQUIREMENT_KINDS:
            raise InvalidCourse(f"{where} must be an object whose kind is one of {', '.join(REQUIREMENT_KINDS)}")
        parsed.append(_PARSERS[item["kind"]](item, where))
    kinds = [r.kind for r in parsed]
    for kind in _ONCE:
        if kinds.count(kind) > 1:
            raise InvalidCourse(f"{field} may list {kind} once")
    quiz_ids = [r.id for r in parsed if isinstance(r, Quiz)]
    if len(set(quiz_ids)) != len(quiz_ids):
        raise InvalidCourse(f"{field}: every quiz needs its own id")
    if MENTOR_APPROVAL in kinds and PRACTICUM not in kinds:
        raise InvalidCourse(f"{field}: mentor_approval approves a practicum, so the course must list one")
    return parsed


def to_dicts(requirements: Sequence[Requirement]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in requirements]


def public_dicts(requirements: Sequence[Requirement]) -> list[dict[str, Any]]:
    """The requirements as learners see them: every quiz without its answer key."""
    return [r.to_public_dict() if isinstance(r, Quiz) else r.to_dict() for r in requirements]
