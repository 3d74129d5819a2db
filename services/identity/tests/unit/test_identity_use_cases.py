"""Unit tests of identity's use cases on in-memory fakes: people, tokens, roles, badges, cohorts and keys."""
import datetime as dt

import pytest

from hearth_common.ids import new_id
from identity_service.domain import errors
from identity_service.seed import STARTER_BADGES
from identity_service.service_layer.services import Actor, TokenPolicy

# The same values as the unit conftest's make_person defaults and FakeClock start.
PASSWORD = "correct horse battery"
ADULT_DOB = "1990-01-01"
TEEN_DOB = "2010-01-01"  # 15 on START
START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.timezone.utc)

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=30)
SERVICE = Actor(service="course")


def event_types(events):
    return [e.type for e in events]


def only_event(events, type_):
    matching = [e for e in events if e.type == type_]
    assert len(matching) == 1, event_types(events)
    return matching[0]


# --- register ---------------------------------------------------------------------------------------


class TestRegister:
    def test_adult_is_registered_in_the_adult_cohort(self, service):
        person = service.register("Alice", PASSWORD, ADULT_DOB, "member")
        assert person["username"] == "Alice"
        assert person["kind"] == "member"
        assert person["cohort"] == "adult"
        assert person["registered_at"] == START
        assert service.get_person(person_id=person["id"]) == person

    @pytest.mark.parametrize(
        "dob, cohort",
        [
            (TEEN_DOB, "teen"),
            ("2012-06-15", "teen"),  # 13 today
            ("2007-06-16", "teen"),  # 18 tomorrow
            ("2007-06-15", "adult"),  # 18 today
        ],
    )
    def test_cohort_comes_from_the_date_of_birth(self, service, dob, cohort):
        assert service.register("tess", PASSWORD, dob, "member")["cohort"] == cohort

    def test_listener_kind_is_kept(self, service):
        person = service.register("lee", PASSWORD, ADULT_DOB, "listener")
        assert person["kind"] == "listener"

    @pytest.mark.parametrize("kind", ["", None, "admin", "Member", "moderator"])
    def test_kind_is_required_and_must_be_member_or_listener(self, service, db, published, kind):
        with pytest.raises(errors.InvalidArgument, match="member, listener"):
            service.register("alice", PASSWORD, ADULT_DOB, kind)
        assert db.tables["people"] == {}
        assert published == []

    def test_username_is_unique_ignoring_case(self, service, db, published):
        first = service.register("Alice", PASSWORD, ADULT_DOB, "member")
        with pytest.raises(errors.UsernameTaken):
            service.register("aLICE", "another password", TEEN_DOB, "listener")
        assert [p.id for p in db.rows("people")] == [first["id"]]
        assert event_types(published) == ["person_registered"]
        assert service.get_person(username="alice") == first

    def test_a_concurrent_twin_with_the_same_username_gets_username_taken(self, service, db, published):
        # The twin commits between our check and our commit: the database's unique rule decides.
        db.before_next_commit = lambda: service.register("ALICE", PASSWORD, ADULT_DOB, "listener")
        with pytest.raises(errors.UsernameTaken):
            service.register("alice", PASSWORD, ADULT_DOB, "member")
        (person,) = db.rows("people")
        assert person.username == "ALICE"
        assert event_types(published) == ["person_registered"]
        assert published[0].data["username"] == "ALICE"

    def test_under_13_is_refused_and_nothing_is_written(self, service, db, published):
        commits = db.commits
        with pytest.raises(errors.TooYoung):
            service.register("kid", PASSWORD, "2012-06-16", "member")  # 13 tomorrow
        assert db.tables["people"] == {}
        assert published == []
        assert db.commits == commits
        with pytest.raises(errors.PersonNotFound):
            service.get_person(username="kid")

    @pytest.mark.parametrize(
        "username, password, dob, error",
        [
            ("ab", PASSWORD, ADULT_DOB, errors.InvalidUsername),
            ("alice", "short", ADULT_DOB, errors.InvalidPassword),
            ("alice", PASSWORD, "01/01/1990", errors.InvalidDateOfBirth),
            ("alice", PASSWORD, "2025-06-16", errors.InvalidDateOfBirth),  # tomorrow
            ("alice", PASSWORD, "1904-06-15", errors.InvalidDateOfBirth),  # 121
        ],
    )
    def test_invalid_input_is_refused_and_nothing_is_written(
        self, service, db, published, username, password, dob, error
    ):
        with pytest.raises(error):
            service.register(username, password, dob, "member")
        assert db.tables["people"] == {}
        assert published == []

    def test_username_with_trailing_newline_is_refused(self, service, make_person):
        make_person("alice")
        with pytest.raises(errors.InvalidUsername):
            service.register("alice\n", PASSWORD, ADULT_DOB, "member")

    def test_person_registered_event_carries_what_read_models_need(self, service, published):
        person = service.register("Tess", PASSWORD, TEEN_DOB, "listener")
        event = only_event(published, "person_registered")
        assert event.data == {
            "person_id": person["id"],
            "username": "Tess",
            "kind": "listener",
            "cohort": "teen",
            "registered_at": START.isoformat(),
        }

    def test_password_is_stored_only_as_a_hash(self, service, db):
        service.register("alice", PASSWORD, ADULT_DOB, "member")
        (person,) = db.rows("people")
        assert PASSWORD not in {person.username, person.id}
        assert person.password_hash == "hashed:" + PASSWORD


# --- get_person -------------------------------------------------------------------------------------


