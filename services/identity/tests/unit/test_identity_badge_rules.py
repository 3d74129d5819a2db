"""Unit tests: badges earned by doing: the rules as data, the facts kept from other services' events (once per
event), and awards and revocations made through the award use case, idempotently per person and badge."""
from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest

from hearth_common.contracts import InvalidEvent, examples
from hearth_common.people import Actor
from identity_service.domain import errors
from identity_service.domain.badge_rules import (
    Activity,
    BadgeRule,
    Fact,
    Kind,
    PersonFact,
    SanctionSpan,
    parse_rule,
    parse_rules,
)
from identity_service.seed import STARTER_BADGES, load_badge_rules
from identity_service.service_layer.badge_rules import BadgeRules

UTC = dt.timezone.utc
ADMIN = Actor(service="admin-tool")


def event(source: str, event_type: str, *, at: dt.datetime | None = None, **fields) -> dict:
    envelope = examples.envelope(source, event_type, **fields)
    if at is not None:
        envelope["occurred_at"] = at.isoformat()
    return envelope


def posted(author: str, at: dt.datetime) -> dict:
    return event("room", "message_posted", author_id=author, message_id=str(uuid.uuid4()), posted_at=at)


def hearted(author: str, by: str, at: dt.datetime, message_id: str | None = None) -> dict:
    return event("room", "message_hearted", author_id=author, hearted_by=by,
                 message_id=message_id or str(uuid.uuid4()), hearted_at=at)


def held(service, person_id: str) -> dict[str, str]:
    """slug -> awarded_by of the badges the person holds."""
    return {b["badge"]["slug"]: b["awarded_by"] for b in service.person_badges(person_id)}


# --- the catalogue and the rules ---------------------------------------------------------------------------


def test_every_badge_is_earned_by_a_rule_or_says_who_awards_it():
    rules = {rule.badge for rule in load_badge_rules()}
    unexplained = [b.slug for b in STARTER_BADGES
                   if b.slug not in rules and not b.how_earned.startswith("Awarded by ")]
    assert unexplained == []
    assert rules == {"first-post", "chief-chat", "compassion-hero", "sharing-circle-regular",
                     "listener-in-good-standing"}


def test_a_badge_with_a_rule_does_not_also_claim_to_be_awarded_by_someone():
    rules = {rule.badge for rule in load_badge_rules()}
    assert [b.slug for b in STARTER_BADGES if b.slug in rules and b.how_earned.startswith("Awarded by")] == []


@pytest.mark.parametrize(("data", "message"), [
    ({"badge": "first-post", "kind": "often", "events": ["message_posted"]}, "kind must be one of"),
    ({"badge": "first-post", "kind": "first", "events": ["message_sent"]}, "events must name some of"),
    ({"badge": "first-post", "kind": "count", "events": ["message_posted"], "threshold": 0}, "threshold must be"),
    ({"badge": "first-post", "kind": "first", "events": ["message_posted"], "revoke_on": ["message_posted"]},
     "revoke_on may name only sanction_imposed"),
    ({"badge": "first-post", "kind": "sessions_attended", "events": ["session_ended"]}, "names the room_topic"),
    ({"badge": "first-post", "kind": "first", "events": ["sanction_imposed"]}, "none of its events"),
    ({"badge": "chief-chat", "kind": "days_without_sanction", "events": ["message_posted"], "threshold": 3},
     "listens to sanction_imposed and sanction_lifted"),
    ({"badge": "first-post", "kind": "first", "events": ["message_posted"], "colour": "red"}, "unknown fields colour"),
    ({"badge": "b" * 60, "kind": "first", "events": ["message_posted"]}, "at most 59 characters"),
])
def test_a_malformed_rule_is_refused_naming_the_field(data, message):
    with pytest.raises(errors.InvalidBadgeRule, match=message):
        parse_rule(data)


def test_a_rule_for_a_badge_not_in_the_catalogue_or_a_second_rule_for_a_badge_is_refused():
    rule = {"badge": "first-post", "kind": "first", "events": ["message_posted"]}
    with pytest.raises(errors.InvalidBadgeRule, match="no badge 'first-post' in the catalogue"):
        parse_rules([rule], ["chief-chat"])
    with pytest.raises(errors.InvalidBadgeRule, match="one rule per badge"):
        parse_rules([rule, rule], ["first-post"])


