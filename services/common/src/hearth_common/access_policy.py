"""Cross-cutting (pure): the access-policy language of badge locks (room doors, course enrolment): AND/OR/NOT
over badges, kind, cohort and roles; the expression tree, its JSON form, evaluation, explanations and summaries."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from hearth_common import vocabulary
from hearth_common.errors import InvalidArgument
from hearth_common.people import PersonFacts
from hearth_common.people import RoleFact as RoleFact  # the person at the door, with PersonFacts
from hearth_common.text import shown
from hearth_common.vocabulary import BADGE_SLUG


class InvalidPolicy(InvalidArgument):
    """An access policy is malformed; `path` says where in it (empty for the policy as a whole)."""

    def __init__(self, problem: str, path: str = ""):
        super().__init__(f"{path or 'policy'}: {problem}")
        self.problem = problem
        self.path = path

    def __reduce__(self):
        # The default pickling re-calls __init__ with the full message, which would prefix the path twice.
        return (type(self), (self.problem, self.path))


# What a policy may name, as plain strings (a policy is JSON; the vocabulary's enums compare equal to them).
KINDS: tuple[str, ...] = vocabulary.values(vocabulary.Kind)
COHORTS: tuple[str, ...] = vocabulary.values(vocabulary.Cohort)
ROLES: tuple[str, ...] = vocabulary.values(vocabulary.Role)
ROLE_NAMES: Mapping[str, str] = MappingProxyType({role.value: role.display_name for role in vocabulary.Role})
KEYS: tuple[str, ...] = ("badge", "kind", "cohort", "role", "all_of", "any_of", "not", "always")
MAX_DEPTH = 8
MAX_NODES = 64
# The most characters of a policy's JSON text as a client sends it (gRPC's access_policy_json): the largest
# policy MAX_NODES and MAX_DEPTH allow, its slugs at their longest and written out indented, is well within
# it (a unit test measures; only JSON spelling every character as a \u escape could need more); the JSON
# form has no other bound, and the edge refuses longer text unread.
POLICY_JSON_MAX = 16_384

_NO_NAMES: Mapping[str, str] = MappingProxyType({})
_ONE = {
    vocabulary.Kind.MEMBER: "a member",
    vocabulary.Kind.LISTENER: "a listener",
    vocabulary.Cohort.TEEN: "a teen",
    vocabulary.Cohort.ADULT: "an adult",
}
_MANY = {
    vocabulary.Kind.MEMBER: "members",
    vocabulary.Kind.LISTENER: "listeners",
    vocabulary.Cohort.TEEN: "teens",
    vocabulary.Cohort.ADULT: "adults",
}


# --- checks shared by the constructors and the parser ----------------------------------------------


def _shown(value: Any) -> str:
    """A value as the JSON author wrote it, short enough for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def _slug(value: Any, path: str) -> str:
    if not BADGE_SLUG.fullmatch(value):
        raise InvalidPolicy(f"invalid badge slug {_shown(value)}; expected {BADGE_SLUG.rule}", path)
    return str(value)


def _choice(value: Any, choices: tuple[str, ...], what: str, path: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidPolicy(f"unknown {what} {_shown(value)}; expected one of {', '.join(choices)}", path)
    # The canonical plain string, so a str-based enum member passed in compares and serialises as its value.
    return choices[choices.index(value)]


def _children(items: Iterable[Expr], what: str) -> tuple[Expr, ...]:
    items = tuple(items)
    if not items:
        raise InvalidPolicy(f"{what} must list at least one condition")
    for item in items:
        _operand(item, what)
    return items


def _operand(item: Any, what: str) -> None:
    if isinstance(item, Always):
        raise InvalidPolicy(f"'always' is only allowed as the whole policy, not inside {what}")
    if not isinstance(item, _CONDITIONS):
        raise InvalidPolicy(f"{what} takes policy conditions, got {_shown(item)}")


# --- the expression tree ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Badge:
    """Holds the badge with this catalogue slug."""

    slug: str

    def __post_init__(self):
        object.__setattr__(self, "slug", _slug(self.slug, ""))


@dataclasses.dataclass(frozen=True)
class Kind:
    """Is a member or a listener."""

    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _choice(self.value, KINDS, "kind", ""))


