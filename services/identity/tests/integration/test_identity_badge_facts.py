"""Integration: the badge rules' tables on the real PostgreSQL: facts added up by upsert (concurrent twins too),
sanctions whose lift arrives first, due marks, the inbox, and an award made through the real unit of work."""
import datetime as dt
import threading
import uuid

import pytest

from hearth_common.contracts import examples
from hearth_common.people import Actor
from identity_service.adapters.repository import uow_factory
from identity_service.domain.badge_rules import Fact, PersonFact, SanctionSpan
from identity_service.seed import load_badge_rules
from identity_service.service_layer.badge_rules import BadgeRules

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PERSON = str(uuid.uuid4())


@pytest.fixture
def uows(clean_identity_db):
    return uow_factory(clean_identity_db)


def test_a_fact_recorded_twice_counts_twice_and_keeps_its_first_and_last_moment(uows):
    with uows() as uow:
        uow.badge_facts.record(PERSON, Fact.HEART_FROM, "giver", T0 + dt.timedelta(hours=1))
        uow.badge_facts.record(PERSON, Fact.HEART_FROM, "giver", T0, "ignored")
        uow.badge_facts.record(PERSON, Fact.SESSION_ATTENDED, "s-1", T0, "sharing-circle")
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.of_person(PERSON) == [
            PersonFact(Fact.HEART_FROM, "giver", 2, T0, T0 + dt.timedelta(hours=1), ""),
            PersonFact(Fact.SESSION_ATTENDED, "s-1", 1, T0, T0, "sharing-circle"),
        ]
        assert uow.badge_facts.of_person(str(uuid.uuid4())) == []


def test_concurrent_twins_of_a_fact_add_up_instead_of_failing(uows):
    barrier = threading.Barrier(4)
    failures = []

    def record():
        try:
            with uows() as uow:
                barrier.wait()
                uow.badge_facts.record(PERSON, Fact.ACTIVE_DAY, "2026-06-01", T0)
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=record) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with uows() as uow:
        assert [f.count for f in uow.badge_facts.of_person(PERSON)] == [4]


def test_a_lift_that_arrives_before_its_sanction_is_kept(uows):
    with uows() as uow:
        uow.badge_facts.sanction_lifted("s-1", PERSON, T0 + dt.timedelta(hours=2))
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.sanctions_of(PERSON) == []  # nothing known to have been imposed yet
        uow.badge_facts.sanction_imposed("s-1", PERSON, T0, T0 + dt.timedelta(days=1))
        uow.badge_facts.sanction_imposed("s-2", PERSON, T0 + dt.timedelta(hours=3), None)
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.sanctions_of(PERSON) == [
            SanctionSpan(T0, T0 + dt.timedelta(days=1), T0 + dt.timedelta(hours=2)),
            SanctionSpan(T0 + dt.timedelta(hours=3), None, None),
        ]


def test_a_due_mark_set_again_after_it_was_read_survives_its_clearing(uows):
    other = str(uuid.uuid4())
    with uows() as uow:
        uow.badge_facts.mark_due(PERSON, T0)
        uow.badge_facts.mark_due(other, T0 - dt.timedelta(minutes=1))
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.due(10) == [(other, T0 - dt.timedelta(minutes=1)), (PERSON, T0)]
        assert uow.badge_facts.marked_due(PERSON) == T0
        uow.badge_facts.mark_due(PERSON, T0 + dt.timedelta(seconds=1))  # a newer fact came meanwhile
        uow.badge_facts.clear_due(PERSON, T0)
        uow.badge_facts.clear_due(other, T0 - dt.timedelta(minutes=1))
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.due(10) == [(PERSON, T0 + dt.timedelta(seconds=1))]


def test_the_inbox_claims_an_event_once(uows):
    envelope = examples.envelope("room", "message_posted")
    with uows() as uow:
        assert uow.claim_event(envelope)
        uow.commit()
    with uows() as uow:
        assert not uow.claim_event(envelope)


def test_people_are_listed_in_batches_and_award_history_includes_revocations(identity, uows):
    people = sorted(identity.register(f"person{i}", "a long enough password", "1990-01-01", "member")["id"]
                    for i in range(3))
    with uows() as uow:
        assert uow.people.ids_after("", 2) == people[:2]
        assert uow.people.ids_after(people[1], 2) == people[2:]
    admin = Actor(service="admin-tool")
    identity.award_badge(admin, people[0], "first-post", "welcome", "k-1")
    identity.revoke_badge(admin, people[0], "first-post", "mistake", "k-2")
    identity.award_badge(admin, people[0], "first-post", "again", "k-3")
    with uows() as uow:
        history = uow.awards.history(people[0], "first-post")
        assert [(a.award_key, a.revoke_key) for a in history] == [("k-1", "k-2"), ("k-3", None)]
        assert uow.awards.history(people[1], "first-post") == []


def test_a_first_post_awards_first_post_through_the_real_store_once(identity, uows, room_catalogue):
    rules = BadgeRules(uows, identity, load_badge_rules(), room_catalogue, identity.clock)
    ann = identity.register("ann", "a long enough password", "1990-01-01", "member")
    envelope = examples.envelope("room", "message_posted", author_id=ann["id"], posted_at=T0)
    assert rules.apply_event(envelope)
    assert not rules.apply_event(envelope)
    assert [b["awarded_by"] for b in identity.person_badges(ann["id"])] == ["rule:first-post"]
    with uows() as uow:
        history = uow.awards.history(ann["id"], "first-post")
        assert [a.award_key for a in history] == [f"rule:first-post:{ann['id']}:0"]
        assert uow.badge_facts.due(10) == []


