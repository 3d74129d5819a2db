"""Unit: the event contracts: what producers build is what consumers parse, field for field, and a malformed
event is refused with a reason naming the field."""
import datetime as dt

import pytest

from hearth_common import errors
from hearth_common.contracts import BY_SOURCE, InvalidEvent, course, examples, identity, moderation, room

EVERY_EVENT = [(source, event_type) for source, contract in BY_SOURCE.items() for event_type in contract.types]


def test_each_producer_has_its_contract_with_the_event_types_its_readme_lists():
    assert identity.EVENT_TYPES == ("person_registered", "cohort_changed", "role_granted", "role_revoked",
                                    "badge_awarded", "badge_revoked")
    assert room.EVENT_TYPES == ("member_joined", "member_left", "message_posted", "message_edited",
                                "message_deleted", "message_restored", "message_hearted", "session_started",
                                "session_ended", "cohort_access_granted", "cohort_access_revoked")
    assert moderation.EVENT_TYPES == ("sanction_imposed", "sanction_lifted", "report_filed", "case_decided",
                                      "notice_issued", "automod_rules_changed", "page_sent",
                                      "page_acknowledged", "crisis_flagged", "warning_issued", "warning_voided",
                                      "appeal_decided")
    assert course.EVENT_TYPES == ("course_completed", "completion_revoked", "course_post_created",
                                  "course_post_edited", "course_post_removed", "mentor_review_overdue")
    assert set(BY_SOURCE) == {"identity", "room", "moderation", "course"}


@pytest.mark.parametrize("source, event_type", EVERY_EVENT)
def test_every_event_parses_back_to_the_payload_it_was_built_from(source, event_type):
    payload = examples.payload(source, event_type)
    envelope = examples.published(source, payload, seq=42)
    received = BY_SOURCE[source].parse(envelope)
    assert (received.type, received.source, received.seq, received.event_id) == (
        event_type, source, 42, envelope["event_id"])
    assert received.payload == payload
    assert received.payload.data() == envelope["data"]
    assert received.request_id == "example" and received.occurred_at.tzinfo is not None


def test_the_json_is_field_for_field_what_the_readmes_describe():
    data = examples.payload("identity", "role_granted", room_id=None, expires_at=None).data()
    assert data == {"grant_id": "1c9e5a7e-2b1d-4f6a-8c3e-5d7f9a1b3c5e", "person_id": examples.PERSON,
                    "role": "chat_room_moderator", "room_id": None, "expires_at": None, "granted_by": examples.OTHER}
    posted = examples.payload("room", "message_posted").data()
    assert posted["mention_ids"] == [examples.OTHER] and posted["posted_at"] == "2026-06-15T18:00:00+00:00"


def test_a_field_sent_only_sometimes_is_left_out_when_it_is_not_set():
    left = examples.payload("room", "member_left", reason="left", removed_by=None, note=None)
    assert set(left.data()) == {"room_slug", "person_id", "reason", "seq", "left_at"}
    assert room.parse(examples.published("room", left, 3)).payload == left


@pytest.mark.parametrize("event_type", ["message_posted", "message_edited"])
def test_a_posts_original_body_is_sent_only_when_automod_masked_it(event_type):
    plain = examples.payload("room", event_type)
    assert "original_body" not in plain.data() and room.parse(examples.published("room", plain, 2)).payload == plain
    masked = examples.payload("room", event_type, body="call me on ***** ******",
                              original_body="call me on 07700 900123")
    assert masked.data()["original_body"] == "call me on 07700 900123"
    assert room.parse(examples.published("room", masked, 2)).payload == masked


