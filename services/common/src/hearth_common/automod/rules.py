"""Automod (pure): rules, the versioned rule set, and `evaluate`, the one matcher room (block and censor at
post time, from its read model of the rule set) and moderation (flag, on room's message_posted) both run.

A rule: `kind` is `word` (whole word), `phrase` (whole words in order), `wildcard` (a word or phrase where
`*` is any run of letters and `?` one letter) or `regex`; or `detector`, whose pattern names a built-in
detector (contact, medication, abusive, spam), so the default policies are rules too and admins may change
them. Words, phrases and wildcards match the canonical view (look-alikes, leetspeak, spacing and repeated
letters seen through); a regex matches the folded view (look-alikes resolved, lower case). `scope` is
`all`, `cohort:<teen|adult>` or `room:<slug>`; `action` is block (the post is refused with the explanation),
censor (the span is masked) or flag (a case in the queue); authors holding an `exempt_roles` role pass.
Crisis language is never a rule's business: it is read by `detectors`/`crisis` and only ever starts care."""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
import time
from collections.abc import Iterable, Mapping, Sequence

import regex

from hearth_common.automod import crisis, detectors
from hearth_common.automod.detectors import Detector, Finding, RecentMessage, Tier, Views, WordList
from hearth_common.errors import InvalidArgument
from hearth_common.vocabulary import Cohort, Role, values

REGEX_TIMEOUT_SECONDS = 0.02  # a regex rule that runs longer on one message counts as no match (and says so)
# All regex rules together on one message: past this budget the remaining regex rules are not run and count as
# no match (the verdict lists them in `timed_out`), so many slow-but-legal rules cannot add up to a stalled post.
REGEX_BUDGET_SECONDS = 0.05
PATTERN_MAX = 200
RULES_MAX = 2000
EXPLANATION_MAX = 300
MASK = "*"
# From this tier on a message is never refused or hidden whole by a rule (see _heard); it is still masked where
# a rule censors or blocks a span (a phone number in a teen room), so personal details stay private.
CRISIS_IS_HEARD = Tier.MEDIUM


class InvalidRule(InvalidArgument):
    """A rule or rule set that cannot be used, saying what to change."""


class Kind(enum.StrEnum):
    WORD = "word"
    PHRASE = "phrase"
    WILDCARD = "wildcard"
    REGEX = "regex"
    DETECTOR = "detector"


class Action(enum.StrEnum):
    BLOCK = "block"
    CENSOR = "censor"
    FLAG = "flag"


RULE_DETECTORS = (Detector.CONTACT, Detector.MEDICATION, Detector.ABUSIVE, Detector.SPAM)

# A regex rule's syntax, restricted: no backreferences, lookarounds, possessive/atomic tricks or inline
# flags, and no quantified group that itself holds a quantifier (the shape of catastrophic backtracking,
# "(a+)+", "(a|aa)*", "(\w+\s?)*"); whatever passes still runs under a timeout.
_REFUSED_SYNTAX = re.compile(r"\\[1-9]|\\g|\(\?[=!<(>|P]|\(\?[a-zA-Z]|[*+?}]\+|\(\?<")
# Read left to right, an escape pair is one token, so an escaped "\(" followed by "?" is a literal paren made
# optional, not a group's "(?" (only the escapes above are refused).
_SYNTAX_TOKENS = re.compile(r"\\[1-9]|\\g|\\.|\(\?[=!<(>|P]|\(\?[a-zA-Z]|[*+?}]\+|\(\?<")


def _refused_syntax(pattern: str) -> bool:
    return any(_REFUSED_SYNTAX.fullmatch(token.group()) for token in _SYNTAX_TOKENS.finditer(pattern))
_QUANTIFIER = re.compile(r"(?<!\\)(?:[*+]|\{\d*,?\d*\})")


