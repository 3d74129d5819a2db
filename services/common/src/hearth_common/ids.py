"""Common (pure): the ids of records (random UUIDs, in their canonical text form) and reading ids callers send."""
from __future__ import annotations

import uuid

from hearth_common.errors import InvalidArgument
from hearth_common.text import shown

# The most characters an id a caller sends may have: a UUID's 36, with room for braces or a urn:uuid: prefix.
# Longer is refused here, before parsing (uuid.UUID would accept any number of hyphens), and at the gRPC edge.
ID_MAX = 64


def new_id() -> str:
    """A new random id: a version 4 UUID in canonical lower-case text."""
    return str(uuid.uuid4())


def parse_uuid(value: object, field: str, error: type[InvalidArgument] = InvalidArgument) -> str:
    """The canonical text of the UUID a caller sent (any case, braces or urn: prefix accepted), or `error`
    naming the field, so a malformed id is refused before it reaches a query."""
    if isinstance(value, uuid.UUID):
        return str(value)
    try:
        if isinstance(value, str) and len(value) > ID_MAX:
            raise ValueError(value)
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise error(f"{field} must be a UUID, got {shown(value)}") from None
