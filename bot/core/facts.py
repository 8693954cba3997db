"""The checkable facts of a sentence (numbers, dates, directions, names) and where two differ.

Two passages already judged to make the same claim conflict when a fact in one is replaced
by a different fact of the same kind in the other: "11 injured" vs "15 injured", "on
Tuesday" vs "on Thursday", "rose 4%" vs "fell 4%", "Maria Lopez" vs "Ana Ruiz". A fact
present on one side only is an omission, not a conflict: paraphrases drop details.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from text_to_num import text2num


@dataclass(frozen=True)
class Conflict:
    a: str
    b: str


@dataclass(frozen=True)
class Fact:
    kind: str  # "number:<unit>", "time", "weekday", "month", "direction", "name"
    value: str  # normalised, compared across the two sides
    surface: str  # as written, shown to the user
    position: int  # token index
    # For numbers: the words around it ("14 miners", "injuring 31 people"), which say what
    # is counted; two different figures are one claim only when they count the same thing.
    context: frozenset[str] = frozenset()
    # "about 4,200", "just under two thousand": a rounded figure, the same claim as any
    # figure within APPROXIMATE of it.
    approximate: bool = False
    # "more than 200", "at least 12": 1 (a lower bound); "fewer than 50", "up to 14": -1.
    bound: int = 0
    # "from 36 storeys to 31", "up from £650": the value before a change.
    former: bool = False


_TOKEN = re.compile(
    r"[$€£]?\d(?:[\d,]*\d)?(?:\.\d+)?%?"  # 1,200  3.5  $2.3  4%
    r"|[A-Za-z]+(?:\.[A-Za-z])+\.?"  # U.S.  p.m.
    r"|\w+(?:['’-]\w+)*"
    r"|[^\w\s]"
)

# Number words as text2num reads them; spans of these are valued by text2num.
_UNITS_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALE_WORDS = ("hundred", "thousand", "million", "billion", "trillion")
_NUMBER_WORDS = frozenset(_UNITS_WORDS + _TENS_WORDS + list(_SCALE_WORDS))
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
# "a dozen", "a hundred", "a million": the word after "a" is the figure.
_A_SCALE = {"dozen": 12.0, "hundred": 100.0} | {
    w: _MULTIPLIERS[w] for w in ("thousand", "million", "billion")}
_PERCENT_WORDS = {"percent", "percentage", "pc"}  # and "per cent"; "£75 per fuel" is no share
_MONEY_WORDS = {"dollars", "euros", "pounds", "usd", "eur", "gbp", "cents", "yen", "sterling"}
# Pence are hundredths of the money unit, so "60p" and "£0.60" are one amount.
_PENCE = {"p", "pence", "penny"}
# Fractions written as words: "a fifth of", "two-thirds", "one in five" are all shares (%).
_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "tenth": 10,
    "tenths": 10,
}
# Durations in days, so "14 days" meets "a fortnight" and "48 hours" meets "two days".
_DURATIONS = {
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "fortnight": 14.0,
    "month": 30.44,
    "year": 365.25,
    "decade": 3652.5,
}
# Distances in km, so "90 miles" is a distance, not a count of 90 things.
_DISTANCES = {
    "mile": 1.609, "miles": 1.609, "km": 1.0, "kilometre": 1.0, "kilometres": 1.0,
    "kilometer": 1.0, "kilometers": 1.0, "metre": 1e-3, "metres": 1e-3, "meter": 1e-3,
    "meters": 1e-3, "yards": 0.9144e-3, "feet": 0.3048e-3, "ft": 0.3048e-3,
}
# Masses in kg, so "two tonnes", "2,000kg" and "4,400lb" are one figure ("pounds" is money).
_MASSES = {
    "tonne": 1e3, "tonnes": 1e3, "ton": 1e3, "tons": 1e3, "kg": 1.0, "kilo": 1.0, "kilos": 1.0,
    "kilogram": 1.0, "kilograms": 1.0, "g": 1e-3, "gram": 1e-3, "grams": 1e-3,
    "lb": 0.4536, "lbs": 0.4536,
}
# Power in kW and energy in kWh, so "1.2GW" meets "1,200MW" and a price per kWh ("24.9p")
# or a rating ("500MW") is not read as a count of the plain figure beside it ("11,500kWh").
_POWER = {
    "kw": 1.0, "kilowatt": 1.0, "kilowatts": 1.0, "mw": 1e3, "megawatt": 1e3, "megawatts": 1e3,
    "gw": 1e6, "gigawatt": 1e6, "gigawatts": 1e6,
}
_ENERGY = {"kwh": 1.0, "mwh": 1e3, "gwh": 1e6, "twh": 1e9}
# Words that make the figure after them a rounded one ("about 12,000", "just under two
# thousand dollars"); bounds such as "at least" and "more than" are not approximations.
_APPROXIMATE = frozenset(
    "about around roughly approximately nearly almost some circa approx estimated".split()
)
_APPROXIMATE_PAIRS = frozenset({("just", "under"), ("just", "over"), ("close", "to"),
                                ("just", "below"), ("just", "above"), ("or", "so"),
                                ("little", "over"), ("little", "under"), ("shade", "over"),
                                ("shade", "under"), ("shy", "of")})
APPROXIMATE = 0.05  # a rounded figure within 5% of the other is the same figure
APPROXIMATE_MINUTES = 15  # "about 4.30pm" is any time from 4.15 to 4.45
_NEAR_TIME = frozenset("just shortly soon minutes moments".split())
# A bound met by a figure this close is that figure rounded for a lede ("more than 200" /
# "212"); one met from further off is an update ("at least four injured" / "seven").
ROUNDED_BOUND = 0.10
_LOWER_BOUNDS = frozenset({("more", "than"), ("at", "least"), ("upwards", "of"), ("over",)})
_UPPER_BOUNDS = frozenset({("fewer", "than"), ("less", "than"), ("up", "to"), ("under",)})
# Nouns after which a number is a label, not a count: "year one", "phase two", "day 3";
# such a number conflicts only with the same label's ("number 11" / "number 17").
_LABELS = frozenset(
    "year day week phase stage round part chapter season series page platform gate terminal "
    "level grade tier number no mile exit junction route interstate highway flight".split()
)
_EMERGENCY_NUMBERS = frozenset({"999", "911", "112", "111", "101", "000"})
_DIAL_WORDS = frozenset(
    "call called calling calls ring rang ringing rung dial dialled dialed dialling dialing "
    "phone phoned phoning contact contacted".split()
)
_MERIDIEM = {"am": 0, "a.m.": 0, "a.m": 0, "pm": 12, "p.m.": 12, "p.m": 12}
_CLOCK_WORDS = {"midday": 12 * 60, "noon": 12 * 60, "midnight": 0}
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
_ORDINAL_SUFFIXES = frozenset("st nd rd th".split())
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
_NOT_NAMES = (
    frozenset("i the a an mr mrs ms dr".split())
    | _WEEKDAYS
    | frozenset(_MONTHS)
    | _NUMBER_WORDS
    | frozenset(_FRACTIONS)
)


# Facts read clock times as one token ("15:00"); the lexical evidence keeps `tokens`.
_FACT_TOKEN = re.compile(r"\d{1,2}:\d{2}(?![\d:]|\.\d)|" + _TOKEN.pattern)  # not 3:49.78

_POSSESSIVE = re.compile(r"['’]s$")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _fact_tokens(text: str) -> list[str]:
    return _FACT_TOKEN.findall(text)


# A figure as one token: "12,000", "3.5%", "£3.2m", "9pm", "14:05"; not a code like "w0x1".
_FIGURE = re.compile(r"[$€£]?\d[\d,.:]*(?:%|[a-z]{0,3})")


def is_number_token(token: str) -> bool:
    """A token that states (part of) a figure or a date: digits, number words, multipliers,
    ordinals, weekdays, months. Masked when two passages are compared for the same claim."""
    word = token.lower()
    return (
        _FIGURE.fullmatch(word) is not None
        or word in _NUMBER_WORDS
        or word in _MULTIPLIERS
        or word in _WEEKDAYS
        or word in _MONTHS
        or word in _FRACTIONS
        or word in ("dozen", "dozens", "half", "quarter", "percent", "per", "cent")
    )


@dataclass(frozen=True)
class _Number:
    unit: str  # plain, money, percent, year, duration
    value: float
    end: int  # index of the last token read


def _is_number_word(word: str) -> bool:
    parts = word.lower().split("-")
    return all(p in _NUMBER_WORDS for p in parts) and parts[0] not in _SCALE_WORDS[1:]


def _word_number(words: list[str], i: int) -> tuple[float, int] | None:
    """A number written in words starting at i ("twenty-three thousand", "a dozen")."""
    lowered = words[i].lower()
    if lowered == "dozen":
        return 12.0, i
    if lowered == "half" and [w.lower() for w in words[i + 1 : i + 3]] == ["a", "dozen"]:
        return 6.0, i + 2
    if lowered in ("a", "one") and i + 1 < len(words) and words[i + 1].lower() == "fortnight":
        return 1.0, i
    if lowered == "a" and i + 1 < len(words) and words[i + 1].lower() in _A_SCALE:
        return _A_SCALE[words[i + 1].lower()], i + 1
    if not _is_number_word(words[i]):
        return None
    if lowered == "one" and i + 1 < len(words) and words[i + 1].lower() == "of":
        return None  # "one of the biggest employers": a member, not a count
    end = i
    while end + 1 < len(words):
        nxt = words[end + 1].lower()
        # "three thousand four hundred": the scale word, then the rest of the number
        if (_is_number_word(nxt) or nxt in _SCALE_WORDS) and (nxt.split("-")[0] in _SCALE_WORDS or
                                     words[end].lower().split("-")[-1] in _SCALE_WORDS):
            end += 1
        elif (
            nxt == "and"
            and end + 2 < len(words)
            and words[end].lower() in _SCALE_WORDS
            and _is_number_word(words[end + 2])
            and not _scale_follows(words, end + 2, words[end].lower())
        ):
            end += 2
        else:
            break
    phrase = " ".join(w.lower().replace("-", " ") for w in words[i : end + 1] if w != "and")
    try:
        return float(text2num(phrase, "en")), end
    except ValueError:
        return None


# Words around "one" that make it a pronoun, not a count: "the one", "each one", "one by
# one", "one that", "any household that needs one" (at a clause's end).
_ONE_BEFORE = frozenset("the this that each any every no another which".split())
_ONE_AFTER = frozenset("by another that who which".split())
_CLAUSE_END = frozenset(("", ".", "!", "?", ";", '"', "“", "”"))


def _is_pronoun_one(words: list[str], i: int) -> bool:
    if words[i].lower() != "one":
        return False
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    before = words[i - 1].lower() if i > 0 else ""
    if after in _SCALE_WORDS:  # "the one hundred flats"
        return False
    return before in _ONE_BEFORE or after in _ONE_AFTER or after in _CLAUSE_END


def _scale_follows(words: list[str], k: int, scale: str) -> bool:
    """Whether the number words from k go on to `scale` or a larger one ("between four
    thousand and five and a half thousand"): then "and" joins two figures, unlike "four
    thousand and five" or "two hundred and twenty thousand"."""
    rank = _SCALE_WORDS.index(scale)
    for word in (w.lower() for w in words[k + 1 : k + 5]):
        if word in _SCALE_WORDS:
            after = _SCALE_WORDS.index(word)
            # hundreds compose into a larger scale: "two hundred and twenty thousand"
            return after == rank or (after > rank and scale != "hundred")
        if not (_is_number_word(word) or word in ("and", "a", "half", "quarter")):
            return False
    return False


def _scalar(words: list[str], i: int) -> tuple[str, float, int] | None:
    """(unit, value, last token) for a bare number at i: digits, or number words."""
    token = words[i]
    if token[:1] in "$€£" or token[:1].isdigit():
        digits = token.lstrip("$€£").rstrip("%").replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            return None
        unit = "money" if token[:1] in "$€£" else "percent" if token.endswith("%") else "plain"
        return unit, value, i
    spelled = _word_number(words, i)
    if spelled is None:
        return None
    return "plain", spelled[0], spelled[1]


def _read_number(words: list[str], i: int) -> _Number | None:
    """The number at token i with what follows it: multiplier, unit, share, duration."""
    lowered = words[i].lower()
    fraction = _fraction(words, i)
    if fraction is not None:
        return fraction
    scalar = _scalar(words, i)
    if scalar is None:
        return None
    unit, value, end = scalar
    if unit == "plain":
        extra, end = _mixed(words, end)
        value += extra
    # "one in five", "1 in every 8": a share.
    k = end + 1
    if k < len(words) and words[k].lower() == "in" and unit == "plain":
        k2 = k + 2 if k + 1 < len(words) and words[k + 1].lower() == "every" else k + 1
        if k2 < len(words):
            base = _scalar(words, k2)
            if base is not None and base[0] == "plain" and base[1] > value > 0:
                return _Number("percent", _share(value / base[1]), base[2])
    # "2.5 million-crown loan": the multiplier may open a hyphenated word.
    nxt = [w.lower().split("-")[0] for w in words[end + 1 : end + 3]]
    if nxt and nxt[0] in _MULTIPLIERS:
        value *= _MULTIPLIERS[nxt[0]]
        end += 1
        nxt = nxt[1:]
    if unit == "plain" and (nxt[:2] == ["per", "cent"] or nxt[:1] and nxt[0] in _PERCENT_WORDS):
        unit = "percent"
        end += 2 if nxt[0] == "per" else 1
    elif nxt and nxt[0] in _MONEY_WORDS:
        unit = "money"
        end += 1
    elif unit == "plain" and nxt and nxt[0] in _PENCE:
        return _Number("money", _round(value / 100, 6), end + 1)
    elif unit == "plain" and (measure := _measure(value, words, end + 1)) is not None:
        return measure
    if unit == "plain" and re.fullmatch(r"\d+", lowered) and nxt[:1] and nxt[0] in (
            _ORDINAL_SUFFIXES):
        # "the 30th anniversary": a rank, which a count ("32 people") does not contradict.
        return _Number("ordinal", value, end + 1)
    if unit == "plain" and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", lowered):
        # "the late 1990s": a decade, which a year inside it ("1998") does not contradict.
        unit = "decade" if words[end + 1 : end + 2] == ["s"] else "year"
        end += unit == "decade"
    return _Number(unit, value, end)


def _duration_unit(word: str) -> float | None:
    word = word.lower()
    singular = word[:-1] if word.endswith("s") else word
    return _DURATIONS.get(singular)


def _fraction(words: list[str], i: int) -> _Number | None:
    """ "a fifth of", "two-thirds", "three quarters of", "half of": a share; "half a mile",
    "a quarter of an hour": a measure."""
    lowered = words[i].lower()
    parts = lowered.split("-")
    if len(parts) == 2 and parts[1] in _FRACTIONS and _is_number_word(parts[0]):
        numerator = _word_number([parts[0]], 0)
        if numerator is not None:
            return _Number("percent", _share(numerator[0] / _FRACTIONS[parts[1]]), i)
    if lowered not in ("a", "one", "than", "half") and not _is_number_word(lowered):
        return None
    k = i if lowered == "half" else i + 1
    if k >= len(words) or words[k].lower() not in _FRACTIONS:
        return None
    denominator = _FRACTIONS[words[k].lower()]
    spelled = (1.0, i) if lowered in ("a", "one", "half") else _word_number(words, i)
    if spelled is not None:
        unit_at = k + 2 if words[k + 1 : k + 2] == ["of"] else k + 1
        if words[unit_at : unit_at + 1] in (["a"], ["an"]):
            value = spelled[0] / denominator
            scale = words[unit_at + 1].lower() if unit_at + 1 < len(words) else ""
            if scale in _SCALE_WORDS[1:]:  # "a quarter of a million", "half a billion"
                money = words[unit_at + 2 : unit_at + 3] and words[unit_at + 2].lower() in (
                    _MONEY_WORDS)
                return _Number("money" if money else "plain", value * _MULTIPLIERS[scale],
                               unit_at + 1 + bool(money))
            measure = _measure(value, words, unit_at + 1)
            if measure is not None:
                return measure
    followed = (k + 1 < len(words) and words[k + 1].lower() in ("of", "the", "their", "its")
                or (i > 0 and words[i - 1].lower() == "by"))  # "rise by a fifth", "by half"
    if lowered == "half":
        # "the first half of the year", "in the half": a period, not a share.
        period = i > 0 and words[i - 1].lower() in ("the", "first", "second")
        return _Number("percent", 50.0, k) if followed and not period else None
    if lowered == "than":  # "less than half their rain"
        return _Number("percent", 50.0, k) if words[k].lower() == "half" else None
    if spelled is None or not followed:
        return None
    return _Number("percent", _share(spelled[0] / denominator), k)


def _measure(value: float, words: list[str], k: int) -> _Number | None:
    """`value` of the unit at token k ("1.5" "hours", "0.5" "mile"): a duration or distance."""
    if k >= len(words):
        return None
    word = words[k].lower()
    if (days := _duration_unit(word)) is not None:
        return _Number("duration", _round(value * days, 2), k)
    if word in _DISTANCES:
        return _Number("distance", _round(value * _DISTANCES[word], 2), k)
    if word in _MASSES:
        return _Number("mass", _round(value * _MASSES[word], 3), k)
    if word in _POWER:  # "2,700 kilowatt hours" is energy
        if words[k + 1 : k + 2] in (["hours"], ["hour"]):
            return _Number("energy", _round(value * _POWER[word], 3), k + 1)
        return _Number("power", _round(value * _POWER[word], 3), k)
    if word in _ENERGY:
        return _Number("energy", _round(value * _ENERGY[word], 3), k)
    return None


def _mixed(words: list[str], end: int) -> tuple[float, int]:
    """The fraction after a whole number ("two and a half", "3 and a quarter") and its end."""
    following = [w.lower() for w in words[end + 1 : end + 4]]
    if following[:2] == ["and", "a"] and following[2:] in (["half"], ["quarter"]):
        return 1 / _FRACTIONS[following[2]], end + 3
    return 0.0, end


def _share(ratio: float) -> float:
    """A fraction as a percentage, rounded as a writer would: one in three is 33%."""
    percent = ratio * 100
    return float(round(percent)) if abs(percent - round(percent)) < 0.35 else round(percent, 1)


def _round(value: float, digits: int) -> float:
    """Round to `digits` significant figures (13 weeks and three months are both ~91 days)."""
    if value == 0:
        return 0.0
    return float(f"{value:.{digits}g}")


def _date_day(words: list[str], i: int) -> tuple[int, int, int] | None:
    """(day, first token, last token) of a day number next to the month at i: "4 April",
    "April 4", "4th April", "April 4th"."""
    after = i + 1
    if after < len(words) and re.fullmatch(r"\d{1,2}", words[after]):
        end = after + 1 if words[after + 1 : after + 2] and words[after + 1].lower() in (
            _ORDINAL_SUFFIXES) else after
        if 1 <= int(words[after]) <= 31:
            return int(words[after]), i, end
    before = i - 1
    if before >= 0 and words[before].lower() in _ORDINAL_SUFFIXES:
        before -= 1
    if before >= 0 and re.fullmatch(r"\d{1,2}", words[before]) and 1 <= int(words[before]) <= 31:
        return int(words[before]), before, i
    return None


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_HOUR_DOT = re.compile(r"(\d{1,2})(?:\.(\d{2}))?")
_PAST_TO_MINUTES = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20, "twenty-five": 25,
                    "half": 30}


