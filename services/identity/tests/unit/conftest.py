"""Unit-test fakes for identity: an in-memory transactional store, a fast hasher, an inspectable signer, a clock."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from hearth_common.events import Event
from hearth_common.fakes import (
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    FakeClock,
    FakeIdempotencyRecords,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    foreign_key,
    unique,
)
from identity_service.domain import model
from identity_service.domain.badge_rules import Fact, PersonFact, SanctionSpan
from identity_service.seed import STARTER_BADGES
from identity_service.service_layer.services import Actor, IdentityService, TokenPolicy
from identity_service.service_layer.unit_of_work import UnitOfWork

UTC = dt.timezone.utc
START = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
ADULT_DOB = "1990-01-01"
TEEN_DOB = "2010-01-01"  # 15 on START


# --- the store: identity's tables, the rules of adapters/orm.py, its repositories -------------------------


TABLES = ("people", "grants", "badges", "awards", "refresh_tokens", "signing_keys", IDEMPOTENCY_TABLE,
          "badge_facts", "badge_sanctions", "badge_evaluations_due", "badge_passes", INBOX_TABLE)
CONSTRAINTS = (
    unique("people", "people_username_canonical_key", lambda p: p.username_canonical),
    unique("awards", "badge_awards_award_key_key", lambda a: a.award_key),
    unique("awards", "badge_awards_revoke_key_key", lambda a: a.revoke_key),
    unique("awards", "uq_badge_awards_held", lambda a: (a.person_id, a.badge_slug),
           where=lambda a: a.revoked_at is None),
    unique("refresh_tokens", "refresh_tokens_token_hash_key", lambda t: t.token_hash),
    unique("signing_keys", "uq_signing_keys_active", lambda k: "active", where=lambda k: k.retired_at is None),
    foreign_key("grants", lambda g: g.person_id, "people"),
    foreign_key("awards", lambda a: a.person_id, "people"),
    foreign_key("refresh_tokens", lambda t: t.person_id, "people"),
    foreign_key("awards", lambda a: a.badge_slug, "badges"),
)


class FakePeopleRepository(InMemoryRepository):
    table = "people"

    def add(self, person: model.Person) -> None:
        self._insert(self.table, person.id, person)

    def get(self, person_id: str) -> model.Person | None:
        self._read("get")
        return self._rows().get(person_id)

    def get_by_username(self, username: str) -> model.Person | None:
        self._read("get_by_username")
        return next((p for p in self._rows().values() if p.username_canonical == username), None)

    def teens_born_on_or_before(self, date: dt.date, limit: int) -> list[model.Person]:
        self._read("teens_born_on_or_before")
        due = [p for p in self._rows().values() if p.cohort is model.Cohort.TEEN and p.date_of_birth <= date]
        return sorted(due, key=lambda p: p.date_of_birth)[:limit]

    def ids_after(self, after: str, limit: int) -> list[str]:
        self._read("ids_after")
        return sorted(i for i in self._rows() if i > after)[:limit]


class FakeGrantsRepository(InMemoryRepository):
    table = "grants"

    def add(self, grant: model.RoleGrant) -> None:
        self._insert(self.table, grant.id, grant)

    def get(self, grant_id: str, *, lock: bool = False) -> model.RoleGrant | None:
        self._read("get")
        return self._rows().get(grant_id)

    def for_person(self, person_id: str) -> list[model.RoleGrant]:
        self._read("for_person")
        # Like the SQL repository: unrevoked grants (expired ones included), oldest first.
        grants = [g for g in self._rows().values() if g.person_id == person_id and g.revoked_at is None]
        return sorted(grants, key=lambda g: g.granted_at)


class FakeBadgesRepository(InMemoryRepository):
    table = "badges"

    def add(self, badge: model.Badge) -> None:
        self._insert(self.table, badge.slug, badge)

    def get(self, slug: str) -> model.Badge | None:
        self._read("get")
        return self._rows().get(slug)

    def list(self) -> list[model.Badge]:
        self._read("list")
        return list(self._rows().values())


class FakeAwardsRepository(InMemoryRepository):
    table = "awards"

    def add(self, award: model.BadgeAward) -> None:
        self._insert(self.table, award.id, award)

    def by_award_key(self, key: str, *, lock: bool = False) -> model.BadgeAward | None:
        self._read("by_award_key")
        return next((a for a in self._rows().values() if a.award_key == key), None)

    def by_revoke_key(self, key: str) -> model.BadgeAward | None:
        self._read("by_revoke_key")
        return next((a for a in self._rows().values() if a.revoke_key == key), None)

    def held(self, person_id: str, slug: str, *, lock: bool = False) -> model.BadgeAward | None:
        self._read("held")
        return next(
            (
                a
                for a in self._rows().values()
                if a.person_id == person_id and a.badge_slug == slug and a.revoked_at is None
            ),
            None,
        )

    def held_by(self, person_id: str) -> list[model.BadgeAward]:
        self._read("held_by")
        return [a for a in self._rows().values() if a.person_id == person_id and a.revoked_at is None]

    def history(self, person_id: str, slug: str) -> list[model.BadgeAward]:
        self._read("history")
        mine = [a for a in self._rows().values() if a.person_id == person_id and a.badge_slug == slug]
        return sorted(mine, key=lambda a: a.awarded_at)


class FakeBadgeFactsRepository(InMemoryRepository):
    """The facts as rows keyed like the real tables' primary keys; an upsert adds up as the SQL one does."""

    table = "badge_facts"

    def record(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "") -> None:
        row = self._get(self.table, (person_id, fact, key))
        if row is None:
            row = PersonFact(fact, key, 1, at, at, tag)
        else:
            row = PersonFact(fact, key, row.count + 1, min(row.first_at, at), max(row.last_at, at), row.tag)
        self._put(self.table, (person_id, fact, key), row)

    def note(self, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "", *, due_at: dt.datetime,
             widen: bool = False) -> tuple[bool, dt.datetime | None]:
        row = self._get(self.table, (person_id, fact, key))
        was_due = self._get("badge_evaluations_due", person_id)
        if row is None:
            row = PersonFact(fact, key, 1, at, at, tag)
        elif widen and (at < row.first_at or at > row.last_at):
            row = PersonFact(fact, key, row.count, min(row.first_at, at), max(row.last_at, at), row.tag)
        else:
            return False, was_due
        self._put(self.table, (person_id, fact, key), row)
        self._put("badge_evaluations_due", person_id, due_at)
        return True, was_due

    def of_person(self, person_id: str) -> list[PersonFact]:
        self._read("of_person")
        return [row for (pid, fact, key), row in sorted(self._rows().items(), key=lambda kv: (kv[0][1].value,
                                                                                              kv[0][2]))
                if pid == person_id]

    def sanction_imposed(self, sanction_id, person_id, imposed_at, expires_at) -> None:
        row = dict(self._get("badge_sanctions", sanction_id) or {"person_id": person_id, "lifted_at": None})
        row.update(imposed_at=imposed_at, expires_at=expires_at)
        self._put("badge_sanctions", sanction_id, row)

    def sanction_lifted(self, sanction_id, person_id, lifted_at) -> None:
        row = dict(self._get("badge_sanctions", sanction_id)
                   or {"person_id": person_id, "imposed_at": None, "expires_at": None})
        row.update(lifted_at=lifted_at)
        self._put("badge_sanctions", sanction_id, row)

    def sanctions_of(self, person_id: str) -> list[SanctionSpan]:
        rows = [r for r in self._rows("badge_sanctions").values()
                if r["person_id"] == person_id and r["imposed_at"] is not None]
        return [SanctionSpan(r["imposed_at"], r["expires_at"], r["lifted_at"])
                for r in sorted(rows, key=lambda r: r["imposed_at"])]

    def mark_due(self, person_id: str, at: dt.datetime) -> None:
        self._put("badge_evaluations_due", person_id, at)

    def marked_due(self, person_id: str) -> dt.datetime | None:
        return self._get("badge_evaluations_due", person_id)

    def due(self, limit: int) -> list[tuple[str, dt.datetime]]:
        return sorted(self._rows("badge_evaluations_due").items(), key=lambda kv: kv[1])[:limit]

    def clear_due(self, person_id: str, marked_at: dt.datetime) -> None:
        current = self._get("badge_evaluations_due", person_id)
        if current is not None and current <= marked_at:
            self._delete("badge_evaluations_due", person_id)

    def claim_pass(self, name: str, now: dt.datetime, every: dt.timedelta) -> bool:
        started = self._get("badge_passes", name)
        if started is not None and started > now - every:
            return False
        self._put("badge_passes", name, now)
        return True


