"""Unit: safe retries of Register and GrantRole with an idempotency key (hearth_common.idempotency), on fakes."""
import datetime as dt

import pytest

from hearth_common.idempotency import InvalidKey, KeyReused
from identity_service.domain import errors

PASSWORD = "correct horse battery"
ADULT_DOB = "1990-01-01"
KEY = "3f2b6a1e-9c1d-4e55-8a0b-1f2e3d4c5b6a"


def types(events):
    return [e.type for e in events]


class TestRegister:
    def test_a_retry_with_the_key_returns_the_first_person_and_registers_nobody_new(self, service, db, published):
        published.clear()
        first = service.register("alice", PASSWORD, ADULT_DOB, "member", KEY)
        again = service.register("alice", PASSWORD, ADULT_DOB, "member", KEY)
        assert again == first
        assert [p.id for p in db.rows("people")] == [first["id"]]
        assert types(published) == ["person_registered"]

    def test_without_a_key_a_second_register_is_username_taken_as_before(self, service):
        service.register("alice", PASSWORD, ADULT_DOB, "member", "")
        with pytest.raises(errors.UsernameTaken):
            service.register("alice", PASSWORD, ADULT_DOB, "member", "")

    def test_the_same_key_for_another_username_is_refused(self, service, db):
        service.register("alice", PASSWORD, ADULT_DOB, "member", KEY)
        before = db.snapshot()
        with pytest.raises(KeyReused, match="idempotency_key .* different"):
            service.register("bob_b", PASSWORD, ADULT_DOB, "member", KEY)
        assert db.snapshot() == before

    def test_a_concurrent_twin_with_the_key_is_answered_its_result(self, service, db, published):
        published.clear()
        twin = {}
        db.before_next_commit = lambda: twin.update(service.register("alice", PASSWORD, ADULT_DOB, "member", KEY))
        person = service.register("alice", PASSWORD, ADULT_DOB, "member", KEY)
        assert person == twin
        assert len(db.rows("people")) == 1
        assert types(published) == ["person_registered"]

    @pytest.mark.parametrize("key", ["k" * 201, "has space", "tab\there", "é", 42])
    def test_a_malformed_key_is_refused_before_anything_is_written(self, service, db, key):
        before = db.snapshot()
        with pytest.raises(InvalidKey, match="idempotency_key"):
            service.register("alice", PASSWORD, ADULT_DOB, "member", key)
        assert db.snapshot() == before


class TestGrantRole:
    def test_a_retry_returns_the_first_grant_and_grants_nothing_new(self, service, admin, make_person, db,
                                                                    published):
        person = make_person("mo_mod")
        published.clear()
        first = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        again = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        assert again == first
        assert [g.id for g in db.rows("grants") if g.person_id == person["id"]] == [first["id"]]
        assert types(published) == ["role_granted"]

    def test_the_same_key_for_another_role_is_refused(self, service, admin, make_person):
        person = make_person("mo_mod")
        service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        with pytest.raises(KeyReused):
            service.grant_role(admin, person["id"], "on_spot_host", idempotency_key=KEY)

    def test_keys_are_the_callers_own(self, service, admin, make_person):
        """Another admin's call with the same key is a call of its own."""
        person = make_person("mo_mod")
        other = make_person("ben_admin", kind="listener")
        other_admin = type(admin)(person_id=other["id"])
        service.grant_role(admin, other["id"], "admin")
        first = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        second = service.grant_role(other_admin, person["id"], "on_spot_host", idempotency_key=KEY)
        assert second["id"] != first["id"]

    def test_a_concurrent_twin_with_the_key_ends_with_one_grant(self, service, admin, make_person, db, published):
        person = make_person("mo_mod")
        published.clear()
        twin = {}
        db.before_next_commit = lambda: twin.update(
            service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY))
        grant = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        assert grant == twin
        assert types(published) == ["role_granted"]

    def test_records_are_purged_after_their_retention_and_the_key_is_free_again(self, service, admin, make_person,
                                                                                 clock, db):
        person = make_person("mo_mod")
        first = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        clock.advance(hours=23)
        assert service.purge_idempotency_records() == 0
        assert service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY) == first
        clock.advance(hours=2)
        assert service.purge_idempotency_records() >= 1
        assert db.rows("idempotency_records") == []
        later = service.grant_role(admin, person["id"], "chat_room_moderator", idempotency_key=KEY)
        assert later["id"] != first["id"]
        assert later["granted_at"] == first["granted_at"] + dt.timedelta(hours=25)


class TestRotateSigningKey:
    def test_a_retry_returns_the_key_the_first_call_made_and_rotates_nothing(self, service, admin, db):
        first = service.rotate_signing_key(admin, KEY)
        state = db.snapshot()
        assert service.rotate_signing_key(admin, KEY) == first
        assert db.snapshot() == state
        assert [k.kid for k in db.rows("signing_keys") if k.retired_at is None] == [first["kid"]]
        assert service.rotate_signing_key(admin)["kid"] != first["kid"]  # without the key: a new rotation

    def test_a_concurrent_twin_ends_with_one_new_key(self, service, admin, db):
        twin = {}
        db.before_next_commit = lambda: twin.update(service.rotate_signing_key(admin, KEY))
        assert service.rotate_signing_key(admin, KEY) == twin
        assert len(db.rows("signing_keys")) == 2  # the first key, retired, and one new key


def test_a_retried_grant_is_answered_even_once_its_expiry_has_passed(service, admin, make_person, clock):
    person = make_person("mo_mod")
    expires = clock() + dt.timedelta(hours=1)
    first = service.grant_role(admin, person["id"], "on_spot_host", None, expires, idempotency_key=KEY)
    clock.advance(hours=2)
    assert service.grant_role(admin, person["id"], "on_spot_host", None, expires, idempotency_key=KEY) == first
    with pytest.raises(errors.InvalidArgument, match="future"):
        service.grant_role(admin, person["id"], "on_spot_host", None, expires, idempotency_key="another-key")
