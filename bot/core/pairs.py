"""Mining duplicate passages from embeddings and text: pure functions on arrays.

A paragraph pair is reported when the two say the same thing:
- ``exact``: the same text once case, punctuation and spacing are ignored;
- ``near_verbatim``: most words in the same order (a copy with light edits);
- ``paraphrase``: the same content in other words. One cosine cut cannot separate a
  restatement from a same-topic neighbour in a news story (every paragraph shares the names
  and vocabulary), so the decision (Rules.is_repeat) weighs several signals:
  1. the paragraph embeddings are close;
  2. the pair stands out from each paragraph's other neighbours (a margin, as in
     margin-based bitext mining: Artetxe & Schwenk, 2019);
  3. the sentences line up: most of each paragraph's sentences have a close counterpart;
  4. they share words that are rare in this article, and the same numbers.
- ``conflicting``: the same claim with other facts (see facts.py). A pair with a sentence
  pair that lines up and whose facts differ is decided by a model of its own
  (Rules.conflict_model): a changed figure lowers the very evidence (shared numbers, shared
  words) the paraphrase model leans on, and a figure for another period or place is the
  commonest tempting neighbour.
Sentences repeated across paragraphs that are not duplicates as a whole are reported as
sentence pairs, under stricter rules because single sentences are noisier.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from bot.core.alignment import SoftMargins, soft_alignment, soft_margins
from bot.core.embed import Tokens, Vectors
from bot.core.facts import Conflict, find_conflicts, is_update
from bot.core.fitted import EvidenceModel, model_from_json, read_rules_file
from bot.core.lexical import (
    Specifics,
    content_words,
    masked_content_words,
    masked_word_similarity,
    normalize,
    number_counts,
    period_frame,
    sums_up,
    word_similarity,
)
from bot.core.mining import (
    MiningLimits,
    across,
    groups_of,
    neighbours,
    rare_word_matrix,
    top_pairs,
    unique_pairs,
    within,
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
    vector: Vectors  # the whole paragraph (pooled from its sentences by Analyzer.embed)
    list_start: int | None = None  # segment.Paragraph.list_start
    # Its sentences' Tokens end to end (None: the encoder gives none, or it was archived).
    tokens: Tokens | None = None
    heading: bool = False  # segment.Paragraph.heading


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
    "rare_masked",
    "copy_masked",
    "claim_cosine",
    "claim_words",
    "other_period",
    "update",
    "restates",
    "soft_align",
    "soft_margin",
    "coverage_rest",
)
# Measured only where every passage of the request has token states (TokenEncoder).
TOKEN_FEATURES = frozenset({"soft_align", "soft_margin"})


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
    # rare_words with the figures, lead-in connectives, speech verbs and pronouns left out:
    # a claim restated with a changed figure, or a quote as reported speech, keeps its words.
    rare_masked: float = 0.0
    # word_similarity with every figure one placeholder (an edited copy with new numbers).
    copy_masked: float = 0.0
    # Same claim, other facts: the cosine and the masked word similarity of the closest
    # sentence pair (cosine >= CLAIM_SENTENCE) whose facts differ; both 0 when none does.
    claim_cosine: float = 0.0
    claim_words: float = 0.0
    # 1 when the closest sentence pair opens with different periods ("A year earlier, sales
    # fell 2%" / "Sales rose 2%"): a comparison of two claims. The one "more = less alike".
    other_period: float = 0.0
    # 1 when such a sentence pair gives a newer figure for the same count ("at least four
    # killed" / "the death toll has risen to six"): the updated toll of a live story.
    update: float = 0.0
    # 1 when the later paragraph opens by announcing a restatement ("In short,", "Put
    # simply,"; not "Likewise,", which adds a parallel point), the other is the paragraph most
    # like it, and the pair stands out from both paragraphs' next-best match (margin > 0): the
    # section it restates, often in other words (LLM-drafted copy).
    restates: float = 0.0
    # Token-level soft alignment (bot/core/alignment.py) and its lead over each paragraph's
    # next-best partner; None where the request has no token states.
    soft_align: float | None = None
    soft_margin: float | None = None
    # Coverage once the closest sentence pair is set aside: a repeated paragraph lines up
    # beyond its one best sentence, a paragraph that shares one sentence with another does not.
    coverage_rest: float = 0.0

    def features(self) -> dict[str, float]:
        """The values by name; the token features only where they were measured."""
        tokens = {} if self.soft_align is None or self.soft_margin is None else {
            "soft_align": self.soft_align, "soft_margin": self.soft_margin}
        return tokens | {
            "cosine": self.cosine,
            "margin": self.margin,
            "coverage": self.coverage,
            "coverage_best": self.coverage_best,
            "rare_words": self.rare_words,
            "numbers": min(self.shared_numbers, 3) / 3,
            "specifics": self.specifics,
            "mutual": self.mutual,
            "rare_masked": self.rare_masked,
            "copy_masked": self.copy_masked,
            "claim_cosine": self.claim_cosine,
            "claim_words": self.claim_words,
            "other_period": self.other_period,
            "update": self.update,
            "restates": self.restates,
            "coverage_rest": self.coverage_rest,
        }


def shipped_model() -> EvidenceModel:
    """The paragraph model fitted by benchmarks/tune_rules.py (bot/core/rules.json)."""
    return model_from_json(read_rules_file()["paragraph_model"], FEATURES)


def shipped_plain_model() -> EvidenceModel | None:
    """The paragraph model fitted without token features, for requests without token states
    (None: the paragraph model needs none)."""
    data = read_rules_file().get("plain_paragraph_model")
    return None if data is None else model_from_json(data, FEATURES)


def shipped_conflict_model() -> EvidenceModel | None:
    """The same-claim-other-facts model of rules.json (None: such pairs go to `model`)."""
    data = read_rules_file().get("conflict_model")
    return None if data is None else model_from_json(data, FEATURES)


# The loosest sentence cosine at which two sentences may state one claim with other facts:
# an updated toll is often told in other words ("At least 23 people were killed" / "the
# number of dead had risen to 31": 0.47).
CLAIM_SENTENCE = 0.40


@dataclass(frozen=True)
class Rules:
    """Decision thresholds and the fitted model (benchmarks/tune_rules.py, docs/benchmarks.md)."""

    near_verbatim: float = 0.75  # word-sequence similarity (difflib ratio over words)
    # A pair the model accepts on meaning whose wording is this close is a light edit, not a
    # restatement: labelled near-verbatim copies reach 0.65 at least; a reordered sentence
    # (tests/test_engine.py) reaches 0.63, so the cut sits just under the copies.
    near_verbatim_kind: float = 0.64
    min_words: int = 6  # shorter paragraphs (headings, "WINNERS (once)") only match as copies
    candidate_cosine: float = 0.40  # below this no paragraph pair is judged on meaning
    # A paraphrase when the fitted logistic model over Evidence says so (logit >= 0).
    model: EvidenceModel = field(default_factory=shipped_model)
    # Pairs whose facts differ somewhere they line up (Evidence.claim_cosine > 0).
    conflict_model: EvidenceModel | None = field(default_factory=shipped_conflict_model)
    # `model` refitted without TOKEN_FEATURES: where a request has no token states.
    plain_model: EvidenceModel | None = field(default_factory=shipped_plain_model)
    # A model this sure (p >= 0.88) outweighs one restated sentence with nothing else lined up:
    # restatements merge and reorder sentences, so the rest need not line up one to one.
    sure_logit: float = 2.0
    aligned_sentence: float = 0.55  # sentence cosine that counts as "lines up"
    unrelated_sentence: float = 0.35  # below this two sentences have nothing in common
    # Lone sentences: compared when their cosine or their rare-word similarity reaches this.
    sentence_candidate: float = 0.50
    # A sentence this close to one in another paragraph is a copy of it (labelled copied
    # sentences reach 0.96; true paragraph pairs sharing one sentence line it up at 0.74 at most).
    sentence_copy: float = 0.90
    min_sentence_words: int = 5
    # A lone sentence pair is a paraphrase when it is very close and each is the other's clear
    # best match, or when it is each other's clear best match and states the same number.
    sentence_paraphrase: float = 0.86
    sentence_margin: float = 0.05
    sentence_fact_margin: float = 0.10
    sentence_fact_rare_words: float = 0.10

    @property
    def features(self) -> frozenset[str]:
        """What the decision weighs: the evidence EvidenceTable must measure."""
        models = (self.model, self.conflict_model, self.plain_model)
        wanted = {f for m in models if m is not None for f in m.features}
        return frozenset(wanted | ({"other_period"} if self.conflict_model else set()))

    def repeats(self, values: Mapping[str, float]) -> bool:
        """The decision on Evidence.features(): a repeat when the deciding model says so."""
        return self.logit(values) >= 0

    def logit(self, values: Mapping[str, float]) -> float:
        """The deciding model's logit: the conflict model's where a sentence pair's facts
        differ, else the paraphrase model's."""
        if values["claim_cosine"] > 0 and self.conflict_model is not None:
            # Closest sentences about two periods ("A year earlier, ...") compare two claims:
            # 1 of the 63 such labelled pairs is a repeat (docs/benchmarks.md).
            return -math.inf if values["other_period"] else self.conflict_model.logit(values)
        if self.plain_model is not None and not values.keys() >= set(self.model.features):
            return self.plain_model.logit(values)  # no token states in this request
        return self.model.logit(values)

    def is_sentence_paraphrase(self, e: Evidence) -> bool:
        if e.cosine >= self.sentence_paraphrase and e.margin >= self.sentence_margin:
            return True
        # Two figures in common are stronger evidence than one: half the margin will do.
        margin = self.sentence_fact_margin / (2 if e.shared_numbers >= 2 else 1)
        return (
            e.cosine >= self.sentence_candidate
            and e.margin >= margin
            and e.shared_numbers >= 1
            and e.rare_words >= self.sentence_fact_rare_words
        )

    def is_repeat(self, e: Evidence) -> bool:
        """Same content: a paraphrase, or the same claim with other facts."""
        return self.repeats(e.features())


