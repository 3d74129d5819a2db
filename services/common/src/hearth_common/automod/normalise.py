"""Automod (pure): the views of a message the detectors and rules match on, each mapped back to the original
characters (so a censor masks exactly what was written).

- `folded`: look-alike characters resolved (confusable-homoglyphs' table for the letters that are confusable
  with Latin ones, then Unidecode for the rest: accents, fullwidth, fancy-font letters), lower case.
- `canonical`: `folded` with leetspeak read as letters (k1ll, mys3lf, @ and $ inside words), every run of
  non-letters a single space, letter runs squeezed to one ("kiiiill" is "kil": word lists are squeezed the same
  way), and spaced-out letters joined ("k m s", "k.i.l.l" are "kms", "kil"). Word lists and phrase rules
  match here, on whole words.
- `digits`: `folded` with numbers written in words read as digits ("oh seven seven double two") and
  separators between digits dropped ("07700 900.123"), for the phone detector.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata

from confusable_homoglyphs import confusables
from unidecode import unidecode

from hearth_common.automod import wordlists


@dataclasses.dataclass(frozen=True)
class View:
    """A transformed text and, for each of its characters, the index of the original character it came from;
    `ends` (when given) the end of the original run a character stands for (a squeezed "lll" is one "l" that
    ends after the last of them), so a span covers every character it was read from."""

    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...] | None = None

    def end_of(self, index: int) -> int:
        """The original end (exclusive) of this view's character at `index`."""
        return self.ends[index] if self.ends is not None else self.origin[index] + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of this view's [start, end)."""
        if end <= start:
            return (self.origin[start], self.origin[start]) if start < len(self.origin) else (0, 0)
        return self.origin[start], self.end_of(end - 1)


def build(pieces: list[tuple[str, int]]) -> View:
    text = []
    origin = []
    for piece, index in pieces:
        for ch in piece:
            text.append(ch)
            origin.append(index)
    return View("".join(text), tuple(origin))


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    normal = unicodedata.normalize("NFKC", ch)
    if normal.isascii():
        return normal.lower()
    # a letter confusable with a Latin one (Cyrillic а, Greek ο...) reads as that Latin letter
    found = confusables.is_confusable(normal, preferred_aliases=["latin"], greedy=False)
    if found:
        for homoglyph in found[0]["homoglyphs"]:
            if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
                return homoglyph["c"].lower()
    if unicodedata.category(normal[0]).startswith(("S", "C")):  # emoji, symbols, controls: a separator
        return " "
    return unidecode(normal).lower()


def fold(text: str) -> View:
    if text.isascii():  # each character folds to itself in lower case: the same View, built at C speed
        return View(text.lower(), tuple(range(len(text))))
    return _fold_each(text)


def _fold_each(text: str) -> View:
    return build([(_fold_char(ch), i) for i, ch in enumerate(text)])


_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "i",
    "+": "t",
    "€": "e",
}
_WORDISH = re.compile(r"[a-z0-9@$!|+']+")


def _deleet_token(token: str) -> str:
    """Digits and symbols inside a word read as letters; a token of digits alone stays a number."""
    if not any(ch.isalpha() for ch in token):
        return token.replace("@", " ").replace("!", " ").replace("|", " ").replace("+", " ")
    return "".join(_LEET.get(ch, ch) for ch in token)


def canonical(text: str) -> View:
    return canonical_of(fold(text))


