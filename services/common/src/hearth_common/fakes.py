"""Common test support (pure): an in-memory transactional store, repositories and a clock for unit tests."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from hearth_common.events import Event
from hearth_common.idempotency import CONSTRAINT as IDEMPOTENCY_CONSTRAINT
from hearth_common.idempotency import IdempotencyRecord, Scope
from hearth_common.unit_of_work import UniqueViolation, UnitOfWork

Tables = dict[str, dict[Hashable, Any]]
Constraint = Callable[[Tables], None]
"""A rule every commit keeps: it reads the tables as they would be after the commit and raises UniqueViolation
(a conflict the use case may meet in production) or AssertionError (a broken invariant: a defect)."""

DEFAULT_START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.timezone.utc)

_GONE = object()  # a deleted row, among a unit of work's writes


def copy_row(row):
    """A private copy of a row. A dataclass is rebuilt from deep copies of its fields, so the instance state that
    SQLAlchemy hangs on an imperatively mapped object (in a process that also runs the adapters) never comes along."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        fields = {f.name: copy.deepcopy(getattr(row, f.name)) for f in dataclasses.fields(row) if f.init}
        return dataclasses.replace(row, **fields)
    return copy.deepcopy(row)


def _fields(row):
    # Entities may compare by identity (eq=False), so a row is compared by the values of its fields.
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return tuple(getattr(row, f.name) for f in dataclasses.fields(row))
    return row


def _value(row):
    return dataclasses.astuple(row) if dataclasses.is_dataclass(row) else copy.deepcopy(row)


def _may_clash(value) -> bool:
    # Like SQL's NULL, a missing key (or a composite key with a missing part) never equals another.
    return value is not None and not (isinstance(value, tuple) and any(part is None for part in value))


def unique(table: str, constraint: str, key: Callable[[Any], Hashable],
           where: Callable[[Any], bool] | None = None) -> Constraint:
    """A UNIQUE constraint, or a unique partial index with `where`: no two rows of `table` (that `where` keeps)
    share `key(row)`; a commit that would break it raises UniqueViolation naming `constraint`, as PostgreSQL does."""

    def check(tables: Tables) -> None:
        seen = set()
        for row in tables[table].values():
            if where is not None and not where(row):
                continue
            value = key(row)
            if not _may_clash(value):
                continue
            if value in seen:
                raise UniqueViolation(constraint)
            seen.add(value)

    return check


def foreign_key(table: str, key: Callable[[Any], Hashable], referenced: str) -> Constraint:
    """Every row of `table` refers by `key(row)` (None: no reference) to a row of `referenced` by its primary key.
    A commit that breaks it fails an assertion: the use cases never rely on the database to refuse a dangling
    reference, so one is a defect of the use case (or of the test's set-up), not a conflict to handle."""

    def check(tables: Tables) -> None:
        targets = tables[referenced]
        for primary_key, row in tables[table].items():
            value = key(row)
            assert value is None or value in targets, (
                f"fake database: {table} {primary_key!r} refers to {value!r}, which is not in {referenced}")

    return check


class InMemoryDatabase:
    """Committed state (named tables of rows keyed by primary key) and the events committed with it, as in the
    outbox; the constraints every commit keeps; and hooks that let a test have a concurrent twin commit first."""

    def __init__(self, tables: Iterable[str], constraints: Iterable[Constraint] = ()):
        self.tables: Tables = {name: {} for name in tables}
        self.constraints = tuple(constraints)
        self.published: list[Event] = []
        self.commits = 0
        # Runs once at the start of the next commit (before its checks), so a twin commits in between.
        self.before_next_commit: Callable[[], object] | None = None
        # (table, callable): runs once just before the next insert into that table; the insert then meets the
        # twin's row, as a unique index sees every committed row whenever the transaction began.
        self.before_next_insert: tuple[str, Callable[[], object]] | None = None
        # ("table.query", callable): runs once just before that repository read (see InMemoryRepository._read);
        # the reading unit of work then sees what it committed, as its next statement would under READ COMMITTED.
        self.before_next_read: tuple[str, Callable[[], object]] | None = None

    def rows(self, table: str) -> list:
        """Copies of the committed rows of `table`, in the order they were first written."""
        return [copy_row(row) for row in self.tables[table].values()]

    def snapshot(self) -> dict:
        """Everything committed, by value, to compare before and after a refused call."""
        tables = {name: {key: _value(row) for key, row in rows.items()} for name, rows in self.tables.items()}
        return {"tables": tables, "published": [event.id for event in self.published], "commits": self.commits}

    def check(self, tables: Tables) -> None:
        for constraint in self.constraints:
            constraint(tables)

    def take_hook(self, hook: str, name: str) -> Callable[[], object] | None:
        """The callable of hook `hook` if it waits for `name`, cleared so that it runs once."""
        waiting = getattr(self, hook)
        if waiting is None or waiting[0] != name:
            return None
        setattr(self, hook, None)
        return waiting[1]