@dataclasses.dataclass(frozen=True)
class Cohort:
    """Is a teen or an adult."""

    value: str

    def __post_init__(self):
        object.__setattr__(self, "value", _choice(self.value, COHORTS, "cohort", ""))


@dataclasses.dataclass(frozen=True)
class Role:
    """Holds an unexpired grant of this role, global or scoped to the room being entered."""

    role: str

    def __post_init__(self):
        object.__setattr__(self, "role", _choice(self.role, ROLES, "role", ""))


@dataclasses.dataclass(frozen=True)
class AllOf:
    """Every item holds."""

    items: tuple[Expr, ...]

    def __post_init__(self):
        object.__setattr__(self, "items", _children(self.items, "all_of"))


@dataclasses.dataclass(frozen=True)
class AnyOf:
    """At least one item holds."""

    items: tuple[Expr, ...]

    def __post_init__(self):
        object.__setattr__(self, "items", _children(self.items, "any_of"))


@dataclasses.dataclass(frozen=True)
class Not:
    """The inner condition does not hold."""

    expr: Expr

    def __post_init__(self):
        _operand(self.expr, "not")


@dataclasses.dataclass(frozen=True)
class Always:
    """An open room: everyone may enter. Only ever the whole policy, never part of one."""


Expr = Badge | Kind | Cohort | Role | AllOf | AnyOf | Not | Always
_CONDITIONS = (Badge, Kind, Cohort, Role, AllOf, AnyOf, Not)


# --- the JSON form ----------------------------------------------------------------------------------


# Policies parsed lately, by the repr of their JSON-able form: a room's or course's policy is read with it on every
# call that asks its door (a join, a page, a post; ListRooms each listed room's), and an expression is immutable.
# The repr costs a quarter of a parse (measured: 5 against 21 us for a three-badge lock); a different key order
# is only a miss. Bounded: emptied when full.
_PARSED: dict[str, Expr] = {}
PARSED_KEPT = 1024


def parse_policy(data: Any) -> Expr:
    """The policy a JSON-able value describes; None means an open room. Raises InvalidPolicy saying where."""
    if data is None:
        return Always()
    try:
        key = repr(data)
    except RecursionError:  # nested past any legal depth: the parser says where
        return _parse(data)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = _parse(data)
        if len(_PARSED) >= PARSED_KEPT:
            _PARSED.clear()
        _PARSED[key] = parsed
    return parsed


def _parse(data: Any) -> Expr:
    if isinstance(data, Mapping) and len(data) == 1 and "always" in data:
        if data["always"] is not True:
            raise InvalidPolicy(f"must be true, got {_shown(data['always'])}", "always")
        return Always()
    return _Parser().node(data, "", 1)


class _Parser:
    def __init__(self):
        self.nodes = 0

    def node(self, data: Any, path: str, depth: int) -> Expr:
        # Checked before descending, so neither a deep nor a huge document costs more than the limits allow.
        if depth > MAX_DEPTH:
            raise InvalidPolicy(f"nested deeper than {MAX_DEPTH} levels", path)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InvalidPolicy(
                f"the policy has more than {MAX_NODES} parts (each badge, kind, cohort, role, all_of, any_of"
                " and not counts as one)",
                path,
            )
        if not isinstance(data, Mapping):
            raise InvalidPolicy(
                f"expected an object with one of the keys {', '.join(KEYS)}; got {_shown(data)}", path
            )
        if len(data) != 1:
            if not data:
                raise InvalidPolicy(f"empty object; expected one of the keys {', '.join(KEYS)}", path)
            keys = ", ".join(repr(key) for key in data)
            raise InvalidPolicy(
                f"expected exactly one key, got {len(data)}: {keys}; put each condition in its own object"
                " inside all_of or any_of",
                path,
            )
        ((key, value),) = data.items()
        if key not in KEYS:
            raise InvalidPolicy(f"unknown key {_shown(key)}; expected one of {', '.join(KEYS)}", path)
        here = f"{path}.{key}" if path else key
        if key == "badge":
            return Badge(_slug(value, here))
        if key == "kind":
            return Kind(_choice(value, KINDS, "kind", here))
        if key == "cohort":
            return Cohort(_choice(value, COHORTS, "cohort", here))
        if key == "role":
            return Role(_choice(value, ROLES, "role", here))
        if key in ("all_of", "any_of"):
            if not isinstance(value, (list, tuple)):
                raise InvalidPolicy(f"expected a list of conditions, got {_shown(value)}", here)
            if not value:
                raise InvalidPolicy("must list at least one condition", here)
            items = tuple(self.node(item, f"{here}[{index}]", depth + 1) for index, item in enumerate(value))
            return AllOf(items) if key == "all_of" else AnyOf(items)
        if key == "not":
            return Not(self.node(value, here, depth + 1))
        raise InvalidPolicy("'always' is only allowed as the whole policy, not inside all_of, any_of or not", path)


