"""Cross-cutting: SQLAlchemy engine construction shared by every service."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


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