class InMemoryUnitOfWork(UnitOfWork):
    """A transaction over an InMemoryDatabase. Subclass it together with the service's own UnitOfWork
    (`class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork)`) and attach InMemoryRepository subclasses.

    It reads what was committed when it began plus its own writes. commit() applies its writes over what is
    committed by then, checks the database's constraints (a violation rolls it all back and raises, as the real
    one does), then publishes `pending_events`; rollback() discards the writes and the events.

    `identity_map` says which real unit of work it stands for. True, like an ORM session (SqlAlchemyUnitOfWork):
    repositories hand out the transaction's own objects (one per row, read twice it is the same object), and
    changes made to them in place are written at commit, as are objects added. False, like Core statements
    (CoreUnitOfWork): reads hand out copies and only a repository's writes change anything.
    """

    identity_map = False

    def __init__(self, db: InMemoryDatabase):
        super().__init__()
        self.db = db
        self._begin()

    def __enter__(self):
        super().__enter__()
        self._begin()
        return self

    def _begin(self) -> None:
        committed = self.db.tables
        if self.identity_map:
            self._as_read = {name: {k: copy_row(v) for k, v in rows.items()} for name, rows in committed.items()}
            self._working = {name: {k: copy_row(v) for k, v in rows.items()} for name, rows in committed.items()}
        else:
            # Committed rows are shared, never changed in place: reads and writes copy them.
            self._working = {name: dict(rows) for name, rows in committed.items()}
        self._writes: Tables = {name: {} for name in committed}
        self._inserted: set[tuple[str, Hashable]] = set()

    # --- for repositories (and a subclass's own methods) -----------------------------------------------------

    def _rows(self, table: str) -> dict:
        """The rows of `table` as this transaction sees them (not copies: a repository copies what it hands out)."""
        return self._working[table]

    def _get(self, table: str, key: Hashable):
        row = self._working[table].get(key)
        return row if self.identity_map or row is None else copy_row(row)

    def _put(self, table: str, key: Hashable, row) -> None:
        """Writes a row, new or not (last writer wins over a concurrent commit, as an UPDATE does)."""
        self._stage(table, key, row if self.identity_map else copy_row(row))

    def _insert(self, table: str, key: Hashable, row, constraint: str | None = None) -> None:
        """Inserts a row; one with its primary key, seen or committed by anyone, raises UniqueViolation naming
        `constraint` (by default `<table>_pkey`), and so does a twin's that commits before this transaction."""
        hook = self.db.take_hook("before_next_insert", table)
        if hook is not None:
            hook()
        if self._writes[table].get(key) is _GONE:  # deleted by this transaction: the key is free again
            self._put(table, key, row)
            return
        if key in self._working[table] or key in self.db.tables[table]:
            raise UniqueViolation(constraint or f"{table}_pkey")
        self._put(table, key, row)
        self._inserted.add((table, key))

    def _delete(self, table: str, key: Hashable) -> bool:
        """Deletes a row; False if this transaction sees none."""
        if key not in self._working[table]:
            return False
        self._stage(table, key, _GONE)
        return True

    def _before_read(self, query: str) -> None:
        hook = self.db.take_hook("before_next_read", query)
        if hook is not None:
            hook()
            self._see_committed()

    def claim_event(self, envelope: dict) -> bool:
        """A consumer's inbox (list INBOX_TABLE among the database's tables): True the first time an event id is
        claimed in what this transaction sees, False for one already claimed (a redelivery)."""
        if envelope["event_id"] in self._rows(INBOX_TABLE):
            return False
        self._put(INBOX_TABLE, envelope["event_id"], envelope.get("event_type"))
        return True

    # --- the transaction -------------------------------------------------------------------------------------

    def _stage(self, table: str, key: Hashable, row) -> None:
        self._writes[table][key] = row
        if row is _GONE:
            self._working[table].pop(key, None)
        else:
            self._working[table][key] = row

    def _see_committed(self) -> None:
        """Brings in what others committed since this transaction began, except rows it wrote or changed."""
        for name, rows in self.db.tables.items():
            working, written = self._working[name], self._writes[name]
            for key in [key for key in working if key not in rows and key not in written]:
                del working[key]  # deleted meanwhile
            for key, row in rows.items():
                if key in written:
                    continue
                if not self.identity_map:
                    working[key] = row
                elif key not in working:
                    self._as_read[name][key], working[key] = copy_row(row), copy_row(row)
                elif _fields(working[key]) == _fields(self._as_read[name][key]):
                    self._reload(name, key, row)

    def _reload(self, table: str, key: Hashable, row) -> None:
        # As a session refreshes an expired object: whoever holds it sees the new values.
        held, fresh = self._working[table][key], copy_row(row)
        if dataclasses.is_dataclass(held):
            for field in dataclasses.fields(held):
                object.__setattr__(held, field.name, getattr(fresh, field.name))
        else:
            self._working[table][key] = fresh
        self._as_read[table][key] = copy_row(row)

    def _changes(self) -> Tables:
        changes = {name: dict(rows) for name, rows in self._writes.items()}
        if self.identity_map:
            for name, rows in self._working.items():
                as_read = self._as_read[name]
                for key, row in rows.items():
                    if key not in changes[name] and key in as_read and _fields(row) != _fields(as_read[key]):
                        changes[name][key] = row
        return changes

    def commit(self) -> None:
        hook, self.db.before_next_commit = self.db.before_next_commit, None
        if hook is not None:
            hook()
        candidate = {name: dict(rows) for name, rows in self.db.tables.items()}
        try:
            for table, key in self._inserted:
                if key in self.db.tables[table]:
                    raise UniqueViolation(f"{table}_pkey")
            for table, rows in self._changes().items():
                for key, row in rows.items():
                    if row is _GONE:
                        candidate[table].pop(key, None)
                    else:
                        candidate[table][key] = copy_row(row)
            self.db.check(candidate)
        except UniqueViolation:
            self.rollback()
            raise
        self.db.tables = candidate
        self.db.published.extend(self.pending_events)
        self.db.commits += 1
        self.pending_events = []
        if self.identity_map:
            # The objects the caller holds stay this transaction's own; changing them again needs a new commit.
            self._as_read = {name: {k: copy_row(v) for k, v in rows.items()} for name, rows in self._working.items()}
            self._writes = {name: {} for name in self._working}
            self._inserted = set()
        else:
            self._begin()

    def rollback(self) -> None:
        self.pending_events = []
        self._begin()


