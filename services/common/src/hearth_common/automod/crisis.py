"""Automod (pure): crisis language in risk tiers, on the canonical view (so "k1ll mys3lf", "k m s",
"unalive" and look-alike letters read plainly).

The tiers follow the Columbia Suicide Severity Rating Scale's ideation levels, as the Samaritans' and NSPA's
guidance for online communities and the usual risk matrices use them:
- LOW: a passive wish to be dead or not to be here ("I wish I could disappear", "everyone would be better off
  without me"), past ideation, or ideation denied ("I'm not suicidal").
- MEDIUM: active thoughts of suicide or self-harm, no method or plan ("I want to kill myself", "kms",
  "I've been cutting again").
- HIGH: active ideation with a method or a plan ("I've been thinking of taking all my pills", "I wrote a
  note"); a named medication or drug is a method as pills are ("taking all my sertraline").
- IMMINENT: intent with timing, means at hand, a goodbye, or an act under way ("tonight", "the pills are in
  front of me", "this is my last message", "I've taken them").

Idioms are not crisis language: the patterns need the self as the object ("myself", "my life") or a first
person wish, so "this exam is killing me", "I'm dying to see that film", "I could murder a pizza" match none.
A crisis is never punished: the tier only starts care (a care notice and a page from HIGH on)."""

from __future__ import annotations

import dataclasses
import re

from hearth_common.automod import detectors
from hearth_common.automod.detectors import Tier, Views


def _p(pattern: str) -> re.Pattern[str]:
    """A pattern written in plain English, spelled as the canonical view spells text (letter runs squeezed);
    the canonical view holds only letters, digits and single spaces, so `\\b` is a word boundary there."""
    return re.compile(re.sub(r"(?<!\\)([a-z])\1+", r"\1", pattern))


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


_SELF = _words("myself", "my self", "meself", "my life", "it all", "everything")
_SELF_VERBS = _words(
    "kill",
    "hurt",
    "harm",
    "cut",
    "unalive",
    "end",
    "hang",
    "shoot",
    "stab",
    "burn",
    "starve",
    "drown",
    "poison",
    "top",
    "suffocate",
)
_I = _words("i", "im", "ive", "id", "ill", "i am", "i was", "i have", "i keep", "i really", "i just", "i still")