def canonical_of(folded: View) -> View:
    text: list[str] = []  # pieces of the text; `origin` has one index per character of them
    origin: list[int] = []
    src, at = folded.text, folded.origin
    position = 0
    for match in _WORDISH.finditer(src):
        start, end = match.span()
        if start > position:
            text.append(" ")
            origin.append(at[position])
        raw = match.group()
        if raw.isalpha():  # a plain word, most of any text: read as it is written
            text.append(raw)
            origin.extend(at[start:end])
            position = end
            continue
        lead = len(raw) - len(raw.lstrip("@$!|+'"))  # "@name", "!!": a leading symbol is no letter
        if lead:
            text.append(" ")
            origin.append(at[start])
        token = " " * lead + _deleet_token(raw[lead:])
        # a trailing "!" or "|" is punctuation, not an "i"
        stripped = raw.rstrip("!|")
        token = token[: len(stripped)] if stripped and any(c.isalpha() for c in stripped) else token
        for k, ch in enumerate(token):
            if ch == "'":  # "i'm", "you're", "don't" read as "im", "youre", "dont"
                continue
            text.append(ch if ch.isalnum() else " ")
            origin.append(at[start + k])
        position = end
    return _join_spaced(_squeeze(View("".join(text), tuple(origin))))


_RUN = re.compile(r"([a-z ])\1+")


def _squeeze(view: View) -> View:
    """Runs of a letter (or of spaces) read as one; the kept character stands for the whole run (its end is
    the run's), so a censor masks "killl" whole. (The canonical text is of a-z, 0-9 and spaces only.)"""
    src, at = view.text, view.origin
    ends = list(view.ends) if view.ends is not None else [index + 1 for index in at]
    if _RUN.search(src):
        text: list[str] = []
        origin: list[int] = []
        squeezed: list[int] = []
        position = 0
        for match in _RUN.finditer(src):
            start, end = match.span()
            text.append(src[position : start + 1])
            origin.extend(at[position : start + 1])
            squeezed.extend(ends[position:start])
            squeezed.append(max(ends[start:end]))
            position = end
        text.append(src[position:])
        origin.extend(at[position:])
        squeezed.extend(ends[position:])
        src, at, ends = "".join(text), origin, squeezed
    start = len(src) - len(src.lstrip(" "))
    end = max(start, len(src.rstrip(" ")))
    return View(src[start:end], tuple(at[start:end]), tuple(ends[start:end]))


_SPACED = re.compile(r"(?<![a-z0-9])[a-z](?: [a-z]){2,}(?![a-z0-9])")
_LONGEST_SPACED_WORD = 24
_LONGEST_SEGMENTED_RUN = 80  # longer runs are no sentence spelled out; they join as before


def _squeezed(letters: str) -> str:
    return re.sub(r"([a-z])\1+", r"\1", letters)


@functools.lru_cache(maxsize=1)
def _spaced_words() -> frozenset[str]:
    words = (*wordlists.SPACED_WORDS, *(w for w in wordlists.MEDICATION if w.isalpha()))
    return frozenset(_squeezed(w) for w in words)


def _segment(letters: str) -> list[tuple[int, int]] | None:
    """Where a run of spaced-out letters splits wholly into known words ("killmyself": kill, myself; "iamfine": i,
    am, fine), fewest pieces first. None when it does not ("abc", initials, an operator's own word such as
    "d a r n", a long run): the run then reads as one word, as it always has."""
    n = len(letters)
    if n > _LONGEST_SEGMENTED_RUN:
        return None
    known = _spaced_words()
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, where the last piece starts)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + _LONGEST_SPACED_WORD) + 1):
            if _squeezed(letters[i:j]) in known and (best[j] is None or best[i][0] + 1 < best[j][0]):
                best[j] = (best[i][0] + 1, i)
    if best[n] is None or best[n][0] < 2:
        return None
    spans, end = [], n
    while end > 0:
        start = best[end][1]
        spans.append((start, end))
        end = start
    return spans[::-1]


