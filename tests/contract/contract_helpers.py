"""Contract tier helpers: a service's outbox read back as its relay publishes it."""
import sqlalchemy as sa


def published_events(engine) -> list[dict]:
    """Every event in a service's outbox as its relay publishes it: the stored envelope with the row's seq."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT seq, payload FROM outbox ORDER BY seq"))
        return [{**payload, "seq": seq} for seq, payload in rows]