def test_the_daily_pass_is_claimed_by_one_caller_per_period(uows):
    day = dt.timedelta(days=1)
    claims = []
    for now in (T0, T0, T0 + dt.timedelta(hours=23), T0 + day):
        with uows() as uow:
            claims.append(uow.badge_facts.claim_pass("everyone", now, day))
            uow.commit()
    assert claims == [True, False, False, True]


def test_a_heart_is_kept_per_giver_and_message_and_a_message_id_of_full_length_fits(identity, uows, room_catalogue):
    rules = BadgeRules(uows, identity, load_badge_rules(), room_catalogue, identity.clock)
    ann = identity.register("ann", "a long enough password", "1990-01-01", "member")
    giver, message_id = str(uuid.uuid4()), "m" * 64
    for _ in range(3):  # heart, taken back, given again (each a new event)
        rules.apply_event(examples.envelope("room", "message_hearted", author_id=ann["id"], hearted_by=giver,
                                            message_id=message_id, hearted_at=T0))
    with uows() as uow:
        [heart] = [f for f in uow.badge_facts.of_person(ann["id"]) if f.fact is Fact.HEART_FROM]
    assert (heart.key, heart.tag) == (f"{giver}:{message_id}", giver)


def course_event(event_type: str, person_id: str, completion_id: str, **fields) -> dict:
    return examples.envelope("course", event_type, person_id=person_id, completion_id=completion_id,
                             course_slug="group-dynamics", badge_slug="group-dynamics-graduate", **fields)


def test_a_revoked_completion_takes_back_its_own_award_and_leaves_a_hand_award(identity, uows, room_catalogue):
    rules = BadgeRules(uows, identity, load_badge_rules(), room_catalogue, identity.clock)
    ann = identity.register("ann", "a long enough password", "1990-01-01", "listener")
    bob = identity.register("bob", "a long enough password", "1990-01-01", "listener")
    identity.award_badge(Actor(service="admin-tool"), ann["id"], "group-dynamics-graduate", "by hand", "hand-1")
    for person, completion in ((ann, "c-1"), (bob, "c-2")):
        rules.apply_event(course_event("course_completed", person["id"], completion))
        rules.apply_event(course_event("completion_revoked", person["id"], completion, reason="copied"))
    assert [b["awarded_by"] for b in identity.person_badges(ann["id"])] == ["service:admin-tool"]
    assert identity.person_badges(bob["id"]) == []
    with uows() as uow:
        assert [(a.award_key, a.revoke_key) for a in uow.awards.history(bob["id"], "group-dynamics-graduate")] == [
            ("c-2", "c-2:revoked")]


def test_a_revocation_handled_while_its_completion_awards_leaves_nothing_awarded(identity, uows, room_catalogue,
                                                                                 monkeypatch):
    """Two workers on the real store: the revocation runs after the completion looked for it, before it awarded."""
    rules = BadgeRules(uows, identity, load_badge_rules(), room_catalogue, identity.clock)
    ann = identity.register("ann", "a long enough password", "1990-01-01", "listener")
    award = identity.award_badge
    other_worker = threading.Thread(target=rules.apply_event,
                                    args=(course_event("completion_revoked", ann["id"], "c-3", reason="copied"),))

    def award_after_the_revocation(*args, **kwargs):
        other_worker.start()
        other_worker.join()
        return award(*args, **kwargs)

    monkeypatch.setattr(identity, "award_badge", award_after_the_revocation)
    rules.apply_event(course_event("course_completed", ann["id"], "c-3"))
    assert identity.person_badges(ann["id"]) == []


def test_a_fact_noted_once_marks_due_only_when_new_and_widens_its_moments_only_when_asked(uows):
    day = T0.date().isoformat()
    with uows() as uow:
        assert uow.badge_facts.note(PERSON, Fact.ACTIVE_DAY, day, T0, due_at=T0) == (True, None)
        uow.commit()
    with uows() as uow:  # again (a second post that day, a redelivery): nothing changes, the mark is reported
        later = T0 + dt.timedelta(hours=1)
        assert uow.badge_facts.note(PERSON, Fact.ACTIVE_DAY, day, later, due_at=later) == (False, T0)
        assert uow.badge_facts.note(PERSON, Fact.ACTIVE_DAY, day, later, due_at=later, widen=True) == (True, T0)
        uow.commit()
    with uows() as uow:
        assert uow.badge_facts.of_person(PERSON) == [PersonFact(Fact.ACTIVE_DAY, day, 1, T0, later, "")]
        assert uow.badge_facts.due(10) == [(PERSON, later)]
        assert uow.claim_event(examples.envelope("room", "message_posted"))  # the inbox was not involved


def test_a_second_post_the_same_day_writes_nothing_on_the_real_store(identity, uows, room_catalogue):
    rules = BadgeRules(uows, identity, load_badge_rules(), room_catalogue, identity.clock)
    ann = identity.register("ann", "a long enough password", "1990-01-01", "member")
    assert rules.apply_event(examples.envelope("room", "message_posted", author_id=ann["id"], posted_at=T0))
    second = examples.envelope("room", "message_posted", author_id=ann["id"], posted_at=T0 + dt.timedelta(hours=1))
    second["event_id"] = str(uuid.uuid4())
    assert not rules.apply_event(second)
    assert not rules.apply_event(second)
    with uows() as uow:
        assert [(f.count, f.last_at) for f in uow.badge_facts.of_person(ann["id"])] == [(1, T0)]
        assert uow.badge_facts.due(10) == []
        assert uow.claim_event(second)
    assert [b["awarded_by"] for b in identity.person_badges(ann["id"])] == ["rule:first-post"]
