"""Unit tests of messages (body rules, @mentions, own edits and deletes, posting limits) and of room's read
model of moderation's sanctions (the event contract, ordering, what is in force and what people are told)."""
import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_common import errors as common_errors
from room_service.domain.messages import (
    HEART_BURST,
    HEART_INTERVAL,
    MAX_BODY,
    MAX_MENTIONS,
    RATE_BURST,
    RATE_WINDOW,
    InvalidMessage,
    Message,
    MessageDeleted,
    NotYourMessage,
    PostingTooFast,
    check_posting_rate,
    clean_body,
    mentioned_usernames,
    pace_hearts,
)
from room_service.domain.sanctions import Banned, InvalidSanctionEvent, Muted, Sanction, apply_event, check

UTC = dt.timezone.utc
NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)
ROOM = "adult-community-lounge"
OTHER_ROOM = "adult-community-good-news"
AUTHOR = "author-1"
SOMEONE_ELSE = "reader-2"
MODERATOR = "moderator-3"
PERSON = str(uuid.uuid4())


# --- clean_body ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", " ", "   \n\t  "])
def test_an_empty_or_blank_message_is_refused_asking_for_text(body):
    with pytest.raises(InvalidMessage, match="needs some text") as info:
        clean_body(body)
    assert isinstance(info.value, common_errors.InvalidArgument)


def test_a_message_body_is_stored_trimmed():
    assert clean_body("  hello there \n") == "hello there"
    assert clean_body("line one\nline two") == "line one\nline two"  # inner whitespace is the author's


def test_a_message_of_exactly_the_limit_is_accepted_and_the_limit_counts_after_trimming():
    assert MAX_BODY == 2000
    assert clean_body("x" * 2000) == "x" * 2000
    assert clean_body("   " + "x" * 2000 + "\n") == "x" * 2000


def test_a_message_one_past_the_limit_is_refused_naming_the_limit_and_its_length():
    with pytest.raises(InvalidMessage) as info:
        clean_body("x" * 2001)
    assert "2000" in str(info.value) and "2001" in str(info.value)


# --- mentions -----------------------------------------------------------------------------------


def test_mentions_are_distinct_lower_cased_and_in_order_of_first_mention():
    assert mentioned_usernames("@Robin and @sam, then @ROBIN again and @Alex") == ["robin", "sam", "alex"]


def test_a_trailing_full_stop_is_not_part_of_the_mentioned_name():
    assert mentioned_usernames("thanks @sam.") == ["sam"]
    assert mentioned_usernames("thanks @sam. See you") == ["sam"]


def test_an_email_address_is_not_a_mention():
    assert mentioned_usernames("write to a@b.com or robin@example.org") == []
    assert mentioned_usernames("write to robin@example.org, @sam") == ["sam"]


def test_usernames_with_dots_dashes_and_underscores_are_mentioned_whole():
    assert mentioned_usernames("hi @sam.jones, @mary-ann and @big_bird!") == ["sam.jones", "mary-ann", "big_bird"]


def test_text_too_short_or_not_starting_with_a_letter_is_not_a_mention():
    assert mentioned_usernames("@ab @1abc @_abc @ @@sam") == []


def test_at_most_ten_people_are_mentioned_the_first_ten():
    names = [f"person{i:02d}" for i in range(15)]
    body = " ".join(f"@{n}" for n in names)
    assert MAX_MENTIONS == 10
    assert mentioned_usernames(body) == names[:10]


def test_repeats_do_not_use_up_the_ten_mentions():
    names = [f"person{i:02d}" for i in range(10)]
    body = "@person00 " * 20 + " ".join(f"@{n}" for n in names)
    assert mentioned_usernames(body) == names


def test_a_handle_longer_than_any_username_mentions_nobody():
    assert mentioned_usernames("@" + "a" * 40) == []


# --- Message.edit / delete ----------------------------------------------------------------------


def message(**kw):
    fields = dict(message_id=str(uuid.uuid4()), room_slug=ROOM, seq=7, author_id=AUTHOR, author_username="author",
                  body="original", posted_at=NOW - dt.timedelta(minutes=5))
    return Message(**(fields | kw))


