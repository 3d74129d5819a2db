"""Service layer: a leader's hosting figures for a month (domain/hosting.py's rule over room's own sessions)."""
from __future__ import annotations

from collections.abc import Mapping

from hearth_common.people import is_admin
from room_service.domain import errors
from room_service.domain import hosting as rules
from room_service.service_layer.access import known_person
from room_service.service_layer.timeline import Transactions
from room_service.service_layer.views import hosting_view


class Hosting:
    """Hosting figures, read from room's own ended sessions against the quota table of the settings."""

    def __init__(self, transactions: Transactions, quotas: Mapping[tuple[str, str], int] | None = None):
        self.tx = transactions
        self.quotas = dict(quotas or rules.DEFAULT_QUOTA_MINUTES)

    def figures(self, viewer_id: str, person_id: str = "", month: str = "") -> dict:
        """The person's (empty: the viewer's own) minutes hosted in the month ("YYYY-MM"; empty: this one, UTC)
        per team against their quota. A person sees their own; admins anyone's."""
        now = self.tx.clock()
        span = rules.Month.of(month, now)
        person_id = person_id or viewer_id
        with self.tx.begin() as uow:
            viewer = known_person(uow, viewer_id)
            if person_id != viewer_id and not is_admin(viewer.facts(), now):
                raise errors.NotYourFigures("you may see your own hosting figures; admins see anyone's")
            person = uow.people.get(person_id)
            if person is None or not person.known:
                raise errors.PersonNotFound(f"room knows no person {person_id!r}")
            hosted = uow.sessions.hosted_by(person_id, span.start, span.end)
        return hosting_view(rules.hosting_figures(person_id, person.cohort, person.kind, hosted, span, self.quotas))
