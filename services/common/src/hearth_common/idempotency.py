"""Cross-cutting (pure): safe retries of calls that create something: a client's idempotency key, the record
of the first call's result, and the one way every use case honours them.

A call that creates something (a message, a room, a grant, a person...) takes an optional key. Its scope is
(caller, operation, key): two callers never share a key, nor two operations. The first call with a key runs
and, in the same transaction as its effect, stores its result with a fingerprint of the request's meaningful
fields. A retry with the same key and the same request gets that stored result and changes nothing; the same
key with a different request is refused (KeyReused). Two concurrent calls with one key (two replicas) end with
one effect: the record's primary key lets only one commit, and the other is answered the winner's result.

Use case, inside its unit of work (`uow.idempotency` is an IdempotencyRecords):

    call = IdempotentCall(actor_id, "room.PostMessage", key, {"room": slug, "body": body})

    def attempt() -> dict:
        with begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            ...the effect...
            result = call.remember(uow.idempotency, view, now)
            uow.commit()
            return result

    return call.run(attempt, begin)

Records are kept at least RETENTION (24 hours); `purge_expired` deletes older ones (each service's worker runs
it on a timer), after which the key is free again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from hearth_common.errors import DomainError, FailedPrecondition, InvalidArgument
from hearth_common.unit_of_work import UniqueViolation

KEY_MAX = 200
"""The longest key, in characters (a UUID is 36)."""
RETENTION = dt.timedelta(hours=24)
"""How long a key is honoured at least: records older than this may be purged, and the key reused."""
ANONYMOUS = "anonymous"
"""The caller of a call made without a token (Register): such keys share one scope, so make them random."""
KEY_RULE = f"at most {KEY_MAX} printable ASCII characters without spaces (a UUID is a good key)"
CONSTRAINT = "idempotency_records_pkey"
"""The name of the uniqueness rule a concurrent twin meets (the SQL table's primary key, and the fake's)."""


class InvalidKey(InvalidArgument):
    """The key is not one Hearth accepts."""


class KeyReused(FailedPrecondition):
    """The key was used before for a different request."""


def parse_key(value: object) -> str | None:
    """The key as sent, or None for none (empty or missing); InvalidKey if it breaks KEY_RULE. Not trimmed: a
    key is compared byte for byte, so one with spaces around is refused rather than quietly changed."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidKey(f"idempotency_key must be text: {KEY_RULE}")
    if len(value) > KEY_MAX or not all("!" <= ch <= "~" for ch in value):
        raise InvalidKey(f"idempotency_key must be {KEY_RULE}")
    return value


# --- results as JSON: what a record stores and a retry gets back, datetimes included -----------------------

def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, enum.Enum):
        return _encode(value.value)
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"an idempotent result holds plain data only, not {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode_result(result: Mapping) -> dict:
    """A use case's plain-data result as JSON-ready data (datetimes and dates tagged, enums as their values)."""
    return _encode(result)


def decode_result(stored: Mapping) -> dict:
    """The result `encode_result` stored, as the use case returned it (tuples come back as lists)."""
    return _decode(stored)


def fingerprint(request: Mapping) -> str:
    """A stable hash of the request's meaningful fields (canonical JSON: sorted keys, no spaces)."""
    canonical = json.dumps(encode_result(request), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- the record and its port -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Scope:
    caller: str
    operation: str
    key: str


@dataclasses.dataclass(frozen=True)
class IdempotencyRecord:
    """The first call's request fingerprint and result (as `encode_result` made it)."""

    scope: Scope
    fingerprint: str
    result: dict
    created_at: dt.datetime


class IdempotencyRecords(Protocol):
    """A service's records (hearth_common.idempotency_records.SqlIdempotencyRecords, fakes.FakeIdempotencyRecords).

    `add` raises UniqueViolation(CONSTRAINT) when a record with the scope exists or a concurrent twin commits
    one first (in PostgreSQL the insert waits for the twin's transaction, then fails)."""

    def get(self, scope: Scope) -> IdempotencyRecord | None: ...
    def add(self, record: IdempotencyRecord) -> None: ...
    def purge(self, before: dt.datetime, limit: int) -> int: ...


class HasIdempotencyRecords(Protocol):
    idempotency: IdempotencyRecords


# --- the one way use cases honour a key ----------------------------------------------------------------------

class IdempotentCall:
    """One call of `operation` by `caller` with an optional `key`; `request` holds the fields that make two
    calls the same request (leave out secrets such as passwords: only their hash is kept, but a fast one)."""

    def __init__(self, caller: str | None, operation: str, key: object, request: Mapping):
        key = parse_key(key)
        self.scope = Scope(caller or ANONYMOUS, operation, key) if key is not None else None
        self.fingerprint = fingerprint(request) if key is not None else ""

    @property
    def key(self) -> str | None:
        return self.scope.key if self.scope else None

    def stored(self, records: IdempotencyRecords) -> dict | None:
        """The first call's result if this is a retry (same key, same request); None without a key or the first
        time; KeyReused if the key was used for a different request."""
        if self.scope is None:
            return None
        record = records.get(self.scope)
        if record is None:
            return None
        if record.fingerprint != self.fingerprint:
            raise KeyReused(f"idempotency_key {self.scope.key!r} was used for a different {self.scope.operation} "
                            "request; use a new key for a new request")
        return decode_result(record.result)

    def remember(self, records: IdempotencyRecords, result: Mapping, now: dt.datetime) -> dict:
        """Stores `result` in the caller's unit of work (commit it with the effect); returns the result as a retry
        will get it, so the first caller and a retry see the same data."""
        if self.scope is None:
            return dict(result)
        encoded = encode_result(result)
        records.add(IdempotencyRecord(self.scope, self.fingerprint, encoded, now))
        return decode_result(encoded)

    def run(self, attempt: Callable[[], dict],
            begin: Callable[[], AbstractContextManager[HasIdempotencyRecords]]) -> dict:
        """Runs `attempt` (which calls `stored` and `remember` in its unit of work). If it fails on a uniqueness
        conflict or a domain refusal while a twin with this key committed first (the room it creates exists now,
        the username is taken, the record's key is), the twin's result is the answer: it is this request's."""
        if self.scope is None:
            return attempt()
        try:
            return attempt()
        except (UniqueViolation, DomainError) as failure:
            if isinstance(failure, KeyReused):
                raise
            with begin() as uow:
                stored = self.stored(uow.idempotency)
            if stored is None:
                raise
            return stored


def purge_expired(begin: Callable[[], AbstractContextManager[Any]], now: dt.datetime,
                  retention: dt.timedelta = RETENTION, batch: int = 1000) -> int:
    """Deletes the records older than `retention`, a batch per transaction; returns how many. For a worker's
    timer: `begin()` gives a unit of work with `.idempotency` and `.commit()`."""
    purged = 0
    while True:
        with begin() as uow:
            count = uow.idempotency.purge(now - retention, batch)
            uow.commit()
        purged += count
        if count < batch:
            return purged
