"""Domain: a room of the catalogue and the rule for who may enter it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Any, Mapping

from room_service.domain import access
from room_service.domain.people import KnownPerson

COHORTS = ("adult", "teen")
AUDIENCE_KINDS = ("member", "listener", "both")
MODES = ("always_open", "pop_up", "facilitated")
STATUSES = ("active", "archived")


def badge_name(slug: str) -> str:
    """A readable badge name from its slug, for explanations ("chief-chat" -> "Chief Chat")."""
    return " ".join(part.capitalize() for part in slug.split("-"))


class _BadgeNames(dict):
    """Display names for every slug (room does not own the badge catalogue; names follow the slugs)."""

    def __missing__(self, slug):
        return badge_name(slug)

    def get(self, slug, default=None):
        return self[slug]


BADGE_NAMES: Mapping[str, str] = _BadgeNames()


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    missing: tuple[str, ...] = ()


@dataclasses.dataclass(eq=False)
class Room:
    slug: str
    name: str
    description: str
    topic: str
    audience_cohort: str
    audience_kind: str
    mode: str
    status: str
    capacity: int
    access_policy: dict[str, Any]

    @functools.cached_property
    def policy(self) -> access.Expr:
        return access.parse_policy(self.access_policy)

    def summary(self) -> str:
        return access.describe(self.policy, BADGE_NAMES)

    def decide(self, person: KnownPerson | None, now: dt.datetime) -> Decision:
        """Whether this person may enter now and, if not, everything they still need.

        Cohort separation is a hard rule checked before the policy: teens never enter adult rooms and
        adults never enter teen rooms, whatever the policy says.
        """
        if self.status != "active":
            return Decision(False, ("this room is archived and no longer open",))
        if person is None or not person.known:
            return Decision(False, ("your account is still being set up here; try again in a moment",))
        if person.cohort != self.audience_cohort:
            return Decision(False, (f"this room is for {self.audience_cohort}s only",))
        if self.audience_kind != "both" and person.kind != self.audience_kind:
            return Decision(False, (f"this room is for {self.audience_kind}s only",))
        missing = access.explain(self.policy, person.facts(), self.slug, now, BADGE_NAMES)
        return Decision(not missing, tuple(missing))