def _hour_word(word: str) -> int | None:
    if re.fullmatch(r"\d{1,2}", word):
        return int(word) if 1 <= int(word) <= 12 else None
    spelled = _word_number([word], 0)
    return int(spelled[0]) if spelled and 1 <= spelled[0] <= 12 else None


def _read_time(words: list[str], i: int) -> tuple[int, int] | None:
    """(minutes after midnight or noon, last token) of a clock time at i: "15:00", "3pm",
    "4.40 a.m.", "midday", "six o'clock", "twenty to five", "quarter past three". Times
    compare on a 12-hour clock, so "3pm" meets "15:00" (and "9am" meets "9pm")."""
    word = words[i].lower()
    nxt = words[i + 1].lower() if i + 1 < len(words) else ""
    meridiem = nxt in _MERIDIEM
    if word in _CLOCK_WORDS:
        return _CLOCK_WORDS[word] % 720, i
    if (clock := _CLOCK.fullmatch(word)) is not None:
        hour, minute = int(clock[1]), int(clock[2])
        if hour <= 23 and minute <= 59:
            return (hour * 60 + minute) % 720, i + meridiem
        return None
    if meridiem and (dotted := _HOUR_DOT.fullmatch(word)) is not None:
        hour, minute = int(dotted[1]), int(dotted[2] or 0)
        if 1 <= hour <= 12 and minute <= 59:
            return (hour * 60 + minute) % 720, i + 1
        return None
    if nxt in ("o'clock", "o’clock") and (whole := _hour_word(words[i])) is not None:
        return whole % 12 * 60, i + 1
    k = i + 1 if word == "a" and nxt == "quarter" else i
    minutes = _PAST_TO_MINUTES.get(words[k].lower())
    if minutes is None or k + 2 >= len(words) or words[k + 1].lower() not in ("past", "to"):
        return None
    if i > 0 and words[i - 1].lower() in ("from", "between"):  # "from twenty to five": a range
        return None
    named = _hour_word(words[k + 2])
    if named is None:
        return None
    total = named * 60 + (minutes if words[k + 1].lower() == "past" else -minutes)
    return total % 720, k + 2