@pytest.mark.parametrize("event_type", ["report_filed", "page_sent", "crisis_flagged"])
def test_a_course_post_is_named_at_its_courses_place_and_a_rooms_events_are_as_before(event_type):
    """Issue 15: moderation's events about a course post carry the course's place where a room's slug goes (the
    longest course slug fits) and name the course; a room's leave `course_slug` out, as they always did."""
    for_room = examples.payload("moderation", event_type)
    assert "course_slug" not in for_room.data() and for_room.course_slug is None
    course_slug = "c" * 64
    for_post = examples.payload("moderation", event_type, room_slug=moderation.course_place(course_slug),
                                course_slug=course_slug)
    assert moderation.parse(examples.published("moderation", for_post, 2)).payload == for_post
    assert moderation.course_of(for_post.room_slug) == course_slug and moderation.course_of(examples.ROOM) is None


def test_a_reader_ignores_keys_the_contract_does_not_name_yet():
    envelope = examples.envelope("moderation", "sanction_lifted")
    envelope["data"]["lifted_by"] = examples.OTHER
    envelope["schema"] = 2
    assert moderation.parse(envelope).payload == examples.payload("moderation", "sanction_lifted")


def test_identity_facts_no_consumer_needs_may_be_missing_but_not_malformed():
    envelope = {"event_id": "e1", "event_type": "badge_revoked", "seq": 5,
                "data": {"person_id": examples.PERSON, "badge_slug": "chief-chat"}}
    revoked = identity.parse(envelope).payload
    assert (revoked.badge_slug, revoked.award_id, revoked.revoked_at, revoked.reason) == ("chief-chat", None, None,
                                                                                          None)
    envelope["data"]["revoked_at"] = "yesterday"
    with pytest.raises(InvalidEvent, match="revoked_at must be an ISO-8601 time with a UTC offset"):
        identity.parse(envelope)


# --- refusals ------------------------------------------------------------------------------------


def refusal(contract, envelope) -> str:
    with pytest.raises(InvalidEvent) as refused:
        contract.parse(envelope)
    assert isinstance(refused.value, errors.InvalidArgument)
    return str(refused.value)


def test_an_envelope_that_is_not_an_object_is_refused():
    assert refusal(identity, ["person_registered"]) == "an event from identity must be a JSON object"


@pytest.mark.parametrize("event_type", ["sanction_extended", None, 7])
def test_an_event_type_the_source_does_not_publish_is_refused_naming_it(event_type):
    envelope = examples.envelope("moderation", "sanction_imposed") | {"event_type": event_type}
    assert refusal(moderation, envelope).startswith(f"unknown moderation event {event_type!r}; moderation publishes "
                                                    "sanction_imposed, sanction_lifted")


def test_another_sources_event_is_refused_by_this_contract():
    assert "unknown room event 'badge_awarded'" in refusal(room, examples.envelope("identity", "badge_awarded"))
    envelope = examples.envelope("identity", "badge_awarded") | {"source": "room"}
    assert refusal(identity, envelope) == "badge_awarded: source must be 'identity', got 'room'"


@pytest.mark.parametrize("seq", [None, 0, -3, "7", 2.5, True])
def test_an_event_without_its_outbox_seq_is_refused_since_order_could_not_be_kept(seq):
    envelope = examples.envelope("identity", "cohort_changed") | {"seq": seq}
    assert refusal(identity, envelope) == ("cohort_changed: seq must be the outbox sequence number "
                                           "(an integer from 1)")


@pytest.mark.parametrize("field, value, reason", [
    ("event_id", None, "event_id must be a non-empty string"),
    ("event_id", "", "event_id must be a non-empty string"),
    ("request_id", 5, "request_id must be a string or null"),
    ("occurred_at", "noon", "occurred_at must be an ISO-8601 time with a UTC offset, or null"),
    ("occurred_at", "2026-06-15T18:00:00", "occurred_at must carry a UTC offset"),
    ("data", None, "data must be an object"),
    ("data", ["person_id"], "data must be an object"),
])
def test_a_malformed_envelope_is_refused_naming_the_field(field, value, reason):
    envelope = examples.envelope("identity", "person_registered") | {field: value}
    assert refusal(identity, envelope).startswith(f"person_registered: {reason}")