class EvidenceTable:
    """The pairwise signals of one request, computed once for all its paragraphs.

    ``dense=True`` (paragraphs: at most Limits.max_paragraphs) also keeps the n x n
    ``cosine`` and ``rare_words`` matrices that ``judge`` and the archive read; ``dense=False``
    (sentences: thousands) keeps only per-row data, and ``of`` computes a pair's evidence
    from its two rows, so memory grows with n, not n^2. ``features`` names the evidence
    beyond the base five to measure (Rules.features; the rest stays 0).
    """

    def __init__(
        self, passages: Sequence[Passage], *, dense: bool = True,
        features: frozenset[str] = frozenset(),
    ) -> None:
        self.passages = passages
        self.features = features
        self.vectors = np.stack([p.vector for p in passages]).astype(np.float32, copy=False)
        self.rare_rows = rare_word_matrix([p.text for p in passages])
        self.neighbours = neighbours(self.vectors)
        # Equal ids: exact copies (each text normalised once, not once per pair).
        distinct: dict[str, int] = {}
        self.text_ids = [distinct.setdefault(normalize(p.text), len(distinct)) for p in passages]
        if dense:
            self.cosine = self.vectors @ self.vectors.T
            self.rare_words = self.rare_rows @ self.rare_rows.T
            # The rows drop words no other text has, so a text's similarity to itself is
            # not their dot product: 1, as before, for any text with content words.
            np.fill_diagonal(
                self.rare_words, [1.0 if content_words(p.text) else 0.0 for p in passages]
            )
        self._numbers: dict[int, Counter[str]] = {}

    def numbers(self, i: int) -> Counter[str]:
        if i not in self._numbers:  # on demand: only judged pairs need the numbers
            self._numbers[i] = number_counts(self.passages[i].text)
        return self._numbers[i]

    def of(self, i: int, j: int) -> Evidence:
        cosine = float(self.vectors[i] @ self.vectors[j])
        runner_up = max(self.neighbours.runner_up(i, j), self.neighbours.runner_up(j, i))
        a, b = self.passages[i], self.passages[j]
        sims = a.sentence_vectors @ b.sentence_vectors.T
        cover_a, cover_b = _coverages(sims, a, b)
        wants = self.features
        soft = self._soft
        claim = _claim_change(a, b) if {"claim_cosine", "claim_words"} & wants else None
        return Evidence(
            cosine=cosine,
            margin=cosine - runner_up,
            coverage=(cover_a + cover_b) / 2,
            rare_words=float(self.rare_rows[i] @ self.rare_rows[j]),
            shared_numbers=sum((self.numbers(i) & self.numbers(j)).values()),
            coverage_best=max(cover_a, cover_b),
            specifics=self._specifics.overlap(i, j) if "specifics" in wants else 0.0,
            mutual=_mutual(self.neighbours.best_index, i, j) if "mutual" in wants else 0.0,
            rare_masked=(float(self._rare_masked[i] @ self._rare_masked[j])
                         if "rare_masked" in wants else 0.0),
            copy_masked=masked_word_similarity(a.text, b.text) if "copy_masked" in wants else 0.0,
            claim_cosine=claim.cosine if claim else 0.0,
            claim_words=claim.words if claim else 0.0,
            update=float(claim.update) if claim else 0.0,
            other_period=_other_period(a, b) if "other_period" in wants else 0.0,
            restates=self._restates(i, j, cosine - runner_up) if "restates" in wants else 0.0,
            soft_align=float(soft.scores[i, j]) if soft else None,
            soft_margin=soft.of(i, j) if soft else None,
            coverage_rest=_rest_coverage(sims, a, b) if "coverage_rest" in wants else 0.0,
        )

    def _restates(self, i: int, j: int, margin: float) -> float:
        early, late = sorted((i, j))
        nearest = int(self.neighbours.best_index[late])
        return float(self._opens_restating[late] and nearest == early and margin > 0)

    @cached_property
    def _soft(self) -> SoftMargins | None:
        tokens = [p.tokens for p in self.passages]
        if not TOKEN_FEATURES & self.features or any(t is None for t in tokens):
            return None
        scores = soft_alignment([t for t in tokens if t is not None])
        return None if scores is None else soft_margins(scores)

    @cached_property
    def _opens_restating(self) -> list[bool]:
        return [sums_up(p.text) for p in self.passages]

    @cached_property
    def _rare_masked(self) -> np.ndarray:
        return rare_word_matrix([p.text for p in self.passages], masked_content_words)

    # Computed on first use, so a table built only for cosines pays nothing for them.
    @cached_property
    def _specifics(self) -> Specifics:
        return Specifics([p.text for p in self.passages])