class TestGetPerson:
    def test_by_id_and_by_username_ignoring_case(self, service, make_person):
        person = make_person("Alice")
        assert service.get_person(person_id=person["id"]) == person
        assert service.get_person(person_id=person["id"].upper()) == person
        assert service.get_person(username="ALICE") == person

    @pytest.mark.parametrize("kwargs", [{}, {"person_id": None, "username": None}, {"person_id": "", "username": ""}])
    def test_one_of_id_or_username_is_required(self, service, kwargs):
        with pytest.raises(errors.InvalidArgument, match="exactly one"):
            service.get_person(**kwargs)

    def test_not_both(self, service, make_person):
        person = make_person("alice")
        with pytest.raises(errors.InvalidArgument, match="exactly one"):
            service.get_person(person_id=person["id"], username="alice")

    def test_invalid_uuid(self, service):
        with pytest.raises(errors.InvalidArgument, match="UUID"):
            service.get_person(person_id="12345")

    def test_unknown(self, service):
        with pytest.raises(errors.PersonNotFound):
            service.get_person(person_id=new_id())
        with pytest.raises(errors.PersonNotFound):
            service.get_person(username="nobody")


# --- login and access tokens ------------------------------------------------------------------------


class TestLogin:
    def test_good_credentials_give_tokens_and_the_person(self, service, make_person):
        person = make_person("alice")
        result = service.login("alice", PASSWORD)
        assert result["person"] == person
        tokens = result["tokens"]
        assert tokens["access_token"] and tokens["refresh_token"]
        assert tokens["access_token_expires_at"] == START + ACCESS_TTL
        assert tokens["refresh_token_expires_at"] == START + REFRESH_TTL

    def test_username_ignores_case(self, service, make_person):
        person = make_person("Alice")
        assert service.login("aLiCe", PASSWORD)["person"]["id"] == person["id"]

    def test_wrong_password_and_unknown_user_fail_the_same_way(self, service, make_person, hasher):
        make_person("alice")
        with pytest.raises(errors.BadCredentials) as wrong:
            service.login("alice", PASSWORD + "x")
        verifies = hasher.verify_calls
        with pytest.raises(errors.BadCredentials) as unknown:
            service.login("nobody", PASSWORD)
        assert str(wrong.value) == str(unknown.value)
        # An unknown username still costs a hash verification, so timing does not reveal who exists.
        assert hasher.verify_calls == verifies + 1

    @pytest.mark.parametrize("username, password", [("", PASSWORD), ("alice", ""), (None, None)])
    def test_missing_credentials(self, service, make_person, username, password):
        make_person("alice")
        with pytest.raises(errors.BadCredentials):
            service.login(username, password)

    def test_failed_login_issues_no_refresh_token(self, service, make_person, db):
        make_person("alice")
        with pytest.raises(errors.BadCredentials):
            service.login("alice", "wrong password!")
        assert db.tables["refresh_tokens"] == {}

    def test_access_token_claims(self, service, make_person, signer):
        person = make_person("Tess", date_of_birth=TEEN_DOB, kind="listener")
        tokens = service.login("tess", PASSWORD)["tokens"]
        kid, claims = signer.decode(tokens["access_token"])
        (active,) = [k for k in service.public_keys() if k["active"]]
        assert kid == active["kid"]
        assert claims["sub"] == person["id"]
        assert claims["username"] == "Tess"
        assert claims["kind"] == "listener"
        assert claims["cohort"] == "teen"
        assert claims["roles"] == []
        assert claims["iss"] == "hearth-identity"
        assert claims["aud"] == "hearth"
        assert claims["iat"] == int(START.timestamp())
        assert 0 < claims["exp"] - claims["iat"] <= 900
        assert claims["jti"]

    def test_every_token_has_its_own_id(self, service, make_person, signer):
        make_person("alice")
        first = signer.decode(service.login("alice", PASSWORD)["tokens"]["access_token"])[1]
        second = signer.decode(service.login("alice", PASSWORD)["tokens"]["access_token"])[1]
        assert first["jti"] != second["jti"]

    def test_roles_claim_lists_current_grants_only(self, service, make_person, admin, signer, clock):
        person = make_person("moe")
        service.grant_role(admin, person["id"], "chat_room_moderator", room_id="teen-lounge")
        service.grant_role(admin, person["id"], "on_spot_host", expires_at=START + dt.timedelta(hours=1))
        revoked = service.grant_role(admin, person["id"], "support_session_leader")
        service.revoke_role(admin, revoked["id"], "stepped down")
        clock.advance(hours=1)  # the on-spot host grant has expired
        _, claims = signer.decode(service.login("moe", PASSWORD)["tokens"]["access_token"])
        assert claims["roles"] == [{"role": "chat_room_moderator", "room_id": "teen-lounge"}]

    def test_no_signing_key_means_no_tokens(self, bare_service):
        bare_service.register("alice", PASSWORD, ADULT_DOB, "member")
        with pytest.raises(errors.FailedPrecondition, match="signing key"):
            bare_service.login("alice", PASSWORD)

    @pytest.mark.parametrize("ttl", [dt.timedelta(seconds=29), dt.timedelta(minutes=15, seconds=1)])
    def test_access_tokens_must_be_short_lived(self, ttl):
        with pytest.raises(ValueError):
            TokenPolicy(issuer="i", audience="a", access_ttl=ttl, refresh_ttl=REFRESH_TTL)


# --- refresh and logout ------------------------------------------------------------------------------


@pytest.fixture
def session(service, make_person):
    """A logged-in adult member: (person, tokens)."""
    person = make_person("alice")
    return person, service.login("alice", PASSWORD)["tokens"]


