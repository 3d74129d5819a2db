"""Service layer: the unit-of-work and repository contracts room's use cases are written against."""
from __future__ import annotations

import abc
from typing import Protocol

from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork
from room_service.domain.people import KnownPerson
from room_service.domain.rooms import Room


class RoomsRepository(Protocol):
    def get(self, slug: str, *, lock: bool = False) -> Room | None: ...
    def list(self, include_archived: bool = False, topic: str | None = None) -> list[Room]: ...
    def add_if_missing(self, room: Room, actor: str) -> bool: ...
    def add(self, room: Room, actor: str) -> None: ...
    def save(self, room: Room, actor: str) -> None: ...


class PeopleRepository(Protocol):
    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None: ...
    def save(self, person: KnownPerson) -> None: ...
    def lock_new(self, person_id: str) -> None: ...


class UnitOfWork(BaseUnitOfWork):
    """Room's transaction. Besides the outbox events, it collects the timeline items it wrote, which the
    service hands to the live fan-out once (and only if) the transaction committed."""

    rooms: RoomsRepository
    people: PeopleRepository
    # The repositories below are SQL-shaped; their contracts are the adapters' docstrings.
    streams: object
    timeline: object
    members: object
    messages: object
    sanctions: object
    cohort_grants: object
    sessions: object
    hands: object

    def __enter__(self):
        super().__enter__()
        self.timeline_items: list[dict] = []
        return self

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records an incoming event as handled in this transaction; False if it was handled before."""