@dataclass(frozen=True)
class Mined:
    pairs: list[Pair]
    sentence_pairs: list[SentencePair]
    truncated: bool = False  # more pairs than MiningLimits allows: the first ones are kept


def mine(
    passages: Sequence[Passage], rules: Rules, limits: MiningLimits | None = None
) -> Mined:
    """Paragraph pairs (a < b) that repeat each other, and lone repeated sentences, saying
    whether the pair lists were cut at `limits`.

    Paragraphs with the same normalised text form a group judged once (its copies are exact
    pairs); distinct texts are judged only against their closest few (``top_pairs``), and a
    judged pair holds for every copy of either side.
    """
    limits = limits or MiningLimits()
    if len(passages) < 2:
        return Mined([], [])
    groups, group = groups_of([normalize(p.text) for p in passages])
    reps = [passages[g[0]] for g in groups]
    judged: dict[tuple[int, int], Pair] = {}
    if len(reps) >= 2:
        table = EvidenceTable(reps, features=rules.features)
        candidates = top_pairs(table.vectors, rules.candidate_cosine, limits.paragraph_neighbours)
        for x, y in candidates.tolist():
            pair = judge(reps[x], reps[y], table, x, y, rules)
            if pair is not None:
                judged[(x, y)] = pair
    spans = [within(g) for g in groups if len(g) > 1]
    spans += [across(groups[x], groups[y]) for x, y in judged]
    members = unique_pairs(np.concatenate(spans)) if spans else np.zeros((0, 2), np.int64)
    pairs = [
        _member_pair(passages, int(a), int(b), group, groups, judged, rules)
        for a, b in members[: limits.max_pairs]
    ]
    paired_groups = {(x, y) for x, y in judged} | {(y, x) for x, y in judged}
    sentence_pairs, cut = _sentence_pairs(passages, group, paired_groups, rules, limits)
    return Mined(pairs, sentence_pairs, truncated=len(members) > limits.max_pairs or cut)


