"""Domain: room's read model of a person (kind, cohort, badges, roles), built from identity's events in any order."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from room_service.domain.access import PersonFacts, RoleFact

IDENTITY_EVENTS = (
    "person_registered",
    "cohort_changed",
    "badge_awarded",
    "badge_revoked",
    "role_granted",
    "role_revoked",
)
# Those after which a person may no longer belong in a room they are in (it asks the door again).
NARROWING_EVENTS = frozenset({"cohort_changed", "badge_revoked", "role_revoked"})


@dataclasses.dataclass
class BadgeState:
    held: bool
    seq: int


@dataclasses.dataclass
class GrantState:
    role: str
    room_id: str | None
    expires_at: str | None
    active: bool
    seq: int


@dataclasses.dataclass(eq=False)
class KnownPerson:
    """What room knows of one person. Events may arrive late, twice or out of order (several workers):
    each fact keeps the `seq` of the event that set it, and an older event never overwrites a newer one."""

    person_id: str
    username: str | None = None
    kind: str | None = None
    cohort: str | None = None
    cohort_seq: int = 0
    badges: dict[str, BadgeState] = dataclasses.field(default_factory=dict)
    grants: dict[str, GrantState] = dataclasses.field(default_factory=dict)

    def apply(self, envelope: dict[str, Any]) -> bool:
        """Applies one identity event; returns whether anything changed."""
        kind, data, seq = envelope["event_type"], envelope["data"], int(envelope.get("seq") or 0)
        if kind == "person_registered":
            changed = self.username != data["username"] or self.kind != data["kind"]
            self.username, self.kind = data["username"], data["kind"]
            return self._set_cohort(data["cohort"], seq) or changed
        if kind == "cohort_changed":
            return self._set_cohort(data["cohort"], seq)
        if kind in ("badge_awarded", "badge_revoked"):
            current = self.badges.get(data["badge_slug"])
            if current is not None and current.seq >= seq:
                return False
            self.badges[data["badge_slug"]] = BadgeState(held=kind == "badge_awarded", seq=seq)
            return True
        if kind in ("role_granted", "role_revoked"):
            current = self.grants.get(data["grant_id"])
            if current is not None and current.seq >= seq:
                return False
            self.grants[data["grant_id"]] = GrantState(
                role=data["role"],
                room_id=data.get("room_id"),
                expires_at=data.get("expires_at"),
                active=kind == "role_granted",
                seq=seq,
            )
            return True
        return False

    def _set_cohort(self, cohort: str, seq: int) -> bool:
        if self.cohort is not None and self.cohort_seq >= seq:
            return False
        self.cohort, self.cohort_seq = cohort, seq
        return True

    @property
    def known(self) -> bool:
        """Whether registration has arrived (kind and cohort are known)."""
        return self.kind is not None and self.cohort is not None

    def facts(self) -> PersonFacts:
        return PersonFacts(
            person_id=self.person_id,
            kind=self.kind or "",
            cohort=self.cohort or "",
            badges=frozenset(slug for slug, state in self.badges.items() if state.held),
            roles=tuple(
                RoleFact(g.role, g.room_id, dt.datetime.fromisoformat(g.expires_at) if g.expires_at else None)
                for g in self.grants.values()
                if g.active
            ),
        )
