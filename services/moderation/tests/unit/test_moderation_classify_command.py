"""Unit: the installed `moderation-classify` command reads JSON lines and writes each message's verdicts."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys


def test_moderation_classify_writes_a_verdict_per_line():
    command = pathlib.Path(sys.executable).parent / "moderation-classify"
    lines = [json.dumps({"id": "a", "text": "call me on 07700 900123"}), "what a lovely day"]
    done = subprocess.run([str(command)], input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=60, check=True)
    verdicts = [json.loads(line) for line in done.stdout.splitlines()]
    assert [v["id"] for v in verdicts] == ["a", 2]
    assert verdicts[0]["contact"] and not verdicts[1]["contact"]
