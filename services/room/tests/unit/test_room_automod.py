"""Unit: automod at post time (block and censor from room's read model of moderation's rule set, common's
defaults until one arrives) and the read model's consumer (highest version kept, malformed sets refused)."""
import datetime as dt

import pytest
from room_unit_helpers import LOUNGE, TEEN_LOUNGE

from hearth_common.automod import DEFAULT_RULE_SET, RuleSet
from hearth_common.automod.rules import TEEN_CONTACT
from hearth_common.contracts import InvalidEvent, examples
from room_service.domain import errors

PHONE = "text me on 07700 900123 later"
SPAM_EXPLANATION = "Slow down a little"


rules_event, word_rule = examples.rule_set_changed, examples.word_rule


@pytest.fixture
def teen(conv, identity):
    person = identity.register("tia_teen", cohort="teen")
    conv.join(person, TEEN_LOUNGE)
    return person


@pytest.fixture
def sam(conv, identity):
    person = identity.register("sam")
    conv.join(person, LOUNGE)
    return person


def stored_bodies(db, slug: str) -> list[str]:
    return [m.body for m in db.tables["messages"].values() if m.room_slug == slug]


class TestDefaultsBeforeAnyRuleSet:
    def test_a_teen_posting_a_phone_number_in_a_teen_room_is_refused_with_the_explanation_and_nothing_stored(
            self, conv, teen, refused):
        with refused(errors.MessageRefused) as caught:
            conv.post(teen, TEEN_LOUNGE, PHONE)
        assert str(caught.value) == TEEN_CONTACT

    def test_the_same_words_spelled_out_are_refused_too(self, conv, teen, refused):
        with refused(errors.MessageRefused):
            conv.post(teen, TEEN_LOUNGE, "my snap is tia.xo, add me")

    def test_an_adult_posting_a_phone_number_in_an_adult_room_is_posted_as_written(self, conv, sam, published):
        message = conv.post(sam, LOUNGE, PHONE)
        assert message["body"] == PHONE
        assert published[-1].type == "message_posted" and "original_body" not in published[-1].data

    def test_ordinary_talk_in_a_teen_room_is_posted(self, conv, teen, db):
        conv.post(teen, TEEN_LOUNGE, "this exam is killing me but I'm dying to see that film")
        assert stored_bodies(db, TEEN_LOUNGE) == ["this exam is killing me but I'm dying to see that film"]

    def test_a_refusal_uses_no_seq(self, conv, teen):
        first = conv.post(teen, TEEN_LOUNGE, "hello")
        with pytest.raises(errors.MessageRefused):
            conv.post(teen, TEEN_LOUNGE, PHONE)
        assert conv.post(teen, TEEN_LOUNGE, "hello again")["seq"] == first["seq"] + 1


class TestCensor:
    def test_a_censored_post_is_stored_and_delivered_masked_and_moderation_gets_the_original(
            self, conv, sam, db, published, live):
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "censor")))
        message = conv.post(sam, LOUNGE, "I love pineapple pizza")
        assert message["body"] == "I love ********* pizza"
        assert stored_bodies(db, LOUNGE) == ["I love ********* pizza"]
        assert live[-1]["data"]["body"] == "I love ********* pizza"
        assert published[-1].data["body"] == "I love ********* pizza"
        assert published[-1].data["original_body"] == "I love pineapple pizza"
        assert conv.history(sam, LOUNGE)["messages"][0]["body"] == "I love ********* pizza"

    def test_medication_names_are_masked_in_teen_rooms_by_default(self, conv, teen, published):
        message = conv.post(teen, TEEN_LOUNGE, "the doctor gave me sertraline today")
        assert "sertraline" not in message["body"] and "*" in message["body"]
        assert published[-1].data["original_body"] == "the doctor gave me sertraline today"

    def test_an_edit_is_screened_as_a_post_is(self, conv, sam, published, refused, clock):
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "censor"), word_rule("durian", "block")))
        posted = conv.post(sam, LOUNGE, "fruit talk")
        edited = conv.edit(sam, posted["message_id"], "pineapple is best")
        assert edited["body"] == "********* is best"
        assert published[-1].type == "message_edited" and published[-1].data["original_body"] == "pineapple is best"
        clock.advance(seconds=3)
        with refused(errors.MessageRefused, match="durian is not said here"):
            conv.edit(sam, posted["message_id"], "durian is best")

    def test_a_teen_editing_in_a_phone_number_is_refused(self, conv, teen, refused):
        posted = conv.post(teen, TEEN_LOUNGE, "hi all")
        with refused(errors.MessageRefused, match="contact details"):
            conv.edit(teen, posted["message_id"], PHONE)


