"""Domain: the on-duty rota and the pager: who is on duty for what, a page's audiences stage by stage, and its
acknowledgement; pure rules over plain dataclasses."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hearth_common.contracts.identity import COHORTS
from hearth_common.contracts.moderation import PAGE_KINDS, PAGE_STAGES, SUMMON_REASONS
from hearth_common.pacing import Pace
from hearth_common.people import PersonFacts, is_admin, may_moderate
from hearth_common.vocabulary import ROOM_SLUG
from moderation_service.domain.errors import (
    InvalidPagerRequest,
    MayNotAcknowledge,
    NotAModerator,
    PageTaken,
    PagingTooFast,
)
from moderation_service.domain.reports import moderates_somewhere

CRISIS, REFERRAL, SUMMONS = PAGE_KINDS
CRISIS_TRAINED, COVERING, ON_DUTY, ADMINS = PAGE_STAGES
# The badge identity awards for the crisis response module (identity's catalogue: seed/badges.json).
CRISIS_BADGE = "crisis-response-trained"
# Summons for someone suicidal are crisis pages: crisis-trained moderators first.
CRISIS_SUMMONS = frozenset({"suicidal"})
SUMMON_DESCRIPTIONS: dict[str, str] = {
    "spammer": "A spammer",
    "troll": "A troll",
    "abusive": "Someone abusive",
    "triggering": "Something extremely triggering",
    "suicidal": "Someone suicidal",
    "wrong_age_group": "Someone in the wrong age group",
}
assert set(SUMMON_DESCRIPTIONS) == set(SUMMON_REASONS)
NOTE_MAX = 500
ROOMS_MAX = 50  # rooms one shift names at most
SHIFT_HOURS_DEFAULT, SHIFT_HOURS_MAX = 8, 12  # a forgotten console does not keep someone on duty for days
# Summons and referrals are paced per person (a member in a bad moment summons again; a flood is refused).
SUMMON_PACE = Pace(burst=3, interval=dt.timedelta(minutes=2), what="summoning moderators")
REFER_PACE = Pace(burst=3, interval=dt.timedelta(minutes=2), what="referring people")
PACE_SUMMON, PACE_REFER = "summon", "refer"
# The uniqueness rule of a referral (one open page per referrer and target): the schema's name and the fakes'.
ONE_OPEN_REFERRAL = "uq_pages_one_open_referral"
DEFAULT_ESCALATION = dt.timedelta(minutes=2)


@dataclasses.dataclass
class Shift:
    """A moderator on duty: for a cohort (None: whatever their role covers) and a set of rooms (empty: every
    room their role covers), until `ends_at` or until they go off duty."""

    moderator_id: str
    cohort: str | None
    room_slugs: list[str]
    started_at: dt.datetime
    ends_at: dt.datetime

    def on(self, now: dt.datetime) -> bool:
        return self.ends_at > now

    def covers(self, moderator: PersonFacts | None, room_slug: str, cohort: str | None, now: dt.datetime) -> bool:
        """Whether a page about `room_slug` (of `cohort`) is this shift's: within the shift's scope, and within
        what the moderator's role covers now (an admin everywhere; a chat room moderator in their rooms, of
        their own cohort)."""
        if moderator is None or not self.on(now):
            return False
        if self.room_slugs and room_slug not in self.room_slugs:
            return False
        if self.cohort is not None and cohort is not None and self.cohort != cohort:
            return False
        return role_covers(moderator, room_slug, cohort, now)


def role_covers(moderator: PersonFacts | None, room_slug: str, cohort: str | None, now: dt.datetime) -> bool:
    """Whether the moderator's role covers a room (of `cohort`) now, whatever their shift: an admin everywhere; a
    chat room moderator in their rooms, of their own cohort. Routing (Shift.covers) and acknowledging share it,
    so an expired or revoked role stops both at once."""
    if moderator is None:
        return False
    if is_admin(moderator, now):
        return True
    return may_moderate(moderator, room_slug, now) and (cohort is None or moderator.cohort == cohort)


@dataclasses.dataclass
class Page:
    """A call for a moderator about a room: reaches an audience stage by stage until one acknowledges it.
    `seq` orders every change of any page (a console resumes after the last seq it saw)."""

    id: str
    kind: str
    reason: str
    room_slug: str
    cohort: str | None
    created_at: dt.datetime
    stage: str
    stage_at: dt.datetime
    recipient_ids: list[str]
    seq: int = 0
    subject_id: str | None = None
    message_id: str | None = None
    excerpt: str | None = None  # the words that started it (a crisis message, a referred message)
    caller_id: str | None = None  # who summoned or referred (moderators see it; events never name them)
    note: str | None = None
    open_key: str | None = None  # a referral's referrer and target, unique while unacknowledged
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.acknowledged_by is None

    @property
    def crisis_first(self) -> bool:
        return self.kind in (CRISIS, REFERRAL) or (self.kind == SUMMONS and self.reason in CRISIS_SUMMONS)

    @property
    def reached_nobody(self) -> bool:
        return not self.recipient_ids

    def may_acknowledge(self, moderator: PersonFacts | None, now: dt.datetime) -> bool:
        """Whether the page is the moderator's to take: sent to them, or they are an admin (every page). Raises
        MayNotAcknowledge when it is, but they may not take it: it is about them or they raised it, or their role
        no longer covers the room (taking it would stop its escalation with nobody able to act)."""
        if moderator is None:
            return False
        admin = is_admin(moderator, now)
        if not admin and moderator.person_id not in self.recipient_ids:
            return False
        if moderator.person_id == self.subject_id:
            raise MayNotAcknowledge(f"page {self.id} is about you: another moderator must take it")
        if moderator.person_id == self.caller_id:
            raise MayNotAcknowledge(f"you raised page {self.id}: another moderator must take it")
        if not role_covers(moderator, self.room_slug, self.cohort, now):
            raise MayNotAcknowledge(f"your role no longer covers room {self.room_slug!r}"
                                    + (f" of the {self.cohort} cohort" if self.cohort else "")
                                    + ": a moderator who covers it must take the page")
        return True

    def acknowledge(self, moderator_id: str, now: dt.datetime) -> bool:
        """Takes the page; False when this moderator had taken it already. PageTaken when another did."""
        if self.acknowledged_by == moderator_id:
            return False
        if self.acknowledged_by is not None:
            raise PageTaken(f"page {self.id} was acknowledged already by {self.acknowledged_by}")
        self.acknowledged_by, self.acknowledged_at, self.open_key = moderator_id, now, None
        return True

    def reach(self, stage: str, recipients: Iterable[str], now: dt.datetime) -> None:
        self.stage, self.stage_at = stage, now
        self.recipient_ids = list(dict.fromkeys([*self.recipient_ids, *recipients]))


# --- who a page reaches ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OnDuty:
    """A shift with its moderator's facts now."""

    shift: Shift
    facts: PersonFacts | None

    @property
    def crisis_trained(self) -> bool:
        return self.facts is not None and CRISIS_BADGE in self.facts.badges

    def of_cohort(self, cohort: str | None, now: dt.datetime) -> bool:
        """The `on_duty` stage's rule: on shift, still moderating somewhere (an unexpired, unrevoked moderator or
        admin role), and an admin or of the page's cohort (their own and their shift's): a teen's page never
        reaches an adult-cohort moderator by escalation (nor an adult's a teen moderator)."""
        if self.facts is None or not self.shift.on(now) or not moderates_somewhere(self.facts, now):
            return False
        if is_admin(self.facts, now) or cohort is None:
            return True
        return self.facts.cohort == cohort and self.shift.cohort in (None, cohort)

    def listed_to(self, viewer: PersonFacts, now: dt.datetime) -> bool:
        """Whether ListOnDuty shows this shift to `viewer` (a moderator or admin): an admin every shift; a chat
        room moderator only the shifts of their own cohort, the cohort they cover: an admin's covering it (or
        every cohort), a chat room moderator's of it. A chat room moderator's shift is of their own cohort, so
        listing it across cohorts would tell one moderator the other's (issue 17 §2)."""
        if is_admin(viewer, now):
            return True
        if self.facts is None or self.shift.cohort not in (None, viewer.cohort):
            return False
        return is_admin(self.facts, now) or (viewer.cohort is not None and self.facts.cohort == viewer.cohort)


