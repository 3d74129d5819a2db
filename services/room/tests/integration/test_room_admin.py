"""Integration: admins create, edit, archive and reopen rooms and open pop-up windows; others may not."""
import datetime as dt
import uuid

import psycopg2.extensions
import pytest
import sqlalchemy as sa

from hearth_common.db import PreparedStatement
from room_service.adapters import orm
from room_service.domain import errors
from room_service.seed import STARTER_ROOMS

NOW = dt.datetime.now(dt.timezone.utc)


def apply(rooms, event_type, person_id, seq, **data):
    rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": event_type, "seq": seq,
                                "data": {"person_id": person_id, **data}})


def person(rooms, cohort="adult", admin=False):
    person_id = str(uuid.uuid4())
    apply(rooms, "person_registered", person_id, 1, username="x" + person_id[:6], kind="listener", cohort=cohort)
    if admin:
        apply(rooms, "role_granted", person_id, 2, grant_id=str(uuid.uuid4()), role="admin", room_id=None,
              expires_at=None)
    return person_id


def spec(**changes):
    base = {"slug": "adult-evening-check-in", "name": "Evening Check-in", "description": "A calm end to the day.",
            "topic": "general-support", "audience_cohort": "adult", "audience_kind": "both", "mode": "always_open",
            "capacity": 40, "access_policy": {"badge": "first-post"}}
    return base | changes


def test_only_admins_change_the_catalogue(rooms):
    with pytest.raises(errors.NotAdmin):
        rooms.create_room(person(rooms), spec())
    with pytest.raises(errors.NotAdmin):
        rooms.archive_room(person(rooms), STARTER_ROOMS[0].slug)


def test_an_admin_creates_edits_archives_and_reopens_a_room(rooms):
    admin, member = person(rooms, admin=True), person(rooms)
    created = rooms.create_room(admin, spec())
    assert created["access_summary"] and created["active"]
    assert rooms.check_access(member, "adult-evening-check-in")["missing"] == ["earn: First Post"]
    with pytest.raises(errors.RoomExists):
        rooms.create_room(admin, spec())
    rooms.update_room(admin, spec(name="Evening Check-in Circle", access_policy={"always": True}))
    assert rooms.check_access(member, "adult-evening-check-in") == {"allowed": True, "missing": []}
    rooms.archive_room(admin, "adult-evening-check-in")
    archived = ["this room is archived and no longer open"]
    assert rooms.check_access(member, "adult-evening-check-in")["missing"] == archived
    rooms.reopen_room(admin, "adult-evening-check-in")
    assert rooms.check_access(member, "adult-evening-check-in")["allowed"]


@pytest.mark.parametrize("changes, words", [
    ({"slug": "X"}, "slug must be"),
    ({"capacity": 1}, "capacity must be"),
    ({"audience_cohort": ""}, "audience must be adult or teen"),
    ({"access_policy": {"all_of": [{"badges": "x"}]}}, "all_of[0]: unknown key 'badges'"),
])
def test_a_bad_room_is_refused_with_what_to_fix(rooms, changes, words):
    with pytest.raises(errors.InvalidArgument) as info:
        rooms.create_room(person(rooms, admin=True), spec(**changes))
    assert words in info.value.message


def test_a_pop_up_room_opens_only_inside_its_window(rooms):
    admin, member = person(rooms, admin=True), person(rooms)
    rooms.create_room(
        admin, spec(slug="adult-pop-up-art-hour", name="Art Hour", mode="pop_up", access_policy={"always": True})
    )
    assert rooms.check_access(member, "adult-pop-up-art-hour")["missing"] == ["this pop-up room is closed now"]
    rooms.open_pop_up(admin, "adult-pop-up-art-hour", NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=2))
    assert "it opens at" in rooms.check_access(member, "adult-pop-up-art-hour")["missing"][0]
    rooms.open_pop_up(admin, "adult-pop-up-art-hour", NOW - dt.timedelta(minutes=5), NOW + dt.timedelta(hours=1))
    assert rooms.check_access(member, "adult-pop-up-art-hour")["allowed"]
    with pytest.raises(errors.InvalidRoom):
        rooms.open_pop_up(admin, "adult-pop-up-art-hour", NOW, NOW + dt.timedelta(days=8))
    with pytest.raises(errors.NotAPopUp):
        always_open = next(r for r in STARTER_ROOMS if r.mode == "always_open")
        rooms.open_pop_up(admin, always_open.slug, NOW, NOW + dt.timedelta(hours=1))


