"""Domain: badges earned by doing: a rule (data: badge, kind, source events, threshold, window, revocation), what
is known of a person's activity, and the decision to award or revoke a badge under a rule."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from identity_service.domain import errors
from identity_service.domain.model import BadgeAward

RULE_LABEL_PREFIX = "rule:"  # how awards and revocations made by a rule name who made them (`rule:<badge>`)
LABEL_MAX = 64  # badge_awarded's and badge_revoked's awarded_by / revoked_by (hearth_common.contracts.identity)


class Kind(enum.Enum):
    FIRST = "first"  # the first fact of its kind (a first post)
    COUNT = "count"  # at least `threshold` events
    DISTINCT_COUNT = "distinct_count"  # from at least `threshold` distinct other people (and `total_at_least` events)
    DAYS_WITHOUT_SANCTION = "days_without_sanction"  # active on `threshold` days none of which was under a sanction
    SESSIONS_ATTENDED = "sessions_attended"  # attended `threshold` sessions in rooms of `room_topic`
    COURSES_COMPLETED = "courses_completed"  # completed `threshold` of `courses` (any course when none are listed)
    HELD_WITHOUT_SANCTION = "held_without_sanction"  # held `requires_badge` `threshold` days with no sanction since


class Fact(enum.Enum):
    """What identity keeps of another service's event, per person: one row per (fact, key), counted."""

    ACTIVE_DAY = "active_day"  # message_posted: key = the UTC day the author posted on
    HEART_FROM = "heart_from"  # message_hearted: key = `<giver>:<message_id>`, tag = the giver (who gave a heart)
    SESSION_ATTENDED = "session_attended"  # session_ended: key = the session, tag = its room's topic
    COURSE_COMPLETED = "course_completed"  # course_completed: key = the course
    COMPLETION_REVOKED = "completion_revoked"  # completion_revoked: key = the completion, tag = its course


# The source events a rule may name, and the fact each one feeds (sanctions are kept apart, as spans).
EVENT_FACTS: Mapping[str, Fact | None] = {
    "message_posted": Fact.ACTIVE_DAY,
    "message_hearted": Fact.HEART_FROM,
    "session_ended": Fact.SESSION_ATTENDED,
    "course_completed": Fact.COURSE_COMPLETED,
    "completion_revoked": None,
    "sanction_imposed": None,
    "sanction_lifted": None,
}
KIND_FACT: Mapping[Kind, Fact | None] = {
    Kind.DAYS_WITHOUT_SANCTION: Fact.ACTIVE_DAY,
    Kind.SESSIONS_ATTENDED: Fact.SESSION_ATTENDED,
    Kind.COURSES_COMPLETED: Fact.COURSE_COMPLETED,
    Kind.HELD_WITHOUT_SANCTION: None,
}
REVOKE_ON = ("sanction_imposed",)  # the events after which a rule may take its badge back
_FIELDS = frozenset({"badge", "kind", "events", "threshold", "window_days", "revoke_on", "total_at_least",
                     "room_topic", "courses", "requires_badge", "summary"})


@dataclasses.dataclass(frozen=True)
class PersonFact:
    fact: Fact
    key: str
    count: int
    first_at: dt.datetime
    last_at: dt.datetime
    tag: str = ""


@dataclasses.dataclass(frozen=True)
class SanctionSpan:
    """A sanction as far as identity knows it: from `imposed_at` until it expired or was lifted (None: in force
    until lifted)."""

    imposed_at: dt.datetime
    expires_at: dt.datetime | None = None
    lifted_at: dt.datetime | None = None

    @property
    def ends_at(self) -> dt.datetime | None:
        ends = [t for t in (self.expires_at, self.lifted_at) if t is not None]
        return min(ends) if ends else None

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.imposed_at < end and (self.ends_at is None or self.ends_at > start)

    def in_force(self, now: dt.datetime) -> bool:
        return self.imposed_at <= now and (self.ends_at is None or self.ends_at > now)


