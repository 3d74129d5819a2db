"""Domain: the strike ladder as data: how long a warning counts (by its reason's severity tier) and which
sanction the Nth active warning brings. Admins edit it; `DEFAULT_LADDER` is 7 Cups' (the 3rd active warning
mutes for 24 hours), with later rungs that ban for a time."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hearth_common.contracts.moderation import REPORT_REASONS
from moderation_service.domain.errors import InvalidLadder

MUTE, BAN = "mute", "ban"
# The uniqueness rule a concurrent edit meets (the SQL schema's name, and the fake's).
ONE_LADDER_VERSION = "pk_ladders"
TIER_NAME_MAX = 32
TIERS_MAX, RUNGS_MAX = 8, 10
# A warning counts for a day at least and a year at most.
TIER_DAYS_MIN, TIER_DAYS_MAX = 1, 365
# A mute lasts 1 minute to 28 days (issue 14); a ban 1 minute to a year, or until lifted (no duration).
MUTE_MINUTES_MIN, MUTE_MINUTES_MAX = 1, 28 * 24 * 60
BAN_MINUTES_MIN, BAN_MINUTES_MAX = 1, 365 * 24 * 60


@dataclasses.dataclass(frozen=True)
class Rung:
    """At `warnings` active warnings, the person is sanctioned: `kind` in every room for `minutes` (None: a ban
    until lifted)."""

    warnings: int
    kind: str
    minutes: int | None

    def describe(self) -> str:
        what = "a mute" if self.kind == MUTE else "a ban"
        return f"{what} from every room {duration_words(self.minutes)}"


@dataclasses.dataclass(frozen=True)
class Ladder:
    """`tiers`: each severity tier's lifetime in days; `reason_tiers`: each report reason's tier; `rungs`: by
    ascending number of warnings. Warnings past the last rung repeat the last rung."""

    tiers: dict[str, int]
    reason_tiers: dict[str, str]
    rungs: tuple[Rung, ...]
    version: int = 0
    changed_by: str | None = None
    changed_at: dt.datetime | None = None

    def lifetime(self, reason: str) -> dt.timedelta:
        return dt.timedelta(days=self.tiers[self.reason_tiers[reason]])

    def tier_of(self, reason: str) -> str:
        return self.reason_tiers[reason]

    def rung_at(self, active_warnings: int) -> Rung | None:
        """The rung a person reaches with this many active warnings: the one for exactly that many, or the
        last one for any count past it; None below the first rung and between rungs."""
        for rung in self.rungs:
            if rung.warnings == active_warnings:
                return rung
        if self.rungs and active_warnings > self.rungs[-1].warnings:
            return self.rungs[-1]
        return None

    def next_rung(self, active_warnings: int) -> Rung | None:
        """What the next warning on top of `active_warnings` will bring, if anything."""
        return self.rung_at(active_warnings + 1)

    def next_step(self, active_warnings: int) -> str:
        """In words, for the person warned: what the ladder does next."""
        upcoming = next((r for r in self.rungs if r.warnings > active_warnings), None) or (
            self.rungs[-1] if self.rungs else None)
        if upcoming is None:
            return "Further warnings may lead a moderator to mute or ban you."
        if upcoming.warnings <= active_warnings + 1:
            return f"Your next warning brings {upcoming.describe()}."
        return (f"At {upcoming.warnings} active warnings you get {upcoming.describe()} "
                f"(you have {active_warnings} now).")

    def to_dict(self) -> dict[str, Any]:
        return {"tiers": dict(self.tiers), "reason_tiers": dict(self.reason_tiers),
                "rungs": [dataclasses.asdict(r) for r in self.rungs]}


def duration_words(minutes: int | None) -> str:
    if minutes is None:
        return "until a moderator lifts it"
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "for 24 hours" if days == 1 else f"for {days} days"
    if minutes % 60 == 0:
        return f"for {minutes // 60} hours" if minutes != 60 else "for an hour"
    return f"for {minutes} minutes"


def validate_minutes(kind: str, minutes: object, field: str, error: type[Exception] = InvalidLadder) -> int | None:
    """A sanction's duration: a mute 1 minute to 28 days; a ban 1 minute to a year, or None (until lifted)."""
    if minutes is None and kind == BAN:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise error(f"{field} must be a whole number of minutes")
    low, high = (MUTE_MINUTES_MIN, MUTE_MINUTES_MAX) if kind == MUTE else (BAN_MINUTES_MIN, BAN_MINUTES_MAX)
    if not low <= minutes <= high:
        raise error(f"{field} must be {low} to {high} minutes for a {kind}")
    return minutes


