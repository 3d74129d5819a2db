"""Cross-cutting (pure): a consumer's read model of people, built from identity's events in any order, and the
authorisation questions asked of it (has a role here now, is admin, may moderate, is staff; who the actor is)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from hearth_common.contracts import Received
from hearth_common.contracts import identity as identity_events
from hearth_common.contracts.identity import ADMIN, CHAT_ROOM_MODERATOR, ON_SPOT_HOST, SUPPORT_SESSION_LEADER
from hearth_common.errors import InvalidArgument

# Who moderates a room: its chat room moderators (or those of every room) and admins.
MODERATOR_ROLES = (CHAT_ROOM_MODERATOR, ADMIN)
# Staff: whoever leads sessions, hosts, moderates or administers.
STAFF_ROLES = (SUPPORT_SESSION_LEADER, ON_SPOT_HOST, CHAT_ROOM_MODERATOR, ADMIN)


# --- what an authorisation rule may look at ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RoleFact:
    """A role grant as a read model knows it: for every room (`room_id` None) or one, until `expires_at`."""

    role: str
    room_id: str | None = None
    expires_at: dt.datetime | None = None

    def counts(self, room_id: str | None, now: dt.datetime) -> bool:
        """Whether the grant applies in this room now (room_id None: only grants for every room count):
        unexpired, and global or scoped to it."""
        return (self.expires_at is None or self.expires_at > now) and (
            self.room_id is None or self.room_id == room_id
        )


@dataclasses.dataclass(frozen=True)
class PersonFacts:
    """What authorisation rules and access policies may look at about a person."""

    person_id: str
    kind: str
    cohort: str
    badges: frozenset[str] = frozenset()
    roles: tuple[RoleFact, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "badges", frozenset(self.badges))
        object.__setattr__(self, "roles", tuple(self.roles))

    def has_role(self, role: str, room_id: str | None, now: dt.datetime) -> bool:
        """Holds an unexpired grant of the role, for every room or (room_id) for this one."""
        return any(fact.role == role and fact.counts(room_id, now) for fact in self.roles)

    def has_any_role(self, roles: Iterable[str], room_id: str | None, now: dt.datetime) -> bool:
        return any(self.has_role(role, room_id, now) for role in roles)


def is_admin(facts: PersonFacts, now: dt.datetime) -> bool:
    """Holds the admin role now (identity grants it only for every room)."""
    return facts.has_role(ADMIN, None, now)


def may_moderate(facts: PersonFacts, room_id: str, now: dt.datetime) -> bool:
    """Chat room moderators (of every room or this one) and admins moderate a room: remove messages and people
    and end anyone's session there."""
    return facts.has_any_role(MODERATOR_ROLES, room_id, now)


def is_staff(facts: PersonFacts, room_id: str | None, now: dt.datetime) -> bool:
    """Holds a staff role (leads sessions, hosts, moderates or administers), for every room or this one."""
    return facts.has_any_role(STAFF_ROLES, room_id, now)


SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who asks: a person (authorised by their roles) or another Hearth service (a trusted internal caller)."""

    person_id: str | None = None
    service: str | None = None

    @classmethod
    def calling_service(cls, name: str) -> Actor:
        """An internal caller, named by the service making the call (recorded as `service:<name>`)."""
        if not isinstance(name, str) or not SERVICE_NAME.match(name):
            raise InvalidArgument("caller must be the calling service's name, e.g. 'course'")
        return cls(service=name)

    @property
    def label(self) -> str:
        """How records name the actor: the person's id, or `service:<name>`."""
        return self.person_id if self.person_id else f"service:{self.service}"


# --- the read model --------------------------------------------------------------------------------


@dataclasses.dataclass
class BadgeState:
    held: bool
    seq: int


@dataclasses.dataclass
class GrantState:
    role: str
    room_id: str | None
    expires_at: str | None  # ISO-8601, as identity sent it (the state is stored as JSON)
    active: bool
    seq: int


@dataclasses.dataclass(eq=False)
class KnownPerson:
    """What a consumer knows of one person from identity's events. Events may arrive late, twice or out of
    order (several workers): each fact keeps the outbox `seq` of the event that set it, and an older event
    never overwrites a newer one, so any order of delivery ends in the state of the true order."""

    person_id: str
    username: str | None = None
    kind: str | None = None
    cohort: str | None = None
    cohort_seq: int = 0
    badges: dict[str, BadgeState] = dataclasses.field(default_factory=dict)
    grants: dict[str, GrantState] = dataclasses.field(default_factory=dict)

    def apply(self, event: Received | Mapping[str, Any]) -> bool:
        """Applies one of identity's events (parsed, or its envelope, which is parsed here: InvalidEvent when
        it breaks the contract); returns whether anything changed. Other event types change nothing."""
        if not isinstance(event, Received):
            if event.get("event_type") not in identity_events.EVENT_TYPES:
                return False
            event = identity_events.parse(event)
        payload, seq = event.payload, event.seq
        match payload:
            case identity_events.PersonRegistered():
                changed = self.username != payload.username or self.kind != payload.kind
                self.username, self.kind = payload.username, payload.kind
                return self._set_cohort(payload.cohort, seq) or changed
            case identity_events.CohortChanged():
                return self._set_cohort(payload.cohort, seq)
            case identity_events.BadgeAwarded() | identity_events.BadgeRevoked():
                current = self.badges.get(payload.badge_slug)
                if current is not None and current.seq >= seq:
                    return False
                self.badges[payload.badge_slug] = BadgeState(
                    held=isinstance(payload, identity_events.BadgeAwarded), seq=seq
                )
                return True
            case identity_events.RoleGranted() | identity_events.RoleRevoked():
                current = self.grants.get(payload.grant_id)
                if current is not None and current.seq >= seq:
                    return False
                self.grants[payload.grant_id] = GrantState(
                    role=payload.role,
                    room_id=payload.room_id,
                    expires_at=payload.expires_at.isoformat() if payload.expires_at else None,
                    active=isinstance(payload, identity_events.RoleGranted),
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


class PeoplePort(Protocol):
    """A consumer's stored read model of people (hearth_common.people_table), in its unit of work."""

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None: ...
    def save(self, person: KnownPerson) -> None: ...
    def lock_new(self, person_id: str) -> None:
        """Makes the person's row if missing and locks it, so two events about a new person apply one by one."""


def apply_identity_event(people: PeoplePort, claim_event: Callable[[Mapping[str, Any]], bool],
                         envelope: Mapping[str, Any]) -> tuple[KnownPerson, bool] | None:
    """Applies one of identity's events to the read model, in the caller's transaction (which commits it), once
    per event id (`claim_event`: the unit of work's inbox). Returns the person as saved and whether the event
    changed anything, or None for an event that is not identity's or was applied before (nothing to commit).
    InvalidEvent when the envelope breaks identity's contract."""
    if envelope.get("event_type") not in identity_events.EVENT_TYPES:
        return None
    event = identity_events.parse(envelope)
    person_id = event.payload.person_id
    people.lock_new(person_id)
    if not claim_event(envelope):
        return None
    person = people.get(person_id, lock=True) or KnownPerson(person_id)
    changed = person.apply(event)
    people.save(person)
    return person, changed
