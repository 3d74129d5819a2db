"""Domain: crisis care that never punishes: which tiers start care, the care notice's words, the "help is coming"
notice, and the care resources (admin-editable lines per cohort). Pure: the defaults are data
(`moderation_service/seed/care_resources.json`), read by the service layer."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.automod import Tier
from hearth_common.contracts.identity import COHORTS
from hearth_common.contracts.moderation import NOTICE_TEXT_MAX
from moderation_service.domain.errors import InvalidPagerRequest

# From the high tier on (a method or a plan; intent with timing), the author gets care and a moderator a page.
CARE_FROM = Tier.HIGH
RESOURCES_MAX, RESOURCE_MAX = 20, 300

CARE_TEXT = (
    "What you wrote sounds really heavy, and we are glad you said it here. You are not in trouble. "
    "A moderator trained in crisis care has been asked to reach out to you. If you might act on these thoughts "
    "soon, please reach one of these now; they are there for you any time:"
)
REFERRED_CARE_TEXT = (
    "Someone in the room is thinking of you and wanted to make sure you are okay. You are not in trouble. A "
    "moderator trained in crisis care will reach out to you. If things feel too much right now, these are there "
    "for you any time:"
)


def help_coming_text(admins_only: bool, referral: bool) -> str:
    if referral:
        return ("Thank you for looking out for them. A moderator trained in crisis care has been asked to reach out."
                " You did the right thing; you do not need to handle this alone.")
    if admins_only:
        return ("Help is coming: no moderator is on duty for this room right now, so Hearth's admins have been "
                "paged. If anyone is in danger, call your local emergency number.")
    return "Help is coming: the moderators on duty have been paged and one will be with you shortly."


# A person sent a care notice is not sent another for this long (several referrals, or several messages in one
# hard evening, would otherwise bury them in the same lines); the pages still go out, so a human still comes.
CARE_NOTICE_COOLDOWN = dt.timedelta(minutes=30)
CARE_NOTICE_SENT = "care_notice_sent"  # the audit log's action for a care notice


def starts_care(tier: Tier) -> bool:
    return tier >= CARE_FROM


@dataclasses.dataclass(frozen=True)
class CrisisFlag:
    """A message read as crisis language from the high tier on, cared for once (its author's care notice and a
    page); the record that it was, so a redelivered or replayed message is never cared for twice."""

    message_id: str
    room_slug: str
    author_id: str
    tier: str
    page_id: str
    flagged_at: dt.datetime


@dataclasses.dataclass
class CareResources:
    """The lines a care notice lists for one cohort (`updated_by` None: the defaults, never changed)."""

    cohort: str
    lines: list[str]
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


def cohort_of(value: object) -> str:
    if value not in COHORTS:
        raise InvalidPagerRequest("cohort must be one of " + ", ".join(COHORTS))
    return value


def lines_of(value: object) -> list[str]:
    """Validates the lines an admin sets: 1 to RESOURCES_MAX non-empty lines of at most RESOURCE_MAX characters,
    fitting one notice with its text."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise InvalidPagerRequest("lines must be a list of text lines")
    lines = [line.strip() if isinstance(line, str) else line for line in value]
    if not 1 <= len(lines) <= RESOURCES_MAX:
        raise InvalidPagerRequest(f"lines must have 1 to {RESOURCES_MAX} entries")
    for line in lines:
        if not isinstance(line, str) or not line or len(line) > RESOURCE_MAX:
            raise InvalidPagerRequest(f"each of lines must be 1 to {RESOURCE_MAX} characters")
    if len(CARE_TEXT) + sum(len(line) for line in lines) > NOTICE_TEXT_MAX * 2:
        raise InvalidPagerRequest("lines are too long together for one notice")
    return lines
