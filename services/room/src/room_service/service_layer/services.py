"""Service layer: the room catalogue (admins' changes, each person's view of it) and the read model of people."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from hearth_common.idempotency import IdempotentCall, purge_expired
from hearth_common.people import apply_identity_event
from room_service.domain import errors
from room_service.domain.people import NARROWING_EVENTS
from room_service.domain.rooms import Room
from room_service.service_layer.access import (
    access_context,
    decide_all,
    decide_in,
    evict_refused,
    load_room,
    require_admin,
)
from room_service.service_layer.timeline import utcnow
from room_service.service_layer.unit_of_work import UniqueViolation, UnitOfWork
from room_service.service_layer.views import access_view, room_view

log = logging.getLogger(__name__)


class RoomService:
    """The catalogue and the read model of people; being in rooms is Conversation's (conversation.py)."""

    def __init__(self, uow_factory: Callable[..., UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 access_changed: Callable[[str, str], None] | None = None):
        self.uow_factory = uow_factory
        self.clock = clock
        # (person_id, slug), told after an event that narrows someone's rights committed (room-worker sets it
        # to AccessPublisher): their open live streams of the room ask the door again, so a staff member who
        # stays on a shorter role keeps the earlier end of access
        self.access_changed = access_changed

    # --- catalogue ----------------------------------------------------------------------------

    def seed_rooms(self, specs: Iterable) -> int:
        """Adds the seeded rooms that are missing (idempotent; admins' later edits are kept; one whose name an
        admin has given another room is left out, with a warning); returns how many."""
        added = 0
        with self.uow_factory() as uow:
            for spec in specs:
                if uow.rooms.add_if_missing(Room(**spec._asdict()).validate(), "seed"):
                    added += 1
                elif uow.rooms.get(spec.slug) is None:
                    log.warning("seeded room left out: another room has its name",
                                extra={"slug": spec.slug, "room_name": spec.name})
            uow.commit()
        return added

    def create_room(self, actor_id: str, spec: dict, idempotency_key: str | None = None) -> dict:
        """A retry with the same key and spec gets the first room (not ALREADY_EXISTS)."""
        room = Room(**spec, status="active").validate()
        call = IdempotentCall(actor_id, "room.CreateRoom", idempotency_key, spec)
        return call.run(lambda: self._create_room(call, actor_id, room), self.uow_factory)

    def _create_room(self, call: IdempotentCall, actor_id: str, room: Room) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            require_admin(uow, actor_id, now, "change the room catalogue")
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            if uow.rooms.get(room.slug) is not None:
                raise errors.RoomExists(f"a room with slug {room.slug!r} exists; choose another slug")
            uow.rooms.add(room, actor_id)
            try:
                result = call.remember(uow.idempotency, room_view(room), now)
                uow.commit()
            except UniqueViolation:
                raise errors.RoomExists(f"a room named {room.name!r} or with slug {room.slug!r} exists") from None
            return result

    def update_room(self, actor_id: str, spec: dict) -> dict:
        def change(room: Room) -> Room:
            kept = {"status": room.status, "opens_at": room.opens_at, "closes_at": room.closes_at}
            return Room(**spec, **kept).validate()

        return self._change(actor_id, spec.get("slug", ""), change)

    def archive_room(self, actor_id: str, slug: str) -> dict:
        return self._change(actor_id, slug, lambda room: dataclasses.replace(room, status="archived"))

    def reopen_room(self, actor_id: str, slug: str) -> dict:
        return self._change(actor_id, slug, lambda room: dataclasses.replace(room, status="active"))

    def open_pop_up(self, actor_id: str, slug: str, opens_at: dt.datetime | None,
                    closes_at: dt.datetime | None, idempotency_key: str | None = None) -> dict:
        """A retry with the same key (same room and window) gets the first answer."""
        if opens_at is None or closes_at is None:
            raise errors.InvalidRoom("opens_at and closes_at are both required")

        def change(room: Room) -> Room:
            room.open_window(opens_at, closes_at, self.clock())
            return room

        call = IdempotentCall(actor_id, "room.OpenPopUp", idempotency_key,
                              {"slug": slug, "opens_at": opens_at, "closes_at": closes_at})
        return call.run(lambda: self._change(actor_id, slug, change, call), self.uow_factory)

    def _change(self, actor_id: str, slug: str, change: Callable[[Room], Room],
                call: IdempotentCall | None = None) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            require_admin(uow, actor_id, now, "change the room catalogue")
            if call is not None and (stored := call.stored(uow.idempotency)) is not None:
                return stored
            room = change(load_room(uow, slug, lock=True))
            uow.rooms.save(room, actor_id)
            try:
                result = call.remember(uow.idempotency, room_view(room), now) if call else room_view(room)
                uow.commit()
            except UniqueViolation:
                raise errors.RoomExists(f"another room is named {room.name!r}; choose another name") from None
            return result

    def list_rooms(self, person_id: str, include_archived: bool = False, topic: str = "") -> list[dict]:
        now = self.clock()
        with self.uow_factory(single_statements=True) as uow:  # reads only: no BEGIN/ROLLBACK round trips
            person = uow.people.get(person_id)
            rooms = uow.rooms.list(include_archived, topic or None)
            return [
                {"room": room_view(room), "access": access_view(decision)}
                for room, decision in zip(rooms, decide_all(uow, rooms, person, now))
            ]

    def get_room(self, person_id: str, slug: str) -> dict:
        with self.uow_factory(single_statements=True) as uow:  # one read
            now = self.clock()
            context = access_context(uow, slug, person_id, now)
            return {"room": room_view(context.room), "access": access_view(decide_in(context, now))}

    def describe_room(self, slug: str) -> dict:
        """The room as the catalogue shows it, for another service (no person's access); NotFound for none."""
        with self.uow_factory(single_statements=True) as uow:  # one read
            return room_view(load_room(uow, slug))

    def check_access(self, person_id: str, slug: str) -> dict:
        with self.uow_factory(single_statements=True) as uow:  # one read: no BEGIN/ROLLBACK round trips
            now = self.clock()
            return access_view(decide_in(access_context(uow, slug, person_id, now), now))

    def purge_idempotency_records(self) -> int:
        """Deletes the idempotency records past their retention (the worker's timer); returns how many."""
        return purge_expired(self.uow_factory, self.clock())

    # --- the read model of people -------------------------------------------------------------

    def apply_identity_event(self, envelope: dict) -> bool:
        """Applies one of identity's events to the read model, once per event id; returns whether it was new."""
        with self.uow_factory() as uow:
            if (applied := apply_identity_event(uow.people, uow.claim_event, envelope)) is None:
                return False
            person, changed = applied
            rooms: list[str] = []
            if changed and envelope["event_type"] in NARROWING_EVENTS:  # who they are now may not belong where they are
                rooms = list(uow.members.rooms_of(person.person_id))
                evict_refused(uow, [(slug, person.person_id) for slug in rooms], self.clock())
            uow.commit()
        if self.access_changed is not None:
            for slug in rooms:
                self.access_changed(person.person_id, slug)
        return True
