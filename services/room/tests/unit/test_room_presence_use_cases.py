"""Unit tests of being in a room on in-memory fakes: join (the door), leave, heartbeats, the presence sweep,
who is there, and the timeline those changes write."""
import asyncio
import datetime as dt

import pytest
from room_unit_helpers import (
    BADGE_LOCKED,
    FACILITATED,
    LISTENERS,
    LOUNGE,
    SMALL,
    START,
    TEEN_LOUNGE,
    event_types,
)

from room_service.domain import errors
from room_service.domain.sanctions import Banned


class TestJoin:
    def test_a_member_joins_with_the_next_timeline_seq_and_the_member_joined_event(self, conv, identity, db,
                                                                                   published, live):
        sam = identity.register("sam")
        joined = conv.join(sam, LOUNGE)
        assert joined == {"seq": 1, "member": {"person_id": sam, "username": "sam", "joined_at": START,
                                               "last_seen_at": START, "checked_in": False}}
        assert [(i["seq"], i["kind"], i["data"]) for i in db.timeline(LOUNGE)] == [
            (1, "member_joined", {"person_id": sam, "username": "sam"})]
        assert event_types(published)[-1] == "member_joined"
        assert published[-1].data == {"room_slug": LOUNGE, "person_id": sam, "seq": 1,
                                      "joined_at": START.isoformat()}
        assert [i["seq"] for i in live] == [1]

    def test_joining_again_only_refreshes_presence(self, conv, identity, db, clock, published):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        events = len(published)
        clock.advance(seconds=30)
        again = conv.join(sam, LOUNGE)
        assert again["seq"] is None
        assert again["member"]["joined_at"] == START and again["member"]["last_seen_at"] == clock()
        assert len(db.timeline(LOUNGE)) == 1 and len(published) == events
        assert db.tables["members"][(LOUNGE, sam)].last_seen_at == clock()

    def test_a_concurrent_twin_join_leaves_one_membership_and_one_announcement(self, conv, identity, db,
                                                                               published):
        sam = identity.register("sam")
        db.before_next_insert = ("members", lambda: conv.join(sam, LOUNGE))  # the twin commits first
        joined = conv.join(sam, LOUNGE)
        assert joined["seq"] is None  # joining is idempotent: the twin's join stands
        assert [(i["seq"], i["kind"]) for i in db.timeline(LOUNGE)] == [(1, "member_joined")]
        assert event_types(published).count("member_joined") == 1

    def test_a_room_that_does_not_exist_is_not_found(self, conv, identity, refused):
        sam = identity.register("sam")
        with refused(errors.RoomNotFound):
            conv.join(sam, "no-such-room")

    def test_someone_room_does_not_know_yet_waits(self, conv, refused):
        with refused(errors.NotAllowedIn, match="still being set up"):
            conv.join("a-person-identity-has-not-told-room-about", LOUNGE)

    def test_adults_never_enter_teen_rooms_nor_teens_adult_rooms(self, conv, identity, refused):
        adult, teen = identity.register("adult_amy"), identity.register("teen_tom", cohort="teen")
        with refused(errors.NotAllowedIn, match="for teens only"):
            conv.join(adult, TEEN_LOUNGE)
        with refused(errors.NotAllowedIn, match="for adults only"):
            conv.join(teen, LOUNGE)
        assert conv.join(teen, TEEN_LOUNGE)["seq"] == 1

    def test_a_listeners_room_refuses_members(self, conv, identity, refused):
        member, listener = identity.register("mo"), identity.register("lee", kind="listener")
        with refused(errors.NotAllowedIn, match="for listeners only"):
            conv.join(member, LISTENERS)
        assert conv.join(listener, LISTENERS)["seq"] == 1

    def test_a_badge_locked_room_says_which_badge_is_missing(self, conv, identity, refused):
        without, holder = identity.register("nobadge"), identity.register("holder", badges=["group-ready"])
        with refused(errors.NotAllowedIn, match="Group Ready"):
            conv.join(without, BADGE_LOCKED)
        assert conv.join(holder, BADGE_LOCKED)["seq"] == 1

    def test_a_full_room_refuses_with_a_retry_hint_and_writes_nothing(self, conv, identity, refused):
        for name in ("first", "second"):
            conv.join(identity.register(name), SMALL)
        third = identity.register("third")
        with refused(errors.RoomFull) as caught:
            conv.join(third, SMALL)
        assert caught.value.retry_after_seconds == 60.0

    def test_a_place_freed_by_a_leave_can_be_taken(self, conv, identity):
        first, second, third = (identity.register(n) for n in ("first", "second", "third"))
        conv.join(first, SMALL)
        conv.join(second, SMALL)
        conv.leave(first, SMALL)
        assert conv.join(third, SMALL)["seq"] == 4

    def test_the_banned_are_refused_in_the_rooms_the_ban_covers(self, conv, identity, moderation, refused):
        sam = identity.register("sam")
        moderation.impose(sam, "ban", room_slug=LOUNGE)
        with refused(Banned, match="banned in this room"):
            conv.join(sam, LOUNGE)
        assert conv.join(sam, SMALL)["seq"] == 1

    def test_a_ban_that_expired_no_longer_refuses(self, conv, identity, moderation, clock):
        sam = identity.register("sam")
        moderation.impose(sam, "ban", expires_at=START + dt.timedelta(hours=1))
        with pytest.raises(Banned):
            conv.join(sam, LOUNGE)
        clock.advance(hours=1)
        assert conv.join(sam, LOUNGE)["seq"] == 1

    def test_a_facilitated_room_is_closed_until_a_facilitator_opens_it(self, conv, sessions, identity, refused):
        member, host = identity.register("mo"), identity.register("hal", roles=["on_spot_host"])
        with refused(errors.NotAllowedIn, match="open only while a facilitator is here"):
            conv.join(member, FACILITATED)
        conv.join(host, FACILITATED)  # staff enter to open it
        sessions.check_in(host, FACILITATED)
        assert conv.join(member, FACILITATED)["seq"] == 3  # joined, checked in, joined

    def test_joining_during_a_live_session_counts_as_attending_it(self, conv, sessions, identity, db):
        host, member = identity.register("hal", roles=["on_spot_host"]), identity.register("mo")
        conv.join(host, LOUNGE)
        live = sessions.start_unplanned(host, LOUNGE, "Evening check-in", 60)
        conv.join(member, LOUNGE)
        assert sorted(pid for sid, pid in db.tables["attendance"] if sid == live["session_id"]) == sorted(
            [host, member])


