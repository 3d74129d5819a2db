"""hearth_common.automod: the detectors scored on the project's labelled corpus, the evasions and idioms of
issue 14, rules (scope, exemptions, censor masking), the RuleSet's JSON form and bounded regexes."""

from __future__ import annotations

import io
import json
import pathlib
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hearth_common.automod import (
    DEFAULT_RULE_SET,
    Action,
    InvalidRule,
    Kind,
    RecentMessage,
    Rule,
    RuleSet,
    Tier,
    classify,
    classify_command,
    compile_regex,
    normalise,
    warm_up,
)
from hearth_common.automod.scoring import load_corpus, score

CORPUS = pathlib.Path(__file__).parent / "data" / "automod_corpus.jsonl"
# Floors for each detector on the corpus (precision, recall); crisis is scored as "pages" (high or imminent).
FLOORS = {
    "contact": (0.95, 0.9),
    "medication": (0.9, 0.9),
    "abusive": (0.9, 0.85),
    "spam": (0.9, 0.85),
    "crisis_any": (0.9, 0.9),
}


@pytest.fixture(scope="module")
def scores():
    return score(load_corpus(CORPUS))


def test_the_corpus_is_large_and_varied():
    rows = load_corpus(CORPUS)
    assert len(rows) >= 300
    assert {r["cohort"] for r in rows} == {"teen", "adult"}
    for tier in ("none", "low", "medium", "high", "imminent"):
        assert sum(r["expect"]["crisis"] == tier for r in rows) >= 6, tier
    benign = [
        r
        for r in rows
        if not any(v for k, v in r["expect"].items() if k != "crisis") and r["expect"]["crisis"] == "none"
    ]
    assert len(benign) >= 150


@pytest.mark.parametrize("detector", sorted(FLOORS))
def test_each_detector_is_above_its_floor(scores, detector):
    precision_floor, recall_floor = FLOORS[detector]
    assert scores[detector]["precision"] >= precision_floor, scores[detector]
    assert scores[detector]["recall"] >= recall_floor, scores[detector]


@pytest.mark.parametrize("name", ["automod_holdout.jsonl", "automod_unseen.jsonl"])
def test_the_sets_written_after_the_matcher_stay_above_floors(name):
    result = score(load_corpus(CORPUS.parent / name))
    for detector in ("contact", "medication", "abusive", "crisis_any", "crisis_pages"):
        assert result[detector]["precision"] >= 0.9 and result[detector]["recall"] >= 0.85, (detector, result[detector])
    assert result["false_pages_per_100_benign"] < 5


def test_crisis_recall_at_high_and_imminent_is_total_and_benign_pages_are_rare(scores):
    assert scores["crisis_pages"]["recall"] == 1.0, scores["crisis_pages"]["missed"]
    assert scores["false_pages_per_100_benign"] < 5


@pytest.mark.parametrize(
    "text",
    [
        "k1ll mys3lf",
        "kms",
        "k m s",
        "I want to unalive myself",
        "kіll mysеlf",
        "ｋｉｌｌ myself",
        "i want to kiiiill myself",
        "i want to k i l l m y s e l f",
        "i a m g o i n g t o k i l l m y s e l f",
        "a k m s",
    ],
)
def test_crisis_evasions_are_seen_through(text):
    assert classify(text).crisis >= Tier.MEDIUM


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("i want to k i l l m y s e l f", "i want to kil myself"),
        ("I a m fine", "i am fine"),
        ("a b c", "abc"),
        ("my initials are J K R", "my initials are jkr"),
        ("d a r n", "darn"),  # an operator's own word spelled out is still one word
    ],
)
def test_spaced_letters_across_words_read_as_the_words_they_spell(text, reads):
    assert normalise.canonical(text).text == reads


@pytest.mark.parametrize(
    "text",
    [
        "call me on oh seven seven double oh nine 0 0.1 2 3",
        "0 7 7 0 0 . 9 0 0 . 4 5 6",
        "name at mail dot com",
        "insta: bob_99",
        "snap me",
        "dm me on disc",
        "ellie(at)outlook(dot)com",
        "add me on sc: tom_h08",
    ],
)
def test_contact_evasions_are_seen_through(text):
    assert classify(text).contact


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to see that film",
        "this exam is killing me",
        "I could murder a pizza",
        "@sam thanks for listening",
        "ring Samaritans on 116 123",
        "text SHOUT to 85258",
        "call 988 if you need to",
        "I ran 10 kms today",
        "I'm proud of myself today",
        "I want to disappear into a good book",
        "I a m fine",
        "a b c",
        "i a m o k a y",
    ],
)
def test_idioms_mentions_and_helplines_stay_benign(text):
    verdict = classify(text)
    assert (verdict.crisis, verdict.contact, verdict.abusive) == (Tier.NONE, False, False)