def _member_pair(
    passages: Sequence[Passage],
    a: int,
    b: int,
    group: np.ndarray,
    groups: Sequence[Sequence[int]],
    judged: dict[tuple[int, int], Pair],
    rules: Rules,
) -> Pair:
    """The pair (a, b) of passages: an exact copy, or a judged pair of group representatives
    carried over to these members (aligned and checked for conflicts on their own text)."""
    first, second = passages[a], passages[b]
    x, y = int(group[a]), int(group[b])
    if x == y:
        return Pair(first.ref, second.ref, "exact", 1.0, _align(first, second, rules))
    rep = judged[(x, y)] if (x, y) in judged else judged[(y, x)]
    if (x, y) in judged and a == groups[x][0] and b == groups[y][0]:
        return rep
    aligned = _align(first, second, rules)
    conflicts = _conflicts(first, second, aligned)
    kind: Kind = rep.kind
    if conflicts:
        kind = "conflicting"
    elif kind == "conflicting":  # the representatives conflict; these copies read alike
        copy = word_similarity(first.text, second.text)
        kind = "near_verbatim" if copy >= rules.near_verbatim else "paraphrase"
    return Pair(first.ref, second.ref, kind, rep.score, aligned, conflicts)


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
    elif not judged_on_meaning(a, b, rules):
        return None
    else:
        evidence = table.of(i, j)
        logit = rules.logit(evidence.features())
        if logit < 0:
            return None
        # An update restates the one sentence whose figure it changes ("at least four injured"
        # / "now says seven"): that is the repeat, not a lone sentence inside other news.
        if not evidence.update and _one_sentence_in_common(a, b, rules,
                                                           sure=logit >= rules.sure_logit):
            return None
        kind, score = "paraphrase", evidence.cosine
        if copy >= rules.near_verbatim_kind:
            kind, score = "near_verbatim", copy
    aligned = _align(a, b, rules)
    conflicts = _conflicts(a, b, aligned)
    if kind == "paraphrase" and evidence.claim_cosine > 0:
        claim = _claim_change(a, b)  # the claim the conflict model read, aligned or not
        conflicts = tuple(dict.fromkeys((*conflicts, *(claim.conflicts if claim else ()))))
    if conflicts:
        kind = "conflicting"
    return Pair(a.ref, b.ref, kind, round(float(score), 3), aligned, conflicts)