class TestLeave:
    def test_leaving_writes_member_left_and_is_false_the_second_time(self, conv, identity, db, published):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        assert conv.leave(sam, LOUNGE) is True
        assert published[-1].type == "member_left"
        assert published[-1].data == {"room_slug": LOUNGE, "person_id": sam, "reason": "left", "seq": 2,
                                      "left_at": START.isoformat()}
        assert (LOUNGE, sam) not in db.tables["members"]
        assert conv.leave(sam, LOUNGE) is False
        assert [i["kind"] for i in db.timeline(LOUNGE)] == ["member_joined", "member_left"]

    def test_leaving_a_room_that_does_not_exist_is_not_found(self, conv, identity, refused):
        sam = identity.register("sam")
        with refused(errors.RoomNotFound):
            conv.leave(sam, "no-such-room")


class TestPresence:
    def test_a_heartbeat_keeps_a_member_and_is_refused_once_they_are_gone(self, conv, identity, db, clock, refused):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)
        clock.advance(seconds=40)
        conv.touch(sam, LOUNGE)
        assert db.tables["members"][(LOUNGE, sam)].last_seen_at == clock()
        conv.leave(sam, LOUNGE)
        with refused(errors.NotInRoom, match="may have timed out"):
            conv.touch(sam, LOUNGE)

    def test_the_sweep_takes_out_only_those_not_seen_for_the_timeout(self, conv, identity, clock, published):
        quiet, chatty = identity.register("quiet"), identity.register("chatty")
        conv.join(quiet, LOUNGE)
        conv.join(chatty, LOUNGE)
        clock.advance(seconds=50)
        conv.post(chatty, LOUNGE, "still here")  # a post is a sign of life
        clock.advance(seconds=20)
        assert conv.sweep_presence() == 1
        assert [m["person_id"] for m in conv.members(chatty, LOUNGE)] == [chatty]
        assert published[-1].data | {"seq": 0} == {"room_slug": LOUNGE, "person_id": quiet, "reason": "timed_out",
                                                   "seq": 0, "left_at": clock().isoformat()}
        assert conv.sweep_presence() == 0

    def test_touch_many_refreshes_open_streams_only_of_members(self, conv, identity, db, clock):
        sam, kim = identity.register("sam"), identity.register("kim")
        conv.join(sam, LOUNGE)
        clock.advance(seconds=30)
        assert conv.touch_many([(LOUNGE, sam), (LOUNGE, kim)]) == 1
        assert db.tables["members"][(LOUNGE, sam)].last_seen_at == clock()