def _nested_quantifier(pattern: str) -> bool:
    """True when a group that holds a quantifier (or an alternation) is itself quantified."""
    stack: list[bool] = []  # per open group: does it hold a quantifier or alternation
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            close = pattern.find("]", i + 2)
            i = close + 1 if close > 0 else len(pattern)
            continue
        if ch == "(":
            stack.append(False)
        elif ch == ")":
            inner = stack.pop() if stack else False
            following = pattern[i + 1 : i + 2]
            if inner and following and following in "*+{":
                return True
            if stack:
                stack[-1] = stack[-1] or inner
        elif ch in "*+|" or (ch == "{" and _QUANTIFIER.match(pattern, i)) or (ch == "?" and pattern[i - 1] != "("):
            # "?" repeats too (zero or one, or a lazy quantifier's mark), except as a group's "(?:" opening
            if stack:
                stack[-1] = True
        i += 1
    return False


def compile_regex(pattern: str) -> regex.Pattern:
    """A regex rule's pattern compiled, or InvalidRule saying why it is refused."""
    if len(pattern) > PATTERN_MAX:
        raise InvalidRule(f"a regex pattern must be at most {PATTERN_MAX} characters")
    if _refused_syntax(pattern):
        raise InvalidRule(
            "a regex pattern may not use backreferences, lookarounds, inline flags or possessive quantifiers"
        )
    if _nested_quantifier(pattern):
        raise InvalidRule(
            "a regex pattern may not repeat a group that itself repeats or alternates (catastrophic backtracking)"
        )
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except regex.error as exc:
        raise InvalidRule(f"the regex pattern does not compile: {exc}") from None


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A wildcard rule as a pattern over the canonical view: `*` any run of letters or digits, `?` one; the
    literal parts spelled as the canonical view spells text."""
    body = []
    for part in re.split(r"([*?])", pattern):
        if part == "*":
            body.append("[a-z0-9]*")
        elif part == "?":
            body.append("[a-z0-9]")
        elif part:
            core = detectors.normalise.squeezed_word(part)
            lead = " " if part[0].isspace() and body else ""
            trail = " " if part[-1].isspace() else ""
            body.append(re.escape(lead + core + trail) if core else (" " if lead or trail else ""))
    return re.compile(rf"(?<![a-z0-9]){''.join(body).strip()}(?![a-z0-9])")


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    pattern: str
    action: Action
    explanation: str
    scope: str = "all"
    exempt_roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not 1 <= len(self.id) <= 100:
            raise InvalidRule("a rule's id must be 1 to 100 characters")
        try:
            object.__setattr__(self, "kind", Kind(self.kind))
            object.__setattr__(self, "action", Action(self.action))
        except ValueError:
            raise InvalidRule(
                f"rule {self.id!r}: kind must be one of {values(Kind)}, action one of {values(Action)}"
            ) from None
        if not isinstance(self.pattern, str) or not self.pattern.strip() or len(self.pattern) > PATTERN_MAX:
            raise InvalidRule(f"rule {self.id!r}: the pattern must be 1 to {PATTERN_MAX} characters")
        if (
            not isinstance(self.explanation, str)
            or not self.explanation.strip()
            or len(self.explanation) > EXPLANATION_MAX
        ):
            raise InvalidRule(f"rule {self.id!r}: the explanation must be 1 to {EXPLANATION_MAX} characters")
        if not isinstance(self.scope, str):
            raise InvalidRule(f"rule {self.id!r}: scope must be text")
        scope_kind, _, scope_value = self.scope.partition(":")
        if not (
            self.scope == "all"
            or (scope_kind == "cohort" and scope_value in values(Cohort))
            or (scope_kind == "room" and scope_value)
        ):
            raise InvalidRule(f"rule {self.id!r}: scope must be 'all', 'cohort:teen', 'cohort:adult' or 'room:<slug>'")
        if isinstance(self.exempt_roles, str) or not all(isinstance(r, str) for r in self.exempt_roles):
            raise InvalidRule(f"rule {self.id!r}: exempt roles must be a list of role names")
        roles = tuple(sorted(set(self.exempt_roles)))
        if any(role not in values(Role) for role in roles):
            raise InvalidRule(f"rule {self.id!r}: exempt roles must be among {values(Role)}")
        object.__setattr__(self, "exempt_roles", roles)
        if self.kind is Kind.DETECTOR and self.pattern not in values(Detector):
            raise InvalidRule(
                f"rule {self.id!r}: a detector rule names one of {tuple(d.value for d in RULE_DETECTORS)}"
            )
        if self.kind is Kind.DETECTOR and self.pattern not in {d.value for d in RULE_DETECTORS}:
            raise InvalidRule(
                f"rule {self.id!r}: crisis language is never blocked, censored or flagged by a rule; "
                "it starts care (a care notice and a page) by itself"
            )
        if self.kind is Kind.REGEX:
            compile_regex(self.pattern)
        if self.kind in (Kind.WORD, Kind.PHRASE, Kind.WILDCARD) and not detectors.normalise.squeezed_word(
            self.pattern.replace("*", " ").replace("?", " ")
        ):
            raise InvalidRule(f"rule {self.id!r}: a word, phrase or wildcard needs letters or digits")

    def applies(self, room: str, cohort: str, author_roles: Iterable[str]) -> bool:
        if self.exempt_roles and set(self.exempt_roles) & set(author_roles):
            return False
        if self.scope == "all":
            return True
        kind, _, value = self.scope.partition(":")
        return value == (cohort if kind == "cohort" else room)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "pattern": self.pattern,
            "action": self.action.value,
            "explanation": self.explanation,
            "scope": self.scope,
            "exempt_roles": list(self.exempt_roles),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Rule:
        if not isinstance(data, Mapping):
            raise InvalidRule("a rule must be an object")
        exempt = data.get("exempt_roles", ())
        if not isinstance(exempt, (list, tuple)):
            raise InvalidRule("exempt_roles must be a list of role names")
        try:
            return cls(
                id=data["id"],
                kind=data["kind"],
                pattern=data["pattern"],
                action=data["action"],
                explanation=data["explanation"],
                scope=data.get("scope", "all"),
                exempt_roles=tuple(exempt),
            )
        except KeyError as exc:
            raise InvalidRule(f"a rule needs {exc.args[0]!r}") from None


@dataclasses.dataclass(frozen=True)
class Hit:
    """One rule that a text triggered: its id, action, what matched it (a detector's name or the rule's
    kind), the rule's explanation and the finding's reason; `start`/`end` is the span in the text."""

    rule_id: str
    action: Action
    source: str
    explanation: str
    reason: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "action": self.action.value,
            "source": self.source,
            "explanation": self.explanation,
            "reason": self.reason,
            "start": self.start,
            "end": self.end,
        }


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What a text triggers. `blocked`: refused, with each rule's explanation; `censored_text`: the text with
    every censor span masked (the text itself when none); `flags`: a case for the queue; `crisis`: the tier
    (care, never a penalty); `timed_out`: regex rules that ran out of time on this text (counted as no match);
    `over_budget`: those of them not run at all because the message's regex budget was spent (also in
    `timed_out`)."""

    blocks: tuple[Hit, ...]
    censors: tuple[Hit, ...]
    flags: tuple[Hit, ...]
    censored_text: str
    crisis: Tier
    crisis_signals: tuple[str, ...] = ()
    timed_out: tuple[str, ...] = ()
    over_budget: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.blocks)

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(hit.explanation for hit in self.blocks))

    def to_dict(self) -> dict:
        return {
            "blocked": self.blocked,
            "blocks": [h.to_dict() for h in self.blocks],
            "censors": [h.to_dict() for h in self.censors],
            "flags": [h.to_dict() for h in self.flags],
            "censored_text": self.censored_text,
            "crisis": self.crisis.label,
            "crisis_signals": list(self.crisis_signals),
            "timed_out": list(self.timed_out),
            "over_budget": list(self.over_budget),
        }


