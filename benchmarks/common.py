"""Shared benchmark helpers: data paths, TSV reading, metrics, tables, results JSON, encoders.

Every benchmark runs as ``python -m benchmarks.<name>`` from the repository root, prints
markdown tables and writes ``benchmarks/results/<name>.json`` (git-ignored). Data is read
from ``../shared/data`` beside the checkout; when it is absent the benchmark says so and
exits 0 without results.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import platform
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
RESULTS = ROOT / "benchmarks" / "results"
ARTICLES = ROOT / "tests" / "data" / "articles"


class MissingData(Exception):
    """A data file the benchmark needs is not there."""


def require(path: Path) -> Path:
    if not path.exists():
        raise MissingData(f"{_shown(path)} is absent: the shared data sits beside the checkout "
                          "(../shared/data); nothing to measure")
    return path


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT.parent))
    except ValueError:
        return str(path)


# The baselines' packages: pyproject's "bench" extra, imported where a baseline runs.
BENCH_EXTRAS = frozenset({"datasketch", "rouge_score", "sumy", "sklearn"})


def run_main(main: Callable[[], None]) -> None:
    """Run a benchmark's main; a missing data set is a clear skip (exit 0), a missing baseline
    package a one-line error (exit 2), not a traceback."""
    try:
        main()
    except MissingData as missing:
        print(f"skipped: {missing}", file=sys.stderr)
        sys.exit(0)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in BENCH_EXTRAS:
            raise
        print(f"{error.name} is missing: install the benchmark extras with "
              "pip install -e '.[bench]'", file=sys.stderr)
        sys.exit(2)


def read_tsv(path: Path) -> list[dict[str, str]]:
    """The shared data's TSVs: header line, tab-separated, no quoting."""
    with require(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


# ---------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def prf_of_sets(predicted: Iterable[Any], truth: Iterable[Any]) -> PRF:
    pred, true = set(predicted), set(truth)
    return PRF(len(pred & true), len(pred - true), len(true - pred))


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of "score >= threshold"; the threshold sits midway
    between the chosen score and the next lower one, so it does not hug the dev data."""
    if not scores:
        return 0.0, 0.0
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    fp = np.cumsum(~y)
    positives = int(y.sum())
    f1 = np.where(tp > 0, 2 * tp / (tp + fp + positives), 0.0)
    # Only cut between distinct scores: the last index of each run of equal scores.
    last = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last, f1, -1.0)
    k = int(np.argmax(f1))
    below = s[k + 1] if k + 1 < len(s) else s[k] - 1e-6
    return float((s[k] + below) / 2), float(f1[k])


def accuracy_f1(
    scores: Sequence[float], labels: Sequence[bool], threshold: float
) -> dict[str, float]:
    s = np.asarray(scores)
    y = np.asarray(labels, dtype=bool)
    pred = s >= threshold
    counts = PRF(int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum()))
    return {"accuracy": round(float((pred == y).mean()), 4), "f1": round(counts.f1, 4),
            "precision": round(counts.precision, 4), "recall": round(counts.recall, 4)}


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else 0.0


# ---------------------------------------------------------------------------- output


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_1m": round(load[0], 2),
        "at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    body = {"benchmark": name, "machine": machine(), **payload}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# ---------------------------------------------------------------------------- encoders


def encoder_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encoder", choices=("torch", "onnx"),
        default=os.environ.get("CHECKDUPES_ENCODER", "torch") or "torch",
        help="sentence encoder (default: $CHECKDUPES_ENCODER or torch)",
    )


class CachingEncoder:
    """Wraps an encoder and remembers each text's vector, so methods that share a run
    (ours, paraphrase mining, the summariser) encode every distinct text once.

    New texts go to the encoder in groups of similar length: sentence-transformers pads a
    batch to its longest text, and an article's sentences batched with its paragraphs cost
    about three times the work (bot.core.embed_onnx.batches does the same inside the ONNX
    encoder)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._cache: dict[str, np.ndarray] = {}
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from bot.core.embed_onnx import batches

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        # ~1.3 tokens per word, plus [CLS] and [SEP]
        lengths = [int(len(t.split()) * 1.3) + 2 for t in missing]
        for group in batches(lengths, batch_size=32):
            chunk = [missing[i] for i in group]
            vectors = self.inner.encode(chunk)
            self.encoded += len(chunk)
            self._cache.update(zip(chunk, np.asarray(vectors, dtype=np.float32), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def load(kind: str) -> Any:
    from bot.core.encoders import load_encoder

    return load_encoder(kind)