@dataclasses.dataclass(frozen=True)
class Activity:
    """What a rule may look at about one person: their facts, their sanctions, the badges they hold (and since)."""

    facts: tuple[PersonFact, ...] = ()
    sanctions: tuple[SanctionSpan, ...] = ()
    held_since: Mapping[str, dt.datetime] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class BadgeRule:
    """One rule, as data (seed/badge_rules.json). The rule is named after its badge: one rule per badge."""

    badge: str
    kind: Kind
    events: tuple[str, ...]
    threshold: int = 1
    window_days: int | None = None
    revoke_on: tuple[str, ...] = ()
    total_at_least: int | None = None
    room_topic: str | None = None
    courses: tuple[str, ...] = ()
    requires_badge: str | None = None
    summary: str = ""

    @property
    def label(self) -> str:
        """Who an award by this rule is by (`awarded_by`, `revoked_by`)."""
        return f"{RULE_LABEL_PREFIX}{self.badge}"

    @property
    def fact(self) -> Fact | None:
        if self.kind in KIND_FACT:
            return KIND_FACT[self.kind]
        return next((EVENT_FACTS[e] for e in self.events if EVENT_FACTS.get(e) is not None), None)

    @property
    def reads_counts(self) -> bool:
        """Whether the rule reads how many times a (fact, key) was recorded, not only that it was (a count of
        posts would; days active, hearts per giver and message, sessions and courses do not)."""
        return self.kind in (Kind.COUNT, Kind.DISTINCT_COUNT) and self.fact is not Fact.HEART_FROM

    @property
    def reason(self) -> str:
        return f"earned automatically ({self.label}): {self.summary or self.kind.value}"

    # --- evaluation --------------------------------------------------------------------------------------

    def holds(self, activity: Activity, now: dt.datetime) -> bool:
        """Whether the person meets the rule now."""
        if self.kind is Kind.HELD_WITHOUT_SANCTION:
            since = activity.held_since.get(self.requires_badge or "")
            period = dt.timedelta(days=self.threshold)
            return (since is not None and since <= now - period
                    and not any(s.overlaps(now - period, now + dt.timedelta(microseconds=1))
                                for s in activity.sanctions))
        facts = self._facts(activity, now)
        match self.kind:
            case Kind.FIRST:
                return bool(facts)
            case Kind.COUNT | Kind.SESSIONS_ATTENDED | Kind.COURSES_COMPLETED:
                return sum(f.count for f in facts) >= self.threshold
            case Kind.DISTINCT_COUNT:
                return (len({_from_whom(f) for f in facts}) >= self.threshold
                        and sum(f.count for f in facts) >= (self.total_at_least or 0))
            case Kind.DAYS_WITHOUT_SANCTION:
                if any(s.in_force(now) for s in activity.sanctions):
                    return False
                return sum(1 for f in facts if not self._sanctioned_day(f.key, activity.sanctions)) >= self.threshold
        return False  # pragma: no cover - every kind is matched above

    def _facts(self, activity: Activity, now: dt.datetime) -> list[PersonFact]:
        since = now - dt.timedelta(days=self.window_days) if self.window_days else None
        facts = [f for f in activity.facts if f.fact is self.fact and (since is None or f.last_at >= since)]
        if self.room_topic is not None:
            facts = [f for f in facts if f.tag == self.room_topic]
        if self.courses:
            facts = [f for f in facts if f.key in self.courses]
        if self.fact is Fact.COURSE_COMPLETED:  # a revoked completion does not count
            revoked = {f.tag for f in activity.facts if f.fact is Fact.COMPLETION_REVOKED}
            facts = [f for f in facts if f.key not in revoked]
        if self.fact is Fact.HEART_FROM:  # taken back and given again, a heart on a message is still one heart
            facts = [dataclasses.replace(f, count=1) for f in facts]
        if self.kind is Kind.SESSIONS_ATTENDED or self.kind is Kind.COURSES_COMPLETED:
            facts = [dataclasses.replace(f, count=1) for f in facts]  # a session or course counts once
        return facts

    @staticmethod
    def _sanctioned_day(day: str, sanctions: Iterable[SanctionSpan]) -> bool:
        start = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
        return any(s.overlaps(start, start + dt.timedelta(days=1)) for s in sanctions)

    # --- the decision ------------------------------------------------------------------------------------

    def decide(self, person_id: str, activity: Activity, history: Sequence[BadgeAward],
               now: dt.datetime) -> Decision | None:
        """Award, revoke or nothing, given the person's activity and every award of this badge they ever had.

        A held badge is taken back only by a rule with `revoke_on`: when the rule awarded it and no longer holds,
        or (whoever awarded it) when a sanction was imposed after the award. A badge whose last revocation was
        someone's decision (not a rule's) is not awarded again by the rule: people overrule rules."""
        held = next((a for a in history if a.revoked_at is None), None)
        generation = sum(1 for a in history if a.revoked_at is not None and a is not held)
        if held is not None:
            if not self.revoke_on:
                return None
            sanctioned_since = any(s.imposed_at >= held.awarded_at for s in activity.sanctions)
            if sanctioned_since or (held.awarded_by == self.label and not self.holds(activity, now)):
                return Decision(revoke=True, key=f"{self.label}:{person_id}:{generation}:revoked")
            return None
        last_revoked = max((a for a in history if a.revoked_at is not None), key=lambda a: a.revoked_at, default=None)
        if last_revoked is not None and not (last_revoked.revoked_by or "").startswith(RULE_LABEL_PREFIX):
            return None
        if self.holds(activity, now):
            return Decision(revoke=False, key=f"{self.label}:{person_id}:{generation}")
        return None


def kept_once(rules: Iterable[BadgeRule], fact: Fact) -> bool:
    """Whether, under these rules, a (fact, key) matters only as having happened: no rule reads how many times.
    Such a fact is recorded once however often its event comes (a redelivery changes nothing without the
    inbox), and an event that adds no new one changes nothing a rule looks at."""
    return not any(r.fact is fact and r.reads_counts for r in rules)