ACTIVE = [
    _p(rf"\b{_SELF_VERBS} {_SELF}\b"),
    _p(r"(?<![0-9] )(?<![0-9])\bkms\b"),
    _p(
        rf"\b{_I}(?: \w+){{0,4}} (?:suicidal|suicide|sewerslide|sewer slide|sucide|unalive|self harm|"
        rf"selfharm)\b(?! (?:prevention|awareness|rates|rate|statistics|hotline|helpline|line|squad|month|week|day|"
        rf"essay|project))"
    ),
    _p(r"\b(?:suicidal|sucidal) (?:thoughts|feelings|thinking|again|lately|tonight|right now)\b"),
    _p(r"\b(?:feel|feeling|felt|been|so|really|very|im|am) (?:suicidal|sucidal)\b"),
    _p(
        r"\b(?:want|wanna|wana|going|gonna|gona|ready|about|planning|plan|tempted|trying|decided|need|urge|so i can|"
        r"so i could) (?:to )?(?:die|end it|end it all|end things|end my life|unalive|not exist|not be alive|"
        r"kill myself|be dead)\b(?! (?:my|your|her|his|it) (?:hair|hoodie|shirt|clothes|top))"
    ),
    _p(
        r"\b(?:thinking|think|thought|thoughts) (?:about|of) (?:killing myself|ending it|ending my life|suicide|"
        r"dying|unaliving|cutting|hurting myself|self harm)\b"
    ),
    _p(
        r"\b(?:been|started|keep|stop|relapsed|relapse|urge to|urges to) (?:cutting|self harming|selfharming|"
        r"burning myself|hurting myself)\b"
    ),
    _p(r"\b(?:cutting|cut) again\b"),
    _p(
        r"\b(?:thinking|think|thought|thoughts) (?:about|of) (?:jumping|hanging myself|overdosing|crashing my car|"
        r"drowning myself|taking (?:all )?my pills|driving into|stepping in front)\b"
        r"(?! (?:into the pool|in the pool|on the|in the sea|into the sea|in the lake))"
    ),
    _p(r"\bfeel(?:ing)? like (?:unaliving|killing myself|ending it|ending my life|dying)\b"),
    _p(r"\bdont want to (?:live|be alive|exist)(?: anymore)?\b"),
]
PASSIVE = [
    _p(r"\b(?:go to sleep|sleep|fall asleep) and (?:never|not) wake up\b"),
    _p(r"\b(?:nobody|no one|noone) would (?:even )?(?:miss|notice|care)\b"),
    _p(
        r"\b(?:im|i am|feel like|i feel) (?:a|such a|just a|nothing but a) "
        r"(?:waste of space|waste of oxygen|waste of air)\b"
    ),
    _p(r"\bwant (?:it|everything|it all|the pain|this) to (?:stop|end)\b(?! (?:raining|snowing))"),
    _p(r"\bwish (?:i|id) (?:was|were|could be) (?:dead|gone|never born|not here|not alive)\b"),
    _p(
        r"\bwish (?:i|id) (?:could )?(?:disappear|not wake up|sleep forever|never wake up|wasnt here|wasnt born|"
        r"didnt exist)\b"
    ),
    _p(r"\b(?:dont|do not) want to (?:be here|wake up|exist|be alive|carry on|go on)\b"),
    _p(r"\b(?:better off|beter of) without me\b"),
    _p(r"\b(?:no|no real) (?:reason|point) (?:to|in) (?:live|living|go on|going on|being alive|being here)\b"),
    _p(r"\bwhats the point (?:of|in) (?:living|life|being alive|anything|going on)\b"),
    _p(r"\b(?:tired|sick) of (?:living|being alive|life|existing)\b"),
    _p(r"\b(?:cant|cannot) (?:go on|do this anymore|keep going|take it anymore)\b"),
    _p(r"\bwant to (?:disappear|sleep forever|not wake up)\b(?! (?:into|for|under|from|to|with|in))"),
    _p(r"\bnobody would (?:miss|notice|care if) (?:me|i)\b"),
    _p(r"\b(?:i want|wanna) (?:to )?die\b(?! (?:my|your|her|his|it) )"),
    _p(
        r"\b(?:dont|cant|do not|cannot) see (?:the|a|any) point (?:in|of) (?:anything|living|life|going on|"
        r"being here|carrying on)\b"
    ),
    _p(
        r"\bwish (?:i|id) (?:could )?(?:just )?(?:not exist|not be here|stop existing|vanish|disappear|"
        r"fall asleep and not wake up)\b"
    ),
    _p(
        r"\b(?:better|happier|easier) (?:of |off )?(?:if i (?:was|were|wasnt|werent) (?:gone|dead|not here|here|"
        r"around|alive)|without me)\b"
    ),
    _p(r"\b(?:im|i am|feel like|feel|i feel) (?:such |just |only )?a burden\b"),
    # someone else's crisis, told by a friend: care for them (a peer Refer), never the author's own risk
    _p(
        r"\b(?:she|he|they|friend|brother|sister|mate|someone) (?:\w+ ){0,3}(?:kill (?:herself|himself|themselves|"
        r"themself)|"
        r"wants to die|want to die|is suicidal|feels suicidal|hurting (?:herself|himself|themselves))\b"
    ),
]
METHOD = _p(
    r"\b(?:overdose|od|pills|tablets|paracetamol|painkillers|rope|noose|hang|hanging|bridge|jump|jumping|"
    r"train|gun|knife|blade|blades|razor|bleach|wrists|wrist|cliff|roof|motorway|drown|car|crash)\b"
)
# Medication as a means: pills (a named medication reads "pills", see _medication_as_pills), the containers they
# come in, the verbs of taking a lot at once, and the few words that may stand between ("every last one of my
# mum's", "a whole box of").
_PILLS = (
    r"(?:pills|tablets|capsules|caps|meds|medication|medicine|painkillers|antidepressants)"
    r"(?: (?:pills|tablets|capsules))?"
)
_CONTAINER = (
    r"(?:pack|packs|packet|packets|bottle|bottles|box|boxes|strip|strips|blister pack|blister packs|tub|pot|jar|"
    r"supply|stash|prescription)"
)
_WHOLE = (
    r"(?:all|every|every last|every single|the whole|my whole|a whole|the entire|my entire|an entire|a full|the full|"
    r"my full|the rest of|the lot of)"
)
_FILL = (
    r"(?:my|the|all|some|of|one|ones|last|single|these|those|them|her|his|their|mums|dads|nans|sisters|brothers|"
    r"extra|spare|old|leftover|enough|loads|lots|a|few|about|over|like|sleeping|whole|entire|full|[0-9]+)"
)
_GULP = r"(?:take|taking|swallow|swallowing|down|downing|neck|necking|chug|chugging|gulp|gulping)"
# taking them as prescribed, or taking them somewhere, is no overdose ("I take all my meds every morning", "like
# the doctor said", "taking all my meds with me on holiday", "back to the pharmacy")
_ROUTINE = (
    r"(?! (?:\w+ ){0,3}?(?:(?:every|each) (?:day|morning|night|evening|week)|as prescribed|on time|"
    r"as (?:told|directed)|"
    r"(?:like|as) (?:the|my) (?:doctor|doctors|gp|nurse|pharmacist|psychiatrist) (?:said|says|told|tells)|"
    r"with me (?:on|in|to (?:school|work|uni|college|my|the (?:pharmacy|chemist|doctors|gp|hospital|airport)))|"
    r"back to|to the (?:pharmacy|chemist|chemists|doctors|doctor|gp|hospital|clinic)|on holiday|in my bag)\b)"
)
# A store of pills kept back (a preparatory act): the person's own ("I've been stockpiling", "hoarding my ...");
# verbs only, as "a stash of ibuprofen in my desk" is a first-aid kit.
_STORED_WORDS = (
    "stockpiled|hoarded|stashed|saved up|squirrelled away|put aside|set aside|kept back|held back|hidden away|hid away|"
    "put away"
)
_STORED = f"(?:{_STORED_WORDS})"
_STOCK = (
    r"(?:stockpiling|hoarding|stashing|saving up|save up|squirrelling away|putting aside|setting aside|keeping back|"
    f"holding back|hiding away|building up|{_STORED_WORDS})"
)
_FIRST_PERSON = r"(?:i|im|ive|been|i have|i am|keep|kept|started|start|secretly|still)"
# ... and a store at hand ("I have 40 paracetamol saved up", "I've got 60 tablets hidden"): means at hand too.
STASH = [
    _p(rf"\b(?:i have|ive|ive got|i) (?:\w+ )?{_STORED} (?:{_FILL} ){{0,4}}{_PILLS}\b"),
    _p(
        rf"\b(?:i have|ive got|i got|ive|i still have|got) (?:{_FILL} ){{0,4}}{_PILLS} (?:\w+ )?(?:saved|hidden|"
        rf"{_STORED_WORDS})\b"
    ),
]

