"""Unit tests on in-memory fakes: moderation's private notices (stored for one person, listed and read by them
alone, delivered once), course's reminders to a mentor as their private notice, and undoing a moderation removal
(restore_message)."""
import datetime as dt
import uuid

import pytest
from room_unit_helpers import LOUNGE, START

from hearth_common.contracts import InvalidEvent, examples
from room_service.domain import errors
from room_service.domain.notices import NOTICE_RETENTION


@pytest.fixture
def sam(conv, identity):
    person = identity.register("sam")
    conv.join(person, LOUNGE)
    return person


@pytest.fixture
def moderator(conv, identity):
    return identity.register("mod_mia", kind="listener", roles=["chat_room_moderator"])


def notice_event(person_id: str, notice_id: str | None = None, **fields) -> dict:
    """A `notice_issued` envelope as moderation's relay publishes it."""
    return examples.envelope("moderation", "notice_issued", person_id=person_id,
                             notice_id=notice_id or str(uuid.uuid4()), **fields)


@pytest.fixture
def delivered(conv) -> list[dict]:
    """The notices handed to the live delivery (room-worker's publisher), in order."""
    handed: list[dict] = []
    conv.notices.deliver = handed.extend
    return handed


class TestNotices:
    def test_a_notice_is_kept_for_its_person_and_handed_to_the_live_delivery(self, conv, sam, delivered, live,
                                                                              published):
        assert conv.receive_notice(notice_event(sam, "n-1", kind="warning", text="Please keep it kind.",
                                                resources=()))
        page = conv.list_notices(sam)
        [notice] = page["notices"]
        assert (notice["notice_id"], notice["kind"], notice["text"], notice["read_at"]) == (
            "n-1", "warning", "Please keep it kind.", None)
        assert page["next_before"] == 0
        assert [d["notice_id"] for d in delivered] == ["n-1"] and delivered[0]["person_id"] == sam
        assert delivered[0]["received_at"] == START.isoformat()  # JSON for the live exchange
        assert live == [] or all(item["kind"] != "notice" for item in live)  # no room's timeline item
        assert not [e for e in published if "notice" in e.type]  # nothing announced

    def test_a_care_notice_keeps_its_resources_and_room(self, conv, sam, delivered):
        conv.receive_notice(notice_event(sam, kind="care", room_slug=LOUNGE,
                                         resources=("Teen Line: text TEEN to 839863", "Call 988")))
        [notice] = conv.list_notices(sam)["notices"]
        assert notice["resources"] == ["Teen Line: text TEEN to 839863", "Call 988"]
        assert notice["room_slug"] == LOUNGE

    def test_the_same_event_twice_is_stored_and_delivered_once(self, conv, sam, delivered):
        event = notice_event(sam)
        assert conv.receive_notice(event)
        assert not conv.receive_notice(event)
        assert len(conv.list_notices(sam)["notices"]) == 1 and len(delivered) == 1

    def test_the_same_notice_under_another_event_id_is_stored_and_delivered_once(self, conv, sam, delivered):
        conv.receive_notice(notice_event(sam, "n-7"))
        conv.receive_notice(notice_event(sam, "n-7"))
        assert [n["notice_id"] for n in conv.list_notices(sam)["notices"]] == ["n-7"] and len(delivered) == 1

    def test_a_notice_breaking_the_contract_is_refused_with_nothing_stored(self, conv, sam, delivered, refused):
        event = notice_event(sam)
        event["data"]["kind"] = "scolding"
        with refused(InvalidEvent, match="kind"):
            conv.receive_notice(event)
        assert delivered == []

    def test_nobody_lists_another_persons_notices(self, conv, sam, identity, delivered):
        other = identity.register("olly")
        conv.receive_notice(notice_event(sam))
        assert conv.list_notices(other) == {"notices": [], "next_before": 0}

    def test_notices_are_listed_newest_first_in_pages_with_a_cursor(self, conv, sam, delivered):
        for n in range(5):
            conv.receive_notice(notice_event(sam, f"n-{n}"))
        first = conv.list_notices(sam, limit=2)
        assert [n["notice_id"] for n in first["notices"]] == ["n-4", "n-3"] and first["next_before"]
        second = conv.list_notices(sam, before=first["next_before"], limit=2)
        assert [n["notice_id"] for n in second["notices"]] == ["n-2", "n-1"]
        last = conv.list_notices(sam, before=second["next_before"], limit=2)
        assert [n["notice_id"] for n in last["notices"]] == ["n-0"] and last["next_before"] == 0

    @pytest.mark.parametrize("before, limit", [(0, 0), (0, 101), (-1, 10)])
    def test_a_page_out_of_range_is_refused(self, conv, sam, before, limit):
        with pytest.raises(errors.InvalidPage):
            conv.list_notices(sam, before=before, limit=limit)

    def test_the_person_marks_their_notice_read_once_and_again_changes_nothing(self, conv, sam, clock, delivered):
        conv.receive_notice(notice_event(sam, "n-1"))
        clock.advance(dt.timedelta(minutes=5))
        first = conv.mark_notice_read(sam, "n-1")
        assert first["read_at"] == START + dt.timedelta(minutes=5)
        clock.advance(dt.timedelta(minutes=5))
        assert conv.mark_notice_read(sam, "n-1")["read_at"] == first["read_at"]
        assert conv.list_notices(sam)["notices"][0]["read_at"] == first["read_at"]

    def test_another_persons_notice_is_not_found_as_one_that_does_not_exist(self, conv, sam, identity, delivered,
                                                                           refused):
        other = identity.register("olly")
        conv.receive_notice(notice_event(sam, "n-1"))
        with refused(errors.NoticeNotFound) as theirs:
            conv.mark_notice_read(other, "n-1")
        with refused(errors.NoticeNotFound) as none:
            conv.mark_notice_read(other, "n-404")
        assert str(theirs.value) == str(none.value)
        assert conv.list_notices(sam)["notices"][0]["read_at"] is None

    def test_the_sweep_reads_the_notices_of_the_people_it_asks_for_received_since_then(self, conv, sam, identity,
                                                                                       clock, delivered):
        other = identity.register("olly")
        conv.receive_notice(notice_event(sam, "early"))
        clock.advance(dt.timedelta(minutes=1))
        conv.receive_notice(notice_event(sam, "late"))
        conv.receive_notice(notice_event(other, "theirs"))
        found = conv.notices_received_since([sam], START + dt.timedelta(seconds=30))
        assert [n["notice_id"] for n in found] == ["late"]

    def test_notices_older_than_the_retention_are_purged(self, conv, sam, clock, delivered):
        conv.receive_notice(notice_event(sam, "old"))
        clock.advance(NOTICE_RETENTION - dt.timedelta(days=1))
        conv.receive_notice(notice_event(sam, "recent"))
        clock.advance(dt.timedelta(days=2))
        assert conv.notices.purge() == 1
        assert [n["notice_id"] for n in conv.list_notices(sam)["notices"]] == ["recent"]


