"""Mining duplicate passages from embeddings and text: pure functions on arrays.

A paragraph pair is reported when the two say the same thing:
- ``exact``: the same text once case, punctuation and spacing are ignored;
- ``near_verbatim``: most words in the same order (a copy with light edits);
- ``paraphrase``: the same content in other words. One cosine cut cannot separate a
  restatement from a same-topic neighbour in a news story (every paragraph shares the names
  and vocabulary), so the decision (Rules.is_paraphrase) weighs several signals:
  1. the paragraph embeddings are close;
  2. the pair stands out from each paragraph's other neighbours (a margin, as in
     margin-based bitext mining: Artetxe & Schwenk, 2019);
  3. the sentences line up: most of each paragraph's sentences have a close counterpart;
  4. they share words that are rare in this article, and the same numbers.
- ``conflicting``: any of the above whose facts differ (see facts.py).
Sentences repeated across paragraphs that are not duplicates as a whole are reported as
sentence pairs, under stricter rules because single sentences are noisier.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from bot.core.embed import Vectors
from bot.core.facts import Conflict, find_conflicts
from bot.core.fitted import EvidenceModel, model_from_json, read_rules_file
from bot.core.lexical import (
    Specifics,
    normalize,
    number_counts,
    rare_word_similarity,
    word_similarity,
)

Kind = Literal["exact", "near_verbatim", "paraphrase", "conflicting"]


@dataclass(frozen=True, order=True)
class ParagraphRef:
    doc: int
    paragraph: int


@dataclass(frozen=True, order=True)
class SentenceRef:
    doc: int
    paragraph: int
    sentence: int


@dataclass(frozen=True)
class AlignedSentences:
    a: int
    b: int
    score: float


@dataclass(frozen=True)
class Pair:
    a: ParagraphRef
    b: ParagraphRef
    kind: Kind
    score: float
    sentences: tuple[AlignedSentences, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class SentencePair:
    a: SentenceRef
    b: SentenceRef
    kind: Kind
    score: float
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Passage:
    """One paragraph as the miner sees it: its text, its sentences and their vectors."""

    ref: ParagraphRef
    text: str
    sentences: tuple[str, ...]
    sentence_vectors: Vectors
    vector: Vectors  # the whole paragraph, encoded as one text


# The evidence the fitted model weighs, by name (rules.json names the ones it uses).
FEATURES = (
    "cosine",
    "margin",
    "coverage",
    "coverage_best",
    "rare_words",
    "numbers",
    "specifics",
    "mutual",
)


@dataclass(frozen=True)
class Evidence:
    """What the meaning rules see about one paragraph pair."""

    cosine: float  # paragraph embeddings
    margin: float  # cosine minus the best either paragraph has with any third paragraph
    coverage: float  # how well the sentences line up (length-weighted best matches)
    rare_words: float  # TF-IDF cosine with IDF over this request's paragraphs
    shared_numbers: int  # numbers (with units) both state
    # The better-covered side: a restatement that adds a sentence covers the shorter one fully.
    coverage_best: float = 0.0
    # Names and numbers both state, weighted by how rare they are in the request.
    specifics: float = 0.0
    mutual: float = 0.0  # 1: each is the other's nearest paragraph; 0.5: one way

    def features(self) -> dict[str, float]:
        return {
            "cosine": self.cosine,
            "margin": self.margin,
            "coverage": self.coverage,
            "coverage_best": self.coverage_best,
            "rare_words": self.rare_words,
            "numbers": min(self.shared_numbers, 3) / 3,
            "specifics": self.specifics,
            "mutual": self.mutual,
        }


def shipped_model() -> EvidenceModel:
    """The paragraph model fitted by benchmarks/tune_rules.py (bot/core/rules.json)."""
    return model_from_json(read_rules_file()["paragraph_model"], FEATURES)


@dataclass(frozen=True)
class Rules:
    """Decision thresholds and the fitted model (benchmarks/tune_rules.py, docs/benchmarks.md)."""

    near_verbatim: float = 0.75  # word-sequence similarity (difflib ratio over words)
    min_words: int = 6  # shorter paragraphs (headings, "WINNERS (once)") only match as copies
    candidate_cosine: float = 0.45  # below this no paragraph pair is judged on meaning
    # A paraphrase when the fitted logistic model over Evidence says so (logit >= 0).
    model: EvidenceModel = field(default_factory=shipped_model)
    aligned_sentence: float = 0.55  # sentence cosine that counts as "lines up"
    unrelated_sentence: float = 0.35  # below this two sentences have nothing in common
    # Lone sentences: compared when their cosine or their rare-word similarity reaches this.
    sentence_candidate: float = 0.50
    min_sentence_words: int = 5
    # A lone sentence pair is a paraphrase when it is very close and each is the other's clear
    # best match, or when it is each other's clear best match and states the same number.
    sentence_paraphrase: float = 0.86
    sentence_margin: float = 0.05
    sentence_fact_margin: float = 0.10
    sentence_fact_rare_words: float = 0.10

    def evidence_logit(self, e: Evidence) -> float:
        return self.model.logit(e.features())

    def is_sentence_paraphrase(self, e: Evidence) -> bool:
        if e.cosine >= self.sentence_paraphrase and e.margin >= self.sentence_margin:
            return True
        return (
            e.cosine >= self.sentence_candidate
            and e.margin >= self.sentence_fact_margin
            and e.shared_numbers >= 1
            and e.rare_words >= self.sentence_fact_rare_words
        )

    def is_paraphrase(self, e: Evidence) -> bool:
        return self.evidence_logit(e) >= 0


class EvidenceTable:
    """The pairwise signals of one request, computed once for all its paragraphs."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = passages
        vectors = np.stack([p.vector for p in passages])
        self.cosine = vectors @ vectors.T
        # Exact copies count once: a paragraph pasted again would otherwise be every
        # paragraph's closest "third" neighbour (no margin left for a real paraphrase) and
        # make the words it shares with that paraphrase look common to the article.
        distinct: dict[str, int] = {}
        unique = [distinct.setdefault(normalize(p.text), len(distinct)) for p in passages]
        self.text_ids = unique  # equal ids: exact copies (normalised once, not once per pair)
        firsts: list[int] = []  # the first passage of each distinct text
        for k, u in enumerate(unique):
            if u == len(firsts):
                firsts.append(k)
        spread = np.ix_(unique, unique)  # distinct-text matrix -> one row per passage
        self._runner_up = _runner_up(self.cosine[np.ix_(firsts, firsts)])[spread]
        self.rare_words = rare_word_similarity([passages[k].text for k in firsts])[spread]
        self._numbers = [number_counts(p.text) for p in passages]

    def of(self, i: int, j: int) -> Evidence:
        cover_a, cover_b = _coverages(self.passages[i], self.passages[j])
        return Evidence(
            cosine=float(self.cosine[i, j]),
            margin=float(self.cosine[i, j] - max(self._runner_up[i, j], self._runner_up[j, i])),
            coverage=(cover_a + cover_b) / 2,
            rare_words=float(self.rare_words[i, j]),
            shared_numbers=sum((self._numbers[i] & self._numbers[j]).values()),
            coverage_best=max(cover_a, cover_b),
            specifics=self._specifics.overlap(i, j) if self.measure_all else 0.0,
            mutual=_mutual(self.cosine, self._nearest, i, j) if self.measure_all else 0.0,
        )

    # The shipped model does not weigh specifics or mutual (they did not help held out), so
    # they cost nothing unless benchmarks/tune_rules.py asks for every feature.
    measure_all = False

    # Computed on first use, so a table built only for cosines pays nothing for them.
    @cached_property
    def _specifics(self) -> Specifics:
        return Specifics([p.text for p in self.passages])

    @cached_property
    def _nearest(self) -> np.ndarray:
        masked = self.cosine.copy()
        np.fill_diagonal(masked, -np.inf)
        return np.asarray(masked.argmax(axis=1))


