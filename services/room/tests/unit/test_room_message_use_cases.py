"""Unit tests of talking in a room on in-memory fakes: post, edit, delete, hearts and the history's pages."""
import datetime as dt
import uuid

import pytest
from room_unit_helpers import FACILITATED, LOUNGE, POP_UP, SMALL, START, TEEN_LOUNGE

from room_service.domain import errors
from room_service.domain import messages as msgs
from room_service.domain.sanctions import Banned, Muted

WORDS = "apple banana cherry daisy elder fern grape hazel iris juniper kiwi".split()


@pytest.fixture
def sam(conv, identity):
    """A member in the lounge."""
    person = identity.register("sam")
    conv.join(person, LOUNGE)
    return person


@pytest.fixture
def moderator(conv, identity):
    person = identity.register("mod_mia", kind="listener", roles=["chat_room_moderator"])
    conv.join(person, LOUNGE)
    return person


class TestPost:
    def test_a_post_is_stored_with_the_next_seq_announced_and_fanned_out(self, conv, sam, db, published, live):
        message = conv.post(sam, LOUNGE, "  hello everyone  ")
        assert message["body"] == "hello everyone" and message["seq"] == 2 and message["author_username"] == "sam"
        assert message["posted_at"] == START and message["hearts"] == 0 and not message["deleted"]
        assert published[-1].type == "message_posted"
        assert published[-1].data == {
            "room_slug": LOUNGE, "message_id": message["message_id"], "seq": 2, "author_id": sam,
            "body": "hello everyone", "reply_to": None, "mention_ids": [], "posted_at": START.isoformat()}
        item = db.timeline(LOUNGE)[-1]
        assert (item["seq"], item["kind"], item["data"]["body"]) == (2, "message_posted", "hello everyone")
        assert "seq" not in item["data"] and "hearted_by_me" not in item["data"]
        assert live[-1]["seq"] == 2

    def test_a_post_commits_once_with_or_without_a_key_and_a_keyed_one_remembers_its_answer(self, conv, sam, db,
                                                                                            live):
        commits = db.commits
        plain = conv.post(sam, LOUNGE, "no key")  # its write commits the unit (add_posted_and_commit)
        keyed = conv.post(sam, LOUNGE, "a key", idempotency_key="k-1")  # the answer commits with the post
        assert db.commits == commits + 2
        assert conv.post(sam, LOUNGE, "a key", idempotency_key="k-1") == keyed
        assert [m.seq for m in db.tables["messages"].values()][-2:] == [plain["seq"], keyed["seq"]]
        assert [item["seq"] for item in live[-2:]] == [plain["seq"], keyed["seq"]]  # both fanned out once

    def test_only_members_post(self, conv, identity, refused):
        outsider = identity.register("outsider")
        with refused(errors.NotInRoom, match="join the room before posting"):
            conv.post(outsider, LOUNGE, "hello")

    def test_an_empty_or_too_long_message_is_refused(self, conv, sam, refused):
        with refused(msgs.InvalidMessage, match="needs some text"):
            conv.post(sam, LOUNGE, "   ")
        with refused(msgs.InvalidMessage, match="at most 2000"):
            conv.post(sam, LOUNGE, "x" * 2001)

    def test_a_burst_of_five_then_the_rate_limit_says_when_to_retry(self, conv, sam, clock, refused):
        for i in range(msgs.RATE_BURST):
            conv.post(sam, LOUNGE, f"message {i}")
        with refused(msgs.PostingTooFast, match="posting too fast") as caught:
            conv.post(sam, LOUNGE, "one too many")
        assert caught.value.retry_after_seconds == pytest.approx(10.0)
        clock.advance(seconds=10, microseconds=1)
        conv.post(sam, LOUNGE, "and again")

    def test_the_rate_counts_posts_in_every_room(self, conv, identity, sam, refused):
        conv.join(sam, SMALL)
        for i in range(msgs.RATE_BURST):
            conv.post(sam, LOUNGE if i % 2 else SMALL, f"message {i}")
        with refused(msgs.PostingTooFast):
            conv.post(sam, LOUNGE, "one too many")

    def test_slow_mode_spaces_one_persons_posts_in_that_room(self, conv, sessions, identity, sam, clock, refused):
        host = identity.register("hal", kind="listener", roles=["on_spot_host"])
        assert conv.set_slow_mode(host, LOUNGE, 30) == 30
        conv.post(sam, LOUNGE, "first")
        clock.advance(seconds=10)
        with refused(msgs.PostingTooFast, match="slow mode is on") as caught:
            conv.post(sam, LOUNGE, "second")
        assert caught.value.retry_after_seconds == pytest.approx(20.0)
        clock.advance(seconds=20)
        conv.post(sam, LOUNGE, "second")

    def test_a_closed_facilitated_room_is_read_only_for_those_still_in_it(self, conv, sessions, identity, clock,
                                                                         refused):
        host, member = identity.register("hal", kind="listener", roles=["on_spot_host"]), identity.register("mo")
        conv.join(host, FACILITATED)
        sessions.check_in(host, FACILITATED)
        conv.join(member, FACILITATED)
        conv.post(member, FACILITATED, "while it is open")
        sessions.check_in(host, FACILITATED, False)
        with refused(errors.RoomClosed, match="open only while a facilitator is here"):
            conv.post(member, FACILITATED, "after it closed")

    def test_a_pop_up_room_outside_its_window_is_read_only(self, conv, rooms, identity, admin, clock, refused):
        member = identity.register("mo")
        rooms.open_pop_up(admin, POP_UP, START, START + dt.timedelta(hours=1))
        conv.join(member, POP_UP)
        conv.post(member, POP_UP, "inside the window")
        clock.advance(hours=1)
        with refused(errors.RoomClosed, match="pop-up room is closed"):
            conv.post(member, POP_UP, "after it")

    def test_an_archived_room_is_read_only(self, conv, rooms, sam, admin, refused):
        rooms.archive_room(admin, LOUNGE)
        with refused(errors.RoomArchived):
            conv.post(sam, LOUNGE, "anyone?")

    def test_the_muted_read_but_do_not_post_where_the_mute_applies(self, conv, sam, moderation, refused):
        conv.join(sam, SMALL)
        moderation.impose(sam, "mute", room_slug=LOUNGE)
        with refused(Muted, match="muted in this room"):
            conv.post(sam, LOUNGE, "hello")
        conv.post(sam, SMALL, "still allowed here")
        assert conv.history(sam, LOUNGE)["messages"] == []

    def test_a_ban_that_raced_a_join_stops_posting(self, conv, sam, db, refused):
        from room_service.domain.sanctions import Sanction
        db.tables["sanctions"]["s-1"] = Sanction("s-1", sam, "ban", LOUNGE, None, True, "", 1)  # no sweep yet
        with refused(Banned):
            conv.post(sam, LOUNGE, "hello")

    def test_mentions_resolve_the_people_in_the_room_only(self, conv, identity, sam, published):
        kim = identity.register("kim")
        identity.register("ada")  # an adult who is not in the room: plain text, as a teen's name is
        identity.register("tia_teen", cohort="teen")
        conv.join(kim, LOUNGE)
        message = conv.post(sam, LOUNGE, "thanks @Kim and @ada and @tia_teen and @nobody_here.")
        assert message["mentions"] == [{"person_id": kim, "username": "kim"}]
        assert published[-1].data["mention_ids"] == [kim]

    def test_staff_of_the_other_cohort_are_mentioned_while_they_are_in_the_room(self, conv, identity, admin):
        teen = identity.register("tia", cohort="teen")
        staff = identity.register("stan_staff", kind="listener", roles=["chat_room_moderator"])
        conv.grant_cohort_access(admin, staff, TEEN_LOUNGE, "covering the teen evening shift", None)
        conv.join(teen, TEEN_LOUNGE)
        assert conv.post(teen, TEEN_LOUNGE, "hi @stan_staff")["mentions"] == []
        conv.join(staff, TEEN_LOUNGE)
        assert conv.post(teen, TEEN_LOUNGE, "hi @stan_staff")["mentions"] == [
            {"person_id": staff, "username": "stan_staff"}]

    def test_a_reply_names_a_message_of_the_same_room(self, conv, sam, refused):
        conv.join(sam, SMALL)
        parent = conv.post(sam, LOUNGE, "a question")
        elsewhere = conv.post(sam, SMALL, "elsewhere")
        reply = conv.post(sam, LOUNGE, "an answer", reply_to=parent["message_id"].upper())
        assert reply["reply_to"] == parent["message_id"]  # the canonical form
        with refused(msgs.InvalidMessage, match="reply_to must name a message in this room"):
            conv.post(sam, LOUNGE, "wrong room", reply_to=elsewhere["message_id"])
        with refused(msgs.InvalidMessage):
            conv.post(sam, LOUNGE, "no such message", reply_to=str(uuid.uuid4()))
        with refused(errors.InvalidId, match="reply_to must be a UUID"):
            conv.post(sam, LOUNGE, "not an id", reply_to="42")


