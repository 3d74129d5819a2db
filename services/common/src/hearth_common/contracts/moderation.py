"""Cross-cutting (pure): the contract of moderation's events (exchange `moderation.events`, routing key = type):
the sanctions room enforces from its read model, and the reports and case decisions of the review queue.

A mute stops a person posting, a ban stops them joining; `room_slug` null means every room, `expires_at` null
means until lifted. Consumers keep each sanction with the `seq` of the event that set it, so events may
arrive twice or out of order.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from hearth_common.contracts.base import Contract, Payload, Received, rule

SOURCE = "moderation"
SANCTION_KINDS: tuple[str, ...] = ("mute", "ban")

# Why a member reports a message or a person (issue 14's taxonomy); `other` needs a note in words.
REPORT_REASONS: tuple[str, ...] = (
    "unkind",               # unkind or unsupportive
    "talking_negatively",   # talking negatively about a member or listener
    "contact_details",      # contact details or social handles
    "abusive_language",     # abusive, graphic or sexual language
    "drug_names",           # drug or medication names
    "spam",                 # spam or flooding
    "wrong_age_group",      # someone in the wrong age group
    "wrong_language",       # a language other than the room's
    "other",                # other, with text
)
# How a moderator decides a case: the reports were right (agree), wrong (disagree), or not worth a verdict
# (dismiss: a duplicate, already handled, not a moderation matter; it counts for nobody's accuracy).
CASE_DECISIONS: tuple[str, ...] = ("agree", "disagree", "dismiss")


def _sanction_id():
    return rule(max_length=64)


def _person_id():
    return rule(max_length=36)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SanctionImposed(Payload):
    """A person was muted or banned, in one room or every room, for a time or until lifted."""

    TYPE: ClassVar[str] = "sanction_imposed"
    sanction_id: str = _sanction_id()
    person_id: str = _person_id()
    kind: str = rule(choices=SANCTION_KINDS)
    room_slug: str | None = rule(max_length=64, default=None)
    expires_at: dt.datetime | None = None
    reason: str = rule(empty=True, default="")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SanctionLifted(Payload):
    """A sanction ended before it expired."""

    TYPE: ClassVar[str] = "sanction_lifted"
    sanction_id: str = _sanction_id()
    person_id: str = _person_id()


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportFiled(Payload):
    """A member reported a message (`message_id`) or a person in a room; it joined the open case about that
    person. The reporter is not named: nobody outside moderation learns who reported whom."""

    TYPE: ClassVar[str] = "report_filed"
    report_id: str = rule(max_length=64)
    case_id: str = rule(max_length=64)
    subject_id: str = _person_id()
    room_slug: str = rule(max_length=64)
    message_id: str | None = rule(max_length=64, default=None)
    reason: str = rule(choices=REPORT_REASONS)
    filed_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseDecided(Payload):
    """A moderator decided the case about a person: its reports (`report_ids`) are closed with the decision;
    `removed_message_ids` are the reported messages removed through room on agreeing."""

    TYPE: ClassVar[str] = "case_decided"
    case_id: str = rule(max_length=64)
    subject_id: str = _person_id()
    decision: str = rule(choices=CASE_DECISIONS)
    decided_by: str = _person_id()
    report_ids: tuple[str, ...]
    room_slugs: tuple[str, ...]
    removed_message_ids: tuple[str, ...] = ()
    decided_at: dt.datetime


ModerationPayload = SanctionImposed | SanctionLifted | ReportFiled | CaseDecided

CONTRACT = Contract(SOURCE, SanctionImposed, SanctionLifted, ReportFiled, CaseDecided)
EVENT_TYPES = CONTRACT.types
# What room enforces: the sanctions alone (it binds no queue to the review queue's events).
SANCTION_EVENT_TYPES: tuple[str, ...] = (SanctionImposed.TYPE, SanctionLifted.TYPE)


def parse(envelope: object) -> Received[ModerationPayload]:
    """One of moderation's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