def times_read(rules: Iterable[BadgeRule], fact: Fact) -> bool:
    """Whether some rule looks at when a fact last happened (a window)."""
    return any(r.fact is fact and r.window_days for r in rules)


def _from_whom(fact: PersonFact) -> str:
    """Who a fact came from, for a distinct count: a heart's giver (its tag), else the fact's key."""
    return fact.tag if fact.fact is Fact.HEART_FROM else fact.key


@dataclasses.dataclass(frozen=True)
class Decision:
    """What a rule decided for one person and badge, with the idempotency key that makes it happen once: derived
    from (rule, person, how many times the badge was taken back before), so a retry or a twin does it once and a
    badge earned again after a revocation is a new award."""

    revoke: bool
    key: str


# --- the rules as data ---------------------------------------------------------------------------------------


def parse_rule(data: Any) -> BadgeRule:
    """A rule from its JSON form; errors.InvalidBadgeRule names the field at fault."""
    if not isinstance(data, Mapping):
        raise errors.InvalidBadgeRule("a badge rule must be an object")
    unknown = set(data) - _FIELDS
    badge = data.get("badge")
    where = f"rule for {badge!r}" if isinstance(badge, str) else "rule"
    if unknown:
        raise errors.InvalidBadgeRule(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    if not isinstance(badge, str) or not badge or len(RULE_LABEL_PREFIX + badge) > LABEL_MAX:
        raise errors.InvalidBadgeRule(f"{where}: badge must be the slug of a badge, at most "
                                      f"{LABEL_MAX - len(RULE_LABEL_PREFIX)} characters (awards name the rule)")
    try:
        kind = Kind(data.get("kind"))
    except ValueError:
        raise errors.InvalidBadgeRule(
            f"{where}: kind must be one of {', '.join(k.value for k in Kind)}") from None
    events = _strings(data.get("events"), where, "events")
    if not events or any(e not in EVENT_FACTS for e in events):
        raise errors.InvalidBadgeRule(f"{where}: events must name some of {', '.join(EVENT_FACTS)}")
    revoke_on = _strings(data.get("revoke_on", []), where, "revoke_on")
    if any(e not in REVOKE_ON for e in revoke_on):
        raise errors.InvalidBadgeRule(f"{where}: revoke_on may name only {', '.join(REVOKE_ON)}")
    rule = BadgeRule(
        badge=badge, kind=kind, events=events, threshold=_count(data.get("threshold", 1), where, "threshold"),
        window_days=_count(data["window_days"], where, "window_days") if data.get("window_days") is not None else None,
        revoke_on=revoke_on,
        total_at_least=(_count(data["total_at_least"], where, "total_at_least")
                        if data.get("total_at_least") is not None else None),
        room_topic=data.get("room_topic"), courses=_strings(data.get("courses", []), where, "courses"),
        requires_badge=data.get("requires_badge"), summary=str(data.get("summary", "")),
    )
    if kind is Kind.SESSIONS_ATTENDED and not isinstance(rule.room_topic, str):
        raise errors.InvalidBadgeRule(f"{where}: a sessions_attended rule names the room_topic of its sessions")
    if kind is Kind.HELD_WITHOUT_SANCTION and not isinstance(rule.requires_badge, str):
        raise errors.InvalidBadgeRule(f"{where}: a held_without_sanction rule names the requires_badge")
    if kind is not Kind.HELD_WITHOUT_SANCTION and rule.fact is None:
        raise errors.InvalidBadgeRule(f"{where}: none of its events gives the facts a {kind.value} rule counts")
    if kind is Kind.DAYS_WITHOUT_SANCTION and not {"sanction_imposed", "sanction_lifted"} <= set(events):
        raise errors.InvalidBadgeRule(f"{where}: a days_without_sanction rule listens to sanction_imposed and "
                                      "sanction_lifted too")
    return rule


def parse_rules(items: Any, badge_slugs: Iterable[str]) -> tuple[BadgeRule, ...]:
    """The rule set: each rule valid, for a badge of the catalogue, at most one rule per badge."""
    if not isinstance(items, list):
        raise errors.InvalidBadgeRule("badge rules must be a list")
    known = set(badge_slugs)
    rules = tuple(parse_rule(item) for item in items)
    seen: set[str] = set()
    for rule in rules:
        for slug in (rule.badge, rule.requires_badge):
            if slug is not None and slug not in known:
                raise errors.InvalidBadgeRule(f"rule for {rule.badge!r}: no badge {slug!r} in the catalogue")
        if rule.badge in seen:
            raise errors.InvalidBadgeRule(f"two rules for {rule.badge!r}: one rule per badge")
        seen.add(rule.badge)
    return rules


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise errors.InvalidBadgeRule(f"{where}: {field} must be a list of names")
    return tuple(value)


def _count(value: Any, where: str, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise errors.InvalidBadgeRule(f"{where}: {field} must be a whole number, 1 or more")
    return value