_LEAD_MARKS = frozenset(("-", "–", "—", ":", "|"))


def _lead_end(words: list[str]) -> int:
    """The first token after a live-blog timestamp ("08:05 -", "UPDATE 13:30 -") or a wire
    dateline ("KESSLING, Iowa (AP) —"), else 0: when and by whom a line was filed is not a
    fact of its claim."""
    if (dateline := _dateline_end(words)) is not None:
        return dateline
    k = _past_markup(words, 0)  # "**10.30am** The vote ..."
    k += k < len(words) and words[k].isalpha() and words[k].isupper()  # "UPDATE 13:30 -"
    time = _read_time(words, k) if k < len(words) else None
    if time is None:
        return 0
    end = _past_markup(words, time[1] + 1)
    if end < len(words) and words[end] in _LEAD_MARKS:
        return end + 1
    # "11:30 UPDATE: Cllr Thorne says ...": a tag after the time.
    if end + 1 < len(words) and words[end].isalpha() and words[end].isupper() and (
            words[end + 1] in _LEAD_MARKS):
        return end + 2
    # "09:14 The vote is expected ...": an entry's time in figures, then its first sentence.
    if words[k][:1].isdigit() and end < len(words) and words[end][:1].isupper():
        return end
    return 0


def _past_markup(words: list[str], k: int) -> int:
    """The first token from k on that is not emphasis or heading markup."""
    while k < len(words) and words[k] in ("*", "_", "#", "[", "]"):
        k += 1
    return k


