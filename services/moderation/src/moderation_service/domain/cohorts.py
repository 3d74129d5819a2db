"""Domain: the one rule for acting across cohorts. Cohorts never share a room but for staff holding room's
cross-cohort grant for it (room's cohort_access_granted / _revoked, kept as the cohort_grants read model): an
admin acts on anyone; anyone else on people of their own cohort, or in a room they hold a live grant for. The
review queue (domain/reports.py), the permission matrix (domain/permissions.py) and (to come) the pager's
shifts all ask this."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hearth_common.people import PersonFacts, is_admin


def may_act_across_cohort(actor: PersonFacts | None, actor_grants: Iterable[str], room_slug: str | None,
                          subject_cohort: str | None, now: dt.datetime) -> bool:
    """Whether the actor may act on someone of `subject_cohort` in `room_slug` (None: every room at once, which
    no grant covers), as far as cohorts go (their role is the caller's question). `actor_grants`: the rooms of
    the actor's live cross-cohort grants (cohort_grants.rooms_of(actor, now)). An unknown cohort is nobody's."""
    if actor is None:
        return False
    if is_admin(actor, now):
        return True
    if not subject_cohort:
        return False
    return actor.cohort == subject_cohort or (room_slug is not None and room_slug in set(actor_grants))
