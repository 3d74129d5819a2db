"""Domain: staff's cross-cohort grants: an admin's audited, time-boxed leave to enter one room of the other
age cohort."""
from __future__ import annotations

import dataclasses
import datetime as dt

from room_service.domain.errors import InvalidGrant

MAX_GRANT = dt.timedelta(days=30)
DEFAULT_GRANT = dt.timedelta(days=1)
MIN_REASON, MAX_REASON = 10, 500


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


def grant_terms(reason: str | None, expires_at: dt.datetime | None, now: dt.datetime) -> tuple[str, dt.datetime]:
    """A grant's reason, trimmed, and when it ends (a day from now unless given); InvalidGrant saying what
    to change. The reason is kept as the audit record, so it must say something."""
    reason = (reason or "").strip()
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise InvalidGrant(f"say why in {MIN_REASON} to {MAX_REASON} characters (got {len(reason)}); the grant is "
                           "kept as an audit record")
    expires_at = expires_at or now + DEFAULT_GRANT
    if not now < expires_at <= now + MAX_GRANT:
        raise InvalidGrant(f"expires_at must be in the future and at most {MAX_GRANT.days} days ahead")
    return reason, expires_at