class InMemoryRepository:
    """The base of a fake repository: it reads and writes its unit of work's transaction. `table` is the default
    table of a repository that keeps to one; the others name the table in each call."""

    table = ""

    def __init__(self, uow: InMemoryUnitOfWork):
        self.uow = uow

    def _rows(self, table: str | None = None) -> dict:
        return self.uow._rows(table or self.table)

    def _get(self, table: str, key: Hashable):
        return self.uow._get(table, key)

    def _put(self, table: str, key: Hashable, row) -> None:
        self.uow._put(table, key, row)

    def _insert(self, table: str, key: Hashable, row, constraint: str | None = None) -> None:
        self.uow._insert(table, key, row, constraint)

    def _delete(self, table: str, key: Hashable) -> bool:
        return self.uow._delete(table, key)

    def _read(self, query: str) -> None:
        """Marks a read, named `<table>.<query>`, where a test may have a twin commit first (before_next_read)."""
        self.uow._before_read(f"{self.table}.{query}" if self.table else query)


INBOX_TABLE = "inbox"
"""The table a consumer's fake inbox keeps claimed event ids in (InMemoryUnitOfWork.claim_event)."""
IDEMPOTENCY_TABLE = "idempotency_records"
"""The table FakeIdempotencyRecords keeps its rows in: list it among a service's fake tables."""


class FakeIdempotencyRecords(InMemoryRepository):
    """hearth_common.idempotency's records, unique by scope like the real table's primary key: an insert meets a
    record committed by a twin (or the twin's commit comes first and this commit fails), as UniqueViolation."""

    table = IDEMPOTENCY_TABLE

    def get(self, scope: Scope) -> IdempotencyRecord | None:
        self._read("get")
        return self._rows().get(scope)

    def add(self, record: IdempotencyRecord) -> None:
        self._insert(self.table, record.scope, record, IDEMPOTENCY_CONSTRAINT)

    def purge(self, before: dt.datetime, limit: int) -> int:
        old = sorted((r for r in self._rows().values() if r.created_at < before), key=lambda r: r.created_at)
        for record in old[:limit]:
            self._delete(self.table, record.scope)
        return len(old[:limit])


class FakePaces(InMemoryRepository):
    """hearth_common.pacing.PacesPort in memory: a "paces" table keyed by (person_id, action)."""

    table = "paces"

    def due(self, person_id: str, action: str) -> dt.datetime | None:
        if (person_id, action) not in self._rows():
            self._put(self.table, (person_id, action), None)  # the row is made, as the adapter's upsert does
        return self._get(self.table, (person_id, action))

    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None:
        self._put(self.table, (person_id, action), due_at)


class FakeClock:
    """A clock a test moves by hand; calling it gives now, so it is the use cases' `clock`."""

    def __init__(self, now: dt.datetime = DEFAULT_START):
        self.now = self._aware(now)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta | None = None, /, **timedelta_fields: float) -> dt.datetime:
        """Moves on by `delta` or by timedelta's fields (`seconds=`, `minutes=`, `hours=`, `days=`...)."""
        self.now += delta if delta is not None else dt.timedelta(**timedelta_fields)
        return self.now

    def set(self, now: dt.datetime) -> dt.datetime:
        self.now = self._aware(now)
        return self.now

    @staticmethod
    def _aware(now: dt.datetime) -> dt.datetime:
        if now.tzinfo is None:
            raise ValueError("a FakeClock keeps aware times, as every service stamps them in UTC")
        return now
