"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
import datetime as dt
from typing import Iterable, Protocol

from hearth_common.events import Event

from identity_service.domain import model


class UniqueViolation(Exception):
    """A commit hit a uniqueness rule, usually a concurrent twin of this request; `constraint` names it."""

    def __init__(self, constraint: str):
        super().__init__(constraint)
        self.constraint = constraint


class PeopleRepository(Protocol):
    def add(self, person: model.Person) -> None: ...
    def get(self, person_id: str) -> model.Person | None: ...
    def get_by_username(self, username: str) -> model.Person | None: ...
    def teens_born_on_or_before(self, date: dt.date, limit: int) -> list[model.Person]: ...


class GrantsRepository(Protocol):
    def add(self, grant: model.RoleGrant) -> None: ...
    def get(self, grant_id: str, *, lock: bool = False) -> model.RoleGrant | None: ...
    def for_person(self, person_id: str) -> list[model.RoleGrant]: ...


class BadgesRepository(Protocol):
    def add(self, badge: model.Badge) -> None: ...
    def get(self, slug: str) -> model.Badge | None: ...
    def list(self) -> list[model.Badge]: ...


class AwardsRepository(Protocol):
    def add(self, award: model.BadgeAward) -> None: ...
    def by_award_key(self, key: str) -> model.BadgeAward | None: ...
    def by_revoke_key(self, key: str) -> model.BadgeAward | None: ...
    def held(self, person_id: str, slug: str, *, lock: bool = False) -> model.BadgeAward | None: ...
    def held_by(self, person_id: str) -> list[model.BadgeAward]: ...


class RefreshTokensRepository(Protocol):
    def add(self, token: model.RefreshToken) -> None: ...
    def by_hash(self, token_hash: str) -> model.RefreshToken | None: ...
    def family(self, family_id: str) -> list[model.RefreshToken]: ...


class SigningKeysRepository(Protocol):
    def add(self, key: model.SigningKey) -> None: ...
    def active(self) -> model.SigningKey | None: ...
    def list(self) -> list[model.SigningKey]: ...


class UnitOfWork(abc.ABC):
    """One transaction: repositories plus the events to publish if, and only if, it commits."""

    people: PeopleRepository
    grants: GrantsRepository
    badges: BadgesRepository
    awards: AwardsRepository
    refresh_tokens: RefreshTokensRepository
    signing_keys: SigningKeysRepository

    def __init__(self):
        self.pending_events: list[Event] = []

    def __enter__(self) -> "UnitOfWork":
        self.pending_events = []
        return self

    def __exit__(self, *exc_info):
        self.rollback()

    def add_events(self, events: Iterable[Event]) -> None:
        self.pending_events.extend(events)

    @abc.abstractmethod
    def commit(self) -> None:
        """Commits state and pending events together; raises UniqueViolation on a uniqueness conflict."""

    @abc.abstractmethod
    def rollback(self) -> None: ...