def _dateline_end(words: list[str]) -> int | None:
    """The token after "PLACE[, Region] (Agency) —", if the sentence opens with one."""
    if not words or not (words[0].isalpha() and words[0].isupper()):
        return None
    opening = words.index("(") if "(" in words[:5] else -1
    if opening < 0 or words[opening + 2 : opening + 4] not in (
        [")", dash] for dash in ("—", "–", "-")
    ):
        return None
    return opening + 4


def _is_near_time(words: list[str], i: int) -> bool:
    """ "just before 4pm", "shortly after noon", "a few minutes past three"."""
    before = tuple(w.lower() for w in words[max(0, i - 2) : i])
    return len(before) == 2 and before[0] in _NEAR_TIME and before[1] in ("before", "after", "past")


def _is_approximate(words: list[str], i: int) -> bool:
    before = [w.lower() for w in words[max(0, i - 2) : i]]
    return bool(before) and (
        before[-1] in _APPROXIMATE or tuple(before) in _APPROXIMATE_PAIRS
    ) or [w.lower() for w in words[i + 1 : i + 3]] == ["or", "so"]


def _bound(words: list[str], i: int) -> int:
    before = tuple(w.lower() for w in words[max(0, i - 2) : i])
    if before[-1:] in _LOWER_BOUNDS or before in _LOWER_BOUNDS:
        return 1
    if before[-1:] in _UPPER_BOUNDS or before in _UPPER_BOUNDS:
        return -1
    return 0