METHOD_PHRASES = [
    _p(r"\b(?:hang|shoot|drown|poison|suffocate|electrocute) myself\b"),
    _p(r"\b(?:overdose|od|overdosing) (?:on|with|tonight|today)\b"),
    # taking all of them at once: "take all my pills", "taking my whole bottle of zoloft", "down every last one of
    # my mum's tramadol", "swallow the whole pack"
    _p(
        rf"\b{_GULP} {_WHOLE} (?:{_FILL} ){{0,4}}(?:{_CONTAINER} of (?:{_FILL} ){{0,4}}{_PILLS}|{_PILLS})\b" + _ROUTINE
    ),
    # "take the whole bottle" (of something unnamed, as before); not "down the whole bottle of wine"
    _p(
        rf"\b(?:take|taking|swallow|swallowing) {_WHOLE} (?:{_FILL} ){{0,4}}{_CONTAINER}\b(?! of)(?! (?:\w+ ){{0,3}}?"
        r"(?:wine|vodka|prosecco|beer|water|juice|chocolates|sweets|cereal))" + _ROUTINE
    ),
    # a container of pills downed ("neck a box of sleeping pills"); not one pill ("I downed a paracetamol")
    _p(
        rf"\b(?:swallow|swallowing|down|downing|neck|necking|chug|chugging) (?:a|one|two|three|[0-9]+|my|the) "
        rf"{_CONTAINER} of (?:{_FILL} ){{0,4}}{_PILLS}\b"
    ),
    # a store of pills kept back: the person's own, not "mum is stocking up on paracetamol for winter"
    _p(rf"\b{_FIRST_PERSON} (?:\w+ ){{0,2}}?{_STOCK} (?:{_FILL} ){{0,4}}{_PILLS}\b"),
    _p(rf"\b(?:hoard|stash|stockpile|{_STOCK[3:-1]}) (?:\w+ )?my (?:{_FILL} ){{0,4}}{_PILLS}\b"),
    # tipping them into a hand or mouth ("empty the whole blister pack of naproxen into my mouth")
    _p(
        rf"\b(?:empty|emptying|tip|tipping|pour|pouring) (?:\w+ ){{0,6}}?{_PILLS} (?:\w+ ){{0,2}}?into my "
        r"(?:mouth|hand|hands)\b" + _ROUTINE
    ),
    _p(rf"\b(?:been|ive|i have|started|keep) (?:saving|saved) (?:{_FILL} ){{0,4}}{_PILLS}\b"),
    _p(rf"\benough (?:{_FILL} ){{0,2}}{_PILLS} (?:\w+ )?to (?:die|kill|end|finish|do it|overdose|od|not wake)\b"),
    *STASH,
    # the means named, then the intent about them ("3 boxes of paracetamol in my drawer and i know what i'm going to
    # do with them")
    _p(
        rf"\b{_PILLS}\b.{{0,60}}\b(?:i know|i knew|ive decided|i decided|ive worked out|i worked out) (?:exactly )?"
        r"what (?:im|i am|ill|i will|i want to|i need to) (?:going to |gonna |gona )?do with (?:them|it|those|these|"
        r"the lot)\b"
    ),
    _p(r"\b(?:slit|cut|slash) (?:my )?wrists?\b"),
    _p(
        r"\b(?:take|taking|swallow|swallowing|down|downing) (?:them|it|these|those|the pills|the tablets|the lot) all\b"
    ),
    _p(r"\b(?:take|taking|swallow|swallowing) (?:all|every one) of (?:them|these|those|my pills|my tablets)\b"),
    _p(r"(?<!go )\b(?:jump|jumping|throw myself) (?:off|of|from|in front of) (?:a|the|this|my)\b"),
    _p(
        r"\b(?:how many|how much) (?:\w+ ){0,2}(?:it )?(?:takes|would take|it would take|to take|does it take|"
        r"it takes) to (?:die|kil|overdose|end it|not wake up)\b"
    ),
    _p(
        r"(?<!go )\b(?:going to|gonna|gona|about to|will|wil) jump\b(?! (?:on|in|into|at|up|for|over|around|the queue))"
    ),
    _p(r"\b(?:step|stepping|walk|walking) in front of (?:a|the) (?:train|bus|car|lorry|truck)\b"),
]
PLAN = _p(
    r"\b(?:looking up|looked up|googled|googling|searched|searching|plan|planned|planning|a note|the note|notes|"
    r"suicide note|letter|letters|decided|figured out how|"
    r"know how|worked out how|researched|researching|saving up|saved up|stockpiling|stockpiled|collecting|"
    r"bought|when and how|set a date|the date)\b"
)
WEAK_TIMING = _p(r"\b(?:today|right now|rn|now|soon)\b")
# a taking under way as the person writes ("downing all my pills rn"): an act, so timing by itself
UNDER_WAY = _p(
    r"\b(?:im |i am )?(?:taking|swallowing|downing|necking) (?:\w+ ){0,8}?(?:rn|right now|now|as we speak|as i type)\b"
)
INTENT = _p(
    r"\b(?:going to|gonna|gona|will|il|about to|do it|doing it|ready to|planning to|plan to|decided to|"
    r"im doing|gona do)\b"
)
TIMING = _p(
    r"\b(?:tonight|tomorrow|this weekend|this evening|in an hour|in a few hours|"
    r"when everyone is asleep|once everyone is asleep|when they are asleep|before morning|this is it|"
    r"after this message|after i post this)\b"
)
AT_HAND = _p(
    r"\b(?:in front of me|in my hand|next to me|beside me|holding (?:the|a|my)|sitting on the|"
    r"standing on the|on the edge|on the ledge|on the bridge|on the roof|at the bridge|"
    r"(?:already|just) (?:took|taken|swallowed|cut|done)|ive (?:taken|swallowed|done it|cut)|"
    r"i took (?:all|them|the|a lot|loads|too many)|(?:have|got) (?:the|enough|all the) (?:pills|tablets|rope|blade|"
    r"knife|razor))\b"
)
GOODBYE = _p(r"\b(?:goodbye|bye) (?:everyone|all|guys)\b")
FINAL = _p(
    r"\b(?:goodbye|bye) (?:forever|world)\b|\bthis is (?:goodbye|my last message|the end)\b|"
    r"\b(?:my|a) (?:last|final) (?:message|post|goodbye)\b|\b(?:wont|will not) be (?:here|around|alive) "
    r"(?:tomorrow|much longer|anymore|by morning)\b|\btell my (?:mum|mom|dad|family|sister|brother) i love\b|"
    r"\bby the time (?:you|anyone|someone|they) (?:read|reads|see|sees|find|finds) this\b"
)
# A taken dose that is an act under way: all of them, many (two or three pills is an everyday dose, and a named
# medication reads as pills: "I took two ibuprofen for my headache" is no crisis), or whole packets.
_DOSES = (
    r"(?:pills|tablets|meds|medication|medicine|painkillers|paracetamol|packet|packets|pack|packs|box|bottle|boxes|"
    r"bottles|strip|strips|supply|stash|sleeping pills)"
)
ACT = _p(
    r"\b(?:ive|i have|just|already|i) (?:taken|took|swallowed|downed|necked) (?:an overdose|(?:all|a whole|the whole|"
    r"my whole|the entire|my entire|an entire|a full|the full|my full|loads of|"
    rf"too many|every|lots of|a lot of|[5-9]|\d{{2,}}) (?:\w+ ){{0,2}}{_DOSES}|"
    r"(?:two|three|four|\d+) (?:whole |full )?(?:packets|boxes|bottles|packs|strips)|(?:all of )?them all|"
    rf"everything in the)\b|"
    r"\b(?:ive|i have|just|already) swallowed everything\b"
)
NEGATED = _p(
    r"\b(?:not|never|no longer|nt) (?:\w+ ){0,2}(?:suicidal|going to|gonna|want to|wanna|kill myself|hurt myself)\b|"
    r"\b(?:not|never) (?:feel|felt|feeling) (?:\w+ )?(?:suicidal|like)\b"
)
PAST = _p(
    r"\b(?:used to|when i was|years ago|last year|back then|in the past|no longer|anymore but|"
    r"i was suicidal|i used|recovered|recovery|clean for|(?:\d+|a|two|three|six) (?:months|years|weeks) clean)\b"
)