# --- the rule kinds, on a person's activity -------------------------------------------------------------------

NOW = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def facts(fact: Fact, keys, at: dt.datetime = NOW, count: int = 1, tag: str = "") -> tuple[PersonFact, ...]:
    return tuple(PersonFact(fact, key, count, at, at, tag) for key in keys)


def days(n: int, before: dt.datetime = NOW) -> tuple[PersonFact, ...]:
    return tuple(PersonFact(Fact.ACTIVE_DAY, (before - dt.timedelta(days=i)).date().isoformat(), 1,
                            before - dt.timedelta(days=i), before - dt.timedelta(days=i)) for i in range(n))


def test_count_and_window_count_only_recent_events():
    rule = BadgeRule("first-post", Kind.COUNT, ("message_posted",), threshold=3, window_days=7)
    old = facts(Fact.ACTIVE_DAY, ["2025-01-01", "2025-01-02"], at=NOW - dt.timedelta(days=30))
    recent = facts(Fact.ACTIVE_DAY, ["2025-06-14", "2025-06-15"], at=NOW - dt.timedelta(days=1))
    assert not rule.holds(Activity(old + recent), NOW)
    assert rule.holds(Activity(recent + facts(Fact.ACTIVE_DAY, ["2025-06-13"])), NOW)


def hearts(giver: str, messages: int) -> tuple[PersonFact, ...]:
    return tuple(PersonFact(Fact.HEART_FROM, f"{giver}:m-{i}", 1, NOW, NOW, giver) for i in range(messages))


def test_distinct_count_needs_enough_people_and_enough_hearts():
    rule = BadgeRule("compassion-hero", Kind.DISTINCT_COUNT, ("message_hearted",), threshold=3, total_at_least=5)
    assert not rule.holds(Activity(hearts("a", 5) + hearts("b", 5)), NOW)  # many hearts, two people
    assert not rule.holds(Activity(hearts("a", 1) + hearts("b", 1) + hearts("c", 1)), NOW)  # three people, three
    assert rule.holds(Activity(hearts("a", 2) + hearts("b", 2) + hearts("c", 1)), NOW)


def test_a_heart_given_again_on_the_same_message_counts_once():
    rule = BadgeRule("compassion-hero", Kind.DISTINCT_COUNT, ("message_hearted",), threshold=3, total_at_least=5)
    toggled = tuple(PersonFact(Fact.HEART_FROM, f"{g}:m-1", 4, NOW, NOW, g) for g in "abc")  # given 4 times each
    assert not rule.holds(Activity(toggled), NOW)


def test_days_without_sanction_skip_sanctioned_days_and_fail_under_a_sanction_in_force():
    rule = BadgeRule("chief-chat", Kind.DAYS_WITHOUT_SANCTION,
                     ("message_posted", "sanction_imposed", "sanction_lifted"), threshold=5)
    assert rule.holds(Activity(days(5)), NOW)
    muted_a_day = SanctionSpan(NOW - dt.timedelta(days=2, hours=1), expires_at=NOW - dt.timedelta(days=2))
    assert not rule.holds(Activity(days(5), (muted_a_day,)), NOW)  # that day does not count
    assert rule.holds(Activity(days(6), (muted_a_day,)), NOW)
    banned = SanctionSpan(NOW - dt.timedelta(hours=1))
    assert not rule.holds(Activity(days(30), (banned,)), NOW)
    lifted = SanctionSpan(NOW - dt.timedelta(hours=1), lifted_at=NOW - dt.timedelta(minutes=30))
    assert rule.holds(Activity(days(30), (lifted,)), NOW)


def test_sessions_attended_count_sessions_in_rooms_of_the_topic_once_each():
    rule = BadgeRule("sharing-circle-regular", Kind.SESSIONS_ATTENDED, ("session_ended",), threshold=2,
                     room_topic="sharing-circle")
    circle = facts(Fact.SESSION_ATTENDED, ["s1"], count=3, tag="sharing-circle")
    other = facts(Fact.SESSION_ATTENDED, ["s2"], tag="grief")
    assert not rule.holds(Activity(circle + other), NOW)
    assert rule.holds(Activity(circle + facts(Fact.SESSION_ATTENDED, ["s3"], tag="sharing-circle")), NOW)