def judged_on_meaning(a: Passage, b: Passage, rules: Rules) -> bool:
    """Whether a pair that is no copy may still be a restatement: not a heading against the
    text it announces (two headlines of one story may well restate each other), not two items
    of one list, and long enough to say something."""
    return (min(len(a.text.split()), len(b.text.split())) >= rules.min_words
            and a.heading == b.heading and not one_list(a, b))


def one_list(a: Passage, b: Passage) -> bool:
    """Two items of one bulleted list: separate entries, unless one copies the other."""
    return a.list_start is not None and (a.ref.doc, a.list_start) == (b.ref.doc, b.list_start)


def _coverages(sims: np.ndarray, a: Passage, b: Passage) -> tuple[float, float]:
    """Length-weighted share of each paragraph's sentences that have a close counterpart
    (`sims`: a's sentences x b's)."""
    return (_covered(a, sims, range(len(a.sentences))),
            _covered(b, sims.T, range(len(b.sentences))))


def _rest_coverage(sims: np.ndarray, a: Passage, b: Passage) -> float:
    """The better of the two sides' coverage without their sentence of the closest pair
    (1 for a one-sentence side: all of it is that sentence)."""
    i, j = np.unravel_index(int(sims.argmax()), sims.shape)

    def rest(p: Passage, best: int, rows: np.ndarray) -> float:
        if len(p.sentences) < 2:
            return 1.0
        return _covered(p, rows, [k for k in range(len(p.sentences)) if k != best])

    return max(rest(a, int(i), sims), rest(b, int(j), sims.T))


def _covered(p: Passage, rows: np.ndarray, kept: Sequence[int]) -> float:
    """Length-weighted best match of `p`'s sentences `kept` (`rows`: p's sentences x the
    other paragraph's)."""
    weights = np.fromiter((len(p.sentences[k]) for k in kept), np.float32, len(kept))
    return float(rows[list(kept)].max(axis=1) @ weights) / float(weights.sum())


