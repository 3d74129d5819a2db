"""Common (pure): the words every service shares: roles, cohorts, kinds, and the forms of slugs and usernames."""
from __future__ import annotations

import dataclasses
import enum
import re


class Role(enum.StrEnum):
    """A role identity grants, globally or for one room, for a time or until revoked.

    A StrEnum, so `Role.ADMIN == "admin"` and stored values, events and JSON carry the plain name."""

    CHAT_ROOM_MODERATOR = "chat_room_moderator", "Chat Room Moderator"
    SUPPORT_SESSION_LEADER = "support_session_leader", "Support Session Leader"
    ON_SPOT_HOST = "on_spot_host", "On-spot Host"
    ADMIN = "admin", "Admin"

    display_name: str

    def __new__(cls, value: str, display_name: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.display_name = display_name
        return member


class Cohort(enum.StrEnum):
    """The age cohort of a person: teen from 13 to 17, adult from 18. Cohorts never share a room."""

    TEEN = "teen"
    ADULT = "adult"


class Kind(enum.StrEnum):
    """What a person is on Hearth: a member seeking support or a listener (a trained volunteer)."""

    MEMBER = "member"
    LISTENER = "listener"


def values(vocabulary: type[enum.StrEnum]) -> tuple[str, ...]:
    """The plain string values of a vocabulary, in its order (for validation tables and error messages)."""
    return tuple(member.value for member in vocabulary)


# --- the forms of names -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NameForm:
    """The form a name must have in full: allowed characters, length and, optionally, its first character.

    `regex` matches a whole valid name (use fullmatch; `regex.pattern` embeds in larger patterns), `rule`
    says the form in words for refusals, and `problem` says what is wrong with one value."""

    allowed: str  # a regex character-class body, e.g. "a-z0-9-"
    allowed_in_words: str
    min_length: int
    max_length: int
    first: str | None = None  # a character-class body the first character must match
    first_in_words: str | None = None
    regex: re.Pattern[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.first:
            body = f"[{self.first}][{self.allowed}]{{{self.min_length - 1},{self.max_length - 1}}}"
        else:
            body = f"[{self.allowed}]{{{self.min_length},{self.max_length}}}"
        object.__setattr__(self, "regex", re.compile(body))

    @property
    def rule(self) -> str:
        start = f", starting with {self.first_in_words}" if self.first else ""
        return f"{self.min_length} to {self.max_length} characters of {self.allowed_in_words}{start}"

    def fullmatch(self, value: object) -> bool:
        return isinstance(value, str) and self.regex.fullmatch(value) is not None

    def problem(self, value: object) -> str | None:
        """What is wrong with value, a clause to follow the rule ("this one has 2"); None when it has the form."""
        if not isinstance(value, str):
            return f"got {'nothing' if value is None else type(value).__name__} instead of text"
        if not self.min_length <= len(value) <= self.max_length:
            return f"this one has {len(value)}"
        allowed = re.compile(f"[{self.allowed}]")
        outside = sorted({char for char in value if not allowed.fullmatch(char)})
        if outside:
            shown = ", ".join(repr(char) for char in outside[:5]) + (", ..." if len(outside) > 5 else "")
            return f"{shown} {'is' if len(outside) == 1 else 'are'} not allowed"
        if self.first and not re.fullmatch(f"[{self.first}]", value[0]):
            return f"this one starts with {value[0]!r}"
        return None

    def refusal(self, value: object, what: str) -> str | None:
        """The whole sentence refusing value as a `what` ("slug must be 3 to 64 ...; 'X' is not allowed")."""
        problem = self.problem(value)
        return None if problem is None else f"{what} must be {self.rule}; {problem}"


_SLUG_CHARACTERS = ("a-z0-9-", "a-z, 0-9 and '-'")

ROOM_SLUG = NameForm(*_SLUG_CHARACTERS, 3, 64)
"""A room's slug, its id everywhere (role grants scoped to a room name it by slug)."""

BADGE_SLUG = NameForm(*_SLUG_CHARACTERS, 2, 64)
"""A badge's slug in identity's catalogue, as room's badge locks and award calls name it."""

USERNAME = NameForm("A-Za-z0-9_.-", "letters, digits, '_', '.' or '-'", 3, 32, "A-Za-z", "a letter")
"""A person's username as they type it (unique without regard to case); @mentions name people by it."""
