"""Adapters: the SQLAlchemy Core repository of appeals."""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from moderation_service.adapters import orm
from moderation_service.adapters.repository import _Repo
from moderation_service.domain.appeals import OPEN, Appeal

_FIELDS = [f.name for f in dataclasses.fields(Appeal)]


class AppealsRepository(_Repo):
    def add(self, appeal: Appeal) -> None:
        self._insert(orm.appeals, dataclasses.asdict(appeal))  # UniqueViolation(ONE_APPEAL) for a second

    def _select(self):
        return sa.select(*[orm.appeals.c[f] for f in _FIELDS])

    def get(self, appeal_id: str, *, lock: bool = False) -> Appeal | None:
        stmt = self._select().where(orm.appeals.c.id == appeal_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Appeal(**row) if row is not None else None

    def of_subject(self, subject_kind: str, subject_id: str) -> Appeal | None:
        t = orm.appeals
        row = self.connection.execute(self._select().where(t.c.subject_kind == subject_kind,
                                                            t.c.subject_id == subject_id)).mappings().first()
        return Appeal(**row) if row is not None else None

    def of_person(self, person_id: str) -> list[Appeal]:
        t = orm.appeals
        stmt = self._select().where(t.c.person_id == person_id).order_by(t.c.filed_at.desc(), t.c.id.desc())
        return [Appeal(**row) for row in self.connection.execute(stmt).mappings()]

    def open(self, limit: int) -> list[Appeal]:
        t = orm.appeals
        stmt = self._select().where(t.c.status == OPEN).order_by(t.c.filed_at, t.c.id).limit(limit)
        return [Appeal(**row) for row in self.connection.execute(stmt).mappings()]

    def save(self, appeal: Appeal) -> None:
        values = dataclasses.asdict(appeal)
        self.connection.execute(sa.update(orm.appeals).where(orm.appeals.c.id == values.pop("id")).values(**values))
