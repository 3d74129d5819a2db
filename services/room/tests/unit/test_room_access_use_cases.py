"""Unit tests on in-memory fakes of who may stay where: staff's cross-cohort grants, the read model of
sanctions, evictions when identity's events narrow someone's rights or a grant or role lapses, and
moderation's removals."""
import asyncio
import datetime as dt
import uuid

import pytest
from room_unit_helpers import BADGE_LOCKED, FACILITATED, LISTENERS, LOUNGE, SMALL, START, TEEN_LOUNGE

from room_service.domain import errors
from room_service.domain.sanctions import InvalidSanctionEvent, Muted
from room_service.service_layer import presence

REASON = "covering the teen evening shift"


@pytest.fixture
def staff(identity):
    return identity.register("stan_staff", kind="listener", roles=["chat_room_moderator"])


def members_of(db, slug):
    return {pid for room, pid in db.tables["members"] if room == slug}


class TestCrossCohortGrants:
    def test_an_admin_lets_staff_into_one_room_of_the_other_cohort(self, conv, admin, staff, published, refused):
        with refused(errors.NotAllowedIn):
            conv.join(staff, TEEN_LOUNGE)
        grant = conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, f"  {REASON} ", None)
        assert grant | {"grant_id": None} == {
            "grant_id": None, "person_id": staff, "room_slug": TEEN_LOUNGE, "reason": REASON, "granted_by": admin,
            "granted_at": START, "expires_at": START + dt.timedelta(days=1), "revoked_by": None,
            "revoked_at": None}
        assert published[-1].type == "cohort_access_granted"
        assert published[-1].data == {
            "grant_id": grant["grant_id"], "person_id": staff, "room_slug": TEEN_LOUNGE, "reason": REASON,
            "granted_by": admin, "granted_at": START.isoformat(),
            "expires_at": (START + dt.timedelta(days=1)).isoformat()}
        assert conv.join(staff, TEEN_LOUNGE)["seq"] == 1
        assert conv.list_cohort_grants(admin, TEEN_LOUNGE) == [grant]

    @pytest.mark.parametrize("reason, expires_in, match", [
        ("too short", None, "say why in 10 to 500"),
        ("x" * 501, None, "say why in 10 to 500"),
        (REASON, dt.timedelta(days=31), "at most 30 days ahead"),
        (REASON, dt.timedelta(minutes=-1), "in the future"),
    ])
    def test_a_grant_says_why_and_ends_within_thirty_days(self, conv, admin, staff, reason, expires_in, match,
                                                          refused):
        expires_at = START + expires_in if expires_in is not None else None
        with refused(errors.InvalidGrant, match=match):
            conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, reason, expires_at)

    def test_only_admins_grant_only_staff_and_only_across_cohorts(self, conv, identity, admin, staff, refused):
        member = identity.register("mo")
        with refused(errors.NotAdmin):
            conv.grant_cohort_access(staff, staff, TEEN_LOUNGE, REASON, None)
        with refused(errors.NotStaff):
            conv.grant_cohort_access(admin, member, TEEN_LOUNGE, REASON, None)
        with refused(errors.InvalidGrant, match="adult cohort already"):
            conv.grant_cohort_access(admin, staff, LOUNGE, REASON, None)
        with refused(errors.InvalidGrant, match="does not know this person"):
            conv.grant_cohort_access(admin, str(uuid.uuid4()), TEEN_LOUNGE, REASON, None)
        with refused(errors.RoomNotFound):
            conv.grant_cohort_access(admin, staff, "no-such-room", REASON, None)

    def test_revoking_takes_the_person_out_and_is_announced_once(self, conv, admin, staff, published, db):
        grant = conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None)
        conv.join(staff, TEEN_LOUNGE)
        revoked = conv.revoke_cohort_access(admin, grant["grant_id"])
        assert (revoked["revoked_by"], revoked["revoked_at"]) == (admin, START)
        assert [e.type for e in published[-2:]] == ["cohort_access_revoked", "member_left"]
        assert published[-2].data == {"grant_id": grant["grant_id"], "person_id": staff, "room_slug": TEEN_LOUNGE,
                                      "revoked_by": admin, "revoked_at": START.isoformat()}
        assert published[-1].data["reason"] == "grant_revoked" and published[-1].data["removed_by"] == admin
        assert staff not in members_of(db, TEEN_LOUNGE)
        events = len(published)
        assert conv.revoke_cohort_access(admin, grant["grant_id"]) == revoked
        assert len(published) == events

    def test_another_grant_for_the_room_lets_them_stay(self, conv, admin, staff, db):
        first = conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, None)
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON + " (extended)", START + dt.timedelta(days=3))
        conv.join(staff, TEEN_LOUNGE)
        conv.revoke_cohort_access(admin, first["grant_id"])
        assert staff in members_of(db, TEEN_LOUNGE)

    def test_an_unknown_grant(self, conv, admin, refused):
        with refused(errors.GrantNotFound):
            conv.revoke_cohort_access(admin, str(uuid.uuid4()))
        with refused(errors.InvalidId):
            conv.revoke_cohort_access(admin, "grant-1")

    def test_an_expired_grant_is_swept_out(self, conv, admin, staff, clock, db, published):
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=2))
        conv.join(staff, TEEN_LOUNGE)
        clock.advance(hours=1)
        assert conv.evict_lapsed() == 0
        clock.advance(hours=1)
        assert conv.evict_lapsed() == 1
        assert staff not in members_of(db, TEEN_LOUNGE)
        assert published[-1].data["reason"] == "no_longer_allowed"


