"""Word-level measures: exact-copy normalisation, copy similarity, and words that are rare
within the article (what two paragraphs share that the rest of the story does not)."""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from bot.core.facts import extract_facts, is_number_token, tokens

_STOPWORDS = frozenset(
    """a an the of to in on at for by with and or but is are was were be been being has have
    had it its this that these those as from which who whom will would said says say he she
    they we i not no than then there their his her our you your also into about after before
    over under up down more most can could may might should do did does so such any all each
    other what when where while if because""".split()
)
_SUFFIXES = ("ing", "ed", "es", "s")


def normalize(text: str) -> str:
    """Text as compared for exact copies: ignores case, quote styles, punctuation, spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def word_similarity(a: str, b: str) -> float:
    """How much of the wording two passages share, in order (1.0: the same words)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    # Cached: a long article compares each passage with several others.
    return tuple(w.lower() for w in tokens(text) if w[0].isalnum() or w[0] in "$€£")


def content_words(text: str) -> list[str]:
    """Lower-cased words without stopwords, lightly stemmed so "injured"/"injures" meet."""
    words = []
    for token in tokens(text.lower()):
        if not (token[0].isalnum() or token[0] in "$€£") or token in _STOPWORDS:
            continue
        if token.isalpha():
            for suffix in _SUFFIXES:
                if token.endswith(suffix) and len(token) - len(suffix) >= 4:
                    token = token[: -len(suffix)]
                    break
        words.append(token)
    return words


# Lead-ins that restatements open with ("Likewise,", "In the end,"): they say that a passage
# restates, not what it says, and hard negatives open with them too, so words they bring
# must not count as shared content.
_LEAD_IN = re.compile(
    r"^\W*((?:likewise|similarly|ultimately|overall|again|once again|in the end|in short|"
    r"in sum|in summary|to sum up|to summarise|to summarize|put simply|simply put|"
    r"in other words|all in all|in conclusion|taken together|above all|in essence|"
    r"at bottom|that is|again and again|as noted|as we have seen|crucially|in brief|"
    r"put another way|stated plainly|to be clear|the upshot is(?: that)?|bottom line))"
    r"\b[,:;—–-]?\s*",
    re.IGNORECASE,
)
# Of those, the ones that add a parallel point rather than announce a restatement.
_PARALLEL_LEAD_INS = frozenset({
    "likewise", "similarly", "again", "once again", "above all", "that is", "crucially",
    "to be clear",
})
# Reported speech and quotes say the same with other verbs and other persons ("I will" /
# "she said she would"): neither speech verbs nor pronouns are content.
_FRAME_WORDS = frozenset(
    """told tells according added adds stated states explained explains noted notes insisted
    insists argued argues claimed claims announced announces confirmed confirms warned warns
    statement spokesman spokeswoman spokesperson me us him them my mine our ours its theirs
    hers yours myself ourselves himself herself themselves would shall""".split()
)


def strip_lead_in(text: str) -> str:
    """The sentence without a summarising connective in front ("In short, ...")."""
    return _LEAD_IN.sub("", text, count=1)


def sums_up(text: str) -> bool:
    """True when the text opens by announcing a restatement ("In short,", "Put simply,"), not
    a parallel point ("Likewise,")."""
    found = _LEAD_IN.match(text)
    return found is not None and found.group(1).lower() not in _PARALLEL_LEAD_INS


def masked_content_words(text: str) -> list[str]:
    """content_words without the figures (numbers, number words, dates), lead-in
    connectives, speech verbs and pronouns: what two passages share once a changed figure,
    a quote turned into reported speech or a "Likewise," no longer count."""
    words = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for word in content_words(strip_lead_in(sentence)):
            if not is_number_token(word) and word not in _FRAME_WORDS:
                words.append(word)
    return words


@functools.lru_cache(maxsize=4096)
def _masked_words(text: str) -> tuple[str, ...]:
    return tuple(
        "#" if is_number_token(w) else w
        for w in _words(strip_lead_in(text))
    )