def audiences(page: Page, on_duty: list[OnDuty], admins: list[str], now: dt.datetime) -> list[tuple[str, list[str]]]:
    """The stages a page may reach, in order, each with its audience: crisis-trained moderators on duty for the
    room (crisis pages only), every moderator on duty for it, everyone on duty, admins. The person it is about
    and whoever summoned or referred are in none (a moderator in crisis is not paged about themselves)."""
    involved = {page.subject_id, page.caller_id}  # nobody is paged about themselves, or by themselves
    on_duty = [d for d in on_duty if d.shift.moderator_id not in involved]
    covering = [d for d in on_duty if d.shift.covers(d.facts, page.room_slug, page.cohort, now)]
    stages = []
    if page.crisis_first:
        stages.append((CRISIS_TRAINED, sorted(d.shift.moderator_id for d in covering if d.crisis_trained)))
    stages.append((COVERING, sorted(d.shift.moderator_id for d in covering)))
    stages.append((ON_DUTY, sorted(d.shift.moderator_id for d in on_duty if d.of_cohort(page.cohort, now))))
    stages.append((ADMINS, sorted(a for a in admins if a not in involved)))
    return stages


def next_stage(page: Page, stages: list[tuple[str, list[str]]]) -> tuple[str, list[str]] | None:
    """The first stage after the page's current one (or the first, for a new page: `page.stage` empty) that
    reaches someone it has not reached; None when there is none (the page stays where it is)."""
    order = [name for name, _ in stages]
    start = order.index(page.stage) + 1 if page.stage in order else 0
    reached = set(page.recipient_ids)
    for name, audience in stages[start:]:
        if set(audience) - reached:
            return name, audience
    return None


