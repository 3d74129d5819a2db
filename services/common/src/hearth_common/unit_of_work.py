"""Cross-cutting: the unit-of-work contract every service's use cases run in; state and outbox events commit
together. Pure: the SQLAlchemy implementations are in `sql_unit_of_work`."""
from __future__ import annotations

import abc
from collections.abc import Iterable

from hearth_common.events import Event


class UniqueViolation(Exception):
    """A commit hit a uniqueness rule, usually a concurrent twin of this request; `constraint` names it."""

    def __init__(self, constraint: str):
        super().__init__(constraint)
        self.constraint = constraint

    @classmethod
    def of(cls, error) -> UniqueViolation:
        """From the database's IntegrityError, naming the constraint when the driver says which."""
        return cls(getattr(getattr(error.orig, "diag", None), "constraint_name", None) or str(error.orig))


class UnitOfWork(abc.ABC):
    """One transaction: repositories plus the events to publish if, and only if, it commits."""

    def __init__(self):
        self.pending_events: list[Event] = []

    def __enter__(self):
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