class TestEdit:
    def test_the_author_edits_with_a_timeline_item_and_event(self, conv, sam, identity, clock, published, db):
        kim = identity.register("kim")
        conv.join(kim, LOUNGE)
        posted = conv.post(sam, LOUNGE, "helo")
        clock.advance(seconds=5)
        edited = conv.edit(sam, posted["message_id"], "hello @kim")
        assert edited["body"] == "hello @kim" and edited["edited_at"] == clock()
        assert edited["mentions"] == [{"person_id": kim, "username": "kim"}]
        assert published[-1].type == "message_edited"
        assert published[-1].data == {
            "room_slug": LOUNGE, "message_id": posted["message_id"], "seq": 4, "message_seq": 3, "author_id": sam,
            "body": "hello @kim", "edited_at": clock().isoformat()}
        assert db.timeline(LOUNGE)[-1]["kind"] == "message_edited"

    def test_only_the_author_edits(self, conv, sam, identity, refused):
        kim = identity.register("kim")
        conv.join(kim, LOUNGE)
        posted = conv.post(sam, LOUNGE, "mine")
        with refused(msgs.NotYourMessage):
            conv.edit(kim, posted["message_id"], "yours now")

    def test_one_message_is_edited_at_most_every_two_seconds(self, conv, sam, clock, refused):
        posted = conv.post(sam, LOUNGE, "draft")
        conv.edit(sam, posted["message_id"], "draft 2")
        with refused(msgs.PostingTooFast, match="editing this message too fast"):
            conv.edit(sam, posted["message_id"], "draft 3")
        clock.advance(seconds=2)
        conv.edit(sam, posted["message_id"], "draft 3")

    def test_an_author_who_left_or_was_muted_does_not_edit(self, conv, sam, moderation, refused):
        posted = conv.post(sam, LOUNGE, "draft")
        moderation.impose(sam, "mute")
        with refused(Muted):
            conv.edit(sam, posted["message_id"], "changed")
        conv.leave(sam, LOUNGE)
        with refused(errors.NotInRoom):
            conv.edit(sam, posted["message_id"], "changed")

    def test_an_unknown_or_malformed_message_id(self, conv, sam, refused):
        with refused(errors.MessageNotFound):
            conv.edit(sam, str(uuid.uuid4()), "x")
        with refused(errors.InvalidId, match="message_id must be a UUID"):
            conv.edit(sam, "not-a-uuid", "x")