def _is_former(words: list[str], i: int, end: int) -> bool:
    """ "from 36 storeys to 31", "up from £650", "compared with 12 last year"."""
    before = [w.lower() for w in words[max(0, i - 2) : i]]
    if before[-1:] != ["from"]:
        return before in (["compared", "with"], ["compared", "to"])
    return before[:1] in (["up"], ["down"]) or "to" in (w.lower() for w in words[end + 1 : end + 4])


def _is_phone_number(words: list[str], i: int) -> bool:
    """ "rang 999", "call 101", "on 01632 960 418": a number dialled, not a figure of the
    story (a group of digits opening with 0, and the groups after it, are a phone number)."""
    if words[i] in _EMERGENCY_NUMBERS and i > 0 and words[i - 1].lower() in _DIAL_WORDS:
        return True
    k = i
    while k >= 0 and words[k].isdigit():
        if len(words[k]) >= 4 and words[k].startswith("0"):
            return True
        k -= 1
    return False


def _is_label(words: list[str], i: int) -> bool:
    """ "year one", "phase 2": a number naming a step, not counting anything."""
    if i == 0 or words[i - 1].lower() not in _LABELS:
        return False
    return i < 2 or words[i - 2].lower() not in ("a", "an", "every", "each", "per", "last",
                                                 "this", "next", "that")


def extract_facts(text: str) -> list[Fact]:
    """The numbers, dates, directions and (mid-sentence, capitalised) names in a sentence."""
    return list(_facts(text))


# A sentence is compared with each of its paragraph's candidates: read its facts once.
@functools.lru_cache(maxsize=8192)
def _facts(text: str) -> tuple[Fact, ...]:
    words = _fact_tokens(text)
    words = [_POSSESSIVE.sub("", w) for w in words]  # "Friday's", "Britain's": the fact is the word
    dates = _dates(words)
    facts: list[Fact] = []
    lead = _lead_end(words)
    skip_until = lead - 1
    last_number: tuple[int, str] | None = None  # (last token, "unit=value") of the latest figure
    for i, word in enumerate(words):
        if i <= skip_until:
            continue
        lowered = word.lower().rstrip(".")
        if i in dates:
            day, end = dates[i]
            facts.append(Fact("date", day, " ".join(words[i : end + 1]), i))
            skip_until = end
            continue
        time = _read_time(words, i)
        if time is not None:
            minutes, end = time
            surface = _as_written(text, words[i : end + 1])
            facts.append(Fact("time", f"{minutes // 60}:{minutes % 60:02d}", surface, i,
                              approximate=_is_approximate(words, i) or _is_near_time(words, i)))
            skip_until = end
            continue
        number = (None if _is_phone_number(words, i) or _is_pronoun_one(words, i)
                  else _read_number(words, i))
        if number is not None:
            surface = _as_written(text, words[i : number.end + 1])
            # "year one", "number 11": compared only with the same label's number
            unit = f"label-{words[i - 1].lower()}" if _is_label(words, i) else number.unit
            facts.append(Fact(f"number:{unit}", f"{number.value:g}", surface, i,
                              _context(words, i, number.end), _is_approximate(words, i),
                              _bound(words, i), _is_former(words, i, number.end)))
            skip_until = number.end
            last_number = (number.end, f"{number.unit}={number.value:g}")
        elif lowered in _WEEKDAYS:
            facts.append(Fact("weekday", lowered, word, i))
        elif lowered in _MONTHS and (word[0].isupper()):
            facts.append(Fact("month", _MONTHS[lowered], word, i))
        elif lowered in _UP or lowered in _DOWN:
            # A direction is compared with the direction of the same quantity on the other side
            # ("fell 0.4%" against "rose 0.4%"), so it is keyed by the number that follows it.
            amount = _number_after(words, i)
            if amount is None and last_number is not None and last_number[0] == i - 1:
                amount = last_number[1]  # "a 3.5% rise": the figure before it
            if amount is None and lowered in _WEAK_DIRECTIONS:
                continue
            if lowered == "up" and words[i + 1 : i + 2] == ["to"]:  # "up to 14 days": a limit
                continue
            kind = f"direction@{amount}" if amount else "direction"
            facts.append(Fact(kind, "up" if lowered in _UP else "down", word, i))
        elif (i > lead and word[:1].isupper() and lowered not in _NOT_NAMES and word.isalpha()
              and not _opens_quote(words, i)):
            facts.append(Fact("name", lowered, word, i))
    return tuple(facts)


