"""Small deterministic stand-ins for tests about plumbing, not meaning."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from bot.core.embed import Vectors


class HashingEncoder:
    """Bag of hashed words: identical texts get identical vectors, shared words raise cosine.

    Instant and deterministic (crc32, not hash()), so Slack/CLI tests do not load the model.
    """

    def __init__(self, dimensions: int = 512) -> None:
        self.dimensions = dimensions
        self.calls: list[int] = []  # batch sizes, so tests can see how often the model ran

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)
