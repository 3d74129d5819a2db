"""Unit tests of the room catalogue's use cases on in-memory fakes: seeding, admins' changes, and each person's
view of the rooms with what they still need to enter."""
import datetime as dt

from room_unit_helpers import BADGE_LOCKED, LOUNGE, POP_UP, START, TEEN_LOUNGE

from room_service.domain import errors
from room_service.seed import RoomSpec


def spec(slug="new-room", name="New Room", **fields) -> dict:
    return {"slug": slug, "name": name, "description": "A room", "topic": "community", "audience_cohort": "adult",
            "audience_kind": "both", "mode": "always_open", "capacity": 20, "access_policy": {"always": True},
            "slow_mode_seconds": 0} | fields


class TestSeed:
    def test_seeding_adds_the_missing_rooms_once_and_leaves_out_a_taken_name(self, rooms, db):
        seeded = [RoomSpec("seeded-room", "Seeded Room", "", "community", "adult", "both", "always_open", "active", 10,
                       {"always": True}),
                  RoomSpec("clashing-room", "Adult Lounge", "", "community", "adult", "both", "always_open", "active",
                       10, {"always": True})]
        assert rooms.seed_rooms(seeded) == 1
        assert rooms.seed_rooms(seeded) == 0
        assert "seeded-room" in db.tables["rooms"] and "clashing-room" not in db.tables["rooms"]


class TestAdminChanges:
    def test_an_admin_creates_a_room(self, rooms, admin, db):
        created = rooms.create_room(admin, spec())
        assert created["slug"] == "new-room" and created["active"] and created["access_summary"]
        assert db.tables["rooms"]["new-room"].name == "New Room"

    def test_only_admins_change_the_catalogue(self, rooms, identity, refused):
        member = identity.register("mo")
        with refused(errors.NotAdmin):
            rooms.create_room(member, spec())
        with refused(errors.NotAdmin):
            rooms.archive_room(member, LOUNGE)

    def test_slugs_and_names_are_unique(self, rooms, admin, refused):
        with refused(errors.RoomExists, match="slug"):
            rooms.create_room(admin, spec(slug=LOUNGE))
        with refused(errors.RoomExists, match="named 'Adult Lounge'"):
            rooms.create_room(admin, spec(name="Adult Lounge"))
        with refused(errors.RoomExists, match="another room is named"):
            rooms.update_room(admin, spec(slug=TEEN_LOUNGE, name="Adult Lounge", audience_cohort="teen"))

    def test_an_invalid_room_or_policy_is_refused(self, rooms, admin, refused):
        with refused(errors.InvalidRoom, match="capacity"):
            rooms.create_room(admin, spec(capacity=1))
        with refused(errors.InvalidPolicy):
            rooms.create_room(admin, spec(access_policy={"badge": ""}))

    def test_updates_keep_the_status_archive_and_reopen(self, rooms, admin, identity):
        rooms.archive_room(admin, LOUNGE)
        updated = rooms.update_room(admin, spec(slug=LOUNGE, name="Renamed Lounge"))
        assert (updated["name"], updated["active"]) == ("Renamed Lounge", False)
        assert rooms.reopen_room(admin, LOUNGE)["active"]

    def test_only_pop_ups_open_windows_of_at_most_a_week(self, rooms, admin, refused):
        with refused(errors.NotAPopUp):
            rooms.open_pop_up(admin, LOUNGE, START, START + dt.timedelta(hours=1))
        with refused(errors.InvalidRoom, match="7 days"):
            rooms.open_pop_up(admin, POP_UP, START, START + dt.timedelta(days=8))
        with refused(errors.InvalidRoom, match="both required"):
            rooms.open_pop_up(admin, POP_UP, None, START)
        window = rooms.open_pop_up(admin, POP_UP, START, START + dt.timedelta(hours=2))
        assert (window["opens_at"], window["closes_at"]) == (START, START + dt.timedelta(hours=2))


class TestWhatEachPersonSees:
    def test_each_room_comes_with_what_the_person_still_needs(self, rooms, identity):
        sam = identity.register("sam")
        listed = {entry["room"]["slug"]: entry["access"] for entry in rooms.list_rooms(sam)}
        assert listed[LOUNGE] == {"allowed": True, "missing": []}
        assert listed[TEEN_LOUNGE] == {"allowed": False, "missing": ["this room is for teens only"]}
        assert listed[BADGE_LOCKED]["allowed"] is False
        assert rooms.get_room(sam, BADGE_LOCKED)["access"] == listed[BADGE_LOCKED]
        assert rooms.check_access(sam, BADGE_LOCKED) == listed[BADGE_LOCKED]

    def test_archived_rooms_are_listed_only_when_asked_and_topics_filter(self, rooms, admin, identity):
        sam = identity.register("sam")
        rooms.archive_room(admin, LOUNGE)
        assert LOUNGE not in [e["room"]["slug"] for e in rooms.list_rooms(sam)]
        assert LOUNGE in [e["room"]["slug"] for e in rooms.list_rooms(sam, include_archived=True)]
        assert [e["room"]["slug"] for e in rooms.list_rooms(sam, topic="sharing-circle")] == ["adult-circle"]

    def test_an_unknown_room(self, rooms, identity, refused):
        sam = identity.register("sam")
        with refused(errors.RoomNotFound):
            rooms.get_room(sam, "no-such-room")

    def test_the_banned_see_the_ban_as_what_is_missing(self, rooms, identity, moderation):
        tia = identity.register("tia", cohort="teen")
        moderation.impose(tia, "ban", room_slug=TEEN_LOUNGE)
        assert rooms.check_access(tia, TEEN_LOUNGE) == {"allowed": False, "missing": ["you are banned in this room"]}
        listed = {e["room"]["slug"]: e["access"] for e in rooms.list_rooms(tia)}
        assert listed[TEEN_LOUNGE] == {"allowed": False, "missing": ["you are banned in this room"]}
