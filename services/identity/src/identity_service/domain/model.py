"""Domain: people, role grants, badges, refresh tokens and signing keys, with the rules that govern them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from hearth_common.text import required_text, shown
from hearth_common.vocabulary import BADGE_SLUG, USERNAME, Cohort, Kind, Role
from identity_service.domain import errors

MIN_AGE = 13
ADULT_AGE = 18
MAX_AGE = 120
ACCESS_TOKEN_MAX_TTL = dt.timedelta(minutes=15)


# --- age and cohort -------------------------------------------------------------------------------


def birthday_in(year: int, date_of_birth: dt.date) -> dt.date:
    """The birthday in a given year; 29 February falls on 1 March in common years."""
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def age_on(date_of_birth: dt.date, today: dt.date) -> int:
    years = today.year - date_of_birth.year
    return years if today >= birthday_in(today.year, date_of_birth) else years - 1


def cohort_for(date_of_birth: dt.date, today: dt.date) -> Cohort:
    """Teen from 13 to 17, adult from 18; refuses under 13, future dates and implausible ages."""
    if date_of_birth > today:
        raise errors.InvalidDateOfBirth("date_of_birth is in the future")
    age = age_on(date_of_birth, today)
    if age > MAX_AGE:
        raise errors.InvalidDateOfBirth(f"date_of_birth gives an age over {MAX_AGE}; check the year")
    if age < MIN_AGE:
        raise errors.TooYoung(f"Hearth is for people aged {MIN_AGE} and over; this date of birth gives {age}")
    return Cohort.ADULT if age >= ADULT_AGE else Cohort.TEEN


def latest_adult_birth_date(today: dt.date) -> dt.date:
    """Anyone born on or before this date is 18 or older today."""
    candidate = birthday_in(today.year - ADULT_AGE, today)
    # birthday_in moved 29 Feb to 1 Mar; a person born 29 Feb is adult on 1 Mar, so step back from it.
    return candidate if age_on(candidate, today) >= ADULT_AGE else candidate - dt.timedelta(days=1)


ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_OF_BIRTH_LENGTH = len("YYYY-MM-DD")  # the only form ISO_DATE_RE matches


def parse_date_of_birth(value: str) -> dt.date:
    try:
        if not ISO_DATE_RE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise errors.InvalidDateOfBirth(f"date_of_birth must be an ISO date (YYYY-MM-DD), got {shown(value)}") from None


# --- usernames and passwords -----------------------------------------------------------------------

PASSWORD_MIN, PASSWORD_MAX = 10, 128


def validate_username(username: str) -> str:
    refusal = USERNAME.refusal(username, "username")
    if refusal:
        raise errors.InvalidUsername(refusal)
    return username


def canonical_username(username: str) -> str:
    return username.lower()


def validate_password(password: str) -> str:
    if not (PASSWORD_MIN <= len(password or "") <= PASSWORD_MAX):
        raise errors.InvalidPassword(f"password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long")
    return password


# --- entities ---------------------------------------------------------------------------------------


@dataclasses.dataclass(eq=False)
class Person:
    id: str
    username: str
    username_canonical: str
    password_hash: str
    date_of_birth: dt.date
    kind: Kind
    cohort: Cohort
    registered_at: dt.datetime

    def cohort_due(self, today: dt.date) -> Cohort | None:
        """The cohort the person should now be in, when it differs from the stored one."""
        due = Cohort.ADULT if age_on(self.date_of_birth, today) >= ADULT_AGE else Cohort.TEEN
        return due if due != self.cohort else None


@dataclasses.dataclass(eq=False)
class RoleGrant:
    id: str
    person_id: str
    role: Role
    room_id: str | None
    expires_at: dt.datetime | None
    granted_by: str
    granted_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def active(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


BADGE_NAME_MAX, BADGE_TEXT_MAX = 100, 500


@dataclasses.dataclass(eq=False)
class Badge:
    slug: str
    name: str
    description: str
    how_earned: str

    def validate(self) -> Badge:
        """Refuses a badge the catalogue could not show, saying which field is wrong; keeps the text trimmed."""
        refusal = BADGE_SLUG.refusal(self.slug, "slug")
        if refusal:
            raise errors.InvalidBadge(refusal)
        self.name = required_text(self.name, "name", BADGE_NAME_MAX, error=errors.InvalidBadge)
        self.description = required_text(self.description, "description", BADGE_TEXT_MAX, error=errors.InvalidBadge)
        self.how_earned = required_text(self.how_earned, "how_earned", BADGE_TEXT_MAX, error=errors.InvalidBadge)
        return self


@dataclasses.dataclass(eq=False)
class BadgeAward:
    id: str
    person_id: str
    badge_slug: str
    awarded_by: str
    reason: str
    awarded_at: dt.datetime
    award_key: str | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None
    revoke_key: str | None = None


@dataclasses.dataclass(eq=False)
class RefreshToken:
    id: str
    family_id: str
    person_id: str
    token_hash: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


@dataclasses.dataclass(eq=False)
class SigningKey:
    kid: str
    private_key_pem: str
    public_key_pem: str
    created_at: dt.datetime
    retired_at: dt.datetime | None = None

    def not_after(self, access_ttl: dt.timedelta) -> dt.datetime | None:
        """After this instant no unexpired token can carry this key id."""
        return None if self.retired_at is None else self.retired_at + access_ttl

    def published(self, now: dt.datetime, access_ttl: dt.timedelta) -> bool:
        end = self.not_after(access_ttl)
        return end is None or end > now