class TestRefresh:
    def test_refresh_rotates_the_refresh_token(self, service, session, signer, clock):
        person, tokens = session
        clock.advance(minutes=10)
        new = service.refresh(tokens["refresh_token"])
        assert new["refresh_token"] != tokens["refresh_token"]
        assert new["refresh_token_expires_at"] == clock.now + REFRESH_TTL
        assert new["access_token_expires_at"] == clock.now + ACCESS_TTL
        _, claims = signer.decode(new["access_token"])
        assert claims["sub"] == person["id"]
        assert claims["iat"] == int(clock.now.timestamp())

    def test_the_new_refresh_token_works_in_turn(self, service, session):
        _, tokens = session
        second = service.refresh(tokens["refresh_token"])
        third = service.refresh(second["refresh_token"])
        assert len({tokens["refresh_token"], second["refresh_token"], third["refresh_token"]}) == 3

    def test_old_refresh_token_is_refused_after_rotation(self, service, session):
        _, tokens = session
        service.refresh(tokens["refresh_token"])
        with pytest.raises(errors.InvalidRefreshToken, match="already used"):
            service.refresh(tokens["refresh_token"])

    def test_reuse_of_a_used_token_ends_the_whole_session(self, service, session):
        _, tokens = session
        newest = service.refresh(tokens["refresh_token"])
        with pytest.raises(errors.InvalidRefreshToken):
            service.refresh(tokens["refresh_token"])  # a copied token comes back
        with pytest.raises(errors.InvalidRefreshToken):
            service.refresh(newest["refresh_token"])

    def test_reuse_does_not_end_other_sessions(self, service, session):
        _, tokens = session
        other = service.login("alice", PASSWORD)["tokens"]
        service.refresh(tokens["refresh_token"])
        with pytest.raises(errors.InvalidRefreshToken):
            service.refresh(tokens["refresh_token"])
        assert service.refresh(other["refresh_token"])["refresh_token"]

    def test_refresh_token_expires_after_refresh_ttl(self, service, session, clock):
        _, tokens = session
        clock.advance(REFRESH_TTL)
        with pytest.raises(errors.InvalidRefreshToken, match="expired"):
            service.refresh(tokens["refresh_token"])

    def test_refresh_token_works_until_it_expires(self, service, session, clock):
        _, tokens = session
        clock.advance(REFRESH_TTL - dt.timedelta(seconds=1))
        assert service.refresh(tokens["refresh_token"])["refresh_token"]

    @pytest.mark.parametrize("token", ["", None, "made-up-token"])
    def test_unknown_token_is_refused(self, service, session, token):
        with pytest.raises(errors.InvalidRefreshToken, match="unknown"):
            service.refresh(token)

    def test_refreshed_access_token_reflects_current_roles_and_cohort(self, service, session, admin, signer):
        person, tokens = session
        service.grant_role(admin, person["id"], "on_spot_host", room_id="night-owls")
        new = service.refresh(tokens["refresh_token"])
        _, claims = signer.decode(new["access_token"])
        assert claims["roles"] == [{"role": "on_spot_host", "room_id": "night-owls"}]
        assert claims["cohort"] == "adult"

    def test_a_failed_refresh_does_not_burn_the_token(self, service, session, db):
        # With no signing key the refresh fails after marking the token used; that change must roll back,
        # or the user's next (legitimate) retry would be treated as theft.
        _, tokens = session
        keys = db.tables["signing_keys"]
        db.tables["signing_keys"] = {}
        with pytest.raises(errors.FailedPrecondition):
            service.refresh(tokens["refresh_token"])
        db.tables["signing_keys"] = keys
        assert service.refresh(tokens["refresh_token"])["refresh_token"]


class TestLogout:
    def test_logout_ends_the_session(self, service, session):
        _, tokens = session
        service.logout(tokens["refresh_token"])
        with pytest.raises(errors.InvalidRefreshToken, match="logged out"):
            service.refresh(tokens["refresh_token"])

    def test_logout_ends_the_whole_family(self, service, session):
        _, tokens = session
        newest = service.refresh(tokens["refresh_token"])
        service.logout(tokens["refresh_token"])  # an older token of the same session
        with pytest.raises(errors.InvalidRefreshToken):
            service.refresh(newest["refresh_token"])

    def test_logout_leaves_other_sessions(self, service, session):
        _, tokens = session
        other = service.login("alice", PASSWORD)["tokens"]
        service.logout(tokens["refresh_token"])
        assert service.refresh(other["refresh_token"])["refresh_token"]

    def test_logout_with_unknown_token(self, service, session):
        with pytest.raises(errors.InvalidRefreshToken):
            service.logout("made-up-token")


# --- roles ------------------------------------------------------------------------------------------