# --- rules of requests -----------------------------------------------------------------------------


def summon_reason_of(value: object) -> str:
    if value not in SUMMON_REASONS:
        raise InvalidPagerRequest("reason must be one of " + ", ".join(SUMMON_REASONS))
    return value


def room_of(value: object, field: str = "room_slug") -> str:
    if (refusal := ROOM_SLUG.refusal(value, field)) is not None:
        raise InvalidPagerRequest(refusal)
    return value


def shift_scope(moderator: PersonFacts | None, cohort: object, room_slugs: object, now: dt.datetime
                ) -> tuple[str | None, list[str]]:
    """Validates a shift's scope against what the moderator's role covers: a cohort (theirs; an admin's any)
    and rooms (each one their role covers). NotAModerator for someone who moderates nowhere."""
    if moderator is None:
        raise NotAModerator("only chat room moderators and admins go on duty")
    if not moderates_somewhere(moderator, now):
        raise NotAModerator("only chat room moderators and admins go on duty")
    admin = is_admin(moderator, now)
    cohort = cohort or None
    if cohort is not None:
        if cohort not in COHORTS:
            raise InvalidPagerRequest("cohort must be one of " + ", ".join(COHORTS) + ", or empty")
        if not admin and cohort != moderator.cohort:
            raise NotAModerator(f"you moderate rooms of the {moderator.cohort} cohort, not {cohort}")
    rooms = list(dict.fromkeys(room_slugs or ()))
    if len(rooms) > ROOMS_MAX:
        raise InvalidPagerRequest(f"room_slugs names at most {ROOMS_MAX} rooms")
    for slug in rooms:
        room_of(slug, "room_slugs")
        if not admin and not may_moderate(moderator, slug, now):
            raise NotAModerator(f"your role does not cover room {slug!r}")
    return cohort, rooms


def shift_hours(value: object) -> int:
    hours = int(value or 0) or SHIFT_HOURS_DEFAULT
    if not 1 <= hours <= SHIFT_HOURS_MAX:
        raise InvalidPagerRequest(f"hours must be between 1 and {SHIFT_HOURS_MAX} (0 means {SHIFT_HOURS_DEFAULT})")
    return hours


def next_due(pace: Pace, due_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    return pace.next_due(due_at, now, PagingTooFast)