@dataclass(frozen=True)
class ClaimChange:
    """A sentence pair that may state one claim with other facts."""

    cosine: float
    words: float  # masked word similarity: the wording once figures are set aside
    conflicts: tuple[Conflict, ...]
    update: bool = False  # some such sentence pair gives a newer figure for the same count


def _claim_change(a: Passage, b: Passage) -> ClaimChange | None:
    """The most alike sentence pair (cosine >= CLAIM_SENTENCE, then masked wording) whose
    facts differ: one sentence restating the other with a changed figure, date or name."""
    sims = a.sentence_vectors @ b.sentence_vectors.T
    best: ClaimChange | None = None
    update = False
    for i, j in zip(*np.nonzero(sims >= CLAIM_SENTENCE), strict=True):
        sa, sb = a.sentences[int(i)], b.sentences[int(j)]
        conflicts = find_conflicts(sa, sb, (a.text, b.text))
        if conflicts:
            update = update or is_update(sa, sb)
            found = ClaimChange(float(sims[i, j]), masked_word_similarity(sa, sb),
                                tuple(conflicts))
            if best is None or found.cosine + found.words > best.cosine + best.words:
                best = found
    return best and dataclasses.replace(best, update=update)


def _other_period(a: Passage, b: Passage) -> float:
    sims = a.sentence_vectors @ b.sentence_vectors.T
    i, j = np.unravel_index(int(sims.argmax()), sims.shape)
    sa, sb = a.sentences[i], b.sentences[j]
    frames = period_frame(sa), period_frame(sb)
    # A frame the other sentence names later ("In 2021, ..." / "...: in 2021, the last full
    # year") is the same period.
    named = (frames[0] and frames[0] in sb.lower()) or (frames[1] and frames[1] in sa.lower())
    return float(frames[0] != frames[1] and not named)


def _mutual(nearest: np.ndarray, i: int, j: int) -> float:
    """1 when i and j are each other's nearest passage, 0.5 when one of them is, else 0."""
    if len(nearest) < 3:
        return 1.0
    return (float(nearest[i] == j) + float(nearest[j] == i)) / 2


def _one_sentence_in_common(a: Passage, b: Passage, rules: Rules, *, sure: bool = False) -> bool:
    """True when the pair shares one sentence, nothing else lines up, and the rest is most of
    one paragraph: a repeated sentence (reported as such), not a repeated paragraph.

    `sure`: the model is confident the paragraphs repeat; then only a copied sentence, not a
    restated one beside unrelated sentences, makes them a lone sentence pair.
    """
    # A question heading an answer ("How is it paid for? The council will borrow ...") lines up
    # with nothing by design: judged on it, a restated answer looked like a lone sentence.
    keep_a, keep_b = _statements(a), _statements(b)
    if min(len(keep_a), len(keep_b)) < 2:
        return False
    sims = a.sentence_vectors[keep_a] @ b.sentence_vectors[keep_b].T
    i, j = np.unravel_index(int(sims.argmax()), sims.shape)
    rest = float(np.delete(np.delete(sims, i, axis=0), j, axis=1).max())
    shares = (_share(a, keep_a, int(i)), _share(b, keep_b, int(j)))
    copied = float(sims[i, j]) >= rules.sentence_copy
    if (copied or not sure) and rest < rules.unrelated_sentence and min(shares) < 0.5:
        return True
    # A sentence copied into a paragraph of the same story: the rest is on topic (cosine up to
    # 0.5) but nothing else lines up, and the copy is under half of each paragraph.
    return copied and rest < rules.aligned_sentence and max(shares) < 0.5


def _statements(p: Passage) -> list[int]:
    """The sentences of `p` that are not questions (all of them, if every one is)."""
    kept = [k for k, s in enumerate(p.sentences) if not s.rstrip().endswith("?")]
    return kept or list(range(len(p.sentences)))


