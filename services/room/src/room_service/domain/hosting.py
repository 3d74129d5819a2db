"""Domain: hosting quotas: the minutes a leader hosted in a calendar month (UTC), per team, against their quota.

A leader's "team" is the topic of the rooms they host in (grief, anxiety, sharing-circle, ...): room has no team
rosters, and 7 Cups' teams are organised by what their rooms are for. So a leader is on the teams whose rooms
they hosted in that month, and each such team asks for its quota of minutes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping

from hearth_common.vocabulary import Cohort, Kind
from room_service.domain.errors import InvalidMonth

MONTH = re.compile(r"(\d{4})-(\d{2})")
UTC = dt.timezone.utc
# 7 Cups: adult listener leaders host an hour a month per team; teen leaders and member leaders half an hour.
# The values are settings (ROOM_HOSTING_QUOTA_MINUTES); these are the defaults.
DEFAULT_QUOTA_MINUTES: Mapping[tuple[str, str], int] = {
    (Cohort.ADULT, Kind.LISTENER): 60,
    (Cohort.ADULT, Kind.MEMBER): 30,
    (Cohort.TEEN, Kind.LISTENER): 30,
    (Cohort.TEEN, Kind.MEMBER): 30,
}


@dataclasses.dataclass(frozen=True)
class Month:
    """A calendar month in UTC: [start, end)."""

    label: str  # "2026-03"
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def of(cls, month: str | None, now: dt.datetime) -> Month:
        """The month named "YYYY-MM", or (empty) the month `now` is in; InvalidMonth saying the form."""
        if not month:
            now = now.astimezone(UTC)
            year, number = now.year, now.month
        else:
            match = MONTH.fullmatch(month) if isinstance(month, str) else None
            if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
                raise InvalidMonth(f"month must be a calendar month as YYYY-MM, such as {now:%Y-%m}")
            year, number = int(match[1]), int(match[2])
        start = dt.datetime(year, number, 1, tzinfo=UTC)
        end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
        return cls(f"{year:04d}-{number:02d}", start, end)


@dataclasses.dataclass(frozen=True)
class HostedSession:
    """An ended session a person led, with what its count depends on: when it really ran (an overrun session
    nobody ended ends at its planned end: sessions.Session.end_overrun), its room's topic (the team) and how many
    people besides the leader attended."""

    session_id: str
    room_slug: str
    team: str
    topic: str
    started_at: dt.datetime
    ended_at: dt.datetime
    others_attending: int
    script_id: str | None = None


@dataclasses.dataclass(frozen=True)
class CountedSession:
    session: HostedSession
    seconds_in_month: int
    counted: bool
    note: str  # why it does not count, or ""


@dataclasses.dataclass(frozen=True)
class TeamFigures:
    team: str
    minutes_hosted: int
    quota_minutes: int

    @property
    def met(self) -> bool:
        return self.minutes_hosted >= self.quota_minutes


@dataclasses.dataclass(frozen=True)
class HostingFigures:
    person_id: str
    month: Month
    quota_minutes: int  # per team
    sessions: tuple[CountedSession, ...]
    teams: tuple[TeamFigures, ...]

    @property
    def minutes_hosted(self) -> int:
        return sum(team.minutes_hosted for team in self.teams)

    @property
    def met(self) -> bool:
        """Every team they hosted for has its quota; nobody meets a quota without hosting."""
        return bool(self.teams) and all(team.met for team in self.teams)


def quota_for(quotas: Mapping[tuple[str, str], int], cohort: str | None, kind: str | None) -> int:
    """The minutes per team a leader of this cohort and kind owes a month; the largest quota when room does not
    know them well enough (it never under-asks)."""
    return quotas.get((cohort or "", kind or ""), max(quotas.values()))


def seconds_within(started_at: dt.datetime, ended_at: dt.datetime, month: Month) -> int:
    """How much of [started_at, ended_at) falls in the month: a session across midnight at a month's end counts
    in each month for the part it ran there."""
    overlap = min(ended_at, month.end) - max(started_at, month.start)
    return max(0, int(overlap.total_seconds()))


def hosting_figures(person_id: str, cohort: str | None, kind: str | None, sessions: Iterable[HostedSession],
                    month: Month, quotas: Mapping[tuple[str, str], int]) -> HostingFigures:
    """The month's figures. A session counts for the minutes it ran within the month, provided someone besides
    its leader attended (hosting an empty room is not hosting); it is listed either way, with the reason."""
    quota = quota_for(quotas, cohort, kind)
    counted, seconds_by_team = [], {}
    for session in sorted(sessions, key=lambda s: (s.started_at, s.session_id)):
        seconds = seconds_within(session.started_at, session.ended_at, month)
        note = "" if session.others_attending else "nobody besides its leader attended"
        counted.append(CountedSession(session, seconds, not note, note))
        seconds_by_team.setdefault(session.team, 0)
        if not note:
            seconds_by_team[session.team] += seconds
    teams = tuple(TeamFigures(team, seconds // 60, quota) for team, seconds in sorted(seconds_by_team.items()))
    return HostingFigures(person_id, month, quota, tuple(counted), teams)


def parse_quotas(text: str) -> dict[tuple[str, str], int]:
    """A quota table from "cohort-kind=minutes" pairs, comma-separated ("adult-listener=60,teen-member=30");
    every cohort and kind must be given. ValueError names what is wrong."""
    quotas = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        who, _, minutes = pair.partition("=")
        cohort, _, kind = who.strip().partition("-")
        if cohort not in tuple(Cohort) or kind not in tuple(Kind) or not minutes.strip().isdigit():
            raise ValueError(f"hosting quota {pair!r}: expected cohort-kind=minutes, such as adult-listener=60")
        quotas[(cohort, kind)] = int(minutes)
    if missing := set(DEFAULT_QUOTA_MINUTES) - set(quotas):
        raise ValueError(f"hosting quotas miss {', '.join(sorted(f'{c}-{k}' for c, k in missing))}")
    return quotas


def format_quotas(quotas: Mapping[tuple[str, str], int]) -> str:
    """The table as parse_quotas reads it."""
    return ",".join(f"{cohort}-{kind}={minutes}" for (cohort, kind), minutes in sorted(quotas.items()))
