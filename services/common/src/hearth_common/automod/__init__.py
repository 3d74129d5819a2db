"""Automod (pure): the one text matcher room and moderation share. See services/common/README.md "Automod".

- `RuleSet(version, rules).evaluate(text, room, cohort, author_roles, recent)` -> `Verdict` (blocks with
  their explanations, the censored text, flags, the crisis tier); `DEFAULT_RULE_SET` holds the default
  policies; `RuleSet.to_dict` / `from_dict` are the JSON form moderation publishes and room keeps.
- `classify(text, recent)` -> each built-in detector's verdict, regardless of policy (what
  `moderation-classify` writes); `classify_command` is that console script's body.
"""

from __future__ import annotations

from hearth_common.automod.classify import Classification, classify, classify_command
from hearth_common.automod.detectors import Detector, Finding, RecentMessage, Tier
from hearth_common.automod.rules import (
    DEFAULT_RULE_SET,
    DEFAULT_RULES,
    Action,
    Hit,
    InvalidRule,
    Kind,
    Rule,
    RuleSet,
    Verdict,
    compile_regex,
)


def warm_up(rule_set: RuleSet = DEFAULT_RULE_SET) -> None:
    """Build what the first message would otherwise pay for (about 0.1 s: urlextract's TLD pattern, the word
    lists' automatons, this rule set's matcher); a serving process calls it once at start."""
    rule_set.evaluate("warm up at example dot com 07700 900123 k1ll", "warm-up", "teen")
    classify("warm up")


__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_RULE_SET",
    "Action",
    "Classification",
    "Detector",
    "Finding",
    "Hit",
    "InvalidRule",
    "Kind",
    "RecentMessage",
    "Rule",
    "RuleSet",
    "Tier",
    "Verdict",
    "classify",
    "classify_command",
    "compile_regex",
    "warm_up",
]