def ladder_from(data: object) -> Ladder:
    """A ladder from plain data (an admin's edit, or the stored one); InvalidLadder naming the field."""
    if not isinstance(data, dict):
        raise InvalidLadder("ladder must be an object with tiers, reason_tiers and rungs")
    tiers_in, reasons_in, rungs_in = data.get("tiers"), data.get("reason_tiers"), data.get("rungs")
    if not isinstance(tiers_in, dict) or not 1 <= len(tiers_in) <= TIERS_MAX:
        raise InvalidLadder(f"tiers must name 1 to {TIERS_MAX} severity tiers with their lifetime in days")
    tiers: dict[str, int] = {}
    for name, days in tiers_in.items():
        if not isinstance(name, str) or not name or len(name) > TIER_NAME_MAX or not name.replace("_", "").isalnum():
            raise InvalidLadder(f"tiers: a tier's name is 1 to {TIER_NAME_MAX} letters, digits or '_', "
                                f"not {name!r}")
        if isinstance(days, bool) or not isinstance(days, int) or not TIER_DAYS_MIN <= days <= TIER_DAYS_MAX:
            raise InvalidLadder(f"tiers.{name}: a warning counts {TIER_DAYS_MIN} to {TIER_DAYS_MAX} days")
        tiers[name] = days
    if not isinstance(reasons_in, dict) or set(reasons_in) != set(REPORT_REASONS):
        raise InvalidLadder("reason_tiers must give a tier to every reason: " + ", ".join(REPORT_REASONS))
    for reason, tier in reasons_in.items():
        if tier not in tiers:
            raise InvalidLadder(f"reason_tiers.{reason}: {tier!r} is not one of the tiers")
    if not isinstance(rungs_in, list) or len(rungs_in) > RUNGS_MAX:
        raise InvalidLadder(f"rungs must be a list of at most {RUNGS_MAX}")
    rungs: list[Rung] = []
    for i, rung in enumerate(rungs_in):
        field = f"rungs[{i}]"
        if not isinstance(rung, dict):
            raise InvalidLadder(f"{field} must be an object with warnings, kind and minutes")
        warnings, kind = rung.get("warnings"), rung.get("kind")
        if isinstance(warnings, bool) or not isinstance(warnings, int) or not 1 <= warnings <= 100:
            raise InvalidLadder(f"{field}.warnings must be 1 to 100")
        if rungs and warnings <= rungs[-1].warnings:
            raise InvalidLadder(f"{field}.warnings must be more than the rung before's ({rungs[-1].warnings})")
        if kind not in (MUTE, BAN):
            raise InvalidLadder(f"{field}.kind must be mute or ban")
        rungs.append(Rung(warnings, kind, validate_minutes(kind, rung.get("minutes"), f"{field}.minutes")))
    return Ladder(tiers, {r: reasons_in[r] for r in REPORT_REASONS}, tuple(rungs))


MINOR, SERIOUS = "minor", "serious"
# 7 Cups' ladder: the 3rd active warning mutes for 24 hours; Hearth adds later rungs that ban for a week, then a
# month. Safety matters (contact details, abuse, drugs, the wrong age group) count 90 days, nuisances 30.
DEFAULT_LADDER = ladder_from({
    "tiers": {MINOR: 30, SERIOUS: 90},
    "reason_tiers": {
        "unkind": MINOR, "talking_negatively": MINOR, "spam": MINOR, "wrong_language": MINOR, "other": MINOR,
        "contact_details": SERIOUS, "abusive_language": SERIOUS, "drug_names": SERIOUS, "wrong_age_group": SERIOUS,
    },
    "rungs": [
        {"warnings": 3, "kind": MUTE, "minutes": 24 * 60},
        {"warnings": 5, "kind": BAN, "minutes": 7 * 24 * 60},
        {"warnings": 7, "kind": BAN, "minutes": 30 * 24 * 60},
    ],
})