class TestWhoAndWhen:
    def test_a_role_the_rule_exempts_passes_in_the_rooms_it_covers(self, conv, identity, sam, refused):
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "block",
                                                          exempt_roles=["chat_room_moderator"])))
        here = identity.register("mod_mia", kind="listener", roles=[("chat_room_moderator", LOUNGE)])
        elsewhere = identity.register("mod_max", kind="listener", roles=[("chat_room_moderator", "other-room")])
        for person in (here, elsewhere):
            conv.join(person, LOUNGE)
        assert conv.post(here, LOUNGE, "pineapple")["body"] == "pineapple"
        with refused(errors.MessageRefused, match="pineapple is not said here"):
            conv.post(elsewhere, LOUNGE, "pineapple")
        with refused(errors.MessageRefused):
            conv.post(sam, LOUNGE, "pineapple")

    def test_an_expired_exempt_role_no_longer_exempts(self, conv, identity, clock, refused):
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "block", exempt_roles=["admin"])))
        person = identity.register("temp_ada", kind="listener")
        identity.grant(person, "admin", expires_at=clock() + dt.timedelta(minutes=5))
        conv.join(person, LOUNGE)
        conv.post(person, LOUNGE, "pineapple")
        clock.advance(minutes=10)
        with refused(errors.MessageRefused):
            conv.post(person, LOUNGE, "pineapple")

    def test_crisis_language_is_never_refused_its_contact_details_masked(self, conv, teen, published):
        text = "I want to kill myself tonight, call me on 07700 900123"
        message = conv.post(teen, TEEN_LOUNGE, text)
        assert "07700" not in message["body"] and "kill myself" in message["body"]
        assert published[-1].data["original_body"] == text

    def test_the_same_text_a_third_time_in_two_minutes_is_refused_as_spam(self, conv, sam, clock, refused):
        for _ in range(2):
            conv.post(sam, LOUNGE, "anyone here?")
            clock.advance(seconds=5)
        with refused(errors.MessageRefused, match=SPAM_EXPLANATION):
            conv.post(sam, LOUNGE, "anyone here?")
        clock.advance(minutes=3)
        conv.post(sam, LOUNGE, "anyone here?")

    def test_a_new_rule_set_applies_to_the_next_post_and_a_later_one_replaces_it_whole(self, conv, sam, refused):
        conv.post(sam, LOUNGE, "pineapple")
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "block")))
        with refused(errors.MessageRefused):
            conv.post(sam, LOUNGE, "pineapple again")
        conv.apply_automod_event(rules_event(2))
        conv.post(sam, LOUNGE, "pineapple again")


class TestTheReadModel:
    def test_an_older_version_arriving_late_never_replaces_a_newer_one(self, conv, db):
        assert conv.apply_automod_event(rules_event(3, word_rule("pineapple", "block"), seq=7))
        assert conv.apply_automod_event(rules_event(2, seq=9))  # handled (claimed), but changes nothing
        assert db.tables["automod_rule_set"][True].version == 3

    def test_the_same_event_twice_is_applied_once(self, conv):
        event = rules_event(1)
        assert conv.apply_automod_event(event) and not conv.apply_automod_event(event)

    @pytest.mark.parametrize("rule_set, reason", [
        ({"version": 4, "rules": [{"id": "x", "kind": "regex", "pattern": "(a+)+", "action": "block",
                                   "explanation": "no", "scope": "all"}]}, "rule_set"),
        ({"version": 4, "rules": [{"id": "x", "kind": "word", "pattern": "hi", "action": "shout",
                                   "explanation": "no", "scope": "all"}]}, "rule_set"),
        ({"version": 5, "rules": []}, "version 5 is not the event's 4"),
    ])
    def test_a_malformed_rule_set_is_refused_as_a_broken_event_and_nothing_is_written(self, conv, db, rule_set,
                                                                                      reason):
        event = examples.envelope("moderation", "automod_rules_changed", 4, version=4, rule_set=rule_set)
        before = db.snapshot()
        with pytest.raises(InvalidEvent, match=reason):
            conv.apply_automod_event(event)
        assert db.snapshot() == before

    def test_a_process_compiles_a_version_once_and_starts_with_the_defaults(self, conv):
        assert conv.automod.load() is DEFAULT_RULE_SET
        conv.apply_automod_event(rules_event(1, word_rule("pineapple", "block")))
        loaded = conv.automod.load()
        assert isinstance(loaded, RuleSet) and loaded.version == 1 and conv.automod.load() is loaded
