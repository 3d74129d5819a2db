"""Test helpers shared by moderation's unit tests: the clock's start and the rooms the world uses."""
import datetime as dt

from moderation_world import OTHER_ROOM, ROOM

START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.timezone.utc)

__all__ = ["OTHER_ROOM", "ROOM", "START"]