def test_courses_completed_count_the_courses_named():
    rule = BadgeRule("first-post", Kind.COURSES_COMPLETED, ("course_completed",), threshold=2,
                     courses=("group-dynamics", "crisis-response"))
    assert not rule.holds(Activity(facts(Fact.COURSE_COMPLETED, ["group-dynamics", "grief"])), NOW)
    assert rule.holds(Activity(facts(Fact.COURSE_COMPLETED, ["group-dynamics", "crisis-response"])), NOW)


def test_held_without_sanction_needs_the_badge_long_enough_and_no_sanction_in_that_time():
    rule = BadgeRule("listener-in-good-standing", Kind.HELD_WITHOUT_SANCTION, ("sanction_imposed",), threshold=90,
                     requires_badge="verified-listener", revoke_on=("sanction_imposed",))
    long_ago = {"verified-listener": NOW - dt.timedelta(days=91)}
    assert rule.holds(Activity(held_since=long_ago), NOW)
    assert not rule.holds(Activity(held_since={"verified-listener": NOW - dt.timedelta(days=89)}), NOW)
    assert not rule.holds(Activity(), NOW)
    recent = SanctionSpan(NOW - dt.timedelta(days=10), expires_at=NOW - dt.timedelta(days=9))
    assert not rule.holds(Activity(sanctions=(recent,), held_since=long_ago), NOW)
    old = SanctionSpan(NOW - dt.timedelta(days=100), expires_at=NOW - dt.timedelta(days=99))
    assert rule.holds(Activity(sanctions=(old,), held_since=long_ago), NOW)


# --- events in, badges out -------------------------------------------------------------------------------------


def test_a_first_post_earns_first_post_through_the_award_use_case(service, badge_rules, make_person, published):
    ann = make_person("ann")
    published.clear()
    assert badge_rules.apply_event(posted(ann["id"], START_AT))
    assert held(service, ann["id"]) == {"first-post": "rule:first-post"}
    assert [e.type for e in published] == ["badge_awarded"]
    assert published[0].data["awarded_by"] == "rule:first-post"


START_AT = dt.datetime(2025, 6, 15, 11, 0, tzinfo=UTC)


def test_a_redelivered_event_changes_nothing(service, badge_rules, make_person, published, uow_factory):
    ann = make_person("ann")
    envelope = posted(ann["id"], START_AT)
    badge_rules.apply_event(envelope)
    published.clear()
    assert badge_rules.apply_event(envelope) is False
    assert published == []
    with uow_factory() as uow:
        assert [f.count for f in uow.badge_facts.of_person(ann["id"])] == [1]


def test_a_second_post_awards_nothing_more(service, badge_rules, make_person, published):
    ann = make_person("ann")
    badge_rules.apply_event(posted(ann["id"], START_AT))
    published.clear()
    badge_rules.apply_event(posted(ann["id"], START_AT + dt.timedelta(minutes=1)))
    assert published == []


def test_an_evaluation_twice_over_awards_once(service, badge_rules, make_person, published):
    ann = make_person("ann")
    badge_rules.apply_event(posted(ann["id"], START_AT))
    published.clear()
    assert badge_rules.evaluate(ann["id"]) == 0
    assert badge_rules.backfill() == {"people": 1, "changes": 0}
    assert published == []


def test_a_malformed_event_is_refused_and_records_nothing(badge_rules, make_person, uow_factory):
    ann = make_person("ann")
    envelope = posted(ann["id"], START_AT)
    del envelope["data"]["author_id"]
    with pytest.raises(InvalidEvent, match="author_id"):
        badge_rules.apply_event(envelope)
    with uow_factory() as uow:
        assert uow.badge_facts.of_person(ann["id"]) == []
        assert uow.claim_event(envelope)  # not claimed: nothing was recorded


def test_hearts_from_twenty_people_and_fifty_in_all_earn_compassion_hero(service, badge_rules, make_person):
    ann = make_person("ann")
    givers = [str(uuid.uuid4()) for _ in range(20)]
    for i in range(49):
        badge_rules.apply_event(hearted(ann["id"], givers[i % 20], START_AT))
    assert "compassion-hero" not in held(service, ann["id"])
    badge_rules.apply_event(hearted(ann["id"], givers[0], START_AT))
    assert held(service, ann["id"])["compassion-hero"] == "rule:compassion-hero"


