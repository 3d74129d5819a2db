"""Automod (pure): the built-in detectors: contact details and personal data, medication and drug names,
abusive/graphic/sexual language, spam, and crisis language in risk tiers. Each works on the views of
`normalise` and answers `Finding`s with the original span (for a censor) and a short reason."""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Iterable, Sequence

import ahocorasick
import phonenumbers
from urlextract import URLExtract

from hearth_common.automod import normalise, wordlists
from hearth_common.automod.normalise import View


class Detector(enum.StrEnum):
    CONTACT = "contact"
    MEDICATION = "medication"
    ABUSIVE = "abusive"
    SPAM = "spam"
    CRISIS = "crisis"


class Tier(enum.IntEnum):
    """Risk tiers of crisis language (after the Columbia scale's ideation levels and the Samaritans' and
    NSPA's guidance): passive wish to be dead is LOW; active thoughts of suicide or self-harm without a
    method are MEDIUM; active ideation with a method or a plan is HIGH; intent with timing, means at hand, a
    goodbye or an act under way is IMMINENT. HIGH and IMMINENT page an on-duty crisis-trained moderator."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    IMMINENT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, label: str) -> Tier:
        return cls[label.upper()]


@dataclasses.dataclass(frozen=True)
class Finding:
    detector: Detector
    start: int  # the span in the original text (start == end: the whole message, e.g. flooding)
    end: int
    reason: str  # what was found, in words (never the matched text itself)


@dataclasses.dataclass(frozen=True)
class RecentMessage:
    """One of the author's recent messages in the room, for the spam detector (which is pure)."""

    text: str
    seconds_ago: float


class Views:
    """The views of one message, each computed once, on first use."""

    def __init__(self, text: str):
        self.text = text

    @functools.cached_property
    def folded(self) -> View:
        return normalise.fold(self.text)

    @functools.cached_property
    def canonical(self) -> View:
        return normalise.canonical_of(self.folded)

    @functools.cached_property
    def digits(self) -> View:
        return normalise.digits(self.folded)

    @functools.cached_property
    def spelled(self) -> View:
        """`folded` with "at" / "dot" spelled out read as "@" / "." ("name at mail dot com")."""
        return _substitute(self.folded, _SPELLED)


def _substitute(view: View, replacements: Sequence[tuple[re.Pattern[str], str]]) -> View:
    for pattern, replacement in replacements:
        pieces: list[tuple[str, int]] = []
        position = 0
        for match in pattern.finditer(view.text):
            pieces.extend((ch, view.origin[position + k]) for k, ch in enumerate(view.text[position : match.start()]))
            pieces.append((replacement, view.origin[match.start()]))
            position = match.end()
        if not pieces:
            continue
        pieces.extend((ch, view.origin[position + k]) for k, ch in enumerate(view.text[position:]))
        view = normalise.build(pieces)
    return view


_SPELLED = (
    (
        re.compile(
            r"\s{0,3}[\(\[\{<]\s{0,3}at\s{0,3}[\)\]\}>]\s{0,3}|\s{1,3}at\s{1,3}(?=[a-z0-9-]+\s{0,3}(?:[\(\[\{<]\s{0,3}dot\s{0,3}[\)\]\}>]|\s{1,3}dot\s{1,3}|"
            r"\.)\s{0,3}[a-z]{2,})"
        ),
        "@",
    ),
    (re.compile(r"\s{0,3}[\(\[\{<]\s{0,3}dot\s{0,3}[\)\]\}>]\s{0,3}|\s{1,3}dot\s{1,3}(?=[a-z]{2,3}\b)"), "."),
)


# --- word lists (pyahocorasick over the canonical view, whole words) ---------------------------------------


class WordList:
    """A multi-pattern matcher (Aho-Corasick) of entries spelled as the canonical view spells them; a match
    counts only on whole words. Values: any payload per entry (the last one given wins for a duplicate)."""

    def __init__(self, entries: Iterable[tuple[str, object]]):
        self._automaton = ahocorasick.Automaton()
        count = 0
        for entry, payload in entries:
            key = normalise.squeezed_word(entry)
            if key:
                self._automaton.add_word(key, (len(key), payload))
                count += 1
        self.size = count
        if count:
            self._automaton.make_automaton()

    def find(self, canonical: View) -> list[tuple[int, int, object]]:
        """(start, end, payload) in the canonical view's indices, whole words only."""
        if not self.size:
            return []
        text = canonical.text
        found = []
        for end_index, (length, payload) in self._automaton.iter(text):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            if end < len(text) and text[end].isalnum():
                continue
            found.append((start, end, payload))
        return found


