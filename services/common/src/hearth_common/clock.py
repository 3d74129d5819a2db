"""Common (pure): the time every service stamps its records with: aware, in UTC."""
from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, aware and in UTC (the default clock of every use case; tests pass their own)."""
    return dt.datetime.now(dt.timezone.utc)
