"""Automod (pure): scoring the detectors on a labelled corpus (JSON lines: text, cohort, optional recent,
expect per detector), for the unit tests and benchmarks/bench_automod.py."""

from __future__ import annotations

import json
import pathlib

from hearth_common.automod.classify import classify
from hearth_common.automod.detectors import RecentMessage, Tier

BINARY = ("contact", "medication", "abusive", "spam")


def load_corpus(path: pathlib.Path | str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score(rows: list[dict]) -> dict:
    counts = {
        name: {"tp": 0, "fp": 0, "fn": 0, "missed": [], "false": []} for name in (*BINARY, "crisis_any", "crisis_pages")
    }
    benign = false_pages = exact_tier = 0
    for row in rows:
        got = classify(row["text"], [RecentMessage(r["text"], r["seconds_ago"]) for r in row.get("recent", [])])
        expect = row["expect"]
        want_tier = Tier.parse(expect["crisis"])
        exact_tier += got.crisis == want_tier
        pairs = {name: (bool(expect[name]), getattr(got, name)) for name in BINARY}
        pairs["crisis_any"] = (want_tier >= Tier.LOW, got.crisis >= Tier.LOW)
        pairs["crisis_pages"] = (want_tier >= Tier.HIGH, got.crisis >= Tier.HIGH)
        for name, (want, have) in pairs.items():
            c = counts[name]
            if want and have:
                c["tp"] += 1
            elif have:
                c["fp"] += 1
                c["false"].append(row["text"])
            elif want:
                c["fn"] += 1
                c["missed"].append(row["text"])
        if not any(expect[name] for name in BINARY) and want_tier == Tier.NONE:
            benign += 1
            false_pages += got.crisis >= Tier.HIGH
    result: dict = {}
    for name, c in counts.items():
        result[name] = {
            "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
            "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
            "positives": c["tp"] + c["fn"],
            "missed": c["missed"],
            "false": c["false"],
        }
    result["benign"] = benign
    result["false_pages_per_100_benign"] = 100 * false_pages / benign if benign else 0.0
    result["crisis_tier_exact"] = _ratio(exact_tier, len(rows))
    return result
