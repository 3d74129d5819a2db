"""Cross-cutting: the idempotent-consumer inbox; an event's effect and its inbox row commit together, once."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection


def define_inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
    )


def claim_event(conn: Connection, table: sa.Table, envelope: dict) -> bool:
    """Records the event as handled in the caller's transaction.

    Returns False when it was handled before: the caller then skips the effect. A concurrent duplicate
    blocks on the primary key until the first commits, then sees the conflict, so the effect happens once.
    """
    stmt = (
        postgresql.insert(table)
        .values(
            event_id=envelope["event_id"],
            event_type=envelope["event_type"],
            source=envelope.get("source", ""),
            handled_at=dt.datetime.now(dt.timezone.utc),
        )
        .on_conflict_do_nothing(index_elements=[table.c.event_id])
        .returning(table.c.event_id)
    )
    return conn.execute(stmt).first() is not None