def test_the_author_edits_their_message():
    m = message()
    m.edit(AUTHOR, "  corrected  ", [{"person_id": "p", "username": "sam"}], NOW)
    assert (m.body, m.edited_at, m.mentions) == ("corrected", NOW, [{"person_id": "p", "username": "sam"}])


def test_an_edit_follows_the_body_rules_and_leaves_the_message_as_it_was_when_refused():
    m = message()
    with pytest.raises(InvalidMessage):
        m.edit(AUTHOR, "   ", [], NOW)
    assert (m.body, m.edited_at) == ("original", None)


def test_nobody_edits_or_deletes_someone_elses_message():
    m = message()
    with pytest.raises(NotYourMessage, match="only edit your own") as info:
        m.edit(SOMEONE_ELSE, "mine now", [], NOW)
    assert isinstance(info.value, common_errors.PermissionDenied)
    with pytest.raises(NotYourMessage, match="only delete your own"):
        m.delete(SOMEONE_ELSE, NOW)
    assert (m.body, m.edited_at, m.deleted) == ("original", None, False)


def test_the_author_deletes_their_message():
    m = message()
    m.delete(AUTHOR, NOW)
    assert m.deleted and (m.deleted_at, m.deleted_by) == (NOW, AUTHOR)


def test_a_deleted_message_cannot_be_edited_or_deleted_again_by_its_author():
    m = message()
    m.delete(AUTHOR, NOW)
    with pytest.raises(MessageDeleted) as info:
        m.edit(AUTHOR, "back again", [], NOW + SECOND)
    assert isinstance(info.value, common_errors.FailedPrecondition)
    with pytest.raises(MessageDeleted):
        m.delete(AUTHOR, NOW + SECOND)
    assert (m.body, m.edited_at, m.deleted_at) == ("original", None, NOW)


def test_a_moderator_deletes_anyones_message_and_is_recorded_as_the_deleter():
    m = message()
    m.delete(MODERATOR, NOW, moderator=True)
    assert m.deleted and (m.deleted_at, m.deleted_by) == (NOW, MODERATOR)
    with pytest.raises(MessageDeleted):
        m.edit(AUTHOR, "restored?", [], NOW + SECOND)


# --- posting rate and slow mode -----------------------------------------------------------------


def ago(*seconds):
    return [NOW - dt.timedelta(seconds=s) for s in seconds]


def test_up_to_the_burst_a_person_posts_freely():
    check_posting_rate([], None, 0, NOW)
    check_posting_rate(ago(9, 7, 5, 3), None, 0, NOW)  # the 5th in 10 s


def test_the_sixth_post_in_ten_seconds_is_refused_until_the_oldest_leaves_the_window():
    assert (RATE_BURST, RATE_WINDOW) == (5, dt.timedelta(seconds=10))
    with pytest.raises(PostingTooFast) as info:
        check_posting_rate(ago(9, 7, 5, 3, 1), None, 0, NOW)
    assert isinstance(info.value, common_errors.ResourceExhausted)
    assert info.value.retry_after_seconds == pytest.approx(1.0)
    assert "too fast" in str(info.value) and "1.0 s" in str(info.value)
    # once the oldest has left the window, the post goes through
    check_posting_rate(ago(9, 7, 5, 3, 1), None, 0, NOW + 1.0 * SECOND)


def test_with_more_than_the_burst_inside_the_window_the_wait_is_until_only_four_remain():
    recent = ago(9.5, 8, 6, 4, 2, 1)
    with pytest.raises(PostingTooFast) as info:
        check_posting_rate(recent, None, 0, NOW)
    assert info.value.retry_after_seconds == pytest.approx(2.0)  # the post at -8 s must leave too
    check_posting_rate(recent, None, 0, NOW + 2 * SECOND)


