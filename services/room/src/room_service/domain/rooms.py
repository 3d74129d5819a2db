"""Domain: a room of the catalogue and the rule for who may enter it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hearth_common import access_policy as access
from hearth_common.vocabulary import ROOM_SLUG, Cohort, Kind, values
from room_service.domain import errors
from room_service.domain.messages import MAX_SLOW_MODE_SECONDS
from room_service.domain.people import KnownPerson
from room_service.domain.sessions import is_facilitator

COHORTS = values(Cohort)
AUDIENCE_KINDS = (*values(Kind), "both")
MODES = ("always_open", "pop_up", "facilitated")
STATUSES = ("active", "archived")
TOPIC_LENGTH = (2, 64)
TOPIC = re.compile(rf"[a-z0-9-]{{{TOPIC_LENGTH[0]},{TOPIC_LENGTH[1]}}}")
NAME_LENGTH = (3, 100)
DESCRIPTION_MAX = 1000
MAX_POP_UP_WINDOW = dt.timedelta(days=7)

# How refusals and listings name the badges of identity's starter catalogue, as identity names them (a unit
# test keeps them equal to identity's seed). Room words its refusals itself, in pure code every process runs,
# and identity announces no catalogue events yet to keep these in a read model; a slug not listed here (a
# badge an admin added later) reads as its words.
KNOWN_BADGE_NAMES: Mapping[str, str] = MappingProxyType({
    "first-post": "First Post", "chief-chat": "Chief Chat", "compassion-hero": "Compassion Hero",
    "welcome-wagon": "Welcome Wagon", "sharing-circle-regular": "Sharing Circle Regular",
    "verified-listener": "Verified Listener", "listener-in-good-standing": "Listener in Good Standing",
    "teen-safety-trained": "Teen Safety Trained", "trauma-informed": "Trauma Informed",
    "group-dynamics-graduate": "Group Dynamics Graduate",
    "support-session-leader-trained": "Support Session Leader Trained", "on-spot-host-trained": "On-spot Host Trained",
    "chat-moderator-trained": "Chat Moderator Trained", "crisis-response-trained": "Crisis Response Trained",
    "lgbtq-ally": "LGBTQ+ Ally", "grief-companion": "Grief Companion", "night-owl": "Night Owl",
    "community-guide": "Community Guide",
})


def badge_name(slug: str) -> str:
    """A readable badge name from its slug, for explanations ("chief-chat" -> "Chief Chat")."""
    return " ".join(part.capitalize() for part in slug.split("-"))


class _BadgeNames(dict):
    """Display names for every slug: the catalogue's badges as identity names them, others from their slugs."""

    def __missing__(self, slug):
        return badge_name(slug)

    def get(self, slug, default=None):
        return self[slug]


BADGE_NAMES: Mapping[str, str] = _BadgeNames(KNOWN_BADGE_NAMES)


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    missing: tuple[str, ...] = ()