def _opens_quote(words: list[str], i: int) -> bool:
    """Whether token i starts a quoted sentence ('said: “This gang ...'), where a capital
    says nothing of a name. A straight quote opens at the start or after a colon: after a
    comma it may as well close one ('rebuild," Ruiz said')."""
    before = words[i - 1] if i > 0 else ""
    return before in ("“", "‘") or (before == '"' and (i == 1 or words[i - 2] == ":"))


def _as_written(text: str, span: list[str]) -> str:
    """The tokens as the text writes them: "3pm", "£4.5m" and "1990s" are several tokens."""
    spaced = " ".join(span)
    return spaced if spaced in text or "".join(span) not in text else "".join(span)


_CONTEXT_STOP = frozenset(
    "a an the of to in on at for by with and or but is are was were be been has have had it "
    "its this that as from which who about around some nearly almost more than over under "
    "just only least most per cent percent up down".split()
)


# What a figure counts, by the stems of the words that say it: "12,000 homes" and "38,000
# customers" count the same thing, as do "23 people were killed" and "the number of dead".
_COUNTED = {
    stem: concept
    for concept, stems in {
        "=dead": "kille killi dead death died dies dying toll fatal bodie",
        "=homes": "homes house custo prope premi addre dwell",
        "=people": "peopl resid perso citiz indiv",
        "=missing": "missi unacc",
        "=injured": "injur hurt wound",
        "=rescued": "rescu alive pulle saved",
        "=staff": "staff worke emplo jobs workf",
    }.items()
    for stem in stems.split()
}
# Shared words that say little about which claim a figure belongs to.
_GENERIC = frozenset({"=people"})


def _context(words: list[str], start: int, end: int) -> frozenset[str]:
    """Content words just before and after a number, lower-cased and cut to their first five
    letters (a crude stem: "province"/"provincial", "injured"/"injuries"), with the kind of
    thing they count ("=dead", "=homes")."""
    near = words[max(0, start - 5) : start] + words[end + 1 : end + 4]
    # "The number of fire engines at the scene has risen to 20": what "number of" names is
    # what the next figure counts, however far after it.
    for k in range(start - 1):
        if (words[k].lower(), words[k + 1].lower()) == ("number", "of") and not any(
                w[:1].isdigit() or _is_number_word(w) for w in words[k + 2 : start]):
            near += words[k + 2 : min(k + 4, start)]
    stems = {w.lower()[:5] for w in near
             if w.replace("-", "").isalpha() and w.lower() not in _CONTEXT_STOP}
    return frozenset(_COUNTED.get(w, w) for w in stems)


def _overlap(a: Fact, b: Fact) -> float:
    shared = a.context & b.context
    return sum(0.5 if w in _GENERIC else 1.0 for w in shared)


def _dates(words: list[str]) -> dict[int, tuple[str, int]]:
    """First token -> (normalised "month-day", last token) for each day-and-month date."""
    found: dict[int, tuple[str, int]] = {}
    for i, word in enumerate(words):
        lowered = word.lower().rstrip(".")
        if lowered in _MONTHS and word[:1].isupper():
            day = _date_day(words, i)
            if day is not None:
                found[day[1]] = (f"{_MONTHS[lowered]}-{day[0]}", day[2])
    return found


def _number_after(words: list[str], i: int) -> str | None:
    """The number (unit and value) within three words after position i, if any."""
    for k in range(i + 1, min(i + 4, len(words))):
        number = _read_number(words, k)
        if number is not None:
            return f"{number.unit}={number.value:g}"
    return None


def find_conflicts(a: str, b: str, within: tuple[str, str] | None = None) -> list[Conflict]:
    """Facts of `a` replaced by different facts of the same kind in `b` (same claim assumed).

    `within`: the paragraphs the two sentences come from. A figure the other paragraph states
    in another sentence ("four and a half years" / "4.5 years" beside "19 months") was not
    replaced, only aligned with the wrong sentence."""
    facts_a, facts_b = extract_facts(a), extract_facts(b)
    conflicts = _replaced_names(a, b, facts_a, facts_b) or _other_speaker(a, b, facts_a, facts_b)
    around_a, around_b = (extract_facts(a), extract_facts(b)) if within is None else (
        extract_facts(within[0]), extract_facts(within[1]))
    for kind in sorted({f.kind for f in facts_a + facts_b} - {"name"}):
        of_kind_a = [f for f in facts_a if f.kind == kind]
        of_kind_b = [f for f in facts_b if f.kind == kind]
        only_a, only_b = _one_sided(of_kind_a, of_kind_b)
        if only_a and only_b:
            only_a = _missing_from(only_a, [f for f in around_b if f.kind == kind])
            only_b = _missing_from(only_b, [f for f in around_a if f.kind == kind])
        if kind.startswith("number"):
            # A value before a change ("lowered from 36 storeys to 31") is history: it can
            # only conflict with the other side's history.
            if not any(f.former for f in only_b):
                only_a = [f for f in only_a if not f.former]
            if not any(f.former for f in only_a):
                only_b = [f for f in only_b if not f.former]
            alone = len(of_kind_a) == 1 == len(of_kind_b)
            conflicts += [Conflict(fa.surface, fb.surface)
                          for fa, fb in _same_counted(only_a, only_b, alone)]
            if not only_a and not only_b:
                conflicts += _swapped(of_kind_a, of_kind_b)
            continue
        conflicts += [
            Conflict(fa.surface, fb.surface) for fa, fb in zip(only_a, only_b, strict=False)
        ]
    return conflicts