def test_the_order_of_recent_posts_does_not_matter():
    with pytest.raises(PostingTooFast) as info:
        check_posting_rate(ago(1, 3, 9, 5, 7), None, 0, NOW)
    assert info.value.retry_after_seconds == pytest.approx(1.0)


def test_posts_older_than_the_window_do_not_count():
    check_posting_rate(ago(10, 11, 30, 8, 6, 4, 2), None, 0, NOW)


def test_hearts_come_in_a_burst_of_ten_then_one_a_second():
    assert (HEART_BURST, HEART_INTERVAL) == (10, SECOND)
    due = None
    for _ in range(HEART_BURST):
        due = pace_hearts(due, NOW)
    with pytest.raises(PostingTooFast) as info:
        pace_hearts(due, NOW)
    assert isinstance(info.value, common_errors.ResourceExhausted)
    assert info.value.retry_after_seconds == pytest.approx(1.0)
    assert "hearts too fast" in str(info.value) and "1.0 s" in str(info.value)
    due = pace_hearts(due, NOW + SECOND)  # one more a second later, and then not another at once
    with pytest.raises(PostingTooFast):
        pace_hearts(due, NOW + SECOND)


def test_after_a_quiet_while_the_whole_burst_is_back_and_no_more():
    due = None
    for _ in range(HEART_BURST):
        due = pace_hearts(due, NOW)
    later = NOW + 60 * SECOND
    for _ in range(HEART_BURST):
        due = pace_hearts(due, later)
    with pytest.raises(PostingTooFast):
        pace_hearts(due, later)


def test_slow_mode_refuses_a_post_soon_after_ones_last_in_the_room_with_the_time_left():
    with pytest.raises(PostingTooFast) as info:
        check_posting_rate(ago(20), NOW - 20 * SECOND, 30, NOW)
    assert info.value.retry_after_seconds == pytest.approx(10.0)
    assert "slow mode" in str(info.value) and "30 s" in str(info.value) and "10.0 s" in str(info.value)


def test_slow_mode_lets_a_post_through_once_the_interval_has_passed():
    check_posting_rate(ago(30), NOW - 30 * SECOND, 30, NOW)
    check_posting_rate(ago(45), NOW - 45 * SECOND, 30, NOW)


def test_slow_mode_does_not_apply_to_ones_first_post_in_the_room():
    check_posting_rate(ago(1), None, 30, NOW)  # posted a second ago elsewhere


def test_slow_mode_zero_is_off():
    check_posting_rate(ago(1), NOW - SECOND, 0, NOW)


MICROS_IN_WINDOW = int(RATE_WINDOW / dt.timedelta(microseconds=1))


@given(st.lists(st.integers(min_value=0, max_value=2 * MICROS_IN_WINDOW), max_size=12))
def test_the_rate_refuses_exactly_when_the_burst_is_inside_the_window(ages_in_micros):
    posts = [NOW - dt.timedelta(microseconds=a) for a in ages_in_micros]
    inside = sum(1 for a in ages_in_micros if a < MICROS_IN_WINDOW)
    try:
        check_posting_rate(posts, None, 0, NOW)
    except PostingTooFast as refused:
        assert inside >= RATE_BURST
        assert refused.retry_after_seconds > 0
    else:
        assert inside < RATE_BURST


# --- sanctions: the event contract --------------------------------------------------------------


def envelope(event_type, seq, **data):
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "moderation",
            "occurred_at": NOW.isoformat(), "request_id": "req-1", "seq": seq, "data": data}


def imposed(seq=1, *, sanction_id="s-1", person_id=PERSON, kind="mute", room_slug=ROOM, expires_at=None,
            reason="spam"):
    return envelope("sanction_imposed", seq, sanction_id=sanction_id, person_id=person_id, kind=kind,
                    room_slug=room_slug, expires_at=expires_at, reason=reason)


def lifted(seq=2, *, sanction_id="s-1", person_id=PERSON):
    return envelope("sanction_lifted", seq, sanction_id=sanction_id, person_id=person_id)


