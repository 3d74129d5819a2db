"""Cross-cutting: the envelope every domain event travels in, from the outbox to its consumers."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any


@dataclasses.dataclass(frozen=True)
class Event:
    """A fact one service announces; `data` holds what another service needs to keep a read model."""

    type: str
    data: dict[str, Any]
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    request_id: str | None = None

    def envelope(self, source: str) -> dict[str, Any]:
        """The JSON body published on `<source>.events` with routing key `type` (the relay adds `seq`)."""
        return {
            "event_id": self.id,
            "event_type": self.type,
            "source": source,
            "occurred_at": self.occurred_at.isoformat(),
            "request_id": self.request_id,
            "data": self.data,
        }