def reminder_event(mentor_id: str, reminder_id: str | None = None, **fields) -> dict:
    """A `mentor_review_overdue` envelope as course's relay publishes it."""
    return examples.envelope("course", "mentor_review_overdue", mentor_id=mentor_id,
                             reminder_id=reminder_id or str(uuid.uuid4()), **fields)


class TestMentorReminders:
    def test_a_reminder_is_the_mentors_notice_naming_the_learner_the_course_and_the_wait(self, conv, sam,
                                                                                          delivered):
        assert conv.receive_reminder(reminder_event(
            sam, "r-1", course_title="Group Dynamics Course", learner_username="lena",
            waiting_since=dt.datetime(2026, 6, 11, 9, 30, tzinfo=dt.timezone.utc)))
        [notice] = conv.list_notices(sam)["notices"]
        assert (notice["notice_id"], notice["kind"], notice["room_slug"], notice["resources"]) == (
            "r-1", "reminder", None, [])
        assert notice["text"] == ("lena's practicum in the Group Dynamics Course has waited for your review since "
                                  "11 June 2026: open your mentor queue.")
        assert [(d["notice_id"], d["person_id"]) for d in delivered] == [("r-1", sam)]

    def test_a_learner_course_does_not_know_by_name_is_a_practicum(self, conv, sam, delivered):
        conv.receive_reminder(reminder_event(sam, learner_username=""))
        [notice] = conv.list_notices(sam)["notices"]
        assert notice["text"].startswith("A practicum in the Group Dynamics Course has waited for your review")

    def test_a_redelivered_reminder_is_one_notice_delivered_once(self, conv, sam, delivered):
        event = reminder_event(sam, "r-2")
        assert conv.receive_reminder(event)
        assert not conv.receive_reminder(event)
        conv.receive_reminder(reminder_event(sam, "r-2"))  # the same reminder under another event id
        assert [n["notice_id"] for n in conv.list_notices(sam)["notices"]] == ["r-2"] and len(delivered) == 1

    def test_only_the_mentor_sees_it(self, conv, sam, identity, delivered):
        other = identity.register("other")
        conv.receive_reminder(reminder_event(sam))
        assert conv.list_notices(other)["notices"] == []

    def test_a_reminder_breaking_the_contract_is_refused_with_nothing_stored(self, conv, sam, delivered, refused):
        event = reminder_event(sam)
        del event["data"]["mentor_id"]
        with refused(InvalidEvent, match="mentor_id"):
            conv.receive_reminder(event)
        assert delivered == [] and conv.list_notices(sam)["notices"] == []


