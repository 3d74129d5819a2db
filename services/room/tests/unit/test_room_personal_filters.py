"""Unit: personal mute and block: the list (own, idempotent, paced, validated), the history and live streams
that hide what it names, and a block's refusal of mentions, replies and hearts."""
import asyncio
import datetime as dt
import uuid

import pytest
from room_unit_helpers import LOUNGE, SMALL, TEEN_LOUNGE

from hearth_common import blocks
from hearth_common.contracts import examples
from hearth_common.errors import DomainError
from hearth_common.unit_of_work import UniqueViolation
from room_service.domain import errors
from room_service.domain import filters as flt
from room_service.domain.filters import PersonalFilter


@pytest.fixture
def people(identity, conv):
    """sam (who mutes and blocks), kim and lee, all in the adult lounge."""
    ids = {name: identity.register(name) for name in ("sam", "kim", "lee")}
    for person_id in ids.values():
        conv.join(person_id, LOUNGE)
    return ids


def bodies(page: dict) -> list[str]:
    return [m["body"] for m in page["messages"]]


class TestTheList:
    def test_mute_by_username_then_list_then_unmute_each_idempotent(self, conv, people):
        sam, kim = people["sam"], people["kim"]
        first = conv.set_personal_filter(sam, "mute", True, username="KIM")
        again = conv.set_personal_filter(sam, "mute", True, target_id=kim)
        assert first == again and first["kind"] == "mute" and first["username"] == "kim"
        assert [(f["person_id"], f["kind"]) for f in conv.list_personal_filters(sam)] == [(kim, "mute")]
        assert conv.list_personal_filters(kim) == []  # one's own list only
        assert conv.set_personal_filter(sam, "mute", False, username="kim")["kind"] == ""
        assert conv.set_personal_filter(sam, "mute", False, username="kim")["kind"] == ""
        assert conv.list_personal_filters(sam) == []

    def test_a_block_includes_the_mute_and_unblocking_removes_both(self, conv, people):
        sam, kim = people["sam"], people["kim"]
        conv.set_personal_filter(sam, "mute", True, target_id=kim)
        assert conv.set_personal_filter(sam, "block", True, target_id=kim)["kind"] == "block"
        assert conv.set_personal_filter(sam, "mute", True, target_id=kim)["kind"] == "block"
        with pytest.raises(errors.UnblockFirst):
            conv.set_personal_filter(sam, "mute", False, target_id=kim)
        assert conv.set_personal_filter(sam, "block", False, target_id=kim)["kind"] == ""
        conv.set_personal_filter(sam, "mute", True, target_id=kim)
        assert conv.set_personal_filter(sam, "block", False, target_id=kim)["kind"] == "mute"  # a mute stays

    def test_refusals_oneself_an_unknown_person_or_kind_and_naming_both_or_neither(self, conv, people):
        sam = people["sam"]
        with pytest.raises(errors.InvalidFilter):
            conv.set_personal_filter(sam, "mute", True, target_id=sam)
        with pytest.raises(errors.InvalidFilter):
            conv.set_personal_filter(sam, "mute", True, username="sam")
        with pytest.raises(errors.PersonNotFound):
            conv.set_personal_filter(sam, "mute", True, username="nobody")
        with pytest.raises(errors.InvalidFilter):
            conv.set_personal_filter(sam, "hide", True, username="kim")
        with pytest.raises(errors.InvalidFilter):
            conv.set_personal_filter(sam, "mute", True)
        with pytest.raises(errors.InvalidFilter):
            conv.set_personal_filter(sam, "mute", True, username="kim", target_id=people["kim"])

    def test_anyone_room_knows_may_be_named_across_the_wall_shared_room_or_not(self, conv, identity, people):
        """Refusing the other cohort would tell an adult that a username (which identity confirms exists) is a
        teen's: a block across the wall is accepted, and hides nothing there anyway."""
        tia = identity.register("tia", cohort="teen")
        conv.join(tia, TEEN_LOUNGE)
        assert conv.set_personal_filter(people["sam"], "block", True, username="tia")["person_id"] == tia
        assert conv.set_personal_filter(tia, "mute", True, username="sam")["person_id"] == people["sam"]
        assert [f["username"] for f in conv.list_personal_filters(people["sam"])] == ["tia"]
        assert conv.set_personal_filter(people["sam"], "block", False, target_id=tia)["kind"] == ""
        with pytest.raises(errors.PersonNotFound, match="no person 'nobody'"):
            conv.set_personal_filter(tia, "block", True, username="nobody")

    def test_someone_whose_registration_has_not_arrived_is_unknown_either_way(self, conv, identity, people):
        early = str(uuid.uuid4())
        identity.grant(early, "on_spot_host")  # room holds a role for them, not yet who they are
        with pytest.raises(errors.PersonNotFound):
            conv.set_personal_filter(people["sam"], "mute", True, target_id=early)
        with pytest.raises(errors.NotKnownYet):
            conv.set_personal_filter(early, "mute", True, username="sam")

    @pytest.mark.parametrize("kind", ["mute", "block"])
    def test_the_answers_are_the_same_for_a_teen_and_an_adult_target(self, conv, identity, people, kind):
        """An adult naming a teen and naming an adult of the same standing (known, sharing no room with them, not
        on their list) gets the same answers, field for field, to every step: set, again, list, the refusal
        of an unmute while blocked, undo. Only the person's own id and username differ."""
        sam = people["sam"]
        targets = {"teen": identity.register("tia", cohort="teen"), "adult": identity.register("ada")}
        conv.join(targets["teen"], TEEN_LOUNGE)
        conv.join(targets["adult"], SMALL)  # a room sam is not in

        def answers(cohort):
            target, name = targets[cohort], {"teen": "tia", "adult": "ada"}[cohort]

            def step(call):
                try:
                    out = call()
                except DomainError as refused:
                    return type(refused).__name__, str(refused)
                rows = out if isinstance(out, list) else [out]
                assert all(r["person_id"] == target and r["username"] == name for r in rows)
                return [{k: v for k, v in r.items() if k not in ("person_id", "username")} for r in rows]

            seen = [step(lambda: conv.set_personal_filter(sam, kind, True, username=name.upper())),
                    step(lambda: conv.set_personal_filter(sam, kind, True, target_id=target)),
                    step(lambda: conv.list_personal_filters(sam)),
                    step(lambda: conv.set_personal_filter(sam, "mute", False, username=name)),
                    step(lambda: conv.set_personal_filter(sam, kind, False, target_id=target)),
                    step(lambda: conv.set_personal_filter(sam, kind, False, target_id=target))]
            assert conv.list_personal_filters(sam) == []
            return seen

        teen, adult = answers("teen"), answers("adult")
        assert teen == adult
        assert teen[0][0]["kind"] == kind and teen[0][0]["created_at"] is not None

    def test_changes_are_paced_and_a_refused_lookup_counts(self, conv, people):
        sam = people["sam"]
        for _ in range(flt.FILTER_PACE.burst // 2):
            conv.set_personal_filter(sam, "mute", True, username="kim")
            with pytest.raises(errors.PersonNotFound):
                conv.set_personal_filter(sam, "mute", True, username="nobody")
        with pytest.raises(errors.PostingTooFast):
            conv.set_personal_filter(sam, "mute", True, username="lee")

    def test_the_store_keeps_one_filter_per_owner_and_target(self, uow_factory, people):
        now = dt.datetime(2025, 6, 15, tzinfo=dt.timezone.utc)
        with uow_factory() as uow:
            uow.personal_filters.put(PersonalFilter(people["sam"], people["kim"], "mute", now))
            uow.commit()
        with uow_factory() as uow, pytest.raises(UniqueViolation):
            uow.personal_filters._insert("personal_filters", (people["sam"], people["kim"]),
                                         PersonalFilter(people["sam"], people["kim"], "block", now))
            uow.commit()

    def test_the_change_is_handed_to_the_owners_streams(self, conv, people):
        told = []
        conv.filters.changed = lambda owner, hidden: told.append((owner, hidden))
        conv.set_personal_filter(people["sam"], "mute", True, username="kim")
        conv.set_personal_filter(people["sam"], "mute", True, username="kim")  # no change: nothing told
        conv.set_personal_filter(people["sam"], "block", True, username="lee")
        conv.set_personal_filter(people["sam"], "mute", False, username="kim")
        assert told == [(people["sam"], {people["kim"]}), (people["sam"], {people["kim"], people["lee"]}),
                        (people["sam"], {people["lee"]})]


    def test_the_lists_of_many_people_are_read_together_an_empty_one_for_who_hides_nobody(self, conv, people):
        conv.set_personal_filter(people["sam"], "mute", True, username="kim")
        conv.set_personal_filter(people["sam"], "block", True, username="lee")
        conv.set_personal_filter(people["lee"], "mute", True, username="sam")
        read = conv.filters.hidden_of([people["sam"], people["kim"], people["lee"]])
        assert read == {people["sam"]: {people["kim"], people["lee"]}, people["kim"]: set(),
                        people["lee"]: {people["sam"]}}


class TestHistory:
    def test_muted_messages_are_hidden_from_the_owner_alone_and_pages_stay_full(self, conv, people, clock):
        sam, kim, lee = people["sam"], people["kim"], people["lee"]
        for i in range(12):
            conv.post(kim if i % 3 == 0 else lee, LOUNGE, f"m{i}")
            clock.advance(dt.timedelta(seconds=10))
        conv.set_personal_filter(sam, "mute", True, username="kim")
        visible = [f"m{i}" for i in range(12) if i % 3]
        page = conv.history(sam, LOUNGE, limit=3)
        seen = bodies(page)
        while page["next_before_seq"]:
            page = conv.history(sam, LOUNGE, before_seq=page["next_before_seq"], limit=3)
            assert len(page["messages"]) == 3 or not page["next_before_seq"]
            seen = bodies(page) + seen  # each page oldest first; "load more" goes back
        assert seen == visible
        assert len(bodies(conv.history(lee, LOUNGE, limit=100))) == 12  # nobody else is affected
        assert len(bodies(conv.history(kim, LOUNGE, limit=100))) == 12  # and kim is not told
        assert [m for m in bodies(conv.history(sam, LOUNGE, after_seq=0, limit=100))] == visible
        conv.set_personal_filter(sam, "mute", False, username="kim")
        assert len(bodies(conv.history(sam, LOUNGE, limit=100))) == 12


class TestBlock:
    def test_a_blocked_person_cannot_mention_reply_or_heart_and_is_told_only_that(self, conv, people, refused):
        sam, kim, lee = people["sam"], people["kim"], people["lee"]
        mine = conv.post(sam, LOUNGE, "hello all")
        conv.set_personal_filter(sam, "block", True, username="kim")
        for attempt in (lambda: conv.post(kim, LOUNGE, "hey @sam"),
                        lambda: conv.post(kim, LOUNGE, "hey", reply_to=mine["message_id"]),
                        lambda: conv.heart(kim, mine["message_id"], True)):
            with refused(errors.CannotReach) as caught:
                attempt()
            assert caught.value.message == flt.CANNOT_REACH
        posted = conv.post(kim, LOUNGE, "hey @lee")  # others are reachable
        with pytest.raises(errors.CannotReach):
            conv.edit(kim, posted["message_id"], "hey @lee and @sam")
        conv.post(lee, LOUNGE, "hey @sam", reply_to=mine["message_id"])  # and lee is not blocked
        conv.set_personal_filter(sam, "block", False, username="kim")
        assert conv.post(kim, LOUNGE, "sorry @sam", reply_to=mine["message_id"])["mentions"]

    def test_another_service_learns_who_among_some_people_blocks_an_author(self, conv, people):
        """room.blockers_of, which course asks before a post or like in its threads reaches someone."""
        sam, kim, lee = people["sam"], people["kim"], people["lee"]
        conv.set_personal_filter(sam, "block", True, target_id=kim)
        conv.set_personal_filter(lee, "mute", True, target_id=kim)
        assert conv.blockers_of(kim, [lee, sam.upper(), sam, kim]) == [sam]  # a mute is no block; ids canonical
        assert conv.blockers_of(sam, [kim, lee]) == []  # a block is one way
        assert conv.blockers_of(kim, []) == [] and conv.blockers_of(kim, [kim]) == []
        conv.set_personal_filter(sam, "block", False, target_id=kim)
        assert conv.blockers_of(kim, [sam]) == []

    @pytest.mark.parametrize("author_id, person_ids", [
        ("not-a-uuid", []), (None, []), ("{author}", "{author}"), ("{author}", None), ("{author}", ["not-a-uuid"]),
        ("{author}", [7]), ("{author}", ["{author}"] * (blocks.ASKED_MAX + 1)),
    ])
    def test_a_blockers_question_is_validated(self, conv, people, author_id, person_ids):
        def filled(value):
            return people["kim"] if value == "{author}" else value
        question = [filled(p) for p in person_ids] if isinstance(person_ids, list) else filled(person_ids)
        with pytest.raises(errors.InvalidFilter):
            conv.blockers_of(filled(author_id), question)

    def test_a_mute_alone_refuses_nothing(self, conv, people):
        mine = conv.post(people["sam"], LOUNGE, "hello")
        conv.set_personal_filter(people["sam"], "mute", True, username="kim")
        conv.post(people["kim"], LOUNGE, "hi @sam", reply_to=mine["message_id"])


class TestLiveStreams:
    class Subscription:
        def __init__(self):
            self.mailbox: asyncio.Queue = asyncio.Queue()
            self.delivered = 0

    @staticmethod
    async def run_blocking(function, *args):
        return function(*args)

    def test_a_stream_skips_the_muted_and_follows_changes_made_while_open(self, conv, people, live):
        sam, kim, lee = people["sam"], people["kim"], people["lee"]
        conv.set_personal_filter(sam, "mute", True, username="kim")
        start = len(live)
        conv.post(kim, LOUNGE, "hidden")
        conv.post(lee, LOUNGE, "shown")

        async def scenario():
            subscription = self.Subscription()
            stream = conv.follow(sam, LOUNGE, live[start - 1]["seq"], subscription, self.run_blocking)
            seen = [await anext(stream), await anext(stream)]  # subscribed, then lee's (kim's skipped)
            conv.post(kim, LOUNGE, "hidden too")
            await subscription.mailbox.put(live[-1])
            conv.post(lee, LOUNGE, "shown too")
            await subscription.mailbox.put(live[-1])
            seen.append(await anext(stream))
            subscription.hidden = frozenset()  # sam unmuted kim: the hub replaces the set
            conv.post(kim, LOUNGE, "back")
            await subscription.mailbox.put(live[-1])
            seen.append(await anext(stream))
            return seen, subscription.delivered

        seen, delivered = asyncio.run(asyncio.wait_for(scenario(), timeout=5))
        assert [(i["kind"], i["data"].get("body")) for i in seen] == [
            ("subscribed", None), ("message_posted", "shown"), ("message_posted", "shown too"),
            ("message_posted", "back")]
        assert delivered == live[-1]["seq"]


class TestAModeratorsNoticesAreNeverHidden:
    """What a moderator gives as a moderator (moderation's private notices: warnings, care notices) passes every
    filter: the owner who blocked the moderator still gets it on their stream and in ListNotices. An ordinary
    @mention by that moderator is refused like anyone's (chosen for the teen's side)."""

    @pytest.fixture
    def blocked_moderator(self, conv, identity, people):
        mia = identity.register("mod_mia", kind="listener", roles=["chat_room_moderator"])
        conv.join(mia, LOUNGE)
        conv.set_personal_filter(people["sam"], "block", True, username="mod_mia")
        return mia

    @pytest.mark.parametrize("kind, resources", [("warning", ()), ("care", ("Call 988",))])
    def test_the_moderators_notice_reaches_the_owners_stream_and_list(self, conv, people, blocked_moderator, kind,
                                                                       resources):
        sam = people["sam"]
        handed: list[dict] = []
        conv.notices.deliver = handed.extend  # room-worker's publisher to the live hub

        async def scenario():
            subscription = TestLiveStreams.Subscription()
            stream = conv.follow(sam, LOUNGE, None, subscription, TestLiveStreams.run_blocking)
            await anext(stream)
            assert conv.receive_notice(examples.envelope(
                "moderation", "notice_issued", person_id=sam, notice_id="n-1", kind=kind, room_slug=LOUNGE,
                text="Please keep it kind.", resources=resources))
            for notice in handed:  # what the live hub hands the person's streams
                await subscription.mailbox.put({"notice": notice})
            return await anext(stream)

        item = asyncio.run(asyncio.wait_for(scenario(), timeout=5))
        assert (item["kind"], item["data"]["notice_id"], item["data"]["kind"]) == ("notice", "n-1", kind)
        [listed] = conv.list_notices(sam)["notices"]
        assert (listed["notice_id"], listed["kind"], listed["text"]) == ("n-1", kind, "Please keep it kind.")

    def test_the_moderators_ordinary_mention_is_refused_as_anyones(self, conv, people, blocked_moderator):
        with pytest.raises(errors.CannotReach):
            conv.post(blocked_moderator, LOUNGE, "@sam please keep it kind")


def test_only_authored_items_are_hidden():
    """Moderation's removals, session and member changes carry no author: a filter never hides them."""
    hidden = {"kim"}
    assert flt.hidden_from({"kind": "message_posted", "data": {"author_id": "kim"}}, hidden)
    assert flt.hidden_from({"kind": "message_edited", "data": {"author_id": "kim"}}, hidden)
    for kind, data in (("message_deleted", {"deleted_by": "kim"}), ("member_joined", {"person_id": "kim"}),
                       ("session_started", {"leader_id": "kim"}), ("notice", {"person_id": "kim"})):
        assert not flt.hidden_from({"kind": kind, "data": data}, hidden)
    assert not flt.hidden_from({"kind": "message_posted", "data": {"author_id": "lee"}}, hidden)
