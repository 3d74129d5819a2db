"""Cross-cutting (pure): the contract of identity's events (exchange `identity.events`, routing key = type): the
facts about people that other services keep in their read models.

Every consumer needs only the fields without a default to apply an event; identity always sends every field
(tests/contract checks it), the others being its record of who did what, when and why.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from hearth_common.contracts.base import Contract, Payload, Received, rule
from hearth_common.vocabulary import Cohort, Kind, Role, values

SOURCE = "identity"

# The words identity's events carry about a person: the shared vocabulary's.
MEMBER, LISTENER = Kind.MEMBER.value, Kind.LISTENER.value
KINDS: tuple[str, ...] = values(Kind)
TEEN, ADULT = Cohort.TEEN.value, Cohort.ADULT.value
COHORTS: tuple[str, ...] = values(Cohort)
CHAT_ROOM_MODERATOR, SUPPORT_SESSION_LEADER, ON_SPOT_HOST, ADMIN = (
    Role.CHAT_ROOM_MODERATOR.value, Role.SUPPORT_SESSION_LEADER.value, Role.ON_SPOT_HOST.value, Role.ADMIN.value)
ROLES: tuple[str, ...] = values(Role)


def _person_id():
    return rule(max_length=36)


def _id(default=dataclasses.MISSING):
    return rule(max_length=64, default=default)


def _reason():
    return rule(empty=True, max_length=500, default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PersonRegistered(Payload):
    """A person signed up: who they are to every room and course."""

    TYPE: ClassVar[str] = "person_registered"
    person_id: str = _person_id()
    username: str = rule(max_length=32)
    kind: str = rule(choices=KINDS)
    cohort: str = rule(choices=COHORTS)
    registered_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class CohortChanged(Payload):
    """A person's age cohort changed (a teen turned 18)."""

    TYPE: ClassVar[str] = "cohort_changed"
    person_id: str = _person_id()
    previous_cohort: str | None = rule(choices=COHORTS, default=None)
    cohort: str = rule(choices=COHORTS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RoleGranted(Payload):
    """A role was granted, for every room (`room_id` null) or one; it lapses at `expires_at` with no event."""

    TYPE: ClassVar[str] = "role_granted"
    grant_id: str = _id()
    person_id: str = _person_id()
    role: str = rule(choices=ROLES)
    room_id: str | None = _id(default=None)
    expires_at: dt.datetime | None = None
    granted_by: str | None = _id(default=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RoleRevoked(Payload):
    """A role grant was revoked before it lapsed."""

    TYPE: ClassVar[str] = "role_revoked"
    grant_id: str = _id()
    person_id: str = _person_id()
    role: str = rule(choices=ROLES)
    room_id: str | None = _id(default=None)
    expires_at: dt.datetime | None = None
    revoked_by: str | None = _id(default=None)
    reason: str | None = _reason()


@dataclasses.dataclass(frozen=True, kw_only=True)
class BadgeAwarded(Payload):
    """A person earned a badge (badges unlock rooms and roles)."""

    TYPE: ClassVar[str] = "badge_awarded"
    award_id: str | None = _id(default=None)
    person_id: str = _person_id()
    badge_slug: str = _id()
    awarded_by: str | None = _id(default=None)
    reason: str | None = _reason()
    awarded_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BadgeRevoked(Payload):
    """A badge award was taken back."""

    TYPE: ClassVar[str] = "badge_revoked"
    award_id: str | None = _id(default=None)
    person_id: str = _person_id()
    badge_slug: str = _id()
    revoked_by: str | None = _id(default=None)
    reason: str | None = _reason()
    revoked_at: dt.datetime | None = None


IdentityPayload = PersonRegistered | CohortChanged | RoleGranted | RoleRevoked | BadgeAwarded | BadgeRevoked

CONTRACT = Contract(SOURCE, PersonRegistered, CohortChanged, RoleGranted, RoleRevoked, BadgeAwarded, BadgeRevoked)
EVENT_TYPES = CONTRACT.types
# After these a person may hold less than before: a consumer that let them in somewhere asks again.
NARROWING_EVENTS = frozenset({CohortChanged.TYPE, BadgeRevoked.TYPE, RoleRevoked.TYPE})


def parse(envelope: object) -> Received[IdentityPayload]:
    """One of identity's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