class TestRoles:
    def test_admin_grants_a_room_scoped_time_boxed_role(self, service, make_person, admin, published):
        person = make_person("moe")
        published.clear()
        expires = START + dt.timedelta(days=7)
        grant = service.grant_role(
            admin, person["id"], "chat_room_moderator", room_id=" teen-lounge ", expires_at=expires
        )
        assert grant["person_id"] == person["id"]
        assert grant["role"] == "chat_room_moderator"
        assert grant["room_id"] == "teen-lounge"
        assert grant["expires_at"] == expires
        assert grant["granted_by"] == admin.person_id
        assert grant["granted_at"] == START
        assert service.list_roles(person["id"]) == [grant]
        assert event_types(published) == ["role_granted"]
        assert published[0].data == {
            "grant_id": grant["id"],
            "person_id": person["id"],
            "role": "chat_room_moderator",
            "room_id": "teen-lounge",
            "expires_at": expires.isoformat(),
            "granted_by": admin.person_id,
        }

    def test_open_ended_site_wide_grant_event(self, service, make_person, admin, published):
        person = make_person("sal")
        published.clear()
        grant = service.grant_role(admin, person["id"], "support_session_leader")
        data = only_event(published, "role_granted").data
        assert (data["room_id"], data["expires_at"], data["grant_id"]) == (None, None, grant["id"])

    def test_a_non_admin_cannot_grant(self, service, make_person, published):
        member = make_person("mallory")
        target = make_person("moe")
        published.clear()
        with pytest.raises(errors.NotAdmin):
            service.grant_role(Actor(person_id=member["id"]), target["id"], "admin")
        with pytest.raises(errors.NotAdmin):
            service.grant_role(Actor(), target["id"], "chat_room_moderator")
        assert service.list_roles(target["id"]) == []
        assert service.list_roles(member["id"]) == []
        assert published == []

    def test_a_moderator_is_not_an_admin(self, service, make_person, admin):
        mod = make_person("moe")
        target = make_person("tia")
        service.grant_role(admin, mod["id"], "chat_room_moderator")
        with pytest.raises(errors.NotAdmin):
            service.grant_role(Actor(person_id=mod["id"]), target["id"], "on_spot_host")

    def test_admin_cannot_be_room_scoped(self, service, make_person, admin):
        person = make_person("bob")
        with pytest.raises(errors.InvalidArgument, match="admin"):
            service.grant_role(admin, person["id"], "admin", room_id="teen-lounge")
        assert service.list_roles(person["id"]) == []

    def test_a_room_scope_must_name_a_room_that_exists(self, service, make_person, admin, published):
        person = make_person("bob")
        published.clear()
        with pytest.raises(errors.NotFound, match="no room with slug 'teen-lounge-typo'"):
            service.grant_role(admin, person["id"], "chat_room_moderator", room_id="teen-lounge-typo")
        assert service.list_roles(person["id"]) == [] and published == []

    def test_a_room_scoped_grant_waits_for_room_to_answer(self, service, make_person, admin, published,
                                                          room_catalogue):
        person = make_person("bob")
        published.clear()
        room_catalogue.down = True
        with pytest.raises(ConnectionError):  # UNAVAILABLE at the gRPC edge: retry, nothing was granted
            service.grant_role(admin, person["id"], "chat_room_moderator", room_id="teen-lounge")
        assert service.list_roles(person["id"]) == [] and published == []
        service.grant_role(admin, person["id"], "on_spot_host")  # a grant for no room does not ask room

    def test_unknown_role(self, service, make_person, admin):
        person = make_person("bob")
        with pytest.raises(errors.InvalidArgument, match="role must be one of"):
            service.grant_role(admin, person["id"], "superuser")

    @pytest.mark.parametrize("room_id", ["Teen-Anxiety-Support", "x" * 65, "ab", "teen lounge", 42])
    def test_a_room_scope_must_be_a_room_slug_room_can_match(self, service, make_person, admin, room_id):
        person = make_person("bob")
        with pytest.raises(errors.InvalidArgument, match="room_id must be"):
            service.grant_role(admin, person["id"], "chat_room_moderator", room_id=room_id)
        assert service.list_roles(person["id"]) == []

    @pytest.mark.parametrize("delta", [dt.timedelta(0), dt.timedelta(seconds=-1), dt.timedelta(days=-3)])
    def test_expires_at_must_be_in_the_future(self, service, make_person, admin, delta):
        person = make_person("bob")
        with pytest.raises(errors.InvalidArgument, match="future"):
            service.grant_role(admin, person["id"], "on_spot_host", expires_at=START + delta)
        assert service.list_roles(person["id"]) == []

    def test_grant_to_unknown_or_malformed_person(self, service, admin):
        with pytest.raises(errors.PersonNotFound):
            service.grant_role(admin, new_id(), "on_spot_host")
        with pytest.raises(errors.InvalidArgument, match="person_id"):
            service.grant_role(admin, "bob", "on_spot_host")

    def test_expired_grants_are_not_listed(self, service, make_person, admin, clock):
        person = make_person("bob")
        lasting = service.grant_role(admin, person["id"], "chat_room_moderator")
        service.grant_role(admin, person["id"], "on_spot_host", expires_at=START + dt.timedelta(hours=1))
        clock.advance(minutes=59)
        assert {g["role"] for g in service.list_roles(person["id"])} == {"chat_room_moderator", "on_spot_host"}
        clock.advance(minutes=1)
        assert service.list_roles(person["id"]) == [lasting]

    def test_an_expired_admin_grant_does_not_make_someone_admin(self, service, make_person, admin, clock):
        temp = make_person("temp_admin")
        target = make_person("bob")
        service.grant_role(admin, temp["id"], "admin", expires_at=START + dt.timedelta(hours=1))
        temp_actor = Actor(person_id=temp["id"])
        service.grant_role(temp_actor, target["id"], "on_spot_host")  # admin for now
        clock.advance(hours=1)
        with pytest.raises(errors.NotAdmin):
            service.grant_role(temp_actor, target["id"], "chat_room_moderator")

    def test_admin_revokes_a_grant(self, service, make_person, admin, published, clock):
        person = make_person("moe")
        grant = service.grant_role(admin, person["id"], "chat_room_moderator", room_id="lounge")
        published.clear()
        clock.advance(days=1)
        service.revoke_role(admin, grant["id"], "  left the team  ")
        assert service.list_roles(person["id"]) == []
        assert event_types(published) == ["role_revoked"]
        assert published[0].data == {
            "grant_id": grant["id"],
            "person_id": person["id"],
            "role": "chat_room_moderator",
            "room_id": "lounge",
            "expires_at": None,
            "revoked_by": admin.person_id,
            "reason": "left the team",
        }

    def test_revoking_twice_or_an_unknown_grant(self, service, make_person, admin, published):
        person = make_person("moe")
        grant = service.grant_role(admin, person["id"], "chat_room_moderator")
        service.revoke_role(admin, grant["id"], "done")
        published.clear()
        with pytest.raises(errors.GrantNotFound):
            service.revoke_role(admin, grant["id"], "again")
        with pytest.raises(errors.GrantNotFound):
            service.revoke_role(admin, new_id(), "no such grant")
        with pytest.raises(errors.InvalidArgument, match="grant_id"):
            service.revoke_role(admin, "grant-1", "malformed")
        assert published == []


    def test_a_non_admin_cannot_revoke(self, service, make_person, admin, published):
        person = make_person("moe")
        grant = service.grant_role(admin, person["id"], "chat_room_moderator")
        published.clear()
        with pytest.raises(errors.NotAdmin):
            service.revoke_role(Actor(person_id=person["id"]), grant["id"], "I quit")
        assert service.list_roles(person["id"]) == [grant]
        assert published == []

    @pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
    def test_revoke_needs_a_reason(self, service, make_person, admin, reason):
        person = make_person("moe")
        grant = service.grant_role(admin, person["id"], "chat_room_moderator")
        with pytest.raises(errors.InvalidArgument, match="reason"):
            service.revoke_role(admin, grant["id"], reason)
        assert service.list_roles(person["id"]) == [grant]

    def test_a_revoked_admin_is_no_longer_admin(self, service, make_person, admin):
        second = make_person("second_admin")
        target = make_person("bob")
        grant = service.grant_role(admin, second["id"], "admin")
        service.revoke_role(admin, grant["id"], "rotation")
        with pytest.raises(errors.NotAdmin):
            service.grant_role(Actor(person_id=second["id"]), target["id"], "on_spot_host")

    def test_list_roles_of_unknown_person(self, service):
        with pytest.raises(errors.PersonNotFound):
            service.list_roles(new_id())

    def test_bootstrap_admin_is_idempotent(self, service, make_person):
        first = service.bootstrap_admin("root", PASSWORD, ADULT_DOB)
        second = service.bootstrap_admin("ROOT", PASSWORD, ADULT_DOB)
        assert first["id"] == second["id"]
        assert [g["role"] for g in service.list_roles(first["id"])] == ["admin"]
        target = make_person("bob")
        service.grant_role(Actor(person_id=first["id"]), target["id"], "on_spot_host")