@functools.cache
def _medication_list() -> WordList:
    return WordList((word, word) for word in wordlists.MEDICATION)


@functools.cache
def _abusive_list() -> WordList:
    return WordList((word, word) for word in wordlists.ABUSIVE)


_DOSE = re.compile(
    r"\d+ ?(?:mg|ml|mcg|g)\b|(?:take|took|taking|on|prescribed|dose|smoke|smoking|smoked|snort|pils|sel|seling|buy|"
    r"buying|bought|dealer|high|stoned)"
)


def medication_names(canonical: View) -> list[tuple[int, int]]:
    """Where the canonical view names a medication or drug, in its own indices (a word that is mostly something
    else counts only beside a dose or a taking verb); the crisis reading counts these as a method too."""
    return [
        (start, end)
        for start, end, word in _medication_list().find(canonical)
        if word not in wordlists.MEDICATION_AMBIGUOUS or _DOSE.search(canonical.text)
    ]


def medication(views: Views) -> list[Finding]:
    canonical = views.canonical
    return [
        Finding(Detector.MEDICATION, *canonical.span(start, end), "a medication or drug name")
        for start, end in medication_names(canonical)
    ]


_INSULT = re.compile(
    r"(?<![a-z0-9])(?:you|u|ur|youre|you are|ura)(?: (?:such|a|an|so|pathetic|stupid|fat|ugly|absolute|total|fucking|"
    r"complete|litle|worthles|ugly)){0,3} (?:loser|idiot|moron|slut|whore|bitch|freak|failure|waste of space|creep|cow|"
    r"worthles|piece of shit|prick|twat)(?![a-z0-9])"
)


def abusive(views: Views) -> list[Finding]:
    canonical = views.canonical
    found = [(start, end) for start, end, _ in _abusive_list().find(canonical)]
    found += [(m.start(), m.end()) for m in _INSULT.finditer(canonical.text)]
    return [Finding(Detector.ABUSIVE, *canonical.span(s, e), "abusive, graphic or sexual language") for s, e in found]


# --- contact details and personal data ---------------------------------------------------------------------

PHONE_REGIONS = ("GB", "US", "IE", "AU", "CA")
_SEVEN_DIGITS = re.compile(r"\d{7}")
_LONG_DIGITS = re.compile(r"\+?\d{10,14}")
_EMAIL = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# Bare domains count as links only with a top-level domain people share links under ("ok.so" stays words).
_LINK_TLDS = frozenset(
    "com net org io co uk me gg ly tv app dev xyz link info biz us ca au de fr ie nz be to cc fm live site "
    "online store club page".split()
)


@functools.cache
def _url_extractor() -> URLExtract:
    # urlextract's TLD list ships in its package; it is only downloaded by update(), never called here.
    return URLExtract(extract_localhost=False, cache_dns=False)


def _platform_pattern(spelling) -> str:
    names = sorted({spelling(name) for name in wordlists.PLATFORMS}, key=len, reverse=True)
    return "|".join(re.escape(name) for name in names if name)