class FakeRefreshTokensRepository(InMemoryRepository):
    table = "refresh_tokens"

    def add(self, token: model.RefreshToken) -> None:
        self._insert(self.table, token.id, token)

    def by_hash(self, token_hash: str) -> model.RefreshToken | None:
        self._read("by_hash")
        return next((t for t in self._rows().values() if t.token_hash == token_hash), None)

    def family_of(self, token_hash: str) -> str | None:
        self._read("family_of")
        return next((t.family_id for t in self._rows().values() if t.token_hash == token_hash), None)

    def lock_family(self, family_id: str) -> None:
        """One process, one transaction at a time: nothing to wait for."""

    def family(self, family_id: str) -> list[model.RefreshToken]:
        self._read("family")
        return [t for t in self._rows().values() if t.family_id == family_id]


class FakeSigningKeysRepository(InMemoryRepository):
    table = "signing_keys"

    def add(self, key: model.SigningKey) -> None:
        self._insert(self.table, key.kid, key)

    def active(self) -> model.SigningKey | None:
        self._read("active")
        return next((k for k in self._rows().values() if k.retired_at is None), None)

    def list(self) -> list[model.SigningKey]:
        self._read("list")
        return sorted(self._rows().values(), key=lambda k: k.created_at)


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    """identity's transaction over the in-memory store, as its ORM session is: the same row read twice is the
    same object, and changes made to it in place are written at commit."""

    identity_map = True

    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = FakePeopleRepository(self)
        self.grants = FakeGrantsRepository(self)
        self.badges = FakeBadgesRepository(self)
        self.awards = FakeAwardsRepository(self)
        self.refresh_tokens = FakeRefreshTokensRepository(self)
        self.signing_keys = FakeSigningKeysRepository(self)
        self.idempotency = FakeIdempotencyRecords(self)
        self.badge_facts = FakeBadgeFactsRepository(self)


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


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase(TABLES, CONSTRAINTS)


@pytest.fixture
def published(db) -> list[Event]:
    """The events committed so far, oldest first (tests may clear it to look at what follows)."""
    return db.published


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


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


# --- badges earned by doing --------------------------------------------------------------------------------


class FakeRoomTopics:
    """room's catalogue as the badge rules ask it: a topic per slug; counts the questions asked."""

    def __init__(self, topics: dict[str, str]):
        self.topics = topics
        self.asked: list[str] = []

    def topic_of(self, slug: str) -> str | None:
        self.asked.append(slug)
        return self.topics.get(slug)


@pytest.fixture
def room_topics() -> FakeRoomTopics:
    return FakeRoomTopics({"adult-sharing-circle": "sharing-circle", "lounge": "general-support"})


@pytest.fixture
def badge_rules(service, uow_factory, room_topics, clock):
    """The badge rules this package ships, over the same store as `service` (awarding through it)."""
    from identity_service.seed import load_badge_rules
    from identity_service.service_layer.badge_rules import BadgeRules

    return BadgeRules(uow_factory, service, load_badge_rules(), room_topics, clock)
