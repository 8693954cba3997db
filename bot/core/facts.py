"""The checkable facts of a sentence (numbers, dates, directions, names) and where two differ.

Two passages already judged to make the same claim conflict when a fact in one is replaced
by a different fact of the same kind in the other: "11 injured" vs "15 injured", "on
Tuesday" vs "on Thursday", "rose 4%" vs "fell 4%", "Maria Lopez" vs "Ana Ruiz". A fact
present on one side only is an omission, not a conflict: paraphrases drop details.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Conflict:
    a: str
    b: str


@dataclass(frozen=True)
class Fact:
    kind: str  # "number:<unit>", "weekday", "month", "direction", "name"
    value: str  # normalised, compared across the two sides
    surface: str  # as written, shown to the user
    position: int  # token index


_TOKEN = re.compile(
    r"[$€£]?\d[\d,]*(?:\.\d+)?%?"  # 1,200  3.5  $2.3  4%
    r"|[A-Za-z]+(?:\.[A-Za-z])+\.?"  # U.S.  p.m.
    r"|\w+(?:['’-]\w+)*"
    r"|[^\w\s]"
)

_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_TENS = {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_NUMBER_WORDS = {word: n for n, word in enumerate(_SMALL)} | _TENS
_MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
}
_PERCENT_WORDS = {"percent", "per", "percentage"}  # "per cent", "percentage points"
_MONEY_WORDS = {"dollars", "euros", "pounds", "usd", "eur", "gbp", "cents", "yen"}
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTHS = {
    **{
        m: m
        for m in (
            "january february march april may june july august september october november december"
        ).split()
    },
    **{
        "jan": "january",
        "feb": "february",
        "mar": "march",
        "apr": "april",
        "jun": "june",
        "jul": "july",
        "aug": "august",
        "sep": "september",
        "sept": "september",
        "oct": "october",
        "nov": "november",
        "dec": "december",
    },
}
_UP = frozenset(
    "rose rise rises rising risen increase increased increases increasing gain gained gains "
    "climb climbed climbs grew grow grows growing jump jumped jumps surge surged soared "
    "up higher more".split()
)
_DOWN = frozenset(
    "fell fall falls falling fallen decrease decreased decreases decreasing drop dropped drops "
    "decline declined declines lost lose loses slid slipped shrank shrink plunged tumbled "
    "down lower fewer less".split()
)
# Direction words that also have unrelated senses ("shut down", "more than"): a direction only
# when a number follows closely.
_WEAK_DIRECTIONS = frozenset("up down higher lower more fewer less".split())
# Capitalised words that are not names even mid-sentence.
_NOT_NAMES = frozenset("i the a an mr mrs ms dr".split()) | _WEEKDAYS | frozenset(_MONTHS)


_POSSESSIVE = re.compile(r"['’]s$")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _number_value(token: str, following: list[str]) -> tuple[str, str, int] | None:
    """(unit, normalised value, tokens consumed after this one) for a number token."""
    lowered = token.lower()
    if lowered in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS[lowered])
        unit = "plain"
    elif token[:1] in "$€£" or token[:1].isdigit():
        digits = token.lstrip("$€£").rstrip("%").replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            return None
        unit = "money" if token[:1] in "$€£" else "percent" if token.endswith("%") else "plain"
    else:
        return None
    consumed = 0
    # "2.5 million-crown loan": the multiplier may open a hyphenated word.
    nxt = [w.lower().split("-")[0] for w in following[:2]]
    if nxt and nxt[0] in _MULTIPLIERS:
        value *= _MULTIPLIERS[nxt[0]]
        consumed = 1
        nxt = nxt[1:]
    if nxt and nxt[0] in _PERCENT_WORDS:
        unit = "percent"
        consumed += 1
    elif nxt and nxt[0] in _MONEY_WORDS:
        unit = "money"
        consumed += 1
    if unit == "plain" and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", token):
        unit = "year"
    return unit, f"{value:g}", consumed


def extract_facts(text: str) -> list[Fact]:
    """The numbers, dates, directions and (mid-sentence, capitalised) names in a sentence."""
    words = tokens(text)
    facts: list[Fact] = []
    skip_until = -1
    for i, word in enumerate(words):
        if i <= skip_until:
            continue
        word = _POSSESSIVE.sub("", word)  # "Friday's", "Britain's": the fact is the word
        lowered = word.lower().rstrip(".")
        number = _number_value(word, words[i + 1 : i + 3])
        if number is not None:
            unit, value, consumed = number
            surface = " ".join(words[i : i + 1 + consumed])
            facts.append(Fact(f"number:{unit}", value, surface, i))
            skip_until = i + consumed
        elif lowered in _WEEKDAYS:
            facts.append(Fact("weekday", lowered, word, i))
        elif lowered in _MONTHS and (word[0].isupper()):
            facts.append(Fact("month", _MONTHS[lowered], word, i))
        elif lowered in _UP or lowered in _DOWN:
            # A direction is compared with the direction of the same quantity on the other side
            # ("fell 0.4%" against "rose 0.4%"), so it is keyed by the number that follows it.
            amount = _number_after(words, i)
            if amount is None and lowered in _WEAK_DIRECTIONS:
                continue
            kind = f"direction@{amount}" if amount else "direction"
            facts.append(Fact(kind, "up" if lowered in _UP else "down", word, i))
        elif i > 0 and word[:1].isupper() and lowered not in _NOT_NAMES and word.isalpha():
            facts.append(Fact("name", lowered, word, i))
    return facts


def _number_after(words: list[str], i: int) -> str | None:
    """The number (unit and value) within three words after position i, if any."""
    for k in range(i + 1, min(i + 4, len(words))):
        number = _number_value(words[k], words[k + 1 : k + 3])
        if number is not None:
            return f"{number[0]}={number[1]}"
    return None


def find_conflicts(a: str, b: str) -> list[Conflict]:
    """Facts of `a` replaced by different facts of the same kind in `b` (same claim assumed)."""
    facts_a, facts_b = extract_facts(a), extract_facts(b)
    conflicts = _replaced_names(a, b, facts_a, facts_b)
    for kind in sorted({f.kind for f in facts_a + facts_b} - {"name"}):
        only_a, only_b = _one_sided(
            [f for f in facts_a if f.kind == kind], [f for f in facts_b if f.kind == kind]
        )
        conflicts += [
            Conflict(fa.surface, fb.surface) for fa, fb in zip(only_a, only_b, strict=False)
        ]
    return conflicts


def _one_sided(facts_a: list[Fact], facts_b: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """Facts whose value the other side lacks, in reading order (multiset difference)."""
    return _missing_from(facts_a, facts_b), _missing_from(facts_b, facts_a)


def _missing_from(facts: list[Fact], other: list[Fact]) -> list[Fact]:
    available = Counter(f.value for f in other)
    missing = []
    for fact in facts:
        if available[fact.value] > 0:
            available[fact.value] -= 1
        else:
            missing.append(fact)
    return missing


def _replaced_names(a: str, b: str, facts_a: list[Fact], facts_b: list[Fact]) -> list[Conflict]:
    """Names swapped in place: the word-level diff replaces a name span by another name span.

    Names are compared only where the sentences line up word for word around them, because a
    paraphrase legitimately says "the Russian president" where the original says "Putin".
    """
    words_a, words_b = tokens(a), tokens(b)
    names_a = {f.position: f for f in facts_a if f.kind == "name"}
    names_b = {f.position: f for f in facts_b if f.kind == "name"}
    all_a = {f.value for f in names_a.values()}
    all_b = {f.value for f in names_b.values()}
    matcher = difflib.SequenceMatcher(
        None, [w.lower() for w in words_a], [w.lower() for w in words_b], autojunk=False
    )
    conflicts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        span_a = [names_a[i] for i in range(i1, i2) if i in names_a]
        span_b = [names_b[j] for j in range(j1, j2) if j in names_b]
        # Whole span must be names, and neither name may appear elsewhere on the other side.
        if len(span_a) != i2 - i1 or len(span_b) != j2 - j1:
            continue
        if any(f.value in all_b for f in span_a) or any(f.value in all_a for f in span_b):
            continue
        surface_a = " ".join(words_a[i1:i2])
        surface_b = " ".join(words_b[j1:j2])
        if _is_acronym(surface_a, surface_b) or _is_acronym(surface_b, surface_a):
            continue
        conflicts.append(Conflict(surface_a, surface_b))
    return conflicts


def _is_acronym(short: str, long: str) -> bool:
    letters = re.sub(r"[^A-Z]", "", short)
    return len(letters) >= 2 and letters == "".join(w[0] for w in long.split() if w[:1].isupper())
