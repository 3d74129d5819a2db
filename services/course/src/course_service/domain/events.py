"""Domain: the events course announces, built through course's contract in common (threads and completions
add their constructors here; the outbox and its relay carry them)."""
from __future__ import annotations

from hearth_common.contracts import course as contract

# Every event type course announces (on the course.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES
