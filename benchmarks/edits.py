"""Deterministic text edits used to build test cases from real sentences.

Each edit takes a sentence and a ``random.Random`` and returns ``(edited, before, after)``
(the surface that changed, for checking that a detector points at the right words), or
None when the sentence offers nothing to edit. They are independent of bot.core.facts on
purpose: the benchmark must not inherit the extractor's blind spots.
"""

from __future__ import annotations

import random
import re

WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = ("January February March April May June July August September October November "
          "December").split()
DIRECTIONS = {
    "rose": "fell", "fell": "rose", "rise": "fall", "fall": "rise", "rises": "falls",
    "falls": "rises", "risen": "fallen", "fallen": "risen", "increased": "decreased",
    "decreased": "increased", "gained": "lost", "lost": "gained", "climbed": "dropped",
    "dropped": "climbed", "jumped": "slumped", "slumped": "jumped", "grew": "shrank",
    "shrank": "grew", "up": "down", "down": "up", "higher": "lower", "lower": "higher",
}
# Place and person names common in 2003-2005 news (MRPC, BBC): swapped within their class.
PLACES = ("London Paris Washington Moscow Baghdad Iraq Iran China Japan Germany France Britain "
          "Russia India Israel Texas California Florida Chicago Boston Tokyo Berlin Brussels "
          "Canada Australia Spain Italy Scotland Wales Ireland Africa Europe Asia").split()
PEOPLE = ("Bush Blair Kerry Clinton Brown Howard Chirac Putin Schroeder Sharon Arafat Powell "
          "Rumsfeld Cheney Kennedy Dean Edwards Gore Annan Saddam Hussein").split()

_NUMBER = re.compile(r"(?<![\w.])(\$|£|€)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
_WORD = re.compile(r"\b\w+\b")


def swap_number(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    """Change one number (not a year-looking 19xx/20xx) to a different, plausible value."""
    candidates = [m for m in _NUMBER.finditer(sentence) if not _is_year(m.group(0))]
    if not candidates:
        return None
    match = rng.choice(candidates)
    currency, whole, fraction = match.group(1) or "", match.group(2), match.group(3) or ""
    value = int(whole.replace(",", ""))
    step = max(1, round(value * rng.choice((0.2, 0.3, 0.5))))
    new_value = value + step if value < 3 or rng.random() < 0.5 else value - step
    new_whole = f"{new_value:,}" if "," in whole else str(new_value)
    if fraction and rng.random() < 0.5:  # sometimes only the decimals change
        new_whole = whole
        digits = fraction[1:]
        new_digits = str((int(digits) + rng.randint(1, 9)) % (10 ** len(digits))).zfill(len(digits))
        fraction_new = "." + new_digits
    else:
        fraction_new = fraction
    before = match.group(0)
    after = f"{currency}{new_whole}{fraction_new}"
    if after == before:
        return None
    return sentence[: match.start()] + after + sentence[match.end() :], before, after


def _is_year(token: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", token))


def swap_word(
    sentence: str, rng: random.Random, choices: list[str] | tuple[str, ...],
    mapping: dict[str, str] | None = None,
) -> tuple[str, str, str] | None:
    """Replace one word from `choices` (case-sensitive) by another (or by `mapping`)."""
    present = [m for m in _WORD.finditer(sentence) if m.group(0) in choices]
    if mapping is not None:
        present = [m for m in _WORD.finditer(sentence) if m.group(0).lower() in mapping]
    if not present:
        return None
    match = rng.choice(present)
    word = match.group(0)
    if mapping is not None:
        new = mapping[word.lower()]
        new = new.capitalize() if word[0].isupper() else new
    else:
        new = rng.choice([c for c in choices if c != word])
    return sentence[: match.start()] + new + sentence[match.end() :], word, new


def swap_weekday(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    return swap_word(sentence, rng, WEEKDAYS)


def swap_month(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    return swap_word(sentence, rng, MONTHS)


_WEAK = frozenset({"up", "down", "higher", "lower"})
_LINKS = frozenset({"by", "to", "at", "from", "nearly", "almost", "about", "some"})


def swap_direction(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    """rose <-> fell, up <-> down and the like, only where a figure follows within five
    words ("rose 4%", "was down 3 points at 1,025"): "giving up", "jumped at the chance"
    or "a higher court" state no movement."""
    words = list(_WORD.finditer(sentence))
    found = []
    for k, match in enumerate(words):
        word = match.group(0).lower()
        if word not in DIRECTIONS or "-" in sentence[max(0, match.start() - 1) : match.end() + 1]:
            continue  # "mix-up", "follow-up"
        after = [w.group(0) for w in words[k + 1 : k + 6]]
        if word in _WEAK:  # only "up 4%", "down by 3", "higher at 1,025"
            after = after[:1] if after[:1] and after[0][0].isdigit() else (
                after[1:2] if after[:1] and after[0].lower() in _LINKS else [])
        if any(w[0].isdigit() for w in after):
            found.append(match)
    if not found:
        return None
    match = rng.choice(found)
    word = match.group(0)
    new = DIRECTIONS[word.lower()]
    new = new.capitalize() if word[0].isupper() else new
    return sentence[: match.start()] + new + sentence[match.end() :], word, new


def swap_entity(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    """Swap a place for a place or a person's name for another (from fixed lists)."""
    for names in rng.sample([PLACES, PEOPLE], 2):
        words = list(_WORD.finditer(sentence))
        found = [
            m for k, m in enumerate(words)
            if m.group(0) in names and k > 0
            # a single-word name, not part of "South Africa" or "Paris Hilton"
            and not words[k - 1].group(0)[0].isupper()
            and not (k + 1 < len(words) and words[k + 1].group(0)[0].isupper()
                     and sentence[m.end() : words[k + 1].start()] == " ")
        ]
        # Skip names that occur twice: changing one of them would be a contradiction inside
        # the sentence, not a swap.
        found = [m for m in found if sentence.count(m.group(0)) == 1]
        if found:
            match = rng.choice(found)
            others = [n for n in names if n != match.group(0) and n not in sentence]
            new = rng.choice(others)
            return (sentence[: match.start()] + new + sentence[match.end() :],
                    match.group(0), new)
    return None


# Same fact, other surface: negatives for conflict detection.
_SPELLED = {str(n): w for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def restate_number(sentence: str, rng: random.Random) -> tuple[str, str, str] | None:
    """Rewrite a number without changing it: 7 -> seven, 4% -> 4 percent, $2 million -> $2m."""
    small = [m for m in re.finditer(r"(?<![\w.,$£€])(\d{1,2})(?![\w.,%])", sentence)
             if m.group(1) in _SPELLED and m.group(1) not in ("0", "1")]
    percent = list(re.finditer(r"(\d+(?:\.\d+)?)%", sentence))
    percent_word = list(re.finditer(r"(\d+(?:\.\d+)?) percent\b", sentence))
    options = [("small", m) for m in small] + [("pct", m) for m in percent]
    options += [("pctword", m) for m in percent_word]
    if not options:
        return None
    how, match = rng.choice(options)
    if how == "small":
        new = _SPELLED[match.group(1)]
    elif how == "pct":
        new = f"{match.group(1)} percent"
    else:
        new = f"{match.group(1)}%"
    return sentence[: match.start()] + new + sentence[match.end() :], match.group(0), new


_SYNONYMS = {"said": "says", "says": "said", "but": "however", "also": "too", "about": "around",
             "big": "large", "large": "big", "start": "begin", "began": "started",
             "help": "assist", "buy": "purchase", "show": "reveal", "told": "informed"}


def light_edit(text: str, rng: random.Random) -> str:
    """A copy with light edits (what a careless re-paste or a copy-editor's tweak does):
    one synonym swap where there is one, and one lower-case word of 4+ letters dropped."""
    words = text.split(" ")
    swappable = [k for k, w in enumerate(words) if w.lower() in _SYNONYMS]
    if swappable:
        k = rng.choice(swappable)
        new = _SYNONYMS[words[k].lower()]
        words[k] = new.capitalize() if words[k][0].isupper() else new
    droppable = [k for k, w in enumerate(words)
                 if k > 0 and w.isalpha() and w.islower() and len(w) >= 4]
    if droppable and len(words) > 8:
        del words[rng.choice(droppable)]
    edited = " ".join(words)
    if edited == text:  # nothing to edit: change the final punctuation and spacing instead
        edited = text.rstrip(".") + " ."
    return edited


def detokenize(text: str) -> str:
    """Undo PTB-style spacing (PAWS, CNN/DM): 'a , b ( c )' -> 'a, b (c)'."""
    text = re.sub(r" ([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r"`` | ''", '"', text)
    return re.sub(r"\s+", " ", text).strip()