def _swapped(facts_a: list[Fact], facts_b: list[Fact]) -> list[Conflict]:
    """Two figures both sides state, each told of what the other side tells the other of
    ("62 at social rent and 41 shared ownership" / "41 for social rent and 62 shared
    ownership"): the same figures, transposed."""
    by_value_a = {f.value: f for f in facts_a}
    by_value_b = {f.value: f for f in facts_b}
    if (len(by_value_a) != len(facts_a) or len(by_value_b) != len(facts_b)
            or by_value_a.keys() != by_value_b.keys()):
        return []  # a figure stated twice, or only rounded alike: no telling which is which
    found = []
    for x, y in itertools.combinations(sorted(by_value_a), 2):
        ax, ay, bx, by = by_value_a[x], by_value_a[y], by_value_b[x], by_value_b[y]
        if (_overlap(ax, by) > _overlap(ax, bx) and _overlap(ay, bx) > _overlap(ay, by)):
            found.append(Conflict(ax.surface, by.surface))
    return found


# Words that tell a figure is the latest of a series: "the toll has risen to 31", "now
# stands at seven", "a later statement put the number at 17".
_UPDATE_WORDS = frozenset(
    "risen rose climbed increased grown jumped reached now latest later revised updated "
    "update stands".split()
)


def is_update(a: str, b: str) -> bool:
    """True when `b` gives a new figure for something `a` counts ("at least four people
    killed" / "the death toll has risen to six") and says it is the newer one."""
    words_a, words_b = tokens(a), _fact_tokens(b)
    # An entry's "UPDATE" tag says the blog moved on, not that this figure did.
    if not {w.lower() for w in words_b[_lead_end(words_b):]} & _UPDATE_WORDS:
        return False
    counted = _counted(words_a) & _counted(words_b)
    if not counted:
        return False
    only_a, only_b = _one_sided(extract_facts(a), extract_facts(b))
    return any(fa.kind == fb.kind and fa.kind.startswith("number")
               for fa in only_a for fb in only_b)


def _counted(words: list[str]) -> set[str]:
    """The things a sentence counts ("=dead", "=homes"), wherever it names them."""
    found = {_COUNTED.get(w.lower()[:5]) for w in words if w.isalpha()}
    return {c for c in found if c is not None and c not in _GENERIC}


def _same_counted(only_a: list[Fact], only_b: list[Fact], alone: bool) -> list[tuple[Fact, Fact]]:
    """Different figures that count the same thing ("16 miners" / "14 miners"): paired by
    the words around them, or, when each side states just one such figure, with each other.
    A figure of another claim in the same sentence ("two routes" / "year one") is no conflict,
    nor is a lone figure more than ten times the other that shares no word with it ("62,000
    homes" / "two pumping stations"): an update moves a count, it does not change its scale."""
    if alone:
        return [(fa, fb) for fa, fb in zip(only_a, only_b, strict=False)
                if _overlap(fa, fb) > 0 or _same_scale(fa, fb)]
    scored = sorted(
        ((-_overlap(fa, fb), x, y) for x, fa in enumerate(only_a) for y, fb in enumerate(only_b)),
    )
    pairs, used_a, used_b = [], set(), set()
    for score, x, y in scored:  # the best-matched figures first
        if score < 0 and x not in used_a and y not in used_b:
            pairs.append((x, y))
            used_a.add(x)
            used_b.add(y)
    return [(only_a[x], only_b[y]) for x, y in sorted(pairs)]


def _same_scale(a: Fact, b: Fact) -> bool:
    """Within ten times of each other."""
    x, y = abs(float(a.value)), abs(float(b.value))
    return min(x, y) * 10 >= max(x, y)