class TestDelete:
    def test_the_author_deletes_their_message_once(self, conv, sam, published, refused):
        posted = conv.post(sam, LOUNGE, "oops")
        deleted = conv.delete(sam, posted["message_id"])
        assert deleted["deleted"] and deleted["body"] == "" and deleted["mentions"] == []
        assert published[-1].type == "message_deleted"
        assert published[-1].data == {
            "room_slug": LOUNGE, "message_id": posted["message_id"], "seq": 3, "message_seq": 2, "author_id": sam,
            "deleted_by": sam, "by_moderation": False, "reason": "", "deleted_at": START.isoformat()}
        with refused(msgs.MessageDeleted):
            conv.delete(sam, posted["message_id"])

    def test_nobody_else_deletes_it_as_an_author(self, conv, sam, moderator, refused):
        posted = conv.post(sam, LOUNGE, "mine")
        with refused(msgs.NotYourMessage):
            conv.delete(moderator, posted["message_id"])


class TestHearts:
    @pytest.fixture
    def kim(self, conv, identity):
        """Another member in the lounge, who hearts sam's messages."""
        person = identity.register("kim")
        conv.join(person, LOUNGE)
        return person

    def test_a_heart_is_given_once_per_person_and_announced_once(self, conv, sam, kim, db, published):
        posted = conv.post(sam, LOUNGE, "good news")
        events = len(published)
        assert conv.heart(kim, posted["message_id"], True)["hearts"] == 1
        again = conv.heart(kim, posted["message_id"], True)
        assert again["hearts"] == 1 and again["hearted_by_me"]
        assert [i["data"]["hearts"] for i in db.timeline(LOUNGE) if i["kind"] == "hearts_changed"] == [1]
        [hearted] = published[events:]
        assert hearted.type == "message_hearted"
        assert hearted.data | {"hearted_at": None} == {
            "room_slug": LOUNGE, "message_id": posted["message_id"], "author_id": sam, "hearted_by": kim,
            "hearts": 1, "hearted_at": None}

    def test_taking_a_heart_back_counts_down_and_announces_nothing(self, conv, sam, kim, published):
        posted = conv.post(sam, LOUNGE, "good news")
        conv.heart(kim, posted["message_id"], True)
        events = len(published)
        taken = conv.heart(kim, posted["message_id"], False)
        assert taken["hearts"] == 0 and not taken["hearted_by_me"]
        assert conv.heart(kim, posted["message_id"], False)["hearts"] == 0
        assert len(published) == events

    def test_the_count_is_of_distinct_people(self, conv, sam, kim, identity):
        lee = identity.register("lee")
        conv.join(lee, LOUNGE)
        posted = conv.post(sam, LOUNGE, "good news")
        conv.heart(kim, posted["message_id"], True)
        assert conv.heart(lee, posted["message_id"], True)["hearts"] == 2

    def test_nobody_hearts_their_own_message(self, conv, sam, refused):
        posted = conv.post(sam, LOUNGE, "proud of myself")
        with refused(errors.OwnMessage, match="your own message"):
            conv.heart(sam, posted["message_id"], True)

    def test_hearts_are_paced_a_burst_of_ten_then_one_a_second(self, conv, sam, kim, clock, refused):
        ids = []
        for i in range(msgs.HEART_BURST + 1):
            # distinct words: automod reads "m1" and "m2" alike, and a third repeat in 2 minutes is spam
            ids.append(conv.post(sam, LOUNGE, f"thanks {WORDS[i]}")["message_id"])
            clock.advance(seconds=3)  # within the posting rate, and no flood for automod (6 in 10 s)
        for message_id in ids[:msgs.HEART_BURST]:
            conv.heart(kim, message_id, True)
        with refused(msgs.PostingTooFast, match="giving hearts too fast") as caught:
            conv.heart(kim, ids[10], True)
        assert caught.value.retry_after_seconds == pytest.approx(1.0)
        clock.advance(seconds=1)
        conv.heart(kim, ids[10], True)

    def test_a_repeated_heart_changes_nothing_and_is_not_paced(self, conv, sam, kim):
        posted = conv.post(sam, LOUNGE, "once")
        for _ in range(msgs.HEART_BURST + 5):
            assert conv.heart(kim, posted["message_id"], True)["hearts"] == 1

    def test_only_members_heart(self, conv, sam, identity, refused):
        outsider = identity.register("outsider")
        posted = conv.post(sam, LOUNGE, "hi")
        with refused(errors.NotInRoom):
            conv.heart(outsider, posted["message_id"], True)

    def test_no_heart_on_a_deleted_or_removed_message(self, conv, sam, kim, moderator, refused):
        deleted, removed = conv.post(sam, LOUNGE, "hi"), conv.post(sam, LOUNGE, "hello there")
        conv.delete(sam, deleted["message_id"])
        conv.delete(moderator, removed["message_id"], moderator=True, reason="off topic")
        for message in (deleted, removed):
            with refused(msgs.MessageDeleted, match="takes no hearts"):
                conv.heart(kim, message["message_id"], True)


