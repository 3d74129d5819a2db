"""Integration: the inbox makes a consumer's effect happen once per event on the real PostgreSQL."""
import threading
import uuid

import pytest
import sqlalchemy as sa

from hearth_common import testing
from hearth_common.inbox import claim_event, define_inbox_table

metadata = sa.MetaData()
inbox = define_inbox_table(metadata)
effects = sa.Table("effects", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("event_id", sa.String(36)))


@pytest.fixture(scope="module")
def engine():
    url = testing.create_database("hearth_common_inbox")
    engine = sa.create_engine(url)
    metadata.create_all(engine)  # test schema only; services create theirs with Alembic
    yield engine
    engine.dispose()
    testing.drop_database(url)


def apply(engine, envelope):
    with engine.begin() as conn:
        if claim_event(conn, inbox, envelope):
            conn.execute(sa.insert(effects).values(event_id=envelope["event_id"]))
            return True
        return False


def test_a_redelivered_event_is_applied_once(engine):
    envelope = {"event_id": str(uuid.uuid4()), "event_type": "badge_awarded", "source": "identity"}
    assert apply(engine, envelope) is True
    assert apply(engine, envelope) is False
    with engine.connect() as conn:
        count = sa.select(sa.func.count()).select_from(effects).where(effects.c.event_id == envelope["event_id"])
        assert conn.execute(count).scalar_one() == 1


def test_concurrent_duplicates_apply_once(engine):
    envelope = {"event_id": str(uuid.uuid4()), "event_type": "badge_awarded", "source": "identity"}
    results, barrier = [], threading.Barrier(5)

    def worker():
        barrier.wait()
        results.append(apply(engine, envelope))

    threads = [threading.Thread(target=worker) for _ in range(5)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(results) == [False, False, False, False, True]


def test_an_effect_that_fails_leaves_the_event_unclaimed(engine):
    envelope = {"event_id": str(uuid.uuid4()), "event_type": "badge_awarded", "source": "identity"}
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            assert claim_event(conn, inbox, envelope)
            raise RuntimeError("handler crashed before finishing")
    assert apply(engine, envelope) is True  # the redelivery is applied