def test_hearts_taken_back_and_given_again_do_not_earn_compassion_hero(service, badge_rules, make_person,
                                                                      uow_factory):
    ann = make_person("ann")
    givers = [str(uuid.uuid4()) for _ in range(20)]
    for giver in givers:
        message_id = str(uuid.uuid4())
        for _ in range(3):  # heart, take back, heart again: room publishes message_hearted each time
            badge_rules.apply_event(hearted(ann["id"], giver, START_AT, message_id))
    assert "compassion-hero" not in held(service, ann["id"])  # 20 hearts, not 60
    with uow_factory() as uow:
        assert len(uow.badge_facts.of_person(ann["id"])) == 20


def test_sharing_circle_sessions_count_only_in_sharing_circle_rooms(service, badge_rules, make_person,
                                                                   room_topics):
    ann = make_person("ann")
    for i in range(9):
        badge_rules.apply_event(event("room", "session_ended", session_id=str(uuid.uuid4()),
                                      room_slug="adult-sharing-circle", attendee_ids=(ann["id"],)))
    badge_rules.apply_event(event("room", "session_ended", session_id=str(uuid.uuid4()), room_slug="lounge",
                                  attendee_ids=(ann["id"],)))
    assert "sharing-circle-regular" not in held(service, ann["id"])
    badge_rules.apply_event(event("room", "session_ended", session_id=str(uuid.uuid4()),
                                  room_slug="adult-sharing-circle", attendee_ids=(ann["id"], str(uuid.uuid4()))))
    assert held(service, ann["id"])["sharing-circle-regular"] == "rule:sharing-circle-regular"
    assert set(room_topics.asked) == {"adult-sharing-circle", "lounge"}


def test_chief_chat_counts_days_and_a_sanction_in_force_holds_it_back(service, badge_rules, make_person, clock):
    ann = make_person("ann")
    start = clock()
    for day in range(29):
        badge_rules.apply_event(posted(ann["id"], start - dt.timedelta(days=day + 1)))
    badge_rules.apply_event(event("moderation", "sanction_imposed", sanction_id="s-1", person_id=ann["id"],
                                  kind="mute", expires_at=None, at=start - dt.timedelta(minutes=5)))
    badge_rules.apply_event(posted(ann["id"], start))
    assert "chief-chat" not in held(service, ann["id"])  # 30 days, the last one under a mute still in force
    badge_rules.apply_event(event("moderation", "sanction_lifted", sanction_id="s-1", person_id=ann["id"],
                                  at=start - dt.timedelta(minutes=4)))
    assert "chief-chat" not in held(service, ann["id"])  # today was under the mute: 29 clean days
    clock.advance(days=1)
    badge_rules.apply_event(posted(ann["id"], clock()))
    assert held(service, ann["id"])["chief-chat"] == "rule:chief-chat"


def test_good_standing_comes_with_time_through_the_daily_pass_and_goes_with_a_sanction(
        service, badge_rules, make_person, clock, published):
    ann = make_person("ann", kind="listener")
    service.award_badge(ADMIN, ann["id"], "verified-listener", "passed review", "review-1")
    assert badge_rules.backfill()["changes"] == 0
    clock.advance(days=91)
    assert badge_rules.backfill() == {"people": 1, "changes": 1}
    assert held(service, ann["id"])["listener-in-good-standing"] == "rule:listener-in-good-standing"
    published.clear()
    badge_rules.apply_event(event("moderation", "sanction_imposed", sanction_id="s-9", person_id=ann["id"],
                                  kind="ban", expires_at=clock() + dt.timedelta(days=1), at=clock()))
    assert "listener-in-good-standing" not in held(service, ann["id"])
    assert [(e.type, e.data["badge_slug"]) for e in published] == [("badge_revoked", "listener-in-good-standing")]
    assert "verified-listener" in held(service, ann["id"])
    # earned again 90 days after the sanction: a new award, with a new key
    clock.advance(days=92)
    assert badge_rules.backfill()["changes"] == 1
    assert held(service, ann["id"])["listener-in-good-standing"] == "rule:listener-in-good-standing"
    assert badge_rules.backfill()["changes"] == 0


