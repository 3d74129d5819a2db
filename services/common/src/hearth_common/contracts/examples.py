"""Cross-cutting (pure), for tests: a valid example of every contract's every event, and its envelope as the relay
publishes it, so a consumer's tests feed what producers send."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hearth_common.contracts import BY_SOURCE, Payload, identity

AT = dt.datetime(2026, 6, 15, 18, 0, tzinfo=dt.timezone.utc)
PERSON = "0b7f1c52-6f0e-4d5e-9a55-3f3c1f0c2a11"
OTHER = "5d2b8e0a-1c4f-4b7d-8e21-9a6c0d3e4f52"
ROOM = "sharing-circle"

_EXAMPLES: dict[str, dict[str, Any]] = {
    # identity
    "person_registered": dict(person_id=PERSON, username="robin", kind=identity.MEMBER, cohort=identity.TEEN,
                              registered_at=AT),
    "cohort_changed": dict(person_id=PERSON, previous_cohort=identity.TEEN, cohort=identity.ADULT),
    "role_granted": dict(grant_id="1c9e5a7e-2b1d-4f6a-8c3e-5d7f9a1b3c5e", person_id=PERSON,
                         role=identity.CHAT_ROOM_MODERATOR, room_id=ROOM, expires_at=AT + dt.timedelta(days=30),
                         granted_by=OTHER),
    "role_revoked": dict(grant_id="1c9e5a7e-2b1d-4f6a-8c3e-5d7f9a1b3c5e", person_id=PERSON,
                         role=identity.CHAT_ROOM_MODERATOR, room_id=ROOM, expires_at=AT + dt.timedelta(days=30),
                         revoked_by=OTHER, reason="stepped down"),
    "badge_awarded": dict(award_id="7e3c1a5b-9d2f-4e6a-8b1c-3d5f7a9b1c2e", person_id=PERSON,
                          badge_slug="chief-chat", awarded_by="service:course", reason="completed the course",
                          awarded_at=AT),
    "badge_revoked": dict(award_id="7e3c1a5b-9d2f-4e6a-8b1c-3d5f7a9b1c2e", person_id=PERSON,
                          badge_slug="chief-chat", revoked_by=OTHER, reason="awarded by mistake", revoked_at=AT),
    # room
    "member_joined": dict(room_slug=ROOM, person_id=PERSON, seq=1, joined_at=AT),
    "member_left": dict(room_slug=ROOM, person_id=PERSON, reason="removed", seq=5, left_at=AT, removed_by=OTHER,
                        note="please take a break"),
    "message_posted": dict(room_slug=ROOM, message_id="3f6a9c2e-5b8d-4e1f-a7c3-9d2b5e8f1a4c", seq=2,
                           author_id=PERSON, body="hello @sam", reply_to=None, mention_ids=(OTHER,), posted_at=AT),
    "message_edited": dict(room_slug=ROOM, message_id="3f6a9c2e-5b8d-4e1f-a7c3-9d2b5e8f1a4c", seq=3,
                           message_seq=2, author_id=PERSON, body="hello @sam!", edited_at=AT),
    "message_deleted": dict(room_slug=ROOM, message_id="3f6a9c2e-5b8d-4e1f-a7c3-9d2b5e8f1a4c", seq=4,
                            message_seq=2, author_id=PERSON, deleted_by=OTHER, by_moderation=True,
                            reason="off topic", deleted_at=AT),
    "message_restored": dict(room_slug=ROOM, message_id="3f6a9c2e-5b8d-4e1f-a7c3-9d2b5e8f1a4c", seq=5,
                             message_seq=2, author_id=PERSON, body="hello @sam!", restored_by=OTHER,
                             reason="the reports were mistaken", restored_at=AT),
    "message_hearted": dict(room_slug=ROOM, message_id="3f6a9c2e-5b8d-4e1f-a7c3-9d2b5e8f1a4c", author_id=PERSON,
                            hearted_by=OTHER, hearts=1, hearted_at=AT),
    "session_started": dict(session_id="9a1c3e5f-7b2d-4f6a-8c1e-3a5c7e9f1b2d", room_slug=ROOM,
                            topic="Evening check-in", kind="unplanned", leader_id=OTHER, seq=6, started_at=AT),
    "session_ended": dict(session_id="9a1c3e5f-7b2d-4f6a-8c1e-3a5c7e9f1b2d", room_slug=ROOM,
                          topic="Evening check-in", kind="unplanned", leader_id=OTHER, attendee_ids=(PERSON, OTHER),
                          started_at=AT, ended_at=AT + dt.timedelta(hours=1), duration_seconds=3600, seq=7,
                          ended_by=OTHER, ended_automatically=False, script_id="sharing-circle-standard"),
    "cohort_access_granted": dict(grant_id="2d4f6a8c-1e3a-4c5e-9f7b-1d3f5a7c9e2b", person_id=OTHER,
                                  room_slug="teen-lounge", reason="covering the teen rota tonight",
                                  granted_by=PERSON, granted_at=AT, expires_at=AT + dt.timedelta(days=1)),
    "cohort_access_revoked": dict(grant_id="2d4f6a8c-1e3a-4c5e-9f7b-1d3f5a7c9e2b", person_id=OTHER,
                                  room_slug="teen-lounge", revoked_by=PERSON, revoked_at=AT),
    # moderation
    "sanction_imposed": dict(sanction_id="s-41", person_id=PERSON, kind="mute", room_slug=ROOM,
                             expires_at=AT + dt.timedelta(hours=1), reason="kept posting links"),
    "sanction_lifted": dict(sanction_id="s-41", person_id=PERSON),
    "report_filed": dict(report_id="7a1c3e5f-2b4d-4f6a-8c0e-1a3c5e7f9b2d",
                         case_id="3c5e7a9c-1e3f-4b5d-8f1a-2c4e6a8c0e3f",
                         subject_id=PERSON, room_slug=ROOM, message_id="9e1f3a5c-7b9d-4e2f-8a4c-6e8a0c2e4a6b",
                         reason="abusive_language", filed_at=AT),
    "case_decided": dict(case_id="3c5e7a9c-1e3f-4b5d-8f1a-2c4e6a8c0e3f", subject_id=PERSON, decision="agree",
                         decided_by=OTHER, report_ids=("7a1c3e5f-2b4d-4f6a-8c0e-1a3c5e7f9b2d",), room_slugs=(ROOM,),
                         removed_message_ids=("9e1f3a5c-7b9d-4e2f-8a4c-6e8a0c2e4a6b",), decided_at=AT),
    "notice_issued": dict(notice_id="4b6d8f0a-2c4e-4a6c-9e1f-3b5d7f9a1c3e", person_id=PERSON, kind="care",
                          text="We noticed you may be going through a lot. A trained moderator will reach out.",
                          room_slug=ROOM, resources=("Teen Line: text TEEN to 839863",), issued_at=AT),
    "warning_issued": dict(warning_id="6c8e0a2c-4e6a-4c8e-8a0c-2e4a6c8e0a2c", person_id=PERSON, reason="unkind",
                           tier="minor", room_slug=ROOM, issued_by=OTHER, issued_at=AT,
                           expires_at=AT + dt.timedelta(days=30), active_warnings=1),
    "warning_voided": dict(warning_id="6c8e0a2c-4e6a-4c8e-8a0c-2e4a6c8e0a2c", person_id=PERSON, voided_by=OTHER,
                           reason="overturned on appeal", voided_at=AT, active_warnings=0),
    "appeal_decided": dict(appeal_id="8e0a2c4e-6a8c-4e0a-9c2e-4a6c8e0a2c4e", person_id=PERSON,
                           subject_kind="warning", subject_id="6c8e0a2c-4e6a-4c8e-8a0c-2e4a6c8e0a2c",
                           decision="overturned", decided_by=OTHER, decided_at=AT + dt.timedelta(hours=2)),
    "automod_rules_changed": dict(version=3, rule_set={"version": 3, "rules": []}, changed_by=OTHER,
                                  changed_at=AT),
    "page_sent": dict(page_id="6c8e0a2c-4e6a-4c8e-9a1c-5e7a9c1e3a5c", kind="crisis", reason="high", room_slug=ROOM,
                      subject_id=PERSON, message_id="9e1f3a5c-7b9d-4e2f-8a4c-6e8a0c2e4a6b", stage="crisis_trained",
                      recipient_ids=(OTHER,), sent_at=AT),
    "page_acknowledged": dict(page_id="6c8e0a2c-4e6a-4c8e-9a1c-5e7a9c1e3a5c", room_slug=ROOM, acknowledged_by=OTHER,
                              acknowledged_at=AT + dt.timedelta(seconds=40)),
    "crisis_flagged": dict(message_id="9e1f3a5c-7b9d-4e2f-8a4c-6e8a0c2e4a6b", room_slug=ROOM, author_id=PERSON,
                           tier="high", page_id="6c8e0a2c-4e6a-4c8e-9a1c-5e7a9c1e3a5c", flagged_at=AT),
    # course
    "course_completed": dict(completion_id="1a3c5e7a-9c1e-4a3c-8e5a-7c9e1a3c5e7a", course_slug="group-dynamics",
                             person_id=PERSON, section="adult", badge_slug="group-dynamics-graduate",
                             certificate_id="c-1a3c5e7a9c1e", completed_at=AT),
    "completion_revoked": dict(completion_id="1a3c5e7a-9c1e-4a3c-8e5a-7c9e1a3c5e7a", course_slug="group-dynamics",
                               person_id=PERSON, badge_slug="group-dynamics-graduate", revoked_by=OTHER,
                               reason="completed with another person's account", revoked_at=AT),
    "course_post_created": dict(post_id="2b4d6f8a-0c2e-4b4d-9f6a-8c0e2b4d6f8a", course_slug="group-dynamics",
                                discussion_id="gd-1-introduction", section="adult", author_id=PERSON,
                                parent_id=None, body="Listening first matters most to me. @sam what about you?",
                                mention_ids=(OTHER,), created_at=AT),
    "course_post_edited": dict(post_id="2b4d6f8a-0c2e-4b4d-9f6a-8c0e2b4d6f8a", course_slug="group-dynamics",
                               discussion_id="gd-1-introduction", section="adult", author_id=PERSON,
                               body="Listening first matters most to me.", edited_at=AT),
    "course_post_removed": dict(post_id="2b4d6f8a-0c2e-4b4d-9f6a-8c0e2b4d6f8a", course_slug="group-dynamics",
                                discussion_id="gd-1-introduction", section="adult", author_id=PERSON,
                                removed_by=OTHER, by_moderation=True, reason="contact details", removed_at=AT),
    "mentor_review_overdue": dict(reminder_id="3c5e7a9c-1e3a-4c5e-9a1c-3e5a7c9e1a3c", course_slug="group-dynamics",
                                  course_title="Group Dynamics Course", learner_username="river", mentor_id=OTHER,
                                  waiting_since=AT - dt.timedelta(days=4), reminded_at=AT),
}


def payload(source: str, event_type: str, **fields: Any) -> Payload:
    """A valid payload of the event, with `fields` in place of the example's."""
    return BY_SOURCE[source].payloads[event_type](**(_EXAMPLES[event_type] | fields))


