"""Service layer: the unit-of-work and repository contracts the use cases are written against."""
from __future__ import annotations

import abc
import datetime as dt
from typing import Protocol

from hearth_common.idempotency import IdempotencyRecords
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork
from identity_service.domain import model
from identity_service.domain.badge_rules import Fact, PersonFact, SanctionSpan


class PeopleRepository(Protocol):
    def add(self, person: model.Person) -> None: ...
    def get(self, person_id: str) -> model.Person | None: ...
    def get_by_username(self, username: str) -> model.Person | None: ...
    def teens_born_on_or_before(self, date: dt.date, limit: int) -> list[model.Person]: ...
    def ids_after(self, after: str, limit: int) -> list[str]: ...


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
    def by_award_key(self, key: str, *, lock: bool = False) -> model.BadgeAward | None: ...
    def by_revoke_key(self, key: str) -> model.BadgeAward | None: ...
    def held(self, person_id: str, slug: str, *, lock: bool = False) -> model.BadgeAward | None: ...
    def held_by(self, person_id: str) -> list[model.BadgeAward]: ...
    def history(self, person_id: str, slug: str) -> list[model.BadgeAward]: ...


class BadgeFactsRepository(Protocol):
    """What the badge rules keep of other services' events, per person (service_layer.badge_rules)."""

    def record(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "") -> None:
        """Counts one more of (fact, key) for the person: the first sets first_at and tag, each sets last_at."""
    def note(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "", *, due_at: dt.datetime,
             widen: bool = False) -> tuple[bool, dt.datetime | None]:
        """Records (fact, key) for the person once: a new one counts 1 and is marked due for evaluation at
        `due_at`; one already there is left as it is (with `widen`, its first_at/last_at widened to take in `at`,
        which marks it due too). One statement. Returns (whether it changed anything, the person's due mark from
        before)."""
    def of_person(self, person_id: str) -> list[PersonFact]: ...
    def sanction_imposed(self, sanction_id: str, person_id: str, imposed_at: dt.datetime,
                         expires_at: dt.datetime | None) -> None:
        """Records a sanction (a lift that arrived first is kept)."""
    def sanction_lifted(self, sanction_id: str, person_id: str, lifted_at: dt.datetime) -> None:
        """Records a lift (before or after the sanction itself arrives)."""
    def sanctions_of(self, person_id: str) -> list[SanctionSpan]:
        """The person's sanctions whose imposition has arrived."""
    def mark_due(self, person_id: str, at: dt.datetime) -> None:
        """The person's badges are to be evaluated again (their facts changed)."""
    def marked_due(self, person_id: str) -> dt.datetime | None: ...
    def due(self, limit: int) -> list[tuple[str, dt.datetime]]:
        """(person, marked at) of people whose evaluation is due, oldest mark first."""
    def clear_due(self, person_id: str, marked_at: dt.datetime) -> None:
        """Clears the mark, unless it was set again after `marked_at` (a newer fact is then still to evaluate)."""
    def claim_pass(self, name: str, now: dt.datetime, every: dt.timedelta) -> bool:
        """Records that the pass `name` starts now, if it last started `every` ago or more (or never); False
        when it is not due (another replica started it)."""


class RefreshTokensRepository(Protocol):
    def add(self, token: model.RefreshToken) -> None: ...
    def by_hash(self, token_hash: str) -> model.RefreshToken | None: ...
    def family_of(self, token_hash: str) -> str | None: ...
    def lock_family(self, family_id: str) -> None: ...
    def family(self, family_id: str) -> list[model.RefreshToken]: ...


class SigningKeysRepository(Protocol):
    def add(self, key: model.SigningKey) -> None: ...
    def active(self) -> model.SigningKey | None: ...
    def list(self) -> list[model.SigningKey]: ...


class UnitOfWork(BaseUnitOfWork):
    """Identity's transaction: its repositories, plus the events to publish if, and only if, it commits."""

    people: PeopleRepository
    grants: GrantsRepository
    badges: BadgesRepository
    awards: AwardsRepository
    refresh_tokens: RefreshTokensRepository
    signing_keys: SigningKeysRepository
    idempotency: IdempotencyRecords  # the first results of calls made with an idempotency key
    badge_facts: BadgeFactsRepository

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records an incoming event as handled in this transaction (the inbox); False if it was handled before."""