TEEN_CONTACT = (
    "To keep everyone here safe, contact details, social media handles and links can't be shared in "
    "teen rooms. You're welcome to keep talking here, and a listener is always around if you need one."
)
ADULT_CONTACT = "Contact details and links are checked by a moderator to keep people safe off Hearth."
DEFAULT_RULES = (
    Rule(
        "default-contact-teen",
        Kind.DETECTOR,
        "contact",
        Action.BLOCK,
        TEEN_CONTACT,
        "cohort:teen",
        (Role.ADMIN.value, Role.CHAT_ROOM_MODERATOR.value),
    ),
    Rule(
        "default-contact-adult",
        Kind.DETECTOR,
        "contact",
        Action.FLAG,
        ADULT_CONTACT,
        "cohort:adult",
        (Role.ADMIN.value, Role.CHAT_ROOM_MODERATOR.value),
    ),
    Rule(
        "default-medication-teen",
        Kind.DETECTOR,
        "medication",
        Action.CENSOR,
        "Names of medications and drugs are hidden in teen rooms; please talk about them with a doctor.",
        "cohort:teen",
    ),
    Rule(
        "default-medication",
        Kind.DETECTOR,
        "medication",
        Action.FLAG,
        "Medication and drug names are checked by a moderator: what helps one person can harm another.",
        "all",
    ),
    Rule(
        "default-abusive",
        Kind.DETECTOR,
        "abusive",
        Action.FLAG,
        "Abusive, graphic or sexual language is checked by a moderator.",
        "all",
    ),
    Rule(
        "default-abusive-teen",
        Kind.DETECTOR,
        "abusive",
        Action.CENSOR,
        "Abusive, graphic or sexual language is hidden in teen rooms.",
        "cohort:teen",
    ),
    Rule(
        "default-spam",
        Kind.DETECTOR,
        "spam",
        Action.BLOCK,
        "Slow down a little: repeated messages, floods and mass mentions make the room hard to follow.",
        "all",
        (Role.ADMIN.value,),
    ),
)


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """The versioned rule set moderation publishes (as `automod_rules_changed`) and room keeps as its read
    model; a later version replaces an earlier one whole. `to_dict`/`from_dict` are its JSON form."""

    version: int
    rules: tuple[Rule, ...] = DEFAULT_RULES

    def __post_init__(self) -> None:
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 0:
            raise InvalidRule("a rule set's version must be a whole number from 0")
        object.__setattr__(self, "rules", tuple(self.rules))
        if len(self.rules) > RULES_MAX:
            raise InvalidRule(f"a rule set holds at most {RULES_MAX} rules")
        ids = [rule.id for rule in self.rules]
        if len(set(ids)) != len(ids):
            raise InvalidRule("rule ids must be unique in a rule set")

    def to_dict(self) -> dict:
        return {"version": self.version, "rules": [rule.to_dict() for rule in self.rules]}

    @classmethod
    def from_dict(cls, data: Mapping) -> RuleSet:
        if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
            raise InvalidRule("a rule set is an object with a version and a list of rules")
        return cls(version=data.get("version"), rules=tuple(Rule.from_dict(r) for r in data["rules"]))

    @functools.cached_property
    def _matcher(self) -> _Matcher:
        return _Matcher(self.rules)

    def evaluate(
        self,
        text: str,
        room: str,
        cohort: str,
        author_roles: Iterable[str] = (),
        recent: Sequence[RecentMessage] = (),
        *,
        with_crisis: bool = True,
    ) -> Verdict:
        """What `text`, posted by an author holding `author_roles` in `room` (of `cohort`), triggers.
        `recent`: the author's recent messages in the room (for spam). The same call answers the test
        endpoint ("what would this text trigger")."""
        return self._matcher.evaluate(text, room, cohort, tuple(author_roles), recent, with_crisis)


