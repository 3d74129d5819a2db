"""Integration: room's schema, catalogue, read model and access decisions on the real PostgreSQL."""
import dataclasses
import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hearth_common import testing
from room_service.adapters import orm
from room_service.adapters.repository import RoomsRepository
from room_service.domain import errors
from room_service.migrations import runner
from room_service.seed import STARTER_ROOMS

seq = iter(range(1, 10**6))


def identity_event(event_type, person_id, **data):
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity", "seq": next(seq),
            "data": {"person_id": person_id, **data}}


def register(rooms, cohort="adult", kind="member"):
    person_id = str(uuid.uuid4())
    rooms.apply_identity_event(identity_event("person_registered", person_id, username="p" + person_id[:8],
                                              kind=kind, cohort=cohort))
    return person_id


def award(rooms, person_id, slug):
    rooms.apply_identity_event(identity_event("badge_awarded", person_id, badge_slug=slug, award_id=str(uuid.uuid4())))


def test_migrations_go_up_down_and_up_and_match_the_tables():
    url = testing.create_database("hearth_room_migrations")
    try:
        runner.upgrade(url)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": "alembic_version_room"})
            assert compare_metadata(context, orm.metadata) == []
        runner.downgrade(url, "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) == {"alembic_version_room"}
        runner.upgrade(url)
        engine.dispose()
    finally:
        testing.drop_database(url)


def test_migration_0005_rewords_the_grief_groups_only_where_no_admin_edited_them():
    import importlib

    grief = importlib.import_module("room_service.migrations.versions.0005_grief_group_descriptions")
    url = testing.create_database("hearth_room_migration_0005")
    try:
        runner.upgrade(url, "0004")
        engine = sa.create_engine(url)
        (adult, adult_old, adult_new), (teen, teen_old, _) = grief.CHANGES
        with engine.begin() as conn:
            for slug, description, by in ((adult, adult_old, "seed"), (teen, teen_old, "an-admin")):
                conn.execute(sa.insert(orm.rooms).values(
                    slug=slug, name=slug, description=description, topic="grief", audience_cohort="adult",
                    audience_kind="member", mode="facilitated", status="active", capacity=12,
                    access_policy={"always": True}, updated_at=dt.datetime.now(dt.timezone.utc), updated_by=by))
        runner.upgrade(url)
        with engine.connect() as conn:
            now = dict(conn.execute(sa.select(orm.rooms.c.slug, orm.rooms.c.description)).all())
        engine.dispose()
        assert now == {adult: adult_new, teen: teen_old}
        assert adult_new == next(r.description for r in STARTER_ROOMS if r.slug == adult)
    finally:
        testing.drop_database(url)


def test_the_catalogue_is_seeded_once_however_often_migrate_runs(rooms, room_engine):
    assert rooms.seed_rooms(STARTER_ROOMS) == 0  # the fixture seeded it already
    with room_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.rooms)).scalar_one() == len(STARTER_ROOMS) >= 150


def test_a_badge_locked_room_says_what_is_missing_until_the_badge_arrives(rooms):
    locked = next(r for r in STARTER_ROOMS if r.audience_cohort == "adult" and r.status == "active"
                  and "compassion-hero" in str(r.access_policy) and r.audience_kind == "both")
    person = register(rooms)
    refused = rooms.check_access(person, locked.slug)
    assert not refused["allowed"] and any("Compassion Hero" in m for m in refused["missing"])
    for slug in ("first-post", "chief-chat", "compassion-hero"):
        award(rooms, person, slug)
    assert rooms.check_access(person, locked.slug) == {"allowed": True, "missing": []}


def test_teens_never_enter_adult_rooms_and_adults_never_enter_teen_rooms(rooms):
    teen, adult = register(rooms, cohort="teen"), register(rooms, cohort="adult")
    listing = {cohort: rooms.list_rooms(pid) for cohort, pid in (("teen", teen), ("adult", adult))}
    for cohort, entries in listing.items():
        for entry in entries:
            if entry["room"]["audience_cohort"] != cohort:
                assert not entry["access"]["allowed"]
                assert entry["access"]["missing"] == [f"this room is for {entry['room']['audience_cohort']}s only"]
    assert any(e["access"]["allowed"] for e in listing["teen"])
    assert any(e["access"]["allowed"] for e in listing["adult"])


def test_someone_not_yet_known_is_told_to_wait_and_unknown_rooms_are_not_found(rooms):
    some_room = next(r for r in STARTER_ROOMS if r.status == "active")
    answer = rooms.check_access(str(uuid.uuid4()), some_room.slug)
    assert not answer["allowed"] and "try again" in answer["missing"][0]
    with pytest.raises(errors.RoomNotFound):
        rooms.check_access(str(uuid.uuid4()), "no-such-room")


def test_archived_rooms_are_listed_only_on_request_and_never_open(rooms):
    person = register(rooms)
    assert all(e["room"]["active"] for e in rooms.list_rooms(person))
    archived = [e for e in rooms.list_rooms(person, include_archived=True) if not e["room"]["active"]]
    assert archived and all(not e["access"]["allowed"] for e in archived)


def test_a_redelivered_event_is_applied_once_even_concurrently(rooms, room_engine):
    person = register(rooms)
    envelope = identity_event("badge_awarded", person, badge_slug="first-post", award_id="a1")
    results, barrier = [], threading.Barrier(4)

    def deliver():
        barrier.wait()
        results.append(rooms.apply_identity_event(envelope))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(results) == [False, False, False, True]
    with room_engine.connect() as conn:
        claimed = conn.execute(sa.select(sa.func.count()).select_from(orm.inbox).where(
            orm.inbox.c.event_id == envelope["event_id"])).scalar_one()
    assert claimed == 1


def test_the_prepared_door_check_survives_a_migration_that_adds_a_column_to_rooms(rooms, room_engine):
    person = register(rooms)
    now = dt.datetime.now(dt.timezone.utc)
    with room_engine.connect() as conn:  # one connection: the statement is prepared, then the table changes
        repository = RoomsRepository(conn)
        before = repository.access_context("adult-community-lounge", person, now)
        conn.execute(sa.text("ALTER TABLE rooms ADD COLUMN added_while_serving text"))
        after = repository.access_context("adult-community-lounge", person, now)
        conn.rollback()  # the column goes again with the transaction
    assert dataclasses.astuple(after.room) == dataclasses.astuple(before.room)
    assert after.person.person_id == person