def test_default_policy_blocks_contact_in_teen_rooms_kindly_and_flags_it_in_adult_rooms():
    teen = DEFAULT_RULE_SET.evaluate("add me on snap its jay_09", "chat", "teen", ["member"])
    assert teen.blocked and "teen rooms" in teen.explanations[0]
    adult = DEFAULT_RULE_SET.evaluate("add me on snap its jay_09", "chat", "adult")
    assert not adult.blocked and {h.rule_id for h in adult.flags} == {"default-contact-adult"}
    assert not DEFAULT_RULE_SET.evaluate("add me on snap", "chat", "teen", ["chat_room_moderator"]).blocked


def test_crisis_language_is_never_blocked_or_censored_by_the_defaults():
    for row in load_corpus(CORPUS):
        if row["expect"]["crisis"] in ("high", "imminent"):
            verdict = DEFAULT_RULE_SET.evaluate(row["text"], "chat", row["cohort"])
            assert verdict.crisis >= Tier.HIGH
            assert not any(h.source == "crisis" for h in verdict.blocks + verdict.censors)
    with pytest.raises(InvalidRule, match="crisis"):
        Rule("r", Kind.DETECTOR, "crisis", Action.BLOCK, "no")


def test_a_message_in_crisis_is_posted_even_where_a_rule_would_refuse_it():
    # a teen in crisis shares a phone number: the number is masked, the message is posted (moderation pages)
    verdict = DEFAULT_RULE_SET.evaluate(
        "I want to kill myself tonight, text me on 07700 900789", "chat", "teen", with_crisis=False
    )
    assert not verdict.blocked and verdict.crisis is Tier.IMMINENT
    assert verdict.censored_text == "I want to kill myself tonight, **** ** ** ***** ******"
    # repeating a plea for help is not spam to refuse
    recent = [RecentMessage("please help me I want to die", 20), RecentMessage("please help me I want to die", 40)]
    verdict = DEFAULT_RULE_SET.evaluate("please help me I want to die", "chat", "adult", recent=recent)
    assert not verdict.blocked and any(h.source == "spam" for h in verdict.flags)
    assert verdict.censored_text == "please help me I want to die"
    # a broad block (a moderator's regex) would mask it past reading: it is flagged, and posted as written
    broad = RuleSet(1, (Rule("broad", Kind.REGEX, "[a-z].*", Action.BLOCK, "No."),))
    verdict = broad.evaluate(" I want to kill myself tonight", "chat", "adult")
    assert not verdict.blocked and verdict.censored_text == " I want to kill myself tonight"
    assert [h.rule_id for h in verdict.flags] == ["broad"]
    # the same rules refuse the same things without crisis language
    assert DEFAULT_RULE_SET.evaluate("text me on 07700 900789", "chat", "teen").blocked
    again = [RecentMessage("please read my post", 20), RecentMessage("please read my post", 40)]
    assert DEFAULT_RULE_SET.evaluate("please read my post", "chat", "adult", recent=again).blocked


def test_rules_scope_exemptions_and_censor_masking():
    rules = RuleSet(
        3,
        (
            Rule("w", Kind.WORD, "darn", Action.CENSOR, "Keep it kind.", "all"),
            Rule("p", Kind.PHRASE, "buy followers", Action.BLOCK, "No selling.", "room:lobby", ("admin",)),
            Rule("c", Kind.WILDCARD, "spoil*", Action.FLAG, "Spoilers go in the spoiler room.", "cohort:adult"),
            Rule("x", Kind.REGEX, r"\bcode [0-9]{4}\b", Action.BLOCK, "No codes.", "cohort:teen"),
        ),
    )
    verdict = rules.evaluate("well D4RN it, d a r n", "lobby", "teen")
    assert verdict.censored_text == "well **** it, * * * *" and not verdict.blocked
    assert rules.evaluate("Buy   f0llowers here", "lobby", "teen").explanations == ("No selling.",)
    assert not rules.evaluate("buy followers here", "other", "teen").blocked
    assert not rules.evaluate("buy followers here", "lobby", "teen", ["admin"]).blocked
    assert [h.rule_id for h in rules.evaluate("big spoilers ahead", "x", "adult").flags] == ["c"]
    assert not rules.evaluate("big spoilers ahead", "x", "teen").flags
    assert rules.evaluate("my code 1234", "x", "teen").blocked
    assert not rules.evaluate("my code 1234", "x", "adult").blocked