# --- badges -----------------------------------------------------------------------------------------


@pytest.fixture
def member(make_person):
    return make_person("bea")


class TestBadgeCatalogue:
    def test_starter_catalogue_is_listed_by_slug(self, service):
        catalogue = service.badge_catalogue()
        assert [b["slug"] for b in catalogue] == sorted(b.slug for b in STARTER_BADGES)
        first_post = next(b for b in catalogue if b["slug"] == "first-post")
        assert first_post == {
            "slug": "first-post",
            "name": "First Post",
            "description": "Shared for the first time in a group room.",
            "how_earned": "Post your first message in any group support room.",
        }

    def test_seeding_again_adds_nothing_and_refreshes_wording(self, service):
        reworded = [b._replace(name=b.name + " (new)") if b.slug == "night-owl" else b for b in STARTER_BADGES]
        assert service.seed_badges(reworded) == 0
        catalogue = service.badge_catalogue()
        assert len(catalogue) == len(STARTER_BADGES)
        assert next(b for b in catalogue if b["slug"] == "night-owl")["name"] == "Night Owl (new)"

    def test_seeding_an_empty_store_adds_everything(self, bare_service):
        assert bare_service.seed_badges(STARTER_BADGES) == len(STARTER_BADGES)


class TestAwardBadge:
    def test_admin_awards_a_badge(self, service, member, admin, published):
        published.clear()
        award = service.award_badge(admin, member["id"], "first-post", "  first message  ", None)
        assert award["person_id"] == member["id"]
        assert award["badge"]["slug"] == "first-post"
        assert award["badge"]["name"] == "First Post"
        assert award["awarded_by"] == admin.person_id
        assert award["reason"] == "first message"
        assert award["awarded_at"] == START
        assert service.person_badges(member["id"]) == [award]
        assert event_types(published) == ["badge_awarded"]
        assert published[0].data == {
            "award_id": award["id"],
            "person_id": member["id"],
            "badge_slug": "first-post",
            "awarded_by": admin.person_id,
            "reason": "first message",
            "awarded_at": START.isoformat(),
        }

    def test_a_non_admin_cannot_award(self, service, member, published):
        published.clear()
        with pytest.raises(errors.NotAdmin):
            service.award_badge(Actor(person_id=member["id"]), member["id"], "chief-chat", "me", None)
        assert service.person_badges(member["id"]) == []
        assert published == []

    def test_unknown_badge(self, service, member, admin):
        with pytest.raises(errors.BadgeNotFound):
            service.award_badge(admin, member["id"], "no-such-badge", "why not", None)

    def test_unknown_person(self, service, admin):
        with pytest.raises(errors.PersonNotFound):
            service.award_badge(admin, new_id(), "first-post", "why not", None)

    def test_a_badge_is_held_once(self, service, member, admin, published):
        service.award_badge(admin, member["id"], "first-post", "first", None)
        published.clear()
        with pytest.raises(errors.BadgeAlreadyHeld):
            service.award_badge(admin, member["id"], "first-post", "again", None)
        with pytest.raises(errors.BadgeAlreadyHeld):
            service.award_badge(admin, member["id"], "first-post", "again, with a key", "key-2")
        assert len(service.person_badges(member["id"])) == 1
        assert published == []

    def test_same_idempotency_key_returns_the_same_award_and_one_event(self, service, member, admin, published, clock):
        published.clear()
        first = service.award_badge(admin, member["id"], "night-owl", "ten nights", "award-1")
        clock.advance(minutes=5)
        retry = service.award_badge(admin, member["id"], "night-owl", "ten nights", "award-1")
        assert retry == first
        assert event_types(published) == ["badge_awarded"]
        assert service.person_badges(member["id"]) == [first]

    @pytest.mark.parametrize("other", ["badge", "person"])
    def test_same_key_for_a_different_award_is_refused(self, service, member, admin, make_person, published, other):
        service.award_badge(admin, member["id"], "night-owl", "ten nights", "award-1")
        person_id, slug = member["id"], "night-owl"
        if other == "badge":
            slug = "grief-companion"
        else:
            person_id = make_person("carl")["id"]
        published.clear()
        with pytest.raises(errors.IdempotencyKeyReused):
            service.award_badge(admin, person_id, slug, "different", "award-1")
        assert published == []
        assert [a["badge"]["slug"] for a in service.person_badges(person_id)] == (
            ["night-owl"] if other == "badge" else []
        )

    @pytest.mark.parametrize("key", [None, "", "   "])
    def test_a_service_must_send_an_idempotency_key(self, service, member, key):
        with pytest.raises(errors.InvalidArgument, match="idempotency_key"):
            service.award_badge(SERVICE, member["id"], "group-dynamics-graduate", "completed", key)
        assert service.person_badges(member["id"]) == []

    def test_a_service_with_a_key_may_award(self, service, member, published):
        published.clear()
        award = service.award_badge(SERVICE, member["id"], "group-dynamics-graduate", "completed", "course:c1:p1")
        assert award["awarded_by"] == "service:course"
        assert only_event(published, "badge_awarded").data["awarded_by"] == "service:course"

    def test_a_concurrent_twin_with_the_same_key_is_answered_like_a_retry(self, service, member, db, published):
        published.clear()
        twin = {}
        db.before_next_commit = lambda: twin.update(
            service.award_badge(SERVICE, member["id"], "first-post", "first", "evt-1")
        )
        award = service.award_badge(SERVICE, member["id"], "first-post", "first", "evt-1")
        assert award == twin
        assert event_types(published) == ["badge_awarded"]
        assert service.person_badges(member["id"]) == [award]

    def test_a_twin_committing_between_the_key_lookup_and_the_held_check_is_answered_like_a_retry(
        self, service, member, db, published
    ):
        published.clear()
        twin = {}
        db.before_next_read = (
            "awards.held",
            lambda: twin.update(service.award_badge(SERVICE, member["id"], "first-post", "first", "evt-1")),
        )
        award = service.award_badge(SERVICE, member["id"], "first-post", "first", "evt-1")
        assert award == twin
        assert event_types(published) == ["badge_awarded"]

    def test_a_concurrent_twin_without_a_key_gets_already_held(self, service, member, admin, db, published):
        published.clear()
        db.before_next_commit = lambda: service.award_badge(admin, member["id"], "first-post", "first", None)
        with pytest.raises(errors.BadgeAlreadyHeld):
            service.award_badge(admin, member["id"], "first-post", "first", None)
        assert event_types(published) == ["badge_awarded"]

    @pytest.mark.parametrize("reason", ["", "  ", None, "x" * 501])
    def test_reason_is_required(self, service, member, admin, reason):
        with pytest.raises(errors.InvalidArgument, match="reason"):
            service.award_badge(admin, member["id"], "first-post", reason, None)
        assert service.person_badges(member["id"]) == []

    def test_overlong_idempotency_key(self, service, member, admin):
        with pytest.raises(errors.InvalidArgument, match="idempotency_key"):
            service.award_badge(admin, member["id"], "first-post", "first", "k" * 201)

    def test_arguments_that_are_not_text_are_invalid_not_a_crash(self, service, member, admin):
        with pytest.raises(errors.InvalidArgument, match="reason must be text"):
            service.award_badge(admin, member["id"], "first-post", 5, None)
        with pytest.raises(errors.InvalidArgument, match="idempotency_key must be text"):
            service.award_badge(admin, member["id"], "first-post", "first", 42)
        assert service.person_badges(member["id"]) == []

    def test_person_badges_lists_current_ones_oldest_first(self, service, member, admin, clock):
        service.award_badge(admin, member["id"], "welcome-wagon", "welcomes", None)
        clock.advance(days=1)
        service.award_badge(admin, member["id"], "chief-chat", "steady", None)
        clock.advance(days=1)
        service.award_badge(admin, member["id"], "first-post", "first", None)
        service.revoke_badge(admin, member["id"], "chief-chat", "mistake", None)
        assert [a["badge"]["slug"] for a in service.person_badges(member["id"])] == ["welcome-wagon", "first-post"]

    def test_person_badges_of_unknown_person(self, service):
        with pytest.raises(errors.PersonNotFound):
            service.person_badges(new_id())