class TestSanctions:
    def test_a_mute_stops_posting_until_lifted(self, conv, identity, moderation, refused):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        sanction = moderation.impose(sam, "mute")
        with refused(Muted):
            conv.post(sam, LOUNGE, "hello")
        moderation.lift(sam, sanction)
        conv.post(sam, LOUNGE, "hello again")

    def test_a_ban_takes_the_person_out_of_the_rooms_it_covers(self, conv, identity, moderation, db, published):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        conv.join(sam, SMALL)
        moderation.impose(sam, "ban", room_slug=LOUNGE)
        assert members_of(db, LOUNGE) == set() and members_of(db, SMALL) == {sam}
        assert published[-1].type == "member_left" and published[-1].data["reason"] == "banned"

    def test_a_lift_that_arrives_before_its_imposition_wins(self, conv, identity, moderation):
        sam = identity.register("sam")
        sanction_id = str(uuid.uuid4())
        moderation.lift(sam, sanction_id, seq=2)
        moderation.impose(sam, "ban", sanction_id=sanction_id, seq=1)
        assert conv.join(sam, LOUNGE)["seq"] == 1

    def test_an_older_event_never_overrides_a_newer_one(self, conv, identity, moderation, db):
        sam = identity.register("sam")
        sanction_id = moderation.impose(sam, "mute", seq=5)
        moderation.impose(sam, "ban", sanction_id=sanction_id, seq=3)
        assert (db.tables["sanctions"][sanction_id].kind, db.tables["sanctions"][sanction_id].seq) == ("mute", 5)

    def test_an_event_is_applied_once(self, conv, identity, moderation, db):
        sam = identity.register("sam")
        envelope = moderation.envelope("sanction_imposed", {
            "sanction_id": "s-1", "person_id": sam, "kind": "mute", "room_slug": None, "expires_at": None,
            "reason": ""})
        assert conv.apply_sanction_event(envelope) is True
        commits = db.commits
        assert conv.apply_sanction_event(envelope) is False
        assert db.commits == commits

    @pytest.mark.parametrize("change", [
        {"seq": None}, {"event_type": "sanction_forgotten"}, {"data": {"person_id": "p", "kind": "mute"}},
        {"data": {"sanction_id": "s-1", "person_id": "p", "kind": "warn"}},
        {"data": {"sanction_id": "s-1", "person_id": "p", "kind": "ban", "expires_at": "tomorrow"}},
    ])
    def test_an_event_that_breaks_the_contract_is_refused_and_writes_nothing(self, conv, moderation, change,
                                                                           refused):
        envelope = moderation.envelope("sanction_imposed", {"sanction_id": "s-1", "person_id": "p", "kind": "ban"})
        with refused(InvalidSanctionEvent):
            conv.apply_sanction_event(envelope | change)