class TestHistory:
    @pytest.fixture
    def said(self, conv, sam, clock):
        said = []
        for i in range(7):
            said.append(conv.post(sam, LOUNGE, f"message {i}")["seq"])
            clock.advance(seconds=3)
        return said

    def test_pages_go_back_from_the_newest_with_a_cursor_for_load_more(self, conv, sam, said):
        first = conv.history(sam, LOUNGE, limit=3)
        assert [m["seq"] for m in first["messages"]] == said[-3:]
        assert first["next_before_seq"] == said[-3]
        second = conv.history(sam, LOUNGE, before_seq=first["next_before_seq"], limit=3)
        assert [m["seq"] for m in second["messages"]] == said[1:4]
        last = conv.history(sam, LOUNGE, before_seq=second["next_before_seq"], limit=3)
        assert [m["seq"] for m in last["messages"]] == said[:1] and last["next_before_seq"] == 0

    def test_forward_pages_after_a_seq_oldest_first(self, conv, sam, said):
        page = conv.history(sam, LOUNGE, after_seq=said[2], limit=2)
        assert [m["seq"] for m in page["messages"]] == said[3:5] and page["next_before_seq"] == 0

    def test_each_reader_sees_their_own_hearts_and_deleted_messages_as_blanks(self, conv, sam, identity, said):
        kim = identity.register("kim")
        conv.join(kim, LOUNGE)
        newest = conv.history(sam, LOUNGE, limit=1)["messages"][0]
        conv.heart(kim, newest["message_id"], True)
        conv.delete(sam, conv.history(sam, LOUNGE, limit=2)["messages"][0]["message_id"])
        mine, theirs = conv.history(kim, LOUNGE, limit=2)["messages"], conv.history(sam, LOUNGE, limit=2)["messages"]
        assert [m["hearted_by_me"] for m in mine] == [False, True]
        assert [m["hearted_by_me"] for m in theirs] == [False, False]
        assert mine[0]["deleted"] and mine[0]["body"] == ""

    @pytest.mark.parametrize("kwargs", [{"limit": 0}, {"limit": 101}, {"before_seq": -1}, {"after_seq": -1}])
    def test_pages_out_of_bounds_are_refused(self, conv, sam, kwargs, refused):
        with refused(errors.InvalidPage):
            conv.history(sam, LOUNGE, **kwargs)

    def test_outsiders_who_may_enter_look_and_others_do_not(self, conv, identity, said, moderation, refused):
        looker, teen, banned = identity.register("looker"), identity.register("tia", cohort="teen"), \
            identity.register("bo")
        assert len(conv.history(looker, LOUNGE)["messages"]) == 7
        with refused(errors.NotAllowedIn):
            conv.history(teen, LOUNGE)
        moderation.impose(banned, "ban")
        with refused(Banned):
            conv.history(banned, LOUNGE)
        with refused(errors.RoomNotFound):
            conv.history(looker, "no-such-room")