def find_pairs(passages: Sequence[Passage], rules: Rules) -> tuple[list[Pair], list[SentencePair]]:
    """Paragraph pairs (a < b) that repeat each other, and lone repeated sentences."""
    if len(passages) < 2:
        return [], []
    table = EvidenceTable(passages)
    pairs = []
    for i, j in itertools.combinations(range(len(passages)), 2):
        pair = judge(passages[i], passages[j], table, i, j, rules)
        if pair is not None:
            pairs.append(pair)
    paired = {(p.a, p.b) for p in pairs}
    return pairs, _sentence_pairs(passages, paired, rules)


def judge(
    a: Passage, b: Passage, table: EvidenceTable, i: int, j: int, rules: Rules
) -> Pair | None:
    """The one decision "do passages i and j of `table` repeat each other, and how"."""
    if table.text_ids[i] == table.text_ids[j]:
        return Pair(a.ref, b.ref, "exact", 1.0, _align(a, b, rules))
    if table.cosine[i, j] < rules.candidate_cosine:
        return None
    kind: Kind
    copy = word_similarity(a.text, b.text)
    if copy >= rules.near_verbatim:
        kind, score = "near_verbatim", copy
    elif min(len(a.text.split()), len(b.text.split())) < rules.min_words:
        return None
    else:
        evidence = table.of(i, j)
        if not rules.is_paraphrase(evidence) or _one_sentence_in_common(a, b, rules):
            return None
        kind, score = "paraphrase", evidence.cosine
    aligned = _align(a, b, rules)
    conflicts = _conflicts(a, b, aligned)
    if conflicts:
        kind = "conflicting"
    return Pair(a.ref, b.ref, kind, round(float(score), 3), aligned, conflicts)


def _runner_up(cosine: np.ndarray) -> np.ndarray:
    """runner_up[i, j]: the closest item i has other than j (0 when there is none)."""
    n = len(cosine)
    masked = cosine.copy()
    np.fill_diagonal(masked, -np.inf)
    order = np.argsort(-masked, axis=1)
    rows = np.arange(n)
    best = masked[rows, order[:, 0]]
    second = masked[rows, order[:, 1]] if n > 2 else np.full(n, -np.inf)
    level = np.repeat(best[:, None], n, axis=1)
    level[rows, order[:, 0]] = second  # for j = i's best, the runner-up is i's second best
    return np.maximum(level, 0.0)


