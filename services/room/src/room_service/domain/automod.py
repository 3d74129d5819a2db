"""Domain: room's read model of moderation's automod rule set (the highest version seen, whole) and what its
verdict does to a post: a block refuses it with the rules' explanations, a censor masks the stored text; flags
are moderation's business (it reads `message_posted`). The matcher is common's (`hearth_common.automod`)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable

from hearth_common.automod import DEFAULT_RULE_SET, InvalidRule, RecentMessage, RuleSet
from hearth_common.contracts import InvalidEvent, Received, moderation
from hearth_common.people import RoleFact
from room_service.domain.errors import MessageRefused

# The author's messages in the room that the spam detector looks at (the same text a third time in 2 minutes,
# a 6th message in 10 seconds): the newest few within this window, read with the post's other facts. Five are
# enough for both (room's own rate allows 5 posts in 10 s anyway) and keep the detector's cost small: it
# normalises each one again.
RECENT_WINDOW = dt.timedelta(minutes=2)
RECENT_LIMIT = 5


@dataclasses.dataclass(frozen=True)
class StoredRuleSet:
    """The rule set as room keeps it: `rule_set` is `RuleSet.to_dict()`, valid (checked on arrival)."""

    version: int
    rule_set: dict
    changed_by: str
    changed_at: dt.datetime

    def compiled(self) -> RuleSet:
        return RuleSet.from_dict(self.rule_set)


def from_event(event: Received | dict) -> StoredRuleSet:
    """The rule set an `automod_rules_changed` event carries (parsed, or its envelope, parsed here). InvalidEvent
    (dead-lettered at once) when it breaks the contract, when `RuleSet.from_dict` refuses the set (InvalidRule),
    or when the set's own version is not the event's."""
    if not isinstance(event, Received):
        event = moderation.parse(event)
    payload = event.payload
    if not isinstance(payload, moderation.AutomodRulesChanged):
        raise InvalidEvent(f"{event.type}: not a rule set")
    try:
        rule_set = RuleSet.from_dict(payload.rule_set)
    except InvalidRule as exc:
        raise InvalidEvent(f"automod_rules_changed: rule_set: {exc}") from None
    if rule_set.version != payload.version:
        raise InvalidEvent(f"automod_rules_changed: rule_set: its version {rule_set.version} is not the "
                           f"event's {payload.version}")
    return StoredRuleSet(payload.version, rule_set.to_dict(), payload.changed_by, payload.changed_at)


def compiled(stored: StoredRuleSet | None) -> RuleSet:
    """The rule set in force: the stored one, or common's defaults (version 0) until moderation sends one, so
    teen rooms refuse contact details from the first minute."""
    return stored.compiled() if stored is not None else DEFAULT_RULE_SET


def roles_in(roles: Iterable[RoleFact], slug: str, now: dt.datetime) -> tuple[str, ...]:
    """The roles that count for the author in this room now (global or this room's, unexpired): what a rule's
    `exempt_roles` are held against."""
    return tuple(sorted({fact.role for fact in roles if fact.counts(slug, now)}))


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


_WORDS = re.compile(r"\w+")


def recent_messages(recent: Iterable[tuple[str, dt.datetime]], text: str,
                    now: dt.datetime) -> tuple[RecentMessage, ...]:
    """The author's recent messages in the room (body, posted at) as the spam detector takes them, kept cheap:
    the detector normalises each recent text again (about 0.1 ms each, more than the 200 rules cost), yet it
    needs the text only to find the same message repeated. So a recent message passes with its text only when
    it is the same as `text` in lower case and words (the repeats spam is made of); any other passes with no
    text and still counts for flooding (a 6th message in 10 s). A repeat disguised differently each time
    (`hello` then `h3llo`) is not seen as one; room's own posting rate still bounds it."""
    plain = _plain(text)
    return tuple(RecentMessage(body if _plain(body) == plain else "", max((now - at).total_seconds(), 0.0))
                 for body, at in recent)


@dataclasses.dataclass(frozen=True)
class Screened:
    """A text that may be posted: `body` is what is stored and shown (masked where a rule censors), `original`
    what the author wrote when that differs (for moderation's flags and crisis reading), else None."""

    body: str
    original: str | None


def screen(rule_set: RuleSet, text: str, slug: str, cohort: str, roles: Iterable[str],
           recent: Iterable[RecentMessage] = ()) -> Screened:
    """Applies the rule set to a post or edit: MessageRefused with the rules' explanations on a block (crisis
    language is never blocked: the matcher masks or flags it instead), the masked text on a censor."""
    verdict = rule_set.evaluate(text, slug, cohort, tuple(roles), tuple(recent), with_crisis=False)
    if verdict.blocked:
        raise MessageRefused(" ".join(verdict.explanations))
    if verdict.censored_text != text:
        return Screened(verdict.censored_text, text)
    return Screened(text, None)