@dataclasses.dataclass(eq=False)
class Room:
    slug: str
    name: str
    description: str
    topic: str
    audience_cohort: str
    audience_kind: str
    mode: str
    status: str
    capacity: int
    access_policy: dict[str, Any]
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    slow_mode_seconds: int = 0

    def validate(self) -> Room:
        """Refuses a room no one could use, saying which field is wrong and how; keeps the name and
        description trimmed (a name stored with trailing spaces would pass as a second room of that name)."""
        if isinstance(self.name, str):
            self.name = self.name.strip()
        if isinstance(self.description, str):
            self.description = self.description.strip()
        checks = [
            (ROOM_SLUG.fullmatch(self.slug), ROOM_SLUG.refusal(self.slug, "slug")),
            (
                isinstance(self.name, str) and NAME_LENGTH[0] <= len(self.name) <= NAME_LENGTH[1],
                f"name must be {NAME_LENGTH[0]} to {NAME_LENGTH[1]} characters",
            ),
            (
                isinstance(self.description, str) and len(self.description) <= DESCRIPTION_MAX,
                f"description must be at most {DESCRIPTION_MAX} characters",
            ),
            (
                TOPIC.fullmatch(self.topic or ""),
                f"topic must be {TOPIC_LENGTH[0]} to {TOPIC_LENGTH[1]} of a-z, 0-9 and '-'",
            ),
            (self.audience_cohort in COHORTS, "audience must be adult or teen"),
            (self.audience_kind in AUDIENCE_KINDS, "audience_kind must be member, listener or both"),
            (self.mode in MODES, "mode must be always open, pop-up or facilitated"),
            (self.status in STATUSES, "status must be active or archived"),
            (isinstance(self.capacity, int) and 2 <= self.capacity <= 1000, "capacity must be between 2 and 1000"),
            (
                isinstance(self.slow_mode_seconds, int) and 0 <= self.slow_mode_seconds <= MAX_SLOW_MODE_SECONDS,
                f"slow_mode_seconds must be between 0 (off) and {MAX_SLOW_MODE_SECONDS}",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise errors.InvalidRoom(message)
        self.__dict__.pop("policy", None)
        self.policy  # parses, raising InvalidPolicy with the path of what is wrong
        return self

    def open_window(self, opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> None:
        if self.mode != "pop_up":
            raise errors.NotAPopUp(f"{self.name} is not a pop-up room; only pop-up rooms have open windows")
        if not (opens_at < closes_at and closes_at > now):
            raise errors.InvalidRoom("closes_at must be after opens_at and in the future")
        if closes_at - opens_at > MAX_POP_UP_WINDOW:
            raise errors.InvalidRoom("a pop-up window may last at most 7 days")
        self.opens_at, self.closes_at = opens_at, closes_at

    @functools.cached_property
    def policy(self) -> access.Expr:
        return access.parse_policy(self.access_policy)

    def summary(self) -> str:
        return access.describe(self.policy, BADGE_NAMES)

    def decide(
        self,
        person: KnownPerson | None,
        now: dt.datetime,
        *,
        facilitated_open: bool = False,
        cohort_grant: bool = False,
        check_open: bool = True,
    ) -> Decision:
        """Whether this person may enter now and, if not, everything they still need.

        Cohort separation is a hard rule checked before the policy: teens never enter adult rooms and
        adults never enter teen rooms, whatever the policy says, unless a staff member holds an audited grant
        for this room (`cohort_grant`; it counts only while they are staff). The room's facilitators (who
        lead, host or moderate there) enter a room for the other kind of person to do their job, as the
        room's policy allows. A facilitated room is open while a facilitator is checked in or a session is
        live (`facilitated_open`); facilitators may enter it to open it. `check_open=False` asks only about
        the person (whether someone already in the room still belongs there), not whether it is open now.
        """
        if self.status != "active" and check_open:
            return Decision(False, ("this room is archived and no longer open",))
        if person is None or not person.known:
            return Decision(False, ("your account is still being set up here; try again in a moment",))
        facts = person.facts()
        staff = functools.cache(lambda: self.is_facilitator(facts, now))
        other_cohort = person.cohort != self.audience_cohort
        if other_cohort and not (cohort_grant and staff()):
            return Decision(False, (self.cohort_only(),))
        if self.audience_kind != "both" and person.kind != self.audience_kind and not staff():
            return Decision(False, (f"this room is for {self.audience_kind}s only",))
        if other_cohort:
            missing = []  # the grant is for this room: staff enter to do their job, not by badges
        else:
            missing = access.explain(self.policy, facts, self.slug, now, BADGE_NAMES)
        closed = check_open and self.closed_now(now, facilitated_open=facilitated_open)
        if closed and not (self.mode == "facilitated" and staff()):
            return Decision(False, (closed, *missing))  # and what they will need once it opens
        return Decision(not missing, tuple(missing))

    def cohort_only(self) -> str:
        return f"this room is for {self.audience_cohort}s only"

    def across_the_wall(self, person: KnownPerson | None, now: dt.datetime, *, cohort_grant: bool) -> str | None:
        """Why the person is on the other side of the teen/adult wall from this room (the refusal), or None:
        of the other cohort and not staff here holding a grant for this room now. Asked also of those already
        in the room: a grant's or role's expiry sends no event, so it counts from the moment it ends, not from
        the sweep that takes them out."""
        if person is None or not person.known or person.cohort == self.audience_cohort:
            return None
        if cohort_grant and self.is_facilitator(person.facts(), now):
            return None
        return self.cohort_only()

    def closed_now(self, now: dt.datetime, *, facilitated_open: bool = False) -> str | None:
        """Why this active room is closed now, or None when it is open: a pop-up outside the window staff set,
        a facilitated room with no facilitator checked in and no session live (`facilitated_open`). Nobody
        enters or speaks in a closed room; members still in it read it."""
        if self.mode == "pop_up" and not (self.opens_at and self.opens_at <= now < self.closes_at):
            upcoming = self.opens_at and self.opens_at > now
            when = f"; it opens at {self.opens_at.isoformat(timespec='minutes')}" if upcoming else ""
            return f"this pop-up room is closed now{when}"
        if self.mode == "facilitated" and not facilitated_open:
            return "this room is open only while a facilitator is here or a session is live"
        return None

    def is_facilitator(self, facts: access.PersonFacts, now: dt.datetime) -> bool:
        """Staff who may open this room by checking in, enter it while it is closed, and keep it (slow mode)."""
        return is_facilitator(facts, self.slug, now)

    def facilitator_until(self, facts: access.PersonFacts, now: dt.datetime) -> dt.datetime | None:
        """When the person stops being staff for this room if nothing else changes: the latest end of the staff
        roles that count here now (None: one has no end; `now` when none counts)."""
        ends = [role.expires_at for role in facts.roles
                if is_facilitator(dataclasses.replace(facts, roles=(role,)), self.slug, now)]
        if not ends:
            return now
        return None if None in ends else max(ends)

    def across_the_wall_until(self, person: KnownPerson | None, now: dt.datetime,
                              grant_ends: dt.datetime | None) -> dt.datetime | None:
        """For someone across the teen/adult wall let in now (staff with a grant in force until `grant_ends`):
        when that ends, the grant's or the staff role's end whichever comes first. None for the room's own
        cohort (no end). Expiry sends no event: a live stream ends itself at this time."""
        if person is None or not person.known or person.cohort == self.audience_cohort:
            return None
        ends = [end for end in (grant_ends or now, self.facilitator_until(person.facts(), now)) if end is not None]
        return min(ends)
