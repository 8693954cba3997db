"""Mining duplicate passages from embeddings and text: pure functions on arrays.

A paragraph pair is reported when the two say the same thing:
- ``exact``: the same text once case, punctuation and spacing are ignored;
- ``near_verbatim``: most words in the same order (a copy with light edits);
- ``paraphrase``: the same content in other words, judged on three signals, because one
  cosine cut cannot separate a restatement from a same-topic neighbour in a news story
  (every paragraph shares the names and vocabulary):
  1. the paragraph embeddings are close;
  2. the pair stands out from each paragraph's other neighbours (a margin, as in
     margin-based bitext mining: Artetxe & Schwenk, 2019);
  3. the sentences line up: most of each paragraph's sentences have a close counterpart.
- ``conflicting``: any of the above whose facts differ (see facts.py).
Sentences repeated across paragraphs that are not duplicates as a whole are reported as
sentence pairs, under stricter rules because single sentences are noisier.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot.core.embed import Vectors
from bot.core.facts import Conflict, find_conflicts, tokens

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


@dataclass(frozen=True)
class Rules:
    """Decision thresholds, tuned on articles built from ../shared/data (see docs/tuning.md)."""

    near_verbatim: float = 0.75  # word-sequence similarity (difflib ratio over tokens)
    candidate_cosine: float = 0.55  # below this no pair is looked at semantically
    paraphrase: float = 0.80  # combined semantic score, see _semantic_score
    margin_weight: float = 0.5
    alignment_weight: float = 0.5
    background: float = 0.45  # neighbour similarity assumed when a paragraph has no others
    aligned_sentence: float = 0.55  # sentence cosine that counts as "lines up"
    sentence_paraphrase: float = 0.86  # a lone sentence pair needs more than a paragraph
    sentence_margin: float = 0.05
    min_sentence_words: int = 5
    weights: dict[str, float] = field(default_factory=dict)


def normalize(text: str) -> str:
    """Text as compared for exact copies: case, accents of quotes, punctuation, spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def word_similarity(a: str, b: str) -> float:
    """How much of the wording two passages share, in order (1.0: the same words)."""
    words_a = [w.lower() for w in tokens(a) if w[0].isalnum()]
    words_b = [w.lower() for w in tokens(b) if w[0].isalnum()]
    if not words_a or not words_b:
        return 0.0
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def find_pairs(passages: Sequence[Passage], rules: Rules) -> tuple[list[Pair], list[SentencePair]]:
    """Paragraph pairs (a < b) that repeat each other, and lone repeated sentences."""
    if len(passages) < 2:
        return [], []
    vectors = np.stack([p.vector for p in passages])
    cosine = vectors @ vectors.T
    neighbour = _neighbour_level(cosine, rules.background)
    pairs = []
    for i, j in zip(*np.triu_indices(len(passages), k=1), strict=True):
        pair = _judge(passages[i], passages[j], float(cosine[i, j]),
                      max(neighbour[i, j], neighbour[j, i]), rules)
        if pair is not None:
            pairs.append(pair)
    paired = {(p.a, p.b) for p in pairs}
    return pairs, _sentence_pairs(passages, paired, rules)


def _neighbour_level(cosine: np.ndarray, background: float) -> np.ndarray:
    """level[i, j]: how close paragraph i is to its closest paragraph other than j."""
    n = len(cosine)
    masked = cosine.copy()
    np.fill_diagonal(masked, -np.inf)
    order = np.argsort(-masked, axis=1)
    best = masked[np.arange(n), order[:, 0]]
    second = masked[np.arange(n), order[:, 1]] if n > 2 else np.full(n, -np.inf)
    level = np.repeat(best[:, None], n, axis=1)
    level[np.arange(n), order[:, 0]] = second  # excluding j itself when j is i's best
    return np.maximum(level, background)