class TestRevokeBadge:
    def test_admin_revokes_a_held_badge(self, service, member, admin, published, clock):
        award = service.award_badge(admin, member["id"], "verified-listener", "passed", None)
        published.clear()
        clock.advance(days=2)
        service.revoke_badge(admin, member["id"], "verified-listener", " review failed ", None)
        assert service.person_badges(member["id"]) == []
        assert event_types(published) == ["badge_revoked"]
        assert published[0].data == {
            "award_id": award["id"],
            "person_id": member["id"],
            "badge_slug": "verified-listener",
            "revoked_by": admin.person_id,
            "reason": "review failed",
            "revoked_at": clock.now.isoformat(),
        }

    def test_badge_not_held(self, service, member, admin, published):
        published.clear()
        with pytest.raises(errors.BadgeNotHeld):
            service.revoke_badge(admin, member["id"], "first-post", "never had it", None)
        assert published == []

    def test_revoking_twice_without_a_key_is_not_held(self, service, member, admin):
        service.award_badge(admin, member["id"], "first-post", "first", None)
        service.revoke_badge(admin, member["id"], "first-post", "oops", None)
        with pytest.raises(errors.BadgeNotHeld):
            service.revoke_badge(admin, member["id"], "first-post", "oops", None)

    def test_revoke_is_idempotent_with_a_key(self, service, member, admin, published):
        service.award_badge(admin, member["id"], "first-post", "first", None)
        published.clear()
        service.revoke_badge(admin, member["id"], "first-post", "oops", "revoke-1")
        service.revoke_badge(admin, member["id"], "first-post", "oops", "revoke-1")
        assert event_types(published) == ["badge_revoked"]
        assert service.person_badges(member["id"]) == []

    def test_a_twin_committing_between_the_key_lookup_and_the_held_check_is_answered_like_a_retry(
        self, service, member, db, published
    ):
        service.award_badge(SERVICE, member["id"], "first-post", "first", "award-1")
        published.clear()
        db.before_next_read = (
            "awards.held",
            lambda: service.revoke_badge(SERVICE, member["id"], "first-post", "sanction", "revoke-1"),
        )
        service.revoke_badge(SERVICE, member["id"], "first-post", "sanction", "revoke-1")
        assert event_types(published) == ["badge_revoked"]


    def test_with_an_award_key_only_the_award_made_with_it_is_taken_back(self, service, member, admin, make_person,
                                                                          published):
        other = make_person("other")
        service.award_badge(admin, member["id"], "first-post", "by hand", "hand-1")
        service.award_badge(SERVICE, other["id"], "first-post", "earned", "completion-1")
        published.clear()
        with pytest.raises(errors.BadgeNotHeld):  # member holds first-post, but not by that award
            service.revoke_badge(SERVICE, member["id"], "first-post", "undone", "r-1", award_key="completion-1")
        with pytest.raises(errors.BadgeNotHeld):  # that award is of another badge
            service.revoke_badge(SERVICE, other["id"], "night-owl", "undone", "r-1", award_key="completion-1")
        assert published == []
        service.revoke_badge(SERVICE, other["id"], "first-post", "undone", "r-2", award_key="completion-1")
        assert service.person_badges(other["id"]) == []
        assert [a["badge"]["slug"] for a in service.person_badges(member["id"])] == ["first-post"]

    def test_a_twin_revoking_by_award_key_meanwhile_is_answered_like_a_retry(self, service, member, db, published):
        service.award_badge(SERVICE, member["id"], "first-post", "first", "award-1")
        published.clear()
        db.before_next_read = (
            "awards.by_award_key",
            lambda: service.revoke_badge(SERVICE, member["id"], "first-post", "undone", "revoke-1",
                                         award_key="award-1"),
        )
        service.revoke_badge(SERVICE, member["id"], "first-post", "undone", "revoke-1", award_key="award-1")
        assert event_types(published) == ["badge_revoked"]

    def test_a_retried_revoke_does_not_take_away_a_later_award(self, service, member, admin):
        service.award_badge(admin, member["id"], "first-post", "first", None)
        service.revoke_badge(admin, member["id"], "first-post", "oops", "revoke-1")
        again = service.award_badge(admin, member["id"], "first-post", "earned it again", None)
        service.revoke_badge(admin, member["id"], "first-post", "oops", "revoke-1")  # late retry
        assert service.person_badges(member["id"]) == [again]

    def test_same_revoke_key_for_a_different_revocation_is_refused(self, service, member, admin):
        service.award_badge(admin, member["id"], "first-post", "first", None)
        service.award_badge(admin, member["id"], "night-owl", "nights", None)
        service.revoke_badge(admin, member["id"], "first-post", "oops", "revoke-1")
        with pytest.raises(errors.IdempotencyKeyReused):
            service.revoke_badge(admin, member["id"], "night-owl", "oops", "revoke-1")
        assert [a["badge"]["slug"] for a in service.person_badges(member["id"])] == ["night-owl"]

    def test_a_badge_can_be_awarded_again_after_revocation(self, service, member, admin):
        first = service.award_badge(admin, member["id"], "first-post", "first", None)
        service.revoke_badge(admin, member["id"], "first-post", "oops", None)
        again = service.award_badge(admin, member["id"], "first-post", "for real", None)
        assert again["id"] != first["id"]
        assert service.person_badges(member["id"]) == [again]

    def test_a_non_admin_cannot_revoke(self, service, member, admin):
        award = service.award_badge(admin, member["id"], "first-post", "first", None)
        with pytest.raises(errors.NotAdmin):
            service.revoke_badge(Actor(person_id=member["id"]), member["id"], "first-post", "mine", None)
        assert service.person_badges(member["id"]) == [award]

    @pytest.mark.parametrize("key", [None, ""])
    def test_a_service_must_send_an_idempotency_key(self, service, member, admin, key):
        award = service.award_badge(admin, member["id"], "first-post", "first", None)
        with pytest.raises(errors.InvalidArgument, match="idempotency_key"):
            service.revoke_badge(SERVICE, member["id"], "first-post", "sanction", key)
        assert service.person_badges(member["id"]) == [award]

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_reason_is_required(self, service, member, admin, reason):
        award = service.award_badge(admin, member["id"], "first-post", "first", None)
        with pytest.raises(errors.InvalidArgument, match="reason"):
            service.revoke_badge(admin, member["id"], "first-post", reason, None)
        assert service.person_badges(member["id"]) == [award]