def test_wildcards_spell_their_literal_parts_as_the_text_is_read():
    rules = RuleSet(
        1,
        (
            Rule("a", Kind.WILDCARD, "star*fish", Action.CENSOR, "x"),
            Rule("b", Kind.WILDCARD, "buy * followers", Action.FLAG, "x"),
            Rule("c", Kind.WILDCARD, "kill?r", Action.FLAG, "x"),
        ),
    )
    verdict = rules.evaluate("a STARRY fish? a starjellyfish. Buy 100 f0llowers", "r", "adult")
    assert verdict.censored_text == "a STARRY fish? a *************. Buy 100 f0llowers"
    assert [h.rule_id for h in verdict.flags] == ["b"]
    assert [h.rule_id for h in rules.evaluate("a k1ller app", "r", "adult").flags] == ["c"]


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=20,
)
_RULE_KEYS = st.fixed_dictionaries(
    {},
    optional={
        k: _JSONISH | st.sampled_from(["word", "flag", "all", "cohort:teen", "x"])
        for k in ("id", "kind", "pattern", "action", "explanation", "scope", "exempt_roles")
    },
)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"version": _JSONISH, "rules": st.lists(_RULE_KEYS, max_size=3)}) | _JSONISH)
@example({"version": 1, "rules": [{"id": "flag", "kind": "word", "pattern": "x", "action": "flag",
                                   "explanation": "all", "exempt_roles": None}]})  # found by this test
def test_a_malformed_rule_set_is_refused_as_invalid_never_crashes(data):
    try:
        RuleSet.from_dict(data)
    except InvalidRule:
        pass


def test_the_rule_set_round_trips_through_json():
    rules = RuleSet(7, DEFAULT_RULE_SET.rules + (Rule("x", Kind.REGEX, r"\d{3}", Action.FLAG, "Numbers.", "room:a"),))
    again = RuleSet.from_dict(json.loads(json.dumps(rules.to_dict())))
    assert again == rules and again.version == 7
    with pytest.raises(InvalidRule):
        RuleSet.from_dict(
            {
                "version": 1,
                "rules": [{"id": "a", "kind": "word", "pattern": "x", "action": "explode", "explanation": "e"}],
            }
        )
    with pytest.raises(InvalidRule):
        RuleSet(1, (Rule("a", Kind.WORD, "x", Action.FLAG, "e"), Rule("a", Kind.WORD, "y", Action.FLAG, "e")))


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(a|aa)*b", r"(\w+\s?)*$", r"(x+x+)+y", r"(a)\1", r"(?=a)a", "a" * 300,
     r"(\w?)*x", r"(?:a?)+b", r"(a?b?)*c", r"(a{1,3}?)+"],
)
def test_pathological_regexes_are_refused(pattern):
    with pytest.raises(InvalidRule):
        compile_regex(pattern)


@pytest.mark.parametrize("pattern", [r"\(?0\d{4}\)?\s?\d{6}", r"\(?x", r"(?:ab)+c", r"foo\.bar", r"\\d"])
def test_an_escaped_paren_made_optional_is_not_a_groups_inline_flag(pattern):
    assert compile_regex(pattern).pattern == pattern


@pytest.mark.parametrize("pattern", [r"\\(?i)x", r"\\(?=x)", r"(?P<n>a)"])
def test_a_real_group_opening_after_an_escaped_backslash_is_still_refused(pattern):
    with pytest.raises(InvalidRule, match="backreferences, lookarounds, inline flags"):
        compile_regex(pattern)


