"""Domain: room's read model of a person (kind, cohort, badges, roles): common's, built from identity's events
in any order."""
from __future__ import annotations

from hearth_common.contracts.identity import EVENT_TYPES as IDENTITY_EVENTS
from hearth_common.contracts.identity import NARROWING_EVENTS
from hearth_common.people import BadgeState, GrantState, KnownPerson

# NARROWING_EVENTS: after these a person may no longer belong in a room they are in (room asks the door again).
__all__ = ["IDENTITY_EVENTS", "NARROWING_EVENTS", "BadgeState", "GrantState", "KnownPerson"]