@dataclasses.dataclass(frozen=True)
class CrisisReading:
    tier: Tier
    signals: tuple[str, ...]  # which kinds of language raised it ("active ideation", "method", ...)


# What a named medication or drug reads as for the crisis patterns: "take all my sertraline tonight" is the
# method "take all my pills tonight" (the canonical view spells "pills" squeezed).
_MEDICATION_AS = "pils"


def _medication_as_pills(canonical) -> str:
    text = canonical.text
    spans = detectors.medication_names(canonical)
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:  # overlapping names ("x" inside "x y"): the first one read stands
            continue
        pieces += [text[position:start], _MEDICATION_AS]
        position = end
    return "".join(pieces) + text[position:]


def read(views: Views) -> CrisisReading:
    text = _medication_as_pills(views.canonical)
    active = any(p.search(text) for p in ACTIVE)
    method_phrase = any(p.search(text) for p in METHOD_PHRASES)
    passive = any(p.search(text) for p in PASSIVE)
    final = bool(FINAL.search(text))
    act = bool(ACT.search(text))
    if final or act:  # a goodbye that means it, or an act under way: imminent by itself
        return CrisisReading(Tier.IMMINENT, ("act under way" if act else "final goodbye",))
    if not (active or method_phrase or passive):
        return CrisisReading(Tier.NONE, ())
    signals = []
    method = method_phrase or bool(METHOD.search(text))
    plan = bool(PLAN.search(text))
    timing = (
        bool(TIMING.search(text))
        or bool(WEAK_TIMING.search(text) and INTENT.search(text))
        or bool(method_phrase and UNDER_WAY.search(text))
    )
    at_hand = bool(AT_HAND.search(text)) or any(p.search(text) for p in STASH)
    goodbye = bool(GOODBYE.search(text))
    for name, present in (
        ("active ideation", active),
        ("passive ideation", passive),
        ("method", method),
        ("plan", plan),
        ("timing", timing),
        ("means at hand", at_hand),
        ("goodbye", goodbye),
    ):
        if present:
            signals.append(name)
    if NEGATED.search(text) and not (at_hand or goodbye):
        return CrisisReading(Tier.NONE, (*signals, "denied"))
    if PAST.search(text) and not (at_hand or goodbye):
        return CrisisReading(Tier.LOW, (*signals, "past"))
    ideation = active or method_phrase
    if (ideation or (passive and method)) and (timing or at_hand or goodbye):
        tier = Tier.IMMINENT
    elif method_phrase or (active and (method or plan)):
        tier = Tier.HIGH
    elif active:
        tier = Tier.MEDIUM
    else:
        tier = Tier.MEDIUM if (method or plan) else Tier.LOW
    return CrisisReading(tier, tuple(signals))