def _one_sided(facts_a: list[Fact], facts_b: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """Facts whose value the other side lacks, in reading order (multiset difference)."""
    return _missing_from(facts_a, facts_b), _missing_from(facts_b, facts_a)


def _missing_from(facts: list[Fact], other: list[Fact]) -> list[Fact]:
    available = Counter(f.value for f in other)
    missing = []
    for fact in facts:
        if available[fact.value] > 0:
            available[fact.value] -= 1
        elif not any(_rounded_alike(fact, f) for f in other):
            missing.append(fact)
    return missing


def _rounded_alike(a: Fact, b: Fact) -> bool:
    """One figure written rounder or shorter than the other: "about 4,200" / "4,180", "more
    than 200" / "212", "between 4.7 and 5 million" / "4.7 million"."""
    return (((a.approximate or b.approximate) and _close(a, b) and not _estimates_apart(a, b))
            or _meets(a, b) or _meets(b, a) or _scale_left_out(a, b) or _scale_left_out(b, a))


def _estimates_apart(a: Fact, b: Fact) -> bool:
    """Two rounded figures further apart than the coarser one's rounding ("around 5,200
    homes" / "about 5,400 homes"): two estimates, not one figure rounded twice ("nearly
    2,000" / "about 1,950")."""
    if not (a.approximate and b.approximate and a.kind.startswith("number")):
        return False
    step_a, step_b = _step(float(a.value)), _step(float(b.value))
    if step_a is None or step_b is None:
        return False
    return abs(float(a.value) - float(b.value)) > max(step_a, step_b) / 2


def _step(value: float) -> float | None:
    """The power of ten a whole figure is rounded to (5,200: 100); None for fractions."""
    if value <= 0 or value != int(value):
        return None
    step = 1
    while int(value) % (step * 10) == 0:
        step *= 10
    return float(step)


def _scale_left_out(a: Fact, b: Fact) -> bool:
    """`b` writes `a`'s digits with a multiplier that `a` leaves out: "between 4.7 and 5
    million" / "4.7 million", "4.7 and 5 metres" / "4.7m" (an "m" that may be either)."""
    digits = re.fullmatch(r"[$€£]?(\d[\d,]*(?:\.\d+)?)", a.surface)
    if digits is None or not b.surface.lstrip("$€£").startswith(digits.group(1)):
        return False
    rest = b.surface.lstrip("$€£")[len(digits.group(1)):].strip().lower()
    return rest.split(" ")[0] in _MULTIPLIERS


def _close(a: Fact, b: Fact) -> bool:
    """Within APPROXIMATE of each other ("$1,999" and "just under two thousand dollars"), or
    for clock times within APPROXIMATE_MINUTES ("3.50pm" and "a few minutes before four")."""
    if a.kind == b.kind == "time":
        (ha, ma), (hb, mb) = (map(int, f.value.split(":")) for f in (a, b))
        gap = abs((ha * 60 + ma) - (hb * 60 + mb))
        return min(gap, 24 * 60 - gap) <= APPROXIMATE_MINUTES
    try:
        x, y = float(a.value), float(b.value)
    except ValueError:
        return False
    return abs(x - y) <= APPROXIMATE * max(abs(x), abs(y))


def _meets(bound: Fact, figure: Fact) -> bool:
    """A figure that meets a bound closely: the same count, rounded ("more than 200" / "212")."""
    if not bound.bound or figure.bound:
        return False
    try:
        limit, value = float(bound.value), float(figure.value)
    except ValueError:
        return False
    if bound.bound > 0:
        return limit <= value <= limit * (1 + ROUNDED_BOUND)
    return limit * (1 - ROUNDED_BOUND) <= value <= limit


def _replaced_names(a: str, b: str, facts_a: list[Fact], facts_b: list[Fact]) -> list[Conflict]:
    """Names swapped in place: the word-level diff replaces a name span by another name span.

    Names are compared only where the sentences line up word for word around them, because a
    paraphrase legitimately says "the Russian president" where the original says "Putin".
    """
    words_a, words_b = _fact_tokens(a), _fact_tokens(b)
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


_SPEECH_VERBS = frozenset("says said tells told adds added recalls recalled insists insisted "
                          "explains explained".split())
_QUOTE_MARKS = ('"', "“", "”")


def _speakers(words: list[str], names: dict[int, Fact]) -> list[Fact]:
    """The names a quote is credited to: "says Orley", "Orley said", "said the show's director,
    Oskar Haldane," (the first names within six words after the verb, or just before it)."""
    for k, word in enumerate(words):
        if word.lower() not in _SPEECH_VERBS:
            continue
        after = []
        for i in range(k + 1, min(k + 7, len(words))):
            if words[i] in _QUOTE_MARKS:  # 'said: “...': the quote, not who said it
                break
            if i in names:
                after.append(names[i])
        found = (after or _subject(words, names, k)
                 or [names[i] for i in range(max(0, k - 3), k) if i in names])
        if found:
            return found
    return []


def _subject(words: list[str], names: dict[int, Fact], verb: int) -> list[Fact]:
    """The first run of names before the verb, past a clause about them ("Councillor Rajinder
    Boult, Cabinet Member for Finance, said"), if no quote comes between it and the verb."""
    start = next((i for i in range(verb) if i in names), None)
    if start is None or any(w in _QUOTE_MARKS for w in words[start:verb]):
        return []
    end = start
    while end + 1 in names:
        end += 1
    return [names[i] for i in range(start, end + 1)]


def _other_speaker(a: str, b: str, facts_a: list[Fact], facts_b: list[Fact]) -> list[Conflict]:
    """The same quote credited to another person: both sentences quote, each names who said
    it, and neither speaker is named anywhere on the other side."""
    if not (any(q in a for q in _QUOTE_MARKS) and any(q in b for q in _QUOTE_MARKS)):
        return []
    names_a = {f.position: f for f in facts_a if f.kind == "name"}
    names_b = {f.position: f for f in facts_b if f.kind == "name"}
    said_a = _speakers([_POSSESSIVE.sub("", w) for w in _fact_tokens(a)], names_a)
    said_b = _speakers([_POSSESSIVE.sub("", w) for w in _fact_tokens(b)], names_b)
    if said_a and said_b and said_a[-1].value == said_b[-1].value:
        return []  # one surname: "Helen Quarrie" / "DI Quarrie" is one person
    # A title both give ("said Mayor Ana Ruiz" / "said Mayor Tom Hale") names no one.
    shared = {f.value for f in said_a} & {f.value for f in said_b}
    own_a = [f for f in said_a if f.value not in shared]
    own_b = [f for f in said_b if f.value not in shared]
    values_a = {f.value for f in names_a.values()}
    values_b = {f.value for f in names_b.values()}
    if (not own_a or not own_b or any(f.value in values_b for f in own_a)
            or any(f.value in values_a for f in own_b)):
        return []
    return [Conflict(" ".join(f.surface for f in own_a), " ".join(f.surface for f in own_b))]


def _is_acronym(short: str, long: str) -> bool:
    letters = re.sub(r"[^A-Z]", "", short)
    return len(letters) >= 2 and letters == "".join(w[0] for w in long.split() if w[:1].isupper())