def test_an_accepted_regex_runs_under_a_time_bound():
    # passes the syntax check, but backtracks polynomially: on 2,000 letters it runs about a third of a second
    rules = RuleSet(1, (Rule("slow", Kind.REGEX, r"[a-z ]*[a-z ]*[a-z ]*[a-z ]*[a-z ]*[0-9]", Action.FLAG, "e"),))
    started = time.perf_counter()
    verdict = rules.evaluate("a" * 2000, "r", "adult")
    assert time.perf_counter() - started < 0.25  # a functional bound: cut by the timeout, well before a post's
    assert verdict.timed_out == ("slow",) and not verdict.flags
    assert rules.evaluate("abc 1", "r", "adult").flags  # the same rule still matches where it can


def test_the_regex_rules_share_one_time_budget_per_message():
    # each rule alone is cut at its own timeout; together they would hold a post for many timeouts, so once the
    # message's budget is spent the rest are not run at all, count as no match, and the verdict names them
    slow = r"[a-z ]*[a-z ]*[a-z ]*[a-z ]*[a-z ]*[0-9]"
    rules = RuleSet(1, tuple(Rule(f"slow-{n}", Kind.REGEX, slow, Action.FLAG, "e") for n in range(12)))
    verdict = rules.evaluate("a" * 2000, "r", "adult")
    assert verdict.over_budget and set(verdict.over_budget) <= set(verdict.timed_out)
    assert len(verdict.timed_out) == 12 and not verdict.flags
    assert verdict.to_dict()["over_budget"] == list(verdict.over_budget)
    assert not rules.evaluate("abc 1", "r", "adult").over_budget  # a quick message runs every rule
    assert len(rules.evaluate("abc 1", "r", "adult").flags) == 12


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("killl it", "***** it"),
        ("KIIILLLL!", "********!"),
        ("k i l l l now", "* * * * * now"),
        ("k.i.l.l.l", "*.*.*.*.*"),
        ("ki11ll", "******"),
        ("skill kill", "skill ****"),
    ],
)
def test_a_censor_masks_every_letter_of_a_repeated_run(text, masked):
    rules = RuleSet(1, (Rule("w", Kind.WORD, "kill", Action.CENSOR, "Keep it kind."),))
    assert rules.evaluate(text, "r", "adult").censored_text == masked


@pytest.mark.parametrize(
    "text",
    [
        "take all my sertraline tonight and end it",
        "going to swallow all my fluoxetine tonight",
        "ive taken all my sertraline",
    ],
)
def test_a_medication_name_is_a_method_as_pills_are(text):
    assert DEFAULT_RULE_SET.evaluate(text, "r", "adult").crisis == Tier.IMMINENT
    assert DEFAULT_RULE_SET.evaluate(text.replace("sertraline", "pills").replace("fluoxetine", "pills"), "r",
                                     "adult").crisis == Tier.IMMINENT


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("taking my whole bottle of zoloft tonight", Tier.IMMINENT),
        ("gonna swallow the whole pack of tylenol", Tier.HIGH),
        ("I have 40 paracetamol saved up", Tier.IMMINENT),  # a store at hand is means at hand
        ("i've been stockpiling my sertraline", Tier.HIGH),  # a preparatory act
        ("planning to down all my paracetamol", Tier.HIGH),
        ("necking every last one of my mum's tramadol rn", Tier.IMMINENT),
        ("I have 40 tablets saved up", Tier.IMMINENT),
        ("just swallowed a whole strip of co-codamol", Tier.IMMINENT),
    ],
)
def test_medication_as_a_means_reads_with_any_possessive_container_and_verb(text, tier):
    assert classify(text).crisis == tier


@pytest.mark.parametrize(
    "text",
    [
        "I downed a paracetamol for my headache",
        "stocking up on tylenol for flu season",
        "the pharmacy had a whole bottle of zoloft on the shelf",
        "mum is stockpiling paracetamol for winter",
        "I keep a stash of ibuprofen in my desk for period pain",
        "I take all my meds every morning",
        "gonna down the whole bottle of wine tonight lol",
        "I've got 30 sertraline left until my next prescription",
        "I am taking all my meds with me on holiday",
        "taking all my old tablets back to the pharmacy",
        "I'm taking all my tablets now like the doctor said",
    ],
)
def test_everyday_medication_talk_is_no_crisis(text):
    assert classify(text).crisis == Tier.NONE


