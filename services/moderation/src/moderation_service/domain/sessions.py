"""Domain: the support sessions live now, from room's session_started / session_ended: a Support Session Leader
or On-spot Host may calm the room of the session they lead (domain/permissions.py)."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class LiveSession:
    """A session as moderation knows it (`seq`: the room timeline's, so an older event never overwrites a newer
    one: an end that arrives before its start stays ended)."""

    session_id: str
    room_slug: str
    leader_id: str
    live: bool
    seq: int
