"""Exact cosine search over one team's paragraph vectors in memory, updated in place.

The SQLite store keeps one of these per team and applies the archive's change log to it:
added stories become a new block of rows, removed stories are masked out. Reloading a whole
team for every new story would cost seconds at a few hundred thousand paragraphs, and the
bot adds a story after every check.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

# Searches multiply with one BLAS thread: OpenBLAS's threads spin against the encoder's and the
# other worker's on a busy 2-core machine (a 10k-row search went from 1 ms to 12 ms), and the
# bot already runs one search per worker.
_BLAS = ThreadpoolController()
MAX_BLOCKS = 8  # merged into one past this, so a search stays a few large products


@dataclass(frozen=True)
class _Block:
    rowids: np.ndarray  # int64: the store's paragraph id of each vector
    stories: np.ndarray  # int64: a code per row (ExactIndex._codes) for masking whole stories
    vectors: np.ndarray  # (rows, dimensions) float32, unit rows
    # int64: 0 for a public story's row, else a code (ExactIndex._scopes) for the one channel
    # a private story may be shown in.
    scopes: np.ndarray
    private: bool  # any row with a scope: the search masks only blocks that have one


class ExactIndex:
    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._blocks: list[_Block] = []
        self._codes: dict[str, int] = {}
        self._scopes: dict[str, int] = {}  # channel -> code, from 1 (0: public)
        self._removed: set[int] = set()
        self._removed_rows = 0

    @property
    def rows(self) -> int:
        return sum(len(b.rowids) for b in self._blocks)

    @property
    def removed_share(self) -> float:
        """Share of the rows held that belong to removed stories (a reload drops them)."""
        return self._removed_rows / max(self.rows, 1)

    def append(
        self,
        rowids: Sequence[int],
        story_ids: Sequence[str],
        vectors: np.ndarray,
        scopes: Sequence[str | None] | None = None,
    ) -> None:
        """Add rows; scopes[i] is the channel row i may be shown in (None or absent: any)."""
        if not len(rowids):
            return
        codes = [self._codes.setdefault(s, len(self._codes)) for s in story_ids]
        scope_codes = [
            0 if scope is None else self._scopes.setdefault(scope, len(self._scopes) + 1)
            for scope in (scopes if scopes is not None else [None] * len(rowids))
        ]
        self._blocks.append(
            _Block(
                np.asarray(rowids, dtype=np.int64),
                np.asarray(codes, dtype=np.int64),
                np.asarray(vectors, dtype=np.float32).reshape(len(rowids), self.dimensions),
                np.asarray(scope_codes, dtype=np.int64),
                any(scope_codes),
            )
        )
        if len(self._blocks) > MAX_BLOCKS:
            self._blocks = [
                _Block(
                    np.concatenate([b.rowids for b in self._blocks]),
                    np.concatenate([b.stories for b in self._blocks]),
                    np.concatenate([b.vectors for b in self._blocks]),
                    np.concatenate([b.scopes for b in self._blocks]),
                    any(b.private for b in self._blocks),
                )
            ]

    def remove(self, story_ids: Collection[str]) -> None:
        codes = {self._codes[s] for s in story_ids if s in self._codes} - self._removed
        if codes:
            self._removed = self._removed | codes  # a new set: a search may be reading the old
            wanted = np.fromiter(codes, dtype=np.int64)
            self._removed_rows += sum(int(np.isin(b.stories, wanted).sum()) for b in self._blocks)

    def search(
        self,
        queries: np.ndarray,
        k: int,
        *,
        exclude: Collection[str] = (),
        channel: str | None = None,
    ) -> list[list[int]]:
        """Paragraph ids of each query's k nearest rows, nearest first (fewer if fewer): rows
        of public stories and of private stories scoped to `channel` (None: public only)."""
        hidden = self._removed | {self._codes[s] for s in exclude if s in self._codes}
        hidden_codes = np.fromiter(hidden, dtype=np.int64)
        # -1 matches no row: a channel with no private story here sees public rows only.
        own_scope = self._scopes.get(channel, -1) if channel is not None else -1
        best_scores, best_rows = [], []
        for block in self._blocks:
            with _BLAS.limit(limits=1, user_api="blas"):
                scores = block.vectors @ queries.T  # (rows, queries): cosines, rows being unit
            if len(hidden_codes):
                scores[np.isin(block.stories, hidden_codes)] = -np.inf
            if block.private:
                scores[(block.scopes != 0) & (block.scopes != own_scope)] = -np.inf
            take = min(k, len(block.rowids))
            top = np.argpartition(-scores, take - 1, axis=0)[:take]  # (take, queries)
            best_scores.append(np.take_along_axis(scores, top, axis=0))
            best_rows.append(block.rowids[top])
        if not best_scores:
            return [[] for _ in range(len(queries))]
        scores, rowids = np.concatenate(best_scores), np.concatenate(best_rows)
        found = []
        for column in range(len(queries)):
            order = np.argsort(-scores[:, column], kind="stable")[:k]
            found.append(
                [int(rowids[r, column]) for r in order if np.isfinite(scores[r, column])]
            )
        return found
