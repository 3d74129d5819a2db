"""Cross-cutting (pure): event contracts, one module per producing service (identity, room, moderation): the
event types, a typed payload per event that producers build events from, and a `parse` consumers read them
with, which refuses a malformed event with InvalidEvent (a worker dead-letters it at once)."""
from hearth_common.contracts.base import Contract, InvalidEvent, Payload, Received

__all__ = ["Contract", "InvalidEvent", "Payload", "Received"]
