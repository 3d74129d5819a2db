"""Cross-cutting: SQLAlchemy engine construction shared by every service."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> sa.MetaData:
    """Metadata with the naming convention every service's constraints and indexes follow."""
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, pool_size: int = 5, echo: bool = False) -> Engine:
    """An engine that survives a PostgreSQL restart (pre-ping) and reports its application name."""
    kwargs: dict = {"pool_pre_ping": True, "echo": echo, "future": True}
    if url.startswith("postgresql"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    return sa.create_engine(url, **kwargs)


def db_ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False
