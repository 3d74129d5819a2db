"""Service layer: the door: who may enter a room or act in it, staff's cross-cohort grants, and taking out
those who no longer belong where they are."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id
from hearth_common.people import is_admin
from hearth_common.text import shown
from room_service.domain import errors, events, sanctions
from room_service.domain.grants import CohortGrant, grant_terms
from room_service.domain.people import KnownPerson
from room_service.domain.rooms import Decision, Room
from room_service.service_layer.timeline import Transactions, parse_uuid, remove_member, set_checked_in
from room_service.service_layer.unit_of_work import AccessContext, Member, UnitOfWork
from room_service.service_layer.views import grant_view

LAPSED_ROLE_WINDOW = dt.timedelta(hours=1)  # how far back the presence sweep looks for roles that expired


def room_not_found(slug: str) -> errors.RoomNotFound:
    return errors.RoomNotFound(f"no room with slug {shown(slug)}; ListRooms shows the catalogue")


def load_room(uow: UnitOfWork, slug: str, lock: bool = False) -> Room:
    room = uow.rooms.get(slug or "", lock=lock)
    if room is None:
        raise room_not_found(slug)
    return room


def known_person(uow: UnitOfWork, person_id: str) -> KnownPerson:
    """The person as room knows them; NotKnownYet until identity's registration event has arrived."""
    person = uow.people.get(person_id)
    if person is None or not person.known:
        raise errors.NotKnownYet("your account is still being set up here; try again in a moment")
    return person


def require_admin(uow: UnitOfWork, actor_id: str, now: dt.datetime, what: str) -> None:
    """Admin from room's own read model of roles (a token's roles may be minutes stale)."""
    person = uow.people.get(actor_id)
    if person is None or not is_admin(person.facts(), now):
        raise errors.NotAdmin(f"only an admin may {what}")


def require_member(uow: UnitOfWork, person_id: str, slug: str, now: dt.datetime) -> Member:
    """The person's membership of the room; RoomNotFound, or NotInRoom when they are not in it, or NotAllowedIn
    for someone across the teen/adult wall whose grant or role ended before the sweep took them out."""
    context = access_context(uow, slug, person_id, now)
    if context.member is None:
        raise errors.NotInRoom("join the room first")
    require_this_side_of_the_wall(context, now, "act in")
    return context.member


def access_context(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime) -> AccessContext:
    """The room and everything its door depends on for this person (one query); NotFound for no room."""
    context = uow.rooms.access_context(slug or "", person_id, now)
    if context is None:
        raise room_not_found(slug)
    return context


def banned(active: Iterable[sanctions.Sanction], slug: str, now: dt.datetime) -> Decision | None:
    """The refusal for a person banned from the room (their active sanctions), or None."""
    ban = sanctions.in_force(active, "ban", slug, now)
    return Decision(False, (sanctions.banned_because(ban),)) if ban is not None else None


def decide_in(context: AccessContext, now: dt.datetime, check_open: bool = True) -> Decision:
    """The access decision from an access_context(): a ban, the person, an open facilitated room, a staff grant."""
    room = context.room
    return banned(context.sanctions, room.slug, now) or room.decide(
        context.person, now, facilitated_open=context.facilitated_open, cohort_grant=context.cohort_grant,
        check_open=check_open)


def door_for(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime) -> tuple[AccessContext, Decision]:
    """The access context and the door's answer about the person alone (whether the room is open now aside)."""
    context = access_context(uow, slug, person_id, now)
    return context, decide_in(context, now, check_open=False)


def decide_all(uow: UnitOfWork, rooms: list[Room], person: KnownPerson | None, now: dt.datetime,
               check_open: bool = True) -> list[Decision]:
    """The access decisions for a list of rooms with four queries in all, not a query per room."""
    open_rooms = uow.members.checked_in_rooms() | uow.sessions.live_rooms()
    granted = uow.cohort_grants.rooms_for(person.person_id, now) if person is not None else set()
    active = uow.sanctions.active_for(person.person_id) if person is not None else []
    return [
        banned(active, room.slug, now)
        or room.decide(person, now, facilitated_open=room.slug in open_rooms, cohort_grant=room.slug in granted,
                       check_open=check_open)
        for room in rooms
    ]


def require_may_enter(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime, what: str) -> AccessContext:
    """Staff act on a room only where they may be themselves (its cohort or a grant for it, its kind or as its
    facilitator, its policy): the door asked about the person, open now or not. Returns the access context."""
    context, decision = door_for(uow, slug, person_id, now)
    if not decision.allowed:
        raise errors.NotAllowedIn(f"you may not {what} in {context.room.name}: " + "; ".join(decision.missing))
    return context


def require_this_side_of_the_wall(context: AccessContext, now: dt.datetime, what: str) -> None:
    """NotAllowedIn for someone of the other cohort without a grant in force, even while still a member: their
    grant or role expired and the sweep has not taken them out yet (expiry sends no event)."""
    if refusal := context.room.across_the_wall(context.person, now, cohort_grant=context.cohort_grant):
        raise errors.NotAllowedIn(f"you may not {what} {context.room.name}: {refusal}")


def require_reader(context: AccessContext, slug: str, now: dt.datetime) -> None:
    """Those who may enter read a room (members, and others to look before joining); the banned do not, nor
    anyone across the teen/adult wall without a grant in force (a member whose grant just expired)."""
    sanctions.check(context.sanctions, "ban", slug, now)
    require_this_side_of_the_wall(context, now, "read")
    decision = decide_in(context, now)
    if not decision.allowed and context.member is None:
        raise errors.NotAllowedIn(f"you may not read {context.room.name}: " + "; ".join(decision.missing))


