"""Common (pure): the ids of records (random UUIDs, in their canonical text form) and reading ids callers send."""
from __future__ import annotations

import uuid

from hearth_common.errors import InvalidArgument

_SHOWN_MAX = 80


def new_id() -> str:
    """A new random id: a version 4 UUID in canonical lower-case text."""
    return str(uuid.uuid4())


def parse_uuid(value: object, field: str, error: type[InvalidArgument] = InvalidArgument) -> str:
    """The canonical text of the UUID a caller sent (any case, braces or urn: prefix accepted), or `error`
    naming the field, so a malformed id is refused before it reaches a query."""
    if isinstance(value, uuid.UUID):
        return str(value)
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        shown = repr(value if not isinstance(value, str) or len(value) <= _SHOWN_MAX else value[:_SHOWN_MAX] + "...")
        raise error(f"{field} must be a UUID, got {shown}") from None
