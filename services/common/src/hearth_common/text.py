"""Common (pure): the checks of free text every service applies: text, trimmed, within its length, no NUL; and
how an error message shows a value a caller sent (cut, never whole)."""
from __future__ import annotations

import re

from hearth_common.errors import InvalidArgument
from hearth_common.vocabulary import USERNAME

NUL = "\x00"
SHOWN_MAX = 64  # every identifier (slug, username, UUID) shows whole; free text and junk are cut
# An @ and a username as identity accepts it, not cut short from a longer handle.
MENTION = re.compile(rf"(?<![\w@])@({USERNAME.regex.pattern})(?![A-Za-z0-9_])")


def shown(value: object, most: int = SHOWN_MAX) -> str:
    """A value a caller sent, as an error message quotes it: its repr, text cut to `most` characters and '…'.
    A refusal must never echo a caller's whole value: a 17,000-character slug would be sent back in the status
    (past about 8 KB of trailers the client gets RESOURCE_EXHAUSTED instead of the refusal) and logged."""
    if isinstance(value, str):
        return repr(value if len(value) <= most else value[:most] + "…")
    text = repr(value)
    return text if len(text) <= most else text[:most] + "…"


def required_text(
    value: object, field: str, max_length: int, *, min_length: int = 1, error: type[InvalidArgument] = InvalidArgument
) -> str:
    """The text trimmed, or `error` saying what to change.

    A field with a length range (min_length above 1) is refused with its range whatever is wrong (missing,
    not text, too short or too long: each is out of the range); a merely required field says which it is."""
    if min_length > 1:
        if not isinstance(value, str) or not min_length <= len(value.strip()) <= max_length:
            raise error(f"{field} must be {min_length} to {max_length} characters")
    text = _trimmed(value, field, error)
    if not text:
        raise error(f"{field} is required")
    if len(text) > max_length:
        raise error(f"{field} must be at most {max_length} characters")
    return text


def optional_text(
    value: object, field: str, max_length: int, *, error: type[InvalidArgument] = InvalidArgument
) -> str | None:
    """The text trimmed, None when it is missing or blank, or `error` saying what to change."""
    text = _trimmed(value, field, error)
    if len(text) > max_length:
        raise error(f"{field} must be at most {max_length} characters")
    return text or None


def _trimmed(value: object, field: str, error: type[InvalidArgument]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # RPC callers may send anything JSON holds
        raise error(f"{field} must be text")
    if NUL in value:  # PostgreSQL cannot store it; refused here with the field's name
        raise error(f"{field} must not contain NUL (0x00) characters")
    return value.strip()


def mentioned_usernames(body: str, most: int) -> list[str]:
    """The distinct @usernames in a text, in order of first mention, lower-cased, at most `most` of them."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        name = match.group(1).rstrip(".-").lower()  # "thanks @sam." mentions sam
        if len(name) >= 3:
            seen.setdefault(name, None)
    return list(seen)[:most]
