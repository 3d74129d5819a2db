"""Common (pure): per-person limits as a burst then a steady interval (a generic cell rate), for actions each
of which is announced to others (hearts, likes): the state is one time per person and action, kept by the
service in the same transaction as the action."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Protocol

from hearth_common.errors import ResourceExhausted


@dataclasses.dataclass(frozen=True)
class Pace:
    """`burst` actions at once, then one every `interval`; `what` names them in the refusal ("giving hearts")."""

    burst: int
    interval: dt.timedelta
    what: str

    def next_due(self, due_at: dt.datetime | None, now: dt.datetime,
                 error: type[ResourceExhausted] = ResourceExhausted) -> dt.datetime:
        """Refuses an action past the pace with `error`, saying when to retry (its retry_after_seconds);
        otherwise returns the time to store for the next one. `due_at`: what the previous action returned (None
        for a first)."""
        due_at = max(due_at or now, now)
        retry = (due_at - (self.burst - 1) * self.interval - now).total_seconds()
        if retry > 0:
            raise error(
                f"you are {self.what} too fast: {self.burst} at once, then one every "
                f"{self.interval.total_seconds():g} s; try again in {max(retry, 0.1):.1f} s",
                retry_after_seconds=max(retry, 0.1))
        return due_at + self.interval


class PacesPort(Protocol):
    """The stored pace of each person and action (hearth_common.pacing_table has the table and its repository)."""

    def due(self, person_id: str, action: str) -> dt.datetime | None:
        """When the person's next `action` is due (None: never paced); the row is made if missing and stays locked
        until the transaction ends, so two of their actions at once are paced one after the other."""

    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None: ...