class TestRestore:
    def test_a_removed_message_is_restored_with_its_body_at_its_place(self, conv, sam, moderator, db, published,
                                                                     live):
        message = conv.post(sam, LOUNGE, "hello everyone")
        conv.post(sam, LOUNGE, "and another")
        conv.delete(moderator, message["message_id"], moderator=True, reason="hidden pending review")
        assert conv.history(sam, LOUNGE)["messages"][0]["body"] == ""
        restored = conv.restore_message(moderator, message["message_id"], "the reports were mistaken")
        assert (restored["body"], restored["deleted"], restored["seq"]) == ("hello everyone", False, message["seq"])
        history = conv.history(sam, LOUNGE)["messages"]
        assert [(m["body"], m["deleted"]) for m in history] == [("hello everyone", False), ("and another", False)]
        item = db.timeline(LOUNGE)[-1]
        assert item["kind"] == "message_restored" and live[-1] == item
        assert (item["data"]["message_id"], item["data"]["body"], item["data"]["seq"]) == (
            message["message_id"], "hello everyone", message["seq"])
        assert published[-1].type == "message_restored"
        assert published[-1].data == {
            "room_slug": LOUNGE, "message_id": message["message_id"], "seq": item["seq"],
            "message_seq": message["seq"], "author_id": sam, "body": "hello everyone", "restored_by": moderator,
            "reason": "the reports were mistaken", "restored_at": START.isoformat()}

    def test_restoring_twice_or_a_message_never_removed_changes_nothing(self, conv, sam, moderator, db, published):
        message = conv.post(sam, LOUNGE, "hello")
        conv.delete(moderator, message["message_id"], moderator=True)
        conv.restore_message(moderator, message["message_id"])
        before, events = db.snapshot(), len(published)
        again = conv.restore_message(moderator, message["message_id"])
        assert again["body"] == "hello" and not again["deleted"]
        assert db.snapshot() == before and len(published) == events

    def test_an_edited_message_comes_back_as_last_edited(self, conv, sam, moderator):
        message = conv.post(sam, LOUNGE, "hello")
        conv.edit(sam, message["message_id"], "hello, edited")
        conv.delete(moderator, message["message_id"], moderator=True)
        assert conv.restore_message(moderator, message["message_id"])["body"] == "hello, edited"

    def test_a_message_its_author_deleted_is_not_restored_saying_why(self, conv, sam, moderator, refused):
        message = conv.post(sam, LOUNGE, "hello")
        conv.delete(sam, message["message_id"])
        with refused(errors.NotRestorable, match="its author deleted this message"):
            conv.restore_message(moderator, message["message_id"])

    def test_a_moderator_who_removed_their_own_message_may_restore_it(self, conv, identity, moderator):
        conv.join(moderator, LOUNGE)
        message = conv.post(moderator, LOUNGE, "posted in the wrong room")
        conv.delete(moderator, message["message_id"], moderator=True)
        assert not conv.restore_message(moderator, message["message_id"])["deleted"]

    def test_an_unknown_message_is_not_found(self, conv, moderator, refused):
        with refused(errors.MessageNotFound):
            conv.restore_message(moderator, str(uuid.uuid4()))

    def test_moderation_restores_under_whoever_it_names(self, conv, sam, moderator, published):
        message = conv.post(sam, LOUNGE, "hello")
        conv.delete("service:moderation", message["message_id"], moderator=True, reason="hidden pending review")
        assert not conv.restore_message("service:moderation", message["message_id"])["deleted"]
        assert [e.data for e in published if e.type == "message_restored"][-1]["restored_by"] == "service:moderation"