class TestEvictions:
    def test_a_teen_who_turns_eighteen_leaves_the_teen_rooms(self, conv, identity, db, published):
        tia = identity.register("tia", cohort="teen")
        conv.join(tia, TEEN_LOUNGE)
        identity.event("cohort_changed", tia, previous_cohort="teen", cohort="adult")
        assert members_of(db, TEEN_LOUNGE) == set()
        assert published[-1].data["reason"] == "no_longer_allowed"
        assert conv.join(tia, LOUNGE)["seq"] == 1

    def test_a_revoked_badge_takes_the_holder_out_of_the_room_it_unlocked(self, conv, identity, db):
        holder = identity.register("holder", badges=["group-ready"])
        conv.join(holder, BADGE_LOCKED)
        conv.join(holder, LOUNGE)
        identity.event("badge_revoked", holder, badge_slug="group-ready", award_id=str(uuid.uuid4()))
        assert members_of(db, BADGE_LOCKED) == set() and members_of(db, LOUNGE) == {holder}

    def test_staff_whose_role_is_revoked_leave_the_rooms_only_it_let_them_into(self, conv, identity, db):
        member_moderator = identity.register("mia", roles=["chat_room_moderator"])
        conv.join(member_moderator, LISTENERS)
        conv.join(member_moderator, LOUNGE)
        (grant_id,) = db.tables["people"][member_moderator].grants
        identity.event("role_revoked", member_moderator, grant_id=grant_id, role="chat_room_moderator", room_id=None)
        assert members_of(db, LISTENERS) == set() and members_of(db, LOUNGE) == {member_moderator}

    def test_staff_no_longer_facilitating_stop_holding_a_room_open(self, conv, sessions, identity, db):
        host = identity.register("hal", roles=["on_spot_host"])
        conv.join(host, FACILITATED)
        sessions.check_in(host, FACILITATED)
        (grant_id,) = db.tables["people"][host].grants
        identity.event("role_revoked", host, grant_id=grant_id, role="on_spot_host", room_id=None)
        assert not db.tables["members"][(FACILITATED, host)].checked_in  # may stay, no longer holds it open
        assert db.timeline(FACILITATED)[-1]["kind"] == "facilitator_checked_out"

    def test_a_role_that_expires_is_swept_out_within_the_window(self, conv, identity, clock, db):
        host = identity.register("hal")
        identity.grant(host, "chat_room_moderator", expires_at=START + dt.timedelta(minutes=30))
        conv.join(host, LISTENERS)
        assert conv.evict_lapsed() == 0
        clock.advance(minutes=31)
        assert conv.evict_lapsed() == 1
        assert members_of(db, LISTENERS) == set()

    def test_identity_events_apply_once(self, rooms, identity, db):
        envelope = identity.event("person_registered", "p-1", username="pat", kind="member", cohort="adult")
        commits = db.commits
        assert rooms.apply_identity_event(envelope) is False
        assert db.commits == commits


