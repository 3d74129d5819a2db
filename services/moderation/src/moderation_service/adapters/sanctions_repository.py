"""Adapters: SQLAlchemy Core repositories of warnings, sanctions, the ladder's versions and live sessions."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from moderation_service.adapters import orm
from moderation_service.adapters.repository import _Repo, _upsert
from moderation_service.domain.ladder import Ladder, ladder_from
from moderation_service.domain.sanctions import ACTIVE, LASTING, IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession

_WARNING_FIELDS = [f.name for f in dataclasses.fields(IssuedWarning)]
_SANCTION_FIELDS = [f.name for f in dataclasses.fields(Sanction)]


class WarningsRepository(_Repo):
    def add(self, warning: IssuedWarning) -> None:
        self._insert(orm.warnings, dataclasses.asdict(warning))

    def _select(self):
        return sa.select(*[orm.warnings.c[f] for f in _WARNING_FIELDS])

    def get(self, warning_id: str, *, lock: bool = False) -> IssuedWarning | None:
        stmt = self._select().where(orm.warnings.c.id == warning_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return IssuedWarning(**row) if row is not None else None

    def of_person(self, person_id: str) -> list[IssuedWarning]:
        t = orm.warnings
        stmt = self._select().where(t.c.person_id == person_id).order_by(t.c.issued_at.desc(), t.c.id.desc())
        return [IssuedWarning(**row) for row in self.connection.execute(stmt).mappings()]

    def save(self, warning: IssuedWarning) -> None:
        values = dataclasses.asdict(warning)
        self.connection.execute(sa.update(orm.warnings).where(orm.warnings.c.id == values.pop("id")).values(**values))


class SanctionsRepository(_Repo):
    def add(self, sanction: Sanction) -> None:
        self._insert(orm.sanctions, dataclasses.asdict(sanction))

    def _select(self):
        return sa.select(*[orm.sanctions.c[f] for f in _SANCTION_FIELDS])

    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None:
        stmt = self._select().where(orm.sanctions.c.id == sanction_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Sanction(**row) if row is not None else None

    def of_person(self, person_id: str) -> list[Sanction]:
        t = orm.sanctions
        stmt = self._select().where(t.c.person_id == person_id).order_by(t.c.imposed_at.desc(), t.c.id.desc())
        return [Sanction(**row) for row in self.connection.execute(stmt).mappings()]

    def due_to_end(self, now: dt.datetime, limit: int) -> list[Sanction]:
        t = orm.sanctions
        stmt = (self._select().where(t.c.status == ACTIVE, t.c.kind.in_(LASTING), t.c.expires_at <= now)
                .order_by(t.c.expires_at, t.c.id).limit(limit).with_for_update(skip_locked=True))
        return [Sanction(**row) for row in self.connection.execute(stmt).mappings()]

    def next_end_at(self) -> dt.datetime | None:
        t = orm.sanctions  # ix_sanctions_due
        return self.connection.execute(sa.select(sa.func.min(t.c.expires_at))
                                       .where(t.c.status == ACTIVE, t.c.kind.in_(LASTING))).scalar()

    def save(self, sanction: Sanction) -> None:
        values = dataclasses.asdict(sanction)
        self.connection.execute(sa.update(orm.sanctions).where(orm.sanctions.c.id == values.pop("id"))
                                .values(**values))


class LaddersRepository(_Repo):
    def current(self) -> Ladder | None:
        t = orm.ladders
        row = self.connection.execute(sa.select(t).order_by(t.c.version.desc()).limit(1)).mappings().first()
        if row is None:
            return None
        return dataclasses.replace(ladder_from(row["ladder"]), version=row["version"], changed_by=row["changed_by"],
                                   changed_at=row["changed_at"])

    def add(self, ladder: Ladder) -> None:
        self._insert(orm.ladders, {"version": ladder.version, "ladder": ladder.to_dict(),
                                   "changed_by": ladder.changed_by, "changed_at": ladder.changed_at})


class LiveSessionsRepository(_Repo):
    def get(self, session_id: str, *, lock: bool = False) -> LiveSession | None:
        stmt = sa.select(orm.live_sessions).where(orm.live_sessions.c.session_id == session_id)
        row = self.connection.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return LiveSession(**row) if row is not None else None

    def save(self, session: LiveSession) -> None:
        self.connection.execute(_upsert(orm.live_sessions, ["session_id"], dataclasses.asdict(session),
                                        only_if_newer=True))

    def rooms_led_by(self, person_id: str) -> list[str]:
        t = orm.live_sessions
        stmt = sa.select(t.c.room_slug).where(t.c.leader_id == person_id, t.c.live).distinct()
        return sorted(self.connection.execute(stmt).scalars())
