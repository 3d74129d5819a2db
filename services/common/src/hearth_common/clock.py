"""Common (pure): the time every service stamps its records with: aware, in UTC."""
from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, aware and in UTC (the default clock of every use case; tests pass their own)."""
    return dt.datetime.now(dt.timezone.utc)


def seconds_until(at: dt.datetime | None, now: dt.datetime) -> float | None:
    """Seconds from `now` to `at` (negative once passed; None when there is no `at`): what a loop that sleeps until
    its work's next due time (nameko_deps.NotifiedLoop) is told."""
    return None if at is None else (at - now).total_seconds()
