"""Array helpers for pair mining: neighbours from matrix products, in row blocks.

Nothing here builds an n x n matrix for the sentence level or loops over all pairs in
Python: candidates come from block products (top-k per row above a threshold), so the work
judged in Python is O(n k) and memory is O(block n).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.lexical import content_words

Matrix = npt.NDArray[np.float32]
Indices = npt.NDArray[np.int64]
# Rows per block product: 512 x 5,000 float32 is 10 MB, whatever the article's length.
BLOCK = 512


@dataclass(frozen=True)
class MiningLimits:
    """Bounds that keep a pathological paste (hundreds of near-identical paragraphs) fast."""

    # Candidates judged per paragraph / sentence: its k closest above the threshold. A real
    # repeat is among a passage's closest few; k bounds the pairs judged to n * k.
    paragraph_neighbours: int = 10
    sentence_neighbours: int = 10
    # Reported pairs at most (the first in reading order); Report.truncated says so.
    max_pairs: int = 1000
    max_sentence_pairs: int = 1000


def rare_word_matrix(
    texts: Sequence[str], words_of: Callable[[str], list[str]] = content_words
) -> Matrix:
    """Unit rows of TF-IDF with IDF over these texts (as lexical.rare_word_similarity), kept
    to the words at least two texts share: the others add nothing to any dot product between
    two texts, so rows @ rows.T is the same similarity at a fraction of the width."""
    counts = [Counter(words_of(t)) for t in texts]
    frequency = Counter(w for c in counts for w in c)
    shared = {w: k for k, w in enumerate(sorted(w for w, f in frequency.items() if f >= 2))}
    n = len(texts)
    matrix = np.zeros((n, max(len(shared), 1)), dtype=np.float32)
    for row, words in enumerate(counts):
        squared = 0.0
        for word, count in words.items():
            weight = (1 + math.log(count)) * math.log((n + 1) / (frequency[word] + 0.5))
            squared += weight * weight
            if word in shared:
                matrix[row, shared[word]] = weight
        if squared > 0:
            matrix[row] /= math.sqrt(squared)
    return matrix


@dataclass(frozen=True)
class Neighbours:
    """Each row's closest other row and the next: runner_up(i, j) without an n x n matrix."""

    best: Matrix
    best_index: Indices
    second: Matrix

    def runner_up(self, i: int, j: int) -> float:
        """The closest item i has other than j (0 when there is none)."""
        level = self.second[i] if self.best_index[i] == j else self.best[i]
        return max(float(level), 0.0)


def neighbours(vectors: Matrix, block: int = BLOCK) -> Neighbours:
    n = len(vectors)
    best = np.full(n, -np.inf, dtype=np.float32)
    second = np.full(n, -np.inf, dtype=np.float32)
    best_index = np.full(n, -1, dtype=np.int64)
    for start in range(0, n, block):
        sims = vectors[start : start + block] @ vectors.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = -np.inf
        top = sims.argmax(axis=1)
        best[start : start + len(sims)] = sims[rows, top]
        best_index[start : start + len(sims)] = top
        sims[rows, top] = -np.inf
        second[start : start + len(sims)] = sims.max(axis=1) if n > 1 else -np.inf
    return Neighbours(best, best_index, second)


def top_pairs(
    rows: Matrix,
    threshold: float,
    k: int,
    *,
    exclude: Callable[[int, int], npt.NDArray[np.bool_]] | None = None,
    block: int = BLOCK,
) -> Indices:
    """(m, 2) index pairs i < j where j is among i's k highest rows @ rows.T scores (or i
    among j's) and the score reaches `threshold`. `exclude(start, stop)` masks a block's
    entries that may not pair (True: never a candidate)."""
    n = len(rows)
    found: list[Indices] = []
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    for start in range(0, n, block):
        sims = rows[start : start + block] @ rows.T
        stop = start + len(sims)
        local = np.arange(len(sims))
        sims[local, start + local] = -np.inf
        if exclude is not None:
            sims[exclude(start, stop)] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        keep = np.take_along_axis(sims, top, axis=1) >= threshold
        i = np.repeat(np.arange(start, stop)[:, None], k, axis=1)[keep]
        j = top[keep]
        found.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    return unique_pairs(pairs)


def unique_pairs(pairs: Indices) -> Indices:
    """Distinct rows of an (m, 2) index array, sorted by (first, second)."""
    if len(pairs) == 0:
        return pairs.reshape(0, 2).astype(np.int64)
    return np.unique(pairs.astype(np.int64), axis=0)


def groups_of(keys: Sequence[Hashable]) -> tuple[list[list[int]], Indices]:
    """Indices with equal keys, in order of first occurrence, and each index's group."""
    first: dict[Hashable, int] = {}
    groups: list[list[int]] = []
    group = np.empty(len(keys), dtype=np.int64)
    for index, key in enumerate(keys):
        g = first.setdefault(key, len(groups))
        if g == len(groups):
            groups.append([])
        groups[g].append(index)
        group[index] = g
    return groups, group


def within(members: Sequence[int]) -> Indices:
    """All (a, b) pairs a < b of one group's members."""
    m = np.asarray(members, dtype=np.int64)
    i, j = np.triu_indices(len(m), k=1)
    return np.stack([m[i], m[j]], axis=1)


def across(a: Sequence[int], b: Sequence[int]) -> Indices:
    """All pairs of a member of `a` with a member of `b`, each ordered first < second."""
    grid_a, grid_b = np.meshgrid(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
    x, y = grid_a.ravel(), grid_b.ravel()
    return np.stack([np.minimum(x, y), np.maximum(x, y)], axis=1)