# --- promote_adults ---------------------------------------------------------------------------------


class TestPromoteAdults:
    def test_a_teen_becomes_adult_once_the_18th_birthday_passes(self, service, make_person, published, clock, signer):
        teen = make_person("tess", date_of_birth="2007-06-16")  # 18 tomorrow
        younger = make_person("tim", date_of_birth=TEEN_DOB)
        published.clear()
        assert service.promote_adults() == 0
        assert published == []

        clock.advance(days=1)
        assert service.promote_adults() == 1
        assert event_types(published) == ["cohort_changed"]
        assert published[0].data == {"person_id": teen["id"], "previous_cohort": "teen", "cohort": "adult"}
        assert service.get_person(person_id=teen["id"])["cohort"] == "adult"
        assert service.get_person(person_id=younger["id"])["cohort"] == "teen"
        _, claims = signer.decode(service.login("tess", PASSWORD)["tokens"]["access_token"])
        assert claims["cohort"] == "adult"

        published.clear()
        assert service.promote_adults() == 0
        assert published == []

    def test_29_february_teen_is_promoted_on_1_march(self, service, make_person, published, set_clock):
        teen = make_person("leap", date_of_birth="2008-02-29")
        published.clear()
        set_clock(dt.datetime(2026, 2, 28, 23, 59, tzinfo=dt.timezone.utc))
        assert service.promote_adults() == 0
        set_clock(dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.timezone.utc))
        assert service.promote_adults() == 1
        assert [e.data["person_id"] for e in published] == [teen["id"]]

    def test_promotes_everyone_due_across_batches(self, service, make_person, published, clock):
        due = [make_person(f"teen{i}", date_of_birth=f"2007-06-{16 + i}")["id"] for i in range(5)]
        later = make_person("later", date_of_birth="2007-07-01")
        published.clear()
        clock.advance(days=10)  # 25 June 2025: everyone born up to 25 June 2007 is 18
        assert service.promote_adults(batch_size=2) == 5
        assert sorted(e.data["person_id"] for e in published) == sorted(due)
        assert set(event_types(published)) == {"cohort_changed"}
        assert service.get_person(person_id=later["id"])["cohort"] == "teen"

    def test_adults_registered_as_adults_are_not_announced(self, service, make_person, published, clock):
        make_person("ada")
        published.clear()
        clock.advance(days=400)
        assert service.promote_adults() == 0
        assert published == []


