"""Automod (pure but for the command's streams): each built-in detector's verdict on a message, regardless of
the rooms' policies, and the body of `moderation-classify`, which scores any corpus of JSON lines."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from hearth_common.automod import crisis, detectors
from hearth_common.automod.detectors import RecentMessage, Tier, Views

DETECTORS = ("crisis", "contact", "medication", "abusive", "spam")


@dataclasses.dataclass(frozen=True)
class Classification:
    crisis: Tier
    contact: bool
    medication: bool
    abusive: bool
    spam: bool
    reasons: dict[str, list[str]]

    def to_dict(self) -> dict:
        return {
            "crisis": self.crisis.label,
            "contact": self.contact,
            "medication": self.medication,
            "abusive": self.abusive,
            "spam": self.spam,
            "reasons": self.reasons,
        }


def classify(text: str, recent: Sequence[RecentMessage] = ()) -> Classification:
    views = Views(text)
    found = {
        "contact": detectors.contact(views),
        "medication": detectors.medication(views),
        "abusive": detectors.abusive(views),
        "spam": detectors.spam(views, recent),
    }
    reading = crisis.read(views)
    reasons = {name: sorted({f.reason for f in findings}) for name, findings in found.items() if findings}
    if reading.tier:
        reasons["crisis"] = list(reading.signals)
    return Classification(
        reading.tier,
        bool(found["contact"]),
        bool(found["medication"]),
        bool(found["abusive"]),
        bool(found["spam"]),
        reasons,
    )


def _recent(value: object) -> tuple[RecentMessage, ...]:
    if not isinstance(value, list):
        return ()
    recent = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            recent.append(RecentMessage(item["text"], float(item.get("seconds_ago", 0))))
        elif isinstance(item, str):
            recent.append(RecentMessage(item, 0.0))
    return tuple(recent)


def classify_command(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """`moderation-classify`: reads messages as JSON lines on stdin ({"text": ..., and optionally "id" and
    "recent": the author's recent messages as [{"text", "seconds_ago"}]}; a line that is not JSON is taken as
    the text itself) and writes one JSON line per message: its id (or line number) and each detector's
    verdict (crisis tier, contact, medication, abusive, spam) with the reasons."""
    parser = argparse.ArgumentParser(prog="moderation-classify", description=classify_command.__doc__)
    parser.parse_args(argv)
    source, sink = stdin or sys.stdin, stdout or sys.stdout
    for number, line in enumerate(source, 1):
        line = line.strip()
        if not line:
            continue
        try:
            message = json.loads(line)
        except ValueError:
            message = {"text": line}
        if not isinstance(message, dict) or not isinstance(message.get("text"), str):
            sink.write(json.dumps({"id": number, "error": "each line is a JSON object with a text"}) + "\n")
            continue
        verdict = classify(message["text"], _recent(message.get("recent")))
        sink.write(json.dumps({"id": message.get("id", number), **verdict.to_dict()}, ensure_ascii=False) + "\n")
    return 0