def to_dict(expr: Expr) -> dict[str, Any]:
    """The JSON-able form parse_policy reads back to an equal expression."""
    match expr:
        case Badge(slug):
            return {"badge": slug}
        case Kind(value):
            return {"kind": value}
        case Cohort(value):
            return {"cohort": value}
        case Role(role):
            return {"role": role}
        case AllOf(items):
            return {"all_of": [to_dict(item) for item in items]}
        case AnyOf(items):
            return {"any_of": [to_dict(item) for item in items]}
        case Not(inner):
            return {"not": to_dict(inner)}
        case Always():
            return {"always": True}
    raise TypeError(f"not a policy expression: {expr!r}")


def badge_slugs(expr: Expr) -> frozenset[str]:
    """Every badge the policy mentions, required or refused."""
    match expr:
        case Badge(slug):
            return frozenset((slug,))
        case AllOf(items) | AnyOf(items):
            return frozenset().union(*(badge_slugs(item) for item in items))
        case Not(inner):
            return badge_slugs(inner)
    return frozenset()


# --- evaluation -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Door:
    facts: PersonFacts
    room_id: str
    now: dt.datetime

    def holds(self, expr: Expr) -> bool:
        match expr:
            case Badge(slug):
                return slug in self.facts.badges
            case Kind(value):
                return self.facts.kind == value
            case Cohort(value):
                return self.facts.cohort == value
            case Role(role):
                return self.facts.has_role(role, self.room_id, self.now)
            case AllOf(items):
                return all(self.holds(item) for item in items)
            case AnyOf(items):
                return any(self.holds(item) for item in items)
            case Not(inner):
                return not self.holds(inner)
            case Always():
                return True
        raise TypeError(f"not a policy expression: {expr!r}")


def evaluate(expr: Expr, facts: PersonFacts, room_id: str, now: dt.datetime) -> bool:
    """Whether the person may enter the room now under this policy."""
    return _Door(facts, room_id, now).holds(expr)


# --- explanation ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Need:
    """One thing the person lacks: a sentence on its own, a phrase inside a list of alternatives."""

    sentence: str
    phrase: str
    badge: str | None = None  # the display name, when the need is exactly "earn this badge"
    refused_badge: str | None = None  # the display name, when the need is exactly "not hold this badge"
    alternatives: bool = False


def _alternative(needs: list[_Need]) -> str:
    if len(needs) == 1:
        return needs[0].phrase
    return " and ".join(f"({need.phrase})" if need.alternatives else need.phrase for need in needs)


def _one_of(alternatives: list[list[_Need]], place: str) -> _Need:
    singles = [needs[0] for needs in alternatives if len(needs) == 1]
    if len(singles) == len(alternatives) and all(need.badge for need in singles):
        names = ", ".join(need.badge for need in singles)
        return _Need(f"earn one of: {names}", f"earn one of ({names})", alternatives=True)
    if len(singles) == len(alternatives) and all(need.refused_badge for need in singles):
        names = ", ".join(need.refused_badge for need in singles)
        return _Need(
            f"this {place} is not open to holders of all of: {names}", f"not hold all of ({names})", alternatives=True
        )
    phrases = [_alternative(needs) for needs in alternatives]
    nested = [f"({phrase})" if len(needs) > 1 else phrase for phrase, needs in zip(phrases, alternatives)]
    return _Need("one of: " + "; or ".join(phrases), "either " + " or ".join(nested), alternatives=True)


