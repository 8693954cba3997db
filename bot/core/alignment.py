"""Token-level soft alignment between the paragraphs of one request (BERTScore-style).

Each word piece of one paragraph is matched to its most similar word piece of the other
(cosine of the encoder's last hidden states); recall and precision are the IDF-weighted
means of those best matches, and a pair's score is their harmonic mean (Zhang et al., 2020,
"BERTScore"). The IDF comes from the request's own paragraphs, so the names and figures
that every paragraph of a story repeats weigh little. One restatement keeps most of what
the other says in other word pieces whose states still align; a same-topic neighbour shares
the story's names and little else. Measured: docs/benchmarks.md, "Token-level soft
alignment".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from bot.core.embed import Tokens

# The work is (tokens in the request)^2 x 384: ~1,400 tokens (1,000 words) take ~20 ms on 2
# cores. Past this many the request is judged without alignment (Rules.plain_model).
MAX_TOKENS = 6000


def soft_alignment(tokens: Sequence[Tokens]) -> np.ndarray | None:
    """n x n soft-alignment F1 of the paragraphs (0 on the diagonal), or None when the
    request is too long to align."""
    n = len(tokens)
    lengths = [len(ids) for ids, _ in tokens]
    total = sum(lengths)
    if total > MAX_TOKENS:
        return None
    scores = np.zeros((n, n), dtype=np.float32)
    if total == 0:
        return scores
    ids = np.concatenate([i for i, _ in tokens])
    states = np.concatenate([s for _, s in tokens if len(s)]).astype(np.float32, copy=False)
    frequency: Counter[int] = Counter()
    for own, _ in tokens:
        frequency.update(set(own.tolist()))
    idf = np.log((n + 1) / (np.array([frequency[t] for t in ids.tolist()], dtype=np.float32) + 1))
    starts = np.cumsum([0, *lengths])[:-1]
    present = [k for k in range(n) if lengths[k]]
    # best[t, k]: how well token t is matched by anything in paragraph k.
    best = np.zeros((total, n), dtype=np.float32)
    for row in range(0, total, 512):  # blocks: a 6,000-token square would be 144 MB
        sims = states[row : row + 512] @ states.T
        best[row : row + 512, present] = np.maximum.reduceat(sims, starts[present], axis=1)
    # recall[i, j]: the IDF-weighted mean over paragraph i's tokens of their best match in j.
    recall = np.zeros((n, n), dtype=np.float32)
    for i in present:
        weights = idf[starts[i] : starts[i] + lengths[i]]
        if weights.sum() > 0:
            recall[i] = weights @ best[starts[i] : starts[i] + lengths[i]] / weights.sum()
    precision = recall.T
    total_score = recall + precision
    np.divide(2 * recall * precision, total_score, out=scores, where=total_score > 0)
    np.fill_diagonal(scores, 0.0)
    return scores


def soft_margins(scores: np.ndarray) -> SoftMargins:
    """Each paragraph's three best partners, for ``SoftMargins.of``."""
    return SoftMargins(scores, np.argsort(-scores, axis=1, kind="stable")[:, :3])


class SoftMargins:
    def __init__(self, scores: np.ndarray, top: np.ndarray) -> None:
        self.scores, self.top = scores, top

    def of(self, i: int, j: int) -> float:
        """How far the pair's alignment stands above the better of i's and j's next-best
        partner (as the cosine margin does)."""
        others = [next((float(self.scores[x, k]) for k in self.top[x] if k not in (i, j)), 0.0)
                  for x in (i, j)]
        return float(self.scores[i, j]) - max(others)
