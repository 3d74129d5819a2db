"""Unit: hearth_common.idempotency: keys, fingerprints, stored results, and IdempotentCall on the fake records."""
import datetime as dt
import json

import pytest

from hearth_common import idempotency
from hearth_common.errors import FailedPrecondition, InvalidArgument, NotFound
from hearth_common.fakes import (
    IDEMPOTENCY_TABLE,
    FakeClock,
    FakeIdempotencyRecords,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
)
from hearth_common.idempotency import IdempotentCall, KeyReused, parse_key
from hearth_common.unit_of_work import UniqueViolation

NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=dt.timezone.utc)


class Things(InMemoryRepository):
    table = "things"

    def add(self, thing_id: str, name: str) -> None:
        self._insert(self.table, thing_id, {"id": thing_id, "name": name})


class UoW(InMemoryUnitOfWork):
    def __init__(self, db):
        super().__init__(db)
        self.things = Things(self)
        self.idempotency = FakeIdempotencyRecords(self)


class CreateThing:
    """A use case written the one way common prescribes."""

    def __init__(self, db, clock):
        self.db, self.clock, self.made = db, clock, 0

    def begin(self):
        return UoW(self.db)

    def __call__(self, caller: str, name: str, key: str | None) -> dict:
        call = IdempotentCall(caller, "test.CreateThing", key, {"name": name})
        return call.run(lambda: self._create(call, name), self.begin)

    def _create(self, call: IdempotentCall, name: str) -> dict:
        with self.begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            if name == "missing":
                raise NotFound("no such thing")
            self.made += 1
            thing_id = f"thing-{self.made}"
            uow.things.add(thing_id, name)
            result = call.remember(uow.idempotency, {"id": thing_id, "name": name, "at": self.clock()}, self.clock())
            uow.commit()
            return result


@pytest.fixture
def db():
    return InMemoryDatabase(("things", IDEMPOTENCY_TABLE))


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
def create(db, clock):
    return CreateThing(db, clock)


class TestKeys:
    @pytest.mark.parametrize("value", [None, ""])
    def test_empty_means_no_key(self, value):
        assert parse_key(value) is None

    @pytest.mark.parametrize("value", ["a", "3f2b6a1e-9c1d-4e55-8a0b-1f2e3d4c5b6a", "k" * 200, "!~:/+="])
    def test_printable_ascii_up_to_200(self, value):
        assert parse_key(value) == value

    @pytest.mark.parametrize("value", ["k" * 201, " a", "a b", "a\x00", "tab\t", "é", 5, b"bytes"])
    def test_anything_else_is_invalid_argument(self, value):
        with pytest.raises(InvalidArgument, match="idempotency_key must be"):
            parse_key(value)


class TestFingerprintsAndResults:
    def test_a_fingerprint_ignores_key_order_and_tells_values_apart(self):
        assert idempotency.fingerprint({"a": 1, "b": NOW}) == idempotency.fingerprint({"b": NOW, "a": 1})
        assert idempotency.fingerprint({"a": 1}) != idempotency.fingerprint({"a": 2})
        assert idempotency.fingerprint({"a": None}) != idempotency.fingerprint({})

    def test_a_result_comes_back_as_it_was_given_datetimes_and_dates_included(self):
        result = {"at": NOW, "day": NOW.date(), "n": [1, {"x": None}], "s": "$datetime", "t": True}
        encoded = idempotency.encode_result(result)
        assert idempotency.decode_result(json.loads(json.dumps(encoded))) == result

    def test_a_result_holds_plain_data_only(self):
        with pytest.raises(TypeError):
            idempotency.encode_result({"x": object()})


class TestIdempotentCall:
    def test_a_retry_gets_the_first_result_and_creates_nothing(self, create, db):
        first = create("ada", "lamp", "k1")
        state = db.snapshot()
        assert create("ada", "lamp", "k1") == first
        assert db.snapshot() == state
        assert first["at"] == NOW

    def test_without_a_key_every_call_creates(self, create, db):
        create("ada", "lamp", None)
        create("ada", "lamp", "")
        assert len(db.tables["things"]) == 2 and db.tables[IDEMPOTENCY_TABLE] == {}

    def test_a_different_request_with_the_key_is_refused_as_failed_precondition(self, create, db):
        create("ada", "lamp", "k1")
        state = db.snapshot()
        with pytest.raises(KeyReused, match="'k1' was used for a different test.CreateThing request; use a new"):
            create("ada", "chair", "k1")
        assert isinstance(KeyReused("x"), FailedPrecondition)
        assert db.snapshot() == state

    def test_the_scope_is_the_caller_the_operation_and_the_key(self, create, db):
        create("ada", "lamp", "k1")
        create("bob", "lamp", "k1")
        create(None, "lamp", "k1")  # anonymous
        assert len(db.tables["things"]) == 3

    def test_a_refusal_stores_nothing_so_the_key_may_be_used_again(self, create, db):
        with pytest.raises(NotFound):
            create("ada", "missing", "k1")
        assert db.tables[IDEMPOTENCY_TABLE] == {}
        create("ada", "lamp", "k1")

    def test_a_concurrent_twin_ends_with_one_effect_and_the_loser_gets_its_result(self, create, db):
        twin = {}
        db.before_next_commit = lambda: twin.update(create("ada", "lamp", "k1"))
        assert create("ada", "lamp", "k1") == twin
        assert len(db.tables["things"]) == 1

    def test_a_twin_of_a_different_request_is_refused(self, create, db):
        db.before_next_commit = lambda: create("ada", "chair", "k1")
        with pytest.raises(KeyReused):
            create("ada", "lamp", "k1")

    def test_a_conflict_with_no_twin_record_is_raised_as_it_was(self, db, clock):
        create = CreateThing(db, clock)
        db.before_next_commit = lambda: db.tables["things"].update({"thing-1": {"id": "thing-1"}})
        with pytest.raises(UniqueViolation):
            create("ada", "lamp", "k1")


def test_purge_deletes_records_older_than_the_retention_in_batches(create, db, clock):
    for i in range(5):
        create("ada", f"thing {i}", f"k{i}")
        clock.advance(hours=1)
    clock.advance(hours=21)  # the first two are more than 24 hours old
    assert idempotency.purge_expired(lambda: UoW(db), clock(), batch=1) == 2
    assert len(db.tables[IDEMPOTENCY_TABLE]) == 3
    assert create("ada", "thing 4", "k4")["id"] == "thing-5"
