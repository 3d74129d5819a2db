"""Seed: identity's starter badge catalogue (badges.json beside this module) and the rules that award badges earned
by doing (badge_rules.json), each checked by the domain."""
from __future__ import annotations

from typing import NamedTuple

from hearth_common.seed import SeedError, read_document, read_records
from identity_service.domain.badge_rules import BadgeRule, parse_rules
from identity_service.domain.errors import InvalidBadgeRule
from identity_service.domain.model import Badge


class BadgeSpec(NamedTuple):
    """One catalogue badge; plain data, so it can exist before the ORM maps Badge. Room's badge locks and the
    facilitator roles are built on these slugs."""

    slug: str
    name: str
    description: str
    how_earned: str


def load_catalogue() -> tuple[BadgeSpec, ...]:
    """The starter catalogue this package ships; SeedError says which badge is malformed and how."""
    badges = read_document(__package__, "badges.json", frozenset({"badges"}))["badges"]
    return read_records(badges, BadgeSpec, lambda spec: Badge(*spec).validate(), "badge")


# Read once, when the migrate step (or a test) first imports the seed; the services' processes never do.
STARTER_BADGES = load_catalogue()


def load_badge_rules(catalogue: tuple[BadgeSpec, ...] | None = None) -> tuple[BadgeRule, ...]:
    """The badge rules this package ships, each for a badge of the catalogue; SeedError says which rule is wrong.
    Read when a process builds the rules service (the worker), not at import."""
    rules = read_document(__package__, "badge_rules.json", frozenset({"rules"}))["rules"]
    try:
        return parse_rules(rules, (b.slug for b in catalogue or load_catalogue()))
    except InvalidBadgeRule as exc:
        raise SeedError(f"badge_rules.json: {exc}") from exc
