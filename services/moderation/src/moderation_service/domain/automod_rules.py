"""Domain: the automod rules moderation manages (on common's matcher, hearth_common.automod): each rule with the
report reason its flags carry, the versioned rule set, who may manage which scope, and automod's reports."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from hearth_common.automod import DEFAULT_RULES, Action, Hit, InvalidRule, Kind, Rule, RuleSet, compile_regex
from hearth_common.automod.rules import EXPLANATION_MAX, PATTERN_MAX, RULE_DETECTORS
from hearth_common.contracts.moderation import REPORT_REASONS
from hearth_common.ids import ID_MAX
from hearth_common.people import PersonFacts, is_admin
from hearth_common.vocabulary import ROOM_SLUG, Cohort, Role, values
from moderation_service.domain.errors import InvalidAutomodRule, NotAnAutomodManager

# The reporter of automod's reports: not a person (person ids are UUIDs), so its reports count in no person's
# accuracy and are never paced.
AUTOMOD = "automod"
# Who changed the first version (the defaults): moderation itself, not a person.
FIRST_VERSION_BY = "moderation"
FIRST_VERSION = 1
# What a detector's flag is reported as; a word, phrase, wildcard or regex rule's flag carries its configured
# reason, `other` when it has none.
DETECTOR_REASONS: dict[str, str] = {
    "contact": "contact_details",
    "medication": "drug_names",
    "abusive": "abusive_language",
    "spam": "spam",
}
assert set(DETECTOR_REASONS) == {d.value for d in RULE_DETECTORS}
DEFAULT_REASON = "other"
SCOPE_ALL = "all"
# Each rule set version is a change; concurrent changes are serialised (adapters: an advisory transaction lock)
# and the version number is also the history's primary key.
ONE_VERSION = "pk_automod_rule_sets"
ONE_FLAG = "pk_automod_flags"
RULE_ID_MAX = ID_MAX  # as the edge's limit of an id (the matcher allows longer; moderation makes UUIDs)


@dataclasses.dataclass(frozen=True)
class ManagedRule:
    """A rule of the set with what moderation alone needs of it: the report reason its flags carry."""

    rule: Rule
    report_reason: str | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def reason(self) -> str:
        """The reason an automod report for this rule's flag gives."""
        if self.rule.kind is Kind.DETECTOR:
            return DETECTOR_REASONS[self.rule.pattern]
        return self.report_reason or DEFAULT_REASON

    def to_record(self) -> dict:
        return {**self.rule.to_dict(), "report_reason": self.report_reason}

    @classmethod
    def from_record(cls, record: Mapping) -> ManagedRule:
        return cls(Rule.from_dict(record), record.get("report_reason"))


@dataclasses.dataclass(frozen=True)
class RuleSetVersion:
    """One version of the whole rule set: what `automod_rules_changed` announces and room applies."""

    version: int
    rules: tuple[ManagedRule, ...]
    changed_by: str
    changed_at: dt.datetime

    def rule_set(self) -> RuleSet:
        return RuleSet(self.version, tuple(r.rule for r in self.rules))

    def get(self, rule_id: str) -> ManagedRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def changed(self, rules: Iterable[ManagedRule], actor_id: str, now: dt.datetime) -> RuleSetVersion:
        """The next version holding `rules`; InvalidAutomodRule when the set cannot be used (too many rules)."""
        following = RuleSetVersion(self.version + 1, tuple(rules), actor_id, now)
        try:
            following.rule_set()
        except InvalidRule as exc:
            raise InvalidAutomodRule(f"rules: {exc}") from None
        return following

    def with_rule(self, rule: ManagedRule, actor_id: str, now: dt.datetime) -> RuleSetVersion:
        """The next version with `rule` added, or replacing the rule of its id in place."""
        if self.get(rule.id) is None:
            return self.changed((*self.rules, rule), actor_id, now)
        return self.changed((rule if r.id == rule.id else r for r in self.rules), actor_id, now)

    def without(self, rule_id: str, actor_id: str, now: dt.datetime) -> RuleSetVersion:
        return self.changed((r for r in self.rules if r.id != rule_id), actor_id, now)


def first_version(now: dt.datetime) -> RuleSetVersion:
    """The first version moderation publishes: the defaults, so room (which applies DEFAULT_RULE_SET, version 0,
    until an event arrives) and moderation agree from the start."""
    return RuleSetVersion(FIRST_VERSION, tuple(ManagedRule(r) for r in DEFAULT_RULES), FIRST_VERSION_BY, now)


# --- validation: each refusal names its field ----------------------------------------------------------------


def scope_of(value: object) -> str:
    """`all`, `cohort:teen|adult` or `room:<slug>`, or InvalidAutomodRule naming `scope`."""
    if not isinstance(value, str) or not value:
        raise InvalidAutomodRule("scope must be 'all', 'cohort:teen', 'cohort:adult' or 'room:<slug>'")
    kind, _, rest = value.partition(":")
    if value == SCOPE_ALL or (kind == "cohort" and rest in values(Cohort)):
        return value
    if kind == "room":
        if (refusal := ROOM_SLUG.refusal(rest, "scope's room slug")) is not None:
            raise InvalidAutomodRule(refusal)
        return value
    raise InvalidAutomodRule("scope must be 'all', 'cohort:teen', 'cohort:adult' or 'room:<slug>'")


