"""A short extractive summary: central, early sentences, never two that say the same thing.

News puts its main facts first, so relevance mixes centrality (closeness to the article's
mean meaning) with a lead prior; maximal marginal relevance (Carbonell & Goldstein, 1998)
then keeps the picks from repeating each other, and sentences known to duplicate a pick
(from the pair mining) are never taken together.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.embed import Vectors


@dataclass(frozen=True)
class SummaryRules:
    sentences: int = 3
    short_article: int = 6  # fewer sentences than this get a 2-sentence summary
    lead_weight: float = 0.5
    diversity: float = 0.3  # MMR: weight of redundancy against relevance
    redundant: float = 0.8  # cosine at which two sentences count as saying the same thing
    min_words: int = 6


def summarize(
    sentences: Sequence[str],
    vectors: Vectors,
    positions: Sequence[int],
    *,
    duplicates: Collection[frozenset[int]] = (),
    rules: SummaryRules = SummaryRules(),
) -> list[int]:
    """Indices (reading order) of 2-3 sentences that summarise the text.

    `positions` is each sentence's rank in its own document (0 = its first sentence);
    `duplicates` holds index pairs already known to repeat each other.
    """
    n = len(sentences)
    if n <= 2:
        return list(range(n))
    budget = rules.sentences if n >= rules.short_article else 2
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
    lead = 1.0 / np.sqrt(1.0 + np.asarray(positions, dtype=np.float32))
    relevance = (1 - rules.lead_weight) * centrality + rules.lead_weight * lead
    long_enough = [i for i in range(n) if len(sentences[i].split()) >= rules.min_words]
    candidates = long_enough if len(long_enough) >= budget else list(range(n))
    similarity = vectors @ vectors.T
    chosen: list[int] = []
    while len(chosen) < budget:
        best, best_score = None, -np.inf
        for i in candidates:
            if i in chosen or any(_repeats(i, j, similarity, duplicates, rules) for j in chosen):
                continue
            redundancy = max((similarity[i, j] for j in chosen), default=0.0)
            score = (1 - rules.diversity) * relevance[i] - rules.diversity * redundancy
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
    return sorted(chosen)


def _repeats(
    i: int,
    j: int,
    similarity: np.ndarray,
    duplicates: Collection[frozenset[int]],
    rules: SummaryRules,
) -> bool:
    return similarity[i, j] >= rules.redundant or frozenset((i, j)) in duplicates
