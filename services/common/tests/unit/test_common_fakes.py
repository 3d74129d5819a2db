"""Unit tests of the shared test fakes: the in-memory store, its unit of work, constraints and the clock."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hearth_common.events import Event
from hearth_common.fakes import (
    DEFAULT_START,
    FakeClock,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    foreign_key,
    unique,
)
from hearth_common.unit_of_work import UniqueViolation


@dataclasses.dataclass(eq=False)
class Person:
    id: str
    username: str
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(eq=False)
class Post:
    id: str
    author_id: str
    pinned: bool = False


CONSTRAINTS = (
    unique("people", "people_username_key", lambda p: p.username),
    unique("posts", "uq_posts_pinned", lambda p: p.author_id, where=lambda p: p.pinned),
    foreign_key("posts", lambda p: p.author_id, "people"),
)


class People(InMemoryRepository):
    table = "people"

    def add(self, person: Person) -> None:
        self._insert(self.table, person.id, person)

    def get(self, person_id: str) -> Person | None:
        self._read("get")
        return self._get(self.table, person_id)

    def save(self, person: Person) -> None:
        self._put(self.table, person.id, person)

    def remove(self, person_id: str) -> bool:
        return self._delete(self.table, person_id)


class Posts(InMemoryRepository):
    table = "posts"

    def add(self, post: Post) -> None:
        self._insert(self.table, post.id, post, "posts_id_key")


class StatementUnitOfWork(InMemoryUnitOfWork):
    def __init__(self, db: InMemoryDatabase):
        super().__init__(db)
        self.people = People(self)
        self.posts = Posts(self)


class SessionUnitOfWork(StatementUnitOfWork):
    identity_map = True


def event(name: str) -> Event:
    return Event(type=name, data={})


@pytest.fixture
def db() -> InMemoryDatabase:
    return InMemoryDatabase(("people", "posts"), CONSTRAINTS)


def register(db: InMemoryDatabase, *people: Person, uow_class=StatementUnitOfWork) -> None:
    with uow_class(db) as uow:
        for person in people:
            uow.people.add(person)
        uow.commit()


@pytest.fixture(params=[StatementUnitOfWork, SessionUnitOfWork], ids=["statements", "identity-map"])
def uow_class(request) -> type[StatementUnitOfWork]:
    return request.param


class TestCommit:
    def test_commit_writes_the_rows_and_publishes_the_pending_events_once(self, db, uow_class):
        first = event("person_registered")
        with uow_class(db) as uow:
            uow.people.add(Person("p1", "ann"))
            uow.add_events([first])
            assert db.published == [] and db.tables["people"] == {}
            uow.commit()
            uow.commit()
        assert [p.username for p in db.rows("people")] == ["ann"]
        assert db.published == [first]
        assert db.commits == 2

    def test_leaving_without_commit_writes_and_publishes_nothing(self, db, uow_class):
        with uow_class(db) as uow:
            uow.people.add(Person("p1", "ann"))
            uow.add_events([event("person_registered")])
        assert db.snapshot() == {"tables": {"people": {}, "posts": {}}, "published": [], "commits": 0}

    def test_rollback_discards_writes_and_events_and_the_unit_of_work_goes_on(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            person = uow.people.get("p1")
            person.username = "changed"
            uow.people.save(person)
            uow.people.add(Person("p2", "bob"))
            uow.add_events([event("person_registered")])
            uow.rollback()
            assert uow.people.get("p1").username == "ann" and uow.people.get("p2") is None
            uow.commit()
        assert [p.username for p in db.rows("people")] == ["ann"]
        assert db.published == []

    def test_delete(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            assert uow.people.remove("p1") and not uow.people.remove("p1")
            assert uow.people.get("p1") is None
            assert db.rows("people") != []
            uow.commit()
        assert db.tables["people"] == {}

    def test_a_key_deleted_in_the_transaction_may_be_inserted_again(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            uow.people.remove("p1")
            uow.people.add(Person("p1", "anna"))
            uow.commit()
        assert [p.username for p in db.rows("people")] == ["anna"]


class TestConstraints:
    def test_a_violation_names_its_constraint_and_leaves_the_committed_state_as_it_was(self, db, uow_class):
        register(db, Person("p1", "ann"))
        before = db.snapshot()
        with uow_class(db) as uow:
            uow.people.add(Person("p2", "ann"))
            uow.add_events([event("person_registered")])
            with pytest.raises(UniqueViolation) as caught:
                uow.commit()
            assert caught.value.constraint == "people_username_key"
            assert uow.pending_events == [] and uow.people.get("p2") is None  # rolled back, as the real one is
        assert db.snapshot() == before

    def test_an_in_place_change_counts_only_in_identity_map_mode(self, db, uow_class):
        register(db, Person("p1", "ann"), Person("p2", "bob"))
        with uow_class(db) as uow:
            uow.people.get("p2").username = "ann"
            if uow_class.identity_map:
                with pytest.raises(UniqueViolation, match="people_username_key"):
                    uow.commit()
            else:
                uow.commit()
        assert sorted(p.username for p in db.rows("people")) == ["ann", "bob"]

    def test_a_partial_unique_index_counts_only_the_rows_it_keeps(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            uow.posts.add(Post("a", "p1", pinned=True))
            uow.posts.add(Post("b", "p1"))
            uow.posts.add(Post("c", "p1"))
            uow.commit()
            uow.posts.add(Post("d", "p1", pinned=True))
            with pytest.raises(UniqueViolation, match="uq_posts_pinned"):
                uow.commit()
        assert sorted(db.tables["posts"]) == ["a", "b", "c"]

    def test_a_missing_key_never_clashes_like_null(self, db):
        db.constraints += (unique("people", "people_tags_key", lambda p: (p.id[:1], p.tags[0] if p.tags else None)),)
        register(db, Person("p1", "ann"), Person("p2", "bob"))
        assert len(db.tables["people"]) == 2

    def test_a_dangling_reference_is_a_defect_not_a_conflict(self, db, uow_class):
        with uow_class(db) as uow:
            uow.posts.add(Post("a", "nobody"))
            with pytest.raises(AssertionError, match="posts 'a' refers to 'nobody', which is not in people"):
                uow.commit()
        assert db.tables["posts"] == {} and db.commits == 0

    def test_an_existing_primary_key_is_refused_at_once_with_the_name_given(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            uow.posts.add(Post("a", "p1"))
            with pytest.raises(UniqueViolation, match="posts_id_key"):
                uow.posts.add(Post("a", "p1"))
            with pytest.raises(UniqueViolation, match="people_pkey"):
                uow.people.add(Person("p1", "other"))


class TestConcurrentTwins:
    def test_a_twin_committing_first_makes_the_commit_fail_and_the_hook_runs_once(self, db, uow_class):
        runs = []

        def twin():
            runs.append(1)
            register(db, Person("p9", "ann"), uow_class=uow_class)

        db.before_next_commit = twin
        with uow_class(db) as uow:
            uow.people.add(Person("p1", "ann"))
            with pytest.raises(UniqueViolation, match="people_username_key"):
                uow.commit()
        register(db, Person("p2", "bob"))
        assert runs == [1] and db.before_next_commit is None
        assert sorted(p.id for p in db.rows("people")) == ["p2", "p9"]

    def test_an_insert_meets_the_row_a_twin_committed_after_this_transaction_began(self, db, uow_class):
        register(db, Person("p1", "ann"))
        db.before_next_insert = ("posts", lambda: self._post(db, uow_class, "a"))
        with uow_class(db) as uow:
            assert uow.people.get("p1") is not None
            with pytest.raises(UniqueViolation, match="posts_id_key"):
                uow.posts.add(Post("a", "p1"))
        assert db.before_next_insert is None

    def test_a_row_inserted_by_a_twin_before_this_commit_fails_it_on_the_primary_key(self, db, uow_class):
        register(db, Person("p1", "ann"))
        with uow_class(db) as uow:
            uow.posts.add(Post("a", "p1"))
            self._post(db, uow_class, "a")
            with pytest.raises(UniqueViolation, match="posts_pkey"):
                uow.commit()
        assert db.commits == 2

    def test_a_read_hook_lets_the_reader_see_what_the_twin_committed(self, db, uow_class):
        register(db, Person("p1", "ann"))

        def rename():
            with uow_class(db) as twin:
                person = twin.people.get("p1")
                person.username = "anna"
                twin.people.save(person)
                twin.people.add(Person("p2", "bob"))
                twin.commit()

        with uow_class(db) as uow:
            held = uow.people.get("p1")
            db.before_next_read = ("people.get", rename)
            assert uow.people.get("p2").username == "bob"
            assert uow.people.get("p1").username == "anna"
            if uow_class.identity_map:  # a session's object is refreshed where it is held
                assert held.username == "anna" and uow.people.get("p1") is held
        assert db.before_next_read is None

    @staticmethod
    def _post(db, uow_class, post_id):
        with uow_class(db) as twin:
            twin.posts.add(Post(post_id, "p1"))
            twin.commit()


class TestCopies:
    def test_statements_hand_out_copies_and_only_writes_count(self, db):
        register(db, Person("p1", "ann", ["x"]))
        with StatementUnitOfWork(db) as uow:
            person = uow.people.get("p1")
            person.tags.append("y")
            assert uow.people.get("p1").tags == ["x"] and uow.people.get("p1") is not person
            uow.people.save(person)
            person.tags.append("z")  # after the write: not written
            uow.commit()
        assert db.rows("people")[0].tags == ["x", "y"]

    def test_an_identity_map_hands_out_its_own_objects_and_writes_their_changes(self, db):
        added = Person("p2", "bob")
        register(db, Person("p1", "ann", ["x"]))
        with SessionUnitOfWork(db) as uow:
            person = uow.people.get("p1")
            assert uow.people.get("p1") is person
            person.tags.append("y")
            uow.people.add(added)
            added.username = "bobby"  # an added object is the session's own
            uow.commit()
            person.tags.append("z")  # still held after the commit: written by the next one
            uow.commit()
        assert [(p.username, p.tags) for p in db.rows("people")] == [("ann", ["x", "y", "z"]), ("bobby", [])]

    def test_committed_rows_are_never_the_objects_a_test_or_use_case_holds(self, db):
        person = Person("p1", "ann", ["x"])
        register(db, person, uow_class=SessionUnitOfWork)
        person.tags.append("y")
        db.rows("people")[0].tags.append("z")
        assert db.tables["people"]["p1"].tags == ["x"]


class TestFakeClock:
    def test_it_is_the_use_cases_clock_and_moves_only_when_told(self):
        clock = FakeClock()
        assert clock() == clock.now == DEFAULT_START
        assert clock.advance(minutes=2, seconds=3) == DEFAULT_START + dt.timedelta(seconds=123)
        assert clock.advance(dt.timedelta(days=1)) == clock() == DEFAULT_START + dt.timedelta(days=1, seconds=123)
        later = dt.datetime(2026, 2, 28, 23, 59, tzinfo=dt.timezone.utc)
        assert clock.set(later) == clock() == later

    def test_times_are_aware(self):
        with pytest.raises(ValueError, match="aware"):
            FakeClock(dt.datetime(2025, 1, 1))
        with pytest.raises(ValueError, match="aware"):
            FakeClock().set(dt.datetime(2025, 1, 1))