def managed_rule(rule_id: str, spec: Mapping) -> ManagedRule:
    """A rule from a manager's request (kind, pattern, action, explanation, scope, exempt_roles, report_reason);
    InvalidAutomodRule naming the field that is wrong."""
    kind = spec.get("kind")
    if kind not in values(Kind):
        raise InvalidAutomodRule(f"kind must be one of {', '.join(values(Kind))}")
    action = spec.get("action")
    if action not in values(Action):
        raise InvalidAutomodRule(f"action must be one of {', '.join(values(Action))}")
    pattern = spec.get("pattern")
    if not isinstance(pattern, str) or not pattern.strip():
        raise InvalidAutomodRule("pattern is required")
    if len(pattern) > PATTERN_MAX:
        raise InvalidAutomodRule(f"pattern must be at most {PATTERN_MAX} characters")
    if kind == Kind.DETECTOR and pattern not in DETECTOR_REASONS:
        raise InvalidAutomodRule(
            f"pattern: a detector rule names one of {', '.join(DETECTOR_REASONS)} (crisis language is never a "
            "rule's business: it starts care by itself)")
    if kind == Kind.REGEX:
        try:
            compile_regex(pattern)
        except InvalidRule as exc:
            raise InvalidAutomodRule(f"pattern: {exc}") from None
    explanation = spec.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip() or len(explanation) > EXPLANATION_MAX:
        raise InvalidAutomodRule(f"explanation must be 1 to {EXPLANATION_MAX} characters")
    scope = scope_of(spec.get("scope") or SCOPE_ALL)
    exempt = spec.get("exempt_roles") or ()
    if isinstance(exempt, str) or any(role not in values(Role) for role in exempt):
        raise InvalidAutomodRule(f"exempt_roles must be among {', '.join(values(Role))}")
    reason = spec.get("report_reason") or None
    if reason is not None and reason not in REPORT_REASONS:
        raise InvalidAutomodRule(f"report_reason must be one of {', '.join(REPORT_REASONS)}")
    if reason is not None and kind == Kind.DETECTOR:
        raise InvalidAutomodRule("report_reason: a detector rule's reason is the detector's own")
    try:
        rule = Rule(rule_id, Kind(kind), pattern, Action(action), explanation.strip(), scope, tuple(exempt))
    except InvalidRule as exc:  # what the matcher alone knows (a word with no letters): the pattern's fault
        raise InvalidAutomodRule(f"pattern: {exc}") from None
    return ManagedRule(rule, reason)


# --- who manages what ------------------------------------------------------------------------------------------


def may_manage(manager: PersonFacts | None, scope: str, now: dt.datetime) -> bool:
    """Admins manage every scope; a chat room moderator only rules scoped to a room their role covers (for every
    room or that one); nobody else any."""
    if manager is None:
        return False
    if is_admin(manager, now):
        return True
    kind, _, slug = scope.partition(":")
    return kind == "room" and manager.has_role(Role.CHAT_ROOM_MODERATOR.value, slug, now)


def ensure_may_manage(manager: PersonFacts | None, scope: str, now: dt.datetime) -> None:
    if not may_manage(manager, scope, now):
        raise NotAnAutomodManager(
            f"only admins manage {scope!r} rules" if not scope.startswith("room:")
            else f"only admins and moderators of {scope.partition(':')[2]!r} manage its rules")


def may_see_rules(person: PersonFacts | None, now: dt.datetime) -> bool:
    """Moderators (of any room) and admins see the rules and test texts against them."""
    return person is not None and any(
        fact.role in (Role.CHAT_ROOM_MODERATOR.value, Role.ADMIN.value)
        and fact.counts(fact.room_id, now) for fact in person.roles)


def roles_of(value: Iterable[str]) -> tuple[str, ...]:
    """Role names given for a test (the author's roles), or InvalidAutomodRule naming `author_roles`."""
    roles = tuple(value or ())
    if any(role not in values(Role) for role in roles):
        raise InvalidAutomodRule(f"author_roles must be among {', '.join(values(Role))}")
    return roles


def roles_in(person: PersonFacts | None, room_slug: str, now: dt.datetime) -> tuple[str, ...]:
    """The roles a person holds in a room now (for every room, or that one): what a rule's exemptions look at."""
    if person is None:
        return ()
    return tuple(sorted({fact.role for fact in person.roles if fact.counts(room_slug, now)}))


# --- automod's flags -----------------------------------------------------------------------------------------


def flag_hits(version: RuleSetVersion, hits: Iterable[Hit]) -> list[tuple[ManagedRule, Hit]]:
    """The flags of flag-action rules, one per rule: a block or censor the matcher turned into a flag because the
    message reads as crisis is never flagged (crisis starts care, never a case)."""
    chosen: dict[str, tuple[ManagedRule, Hit]] = {}
    for hit in hits:
        managed = version.get(hit.rule_id)
        if managed is not None and managed.rule.action is Action.FLAG and hit.rule_id not in chosen:
            chosen[hit.rule_id] = (managed, hit)
    return list(chosen.values())


def flag_note(flags: Iterable[tuple[ManagedRule, Hit]]) -> str:
    """How an automod report reads in its case: "automod: <rule> (<detector or kind>)", one per rule."""
    return "automod: " + ", ".join(f"{managed.id} ({hit.source})" for managed, hit in flags)