@dataclasses.dataclass(frozen=True)
class _Explainer:
    door: _Door
    badge_names: Mapping[str, str]
    place: str

    def unmet(self, expr: Expr, negated: bool) -> list[_Need]:
        """What the person lacks for expr (for not-expr when negated); empty exactly when it holds."""
        match expr:
            case AllOf(items) | AnyOf(items):
                # De Morgan: a negated all_of needs any one item to fail, a negated any_of needs all to fail.
                every = isinstance(expr, AllOf) != negated
                if every:
                    needs: list[_Need] = []
                    for item in items:
                        for need in self.unmet(item, negated):
                            if all(need.sentence != known.sentence for known in needs):
                                needs.append(need)
                    return needs
                alternatives = [self.unmet(item, negated) for item in items]
                return [] if any(not needs for needs in alternatives) else [_one_of(alternatives, self.place)]
            case Not(inner):
                return self.unmet(inner, not negated)
        if self.door.holds(expr) != negated:
            return []
        return [self.leaf(expr, negated)]

    def leaf(self, expr: Expr, negated: bool) -> _Need:
        match expr:
            case Badge(slug):
                name = self.badge_names.get(slug) or slug
                if negated:
                    return _Need(
                        f"this {self.place} is not open to holders of: {name}", f"not hold {name}", refused_badge=name
                    )
                return _Need(f"earn: {name}", f"earn {name}", badge=name)
            case Kind(value) | Cohort(value):
                if negated:
                    return _Need(f"this {self.place} is not open to {_MANY[value]}", f"not be {_ONE[value]}")
                return _Need(f"this {self.place} is for {_MANY[value]}", f"be {_ONE[value]}")
            case Role(role):
                name = ROLE_NAMES[role]
                if negated:
                    return _Need(
                        f"this {self.place} is not open to people with the role: {name}", f"not have the role {name}"
                    )
                return _Need(f"be granted the role: {name}", f"be granted the role {name}")
        # Not(Always()) cannot be built; this keeps explain total all the same.
        return _Need(f"this {self.place} is closed to everyone", f"be let into a closed {self.place}")


def explain(
    expr: Expr,
    facts: PersonFacts,
    room_id: str,
    now: dt.datetime,
    badge_names: Mapping[str, str] = _NO_NAMES,
    place: str = "room",
) -> list[str]:
    """What the person still needs to enter (a room, or `place`: "course" for enrolment), one sentence each; empty
    exactly when evaluate() is True."""
    return [need.sentence for need in _Explainer(_Door(facts, room_id, now), badge_names, place).unmet(expr, False)]


# --- listing summary --------------------------------------------------------------------------------


def _listed(texts: list[str], conjunction: str) -> str:
    if len(texts) == 1:
        return texts[0]
    return f"{', '.join(texts[:-1])} {conjunction} {texts[-1]}"


def _summary(expr: Expr, names: Mapping[str, str]) -> tuple[str, bool]:
    """A noun phrase for the condition, and whether it is a compound needing brackets when nested."""
    match expr:
        case Badge(slug):
            return names.get(slug) or slug, False
        case Kind(value) | Cohort(value):
            return f"being {_ONE[value]}", False
        case Role(role):
            return f"the {ROLE_NAMES[role]} role", False
        case Not(Badge(slug)):
            return f"not holding {names.get(slug) or slug}", False
        case Not(Kind(value) | Cohort(value)):
            return f"not being {_ONE[value]}", False
        case Not(Role(role)):
            return f"not having the {ROLE_NAMES[role]} role", False
        case Not(inner):
            return f"not ({_summary(inner, names)[0]})", False
        case AllOf(items) | AnyOf(items):
            parts = [_summary(item, names) for item in items]
            if len(parts) == 1:
                return parts[0]
            if isinstance(expr, AnyOf):
                texts = [f"({text})" if compound else text for text, compound in parts]
                return f"one of {_listed(texts, 'or')}", True
            if not any(compound for _, compound in parts):
                return _listed([text for text, _ in parts], "and"), True
            texts = [f"({text})" if isinstance(item, AllOf) and compound else text
                     for item, (text, compound) in zip(items, parts)]
            return ", and ".join(texts), True
        case Always():
            return "everyone", False
    raise TypeError(f"not a policy expression: {expr!r}")


def describe(expr: Expr, badge_names: Mapping[str, str] = _NO_NAMES) -> str:
    """A one-line summary of the policy for room listings."""
    if isinstance(expr, Always):
        return "Open to everyone"
    return "Requires " + _summary(expr, badge_names)[0]
