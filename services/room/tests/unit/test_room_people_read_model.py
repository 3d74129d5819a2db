"""Unit: room's read model of people converges whatever order, and however often, identity's events arrive."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from room_service.domain.people import KnownPerson

PERSON = "7b0e6c1c-3f39-4a3f-a5a8-6a3c2b1d0e11"
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)


def event(seq, event_type, **data):
    return {"event_id": f"e{seq}", "event_type": event_type, "seq": seq, "data": {"person_id": PERSON, **data}}


def registered(seq, cohort="teen", kind="member"):
    return event(seq, "person_registered", username="robin", kind=kind, cohort=cohort)


def test_registration_gives_kind_and_cohort():
    person = KnownPerson(PERSON)
    assert not person.known
    assert person.apply(registered(1))
    assert person.known and person.facts().kind == "member" and person.facts().cohort == "teen"


def test_a_badge_awarded_then_revoked_is_not_held_even_if_the_revocation_arrives_first():
    person = KnownPerson(PERSON)
    person.apply(event(5, "badge_revoked", badge_slug="chief-chat"))
    assert not person.apply(event(3, "badge_awarded", badge_slug="chief-chat"))  # older: ignored
    assert "chief-chat" not in person.facts().badges


def test_a_redelivered_event_changes_nothing():
    person = KnownPerson(PERSON)
    awarded = event(2, "badge_awarded", badge_slug="first-post")
    assert person.apply(awarded)
    assert not person.apply(awarded)
    assert person.facts().badges == {"first-post"}


def test_cohort_change_wins_over_a_late_registration():
    person = KnownPerson(PERSON)
    person.apply(event(9, "cohort_changed", previous_cohort="teen", cohort="adult"))
    person.apply(registered(1, cohort="teen"))
    assert person.facts().cohort == "adult" and person.known


def test_roles_carry_scope_and_expiry_and_revocation_removes_them():
    person = KnownPerson(PERSON)
    person.apply(event(1, "role_granted", grant_id="g1", role="on_spot_host", room_id="sharing-circle",
                       expires_at="2026-12-01T00:00:00+00:00"))
    person.apply(event(2, "role_granted", grant_id="g2", role="chat_room_moderator", room_id=None, expires_at=None))
    facts = person.facts()
    assert facts.has_role("on_spot_host", "sharing-circle", NOW)
    assert not facts.has_role("on_spot_host", "other-room", NOW)
    assert not facts.has_role("on_spot_host", "sharing-circle", NOW + dt.timedelta(days=30))
    person.apply(event(3, "role_revoked", grant_id="g2", role="chat_room_moderator", room_id=None, expires_at=None))
    assert not person.facts().has_role("chat_room_moderator", "any", NOW)


SLUGS = ["first-post", "chief-chat", "compassion-hero"]
GRANTS = ["g1", "g2"]


@st.composite
def histories(draw):
    """A plausible history of identity events for one person, in seq order."""
    n = draw(st.integers(min_value=0, max_value=25))
    events = [registered(1, cohort=draw(st.sampled_from(["teen", "adult"])),
                         kind=draw(st.sampled_from(["member", "listener"])))]
    for seq in range(2, n + 2):
        choice = draw(st.sampled_from(["award", "revoke", "grant", "revoke_role", "cohort"]))
        if choice in ("award", "revoke"):
            kind = "badge_awarded" if choice == "award" else "badge_revoked"
            events.append(event(seq, kind, badge_slug=draw(st.sampled_from(SLUGS))))
        elif choice in ("grant", "revoke_role"):
            kind = "role_granted" if choice == "grant" else "role_revoked"
            events.append(event(seq, kind, grant_id=draw(st.sampled_from(GRANTS)),
                                role="chat_room_moderator", room_id=None, expires_at=None))
        else:
            events.append(event(seq, "cohort_changed", previous_cohort="teen", cohort="adult"))
    return events


def final_facts(events):
    person = KnownPerson(PERSON)
    for e in events:
        person.apply(e)
    facts = person.facts()
    return facts.kind, facts.cohort, facts.badges, sorted((r.role, r.room_id) for r in facts.roles)


@settings(max_examples=300)
@given(histories(), st.randoms(use_true_random=False))
def test_any_order_and_any_duplicates_give_the_state_of_the_true_order(history, rnd):
    shuffled = history + [rnd.choice(history) for _ in range(len(history) // 2)]  # redeliveries
    rnd.shuffle(shuffled)
    assert final_facts(shuffled) == final_facts(history)
