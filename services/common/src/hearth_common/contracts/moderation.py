"""Cross-cutting (pure): the contract of moderation's events (exchange `moderation.events`, routing key = type):
the sanctions room enforces from its read model, and the reports and case decisions of the review queue.

A mute stops a person posting, a ban stops them joining; `room_slug` null means every room, `expires_at` null
means until lifted. Consumers keep each sanction with the `seq` of the event that set it, so events may
arrive twice or out of order.

Course posts are reported, flagged and cared for like room messages: where a report, page or crisis flag is about a
course post, its `room_slug` is the course's place, `course:<course_slug>` (see `course_place`), and `course_slug`
names the course; for a room message `course_slug` is left out (as producers from before it existed sent it).
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


# A course's place where a room's slug goes: the prefix and the course's slug (at most 64).
COURSE_PLACE_PREFIX = "course:"
PLACE_MAX = len(COURSE_PLACE_PREFIX) + 64


def course_place(course_slug: str) -> str:
    """The place key of a course's posts (in `room_slug` fields)."""
    return COURSE_PLACE_PREFIX + course_slug


def course_of(place: str | None) -> str | None:
    """The course slug of a place key, None for a room's slug."""
    if place and place.startswith(COURSE_PLACE_PREFIX):
        return place[len(COURSE_PLACE_PREFIX):]
    return None


def _place():
    return rule(max_length=PLACE_MAX)


def _course_slug():
    # left out of a room's events, which stay what consumers written before course posts read
    return rule(max_length=64, default=None, omitted_when_none=True)


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
    """A member reported a message (`message_id`) or a person in a room, or a course post (`message_id` the post's,
    `course_slug` set); it joined the open case about that person. The reporter is not named: nobody outside
    moderation learns who reported whom."""

    TYPE: ClassVar[str] = "report_filed"
    report_id: str = rule(max_length=64)
    case_id: str = rule(max_length=64)
    subject_id: str = _person_id()
    room_slug: str = _place()
    message_id: str | None = rule(max_length=64, default=None)
    course_slug: str | None = _course_slug()
    reason: str = rule(choices=REPORT_REASONS)
    filed_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseDecided(Payload):
    """A moderator decided the case about a person: its reports (`report_ids`) are closed with the decision;
    `removed_message_ids` are the reported messages removed through room (and course posts, through course) on
    agreeing; `room_slugs` are its reports' places (a course's: `course:<course_slug>`)."""

    TYPE: ClassVar[str] = "case_decided"
    case_id: str = rule(max_length=64)
    subject_id: str = _person_id()
    decision: str = rule(choices=CASE_DECISIONS)
    decided_by: str = _person_id()
    report_ids: tuple[str, ...]
    room_slugs: tuple[str, ...]
    removed_message_ids: tuple[str, ...] = ()
    decided_at: dt.datetime


# What a private notice is about. Room delivers a notice to its person alone (their live streams and their list);
# nobody else sees it, and it is not an item of any room's timeline.
NOTICE_KINDS: tuple[str, ...] = (
    "warning",         # a moderator's warning, naming the reason and the ladder's next step
    "sanction",        # a mute or ban imposed or lifted, with its end
    "care",            # crisis care: resources for the person's cohort, and that a person will reach out
    "help_coming",     # a summons was heard: a moderator is on the way (or admins were paged)
    "appeal",          # an appeal's outcome
)
NOTICE_TEXT_MAX = 2000


@dataclasses.dataclass(frozen=True, kw_only=True)
class NoticeIssued(Payload):
    """A private notice to one person (warnings, sanctions, care notices, "help is coming", appeal outcomes).
    Room keeps it for that person alone and delivers it on their live streams; `room_slug` is the room it is
    about, if any (context, not an audience). `resources` are the care notice's lines (e.g. "Teen Line: text
    TEEN to 839863"), empty for other kinds. A repeated `notice_id` is the same notice."""

    TYPE: ClassVar[str] = "notice_issued"
    notice_id: str = rule(max_length=64)
    person_id: str = _person_id()
    kind: str = rule(choices=NOTICE_KINDS)
    text: str = rule(max_length=NOTICE_TEXT_MAX)
    room_slug: str | None = rule(max_length=64, default=None)
    resources: tuple[str, ...] = ()
    issued_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class AutomodRulesChanged(Payload):
    """The whole automod rule set, as it stands after a change: `rule_set` is
    `hearth_common.automod.RuleSet.to_dict()` (its `version` equals `version`). A consumer keeps the highest
    version it has seen and replaces its set whole; `RuleSet.from_dict` refuses a malformed set, which the
    consumer dead-letters."""

    TYPE: ClassVar[str] = "automod_rules_changed"
    version: int = rule(minimum=1)
    rule_set: dict
    changed_by: str = rule(max_length=64)
    changed_at: dt.datetime


# What a page is for: crisis language read in a message (`crisis`), a member's Refer of someone who seems to
# be in crisis (`referral`), or a member's summons ("Mod Emergency", `summons`).
PAGE_KINDS: tuple[str, ...] = ("crisis", "referral", "summons")
# Why a member summons a moderator (7 Cups' "Mod Emergency").
SUMMON_REASONS: tuple[str, ...] = ("spammer", "troll", "abusive", "triggering", "suicidal", "wrong_age_group")
# Who a page reached, stage by stage: crisis-trained moderators on duty for the room, every moderator on duty
# for it, everyone on duty, then admins (a stage that would add nobody is skipped).
PAGE_STAGES: tuple[str, ...] = ("crisis_trained", "covering", "on_duty", "admins")
CRISIS_TIERS: tuple[str, ...] = ("high", "imminent")  # the tiers that start care