def test_a_sanction_takes_back_good_standing_awarded_by_hand_too(service, badge_rules, make_person, clock):
    ann = make_person("ann", kind="listener")
    service.award_badge(ADMIN, ann["id"], "listener-in-good-standing", "known to us", "manual-1")
    clock.advance(minutes=1)
    badge_rules.apply_event(event("moderation", "sanction_imposed", sanction_id="s-2", person_id=ann["id"],
                                  kind="mute", expires_at=clock() + dt.timedelta(hours=1), at=clock()))
    assert "listener-in-good-standing" not in held(service, ann["id"])


def test_a_badge_taken_back_by_a_person_is_not_awarded_again_by_its_rule(service, badge_rules, make_person,
                                                                        published):
    ann = make_person("ann")
    badge_rules.apply_event(posted(ann["id"], START_AT))
    service.revoke_badge(ADMIN, ann["id"], "first-post", "posted spam", "undo-1")
    published.clear()
    badge_rules.apply_event(posted(ann["id"], START_AT + dt.timedelta(days=1)))
    assert badge_rules.backfill()["changes"] == 0
    assert published == []


def test_a_badge_already_awarded_by_hand_is_left_alone(service, badge_rules, make_person, published):
    ann = make_person("ann")
    service.award_badge(ADMIN, ann["id"], "first-post", "welcome", "hand-1")
    published.clear()
    badge_rules.apply_event(posted(ann["id"], START_AT))
    assert published == []
    assert held(service, ann["id"]) == {"first-post": "service:admin-tool"}


def test_an_event_about_someone_identity_does_not_know_records_the_fact_and_awards_nothing(
        badge_rules, published, uow_factory):
    stranger = str(uuid.uuid4())
    published.clear()
    assert badge_rules.apply_event(posted(stranger, START_AT))
    assert published == []
    with uow_factory() as uow:
        assert [f.fact for f in uow.badge_facts.of_person(stranger)] == [Fact.ACTIVE_DAY]
        assert uow.badge_facts.due(10) == []


def test_people_whose_evaluation_did_not_run_are_evaluated_by_the_timer(service, badge_rules, make_person,
                                                                       uow_factory, clock):
    ann = make_person("ann")
    with uow_factory() as uow:  # as if the worker stopped after the event's commit, before evaluating
        uow.badge_facts.record(ann["id"], Fact.ACTIVE_DAY, "2025-06-15", clock())
        uow.badge_facts.mark_due(ann["id"], clock())
        uow.commit()
    assert badge_rules.evaluate_due() == 1
    assert "first-post" in held(service, ann["id"])
    assert badge_rules.evaluate_due() == 0


def test_a_course_completion_is_kept_as_a_fact_for_course_rules(service, uow_factory, room_topics, clock,
                                                                make_person):
    rule = BadgeRule("support-session-leader-trained", Kind.COURSES_COMPLETED, ("course_completed",),
                     courses=("group-dynamics",))
    rules = BadgeRules(uow_factory, service, [rule], room_topics, clock)
    ann = make_person("ann", kind="listener")
    rules.apply_event(event("course", "course_completed", person_id=ann["id"], course_slug="grief-support",
                            badge_slug=None))
    assert held(service, ann["id"]) == {}
    rules.apply_event(event("course", "course_completed", person_id=ann["id"], course_slug="group-dynamics",
                            badge_slug=None))
    assert held(service, ann["id"]) == {"support-session-leader-trained": "rule:support-session-leader-trained"}


def test_the_daily_pass_runs_once_per_period_however_often_it_is_asked(service, badge_rules, make_person, clock):
    ann = make_person("ann", kind="listener")
    service.award_badge(ADMIN, ann["id"], "verified-listener", "passed review", "review-1")
    day = dt.timedelta(days=1)
    assert badge_rules.backfill_if_due(day) == {"people": 1, "changes": 0}
    clock.advance(days=91)
    assert badge_rules.backfill_if_due(day) == {"people": 1, "changes": 1}
    clock.advance(hours=23)
    assert badge_rules.backfill_if_due(day) is None
    clock.advance(hours=1)
    assert badge_rules.backfill_if_due(day) == {"people": 1, "changes": 0}