@pytest.mark.parametrize("kind", ["mute", "ban"])
def test_an_imposed_sanction_is_read_with_every_contract_field(kind):
    expires = "2025-06-16T12:00:00+00:00"
    s = apply_event(None, imposed(4, kind=kind, room_slug=ROOM, expires_at=expires, reason="kept posting links"))
    assert s == Sanction("s-1", PERSON, kind, ROOM, dt.datetime(2025, 6, 16, 12, 0, tzinfo=UTC), True,
                         "kept posting links", 4)


def test_a_sanction_without_room_or_expiry_is_everywhere_until_lifted():
    s = apply_event(None, imposed(room_slug=None, expires_at=None))
    assert (s.room_slug, s.expires_at, s.active) == (None, None, True)


def test_expires_at_keeps_its_offset():
    s = apply_event(None, imposed(expires_at="2025-06-16T14:00:00+02:00"))
    assert s.expires_at == dt.datetime(2025, 6, 16, 12, 0, tzinfo=UTC)
    assert s.expires_at.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize("bad", ["2025-06-16T12:00:00", "tomorrow", "", 1750075200])
def test_an_expiry_that_is_naive_or_not_a_time_is_refused(bad):
    with pytest.raises(InvalidSanctionEvent, match="expires_at") as info:
        apply_event(None, imposed(expires_at=bad))
    assert isinstance(info.value, common_errors.InvalidArgument)


def test_a_naive_expiry_is_refused_saying_it_needs_an_offset():
    with pytest.raises(InvalidSanctionEvent, match="offset"):
        apply_event(None, imposed(expires_at="2025-06-16T12:00:00"))


@pytest.mark.parametrize("kind", ["warn", "", None, "MUTE"])
def test_only_mute_and_ban_are_kinds(kind):
    with pytest.raises(InvalidSanctionEvent, match="mute or ban"):
        apply_event(None, imposed(kind=kind))


@pytest.mark.parametrize("field, value", [
    ("sanction_id", None), ("sanction_id", ""), ("sanction_id", "s" * 65), ("sanction_id", 7),
    ("person_id", None), ("person_id", "p" * 37),
])
def test_ids_must_be_bounded_non_empty_strings(field, value):
    event = imposed()
    event["data"][field] = value
    with pytest.raises(InvalidSanctionEvent, match=field):
        apply_event(None, event)
    event = lifted()
    event["data"][field] = value
    with pytest.raises(InvalidSanctionEvent, match=field):
        apply_event(None, event)


def test_an_unknown_event_type_is_refused():
    event = imposed()
    event["event_type"] = "sanction_extended"
    with pytest.raises(InvalidSanctionEvent, match="sanction_extended"):
        apply_event(None, event)


@pytest.mark.parametrize("seq", [None, 0, -3, "7", 2.5, True])
def test_a_sanction_event_without_a_proper_seq_is_refused_since_order_could_not_be_kept(seq):
    with pytest.raises(InvalidSanctionEvent, match="seq must be the outbox sequence number"):
        apply_event(None, imposed(seq=seq))


def test_lifting_deactivates_the_sanction_and_keeps_what_it_was():
    s = apply_event(None, imposed(1, kind="ban", room_slug=None))
    after = apply_event(s, lifted(2))
    assert (after.active, after.kind, after.room_slug, after.seq) == (False, "ban", None, 2)
    assert s.active  # the earlier state is not changed in place


# --- sanctions: ordering and redelivery ---------------------------------------------------------


def test_an_event_older_than_or_as_old_as_what_is_known_changes_nothing():
    s = apply_event(None, imposed(5))
    assert apply_event(s, imposed(5)) is None  # redelivered
    assert apply_event(s, imposed(3, kind="ban")) is None
    assert apply_event(s, lifted(4)) is None


def test_a_lift_that_arrives_before_its_imposition_keeps_the_sanction_lifted():
    placeholder = apply_event(None, lifted(2))
    assert (placeholder.sanction_id, placeholder.person_id, placeholder.active, placeholder.seq) == (
        "s-1", PERSON, False, 2)
    assert apply_event(placeholder, imposed(1, kind="ban", room_slug=None)) is None
    assert not placeholder.in_force("mute", ROOM, NOW) and not placeholder.in_force("ban", ROOM, NOW)