def envelope(source: str, event_type: str, seq: int = 1, **fields: Any) -> dict[str, Any]:
    """The example event (with `fields` in its data) as the relay publishes it, with this outbox `seq`."""
    return published(source, payload(source, event_type, **fields), seq)


def published(source: str, event_payload: Payload, seq: int) -> dict[str, Any]:
    """A payload's event as the relay publishes it on `<source>.events`: the envelope with its outbox `seq`."""
    return event_payload.event(id=str(uuid.uuid4()), request_id="example").envelope(source) | {"seq": seq}


def rule_set_changed(version: int, *rules: dict[str, Any], seq: int | None = None) -> dict[str, Any]:
    """moderation's automod_rules_changed as its relay publishes it: the whole set, common's default policies and
    `rules` (each a rule's JSON, hearth_common.automod.Rule.to_dict's form), at that version (and outbox `seq`)."""
    from hearth_common.automod import DEFAULT_RULE_SET

    rule_set = {"version": version, "rules": DEFAULT_RULE_SET.to_dict()["rules"] + list(rules)}
    return envelope("moderation", "automod_rules_changed", seq if seq is not None else version, version=version,
                    rule_set=rule_set)


def word_rule(word: str, action: str, **fields: Any) -> dict[str, Any]:
    """An automod rule's JSON matching one word in every room, `fields` in place of the example's."""
    return {"id": f"{action}-{word}", "kind": "word", "pattern": word, "action": action,
            "explanation": f"{word} is not said here", "scope": "all", "exempt_roles": []} | fields