def test_an_evaluation_left_behind_is_caught_up_by_the_next_event_about_the_person(service, badge_rules,
                                                                                   make_person, uow_factory, clock):
    ann = make_person("ann")
    with uow_factory() as uow:  # hearts counted, the worker stopped before evaluating them
        for i in range(50):
            uow.badge_facts.record(ann["id"], Fact.HEART_FROM, f"giver-{i % 20}:m-{i}", clock(), f"giver-{i % 20}")
        uow.badge_facts.mark_due(ann["id"], clock())
        uow.commit()
    badge_rules.apply_event(posted(ann["id"], START_AT))  # a post: the heart rule is evaluated too
    assert set(held(service, ann["id"])) == {"first-post", "compassion-hero"}


# --- a course's own badge (learn -> earn) ------------------------------------------------------------------------


def completed(person_id: str, completion_id: str, badge_slug: str | None = "group-dynamics-graduate") -> dict:
    return event("course", "course_completed", person_id=person_id, completion_id=completion_id,
                 course_slug="group-dynamics", badge_slug=badge_slug)


def revoked(person_id: str, completion_id: str) -> dict:
    return event("course", "completion_revoked", person_id=person_id, completion_id=completion_id,
                 course_slug="group-dynamics", badge_slug="group-dynamics-graduate", reason="plagiarised answers")


def test_a_completion_awards_the_courses_badge_once_as_course_keyed_by_the_completion(
        service, badge_rules, make_person, published, uow_factory):
    ann = make_person("ann", kind="listener")
    envelope = completed(ann["id"], "c-1")
    published.clear()
    badge_rules.apply_event(envelope)
    badge_rules.apply_event(envelope)  # redelivered
    badge_rules.apply_event(completed(ann["id"], "c-1") | {"event_id": str(uuid.uuid4())})  # published twice
    assert held(service, ann["id"]) == {"group-dynamics-graduate": "service:course"}
    assert [e.type for e in published] == ["badge_awarded"]
    with uow_factory() as uow:
        assert [a.award_key for a in uow.awards.history(ann["id"], "group-dynamics-graduate")] == ["c-1"]


def test_a_revoked_completion_takes_the_badge_back_and_a_late_redelivery_does_not_return_it(
        service, badge_rules, make_person, published):
    ann = make_person("ann", kind="listener")
    badge_rules.apply_event(completed(ann["id"], "c-2"))
    badge_rules.apply_event(revoked(ann["id"], "c-2"))
    assert held(service, ann["id"]) == {}
    published.clear()
    badge_rules.apply_event(completed(ann["id"], "c-2") | {"event_id": str(uuid.uuid4())})
    badge_rules.apply_event(revoked(ann["id"], "c-2") | {"event_id": str(uuid.uuid4())})
    assert held(service, ann["id"]) == {} and published == []


def test_a_revocation_that_arrives_before_its_completion_leaves_nothing_awarded(service, badge_rules, make_person):
    ann = make_person("ann", kind="listener")
    badge_rules.apply_event(revoked(ann["id"], "c-3"))
    badge_rules.apply_event(completed(ann["id"], "c-3"))
    assert held(service, ann["id"]) == {}


def test_revoking_a_completion_leaves_the_same_badge_awarded_another_way(service, badge_rules, make_person,
                                                                         published):
    ann = make_person("ann", kind="listener")
    service.award_badge(ADMIN, ann["id"], "group-dynamics-graduate", "trained by hand", "hand-1")
    badge_rules.apply_event(completed(ann["id"], "c-9"))  # already held: the completion awards nothing
    published.clear()
    badge_rules.apply_event(revoked(ann["id"], "c-9"))
    assert held(service, ann["id"]) == {"group-dynamics-graduate": "service:admin-tool"}
    assert [e.type for e in published] == []


