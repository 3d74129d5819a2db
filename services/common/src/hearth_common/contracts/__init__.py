"""Cross-cutting (pure): event contracts, one module per producing service (identity, room, moderation, course): the
event types, a typed payload per event that producers build events from, and a `parse` consumers read them
with, which refuses a malformed event with InvalidEvent (a worker dead-letters it at once)."""
from hearth_common.contracts import course, identity, moderation, room
from hearth_common.contracts.base import Contract, InvalidEvent, Payload, Received

# Every producer's contract, by the source named in its events (and its exchange, `<source>.events`).
BY_SOURCE: dict[str, Contract] = {c.source: c for c in (identity.CONTRACT, room.CONTRACT, moderation.CONTRACT,
                                                       course.CONTRACT)}

__all__ = ["BY_SOURCE", "Contract", "InvalidEvent", "Payload", "Received"]
