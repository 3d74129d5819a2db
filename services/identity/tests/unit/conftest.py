"""Unit-test fakes for identity: an in-memory transactional store, a fast hasher, an inspectable signer, a clock."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from hearth_common.events import Event
from identity_service.domain import model
from identity_service.seed import STARTER_BADGES
from identity_service.service_layer.services import Actor, IdentityService, TokenPolicy
from identity_service.service_layer.unit_of_work import UniqueViolation, UnitOfWork

UTC = dt.timezone.utc
START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADULT_DOB = "1990-01-01"
TEEN_DOB = "2010-01-01"  # 15 on START


# --- the store ------------------------------------------------------------------------------------


def _copy(entity):
    # Every field of the entities is immutable (str, date, datetime, enum), so a field-wise copy is a deep
    # copy. dataclasses.replace also works if SQLAlchemy has instrumented the classes in this process,
    # where copy.deepcopy would drag the ORM instance state along.
    return dataclasses.replace(entity)


def _fields(entity) -> tuple:
    return tuple(getattr(entity, f.name) for f in dataclasses.fields(entity))


TABLES = ("people", "grants", "badges", "awards", "refresh_tokens", "signing_keys")


class FakeDatabase:
    """Committed state (rows keyed by primary key) and the events committed with it, like the outbox."""

    def __init__(self):
        self.tables: dict[str, dict] = {name: {} for name in TABLES}
        self.published: list[Event] = []
        self.commits = 0
        # Runs once at the start of the next commit: lets a test make a concurrent twin commit first.
        self.before_next_commit = None
        # ("awards.held", callable): runs once just before that repository read, and the reading unit of
        # work then sees what the callable committed, as the next statement would under READ COMMITTED.
        self.before_next_read = None

    def rows(self, table: str) -> list:
        return [_copy(r) for r in self.tables[table].values()]


def _check_constraints(tables: dict[str, dict]) -> None:
    """The uniqueness rules and foreign keys of adapters/orm.py."""

    def unique(table, constraint, key, where=lambda row: True):
        seen = set()
        for row in tables[table].values():
            if not where(row):
                continue
            value = key(row)
            if value is None:
                continue
            if value in seen:
                raise UniqueViolation(constraint)
            seen.add(value)

    unique("people", "people_username_canonical_key", lambda p: p.username_canonical)
    unique("awards", "badge_awards_award_key_key", lambda a: a.award_key)
    unique("awards", "badge_awards_revoke_key_key", lambda a: a.revoke_key)
    unique("awards", "uq_badge_awards_held", lambda a: (a.person_id, a.badge_slug), lambda a: a.revoked_at is None)
    unique("refresh_tokens", "refresh_tokens_token_hash_key", lambda t: t.token_hash)
    unique("signing_keys", "uq_signing_keys_active", lambda k: "active", lambda k: k.retired_at is None)

    people = tables["people"]
    for table in ("grants", "awards", "refresh_tokens"):
        for row in tables[table].values():
            assert row.person_id in people, f"fake database: {table}.person_id {row.person_id} has no person"
    for award in tables["awards"].values():
        assert award.badge_slug in tables["badges"], f"fake database: no badge {award.badge_slug}"


# --- repositories: they read and write the unit of work's private working copy ------------------------


class _Repo:
    table = ""

    def __init__(self, uow: FakeUnitOfWork):
        self.uow = uow

    @property
    def rows(self) -> dict:
        return self.uow._working[self.table]

    def _add(self, key, entity) -> None:
        self.uow._stage_add(self.table, key, entity)

    def _read(self, method: str) -> None:
        self.uow._before_read(f"{self.table}.{method}")


class FakePeopleRepository(_Repo):
    table = "people"

    def add(self, person: model.Person) -> None:
        self._add(person.id, person)

    def get(self, person_id: str) -> model.Person | None:
        self._read("get")
        return self.rows.get(person_id)

    def get_by_username(self, username: str) -> model.Person | None:
        self._read("get_by_username")
        return next((p for p in self.rows.values() if p.username_canonical == username), None)

    def teens_born_on_or_before(self, date: dt.date, limit: int) -> list[model.Person]:
        self._read("teens_born_on_or_before")
        due = [p for p in self.rows.values() if p.cohort is model.Cohort.TEEN and p.date_of_birth <= date]
        return sorted(due, key=lambda p: p.date_of_birth)[:limit]


class FakeGrantsRepository(_Repo):
    table = "grants"

    def add(self, grant: model.RoleGrant) -> None:
        self._add(grant.id, grant)

    def get(self, grant_id: str, *, lock: bool = False) -> model.RoleGrant | None:
        self._read("get")
        return self.rows.get(grant_id)

    def for_person(self, person_id: str) -> list[model.RoleGrant]:
        self._read("for_person")
        # Like the SQL repository: unrevoked grants (expired ones included), oldest first.
        grants = [g for g in self.rows.values() if g.person_id == person_id and g.revoked_at is None]
        return sorted(grants, key=lambda g: g.granted_at)


class FakeBadgesRepository(_Repo):
    table = "badges"

    def add(self, badge: model.Badge) -> None:
        self._add(badge.slug, badge)

    def get(self, slug: str) -> model.Badge | None:
        self._read("get")
        return self.rows.get(slug)

    def list(self) -> list[model.Badge]:
        self._read("list")
        return list(self.rows.values())


class FakeAwardsRepository(_Repo):
    table = "awards"

    def add(self, award: model.BadgeAward) -> None:
        self._add(award.id, award)

    def by_award_key(self, key: str) -> model.BadgeAward | None:
        self._read("by_award_key")
        return next((a for a in self.rows.values() if a.award_key == key), None)

    def by_revoke_key(self, key: str) -> model.BadgeAward | None:
        self._read("by_revoke_key")
        return next((a for a in self.rows.values() if a.revoke_key == key), None)

    def held(self, person_id: str, slug: str, *, lock: bool = False) -> model.BadgeAward | None:
        self._read("held")
        return next(
            (
                a
                for a in self.rows.values()
                if a.person_id == person_id and a.badge_slug == slug and a.revoked_at is None
            ),
            None,
        )

    def held_by(self, person_id: str) -> list[model.BadgeAward]:
        self._read("held_by")
        return [a for a in self.rows.values() if a.person_id == person_id and a.revoked_at is None]


class FakeRefreshTokensRepository(_Repo):
    table = "refresh_tokens"

    def add(self, token: model.RefreshToken) -> None:
        self._add(token.id, token)

    def by_hash(self, token_hash: str) -> model.RefreshToken | None:
        self._read("by_hash")
        return next((t for t in self.rows.values() if t.token_hash == token_hash), None)

    def family_of(self, token_hash: str) -> str | None:
        self._read("family_of")
        return next((t.family_id for t in self.rows.values() if t.token_hash == token_hash), None)

    def lock_family(self, family_id: str) -> None:
        """One process, one transaction at a time: nothing to wait for."""

    def family(self, family_id: str) -> list[model.RefreshToken]:
        self._read("family")
        return [t for t in self.rows.values() if t.family_id == family_id]


class FakeSigningKeysRepository(_Repo):
    table = "signing_keys"

    def add(self, key: model.SigningKey) -> None:
        self._add(key.kid, key)

    def active(self) -> model.SigningKey | None:
        self._read("active")
        return next((k for k in self.rows.values() if k.retired_at is None), None)

    def list(self) -> list[model.SigningKey]:
        self._read("list")
        return sorted(self.rows.values(), key=lambda k: k.created_at)


class FakeUnitOfWork(UnitOfWork):
    """A transaction over FakeDatabase.

    On entry it takes private copies of the committed rows (one object per row, so the same row read twice
    is the same object, like a session's identity map). commit() writes copies of the rows it added or
    changed over the committed state, checking the database's unique rules, and moves pending events to
    the published list. rollback() throws the private copies away, so uncommitted changes, including
    in-place mutations, are lost, as in a real database.
    """

    def __init__(self, db: FakeDatabase):
        super().__init__()
        self.db = db
        self.committed = False
        self.people = FakePeopleRepository(self)
        self.grants = FakeGrantsRepository(self)
        self.badges = FakeBadgesRepository(self)
        self.awards = FakeAwardsRepository(self)
        self.refresh_tokens = FakeRefreshTokensRepository(self)
        self.signing_keys = FakeSigningKeysRepository(self)
        self._begin()

    def _begin(self) -> None:
        self._base = {name: {k: _copy(v) for k, v in rows.items()} for name, rows in self.db.tables.items()}
        self._working = {name: {k: _copy(v) for k, v in rows.items()} for name, rows in self.db.tables.items()}
        self._added: set[tuple[str, object]] = set()

    def __enter__(self):
        super().__enter__()
        self._begin()
        return self

    def _before_read(self, name: str) -> None:
        hook = self.db.before_next_read
        if hook is None or hook[0] != name:
            return
        self.db.before_next_read = None
        hook[1]()
        self._see_committed()

    def _see_committed(self) -> None:
        """Brings in rows others committed since this unit of work began, except rows it changed itself."""
        for name, rows in self.db.tables.items():
            base, working = self._base[name], self._working[name]
            for key, row in rows.items():
                if key not in working:
                    base[key], working[key] = _copy(row), _copy(row)
                elif (name, key) not in self._added and _fields(working[key]) == _fields(base[key]):
                    for f in dataclasses.fields(row):
                        setattr(working[key], f.name, getattr(row, f.name))
                    base[key] = _copy(row)

    def _stage_add(self, table: str, key, entity) -> None:
        if key in self._working[table]:
            raise UniqueViolation(f"{table}_pkey")
        self._working[table][key] = entity
        self._added.add((table, key))

    def _changes(self) -> dict[str, dict]:
        changes: dict[str, dict] = {name: {} for name in TABLES}
        for name in TABLES:
            base = self._base[name]
            for key, row in self._working[name].items():
                if (name, key) in self._added or _fields(row) != _fields(base[key]):
                    changes[name][key] = row
        return changes

    def commit(self) -> None:
        hook, self.db.before_next_commit = self.db.before_next_commit, None
        if hook is not None:
            hook()
        changes = self._changes()
        candidate = {name: dict(rows) for name, rows in self.db.tables.items()}
        try:
            for name, rows in changes.items():
                for key, row in rows.items():
                    if (name, key) in self._added and key in candidate[name]:
                        raise UniqueViolation(f"{name}_pkey")
                    candidate[name][key] = _copy(row)
            _check_constraints(candidate)
        except UniqueViolation:
            self._begin()  # the real unit of work rolls the session back before raising
            raise
        self.db.tables = candidate
        self.db.published.extend(self.pending_events)
        self.db.commits += 1
        self.pending_events = []
        self.committed = True
        # Objects the caller still holds stay in the working copy; later changes to them need a new commit.
        self._base = {name: {k: _copy(v) for k, v in rows.items()} for name, rows in self._working.items()}
        self._added = set()

    def rollback(self) -> None:
        self.pending_events = []
        self._begin()


# --- ports -------------------------------------------------------------------------------------------


class FakeHasher:
    """Fast and transparent; counts verifications so tests can see unknown usernames still cost one."""

    def __init__(self):
        self.verify_calls = 0

    def hash(self, password: str) -> str:
        return "hashed:" + password

    def verify(self, password_hash: str, password: str) -> bool:
        self.verify_calls += 1
        return password_hash == "hashed:" + password


class FakeSigner:
    """Keys with dummy PEMs; a 'signature' is the key id and claims as JSON, so tests can read the claims."""

    PREFIX = "fake-jwt:"

    def new_key(self, kid: str, created_at: dt.datetime) -> model.SigningKey:
        return model.SigningKey(
            kid=kid,
            private_key_pem=f"-----PRIVATE {kid}-----",
            public_key_pem=f"-----PUBLIC {kid}-----",
            created_at=created_at,
        )

    def sign(self, claims: dict, key: model.SigningKey) -> str:
        assert key.private_key_pem == f"-----PRIVATE {key.kid}-----", "signed with a key this signer did not make"
        return self.PREFIX + json.dumps({"kid": key.kid, "claims": claims}, sort_keys=True)

    @classmethod
    def decode(cls, token: str) -> tuple[str, dict]:
        """(kid, claims) of a token this signer made."""
        assert token.startswith(cls.PREFIX), token
        body = json.loads(token[len(cls.PREFIX):])
        return body["kid"], body["claims"]


class FakeClock:
    def __init__(self, now: dt.datetime = START):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta | None = None, **kwargs) -> dt.datetime:
        self.now += delta if delta is not None else dt.timedelta(**kwargs)
        return self.now

    def set(self, now: dt.datetime) -> dt.datetime:
        self.now = now
        return self.now


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def published(db) -> list[Event]:
    """The events committed so far, oldest first (tests may clear it to look at what follows)."""
    return db.published


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def set_clock(clock):
    """set_clock(datetime) moves the service's clock."""
    return clock.set


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def signer() -> FakeSigner:
    return FakeSigner()


@pytest.fixture
def policy() -> TokenPolicy:
    return TokenPolicy(
        issuer="hearth-identity",
        audience="hearth",
        access_ttl=dt.timedelta(minutes=15),
        refresh_ttl=dt.timedelta(days=30),
    )


@pytest.fixture
def uow_factory(db):
    return lambda: FakeUnitOfWork(db)


@pytest.fixture
def bare_service(uow_factory, hasher, signer, policy, clock, room_catalogue) -> IdentityService:
    """The service on an empty store: no badges, no signing key."""
    return IdentityService(uow_factory, hasher, signer, policy, clock=clock, rooms=room_catalogue)


@pytest.fixture
def service(bare_service) -> IdentityService:
    """The service with the starter badge catalogue and a signing key, as after the migrate step."""
    bare_service.seed_badges(STARTER_BADGES)
    bare_service.ensure_signing_key()
    return bare_service


@pytest.fixture
def make_person(service):
    """make_person(username, date_of_birth=ADULT_DOB, kind="member", password=PASSWORD) -> person view."""

    def make(username: str, date_of_birth: str = ADULT_DOB, kind: str = "member", password: str = PASSWORD) -> dict:
        return service.register(username, password, date_of_birth, kind)

    return make


@pytest.fixture
def admin(service, make_person) -> Actor:
    """An Actor for a person holding the admin role (granted by a trusted service)."""
    person = make_person("admin_ada", kind="listener")
    service.grant_role(Actor(service="test"), person["id"], model.Role.ADMIN.value)
    return Actor(person_id=person["id"])