def _coverages(a: Passage, b: Passage) -> tuple[float, float]:
    """Length-weighted share of each paragraph's sentences that have a close counterpart."""
    sims = a.sentence_vectors @ b.sentence_vectors.T
    weights_a = np.array([len(s) for s in a.sentences], dtype=np.float32)
    weights_b = np.array([len(s) for s in b.sentences], dtype=np.float32)
    cover_a = float(np.average(sims.max(axis=1), weights=weights_a))
    cover_b = float(np.average(sims.max(axis=0), weights=weights_b))
    return cover_a, cover_b


def _mutual(cosine: np.ndarray, nearest: np.ndarray, i: int, j: int) -> float:
    """1 when i and j are each other's nearest passage, 0.5 when one of them is, else 0."""
    if len(cosine) < 3:
        return 1.0
    return (float(nearest[i] == j) + float(nearest[j] == i)) / 2


def _one_sentence_in_common(a: Passage, b: Passage, rules: Rules) -> bool:
    """True when the pair shares one sentence, nothing else lines up, and the rest is most of
    one paragraph: a repeated sentence (reported as such), not a repeated paragraph."""
    sims = a.sentence_vectors @ b.sentence_vectors.T
    if min(sims.shape) < 2:
        return False
    i, j = np.unravel_index(int(sims.argmax()), sims.shape)
    rest = np.delete(np.delete(sims, i, axis=0), j, axis=1)
    shared_share = min(len(a.sentences[i]) / len(a.text), len(b.sentences[j]) / len(b.text))
    return float(rest.max()) < rules.unrelated_sentence and shared_share < 0.5


def _align(a: Passage, b: Passage, rules: Rules) -> tuple[AlignedSentences, ...]:
    """Each sentence's best counterpart on the other side, where it lines up at all.

    Restatements split and merge sentences, so one sentence may align with two.
    """
    sims = a.sentence_vectors @ b.sentence_vectors.T
    links = {(int(i), int(sims[i].argmax())) for i in range(sims.shape[0])}
    links |= {(int(sims[:, j].argmax()), int(j)) for j in range(sims.shape[1])}
    return tuple(
        AlignedSentences(i, j, round(float(sims[i, j]), 3))
        for i, j in sorted(links)
        if sims[i, j] >= rules.aligned_sentence
    )


def _conflicts(a: Passage, b: Passage, aligned: Sequence[AlignedSentences]) -> tuple[Conflict, ...]:
    found: dict[Conflict, None] = {}
    for link in aligned:
        for conflict in find_conflicts(a.sentences[link.a], b.sentences[link.b]):
            found[conflict] = None
    return tuple(found)


def _sentence_pairs(
    passages: Sequence[Passage], paired: set[tuple[ParagraphRef, ParagraphRef]], rules: Rules
) -> list[SentencePair]:
    """Sentences that repeat one another from paragraphs that are not duplicates as a whole.

    Each sentence is treated as a one-sentence passage, so the same evidence (cosine, margin
    over its other neighbours, rare words, shared numbers) serves both levels.
    """
    refs = [
        SentenceRef(p.ref.doc, p.ref.paragraph, k)
        for p in passages
        for k in range(len(p.sentences))
    ]
    singles = [
        Passage(p.ref, text, (text,), vector[None, :], vector)
        for p in passages
        for text, vector in zip(p.sentences, p.sentence_vectors, strict=True)
    ]
    if len(singles) < 2:
        return []
    table = EvidenceTable(singles)
    owner = np.array([(ref.doc, ref.paragraph) for ref in refs])
    other_paragraph = (owner[:, None, :] != owner[None, :, :]).any(axis=2)
    candidates = other_paragraph & (
        (table.cosine >= rules.sentence_candidate) | (table.rare_words >= rules.sentence_candidate)
    )
    found = []
    for i, j in zip(*np.nonzero(np.triu(candidates, k=1)), strict=True):
        a, b = singles[i], singles[j]
        if (a.ref, b.ref) in paired:
            continue
        judged = _judge_sentences(a.text, b.text, table.of(int(i), int(j)), rules)
        if judged is not None:
            kind, score = judged
            conflicts = tuple(find_conflicts(a.text, b.text))
            found.append(
                SentencePair(
                    refs[i],
                    refs[j],
                    "conflicting" if conflicts else kind,
                    round(score, 3),
                    conflicts,
                )
            )
    return found


def _judge_sentences(a: str, b: str, evidence: Evidence, rules: Rules) -> tuple[Kind, float] | None:
    if min(len(a.split()), len(b.split())) < rules.min_sentence_words:
        return None
    if normalize(a) == normalize(b):
        return "exact", 1.0
    copy = word_similarity(a, b)
    if copy >= rules.near_verbatim:
        return "near_verbatim", copy
    if rules.is_sentence_paraphrase(evidence):
        return "paraphrase", evidence.cosine
    return None