_P_CANON = _platform_pattern(normalise.squeezed_word)
_P_FOLD = _platform_pattern(lambda name: name.lower())
_SQ = normalise.squeezed_word
_CONTACT_CANONICAL = (
    (
        re.compile(
            rf"(?<![a-z0-9])(?:ad|dm|mesage|msg|pm|hmu|hit me up|folow|find|text|inbox|contact|reach|friend|"
            rf"talk to me|chat with me|cal|ring|sub|subscribe to)(?: me)?(?: up)? (?:on|at|via|over|in) "
            rf"(?:my )?(?:{_P_CANON})(?![a-z0-9])"
        ),
        "an invitation to talk off Hearth",
    ),
    (re.compile(rf"(?<![a-z0-9])(?:{_P_CANON}) me(?![a-z0-9])"), "an invitation to talk off Hearth"),
    (
        re.compile(
            rf"(?<![a-z0-9])(?:lets|we can|we should|can we|shal we) (?:move|take|talk|chat|continue|go)"
            rf"(?: this| it)? (?:to|on|over to|over on) (?:{_P_CANON})(?![a-z0-9])"
        ),
        "an invitation to talk off Hearth",
    ),
    (
        re.compile(
            rf"(?<![a-z0-9])(?:whats|what is|send me|send|give me|drop|dm me|pm me) (?:your|ur|yr|you) "
            rf"(?:{_P_CANON}|number|num|digits|phone|adres|home adres|email|snapchat|socials)(?![a-z0-9])"
        ),
        "a request for contact details",
    ),
    (
        re.compile(
            rf"(?<![a-z0-9])(?:chat|talk|speak|mesage|msg|cal|vc|facetime|dm|pm) (?:on|over|via|in) (?:{_P_CANON})"
            rf"(?: instead| rather| later| tonight)?(?: ?$| (?:pls|please|instead|ok|yeah|later))"
        ),
        "an invitation to talk off Hearth",
    ),
    (
        re.compile(
            rf"(?<![a-z0-9])(?:whats|what is|whats your|tel me) (?:your|ur|yr) (?:\w+ )?(?:on|"
            rf"for) (?:{_P_CANON})(?![a-z0-9])"
        ),
        "a request for contact details",
    ),
    (re.compile(rf"(?<![a-z0-9])(?:im|i am|find me) on (?:{_P_CANON}) as [a-z0-9]"), "a social media handle"),
    (
        re.compile(rf"(?<![a-z0-9])(?:im|i am) on (?:{_P_CANON}) if (?:you|u) (?:want|wana|like)"),
        "an invitation to talk off Hearth",
    ),
    (
        re.compile(rf"(?<![a-z0-9])(?:u|you|ya|do you|do u) (?:got|have|on) (?:{_P_CANON})$"),
        "a request for contact details",
    ),
    (
        re.compile(rf"(?<![a-z0-9])(?:subscribe to|folow|ad|find) my (?:{_P_CANON})(?![a-z0-9])"),
        "an invitation to talk off Hearth",
    ),
    (
        re.compile(
            r"(?<![a-z0-9])(?:my (?:phone |mobile |cel |home )?(?:number|num|adres) is|"
            r"(?:text|cal|ring|whatsap) me (?:on|at)|i live (?:at|on) \d+)(?![a-z])"
        ),
        "personal details",
    ),
)
_CONTACT_FOLDED = (
    (re.compile(rf"(?<![a-z0-9])(?:{_P_FOLD})\s*[:=]\s*@?[a-z0-9_.]{{2,}}"), "a social media handle"),
    (re.compile(rf"(?<![a-z0-9])(?:{_P_FOLD})\s*(?:-|is|id|tag|handle)?\s*@[a-z0-9_.]{{2,}}"), "a social media handle"),
    (re.compile(r"[a-z0-9_]{2,}#\d{4}(?!\d)"), "a social media handle"),
    (
        re.compile(
            rf"(?<![a-z0-9])my (?:@|handle|username|user name|name|tag|id) (?:on|for) (?:{_P_FOLD})(?![a-z0-9])"
        ),
        "a social media handle",
    ),
    (
        re.compile(
            rf"(?<![a-z0-9])my (?:{_P_FOLD}) (?:username |user name |handle |tag |id |name |account |acc )?(?:is )?"
            r"@?[a-z0-9_.]*[\d_.][a-z0-9_.]*"
        ),
        "a social media handle",
    ),  # an old-style Discord tag
)


