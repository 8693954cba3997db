"""Article extraction on the ScrapingHub article-extraction benchmark (181 pages).

Scores our ``bot.links.extract_article`` against plain ``trafilatura.extract`` defaults in the
same run, next to the benchmark's stored baselines, with the benchmark's own metric: ``\\w+``
tokens, 4-gram shingles, tp/fp/fn normalised per page, precision and recall averaged over pages,
F1 from the averages. A page our extractor refuses (too little article text) scores as empty.

    python -m benchmarks.extraction             # the table and benchmarks/results/extraction.json
    python -m benchmarks.extraction --variants  # also the trafilatura option grid behind our choice
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub"
RESULTS = ROOT / "benchmarks" / "results" / "extraction.json"

TpFpFn = tuple[float, float, float]
Extractor = Callable[[str, str], str]

_TOKEN = re.compile(r"\w+")


# --- the benchmark's metric (scrapinghub/article-extraction-benchmark, evaluate.py) ------------


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n tokens is one short shingle, as in the reference implementation.
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str, pred: str) -> TpFpFn:
    truth, guess = _shingles(true), _shingles(pred)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    # Normalised so that long pages weigh no more than short ones.
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: Iterable[TpFpFn]) -> tuple[float, float, float]:
    """(precision, recall, F1): P and R averaged over pages, F1 from the two averages."""
    rows = list(counts)
    precision = statistics.mean(_precision(*c) for c in rows if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in rows if c[0] + c[2] > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def bootstrap_f1_ci(counts: list[TpFpFn], other: list[TpFpFn] | None = None) -> float:
    """Half-width of a 95% bootstrap interval for F1 (or for F1 minus ``other``'s F1, paired)."""
    rng = random.Random(0)
    values = []
    for _ in range(1000):
        picks = [rng.randrange(len(counts)) for _ in counts]
        f1 = scores(counts[i] for i in picks)[2]
        if other is not None:
            f1 -= scores(other[i] for i in picks)[2]
        values.append(f1)
    return 1.96 * statistics.stdev(values)


# --- systems ----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    counts: dict[str, TpFpFn]
    millis: list[float] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        precision, recall, f1 = scores(self.counts.values())
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "f1_ci95": round(bootstrap_f1_ci(list(self.counts.values())), 4),
            "median_ms": round(statistics.median(self.millis), 2) if self.millis else None,
            "empty_pages": len(self.empty),
        }


def load_pages(data: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        for key in truth
    }
    return truth, pages


def run_extractors(
    extractors: list[tuple[str, Extractor]],
    truth: dict[str, dict[str, str]],
    pages: dict[str, str],
) -> list[Result]:
    """Score each extractor; page by page, in turn, so that a busy machine slows all alike."""
    results = [Result(name, {}) for name, _ in extractors]
    first = next(iter(pages))
    for _name, extract in extractors:
        extract(pages[first], truth[first]["url"])  # warm-up: lazy imports, lxml and regex caches
    for key, html in pages.items():
        for result, (_name, extract) in zip(results, extractors, strict=True):
            start = time.perf_counter()
            text = extract(html, truth[key]["url"])
            result.millis.append((time.perf_counter() - start) * 1000)
            if not text:
                result.empty.append(key)
            result.counts[key] = tp_fp_fn(truth[key]["articleBody"], text)
    return results


def stored_baseline(path: Path, truth: dict[str, dict[str, str]]) -> Result:
    raw = json.loads(gzip.decompress(path.read_bytes()))
    output = raw.get("output", raw)
    name = path.name.removesuffix(".json.gz")
    result = Result(f"stored: {name} {raw.get('version', '')}".rstrip(), {})
    for key, item in truth.items():
        text = (output.get(key) or {}).get("articleBody") or ""
        if not text:
            result.empty.append(key)
        result.counts[key] = tp_fp_fn(item["articleBody"], text)
    return result


def ours(html: str, url: str) -> str:
    from bot.core.errors import CheckdupesError
    from bot.links import extract_article

    try:
        return extract_article(html, url).text
    except CheckdupesError:  # refused as "no readable article": the user gets nothing
        return ""


def trafilatura_defaults(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def variants() -> Iterable[tuple[str, Extractor]]:
    """The option grid behind TRAFILATURA_OPTIONS (comments always off, url always passed)."""
    import trafilatura

    modes: dict[str, dict[str, bool]] = {
        "balanced": {},
        "precision": {"favor_precision": True},
        "recall": {"favor_recall": True},
    }
    grid = itertools.product((False, True), modes.items(), (True, False))
    for fast, (mode, flags), tables in grid:
        options: dict[str, Any] = {"fast": fast, "include_tables": tables, **flags}

        def extract(html: str, url: str, options: dict[str, Any] = options) -> str:
            return trafilatura.extract(html, url=url, include_comments=False, **options) or ""

        label = f"variant: {mode}{', fast' if fast else ''}{', no tables' if not tables else ''}"
        yield label, extract


# --- report -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        # Timings are only comparable between runs on an equally idle machine.
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "trafilatura": version("trafilatura"),
    }


def markdown(rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| system | precision | recall | F1 (± 95% CI) | median ms/page | empty pages |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        ms = "–" if row["median_ms"] is None else f"{row['median_ms']:.1f}"
        lines.append(
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} "
            f"| {row['f1']:.3f} ± {row['f1_ci95']:.3f} | {ms} | {row['empty_pages']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the scrapinghub folder")
    parser.add_argument("--variants", action="store_true", help="also score the option grid")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"benchmark data not found in {args.data}", file=sys.stderr)
        return 2

    started_on = machine()  # the load average before this run adds its own
    truth, pages = load_pages(args.data)
    extractors: list[tuple[str, Extractor]] = [
        ("checkdupes extract_article", ours),
        ("trafilatura.extract() defaults", trafilatura_defaults),
    ]
    if args.variants:
        extractors += list(variants())
    results = run_extractors(extractors, truth, pages)
    results += [stored_baseline(p, truth) for p in sorted((args.data / "baselines").glob("*.gz"))]

    rows = {r.name: r.row() for r in results}
    ours_counts, defaults_counts = (list(r.counts.values()) for r in results[:2])
    difference = scores(ours_counts)[2] - scores(defaults_counts)[2]
    difference_ci = bootstrap_f1_ci(ours_counts, defaults_counts)
    refused = sorted(truth[key]["url"] for key in results[0].empty)

    print(markdown(rows))
    print(f"\nF1 ours minus defaults: {difference:+.4f} ± {difference_ci:.4f} (paired bootstrap)")
    print(f"pages: {len(pages)}; refused or empty for us: {refused}")
    print(f"machine: {started_on}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "command": "python -m benchmarks.extraction" + (" --variants" if args.variants else ""),
        "machine": started_on,
        "pages": len(pages),
        "systems": rows,
        "f1_ours_minus_defaults": {"value": round(difference, 4), "ci95": round(difference_ci, 4)},
        "refused_by_us": refused,
        "per_page": {r.name: r.counts for r in results[:2]},
    }
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