# --- signing keys -----------------------------------------------------------------------------------


class TestSigningKeys:
    def test_ensure_signing_key_keeps_the_existing_key(self, service):
        (key,) = service.public_keys()
        assert service.ensure_signing_key()["kid"] == key["kid"]
        assert service.public_keys() == [key]
        assert key["active"] is True and key["not_after"] is None
        assert key["algorithm"] == "EdDSA"
        assert key["public_key_pem"] == f"-----PUBLIC {key['kid']}-----"

    def test_ensure_signing_key_creates_one_when_missing(self, bare_service):
        assert bare_service.public_keys() == []
        key = bare_service.ensure_signing_key()
        assert bare_service.public_keys() == [key]

    def test_only_an_admin_rotates(self, service, make_person):
        person = make_person("mallory")
        before = service.public_keys()
        with pytest.raises(errors.NotAdmin):
            service.rotate_signing_key(Actor(person_id=person["id"]))
        assert service.public_keys() == before

    def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published_for_access_ttl(
        self, service, admin, make_person, signer, clock
    ):
        make_person("alice")
        (old,) = service.public_keys()
        old_kid, _ = signer.decode(service.login("alice", PASSWORD)["tokens"]["access_token"])
        assert old_kid == old["kid"]

        clock.advance(hours=1)
        retired_at = clock.now
        new = service.rotate_signing_key(admin)
        assert new["kid"] != old["kid"] and new["active"] is True

        new_kid, _ = signer.decode(service.login("alice", PASSWORD)["tokens"]["access_token"])
        assert new_kid == new["kid"]

        keys = {k["kid"]: k for k in service.public_keys()}
        assert set(keys) == {old["kid"], new["kid"]}
        assert keys[old["kid"]]["active"] is False
        assert keys[old["kid"]]["not_after"] == retired_at + ACCESS_TTL

        clock.advance(ACCESS_TTL - dt.timedelta(seconds=1))
        assert {k["kid"] for k in service.public_keys()} == {old["kid"], new["kid"]}
        clock.advance(seconds=1)
        assert [k["kid"] for k in service.public_keys()] == [new["kid"]]

    def test_one_active_key_after_several_rotations(self, service, admin, clock):
        for _ in range(3):
            clock.advance(hours=1)
            newest = service.rotate_signing_key(admin)
        keys = service.public_keys()
        # The newest key signs; only the one retired by the last rotation is still within its access_ttl.
        assert [k["kid"] for k in keys if k["active"]] == [newest["kid"]]
        assert len(keys) == 2
