"""Entrypoint: `moderation-classify`, each message's verdict per automod detector (JSON lines in, JSON lines out)."""
from __future__ import annotations

import sys

from hearth_common.automod.classify import classify_command


def main() -> None:
    sys.exit(classify_command())