def _join_spaced(view: View) -> View:
    """Runs of three or more single letters ("k m s", "k i l l") read as one word, or as the known words they
    spell when they span several ("k i l l m y s e l f" is "kill myself"; "I a m" is "i am"); see _segment."""
    if " " not in view.text or not _SPACED.search(view.text):  # nothing to join: the view as it is
        return view
    text, origin, ends = [], [], []

    def keep(start: int, end: int) -> None:
        text.extend(view.text[start:end])
        origin.extend(view.origin[start:end])
        ends.extend(view.end_of(k) for k in range(start, end))

    position = 0
    for match in _SPACED.finditer(view.text):
        keep(position, match.start())
        at = [k for k in range(match.start(), match.end()) if view.text[k] != " "]
        letters = "".join(view.text[k] for k in at)
        for piece, (start, end) in enumerate(_segment(letters) or [(0, len(letters))]):
            if piece:
                keep(at[start] - 1, at[start])  # the space written before the piece's first letter
            for k in at[start:end]:
                if text and text[-1] == view.text[k]:  # "k i l l": the second l joins the first's run
                    ends[-1] = max(ends[-1], view.end_of(k))
                    continue
                keep(k, k + 1)
        position = match.end()
    keep(position, len(view.text))
    return View("".join(text), tuple(origin), tuple(ends))


def squeezed_word(phrase: str) -> str:
    """A word-list entry as the canonical view spells it (so entries and text compare alike)."""
    return canonical(phrase).text


# --- numbers -----------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": "0",
    "oh": "0",
    "nought": "0",
    "nil": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT_WORDS = {"double": 2, "triple": 3}
_NUMBER_TOKEN = re.compile(r"[a-z]+|\d|[^a-z\d]")
_RUN_DIGITS = 4  # a run with fewer digits in all stays as written
_ASCII_DIGIT = re.compile(r"[0-9]")
_DIGIT_WORD = re.compile(r"(?<![a-z])(?:%s|o)(?![a-z])" % "|".join(_NUMBER_WORDS))
_REPEAT_WORD = re.compile(r"(?<![a-z])(?:%s)(?![a-z])" % "|".join(_REPEAT_WORDS))


def digits(folded: View) -> View:
    """Numbers written in words read as digits, and the separators inside a run of digits dropped.

    A word is read as a digit only inside a run that has at least four digits in all (so "one of the two"
    stays words), and "o" / "oh" only next to other digits."""
    if folded.ends is None and folded.text.isascii():
        # Most messages hold too few digits and number words in all for any run to reach four: the view is
        # then the folded one as it is (what _read_digits would build, character by character).
        units = len(_ASCII_DIGIT.findall(folded.text)) + len(_DIGIT_WORD.findall(folded.text))
        if units * (max(_REPEAT_WORDS.values()) if _REPEAT_WORD.search(folded.text) else 1) < _RUN_DIGITS:
            return folded
    return _read_digits(folded)


def _read_digits(folded: View) -> View:
    tokens = [(m.group(), m.start()) for m in _NUMBER_TOKEN.finditer(folded.text)]
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        run, j, count = [], i, 0
        pending_repeat = 1
        while j < len(tokens):
            tok, start = tokens[j]
            if tok.isdigit():
                run.append((tok * pending_repeat, folded.origin[start]))
                count += pending_repeat
                pending_repeat = 1
            elif tok in _NUMBER_WORDS or (tok == "o" and count):
                run.append((_NUMBER_WORDS.get(tok, "0") * pending_repeat, folded.origin[start]))
                count += pending_repeat
                pending_repeat = 1
            elif tok in _REPEAT_WORDS:
                pending_repeat = _REPEAT_WORDS[tok]
            elif tok in {" ", ".", "-", "(", ")", "/", ",", "_"} or tok == "+" and not count:
                if tok == "+":
                    run.append(("+", folded.origin[start]))
            else:
                break
            j += 1
        if count >= _RUN_DIGITS:
            out.append((" ", run[0][1]))
            out.extend(run)
            out.append((" ", folded.origin[tokens[j - 1][1]] if j > i else 0))
            i = j
        else:
            # no later start inside this run can reach four digits either (it ends at the same token): the run's
            # tokens go out as written and the scan moves past it, so a long run costs once, not quadratically
            for tok, start in tokens[i : max(j, i + 1)]:
                out.extend((ch, folded.origin[start + k]) for k, ch in enumerate(tok))
            i = max(j, i + 1)
    return build(out)