@dataclasses.dataclass(frozen=True, kw_only=True)
class PageSent(Payload):
    """A page went out, or escalated to its next stage: `recipient_ids` are everyone it has reached so far.
    `reason` is the summons' reason, the crisis tier, or "referral". Nobody who summoned or referred is named."""

    TYPE: ClassVar[str] = "page_sent"
    page_id: str = rule(max_length=64)
    kind: str = rule(choices=PAGE_KINDS)
    reason: str = rule(max_length=32)
    room_slug: str = _place()
    course_slug: str | None = _course_slug()
    subject_id: str | None = rule(max_length=36, default=None)
    message_id: str | None = rule(max_length=64, default=None)
    stage: str = rule(choices=PAGE_STAGES)
    recipient_ids: tuple[str, ...]
    sent_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class PageAcknowledged(Payload):
    """One moderator took the page (it escalates no further)."""

    TYPE: ClassVar[str] = "page_acknowledged"
    page_id: str = rule(max_length=64)
    room_slug: str = _place()
    acknowledged_by: str = _person_id()
    acknowledged_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class CrisisFlagged(Payload):
    """A message (or a course post: `course_slug` set) read as crisis language from the high tier on: its author
    was sent a care notice and a page went out. Never a sanction, never a report: care only."""

    TYPE: ClassVar[str] = "crisis_flagged"
    message_id: str = rule(max_length=64)
    room_slug: str = _place()
    course_slug: str | None = _course_slug()
    author_id: str = _person_id()
    tier: str = rule(choices=CRISIS_TIERS)
    page_id: str = rule(max_length=64)
    flagged_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class WarningIssued(Payload):
    """A moderator warned a person for a reason of the taxonomy (in a room, or `room_slug` null); the warning
    counts on the strike ladder until `expires_at` (its severity tier's lifetime). `active_warnings`: how many of
    the person's warnings count now, this one included."""

    TYPE: ClassVar[str] = "warning_issued"
    warning_id: str = rule(max_length=64)
    person_id: str = _person_id()
    reason: str = rule(choices=REPORT_REASONS)
    tier: str = rule(max_length=32)
    room_slug: str | None = rule(max_length=64, default=None)
    issued_by: str = _person_id()
    issued_at: dt.datetime
    expires_at: dt.datetime
    active_warnings: int = rule(minimum=0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class WarningVoided(Payload):
    """A warning was voided (by an admin or another moderator than its issuer, e.g. on appeal): it no longer
    counts on the ladder. `active_warnings`: how many of the person's warnings count now."""

    TYPE: ClassVar[str] = "warning_voided"
    warning_id: str = rule(max_length=64)
    person_id: str = _person_id()
    voided_by: str = _person_id()
    reason: str = rule(max_length=500)
    voided_at: dt.datetime
    active_warnings: int = rule(minimum=0)


# What an appeal is of, and how it is decided (section 6).
APPEAL_SUBJECT_KINDS: tuple[str, ...] = ("warning", "sanction")
APPEAL_DECISIONS: tuple[str, ...] = ("upheld", "overturned")


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppealDecided(Payload):
    """A person's appeal of a warning or a sanction was decided by another moderator than the one who acted (or
    an admin): `upheld` (it stands) or `overturned` (the warning was voided, the sanction lifted: their own
    events, warning_voided and sanction_lifted, say so too). Never names who acted, nor the appeal's text."""

    TYPE: ClassVar[str] = "appeal_decided"
    appeal_id: str = rule(max_length=64)
    person_id: str = _person_id()
    subject_kind: str = rule(choices=APPEAL_SUBJECT_KINDS)
    subject_id: str = rule(max_length=64)
    decision: str = rule(choices=APPEAL_DECISIONS)
    decided_by: str = _person_id()
    decided_at: dt.datetime


ModerationPayload = (SanctionImposed | SanctionLifted | ReportFiled | CaseDecided | NoticeIssued | AutomodRulesChanged
                     | PageSent | PageAcknowledged | CrisisFlagged | WarningIssued | WarningVoided
                     | AppealDecided)

CONTRACT = Contract(SOURCE, SanctionImposed, SanctionLifted, ReportFiled, CaseDecided, NoticeIssued,
                    AutomodRulesChanged, PageSent, PageAcknowledged, CrisisFlagged, WarningIssued, WarningVoided,
                    AppealDecided)
EVENT_TYPES = CONTRACT.types
# What room enforces: the sanctions alone (it binds no queue to the review queue's events).
SANCTION_EVENT_TYPES: tuple[str, ...] = (SanctionImposed.TYPE, SanctionLifted.TYPE)
# What room delivers to one person, and the rule set it applies at post time.
NOTICE_EVENT_TYPES: tuple[str, ...] = (NoticeIssued.TYPE,)
AUTOMOD_EVENT_TYPES: tuple[str, ...] = (AutomodRulesChanged.TYPE,)


def parse(envelope: object) -> Received[ModerationPayload]:
    """One of moderation's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
