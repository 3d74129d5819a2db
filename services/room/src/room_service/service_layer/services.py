"""Service layer: room's use cases: the catalogue, who may enter, and the read model of people."""
from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

from room_service.domain import errors
from room_service.domain.people import IDENTITY_EVENTS, KnownPerson
from room_service.domain.rooms import Decision, Room
from room_service.service_layer.unit_of_work import UnitOfWork


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def room_view(room: Room) -> dict:
    return {
        "slug": room.slug,
        "name": room.name,
        "description": room.description,
        "topic": room.topic,
        "audience_cohort": room.audience_cohort,
        "audience_kind": room.audience_kind,
        "mode": room.mode,
        "active": room.status == "active",
        "capacity": room.capacity,
        "access_summary": room.summary(),
    }


def access_view(decision: Decision) -> dict:
    return {"allowed": decision.allowed, "missing": list(decision.missing)}


class RoomService:
    """Room's use cases. Entrypoints build one and translate to and from it."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow):
        self.uow_factory = uow_factory
        self.clock = clock

    # --- catalogue ----------------------------------------------------------------------------

    def seed_rooms(self, specs: Iterable) -> int:
        """Adds or refreshes every seeded room (idempotent); returns how many there are."""
        count = 0
        with self.uow_factory() as uow:
            for spec in specs:
                room = Room(**spec._asdict())
                room.policy  # refuse a malformed policy before it is stored
                uow.rooms.upsert(room)
                count += 1
            uow.commit()
        return count

    def list_rooms(self, person_id: str, include_archived: bool = False, topic: str = "") -> list[dict]:
        now = self.clock()
        with self.uow_factory() as uow:
            person = uow.people.get(person_id)
            return [
                {"room": room_view(room), "access": access_view(room.decide(person, now))}
                for room in uow.rooms.list(include_archived, topic or None)
            ]

    def get_room(self, person_id: str, slug: str) -> dict:
        with self.uow_factory() as uow:
            room = self._room(uow, slug)
            decision = room.decide(uow.people.get(person_id), self.clock())
            return {"room": room_view(room), "access": access_view(decision)}

    def check_access(self, person_id: str, slug: str) -> dict:
        with self.uow_factory() as uow:
            room = self._room(uow, slug)
            return access_view(room.decide(uow.people.get(person_id), self.clock()))

    @staticmethod
    def _room(uow: UnitOfWork, slug: str) -> Room:
        room = uow.rooms.get(slug or "")
        if room is None:
            raise errors.RoomNotFound(f"no room with slug {slug!r}; ListRooms shows the catalogue")
        return room

    # --- the read model of people -------------------------------------------------------------

    def apply_identity_event(self, envelope: dict) -> bool:
        """Applies one of identity's events to the read model, once per event id; returns whether it was new."""
        if envelope.get("event_type") not in IDENTITY_EVENTS:
            return False
        person_id = envelope["data"]["person_id"]
        with self.uow_factory() as uow:
            uow.people.lock_new(person_id)
            if not uow.claim_event(envelope):
                return False
            person = uow.people.get(person_id, lock=True) or KnownPerson(person_id)
            person.apply(envelope)
            uow.people.save(person)
            uow.commit()
            return True
