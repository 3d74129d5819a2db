"""Domain: the append-only audit log: every action taken in moderation (by a moderator, automod, a member or the
system), who took it, about whom, where, why, and from which request. Entries are written in the transaction
of the action they record and are never changed or deleted (the database refuses it)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hearth_common.ids import new_id
from hearth_common.people import PersonFacts, is_admin, may_moderate
from moderation_service.domain.errors import NotAModerator
from moderation_service.domain.reports import moderates_somewhere

# Who took an action: a moderator or admin by hand, automod's rules and detectors, a member (a report, a
# referral, a summons, an appeal), or the system (a timer: a sanction lifting itself, a page escalating).
MODERATOR, AUTOMOD, MEMBER, SYSTEM = SOURCES = ("moderator", "automod", "member", "system")
REASON_MAX = 500


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    """One recorded action. `action` is a short verb phrase naming what was done ("case_decided",
    "warning_issued", "sanction_lifted", "page_acknowledged", "rule_changed", ...); `target_id` the person it was
    about, if any; `subject_ref` the thing acted on (a case, sanction, rule, page or appeal id); `details` what
    else a reader needs (JSON-safe values). `request_id` is filled by the adapter from the request being served
    when not given."""

    id: str
    at: dt.datetime
    action: str
    source: str
    actor_id: str | None = None
    target_id: str | None = None
    room_slug: str | None = None
    subject_ref: str | None = None
    reason: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    request_id: str | None = None

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"an audit entry's source is one of {', '.join(SOURCES)}, not {self.source!r}")
        if self.source == MODERATOR and not self.actor_id:
            raise ValueError("a moderator's action names the moderator")


def entry(action: str, at: dt.datetime, source: str, **fields: Any) -> AuditEntry:
    """A new entry with a fresh id; a reason longer than REASON_MAX is cut (the log keeps what was said)."""
    reason = fields.pop("reason", None)
    return AuditEntry(id=new_id(), at=at, action=action, source=source,
                      reason=reason[:REASON_MAX] if reason else None, **fields)


@dataclasses.dataclass(frozen=True)
class AuditQuery:
    """What to list: any combination of the person acted on, the room, the actor, and a time window
    [since, until); newest first, `limit` at most, before the cursor (an entry's (at, id)) when given."""

    target_id: str | None = None
    room_slug: str | None = None
    actor_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 50
    before: tuple[dt.datetime, str] | None = None

    def matches(self, e: AuditEntry) -> bool:
        return ((self.target_id is None or e.target_id == self.target_id)
                and (self.room_slug is None or e.room_slug == self.room_slug)
                and (self.actor_id is None or e.actor_id == self.actor_id)
                and (self.since is None or e.at >= self.since)
                and (self.until is None or e.at < self.until)
                and (self.before is None or (e.at, e.id) < self.before))


# What an appeal overturned records (section 6): the decider is the actor; details name who had acted.
APPEAL_OVERTURNED = "appeal_overturned"
OVERTURNED_ACTOR_KEY = "acted_by"
LIMIT_MAX = 200


def ensure_may_read(reader: PersonFacts | None, reader_id: str, query: AuditQuery, now: dt.datetime) -> None:
    """Admins read the whole log. A chat room moderator reads the log of a room they moderate, and their own
    actions anywhere; nobody else reads it (moderators are accountable to admins, not to each other)."""
    if reader is not None and is_admin(reader, now):
        return
    if reader is not None and query.room_slug is not None and may_moderate(reader, query.room_slug, now):
        return
    if query.actor_id == reader_id and query.room_slug is None and moderates_somewhere(reader, now):
        return
    raise NotAModerator("the audit log is read by admins, and by moderators for the rooms they moderate or "
                        "their own actions (give room_slug or moderator_id)")


def ensure_may_see_figures(reader: PersonFacts | None, reader_id: str, moderator_id: str, now: dt.datetime) -> None:
    """A moderator sees their own figures; admins see anyone's."""
    if reader is not None and (is_admin(reader, now) or (moderator_id == reader_id
                                                          and moderates_somewhere(reader, now))):
        return
    raise NotAModerator("a moderator's figures are shown to that moderator and to admins")