class _Matcher:
    """A rule set compiled: one Aho-Corasick automaton for every word and phrase rule, one pattern per
    wildcard and regex rule, the detectors that some rule needs."""

    def __init__(self, rules: Sequence[Rule]):
        self.words = WordList((r.pattern, r) for r in rules if r.kind in (Kind.WORD, Kind.PHRASE))
        self.wildcards = [(_wildcard_regex(r.pattern), r) for r in rules if r.kind is Kind.WILDCARD]
        self.regexes = [(compile_regex(r.pattern), r) for r in rules if r.kind is Kind.REGEX]
        self.detector_rules: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.kind is Kind.DETECTOR:
                self.detector_rules.setdefault(rule.pattern, []).append(rule)
        # a word or phrase may be several rules (e.g. one per room): the automaton keeps one payload per
        # entry, so entries that repeat are matched by their own small list
        seen: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.kind in (Kind.WORD, Kind.PHRASE):
                seen.setdefault(detectors.normalise.squeezed_word(rule.pattern), []).append(rule)
        self.same_entry = {key: group for key, group in seen.items() if len(group) > 1}

    def evaluate(
        self,
        text: str,
        room: str,
        cohort: str,
        roles: tuple[str, ...],
        recent: Sequence[RecentMessage],
        with_crisis: bool,
    ) -> Verdict:
        views = Views(text)
        hits: list[Hit] = []
        timed_out: list[str] = []
        over_budget: list[str] = []

        def add(rule: Rule, source: str, reason: str, start: int, end: int) -> None:
            if rule.applies(room, cohort, roles):
                hits.append(Hit(rule.id, rule.action, source, rule.explanation, reason, start, end))

        if self.words.size:
            canonical = views.canonical
            for start, end, rule in self.words.find(canonical):
                group = self.same_entry.get(canonical.text[start:end], [rule])
                for each in group:
                    add(each, each.kind.value, f"the {each.kind.value} rule", *canonical.span(start, end))
        if self.wildcards:
            canonical = views.canonical
            for pattern, rule in self.wildcards:
                for match in pattern.finditer(canonical.text):
                    add(rule, "wildcard", "the wildcard rule", *canonical.span(match.start(), match.end()))
        if self.regexes:
            folded = views.folded
            deadline = time.perf_counter() + REGEX_BUDGET_SECONDS
            for pattern, rule in self.regexes:
                if not rule.applies(room, cohort, roles):
                    continue
                left = deadline - time.perf_counter()
                if left <= 0:
                    over_budget.append(rule.id)
                    timed_out.append(rule.id)
                    continue
                found = []
                try:
                    for match in pattern.finditer(folded.text, timeout=min(REGEX_TIMEOUT_SECONDS, left)):
                        if match.end() > match.start():
                            found.append(folded.span(match.start(), match.end()))
                        if time.perf_counter() > deadline:  # many quick matches add up too
                            raise TimeoutError
                except TimeoutError:
                    timed_out.append(rule.id)
                    continue  # a rule cut short counts as no match, not as the matches it found so far
                for span in found:
                    add(rule, "regex", "the regex rule", *span)
        for name, group in self.detector_rules.items():
            applicable = [rule for rule in group if rule.applies(room, cohort, roles)]
            if not applicable:
                continue
            for finding in _detect(name, views, recent):
                for rule in applicable:
                    add(rule, name, finding.reason, finding.start, finding.end)
        refused = any(h.action is not Action.FLAG for h in hits)
        reading = crisis.read(views) if with_crisis or refused else crisis.CrisisReading(Tier.NONE, ())
        if reading.tier >= CRISIS_IS_HEARD:
            hits = [_heard(hit, len(text)) for hit in hits]
        blocks = tuple(h for h in hits if h.action is Action.BLOCK)
        censors = tuple(h for h in hits if h.action is Action.CENSOR)
        flags = tuple(h for h in hits if h.action is Action.FLAG)
        return Verdict(blocks, censors, flags, mask(text, censors), reading.tier, reading.signals, tuple(timed_out),
                       tuple(over_budget))