def masked_word_similarity(a: str, b: str) -> float:
    """word_similarity with every figure replaced by one placeholder and the lead-in
    connective dropped: a copy whose numbers were changed still reads as a copy."""
    words_a, words_b = _masked_words(a), _masked_words(b)
    if not words_a or not words_b:
        return 0.0
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def rare_word_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine of TF-IDF vectors whose IDF is computed over these texts only.

    Within one article the names and topic words are everywhere, so they weigh little;
    the words two paragraphs share with nobody else weigh most.
    """
    counts = [Counter(content_words(t)) for t in texts]
    vocabulary = {w: k for k, w in enumerate(sorted({w for c in counts for w in c}))}
    n = len(texts)
    frequency = Counter(w for c in counts for w in c)
    matrix = np.zeros((n, max(len(vocabulary), 1)), dtype=np.float32)
    for row, words in enumerate(counts):
        for word, count in words.items():
            idf = math.log((n + 1) / (frequency[word] + 0.5))
            matrix[row, vocabulary[word]] = (1 + math.log(count)) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1.0, norms)
    return matrix @ matrix.T


def number_counts(text: str) -> Counter[str]:
    """The numbers, dates and clock times a passage states (value and unit), for counting the
    ones two share."""
    facts = extract_facts(text)
    return Counter(f"{f.kind}={f.value}" for f in facts
                   if f.kind.startswith("number") or f.kind in ("date", "time"))


class Specifics:
    """The names and numbers each text states, and how rare each is among these texts.

    Two paragraphs of one story that state the same specific figures and names the rest of
    the story lacks are likely to be telling the same thing; shared topic names weigh little.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._sets = [_specifics(t) for t in texts]
        frequency = Counter(s for found in self._sets for s in found)
        n = len(texts)
        self._idf = {s: math.log((n + 1) / (df + 0.5)) for s, df in frequency.items()}

    def overlap(self, i: int, j: int) -> float:
        """IDF-weighted share of the smaller side's specifics that the other also states."""
        a, b = self._sets[i], self._sets[j]
        if not a or not b:
            return 0.0
        shared = sum(self._idf[s] for s in a & b)
        return shared / min(sum(self._idf[s] for s in a), sum(self._idf[s] for s in b))


def _specifics(text: str) -> frozenset[str]:
    return frozenset(
        f"{f.kind}={f.value}"
        for f in extract_facts(text)
        if f.kind.startswith("number") or f.kind in ("name", "date")
    )


# A sentence that opens by naming its period ("A year earlier,", "In the April-to-June
# quarter,", "Over the first nine months,"): its figures are that period's, so two sentences
# framed by different periods compare two claims, however alike they read.
_LEAD_PHRASE = re.compile(r"^\W*([^,.;:]{1,80}),")
_PERIOD_START = frozenset(
    "a in over during for between by last the this that earlier previously".split())
# Not a word joined after a hyphen: "a five-year licence" is a thing, not a period.
_PERIOD_WORD = re.compile(
    r"(?<!-)\b(?:years?|quarters?|months?|weeks?|seasons?|half|period|earlier|ago|before|\d{4})\b",
    re.IGNORECASE,
)

# A phrase up to the first comma with one of these is a clause that happens to name a period
# ("The administrators said 12 stores would close next week,"), not a frame.
_CLAUSE_VERBS = frozenset(
    "is are was were has have had will would said says told took made".split())

# The same frame with no comma after it ("Last year the group made ...", "In 2019 it ...").
_BARE_PERIOD = re.compile(
    r"^\W*((?:last|this|next|a|one|two|three|four|five|six) "
    r"(?:years?|quarters?|months?|weeks?|seasons?)(?: (?:ago|earlier|before|later))?"
    r"|in \d{4})\b(?!['’]s)",  # "This year's festival" names the festival, sets no period
    re.IGNORECASE,
)


def period_frame(sentence: str) -> str:
    """The period a sentence opens by setting, lower-cased ("" when it sets none)."""
    found = _LEAD_PHRASE.match(sentence)
    bare = _BARE_PERIOD.match(sentence)
    if bare is not None and (found is None or len(bare.group(1)) < len(found.group(1))):
        return " ".join(bare.group(1).lower().split())
    if found is None:
        return ""
    phrase = " ".join(found.group(1).lower().split())
    starts = phrase.split(" ", 1)[0] in _PERIOD_START
    clause = not _CLAUSE_VERBS.isdisjoint(phrase.split())
    return phrase if starts and not clause and _PERIOD_WORD.search(phrase) else ""
