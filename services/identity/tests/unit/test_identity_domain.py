"""Unit tests of identity's domain rules: age and cohort, usernames, passwords, grants and signing keys."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth_common import errors as common_errors
from hearth_common.ids import new_id
from identity_service.domain import errors, model
from identity_service.domain.model import Cohort

TODAY = dt.date(2025, 6, 15)
UTC = dt.timezone.utc


# --- cohort rules -----------------------------------------------------------------------------------


class TestCohort:
    def test_thirteenth_birthday_today_is_a_teen(self):
        assert model.cohort_for(dt.date(2012, 6, 15), TODAY) is Cohort.TEEN

    def test_the_day_before_the_thirteenth_birthday_is_too_young(self):
        with pytest.raises(errors.TooYoung) as caught:
            model.cohort_for(dt.date(2012, 6, 16), TODAY)
        assert "13" in caught.value.message

    def test_twelve_year_old_is_refused_as_an_invalid_argument(self):
        with pytest.raises(errors.TooYoung) as caught:
            model.cohort_for(dt.date(2013, 1, 1), TODAY)
        assert common_errors.category_of(caught.value) is common_errors.InvalidArgument

    def test_seventeen_the_day_before_the_eighteenth_birthday_is_a_teen(self):
        assert model.cohort_for(dt.date(2007, 6, 16), TODAY) is Cohort.TEEN

    def test_eighteenth_birthday_today_is_an_adult(self):
        assert model.cohort_for(dt.date(2007, 6, 15), TODAY) is Cohort.ADULT

    def test_born_today_is_too_young_not_a_date_error(self):
        with pytest.raises(errors.TooYoung):
            model.cohort_for(TODAY, TODAY)

    def test_future_date_of_birth_is_refused(self):
        with pytest.raises(errors.InvalidDateOfBirth, match="future"):
            model.cohort_for(TODAY + dt.timedelta(days=1), TODAY)

    def test_age_120_is_accepted(self):
        assert model.cohort_for(dt.date(1905, 6, 15), TODAY) is Cohort.ADULT

    def test_age_over_120_is_refused(self):
        with pytest.raises(errors.InvalidDateOfBirth, match="120"):
            model.cohort_for(dt.date(1904, 6, 15), TODAY)

    @pytest.mark.parametrize(
        "today, expected",
        [
            (dt.date(2021, 2, 28), errors.TooYoung),  # 29 Feb 2008: 13th birthday is 1 March in 2021
            (dt.date(2021, 3, 1), Cohort.TEEN),
            (dt.date(2026, 2, 28), Cohort.TEEN),  # 18th birthday is 1 March in 2026
            (dt.date(2026, 3, 1), Cohort.ADULT),
        ],
    )
    def test_29_february_birthdays_fall_on_1_march_in_common_years(self, today, expected):
        dob = dt.date(2008, 2, 29)
        if isinstance(expected, Cohort):
            assert model.cohort_for(dob, today) is expected
        else:
            with pytest.raises(expected):
                model.cohort_for(dob, today)

    def test_29_february_birthday_in_a_leap_year_is_on_29_february(self):
        dob = dt.date(2000, 2, 29)
        assert model.age_on(dob, dt.date(2020, 2, 28)) == 19
        assert model.age_on(dob, dt.date(2020, 2, 29)) == 20

    def test_birthday_in(self):
        assert model.birthday_in(2025, dt.date(2008, 2, 29)) == dt.date(2025, 3, 1)
        assert model.birthday_in(2024, dt.date(2008, 2, 29)) == dt.date(2024, 2, 29)
        assert model.birthday_in(2025, dt.date(2008, 7, 4)) == dt.date(2025, 7, 4)

    def test_a_teen_is_due_for_the_adult_cohort_from_the_eighteenth_birthday(self):
        person = model.Person(
            id=new_id(),
            username="tess",
            username_canonical="tess",
            password_hash="x",
            date_of_birth=dt.date(2007, 6, 16),
            kind=model.Kind.MEMBER,
            cohort=Cohort.TEEN,
            registered_at=dt.datetime(2024, 1, 1, tzinfo=UTC),
        )
        assert person.cohort_due(TODAY) is None
        assert person.cohort_due(TODAY + dt.timedelta(days=1)) is Cohort.ADULT
        person.cohort = Cohort.ADULT
        assert person.cohort_due(TODAY + dt.timedelta(days=1)) is None


class TestLatestAdultBirthDate:
    def test_ordinary_day(self):
        assert model.latest_adult_birth_date(TODAY) == dt.date(2007, 6, 15)

    def test_28_february_excludes_people_born_29_february(self):
        # Born 29 Feb 2008: still 17 on 28 Feb 2026.
        assert model.latest_adult_birth_date(dt.date(2026, 2, 28)) == dt.date(2008, 2, 28)

    def test_1_march_includes_people_born_29_february(self):
        latest = model.latest_adult_birth_date(dt.date(2026, 3, 1))
        assert latest == dt.date(2008, 3, 1)
        assert dt.date(2008, 2, 29) <= latest

    def test_29_february_today(self):
        # 2006 has no 29 February; someone born 1 March 2006 turns 18 on 1 March 2024.
        assert model.latest_adult_birth_date(dt.date(2024, 2, 29)) == dt.date(2006, 2, 28)


# Years where a century rule (1900, 2100 common; 2000 leap) is in reach.
todays = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
births = st.dates(min_value=dt.date(1780, 1, 1), max_value=dt.date(2200, 12, 31))
leap_births = st.sampled_from([dt.date(y, 2, 29) for y in (1896, 1904, 1996, 2000, 2004, 2008, 2012, 2096, 2104)])


class TestAgeProperties:
    @given(dob=st.one_of(births, leap_births), today=todays)
    def test_adult_exactly_when_born_on_or_before_latest_adult_birth_date(self, dob, today):
        assert (model.age_on(dob, today) >= model.ADULT_AGE) == (dob <= model.latest_adult_birth_date(today))

    @given(today=todays)
    def test_latest_adult_birth_date_is_the_last_such_day(self, today):
        latest = model.latest_adult_birth_date(today)
        assert model.age_on(latest, today) >= 18
        assert model.age_on(latest + dt.timedelta(days=1), today) < 18

    @given(dob=st.one_of(births, leap_births), first=todays, second=todays)
    def test_age_never_decreases_as_time_passes(self, dob, first, second):
        earlier, later = sorted((first, second))
        assert model.age_on(dob, earlier) <= model.age_on(dob, later)

    @given(dob=st.one_of(births, leap_births), today=todays)
    def test_age_goes_up_by_one_exactly_on_the_birthday(self, dob, today):
        birthday = model.birthday_in(today.year, dob)
        if dob <= dt.date(today.year - 1, 12, 31):  # the birthday this year is not the birth itself
            before = birthday - dt.timedelta(days=1)
            assert model.age_on(dob, birthday) == model.age_on(dob, before) + 1

    @given(dob=st.one_of(births, leap_births), today=todays)
    def test_cohort_matches_age_bands(self, dob, today):
        age = model.age_on(dob, today)
        if dob > today or age > model.MAX_AGE:
            with pytest.raises(errors.InvalidDateOfBirth):
                model.cohort_for(dob, today)
        elif age < model.MIN_AGE:
            with pytest.raises(errors.TooYoung):
                model.cohort_for(dob, today)
        else:
            expected = Cohort.ADULT if dob <= model.latest_adult_birth_date(today) else Cohort.TEEN
            assert model.cohort_for(dob, today) is expected


# --- dates of birth, usernames and passwords ---------------------------------------------------------


class TestParseDateOfBirth:
    def test_iso_date(self):
        assert model.parse_date_of_birth("2008-02-29") == dt.date(2008, 2, 29)

    @pytest.mark.parametrize("value", ["2007-02-29", "2000-13-01", "15/06/2000", "yesterday", "", None])
    def test_rejects_what_is_not_an_iso_date(self, value):
        with pytest.raises(errors.InvalidDateOfBirth, match="YYYY-MM-DD"):
            model.parse_date_of_birth(value)


class TestUsername:
    @pytest.mark.parametrize("name", ["abc", "Alice", "a_b.c-9", "Z" + "x" * 31])
    def test_valid(self, name):
        assert model.validate_username(name) == name

    @pytest.mark.parametrize(
        "name",
        [
            "ab",  # too short
            "a" * 33,  # too long
            "1alice",  # must start with a letter
            "_alice",
            ".alice",
            "al ice",
            "alice!",
            "al@ice",
            "élodie",  # letters are ASCII only
            "",
            None,
        ],
    )
    def test_invalid(self, name):
        with pytest.raises(errors.InvalidUsername):
            model.validate_username(name)

    @pytest.mark.parametrize("name", ["alice\n", "Z" + "x" * 31 + "\n"])
    def test_trailing_newline_is_invalid(self, name):
        with pytest.raises(errors.InvalidUsername):
            model.validate_username(name)

    def test_canonical_form_ignores_case(self):
        assert model.canonical_username("AliCe") == model.canonical_username("alice") == "alice"

    def test_invalid_username_is_an_invalid_argument(self):
        with pytest.raises(common_errors.InvalidArgument):
            model.validate_username("x")

    def test_the_refusal_says_what_is_wrong(self):
        with pytest.raises(errors.InvalidUsername, match="^username must be 3 to 32 .*; this one starts with '1'$"):
            model.validate_username("1alice")


class TestPassword:
    @pytest.mark.parametrize("length", [10, 64, 128])
    def test_accepts_10_to_128_characters(self, length):
        assert model.validate_password("p" * length) == "p" * length

    @pytest.mark.parametrize("password", ["p" * 9, "p" * 129, "", None])
    def test_rejects_other_lengths(self, password):
        with pytest.raises(errors.InvalidPassword, match="10 to 128"):
            model.validate_password(password)


# --- badges -----------------------------------------------------------------------------------------------


def badge(**overrides) -> model.Badge:
    fields = {"slug": "night-owl", "name": "Night Owl", "description": "Night support.", "how_earned": "Ten nights."}
    return model.Badge(**{**fields, **overrides})


class TestBadge:
    def test_a_valid_badge_is_kept_with_its_text_trimmed(self):
        checked = badge(name=" Night Owl ", how_earned="Ten nights.\n").validate()
        assert (checked.slug, checked.name, checked.how_earned) == ("night-owl", "Night Owl", "Ten nights.")

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"slug": "Night Owl"}, "slug must be 2 to 64 characters of a-z, 0-9 and '-'; ' ', 'N', 'O' are not "
                                    "allowed"),
            ({"slug": "x"}, "slug must be 2 to 64 characters of a-z, 0-9 and '-'; this one has 1"),
            ({"name": "  "}, "name is required"),
            ({"name": "x" * 101}, "name must be at most 100 characters"),
            ({"description": "x" * 501}, "description must be at most 500 characters"),
            ({"how_earned": None}, "how_earned is required"),
        ],
    )
    def test_a_badge_the_catalogue_could_not_show_is_refused(self, overrides, message):
        with pytest.raises(errors.InvalidBadge) as refused:
            badge(**overrides).validate()
        assert refused.value.message == message


# --- grants and signing keys -------------------------------------------------------------------------

NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def grant(**overrides) -> model.RoleGrant:
    fields = dict(
        id=new_id(),
        person_id=new_id(),
        role=model.Role.CHAT_ROOM_MODERATOR,
        room_id=None,
        expires_at=None,
        granted_by="service:test",
        granted_at=NOW - dt.timedelta(days=1),
    )
    fields.update(overrides)
    return model.RoleGrant(**fields)


class TestRoleGrantActive:
    def test_open_ended_grant_is_active(self):
        assert grant().active(NOW)

    def test_grant_is_active_until_it_expires(self):
        g = grant(expires_at=NOW + dt.timedelta(hours=1))
        assert g.active(NOW + dt.timedelta(minutes=59))
        assert not g.active(NOW + dt.timedelta(hours=1))

    def test_revoked_grant_is_not_active(self):
        assert not grant(revoked_at=NOW - dt.timedelta(seconds=1)).active(NOW)


class TestSigningKeyPublished:
    TTL = dt.timedelta(minutes=15)

    def key(self, retired_at=None):
        return model.SigningKey("kid", "priv", "pub", NOW - dt.timedelta(days=1), retired_at=retired_at)

    def test_active_key_is_published_without_end(self):
        key = self.key()
        assert key.not_after(self.TTL) is None
        assert key.published(NOW + dt.timedelta(days=365), self.TTL)

    def test_retired_key_is_published_until_its_last_tokens_expire(self):
        key = self.key(retired_at=NOW)
        assert key.not_after(self.TTL) == NOW + self.TTL
        assert key.published(NOW + self.TTL - dt.timedelta(seconds=1), self.TTL)
        assert not key.published(NOW + self.TTL, self.TTL)


@pytest.mark.parametrize(
    "error, category",
    [
        (errors.TooYoung, common_errors.InvalidArgument),
        (errors.InvalidDateOfBirth, common_errors.InvalidArgument),
        (errors.UsernameTaken, common_errors.AlreadyExists),
        (errors.BadCredentials, common_errors.Unauthenticated),
        (errors.InvalidRefreshToken, common_errors.Unauthenticated),
        (errors.NotAdmin, common_errors.PermissionDenied),
        (errors.InvalidBadge, common_errors.InvalidArgument),
        (errors.BadgeNotFound, common_errors.NotFound),
        (errors.BadgeAlreadyHeld, common_errors.AlreadyExists),
        (errors.BadgeNotHeld, common_errors.NotFound),
        (errors.IdempotencyKeyReused, common_errors.FailedPrecondition),
    ],
)
def test_errors_fall_in_the_category_that_decides_their_status(error, category):
    assert common_errors.category_of(error("m")) is category