def _helpline(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    for prefix in ("44", "1", "353", "61"):
        if number.startswith("+") and digits.startswith(prefix) and digits[len(prefix) :] in wordlists.HELPLINE_NUMBERS:
            return True
    return digits in wordlists.HELPLINE_NUMBERS or digits.lstrip("0") in {
        h.lstrip("0") for h in wordlists.HELPLINE_NUMBERS
    }


def contact(views: Views) -> list[Finding]:
    findings: list[Finding] = []
    digits = views.digits
    taken: list[tuple[int, int]] = []
    # the digits view holds a phone number's digits together, so seven in a row is the cue to ask libphonenumber
    for region in PHONE_REGIONS if _SEVEN_DIGITS.search(digits.text) else ():
        for match in phonenumbers.PhoneNumberMatcher(digits.text, region, leniency=phonenumbers.Leniency.VALID):
            if any(match.start < e and s < match.end for s, e in taken) or _helpline(match.raw_string):
                continue
            taken.append((match.start, match.end))
            findings.append(Finding(Detector.CONTACT, *digits.span(match.start, match.end), "a phone number"))
    for match in _LONG_DIGITS.finditer(digits.text):
        if any(match.start() < e and s < match.end() for s, e in taken) or _helpline(match.group()):
            continue
        findings.append(Finding(Detector.CONTACT, *digits.span(match.start(), match.end()), "a phone number"))
    spelled = views.spelled
    emails = []
    for match in _EMAIL.finditer(spelled.text):
        emails.append((match.start(), match.end()))
        findings.append(Finding(Detector.CONTACT, *spelled.span(match.start(), match.end()), "an email address"))
    if "." in spelled.text:
        for url, (start, end) in _url_extractor().find_urls(spelled.text, get_indices=True):
            if any(start < e and s < end for s, e in emails):
                continue
            host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].split(":")[0]
            if host.startswith("www."):
                host = host[4:]
            if any(host == d or host.endswith("." + d) for d in wordlists.HELPLINE_DOMAINS):
                continue
            explicit = "://" in url or url.lower().startswith("www.") or "/" in url
            if not explicit and host.rsplit(".", 1)[-1] not in _LINK_TLDS:
                continue
            findings.append(Finding(Detector.CONTACT, *spelled.span(start, end), "a link"))
    canonical = views.canonical
    for pattern, reason in _CONTACT_CANONICAL:
        for match in pattern.finditer(canonical.text):
            findings.append(Finding(Detector.CONTACT, *canonical.span(match.start(), match.end()), reason))
    folded = views.folded
    for pattern, reason in _CONTACT_FOLDED:
        for match in pattern.finditer(folded.text):
            findings.append(Finding(Detector.CONTACT, *folded.span(match.start(), match.end()), reason))
    return findings


# --- spam --------------------------------------------------------------------------------------------------

MENTIONS_MAX = 5  # distinct @mentions in one message
REPEATS_MAX = 2  # the same text this many times in the last REPEAT_WINDOW seconds, and once more is spam
REPEAT_WINDOW = 120.0
FLOOD_MAX = 5  # messages in the last FLOOD_WINDOW seconds, and once more is flooding
FLOOD_WINDOW = 10.0
_AT_NAME = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]+)")
_CHAR_RUN = re.compile(r"(.)\1{24,}", re.DOTALL)
_WORD_RUN = re.compile(r"(?<![a-z0-9])([a-z0-9]+)(?: \1(?![a-z0-9])){7,}")


def spam(views: Views, recent: Sequence[RecentMessage] = ()) -> list[Finding]:
    findings = []
    text = views.text
    mentioned = {m.group(1).lower() for m in _AT_NAME.finditer(text)}
    if len(mentioned) >= MENTIONS_MAX:
        findings.append(Finding(Detector.SPAM, 0, len(text), f"{len(mentioned)} people mentioned at once"))
    if recent:
        mine = views.canonical.text
        repeats = sum(
            1 for r in recent
            if r.seconds_ago <= REPEAT_WINDOW and mine and r.text and Views(r.text).canonical.text == mine
        )
        if repeats >= REPEATS_MAX:
            findings.append(Finding(Detector.SPAM, 0, len(text), "the same message repeated"))
        if sum(1 for r in recent if r.seconds_ago <= FLOOD_WINDOW) >= FLOOD_MAX:
            findings.append(Finding(Detector.SPAM, 0, len(text), "too many messages at once (flooding)"))
    if _CHAR_RUN.search(text) or _WORD_RUN.search(views.canonical.text):
        findings.append(Finding(Detector.SPAM, 0, len(text), "repeated characters or words (flooding)"))
    return findings