class TestModeration:
    @pytest.fixture
    def moderator(self, identity):
        return identity.register("mod_mia", kind="listener", roles=[("chat_room_moderator", LOUNGE)])

    def test_a_moderator_removes_a_message_once_with_a_reason(self, conv, identity, moderator, published, db):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        posted = conv.post(sam, LOUNGE, "something unkind")
        removed = conv.delete(moderator, posted["message_id"], moderator=True, reason="unkind")
        assert removed["deleted"] and removed["body"] == ""
        assert published[-1].type == "message_deleted"
        assert published[-1].data | {"seq": 0, "deleted_at": None} == {
            "room_slug": LOUNGE, "message_id": posted["message_id"], "seq": 0, "message_seq": posted["seq"],
            "author_id": sam, "deleted_by": moderator, "by_moderation": True, "reason": "unkind",
            "deleted_at": None}
        before = db.snapshot()
        assert conv.delete(moderator, posted["message_id"], moderator=True, reason="unkind") == removed
        assert db.snapshot() == before  # again: the same answer, nothing more written

    def test_moderation_itself_may_remove_a_message_it_hides_pending_review(self, conv, identity, published):
        sam = identity.register("sam")
        conv.join(sam, SMALL)
        posted = conv.post(sam, SMALL, "elsewhere")
        assert conv.delete("service:moderation", posted["message_id"], moderator=True, reason="hidden")["deleted"]
        assert [e.data for e in published if e.type == "message_deleted"][-1]["deleted_by"] == "service:moderation"

    def test_a_moderator_removes_a_person_with_a_note(self, conv, identity, moderator, db, published):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        assert conv.remove_person(moderator, LOUNGE, sam, "x" * 600) is True
        assert published[-1].data | {"seq": 0} == {
            "room_slug": LOUNGE, "person_id": sam, "reason": "removed", "seq": 0, "left_at": START.isoformat(),
            "removed_by": moderator, "note": "x" * 500}
        assert conv.remove_person(moderator, LOUNGE, sam, "again") is False

    def test_slow_mode_is_set_by_the_rooms_staff_within_bounds(self, conv, identity, moderator, db, refused):
        sam = identity.register("sam")
        with refused(errors.NotStaff):
            conv.set_slow_mode(sam, LOUNGE, 30)
        with refused(errors.InvalidRoom, match="slow_mode_seconds"):
            conv.set_slow_mode(moderator, LOUNGE, 3601)
        assert conv.set_slow_mode(moderator, LOUNGE, 30) == 30
        assert db.tables["rooms"][LOUNGE].slow_mode_seconds == 30
        assert db.timeline(LOUNGE)[-1]["data"] == {"seconds": 30, "by": moderator}


