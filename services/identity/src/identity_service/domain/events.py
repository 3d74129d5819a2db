"""Domain: the events identity announces, built from its entities through identity's contract in common."""
from __future__ import annotations

from hearth_common.contracts import identity as contract
from hearth_common.events import Event
from identity_service.domain.model import BadgeAward, Cohort, Person, RoleGrant

# Every event type identity announces (on the identity.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES


def person_registered(person: Person) -> Event:
    return contract.PersonRegistered(
        person_id=person.id, username=person.username, kind=person.kind.value, cohort=person.cohort.value,
        registered_at=person.registered_at,
    ).event()


def cohort_changed(person: Person, previous: Cohort) -> Event:
    return contract.CohortChanged(
        person_id=person.id, previous_cohort=previous.value, cohort=person.cohort.value
    ).event()


def role_granted(grant: RoleGrant) -> Event:
    return contract.RoleGranted(
        grant_id=grant.id, person_id=grant.person_id, role=grant.role.value, room_id=grant.room_id,
        expires_at=grant.expires_at, granted_by=grant.granted_by,
    ).event()


def role_revoked(grant: RoleGrant) -> Event:
    return contract.RoleRevoked(
        grant_id=grant.id, person_id=grant.person_id, role=grant.role.value, room_id=grant.room_id,
        expires_at=grant.expires_at, revoked_by=grant.revoked_by, reason=grant.revoke_reason,
    ).event()


def badge_awarded(award: BadgeAward) -> Event:
    return contract.BadgeAwarded(
        award_id=award.id, person_id=award.person_id, badge_slug=award.badge_slug, awarded_by=award.awarded_by,
        reason=award.reason, awarded_at=award.awarded_at,
    ).event()


def badge_revoked(award: BadgeAward) -> Event:
    return contract.BadgeRevoked(
        award_id=award.id, person_id=award.person_id, badge_slug=award.badge_slug, revoked_by=award.revoked_by,
        reason=award.revoke_reason, revoked_at=award.revoked_at,
    ).event()
