"""Integration: identity's schema, repositories and unit of work on the real PostgreSQL."""
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hearth_common import testing
from hearth_common.errors import DomainError
from identity_service.adapters import orm
from identity_service.domain import errors
from identity_service.migrations import runner
from identity_service.service_layer.services import Actor

ADULT_DOB = "1990-04-02"


def outbox_rows(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.outbox.c.event_type, orm.outbox.c.payload).order_by(orm.outbox.c.seq)).all()


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_migrations_go_up_down_and_up_and_match_the_tables():
    url = testing.create_database("hearth_identity_migrations")
    try:
        runner.upgrade(url)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": "alembic_version_identity"})
            diffs = compare_metadata(context, orm.metadata)
        assert diffs == []
        runner.downgrade(url, "base")
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version_identity"}
        assert tables == set()
        runner.upgrade(url)
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert {"people", "badges", "badge_awards", "role_grants", "outbox"} <= tables
        engine.dispose()
    finally:
        testing.drop_database(url)


def test_registration_commits_the_person_and_its_event_together(identity, clean_identity_db):
    person = identity.register("Robin", "a long enough password", ADULT_DOB, "member")
    rows = outbox_rows(clean_identity_db)
    assert [r.event_type for r in rows] == ["person_registered"]
    assert rows[0].payload["data"]["person_id"] == person["id"]
    assert rows[0].payload["data"]["cohort"] == "adult"
    assert identity.get_person(username="robin")["id"] == person["id"]


def test_a_refused_change_writes_nothing(identity, clean_identity_db):
    identity.register("Robin", "a long enough password", ADULT_DOB, "member")
    with pytest.raises(errors.UsernameTaken):
        identity.register("ROBIN", "another long password", ADULT_DOB, "listener")
    with pytest.raises(errors.TooYoung):
        identity.register("Tiny", "a long enough password", "2020-01-01", "member")
    assert count(clean_identity_db, orm.people) == 1
    assert [r.event_type for r in outbox_rows(clean_identity_db)] == ["person_registered"]


def test_concurrent_registrations_of_one_username_create_one_person(identity, clean_identity_db):
    results, barrier = [], threading.Barrier(4)

    def attempt(i):
        barrier.wait()
        try:
            identity.register("Sam", f"password number {i}", ADULT_DOB, "member")
            results.append("ok")
        except errors.UsernameTaken:
            results.append("taken")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(results) == ["ok", "taken", "taken", "taken"]
    assert count(clean_identity_db, orm.people) == 1
    assert len(outbox_rows(clean_identity_db)) == 1


def test_concurrent_awards_with_one_key_award_once(identity, clean_identity_db):
    person = identity.register("Kitty", "a long enough password", ADULT_DOB, "member")
    awards, barrier = [], threading.Barrier(4)

    def attempt():
        barrier.wait()
        awards.append(identity.award_badge(Actor(service="course"), person["id"], "first-post", "course done", "key-1"))

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert len({a["id"] for a in awards}) == 1 and len(awards) == 4
    assert count(clean_identity_db, orm.badge_awards) == 1
    assert [r.event_type for r in outbox_rows(clean_identity_db)].count("badge_awarded") == 1


def test_a_badge_is_held_once_at_a_time_but_can_be_earned_again(identity, clean_identity_db):
    person = identity.register("Leena", "a long enough password", ADULT_DOB, "member")
    course = Actor(service="course")
    identity.award_badge(course, person["id"], "chief-chat", "30 days", "a1")
    with pytest.raises(errors.BadgeAlreadyHeld):
        identity.award_badge(course, person["id"], "chief-chat", "again", "a2")
    identity.revoke_badge(course, person["id"], "chief-chat", "mistake", "r1")
    identity.award_badge(course, person["id"], "chief-chat", "earned again", "a3")
    assert [a["badge"]["slug"] for a in identity.person_badges(person["id"])] == ["chief-chat"]
    assert count(clean_identity_db, orm.badge_awards) == 2


def test_promotion_updates_stored_cohort_and_announces_it(identity, clean_identity_db):
    teen = identity.register("Teena", "a long enough password", "2010-01-01", "member")
    with clean_identity_db.begin() as conn:  # time passes: the teen was born long enough ago to be 18
        conn.execute(sa.update(orm.people).where(orm.people.c.id == teen["id"]).values(date_of_birth="2000-01-01"))
    assert identity.promote_adults() == 1
    assert identity.get_person(person_id=teen["id"])["cohort"] == "adult"
    assert identity.promote_adults() == 0
    changed = [r.payload["data"] for r in outbox_rows(clean_identity_db) if r.event_type == "cohort_changed"]
    assert changed == [{"person_id": teen["id"], "previous_cohort": "teen", "cohort": "adult"}]


def test_private_signing_keys_rest_encrypted(identity, clean_identity_db):
    with clean_identity_db.connect() as conn:
        pem = conn.execute(sa.select(orm.signing_keys.c.private_key_pem)).scalar_one()
    assert "ENCRYPTED PRIVATE KEY" in pem


def run_concurrently(count, fn):
    outcomes, barrier = [], threading.Barrier(count)

    def attempt():
        barrier.wait()
        try:
            fn()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    return sorted(outcomes)


def test_concurrent_keyed_revocations_revoke_once_and_all_succeed(identity, clean_identity_db):
    person = identity.register("Revokee", "a long enough password", ADULT_DOB, "member")
    course = Actor(service="moderation")
    for round_ in range(5):
        identity.award_badge(course, person["id"], "chief-chat", "earned", f"award-{round_}")
        outcomes = run_concurrently(
            4, lambda: identity.revoke_badge(course, person["id"], "chief-chat", "sanction", f"revoke-{round_}")
        )
        assert outcomes == ["ok"] * 4
    revoked = [r for r in outbox_rows(clean_identity_db) if r.event_type == "badge_revoked"]
    assert len(revoked) == 5


def test_concurrent_revocations_of_one_grant_revoke_it_once(identity, clean_identity_db):
    person = identity.register("Moderator", "a long enough password", ADULT_DOB, "listener")
    bootstrap = Actor(service="test-setup")
    for round_ in range(5):
        grant = identity.grant_role(bootstrap, person["id"], "chat_room_moderator")
        outcomes = run_concurrently(4, lambda: identity.revoke_role(bootstrap, grant["id"], f"round {round_}"))
        assert outcomes == ["GrantNotFound"] * 3 + ["ok"]
    assert [r.event_type for r in outbox_rows(clean_identity_db)].count("role_revoked") == 5


def test_migration_0004_keeps_each_giver_s_earlier_hearts_as_one_heart_with_no_message():
    url = testing.create_database("hearth_identity_migration_0004")
    try:
        runner.upgrade(url, "0003")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO badge_facts (person_id, fact, key, count, first_at, last_at, tag) "
                                 "VALUES ('p-1', 'heart_from', 'giver-1', 3, now(), now(), ''), "
                                 "('p-1', 'session_attended', 's-1', 1, now(), now(), 'sharing-circle')"))
        runner.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT fact, key, tag FROM badge_facts ORDER BY fact")).all()
        assert [tuple(r) for r in rows] == [("heart_from", "giver-1:", "giver-1"),
                                            ("session_attended", "s-1", "sharing-circle")]
        engine.dispose()
    finally:
        testing.drop_database(url)