def test_revoking_a_completion_takes_back_only_its_own_award_after_a_hand_award_was_revoked(
        service, badge_rules, make_person):
    ann = make_person("ann", kind="listener")
    badge_rules.apply_event(completed(ann["id"], "c-10"))
    badge_rules.apply_event(revoked(ann["id"], "c-10"))
    service.award_badge(ADMIN, ann["id"], "group-dynamics-graduate", "trained by hand", "hand-2")
    badge_rules.apply_event(revoked(ann["id"], "c-10") | {"event_id": str(uuid.uuid4())})  # published again
    assert held(service, ann["id"]) == {"group-dynamics-graduate": "service:admin-tool"}


def test_a_revocation_handled_while_its_completion_is_awarded_leaves_nothing_awarded(
        service, badge_rules, make_person, monkeypatch):
    """Two workers: the completion finds no revocation; the revocation, handled meanwhile, finds nothing to take
    back; then the completion awards. The completion's second look at the revocations takes the award back."""
    ann = make_person("ann", kind="listener")
    award = service.award_badge

    def award_after_the_revocation(*args, **kwargs):
        badge_rules.apply_event(revoked(ann["id"], "c-11"))
        return award(*args, **kwargs)

    monkeypatch.setattr(service, "award_badge", award_after_the_revocation)
    badge_rules.apply_event(completed(ann["id"], "c-11"))
    assert held(service, ann["id"]) == {}


def test_a_revocation_whose_tombstone_lands_after_the_completion_looked_still_takes_the_award_back(
        service, badge_rules, make_person, monkeypatch):
    ann = make_person("ann", kind="listener")
    revoke = service.revoke_badge

    def completion_handled_first(*args, **kwargs):  # the revocation's tombstone is kept; the completion runs now
        monkeypatch.setattr(service, "revoke_badge", revoke)
        badge_rules.apply_event(completed(ann["id"], "c-12"))
        return revoke(*args, **kwargs)

    monkeypatch.setattr(service, "revoke_badge", completion_handled_first)
    badge_rules.apply_event(revoked(ann["id"], "c-12"))
    assert held(service, ann["id"]) == {}


def test_a_course_badge_identity_does_not_know_is_logged_as_an_error(service, badge_rules, make_person, caplog):
    ann = make_person("ann")
    with caplog.at_level(logging.INFO, logger="identity_service.service_layer.badge_rules"):
        badge_rules.apply_event(completed(ann["id"], "c-13", badge_slug="group-dynamics-graduat"))
    errors_logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [(r.course_slug, r.badge_slug) for r in errors_logged] == [("group-dynamics", "group-dynamics-graduat")]
    assert held(service, ann["id"]) == {}


def test_a_completion_of_a_course_without_a_badge_awards_nothing(service, badge_rules, make_person, published):
    ann = make_person("ann")
    published.clear()
    badge_rules.apply_event(completed(ann["id"], "c-4", badge_slug=None))
    assert published == []


def test_a_revoked_completion_does_not_count_for_a_course_rule():
    rule = BadgeRule("first-post", Kind.COURSES_COMPLETED, ("course_completed",), courses=("group-dynamics",))
    done = facts(Fact.COURSE_COMPLETED, ["group-dynamics"])
    assert rule.holds(Activity(done), NOW)
    undone = facts(Fact.COMPLETION_REVOKED, ["c-1"], tag="group-dynamics")
    assert not rule.holds(Activity(done + undone), NOW)


# --- the fast path: posts and hearts whose facts no rule counts repeats of ---------------------------------------


def test_a_second_post_the_same_day_writes_nothing_and_neither_does_its_redelivery(
        service, badge_rules, make_person, published, uow_factory):
    ann = make_person("ann")
    assert badge_rules.apply_event(posted(ann["id"], START_AT))
    published.clear()
    second = posted(ann["id"], START_AT + dt.timedelta(hours=2))
    for _ in range(2):  # delivered, then redelivered
        assert badge_rules.apply_event(second) is False
    assert published == []
    with uow_factory() as uow:
        assert uow.badge_facts.of_person(ann["id"]) == [
            PersonFact(Fact.ACTIVE_DAY, "2025-06-15", 1, START_AT, START_AT, "")]  # no rule reads the count
        assert uow.badge_facts.due(10) == []
        assert uow.claim_event(second)  # no inbox row: nothing to remember about it
    assert held(service, ann["id"]) == {"first-post": "rule:first-post"}


