"""Domain: staff's cross-cohort grants: an admin's audited, time-boxed leave to enter one room of the other
age cohort."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class CohortGrant:
    """Never deleted (an audit record): revoking one, or its expiry, ends what it allows."""

    grant_id: str
    person_id: str
    room_slug: str
    reason: str
    granted_by: str
    granted_at: dt.datetime
    expires_at: dt.datetime
    revoked_by: str | None = None
    revoked_at: dt.datetime | None = None