def test_naming_a_medication_without_crisis_language_is_no_crisis():
    assert DEFAULT_RULE_SET.evaluate("I take sertraline every morning and it helps", "r", "adult").crisis == Tier.NONE


HOSTILE = {
    "spaces": " ",
    "digits": "1 ",
    "number words": "one ",
    "letters": "a ",
    "at": "a at ",
    "dots": ".",
    "ats": "@",
    "dot words": "a dot ",
    "mentions": "@ab ",
    "leet": "k1ll ",
    "urls": "x.",
    "split digits": "0 7 7 . ",
    "tags": "ab#1234 ",
    "spelled at": "(at)",
    "handles": "insta: ",
}


@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_message_of_the_longest_room_length_is_read_in_bounded_time(unit):
    text = (unit * 2000)[:2000]  # room's longest message body
    classify("warm up.com")
    started = time.perf_counter()
    classify(text)
    DEFAULT_RULE_SET.evaluate(text, "r", "teen")
    assert time.perf_counter() - started < 1.0


def test_spam_uses_the_authors_recent_messages():
    assert classify("join my server", [RecentMessage("join my server", 10), RecentMessage("join  my server!", 30)]).spam
    assert not classify("join my server", [RecentMessage("join my server", 500)]).spam
    flood = [RecentMessage(str(i), i) for i in range(5)]
    assert classify("hello", flood).spam and not classify("hello", flood[:3]).spam


def test_moderation_classify_writes_a_verdict_per_line():
    warm_up()
    out = io.StringIO()
    classify_command([], io.StringIO('{"id": "a", "text": "kms tonight"}\nnot json, snap me\n'), out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "a" and first["crisis"] == "imminent"
    assert second["contact"] is True and set(second) >= {"crisis", "contact", "medication", "abusive", "spam"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_verdict_and_censoring_keeps_its_length(text):
    rules = RuleSet(1, DEFAULT_RULE_SET.rules + (Rule("w", Kind.WORD, "darn", Action.CENSOR, "Keep it kind."),))
    verdict = rules.evaluate(text, "r", "teen")
    assert len(verdict.censored_text) == len(text)
    for hit in verdict.blocks + verdict.censors + verdict.flags:
        assert 0 <= hit.start <= hit.end <= len(text)


# Texts rich in what the views transform: leetspeak, symbols, apostrophes, runs, spaced letters, digits and
# number words, non-ASCII look-alikes, emoji.
_TRICKY = st.one_of(
    st.text(alphabet="akillmsy  .-'!|@$+0123456789\u00e9\u0430\u00b2\uff21\U0001f600\t_/()", max_size=120),
    st.lists(st.sampled_from(["kill", "k i l l", "m y s e l f", "killl", "oh", "double", "triple 7", "one", "o",
                              "07700 900 123", "@name", "h3llo", "$5", "don't", "yes!", "a|b", "k.i.l.l", "  "]),
             max_size=20).map(" ".join),
    st.text(max_size=80),
)


def _as_tuple(view):
    return view.text, tuple(view.origin), view.ends


@settings(max_examples=400, deadline=None)
@given(_TRICKY)
def test_the_views_shortcuts_agree_with_reading_character_by_character(text):
    # fold's ASCII shortcut, and digits' shortcut for texts with too few digits and number words for a run
    assert _as_tuple(normalise.fold(text)) == _as_tuple(normalise._fold_each(text))
    folded = normalise._fold_each(text)
    assert _as_tuple(normalise.digits(folded)) == _as_tuple(normalise._read_digits(folded))


@settings(max_examples=400, deadline=None)
@given(_TRICKY)
def test_the_canonical_view_maps_every_character_back_to_what_it_was_read_from(text):
    view = normalise.canonical(text)
    assert len(view.origin) == len(view.ends) == len(view.text)
    assert set(view.text) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in view.text and view.text == view.text.strip()
    for k in range(len(view.text)):
        assert 0 <= view.origin[k] < view.ends[k] <= len(text)
    assert list(view.origin) == sorted(view.origin)


def test_a_squeezed_run_stands_for_every_character_it_was_read_from():
    view = normalise.canonical("Killl  ME!! k i l l")
    assert view.text == "kil me kil"
    assert [view.span(0, 3), view.span(4, 6), view.span(7, 10)] == [(0, 5), (7, 9), (12, 19)]