def test_a_newer_event_replaces_what_is_known():
    s = apply_event(None, imposed(1, kind="mute"))
    newer = apply_event(s, imposed(3, kind="ban", room_slug=None, reason="escalated"))
    assert (newer.kind, newer.room_slug, newer.reason, newer.seq, newer.active) == ("ban", None, "escalated", 3, True)


# --- sanctions: in force --------------------------------------------------------------------------


def sanction(kind="mute", room_slug=ROOM, expires_at=None, active=True):
    return Sanction("s-1", PERSON, kind, room_slug, expires_at, active, "spam", 1)


def test_a_sanction_is_in_force_only_for_its_kind():
    assert sanction("mute").in_force("mute", ROOM, NOW)
    assert not sanction("mute").in_force("ban", ROOM, NOW)
    assert sanction("ban").in_force("ban", ROOM, NOW)
    assert not sanction("ban").in_force("mute", ROOM, NOW)


def test_a_room_sanction_holds_in_that_room_only_a_global_one_everywhere():
    assert not sanction(room_slug=ROOM).in_force("mute", OTHER_ROOM, NOW)
    assert sanction(room_slug=None).in_force("mute", OTHER_ROOM, NOW)
    assert sanction(room_slug=None).in_force("mute", ROOM, NOW)


def test_a_sanction_ends_at_its_expiry():
    s = sanction(expires_at=NOW + SECOND)
    assert s.in_force("mute", ROOM, NOW)
    assert not s.in_force("mute", ROOM, NOW + SECOND)
    assert not s.in_force("mute", ROOM, NOW + dt.timedelta(days=1))


def test_a_lifted_sanction_is_not_in_force():
    assert not sanction(active=False).in_force("mute", ROOM, NOW)


# --- sanctions: check ---------------------------------------------------------------------------


def test_nothing_in_force_lets_the_person_through():
    check([], "mute", ROOM, NOW)
    check([sanction("mute", OTHER_ROOM), sanction("ban", None, active=False),
           sanction("mute", None, expires_at=NOW - SECOND)], "mute", ROOM, NOW)
    check([sanction("mute", None)], "ban", ROOM, NOW)


def test_a_room_mute_says_where_and_until_when_and_that_reading_is_still_possible():
    with pytest.raises(Muted) as info:
        check([sanction("mute", ROOM, expires_at=dt.datetime(2025, 6, 16, 9, 30, tzinfo=UTC))], "mute", ROOM, NOW)
    assert isinstance(info.value, common_errors.PermissionDenied)
    text = str(info.value)
    assert "muted" in text and "in this room" in text and "2025-06-16T09:30" in text and "read" in text


def test_a_global_ban_without_expiry_says_every_room_and_no_end():
    with pytest.raises(Banned) as info:
        check([sanction("ban", None)], "ban", ROOM, NOW)
    assert isinstance(info.value, common_errors.PermissionDenied)
    text = str(info.value)
    assert "banned" in text and "every room" in text and "until" not in text


def test_a_ban_in_force_is_found_among_others():
    found = [sanction("mute", None), sanction("ban", OTHER_ROOM),
             Sanction("s-2", PERSON, "ban", ROOM, NOW + dt.timedelta(hours=1), True, "", 2)]
    with pytest.raises(Banned, match="in this room until 2025-06-15T13:00"):
        check(found, "ban", ROOM, NOW)


def test_sanctions_read_from_events_are_what_check_enforces():
    mute = apply_event(None, imposed(1, kind="mute", room_slug=None, expires_at="2025-06-15T13:00:00+00:00"))
    with pytest.raises(Muted, match="every room until 2025-06-15T13:00"):
        check([mute], "mute", OTHER_ROOM, NOW)
    check([apply_event(mute, lifted(2))], "mute", OTHER_ROOM, NOW)
    check([mute], "mute", OTHER_ROOM, NOW + dt.timedelta(hours=1))
