"""The SQLite store's in-memory exact search: blocks, removed stories, exclusions."""

from __future__ import annotations

import numpy as np

from bot.archive.exact_index import MAX_BLOCKS, ExactIndex
from tests.archive_stores import unit_rows


def test_search_is_exact_across_blocks_and_merges_them():
    vectors = unit_rows(200, seed=1, dimensions=16)
    index = ExactIndex(16)
    for block in range(MAX_BLOCKS + 2):  # past MAX_BLOCKS the blocks merge into one
        rows = range(block * 20, (block + 1) * 20)
        index.append(list(rows), [f"s{r // 10}" for r in rows], vectors[block * 20 :][:20])
    assert index.rows == 200
    queries = unit_rows(5, seed=2, dimensions=16)
    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :7]
    assert index.search(queries, 7) == expected.tolist()


def test_removed_and_excluded_stories_are_never_returned():
    vectors = unit_rows(30, seed=3, dimensions=8)
    index = ExactIndex(8)
    index.append(list(range(30)), [f"s{r // 10}" for r in range(30)], vectors)
    index.remove(["s0", "unknown"])
    assert abs(index.removed_share - 1 / 3) < 1e-9
    [row] = index.search(vectors[:1], 30, exclude=["s1"])
    assert sorted(row) == list(range(20, 30))


def test_an_empty_index_and_a_k_larger_than_the_rows():
    assert ExactIndex(8).search(unit_rows(2, dimensions=8), 5) == [[], []]
    index = ExactIndex(8)
    index.append([7, 9], ["a", "b"], unit_rows(2, seed=4, dimensions=8))
    assert sorted(index.search(unit_rows(1, dimensions=8), 5)[0]) == [7, 9]