def evict_refused(uow: UnitOfWork, pairs: Iterable[tuple[str, str]], now: dt.datetime) -> int:
    """Asks the door again, for each (room, person) with the person in the room, whether they still belong
    there (the person only: not whether the room is open now) and takes out those who do not
    (`no_longer_allowed`): a teen who turned 18 leaves the teen rooms, staff whose role or cross-cohort
    grant ended leave the rooms only that let them in. Returns how many were taken out."""
    removed = 0
    for slug, person_id in pairs:
        context, decision = door_for(uow, slug, person_id, now)
        member = context.member
        if member is None:
            continue
        if not decision.allowed:
            reason = "banned" if banned(context.sanctions, slug, now) else "no_longer_allowed"
            removed += remove_member(uow, slug, person_id, reason, now)
        elif member.checked_in and not context.room.is_facilitator(context.person.facts(), now):
            set_checked_in(uow, slug, person_id, False, now)  # no longer staff here: no longer holds it open
    return removed


class Access:
    """Staff's cross-cohort grants, and the sweep that takes out those whose grant or role lapsed."""

    def __init__(self, transactions: Transactions, changed: Callable[[str, str], None] | None = None):
        self.tx = transactions
        # (person_id, slug): told after a revocation committed; room-grpc sets it to its live hub, whose open
        # streams of that person in that room ask the door again (LiveHub.publish_access)
        self.changed = changed

    def grant_cohort_access(self, admin_id: str, person_id: str, slug: str, reason: str,
                            expires_at: dt.datetime | None, idempotency_key: str | None = None) -> dict:
        """An admin lets a staff member enter one room of the other age cohort; audited and time-boxed. A retry
        with the same key (same person, room, reason and expiry) gets the first grant."""
        call = IdempotentCall(admin_id, "room.GrantCohortAccess", idempotency_key,
                              {"person_id": person_id, "slug": slug, "reason": reason, "expires_at": expires_at})
        return call.run(lambda: self._grant_cohort_access(call, admin_id, person_id, slug, reason, expires_at),
                        self.tx.begin)

    def _grant_cohort_access(self, call: IdempotentCall, admin_id: str, person_id: str, slug: str, reason: str,
                             expires_at: dt.datetime | None) -> dict:
        now = self.tx.clock()
        with self.tx.begin() as uow:
            require_admin(uow, admin_id, now, "manage cross-cohort grants")
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            reason, expires_at = grant_terms(reason, expires_at, now)
            room = load_room(uow, slug)
            person = uow.people.get(person_id)
            if person is None or not person.known:
                raise errors.InvalidGrant("room does not know this person yet; check the person id")
            if person.cohort == room.audience_cohort:
                raise errors.InvalidGrant(f"{person.username} is in the {person.cohort} cohort already; no grant "
                                          "is needed")
            if not room.is_facilitator(person.facts(), now):
                raise errors.NotStaff("only staff (moderators, hosts, session leaders, admins) may hold a "
                                      "cross-cohort grant")
            grant = CohortGrant(grant_id=new_id(), person_id=person_id, room_slug=slug, reason=reason,
                                granted_by=admin_id, granted_at=now, expires_at=expires_at)
            uow.cohort_grants.add(grant)
            uow.add_events([events.cohort_access_granted(grant)])
            result = call.remember(uow.idempotency, grant_view(grant), now)
            self.tx.commit(uow)
            return result

    def revoke_cohort_access(self, admin_id: str, grant_id: str) -> dict:
        """An admin ends a grant early; the person leaves the room unless something else lets them stay."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            require_admin(uow, admin_id, now, "manage cross-cohort grants")
            grant = uow.cohort_grants.get(parse_uuid(grant_id, "grant_id"), lock=True)
            if grant is None:
                raise errors.GrantNotFound(f"no cross-cohort grant {shown(grant_id)}; ListCohortGrants shows them")
            if grant.revoked_at is None:
                uow.cohort_grants.revoke(grant.grant_id, admin_id, now)
                grant = dataclasses.replace(grant, revoked_by=admin_id, revoked_at=now)
                uow.add_events([events.cohort_access_revoked(grant)])
                context, decision = door_for(uow, grant.room_slug, grant.person_id, now)
                if context.member is not None and not decision.allowed:  # unless another grant lets them stay
                    remove_member(uow, grant.room_slug, grant.person_id, "grant_revoked", now, by=admin_id)
                revoked_now = True
            else:
                revoked_now = False
            self.tx.commit(uow)
        if revoked_now and self.changed is not None:  # another grant may let them stay, with an earlier end
            self.changed(grant.person_id, grant.room_slug)
        return grant_view(grant)

    def list_cohort_grants(self, admin_id: str, slug: str = "") -> list[dict]:
        with self.tx.begin() as uow:
            require_admin(uow, admin_id, self.tx.clock(), "read cross-cohort grants")
            return [grant_view(grant) for grant in uow.cohort_grants.list(slug or None)]

    def evict_lapsed(self) -> int:
        """Takes people out of rooms once what let them in has expired (expiry sends no event): a cross-cohort
        grant, or a role (one that expired within the last LAPSED_ROLE_WINDOW; a sweep runs far more often);
        and anyone in a room they are banned from (their join raced the ban). Returns how many were taken out."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            pairs = uow.members.to_recheck(now, now - LAPSED_ROLE_WINDOW)
        removed = 0
        for pair in pairs:  # a transaction each: holding one room's stream row while locking another member's
            with self.tx.begin() as uow:  # row could deadlock with that member's post
                removed += evict_refused(uow, [pair], now)
                self.tx.commit(uow)
        return removed