class TestTheWallBetweenAGrantsExpiryAndTheSweep:
    """A grant's expiry sends no event: the worker's sweep takes the person out a few seconds later. Until then
    the doors that hand out the room's content ask the wall again (found by test_room_wall_property.py)."""

    @pytest.fixture
    def lapsed(self, conv, clock, admin, staff, identity):
        teen = identity.register("tess_teen", cohort="teen")
        conv.join(teen, TEEN_LOUNGE)
        conv.post(teen, TEEN_LOUNGE, "hello everyone")
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(staff, TEEN_LOUNGE)
        clock.advance(hours=1)  # the grant has expired; no sweep has run yet
        return staff

    def test_no_history_page(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.history(lapsed, TEEN_LOUNGE)

    def test_no_new_live_stream(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.open_stream(lapsed, TEEN_LOUNGE)

    def test_no_mention_resolves_to_them(self, conv, lapsed, identity):
        teen = identity.register("tina_teen", cohort="teen")
        conv.join(teen, TEEN_LOUNGE)
        assert conv.post(teen, TEEN_LOUNGE, "thanks @stan_staff")["mentions"] == []

    def test_no_edit(self, conv, lapsed, clock):
        clock.set(START + dt.timedelta(minutes=30))  # grant in force: the staff member posts
        message = conv.post(lapsed, TEEN_LOUNGE, "welcome all")
        clock.set(START + dt.timedelta(hours=1, seconds=5))
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.edit(lapsed, message["message_id"], "welcome everyone")

    def test_the_sweep_takes_them_out(self, conv, db, lapsed):
        assert conv.evict_lapsed() == 1
        assert lapsed not in members_of(db, TEEN_LOUNGE)

    def test_no_post(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.post(lapsed, TEEN_LOUNGE, "still here")


class TestTheWallBetweenAStaffRolesExpiryAndTheSweep:
    """The grant lets only staff across the wall: a staff member whose role ends while they are in a room of the
    other cohort, on a grant still in force, is refused its content at once, before the sweep takes them out."""

    @pytest.fixture
    def lapsed(self, conv, clock, admin, identity):
        teen = identity.register("tess_teen", cohort="teen")
        conv.join(teen, TEEN_LOUNGE)
        conv.post(teen, TEEN_LOUNGE, "hello everyone")
        temp = identity.register("tom_temp", kind="listener")
        identity.grant(temp, "chat_room_moderator", expires_at=START + dt.timedelta(minutes=30))
        conv.grant_cohort_access(admin, temp, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(temp, TEEN_LOUNGE)
        clock.advance(minutes=30)  # the role has ended, the grant has not; no sweep has run yet
        return temp

    def test_no_history_page(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.history(lapsed, TEEN_LOUNGE)

    def test_no_new_live_stream(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.open_stream(lapsed, TEEN_LOUNGE)

    def test_no_post(self, conv, lapsed):
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.post(lapsed, TEEN_LOUNGE, "still here")

    def test_the_sweep_takes_them_out(self, conv, db, lapsed):
        assert conv.evict_lapsed() == 1
        assert lapsed not in members_of(db, TEEN_LOUNGE)


class TestAnOpenStreamAcrossTheWall:
    """Staff across the teen/adult wall hold a live stream only while their grant (and the staff role it needs)
    is in force: the stream is told when that ends and ends itself then, with no item to wake it and before the
    sweep; a revocation makes it ask the door again."""

    class Subscription:
        def __init__(self):
            self.mailbox: asyncio.Queue = asyncio.Queue()
            self.delivered = 0

    @staticmethod
    async def run_blocking(function, *args):
        return function(*args)

    @pytest.fixture
    def teen(self, conv, identity):
        teen = identity.register("tess_teen", cohort="teen")
        conv.join(teen, TEEN_LOUNGE)
        return teen

    @pytest.fixture
    def granted(self, conv, admin, staff, teen):
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(staff, TEEN_LOUNGE)
        return staff

    @pytest.fixture
    def recheck_fast(self, monkeypatch):
        monkeypatch.setattr(presence, "ACCESS_RECHECK_SECONDS", 0.01)

    def test_the_stream_is_told_when_access_ends_and_the_rooms_own_cohort_never(self, conv, granted, teen):
        assert conv.authorise_stream(granted, TEEN_LOUNGE)[1] == START + dt.timedelta(hours=1)
        assert conv.authorise_stream(teen, TEEN_LOUNGE)[1] is None

    def test_a_staff_role_that_ends_first_ends_the_access(self, conv, identity, admin, teen):
        temp = identity.register("tom_temp", kind="listener")
        identity.grant(temp, "chat_room_moderator", expires_at=START + dt.timedelta(minutes=30))
        conv.grant_cohort_access(admin, temp, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(temp, TEEN_LOUNGE)
        assert conv.authorise_stream(temp, TEEN_LOUNGE)[1] == START + dt.timedelta(minutes=30)

    def test_items_arrive_while_the_grant_is_in_force(self, conv, granted, teen, live):
        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(granted, TEEN_LOUNGE, None, subscription, self.run_blocking)
            await anext(stream)
            conv.post(teen, TEEN_LOUNGE, "hello")
            await subscription.mailbox.put(live[-1])
            return await anext(stream)

        assert asyncio.run(asyncio.wait_for(scenario(), timeout=5))["data"]["body"] == "hello"

    def test_the_stream_ends_when_the_grant_ends_with_no_item_to_wake_it(self, conv, granted, clock, recheck_fast):
        async def scenario():
            stream = conv.follow(granted, TEEN_LOUNGE, None, self.Subscription(), self.run_blocking)
            assert (await anext(stream))["kind"] == "subscribed"
            waiting = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(0.02)
            assert not waiting.done()
            clock.advance(hours=1)  # the grant has ended; no sweep has run, no item comes
            await waiting

        with pytest.raises(errors.AccessEnded, match="your access to this room ended"):
            asyncio.run(asyncio.wait_for(scenario(), timeout=5))

    def test_an_item_that_comes_after_the_end_is_not_delivered(self, conv, granted, teen, clock, live):
        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(granted, TEEN_LOUNGE, None, subscription, self.run_blocking)
            await anext(stream)
            clock.advance(hours=1, seconds=1)
            conv.post(teen, TEEN_LOUNGE, "just us now")
            await subscription.mailbox.put(live[-1])
            await anext(stream)

        with pytest.raises(errors.AccessEnded):
            asyncio.run(asyncio.wait_for(scenario(), timeout=5))

    def test_a_revocation_makes_the_stream_ask_the_door_again(self, conv, admin, granted, clock, recheck_fast):
        told = []
        conv.access.changed = lambda person_id, slug: told.append((person_id, slug))
        longer = conv.grant_cohort_access(admin, granted, TEEN_LOUNGE, REASON + " (extended)",
                                          START + dt.timedelta(hours=3))

        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(granted, TEEN_LOUNGE, None, subscription, self.run_blocking)
            await anext(stream)
            assert subscription.access_ends == START + dt.timedelta(hours=3)
            conv.revoke_cohort_access(admin, longer["grant_id"])  # the first grant lets them stay, for 1 hour
            assert told == [(granted, TEEN_LOUNGE)]
            await subscription.mailbox.put({"access": TEEN_LOUNGE})  # what the live hub hands their streams
            waiting = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(0.02)
            assert subscription.access_ends == START + dt.timedelta(hours=1)
            clock.advance(hours=1)
            await waiting

        with pytest.raises(errors.AccessEnded):
            asyncio.run(asyncio.wait_for(scenario(), timeout=5))

    def test_a_revocation_that_leaves_no_access_ends_the_stream(self, conv, admin, granted, recheck_fast):
        grant = conv.list_cohort_grants(admin, TEEN_LOUNGE)[0]

        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(granted, TEEN_LOUNGE, None, subscription, self.run_blocking)
            await anext(stream)
            waiting = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(0.02)  # the stream waits on its mailbox
            conv.revoke_cohort_access(admin, grant["grant_id"])
            await subscription.mailbox.put({"access": TEEN_LOUNGE})  # ahead of the member_left item
            await waiting

        with pytest.raises(errors.AccessEnded):
            asyncio.run(asyncio.wait_for(scenario(), timeout=5))

    def test_a_revoked_role_makes_their_streams_ask_the_door_again(self, conv, rooms, identity, admin, teen):
        """Staff with two roles, the longer one revoked: they stay on the shorter, whose end the stream takes."""
        told = []
        rooms.access_changed = lambda person_id, slug: told.append((person_id, slug))
        two = identity.register("tia_two_roles", kind="listener")
        identity.grant(two, "chat_room_moderator", expires_at=START + dt.timedelta(minutes=30))
        longer = identity.grant(two, "on_spot_host")
        conv.grant_cohort_access(admin, two, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(two, TEEN_LOUNGE)
        assert conv.authorise_stream(two, TEEN_LOUNGE)[1] == START + dt.timedelta(hours=1)
        identity.event("role_revoked", two, grant_id=longer, role="on_spot_host", room_id=None)
        assert told == [(two, TEEN_LOUNGE)]
        assert conv.authorise_stream(two, TEEN_LOUNGE)[1] == START + dt.timedelta(minutes=30)


class TestMembershipAloneAfterAGrantsEnd:
    """Until the sweep takes them out, staff whose grant ended are still a member row: the paths that asked
    membership alone ask the wall too."""

    def test_no_heart(self, conv, identity, admin, staff, clock):
        teen = identity.register("tess_teen", cohort="teen")
        conv.join(teen, TEEN_LOUNGE)
        message = conv.post(teen, TEEN_LOUNGE, "hello everyone")
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, REASON, START + dt.timedelta(hours=1))
        conv.join(staff, TEEN_LOUNGE)
        clock.advance(hours=1)
        with pytest.raises(errors.NotAllowedIn, match="teens only"):
            conv.heart(staff, message["message_id"], True)
