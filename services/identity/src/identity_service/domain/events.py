"""Domain: the events identity announces, with the data other services keep in their read models of people."""
from __future__ import annotations

from hearth_common.events import Event
from identity_service.domain.model import BadgeAward, Cohort, Person, RoleGrant

# Every event type identity announces (on the identity.events exchange, routing key = type).
EVENT_TYPES = ("person_registered", "cohort_changed", "role_granted", "role_revoked", "badge_awarded", "badge_revoked")


def _iso(value):
    return value.isoformat() if value is not None else None


def person_registered(person: Person) -> Event:
    return Event(
        "person_registered",
        {
            "person_id": person.id,
            "username": person.username,
            "kind": person.kind.value,
            "cohort": person.cohort.value,
            "registered_at": _iso(person.registered_at),
        },
    )


def cohort_changed(person: Person, previous: Cohort) -> Event:
    return Event(
        "cohort_changed",
        {"person_id": person.id, "previous_cohort": previous.value, "cohort": person.cohort.value},
    )


def _grant_data(grant: RoleGrant) -> dict:
    return {
        "grant_id": grant.id,
        "person_id": grant.person_id,
        "role": grant.role.value,
        "room_id": grant.room_id,
        "expires_at": _iso(grant.expires_at),
    }


def role_granted(grant: RoleGrant) -> Event:
    return Event("role_granted", {**_grant_data(grant), "granted_by": grant.granted_by})


def role_revoked(grant: RoleGrant) -> Event:
    return Event("role_revoked", {**_grant_data(grant), "revoked_by": grant.revoked_by, "reason": grant.revoke_reason})


def badge_awarded(award: BadgeAward) -> Event:
    return Event(
        "badge_awarded",
        {
            "award_id": award.id,
            "person_id": award.person_id,
            "badge_slug": award.badge_slug,
            "awarded_by": award.awarded_by,
            "reason": award.reason,
            "awarded_at": _iso(award.awarded_at),
        },
    )


def badge_revoked(award: BadgeAward) -> Event:
    return Event(
        "badge_revoked",
        {
            "award_id": award.id,
            "person_id": award.person_id,
            "badge_slug": award.badge_slug,
            "revoked_by": award.revoked_by,
            "reason": award.revoke_reason,
            "revoked_at": _iso(award.revoked_at),
        },
    )