def test_a_closed_room_also_says_what_one_will_need_once_it_opens(rooms):
    admin, member = person(rooms, admin=True), person(rooms)
    rooms.create_room(admin, spec(slug="adult-pop-up-night-owls", name="Night Owls", mode="pop_up",
                                  access_policy={"badge": "night-owl"}))
    assert rooms.check_access(member, "adult-pop-up-night-owls")["missing"] == [
        "this pop-up room is closed now", "earn: Night Owl"]


def test_seeding_again_keeps_an_admins_edits(rooms):
    admin = person(rooms, admin=True)
    seeded = next(r for r in STARTER_ROOMS if r.status == "active" and r.mode == "always_open")
    rooms.update_room(admin, spec(slug=seeded.slug, name="Renamed by staff", topic=seeded.topic,
                                  audience_cohort=seeded.audience_cohort, access_policy=seeded.access_policy))
    rooms.seed_rooms(STARTER_ROOMS)
    assert rooms.get_room(admin, seeded.slug)["room"]["name"] == "Renamed by staff"


def test_a_seeded_room_whose_name_an_admin_took_is_left_out_and_the_rest_are_added(rooms, room_engine):
    admin = person(rooms, admin=True)
    later, other = STARTER_ROOMS[-1], STARTER_ROOMS[-2]  # as if the catalogue grew by these two
    with room_engine.begin() as conn:
        conn.execute(sa.delete(orm.rooms).where(orm.rooms.c.slug.in_([later.slug, other.slug])))
    rooms.create_room(admin, spec(slug="adult-staff-made-room", name=later.name, topic=later.topic,
                                  audience_cohort="adult", access_policy={"always": True}))
    assert rooms.seed_rooms(STARTER_ROOMS) == 1
    assert rooms.get_room(admin, other.slug)["room"]["name"] == other.name
    with pytest.raises(errors.RoomNotFound):
        rooms.get_room(admin, later.slug)


@pytest.mark.parametrize("read, statements", [
    (lambda rooms, member: rooms.check_access(member, "adult-community-lounge"), 1),
    (lambda rooms, member: rooms.get_room(member, "adult-community-lounge"), 1),
    (lambda rooms, member: rooms.describe_room("adult-community-lounge"), 1),
    (lambda rooms, member: rooms.list_rooms(member), 6),
], ids=["CheckAccess", "GetRoom", "describe_room", "ListRooms"])
def test_the_catalogues_reads_run_outside_any_transaction(rooms, room_engine, monkeypatch, read, statements):
    """A door check, a room and the room list are reads: each statement runs in autocommit, so the driver sends
    no BEGIN before them and no ROLLBACK after (a door check was three round trips, now one), and no connection
    is left in a transaction."""
    member = person(rooms)
    sent = []  # (statement, autocommit, the driver's transaction status) as each is sent

    def record(dbapi, statement):
        if not statement.lstrip().upper().startswith("PREPARE"):
            sent.append((statement, dbapi.autocommit, dbapi.info.transaction_status))

    send = PreparedStatement._send
    monkeypatch.setattr(PreparedStatement, "_send", staticmethod(
        lambda conn, sql, arguments: record(conn.connection.dbapi_connection, sql) or send(conn, sql, arguments)))
    listener = lambda conn, cursor, statement, *_: record(conn.connection.dbapi_connection, statement)  # noqa: E731
    sa.event.listen(room_engine, "before_cursor_execute", listener)
    try:
        assert read(rooms, member)
    finally:
        sa.event.remove(room_engine, "before_cursor_execute", listener)
    assert len(sent) == statements, sent
    assert all("BEGIN" not in sql for sql, *_ in sent)
    idle = psycopg2.extensions.TRANSACTION_STATUS_IDLE
    assert {(autocommit, status) for _, autocommit, status in sent} == {(True, idle)}  # the driver begins nothing
    with room_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                    " AND state LIKE 'idle in transaction%'")).scalar() == 0


def test_a_door_check_answers_as_before_in_its_one_read(rooms):
    member = person(rooms)
    assert rooms.check_access(member, "adult-community-lounge") == {"allowed": True, "missing": []}
