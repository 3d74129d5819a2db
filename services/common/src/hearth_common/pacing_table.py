"""Adapters: the table of paces (hearth_common.pacing) and its Core repository, one row per person and action."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def define_paces_table(metadata: sa.MetaData) -> sa.Table:
    """When a person's next paced `action` is due (Pace.next_due's result; NULL: a row made but never paced)."""
    return sa.Table(
        "paces",
        metadata,
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("action", sa.String(20), primary_key=True),
        sa.Column("due_at", sa.DateTime(timezone=True)),
    )


class PacesRepository:
    """hearth_common.pacing.PacesPort over `table` (define_paces_table's), in the caller's transaction."""

    def __init__(self, connection: sa.Connection, table: sa.Table):
        self.connection = connection
        self.table = table
        self._due = _due_statement(table)

    def due(self, person_id: str, action: str) -> dt.datetime | None:
        return self.connection.execute(self._due, {"person_id": person_id, "action": action}).scalar_one()

    def set_due(self, person_id: str, action: str, due_at: dt.datetime) -> None:
        stmt = postgresql.insert(self.table).values(person_id=person_id, action=action, due_at=due_at)
        self.connection.execute(stmt.on_conflict_do_update(index_elements=[self.table.c.person_id,
                                                                           self.table.c.action],
                                                           set_={"due_at": stmt.excluded.due_at}))


_DUE_STATEMENTS: dict[sa.Table, sa.Insert] = {}


def _due_statement(table: sa.Table) -> sa.Insert:
    """PacesRepository.due's statement for `table`, built once (a repository is made per unit of work, and
    building the statement cost more than the rest of opening one). One round trip: the row is made if missing
    and locked either way (ON CONFLICT DO UPDATE locks it), so even a person's first two paced actions at once
    are paced one after the other."""
    stmt = _DUE_STATEMENTS.get(table)
    if stmt is None:
        stmt = _DUE_STATEMENTS[table] = (
            postgresql.insert(table).values(person_id=sa.bindparam("person_id"), action=sa.bindparam("action"))
            .on_conflict_do_update(index_elements=[table.c.person_id, table.c.action], set_={"due_at": table.c.due_at})
            .returning(table.c.due_at))
    return stmt