def test_a_first_post_redelivered_before_its_evaluation_ran_still_earns_first_post_once(
        service, badge_rules, make_person, published, uow_factory, monkeypatch):
    ann = make_person("ann")
    first = posted(ann["id"], START_AT)
    monkeypatch.setattr(badge_rules, "evaluate", lambda *a, **k: 0)  # the worker stops after the fact's commit
    assert badge_rules.apply_event(first)
    monkeypatch.undo()
    published.clear()
    assert badge_rules.apply_event(first) is False  # the redelivery finds the fact: the mark is left to the timer
    assert badge_rules.evaluate_due() == 1
    assert badge_rules.evaluate_due() == 0
    assert held(service, ann["id"]) == {"first-post": "rule:first-post"}
    assert [e.type for e in published] == ["badge_awarded"]


def test_a_new_day_is_still_counted_for_chief_chat(service, badge_rules, make_person, uow_factory):
    ann = make_person("ann")
    for day in range(3):
        for minute in range(3):
            badge_rules.apply_event(posted(ann["id"], START_AT + dt.timedelta(days=day, minutes=minute)))
    with uow_factory() as uow:
        assert [f.key for f in uow.badge_facts.of_person(ann["id"])] == ["2025-06-15", "2025-06-16", "2025-06-17"]


def test_compassion_hero_counts_each_heart_once_however_often_it_comes(service, badge_rules, make_person,
                                                                       uow_factory):
    ann = make_person("ann")
    givers = [str(uuid.uuid4()) for _ in range(20)]
    hearts = [hearted(ann["id"], givers[i % 20], START_AT) for i in range(49)]
    for envelope in hearts + hearts:  # every heart delivered twice
        badge_rules.apply_event(envelope)
    assert "compassion-hero" not in held(service, ann["id"])  # 49 hearts, not 98
    with uow_factory() as uow:
        assert len(uow.badge_facts.of_person(ann["id"])) == 49
    badge_rules.apply_event(hearted(ann["id"], givers[7], START_AT))
    assert held(service, ann["id"])["compassion-hero"] == "rule:compassion-hero"


def test_a_rule_that_counts_posts_counts_each_message_once_through_the_inbox(service, uow_factory, room_topics,
                                                                            clock, make_person):
    rule = BadgeRule("community-guide", Kind.COUNT, ("message_posted",), threshold=3)
    rules = BadgeRules(uow_factory, service, [rule], room_topics, clock)
    ann = make_person("ann")
    first, second = posted(ann["id"], START_AT), posted(ann["id"], START_AT + dt.timedelta(minutes=1))
    for envelope in (first, second, first, second):  # two messages, each redelivered
        rules.apply_event(envelope)
    assert "community-guide" not in held(service, ann["id"])
    with uow_factory() as uow:
        assert [f.count for f in uow.badge_facts.of_person(ann["id"])] == [2]
    rules.apply_event(posted(ann["id"], START_AT + dt.timedelta(minutes=2)))
    assert held(service, ann["id"]) == {"community-guide": "rule:community-guide"}


def test_a_windowed_rule_sees_the_last_post_of_a_day(service, uow_factory, room_topics, clock, make_person):
    rule = BadgeRule("first-post", Kind.FIRST, ("message_posted",), window_days=1)
    rules = BadgeRules(uow_factory, service, [rule], room_topics, clock)
    ann = make_person("ann")
    for at in (START_AT, START_AT + dt.timedelta(hours=5), START_AT - dt.timedelta(hours=1)):
        rules.apply_event(posted(ann["id"], at))
    with uow_factory() as uow:
        [fact] = uow.badge_facts.of_person(ann["id"])
    assert (fact.first_at, fact.last_at) == (START_AT - dt.timedelta(hours=1), START_AT + dt.timedelta(hours=5))


def test_only_counts_of_repeats_keep_a_fact_from_being_kept_once():
    from identity_service.domain.badge_rules import kept_once

    shipped = load_badge_rules()
    assert kept_once(shipped, Fact.ACTIVE_DAY) and kept_once(shipped, Fact.HEART_FROM)
    counting = (*shipped, BadgeRule("community-guide", Kind.COUNT, ("message_posted",), threshold=100))
    assert not kept_once(counting, Fact.ACTIVE_DAY) and kept_once(counting, Fact.HEART_FROM)