def _judge(a: Passage, b: Passage, cosine: float, neighbour: float, rules: Rules) -> Pair | None:
    if normalize(a.text) == normalize(b.text):
        return Pair(a.ref, b.ref, "exact", 1.0, _align(a, b, rules))
    lexical = word_similarity(a.text, b.text) if cosine >= rules.candidate_cosine else 0.0
    if lexical >= rules.near_verbatim:
        kind: Kind = "near_verbatim"
        score = lexical
    elif cosine >= rules.candidate_cosine:
        aligned = _align(a, b, rules)
        score = _semantic_score(cosine, neighbour, _coverage(a, b), rules)
        if score < rules.paraphrase:
            return None
        kind = "paraphrase"
    else:
        return None
    aligned = _align(a, b, rules)
    conflicts = _conflicts(a, b, aligned)
    if conflicts:
        kind = "conflicting"
    return Pair(a.ref, b.ref, kind, round(score, 3), aligned, conflicts)


def _semantic_score(cosine: float, neighbour: float, coverage: float, rules: Rules) -> float:
    """Paragraph cosine, raised when the pair stands out and its sentences line up."""
    margin = cosine - neighbour
    return cosine + rules.margin_weight * margin + rules.alignment_weight * (coverage - cosine)


def _coverage(a: Passage, b: Passage) -> float:
    """Length-weighted share of each paragraph's content that the other restates."""
    sims = a.sentence_vectors @ b.sentence_vectors.T
    weights_a = np.array([len(s) for s in a.sentences], dtype=np.float32)
    weights_b = np.array([len(s) for s in b.sentences], dtype=np.float32)
    cover_a = float(np.average(sims.max(axis=1), weights=weights_a))
    cover_b = float(np.average(sims.max(axis=0), weights=weights_b))
    return (cover_a + cover_b) / 2


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
    """Sentences that repeat one another from paragraphs that are not duplicates as a whole."""
    refs = [
        (SentenceRef(p.ref.doc, p.ref.paragraph, k), text)
        for p in passages
        for k, text in enumerate(p.sentences)
    ]
    if len(refs) < 2:
        return []
    vectors = np.concatenate([p.sentence_vectors for p in passages])
    cosine = vectors @ vectors.T
    np.fill_diagonal(cosine, -1.0)
    same_paragraph = np.array([[ra.paragraph == rb.paragraph and ra.doc == rb.doc
                                for rb, _ in refs] for ra, _ in refs])
    others = np.where(same_paragraph, -1.0, cosine)
    found = []
    for i, j in zip(*np.nonzero(np.triu(others > rules.candidate_cosine, k=1)), strict=True):
        (ref_a, text_a), (ref_b, text_b) = refs[i], refs[j]
        para_a = ParagraphRef(ref_a.doc, ref_a.paragraph)
        para_b = ParagraphRef(ref_b.doc, ref_b.paragraph)
        if (min(para_a, para_b), max(para_a, para_b)) in paired:
            continue
        pair = _judge_sentences(text_a, text_b, float(others[i, j]),
                                _runner_up(others, i, j), rules)
        if pair is not None:
            kind, score = pair
            conflicts = tuple(find_conflicts(text_a, text_b))
            found.append(SentencePair(ref_a, ref_b, "conflicting" if conflicts else kind,
                                      round(score, 3), conflicts))
    return found


def _runner_up(cosine: np.ndarray, i: int, j: int) -> float:
    """The best similarity either sentence has to any sentence other than the other one."""
    row_i = np.delete(cosine[i], [i, j])
    row_j = np.delete(cosine[j], [i, j])
    return float(max(row_i.max(initial=-1.0), row_j.max(initial=-1.0)))


def _judge_sentences(
    a: str, b: str, cosine: float, runner_up: float, rules: Rules
) -> tuple[Kind, float] | None:
    if len(a.split()) < rules.min_sentence_words or len(b.split()) < rules.min_sentence_words:
        return None
    if normalize(a) == normalize(b):
        return "exact", 1.0
    lexical = word_similarity(a, b)
    if lexical >= rules.near_verbatim:
        return "near_verbatim", lexical
    if cosine >= rules.sentence_paraphrase and cosine - runner_up >= rules.sentence_margin:
        return "paraphrase", cosine
    return None
