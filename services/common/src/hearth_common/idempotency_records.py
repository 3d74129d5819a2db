"""Cross-cutting adapters: the table of idempotency records (hearth_common.idempotency) and its repository, on an
ORM session or a Core connection alike, in the unit of work's transaction."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from hearth_common.idempotency import CONSTRAINT, KEY_MAX, IdempotencyRecord, Scope
from hearth_common.unit_of_work import UniqueViolation

TABLE = "idempotency_records"


def define_idempotency_table(metadata: sa.MetaData) -> sa.Table:
    """One record per (caller, operation, key); frozen (migrations.create_idempotency_table makes it)."""
    return sa.Table(
        TABLE,
        metadata,
        sa.Column("caller", sa.String(100), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("key", sa.String(KEY_MAX), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "operation", "key", name=CONSTRAINT),
        sa.Index("ix_idempotency_records_created_at", "created_at"),
    )


class SqlIdempotencyRecords:
    """The records, read and written on `executor` (a Session or a Connection): in its transaction."""

    def __init__(self, executor, table: sa.Table):
        self.executor = executor
        self.table = table

    def get(self, scope: Scope) -> IdempotencyRecord | None:
        t = self.table
        row = self.executor.execute(
            sa.select(t.c.fingerprint, t.c.result, t.c.created_at)
            .where(t.c.caller == scope.caller, t.c.operation == scope.operation, t.c.key == scope.key)
        ).first()
        return IdempotencyRecord(scope, row.fingerprint, row.result, row.created_at) if row else None

    def add(self, record: IdempotencyRecord) -> None:
        """Inserts now (not at commit): a concurrent twin's uncommitted record makes this wait for its
        transaction, then fail with UniqueViolation, which the use case answers with the twin's result."""
        scope = record.scope
        try:
            self.executor.execute(sa.insert(self.table).values(
                caller=scope.caller, operation=scope.operation, key=scope.key, fingerprint=record.fingerprint,
                result=record.result, created_at=record.created_at))
        except IntegrityError as exc:
            raise UniqueViolation.of(exc) from exc

    def purge(self, before: dt.datetime, limit: int) -> int:
        t = self.table
        oldest = (sa.select(t.c.caller, t.c.operation, t.c.key).where(t.c.created_at < before)
                  .order_by(t.c.created_at).limit(limit).with_for_update(skip_locked=True))
        result = self.executor.execute(
            sa.delete(t).where(sa.tuple_(t.c.caller, t.c.operation, t.c.key).in_(oldest)))
        return result.rowcount
