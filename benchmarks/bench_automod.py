"""Benchmark: automod's detectors on the project's labelled corpus (make bench); prints figures only.

Each detector's precision and recall (crisis as "any tier" and as "pages": high or imminent), false crisis
pages per 100 benign messages, and the matcher's CPU cost per message (RuleSet.evaluate over the corpus, as
room runs it at post time) with the default policies alone and with 200 more rules of every kind.
"""

from __future__ import annotations

import pathlib
import statistics
import time

from hearth_common.automod import DEFAULT_RULES, Action, Kind, Rule, RuleSet
from hearth_common.automod.scoring import load_corpus, score

DATA = pathlib.Path(__file__).resolve().parent.parent / "services/common/tests/unit/data"
CORPUS = DATA / "automod_corpus.jsonl"
# Written after the matcher, each scored once unseen, then its misses fixed (figures in the common README).
LATER_SETS = (DATA / "automod_holdout.jsonl", DATA / "automod_unseen.jsonl")
ROUNDS = 5


def two_hundred_rules() -> tuple[Rule, ...]:
    rules = []
    for i in range(200):
        scope = ("all", "cohort:teen", "cohort:adult", f"room:room-{i % 7}")[i % 4]
        action = (Action.FLAG, Action.CENSOR, Action.BLOCK)[i % 3]
        if i % 10 == 0:
            rules.append(Rule(f"re{i}", Kind.REGEX, rf"\bcode{i}[0-9]{{2,4}}\b", action, "No codes.", scope))
        elif i % 10 == 1:
            rules.append(Rule(f"wc{i}", Kind.WILDCARD, f"spoil{i}*", action, "No spoilers.", scope))
        elif i % 10 == 2:
            rules.append(Rule(f"ph{i}", Kind.PHRASE, f"buy {i} followers", action, "No selling.", scope))
        else:
            rules.append(Rule(f"w{i}", Kind.WORD, f"badword{i}", action, "Keep it kind.", scope))
    return tuple(rules)


def cost_per_message(rules: RuleSet, rows: list[dict]) -> float:
    """CPU microseconds per message for evaluate (as room calls it: crisis reading off), median of ROUNDS."""
    rules.evaluate("warm up", "r", "teen")
    samples = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for row in rows:
            rules.evaluate(row["text"], "room-1", row["cohort"], (), with_crisis=False)
        samples.append((time.process_time() - started) / len(rows) * 1e6)
    return statistics.median(samples)


def report(path: pathlib.Path) -> None:
    rows = load_corpus(path)
    result = score(rows)
    print(f"automod detectors on {path.name}: {len(rows)} labelled messages ({result['benign']} benign)")
    print(f"{'detector':<22}{'precision':>10}{'recall':>8}{'positives':>11}")
    for name in ("crisis_any", "crisis_pages", "contact", "medication", "abusive", "spam"):
        r = result[name]
        print(f"{name:<22}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['positives']:>11}")
    print(f"crisis tier exactly right: {result['crisis_tier_exact']:.3f}")
    print(f"false crisis pages (high or imminent) per 100 benign messages: {result['false_pages_per_100_benign']:.2f}")


def main() -> None:
    for path in (CORPUS, *LATER_SETS):
        report(path)
    rows = load_corpus(CORPUS)
    base = RuleSet(1, DEFAULT_RULES)
    many = RuleSet(2, DEFAULT_RULES + two_hundred_rules())
    print(f"matcher CPU per message, default policies: {cost_per_message(base, rows):.0f} µs")
    print(f"matcher CPU per message, default policies + 200 rules: {cost_per_message(many, rows):.0f} µs")
    crisis_start = time.process_time()
    for row in rows:
        base.evaluate(row["text"], "room-1", row["cohort"])
    print(
        f"with the crisis reading (moderation's side): {(time.process_time() - crisis_start) / len(rows) * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
