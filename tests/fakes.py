"""Small deterministic stand-ins for tests about plumbing, not meaning."""

from __future__ import annotations

import re
import sys
import time
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


_SLEEP = re.compile(r"\[\[sleep (\d+(?:\.\d+)?)\]\]")
CRASH = "[[crash]]"


class ScriptedEncoder(HashingEncoder):
    """HashingEncoder that obeys stage directions in the text it encodes.

    ``[[sleep 2]]`` holds the batch 2 s (a worker busy long enough to be killed mid-job);
    ``[[crash]]`` raises on every attempt (a job that keeps failing). Worker processes that a
    test starts get it through CHECKDUPES_ENCODER_FACTORY=tests.fakes:ScriptedEncoder.
    """

    def encode(self, texts: Sequence[str]) -> Vectors:
        joined = "\n".join(texts)
        if CRASH in joined:
            raise RuntimeError("scripted crash")
        for seconds in _SLEEP.findall(joined):
            # Said on stderr, so a test can act while the check is surely running.
            print(f"scripted_sleep seconds={seconds}", file=sys.stderr, flush=True)
            time.sleep(float(seconds))
        return super().encode(texts)


def archive_encoder() -> ScriptedEncoder:
    """ScriptedEncoder as wide as the archive's vectors (384, all-MiniLM-L6-v2's), for worker
    processes that keep an archive (CHECKDUPES_ENCODER_FACTORY=tests.fakes:archive_encoder)."""
    return ScriptedEncoder(dimensions=384)


def no_encoder() -> HashingEncoder:
    """A factory for processes that must never load a model (a web process with REDIS_URL)."""
    raise AssertionError("this process was not meant to load a model")