def _heard(hit: Hit, length: int) -> Hit:
    """A rule's action on a message in crisis language: it is posted all the same (the person is heard, and
    moderation, which reads it on message_posted, starts care); a block masks its span instead, or is a flag
    when it spans most of the message (spam, or a broad pattern: a message masked past reading is not heard);
    such a censor is a flag too."""
    if hit.action is Action.FLAG:
        return hit
    most = (hit.end - hit.start) * 2 > length
    action = Action.FLAG if most else Action.CENSOR
    return dataclasses.replace(hit, action=action, reason=f"{hit.reason} (posted: crisis language is never refused)")


def _detect(name: str, views: Views, recent: Sequence[RecentMessage]) -> list[Finding]:
    if name == Detector.CONTACT:
        return detectors.contact(views)
    if name == Detector.MEDICATION:
        return detectors.medication(views)
    if name == Detector.ABUSIVE:
        return detectors.abusive(views)
    if name == Detector.SPAM:
        return detectors.spam(views, recent)
    return []


def mask(text: str, hits: Iterable[Hit]) -> str:
    """The text with each hit's span masked: every letter and digit becomes MASK, spaces and punctuation stay."""
    chars = list(text)
    for hit in hits:
        for i in range(hit.start, min(hit.end, len(chars))):
            if chars[i].isalnum():
                chars[i] = MASK
    return "".join(chars)


DEFAULT_RULE_SET = RuleSet(0, DEFAULT_RULES)