class TestMembers:
    def test_members_are_listed_in_order_of_joining_for_those_who_may_enter(self, conv, identity, clock):
        sam, kim = identity.register("sam"), identity.register("kim")
        conv.join(sam, LOUNGE)
        clock.advance(seconds=1)
        conv.join(kim, LOUNGE)
        looker = identity.register("looker")  # not in the room, but may enter: may look first
        assert [m["username"] for m in conv.members(looker, LOUNGE)] == ["sam", "kim"]

    def test_those_who_may_not_enter_may_not_look(self, conv, identity, refused):
        teen = identity.register("teen_tom", cohort="teen")
        with refused(errors.NotAllowedIn, match="may not read"):
            conv.members(teen, LOUNGE)


class TestTimeline:
    def test_every_change_takes_the_next_seq_and_reaches_the_live_fan_out_after_commit(self, conv, identity, db,
                                                                                       live):
        sam, kim = identity.register("sam"), identity.register("kim")
        conv.join(sam, LOUNGE)
        conv.join(kim, LOUNGE)
        conv.post(sam, LOUNGE, "hello")
        conv.leave(kim, LOUNGE)
        assert [(i["seq"], i["kind"]) for i in db.timeline(LOUNGE)] == [
            (1, "member_joined"), (2, "member_joined"), (3, "message_posted"), (4, "member_left")]
        assert [(i["seq"], i["kind"]) for i in live] == [(i["seq"], i["kind"]) for i in db.timeline(LOUNGE)]
        assert conv.heads([LOUNGE, SMALL]) == {LOUNGE: 4}
        assert [i["seq"] for i in conv.timeline_after(LOUNGE, 2)] == [3, 4]
        assert [i["seq"] for i in conv.timeline_after(LOUNGE, 0, upto=2)] == [1, 2]

    def test_a_stream_opens_only_for_a_member_at_the_rooms_head(self, conv, identity, refused):
        sam, kim = identity.register("sam"), identity.register("kim")
        conv.join(sam, LOUNGE)
        assert conv.open_stream(sam, LOUNGE) == 1
        with refused(errors.NotInRoom):
            conv.open_stream(kim, LOUNGE)
        with refused(errors.RoomNotFound):
            conv.open_stream(kim, "no-such-room")


class TestFollow:
    """A live stream: what it missed comes from the timeline, each item once and in order, until its person
    leaves. The broker's deliveries are played by hand through the subscription's mailbox."""

    class Subscription:
        def __init__(self):
            self.mailbox: asyncio.Queue = asyncio.Queue()
            self.delivered = 0

    @staticmethod
    async def run_blocking(function, *args):
        return function(*args)

    def test_catch_up_then_live_items_once_each_until_the_person_leaves(self, conv, identity, live):
        sam, kim = identity.register("sam"), identity.register("kim")
        conv.join(sam, LOUNGE)
        conv.join(kim, LOUNGE)
        conv.post(kim, LOUNGE, "hello")

        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(sam, LOUNGE, 1, subscription, self.run_blocking)
            seen = [await anext(stream) for _ in range(3)]  # where it starts, then what it missed
            conv.post(kim, LOUNGE, "four")
            conv.post(kim, LOUNGE, "five")
            await subscription.mailbox.put(live[2])  # seq 3 again: already delivered
            await subscription.mailbox.put({"head": 5})  # a head seq past what it has: filled from the table
            seen += [await anext(stream), await anext(stream)]
            conv.leave(sam, LOUNGE)
            await subscription.mailbox.put(live[-1])
            seen.append(await anext(stream))
            with pytest.raises(StopAsyncIteration):
                await anext(stream)
            return seen, subscription.delivered

        seen, delivered = asyncio.run(asyncio.wait_for(scenario(), timeout=5))
        assert [(i["seq"], i["kind"]) for i in seen] == [
            (1, "subscribed"), (2, "member_joined"), (3, "message_posted"), (4, "message_posted"),
            (5, "message_posted"), (6, "member_left")]
        assert delivered == 6

    def test_a_resume_point_past_the_rooms_head_or_negative_is_refused(self, conv, identity):
        sam = identity.register("sam")
        conv.join(sam, LOUNGE)

        async def first(after_seq):
            return await anext(conv.follow(sam, LOUNGE, after_seq, self.Subscription(), self.run_blocking))

        for after_seq in (2, -1):
            with pytest.raises(errors.InvalidPage):
                asyncio.run(first(after_seq))
        assert asyncio.run(first(None))["seq"] == 1