@pytest.mark.parametrize("source, event_type, field, value, reason", [
    ("identity", "person_registered", "kind", "visitor", "must be member or listener, got 'visitor'"),
    ("identity", "person_registered", "cohort", None, "must be teen or adult, got None"),
    ("identity", "person_registered", "username", "", "must be a non-empty string of at most 32 characters"),
    ("identity", "person_registered", "person_id", "p" * 37, "must be a non-empty string of at most 36 characters"),
    ("identity", "role_granted", "role", "superuser",
     "must be chat_room_moderator, support_session_leader, on_spot_host or admin, got 'superuser'"),
    ("identity", "role_granted", "room_id", 12, "must be a non-empty string of at most 64 characters, or null"),
    ("identity", "role_granted", "expires_at", "2026-07-01",
     "must carry a UTC offset, as in 2026-06-15T18:00:00+00:00"),
    ("room", "member_joined", "seq", 0, "must be an integer from 1"),
    ("room", "message_posted", "mention_ids", "sam", "must be a list of non-empty strings"),
    ("room", "message_posted", "mention_ids", ["sam", ""], "must be a list of non-empty strings"),
    ("room", "message_posted", "reply_to", 3, "must be a non-empty string of at most 64 characters, or null"),
    ("room", "message_deleted", "by_moderation", "yes", "must be true or false"),
    ("room", "session_ended", "duration_seconds", -1, "must be an integer from 0"),
    ("room", "session_ended", "duration_seconds", False, "must be an integer from 0"),
    ("room", "session_ended", "ended_at", 1750075200, "must be an ISO-8601 time with a UTC offset"),
    ("moderation", "sanction_imposed", "kind", "warn", "must be mute or ban, got 'warn'"),
    ("moderation", "sanction_imposed", "sanction_id", "s" * 65,
     "must be a non-empty string of at most 64 characters"),
    ("moderation", "sanction_imposed", "reason", None, "must be a string"),
])
def test_a_malformed_field_is_refused_naming_it(source, event_type, field, value, reason):
    envelope = examples.envelope(source, event_type)
    envelope["data"][field] = value
    assert refusal(BY_SOURCE[source], envelope) == f"{event_type}: data.{field} {reason}"


@pytest.mark.parametrize("source, event_type, field", [
    ("identity", "person_registered", "cohort"),
    ("identity", "badge_awarded", "badge_slug"),
    ("identity", "role_revoked", "grant_id"),
    ("room", "message_posted", "reply_to"),
    ("room", "session_ended", "ended_by"),
    ("moderation", "sanction_lifted", "person_id"),
])
def test_a_missing_field_is_refused_naming_it(source, event_type, field):
    envelope = examples.envelope(source, event_type)
    del envelope["data"][field]
    assert refusal(BY_SOURCE[source], envelope) == f"{event_type}: data.{field} is missing"


def test_times_keep_their_offset():
    envelope = examples.envelope("moderation", "sanction_imposed", expires_at=None)
    envelope["data"]["expires_at"] = "2026-06-16T14:00:00+02:00"
    expires_at = moderation.parse(envelope).payload.expires_at
    assert expires_at == dt.datetime(2026, 6, 16, 12, 0, tzinfo=dt.timezone.utc)
    assert expires_at.utcoffset() == dt.timedelta(hours=2)


def test_narrowing_events_are_those_after_which_a_person_may_hold_less():
    assert identity.NARROWING_EVENTS == {"cohort_changed", "badge_revoked", "role_revoked"}


@pytest.mark.parametrize("rule_set", [[], "rules", {1: "x"}, None])
def test_an_object_field_must_be_a_json_object_with_text_keys(rule_set):
    envelope = examples.envelope("moderation", "automod_rules_changed")
    envelope["data"]["rule_set"] = rule_set
    assert "data.rule_set must be a JSON object" in refusal(moderation, envelope)