def _share(p: Passage, kept: Sequence[int], k: int) -> float:
    """How much of `p`'s kept sentences the `k`-th of them is, by characters."""
    return len(p.sentences[kept[k]]) / sum(len(p.sentences[n]) for n in kept)


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
        for conflict in find_conflicts(a.sentences[link.a], b.sentences[link.b],
                                       (a.text, b.text)):
            found[conflict] = None
    return tuple(found)


def _sentence_pairs(
    passages: Sequence[Passage],
    paragraph_group: np.ndarray,
    paired_groups: set[tuple[int, int]],
    rules: Rules,
    limits: MiningLimits,
) -> tuple[list[SentencePair], bool]:
    """Sentences that repeat one another from paragraphs that are not duplicates as a whole,
    and whether the list was cut at the limit.

    Each sentence is treated as a one-sentence passage, so the same evidence (cosine, margin
    over its other neighbours, rare words, shared numbers) serves both levels. Sentences with
    the same normalised text are judged once, against their closest few only.
    """
    refs = [
        SentenceRef(p.ref.doc, p.ref.paragraph, k)
        for p in passages
        for k in range(len(p.sentences))
    ]
    owner = np.array([n for n, p in enumerate(passages) for _ in p.sentences], dtype=np.int64)
    texts = [s for p in passages for s in p.sentences]
    if len(texts) < 2:
        return [], False
    groups, group = groups_of([normalize(t) for t in texts])
    vectors = np.concatenate([p.sentence_vectors for p in passages])
    reps = [
        Passage(passages[owner[g[0]]].ref, texts[g[0]], (texts[g[0]],), vectors[g[0]][None, :],
                vectors[g[0]])
        for g in groups
    ]
    # A representative's paragraph, when all its copies sit in one paragraph (-1 otherwise):
    # two sentences of one paragraph are never a pair.
    home = np.array(
        [owner[g[0]] if len(set(owner[g].tolist())) == 1 else -1 for g in groups], dtype=np.int64
    )

    def same_paragraph(start: int, stop: int) -> np.ndarray:
        mine_ = home[start:stop, None]
        return (mine_ == home[None, :]) & (mine_ >= 0)

    judged: dict[tuple[int, int], tuple[Kind, float]] = {}
    if len(reps) >= 2:
        table = EvidenceTable(reps, dense=False)
        k = limits.sentence_neighbours
        candidates = unique_pairs(
            np.concatenate(
                [
                    top_pairs(table.vectors, rules.sentence_candidate, k, exclude=same_paragraph),
                    top_pairs(table.rare_rows, rules.sentence_candidate, k, exclude=same_paragraph),
                ]
            )
        )
        for x, y in candidates.tolist():
            result = _judge_sentences(reps[x].text, reps[y].text, table.of(x, y), rules)
            if result is not None:
                judged[(x, y)] = result
    spans = [within(g) for g in groups if len(g) > 1]
    spans += [across(groups[x], groups[y]) for x, y in judged]
    if not spans:
        return [], False
    members = unique_pairs(np.concatenate(spans))
    # Only sentences of different paragraphs that are not a reported pair as a whole.
    pa, pb = owner[members[:, 0]], owner[members[:, 1]]
    keep = pa != pb
    ga, gb = paragraph_group[pa], paragraph_group[pb]
    keep &= ga != gb
    if paired_groups:
        codes = ga * len(passages) + gb
        paired_codes = np.array([x * len(passages) + y for x, y in paired_groups])
        keep &= ~np.isin(codes, paired_codes)
    members = members[keep]
    found: list[SentencePair] = []
    for a, b in members.tolist():
        x, y = int(group[a]), int(group[b])
        kind: Kind
        if x == y:
            if min(len(texts[a].split()), len(texts[b].split())) < rules.min_sentence_words:
                continue
            kind, score = "exact", 1.0
        elif passages[owner[a]].heading != passages[owner[b]].heading:
            continue  # a headline restates its story's lede by design
        else:
            kind, score = judged[(x, y)] if (x, y) in judged else judged[(y, x)]
        conflicts = tuple(find_conflicts(texts[a], texts[b]))
        found.append(
            SentencePair(
                refs[a], refs[b], "conflicting" if conflicts else kind, round(score, 3), conflicts
            )
        )
        if len(found) == limits.max_sentence_pairs:
            return found, len(members) > len(found)
    return found, False


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
