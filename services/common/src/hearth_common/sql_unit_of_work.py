"""Cross-cutting adapters: the SQLAlchemy units of work (ORM session or Core connection); state and outbox events
commit together."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hearth_common.db import PreparedRows, PreparedStatement, begin_with_next_statement, end_transaction
from hearth_common.outbox import write_events
from hearth_common.unit_of_work import UniqueViolation, UnitOfWork


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A session per unit; subclasses attach their repositories in `open_repositories`."""

    def __init__(self, session_factory: sessionmaker, outbox: sa.Table, source: str):
        super().__init__()
        self.session_factory = session_factory
        self.outbox = outbox
        self.source = source
        self.session: Session | None = None

    def open_repositories(self, session: Session) -> None:
        raise NotImplementedError

    def __enter__(self):
        super().__enter__()
        self.session = self.session_factory()
        self.open_repositories(self.session)
        return self

    def __exit__(self, *exc_info):
        super().__exit__(*exc_info)
        self.session.close()

    def commit(self) -> None:
        try:
            self.session.flush()
            write_events(self.session.connection(), self.outbox, self.source, self.pending_events)
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise UniqueViolation.of(exc) from exc
        self.pending_events = []

    def rollback(self) -> None:
        self.session.rollback()


class CoreUnitOfWork(UnitOfWork):
    """A unit of work on one Core connection, for services whose repositories use SQLAlchemy Core only:
    no ORM session between the use case and the database (measured: the session was about a fifth of
    room-grpc's CPU per call). Subclasses attach repositories in `open_repositories(connection)`.

    On an engine made with make_engine(autocommit=True) (`engine_autocommits`), a unit that is not
    `single_statements` is a transaction all the same, without a round trip of its own to start it: its BEGIN
    goes with its first statement (db.begin_with_next_statement), and commit and rollback are sent as
    statements. The driver's implicit BEGIN is a round trip per transaction otherwise.

    `commit_with` commits with the unit's last write, in that write's round trip (on such an engine)."""

    def __init__(self, engine: Engine, outbox: sa.Table, source: str, *, single_statements: bool = False,
                 engine_autocommits: bool = False):
        super().__init__()
        self.engine = engine
        self.outbox = outbox
        self.source = source
        self.single_statements = single_statements
        self.engine_autocommits = engine_autocommits
        self.connection: Connection | None = None
        self._committed_with_last_write = False

    @property
    def _begins_with_first_statement(self) -> bool:
        return self.engine_autocommits and not self.single_statements

    def open_repositories(self, connection: Connection) -> None:
        raise NotImplementedError

    def __enter__(self):
        super().__enter__()
        self._committed_with_last_write = False
        self.connection = self.engine.connect()
        if self.single_statements and not self.engine_autocommits:
            # Each statement commits on its own (no BEGIN, no COMMIT round trip, no lock held between
            # statements). Only for use cases whose every write, events included, is one statement. An
            # engine made with make_engine(autocommit=True) saves switching the connection each time.
            self.connection = self.connection.execution_options(isolation_level="AUTOCOMMIT")
        elif self._begins_with_first_statement:
            begin_with_next_statement(self.connection)
        self.open_repositories(self.connection)
        return self

    def add_events(self, events) -> None:
        if self.single_statements:
            raise RuntimeError("a single-statement unit of work writes its events in its statement")
        if self._committed_with_last_write:
            raise RuntimeError("this unit of work committed with its last write: nothing may be added")
        super().add_events(events)

    def __exit__(self, *exc_info):
        try:
            super().__exit__(*exc_info)
        finally:
            self.connection.close()

    def commit_with(self, statement: PreparedStatement, values: dict, then: str) -> PreparedRows:
        """Commits the unit with its last write: runs `statement`, commits, and returns the rows of `then`, a
        read run after the commit (PreparedStatement.run_and_commit: one round trip on an autocommit engine,
        so the write's locks are released with it, never held while this process takes the answer and sends
        COMMIT). Pending events are written first. A failure leaves nothing committed (the unit rolls back
        as ever; a uniqueness conflict raises UniqueViolation). Afterwards commit() has nothing left to do."""
        if self.single_statements:
            raise RuntimeError("a single-statement unit of work commits each statement as it runs")
        try:
            write_events(self.connection, self.outbox, self.source, self.pending_events)
            rows = statement.run_and_commit(self.connection, values, then)
        except IntegrityError as exc:
            self.rollback()
            raise UniqueViolation.of(exc) from exc
        self.pending_events = []
        self._committed_with_last_write = True
        return rows

    def commit(self) -> None:
        if self.single_statements or self._committed_with_last_write:
            return  # every statement committed as it ran, or the last write committed the unit
        try:
            write_events(self.connection, self.outbox, self.source, self.pending_events)
            if self._begins_with_first_statement:
                end_transaction(self.connection, "COMMIT")
            else:
                self.connection.commit()
        except IntegrityError as exc:
            self.rollback()
            raise UniqueViolation.of(exc) from exc
        self.pending_events = []

    def rollback(self) -> None:
        if self._begins_with_first_statement:
            end_transaction(self.connection, "ROLLBACK")
        elif not self.single_statements:
            self.connection.rollback()
