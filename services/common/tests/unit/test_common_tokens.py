"""Unit tests of local access-token verification (EdDSA JWT) against identity's published keys."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hearth_common.errors import Unauthenticated
from hearth_common.tokens import Principal, RoleClaim, TokenVerifier, principal_from_claims

ISSUER = "hearth-identity"
AUDIENCE = "hearth"


def public_pem(private_key: Ed25519PrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def claims(**overrides) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    base = {
        "sub": "person-1",
        "username": "calm_otter",
        "kind": "listener",
        "cohort": "adult",
        "roles": [
            {"role": "chat_room_moderator", "room_id": "room-a"},
            {"role": "support_session_leader", "room_id": None},
        ],
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + dt.timedelta(minutes=15),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


def sign(private_key, kid: str | None = "k1", **overrides) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims(**overrides), private_key, algorithm="EdDSA", headers=headers)


class KeySet:
    """A fake identity key endpoint: counts fetches, can be rotated or made to fail."""

    def __init__(self, keys: dict[str, str]):
        self.keys = dict(keys)
        self.calls = 0
        self.fail = False

    def __call__(self) -> dict[str, str]:
        self.calls += 1
        if self.fail:
            raise ConnectionError("identity is down")
        return dict(self.keys)


@pytest.fixture
def key1():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def key2():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def keyset(key1):
    return KeySet({"k1": public_pem(key1)})


@pytest.fixture
def verifier(keyset):
    return TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, min_refresh_interval=60.0)


# --- valid tokens -------------------------------------------------------------------------------------------


def test_valid_token_gives_principal_fields_and_roles(verifier, key1):
    principal = verifier.verify(sign(key1))

    assert principal.person_id == "person-1"
    assert principal.username == "calm_otter"
    assert principal.kind == "listener"
    assert principal.cohort == "adult"
    assert principal.roles == (
        RoleClaim("chat_room_moderator", "room-a"),
        RoleClaim("support_session_leader", None),
    )


def test_token_without_optional_claims_gives_empty_fields(verifier, key1):
    principal = verifier.verify(sign(key1, username=..., kind=..., cohort=..., roles=...))

    assert principal == Principal(person_id="person-1", username="", kind="", cohort="", roles=())


def test_keys_are_fetched_once_and_cached(verifier, keyset, key1):
    verifier.verify(sign(key1))
    verifier.verify(sign(key1))
    verifier.verify(sign(key1, sub="person-2"))

    assert keyset.calls == 1


def test_room_scoped_grant_matches_only_its_room(verifier, key1):
    principal = verifier.verify(sign(key1))

    assert principal.has_role("chat_room_moderator", "room-a")
    assert not principal.has_role("chat_room_moderator", "room-b")
    # A room-scoped grant is not a global one.
    assert not principal.has_role("chat_room_moderator")


def test_global_grant_matches_any_room(verifier, key1):
    principal = verifier.verify(sign(key1))

    assert principal.has_role("support_session_leader")
    assert principal.has_role("support_session_leader", "room-a")
    assert principal.has_role("support_session_leader", "room-zzz")


def test_role_not_held_matches_nothing(verifier, key1):
    principal = verifier.verify(sign(key1))

    assert not principal.has_role("admin")
    assert not principal.has_role("admin", "room-a")
    assert not principal.has_role("on_spot_host", "room-a")


def test_principal_from_claims_missing_room_id_is_global():
    principal = principal_from_claims({"sub": "p", "roles": [{"role": "admin"}]})

    assert principal.roles == (RoleClaim("admin", None),)
    assert principal.has_role("admin", "any-room")


def test_token_expired_moments_ago_is_accepted_within_leeway(keyset, key1):
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, leeway_seconds=30)
    now = dt.datetime.now(dt.timezone.utc)
    token = sign(key1, iat=now - dt.timedelta(minutes=15), exp=now - dt.timedelta(seconds=5))

    assert verifier.verify(token).person_id == "person-1"


# --- refused tokens -----------------------------------------------------------------------------------------


def test_expired_token_is_refused_mentioning_expiry(verifier, key1):
    now = dt.datetime.now(dt.timezone.utc)
    token = sign(key1, iat=now - dt.timedelta(hours=1), exp=now - dt.timedelta(minutes=10))

    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)


def test_wrong_audience_is_refused(verifier, key1):
    with pytest.raises(Unauthenticated, match="not valid"):
        verifier.verify(sign(key1, aud="some-other-system"))


def test_wrong_issuer_is_refused(verifier, key1):
    with pytest.raises(Unauthenticated, match="not valid"):
        verifier.verify(sign(key1, iss="https://evil.example"))


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "iss", "aud"])
def test_token_missing_a_required_claim_is_refused(verifier, key1, missing):
    with pytest.raises(Unauthenticated):
        verifier.verify(sign(key1, **{missing: ...}))


@pytest.mark.parametrize("token", ["", None])
def test_missing_token_asks_for_a_bearer_token(verifier, keyset, token):
    with pytest.raises(Unauthenticated, match="Bearer") as info:
        verifier.verify(token)

    assert "access token" in info.value.message
    assert keyset.calls == 0


@pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "....", "eyJhbGciOiJFZERTQSJ9.e30", "Bearer xyz"])
def test_garbage_token_is_refused(verifier, garbage):
    with pytest.raises(Unauthenticated):
        verifier.verify(garbage)


def test_token_with_tampered_payload_is_refused(verifier, key1):
    header, _payload, signature = sign(key1).split(".")
    forged = {**claims(), "sub": "someone-else", "iat": 1, "exp": 9999999999}
    forged_payload = jwt.utils.base64url_encode(json.dumps(forged).encode()).decode()

    with pytest.raises(Unauthenticated, match="not valid"):
        verifier.verify(f"{header}.{forged_payload}.{signature}")


def test_token_signed_by_other_key_under_a_known_kid_is_refused(verifier, key2):
    # kid k1 is known, but the signature is by key2: the signature check must fail.
    with pytest.raises(Unauthenticated, match="not valid"):
        verifier.verify(sign(key2, kid="k1"))


def test_hs256_token_is_refused_even_when_keyed_with_the_public_key(verifier, keyset, key1):
    # Algorithm confusion: an attacker HMAC-signs with the (public) key PEM as the secret.
    token = jwt.encode(claims(), "x" * 64, algorithm="HS256", headers={"kid": "k1"})

    with pytest.raises(Unauthenticated, match="EdDSA"):
        verifier.verify(token)
    assert keyset.calls == 0


def test_unsigned_alg_none_token_is_refused(verifier, keyset):
    token = jwt.encode(claims(), None, algorithm="none", headers={"kid": "k1"})

    with pytest.raises(Unauthenticated, match="EdDSA"):
        verifier.verify(token)
    assert keyset.calls == 0


def test_token_without_kid_is_refused(verifier, key1):
    with pytest.raises(Unauthenticated, match="key id"):
        verifier.verify(sign(key1, kid=None))


# --- key rotation and refetch -------------------------------------------------------------------------------


def test_unknown_kid_triggers_one_refetch_and_succeeds_after_rotation(verifier, keyset, key1, key2):
    assert verifier.verify(sign(key1, kid="k1")).person_id == "person-1"
    assert keyset.calls == 1

    # Identity rotates: the new key is published alongside the old one.
    keyset.keys["k2"] = public_pem(key2)
    verifier.min_refresh_interval = 0.0

    principal = verifier.verify(sign(key2, kid="k2", sub="person-2"))

    assert principal.person_id == "person-2"
    assert keyset.calls == 2
    # Old tokens keep working and nothing more is fetched.
    assert verifier.verify(sign(key1, kid="k1")).person_id == "person-1"
    verifier.verify(sign(key2, kid="k2"))
    assert keyset.calls == 2


def test_first_verify_after_startup_fetches_even_with_long_refresh_interval(keyset, key1):
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, min_refresh_interval=3600)

    assert verifier.verify(sign(key1)).person_id == "person-1"
    assert keyset.calls == 1


def test_unknown_kid_still_unknown_after_refetch_is_refused(verifier, keyset, key2):
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(sign(key2, kid="k-nobody-published"))
    assert keyset.calls == 1


def test_repeated_unknown_kids_within_refresh_interval_do_not_hammer_fetch(verifier, keyset, key1, key2):
    verifier.verify(sign(key1))
    assert keyset.calls == 1

    for i in range(20):
        with pytest.raises(Unauthenticated, match="unknown key"):
            verifier.verify(sign(key2, kid=f"bogus-{i}"))

    assert keyset.calls == 1


def test_concurrent_unknown_kids_fetch_at_most_once_within_interval(verifier, keyset, key1, key2):
    verifier.verify(sign(key1))
    keyset.keys["k2"] = public_pem(key2)
    verifier._last_fetch = float("-inf")  # let exactly one refresh through
    token = sign(key2, kid="k2")
    results: list[object] = []

    def worker():
        try:
            results.append(verifier.verify(token).person_id)
        except Unauthenticated as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)

    assert keyset.calls == 2
    assert results == ["person-1"] * 8


def test_fetch_failure_is_unavailable_try_again_not_log_in_again(keyset, key1):
    keyset.fail = True
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE)

    with pytest.raises(ConnectionError, match="try again"):
        verifier.verify(sign(key1))
    assert keyset.calls == 1


def test_retry_soon_after_fetch_failure_still_says_try_again(keyset, key1):
    keyset.fail = True
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, min_refresh_interval=60.0)
    with pytest.raises(ConnectionError, match="try again"):
        verifier.verify(sign(key1))

    with pytest.raises(ConnectionError, match="try again"):
        verifier.verify(sign(key1))


def test_a_failed_fetch_is_logged_once_not_once_for_every_call_that_meets_it(keyset, key1, caplog):
    keyset.fail = True
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, min_refresh_interval=60.0)
    for kid in ("k1", "forged-1", "forged-2", "forged-3"):  # anyone can send tokens naming unknown keys
        with pytest.raises(ConnectionError, match="try again"):
            verifier.verify(sign(key1, kid=kid))
    assert keyset.calls == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == ["could not fetch token keys"]


def test_fetch_recovers_after_failure_once_interval_passes(keyset, key1):
    keyset.fail = True
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, min_refresh_interval=0.0)
    with pytest.raises(ConnectionError, match="try again"):
        verifier.verify(sign(key1))

    keyset.fail = False

    assert verifier.verify(sign(key1)).person_id == "person-1"
    assert keyset.calls == 2


def test_fetch_failure_keeps_previously_cached_keys(verifier, keyset, key1, key2):
    verifier.verify(sign(key1))
    keyset.fail = True
    verifier.min_refresh_interval = 0.0

    with pytest.raises(ConnectionError, match="try again"):
        verifier.verify(sign(key2, kid="k2"))

    # The failed refresh did not wipe the known key.
    assert verifier.verify(sign(key1)).person_id == "person-1"


def test_key_removed_from_published_set_stops_verifying_after_refetch(verifier, keyset, key1, key2):
    verifier.verify(sign(key1))
    keyset.keys = {"k2": public_pem(key2)}  # k1 retired
    verifier.min_refresh_interval = 0.0

    verifier.verify(sign(key2, kid="k2"))  # refetch learns the new set

    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(sign(key1, kid="k1"))


def test_a_retired_key_stops_verifying_once_the_keys_are_old_though_no_token_names_a_new_one(keyset, key1):
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, max_key_age=0.2, min_refresh_interval=0.1)
    token = sign(key1)
    assert verifier.verify(token).person_id == "person-1"
    keyset.keys = {}  # identity no longer publishes k1 (rotated, and its last tokens' time is up)
    assert verifier.verify(token).person_id == "person-1"  # the keys are fresh enough still
    time.sleep(0.25)
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(token)  # remembered or not, it no longer verifies
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(sign(key1))


def test_keys_in_hand_keep_verifying_when_a_refresh_by_age_fails(keyset, key1):
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, max_key_age=0.0, min_refresh_interval=0.0)
    verifier.verify(sign(key1))
    keyset.fail = True
    assert verifier.verify(sign(key1)).person_id == "person-1"


# --- memory of verified tokens ------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc).timestamp()

    def __call__(self) -> float:
        return self.now


def test_a_token_is_signature_checked_once_then_remembered(verifier, key1, monkeypatch):
    token = sign(key1)
    decodes = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **kw: decodes.append(1) or real_decode(*a, **kw))

    first = verifier.verify(token)
    for _ in range(5):
        assert verifier.verify(token) == first

    assert len(decodes) == 1


def test_a_remembered_token_is_refused_once_it_expires(keyset, key1):
    clock = Clock()
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, leeway_seconds=5, wall_clock=clock)
    now = dt.datetime.fromtimestamp(clock.now, dt.timezone.utc)
    token = sign(key1, iat=now, exp=now + dt.timedelta(seconds=60))
    assert verifier.verify(token).person_id == "person-1"

    clock.now += 64
    assert verifier.verify(token).person_id == "person-1"  # within the leeway
    clock.now += 2
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)


def test_a_refused_token_is_not_remembered(verifier, key2):
    token = sign(key2, kid="k1")
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="not valid"):
            verifier.verify(token)


def test_memory_of_tokens_is_bounded(keyset, key1):
    verifier = TokenVerifier(keyset, issuer=ISSUER, audience=AUDIENCE, max_cached_tokens=3)
    for i in range(10):
        verifier.verify(sign(key1, sub=f"person-{i}"))

    assert len(verifier._verified) <= 3


def test_unknown_kid_refetch_finding_the_same_keys_keeps_the_memory(verifier, keyset, key1, key2):
    verifier.verify(sign(key1))
    verifier.min_refresh_interval = 0.0
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(sign(key2, kid="bogus"))

    assert keyset.calls == 2
    assert len(verifier._verified) == 1
