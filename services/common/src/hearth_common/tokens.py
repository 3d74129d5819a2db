"""Cross-cutting: local verification of identity's access tokens (EdDSA JWT) against its published keys."""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from hearth_common.errors import Unauthenticated

log = logging.getLogger(__name__)

ALGORITHM = "EdDSA"


@dataclasses.dataclass(frozen=True)
class RoleClaim:
    role: str
    room_id: str | None


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who a verified token says the caller is."""

    person_id: str
    username: str
    kind: str
    cohort: str
    roles: tuple[RoleClaim, ...] = ()

    def has_role(self, role: str, room_id: str | None = None) -> bool:
        return any(r.role == role and (r.room_id is None or r.room_id == room_id) for r in self.roles)


def principal_from_claims(claims: Mapping) -> Principal:
    return Principal(
        person_id=claims["sub"],
        username=claims.get("username", ""),
        kind=claims.get("kind", ""),
        cohort=claims.get("cohort", ""),
        roles=tuple(RoleClaim(r["role"], r.get("room_id")) for r in claims.get("roles", [])),
    )


class _RecentlyFailed(RuntimeError):
    """No fetch is tried within min_refresh_interval of a failed one (what failed was logged then)."""


class TokenVerifier:
    """Verifies tokens with a cached key set; an unknown key id triggers a (rate-limited) refetch.

    `fetch_keys` returns {kid: public key PEM}: the key source, injected (identity reads its own keys; the
    other services fetch identity's, hearth_common.clients.identity_keys). Refetching on an unknown kid is what
    lets identity rotate its signing key without downtime in the services that verify.

    A token that verified is remembered (by its exact string) until it expires, so a client's repeated calls
    pay for one signature check, not one per call. The memory is dropped whenever a refetch finds the published
    keys changed, so a token signed with a key identity has retired stops verifying then, as before. The keys
    are also refetched once they are `max_key_age` seconds old, so a retired key (one identity no longer
    publishes) stops verifying within that time even though no token names a new key.

    When the keys cannot be fetched (identity unreachable), a token that needs them raises ConnectionError:
    a retryable condition (gRPC UNAVAILABLE), not a reason for the client to log in again.
    """

    def __init__(
        self,
        fetch_keys: Callable[[], Mapping[str, str]],
        *,
        issuer: str,
        audience: str,
        min_refresh_interval: float = 2.0,
        max_key_age: float = 60.0,
        leeway_seconds: float = 5.0,
        max_cached_tokens: int = 10_000,
        wall_clock: Callable[[], float] = time.time,
    ):
        self._fetch_keys = fetch_keys
        self.issuer = issuer
        self.audience = audience
        self.min_refresh_interval = min_refresh_interval
        self.max_key_age = max_key_age
        self.leeway = leeway_seconds
        self._keys: dict[str, object] = {}
        self._pems: dict[str, str] = {}
        self._last_fetch = float("-inf")
        self._last_fetch_failed = False
        self._lock = threading.Lock()
        self.max_cached_tokens = max_cached_tokens
        self._wall_clock = wall_clock
        self._verified: dict[str, tuple[float, Principal]] = {}  # token -> (exp + leeway, principal)

    def _refresh(self, blocking: bool = True) -> None:
        """Fetches the keys (at most once per min_refresh_interval); without `blocking`, returns at once when
        another thread is fetching."""
        if not self._lock.acquire(blocking=blocking):
            return
        try:
            self._fetch_locked()
        finally:
            self._lock.release()

    def _fetch_locked(self) -> None:
        if time.monotonic() - self._last_fetch < self.min_refresh_interval:
            if self._last_fetch_failed:
                raise _RecentlyFailed("the last key fetch failed moments ago")
            return
        self._last_fetch = time.monotonic()
        self._last_fetch_failed = True
        pems = dict(self._fetch_keys())
        if pems != self._pems:
            self._keys = {kid: load_pem_public_key(pem.encode()) for kid, pem in pems.items()}
            if self._pems:  # nothing is remembered before the first keys
                self._verified = {}
            self._pems = pems
        self._last_fetch_failed = False

    def _key_for(self, kid: str):
        key = self._keys.get(kid)
        if key is None:
            try:
                self._refresh()
            except Exception as exc:
                if not isinstance(exc, _RecentlyFailed):  # logged once a fetch, not once a call that needs one
                    log.warning("could not fetch token keys", exc_info=True)
                raise ConnectionError("cannot fetch identity's token keys right now; try again shortly") from None
            key = self._keys.get(kid)
        return key

    def _keep_fresh(self) -> None:
        """Refetches the keys once they are max_key_age old; a failed fetch keeps the keys in hand."""
        if time.monotonic() - self._last_fetch < self.max_key_age:
            return
        try:
            self._refresh(blocking=False)  # the keys in hand serve the calls meanwhile
        except Exception:
            log.warning("could not refresh token keys; still using the ones in hand", exc_info=True)

    def verify(self, token: str) -> Principal:
        if not token:
            raise Unauthenticated("this call needs an access token: send 'authorization: Bearer <token>'")
        if self._pems:
            self._keep_fresh()
        cached = self._verified.get(token)
        if cached is not None:
            if self._wall_clock() < cached[0]:
                return cached[1]
            self._verified.pop(token, None)
            raise Unauthenticated("the access token has expired; refresh it or log in again")
        verified = self._verified  # a key refresh meanwhile replaces it, so this token is not remembered
        principal, expires = self._verify_signed(token)
        if len(verified) >= self.max_cached_tokens:
            verified.clear()  # simplest bound; refilling costs one signature check per live token
        verified[token] = (expires, principal)
        return principal

    def _verify_signed(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("the access token is malformed; log in again") from None
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or not kid:
            raise Unauthenticated("the access token is not an EdDSA token with a key id; log in again")
        key = self._key_for(kid)
        if key is None:
            raise Unauthenticated("the access token was signed with an unknown key; log in again")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired; refresh it or log in again") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"the access token is not valid ({exc}); log in again") from None
        return principal_from_claims(claims), float(claims["exp"]) + self.leeway
