"""Speed and cost of the engine with each encoder, each measured in a fresh process.

    python -m benchmarks.speed [--encoders torch,onnx] [--runs 20]
    python -m benchmarks.speed --scaling [--repeats 3]

``--scaling``: the whole ``checkdupes --json`` process on 1k-30k-word texts of real BBC
paragraphs, side by side in the same run with plain sentence-transformers
``util.paraphrase_mining`` on the same paragraphs and sentences (its own process): wall time,
stage times, peak RSS (medians of ``--repeats``, the two alternating), and the compute floor
of the tokens checkdupes encodes. The encoder is ``$CHECKDUPES_ENCODER`` (default onnx).

For each encoder:
- cold start: ``checkdupes examples/water-main-break.txt --json`` with CHECKDUPES_ENCODER set
  (process start to report, median of 3, and its peak RSS), and the same work in a bare
  child process (import + model load + one analysis), split into import, load and analysis;
- warm latency of ``Analyzer.analyze`` per article size (250 / 1000 / 4000 words, built from
  consecutive BBC paragraphs; ``--runs`` different articles per size, after one warm-up):
  p50 and p95;
- encode throughput: 1024 BBC sentences through ``encoder.encode`` (batches of 32);
- peak RSS (``ru_maxrss``) of the child after all of that;
- the ratio to a compute floor: the model's FLOPs for the tokens actually encoded (no
  padding) divided by this machine's float32 matmul rate, measured with numpy;
- one Slack request through the real app (``bot.slack.app.create_app`` behind ``bot.slack.server``,
  the fake Web API of tests/slack, a signed app_mention carrying the 1000-word article):
  time to the HTTP ack and to the ✅ reaction. ``slack_request_seconds(analyzer)`` is the hook.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import ROOT, markdown_table, percentile, run_main, write_results

SIZES = (250, 1000, 4000)
EXAMPLE = ROOT / "examples" / "water-main-break.txt"
# all-MiniLM-L6-v2: 6 layers, hidden 384, feed-forward 1536.
LAYERS, HIDDEN, FFN = 6, 384, 1536


def flops_per_sequence(tokens: int) -> float:
    """Forward FLOPs of the encoder for one sequence of `tokens` tokens (2 per multiply-add):
    Q, K, V, output projections and the feed-forward per token, plus QK^T and AV."""
    dense = 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN) * tokens
    attention = 2 * 2 * tokens * tokens * HIDDEN
    return float(LAYERS * (dense + attention))


def matmul_flops(seconds: float = 1.5) -> dict[str, float]:
    """float32 GFLOP/s of numpy matmul on this machine: a model-shaped product (2048 tokens x
    384 @ 384 x 1536) and a large square one; best of repeated runs."""
    rng = np.random.default_rng(0)
    results = {}
    shapes = {"model-shaped": (2048, 384, 1536), "square-2048": (2048, 2048, 2048)}
    for name, (m, k, n) in shapes.items():
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        a @ b
        best, deadline = float("inf"), time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - started)
        results[name] = 2 * m * k * n / best / 1e9
    return results


# ---------------------------------------------------------------------------- articles


def bbc_paragraphs() -> list[str]:
    from benchmarks.articles import bbc_articles

    return [p.strip() for a in bbc_articles() for p in a["body"].split("\n\n") if p.strip()]


def sized_articles(words: int, count: int, start: int = 0) -> list[str]:
    """`count` texts of about `words` words: consecutive BBC paragraphs, cut at a paragraph."""
    paragraphs = bbc_paragraphs()
    texts, k = [], start
    for _ in range(count):
        chosen: list[str] = []
        total = 0
        while total < words:
            paragraph = paragraphs[k % len(paragraphs)]
            k += 1
            if total and abs(total + len(paragraph.split()) - words) > abs(total - words):
                break
            chosen.append(paragraph)
            total += len(paragraph.split())
        texts.append("\n\n".join(chosen))
        k += 7  # the next article starts elsewhere
    return texts


# ---------------------------------------------------------------------------- child


def child(kind: str, mode: str, runs: int) -> dict[str, Any]:
    """Runs in a fresh process: measures and returns the numbers for one encoder."""
    started = time.perf_counter()
    from bot.core.analyze import Analyzer
    from bot.core.segment import segment

    imported = time.perf_counter()
    from bot.core.encoders import load_encoder

    encoder = load_encoder(kind)
    loaded = time.perf_counter()
    analyzer = Analyzer(encoder)
    report = analyzer.analyze([segment(EXAMPLE.read_text(encoding="utf-8"), source="example")])
    analysed = time.perf_counter()
    result: dict[str, Any] = {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "first_analysis_s": analysed - loaded,
        "example_pairs": len(report.pairs),
        "torch_imported": "torch" in sys.modules,
        "rss_after_example_mb": _rss_mb(),
    }
    if mode == "cold":
        return result
    tokenizer = _tokenizer()
    latency: dict[str, Any] = {}
    for words in SIZES:
        texts = sized_articles(words, runs + 1, start=words)
        analyzer.analyze([segment(texts[0])])  # warm-up
        seconds, tokens = [], []
        for text in texts[1:]:
            document = segment(text)
            t0 = time.perf_counter()
            analyzer.analyze([document])
            seconds.append(time.perf_counter() - t0)
            # Each distinct sentence once: paragraph vectors are pooled from them.
            encoded = list(dict.fromkeys(s.text for p in document.paragraphs for s in p.sentences))
            tokens.append(_token_lengths(tokenizer, encoded))
        floor = [sum(flops_per_sequence(n) for n in lengths) for lengths in tokens]
        latency[str(words)] = {
            "p50_s": percentile(seconds, 50), "p95_s": percentile(seconds, 95),
            "mean_s": statistics.fmean(seconds), "runs": len(seconds),
            "words": statistics.fmean(len(t.split()) for t in texts[1:]),
            "texts_encoded": statistics.fmean(len(lengths) for lengths in tokens),
            "tokens_encoded": statistics.fmean(sum(lengths) for lengths in tokens),
            "gflop": statistics.fmean(floor) / 1e9,
        }
    sentences = [s.text for p in bbc_paragraphs()[:600] for s in segment(p).paragraphs[0].sentences]
    sentences = list(dict.fromkeys(sentences))[:1024]
    encoder.encode(sentences[:64])
    t0 = time.perf_counter()
    encoder.encode(sentences)
    encode_s = time.perf_counter() - t0
    lengths = _token_lengths(tokenizer, sentences)
    result.update({
        "latency": latency,
        "encode": {"sentences": len(sentences), "seconds": encode_s,
                   "sentences_per_s": len(sentences) / encode_s,
                   "tokens": sum(lengths),
                   "gflop": sum(flops_per_sequence(n) for n in lengths) / 1e9},
        "peak_rss_mb": _rss_mb(),
    })
    slack = slack_request_seconds(analyzer, runs=5)
    if slack is not None:
        result["slack"] = slack
    return result


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    from bot.core.embed import model_path

    tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.no_padding()
    return tokenizer


def _token_lengths(tokenizer: Any, texts: Sequence[str]) -> list[int]:
    return [len(e.ids) for e in tokenizer.encode_batch(list(texts))]


def slack_request_seconds(analyzer: Any, runs: int = 5) -> dict[str, Any] | None:
    """One app_mention with the 1000-word article through the real Slack app, `runs` times:
    seconds to the HTTP ack and to the ✅ reaction. None when the app or the fake Web API
    (tests/slack) is not there."""
    try:
        from tests.slack.harness import running_app
    except ImportError as missing:
        print(f"note: no Slack measurement ({missing})", file=sys.stderr)
        return None
    try:
        return _slack_runs(running_app, analyzer, runs)
    except Exception as error:  # the app is another helper's work in progress: report, go on
        print(f"note: Slack measurement failed: {error!r}", file=sys.stderr)
        return {"error": repr(error)}


def _slack_runs(running_app: Any, analyzer: Any, runs: int) -> dict[str, Any]:
    text = sized_articles(1000, 1, start=99)[0]
    acks, totals = [], []
    with running_app(analyzer=analyzer) as slack:
        for _ in range(runs + 1):
            started = time.perf_counter()
            ts, response = slack.mention(text)
            if response.status != 200:
                return {"error": f"HTTP {response.status}"}
            outcome = slack.finished(ts, timeout=120)
            acks.append(response.seconds)
            totals.append(time.perf_counter() - started)
            if outcome != "white_check_mark":
                return {"error": f"reaction {outcome}"}
    return {"ack_p50_s": percentile(acks[1:], 50), "ack_max_s": max(acks[1:]),
            "done_p50_s": percentile(totals[1:], 50), "done_max_s": max(totals[1:]),
            "runs": runs, "words": len(text.split())}


# ---------------------------------------------------------------------------- parent


def run_child(kind: str, mode: str, runs: int) -> tuple[dict[str, Any], float, float]:
    """(child's numbers, wall seconds, peak RSS MB from wait4) for a fresh process."""
    command = [sys.executable, "-m", "benchmarks.speed", "--child", kind, "--mode", mode,
               "--runs", str(runs)]
    data, wall, rss = _timed(command, cwd=ROOT)
    lines = [line for line in data.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"child {kind}/{mode} printed no result:\n{data[-2000:]}")
    return json.loads(lines[-1][len("RESULT "):]), wall, rss


def _timed(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[str, float, float]:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}")
    return out, wall, usage.ru_maxrss / 1024


def cli_cold_start(kind: str, repeats: int = 3) -> dict[str, Any] | None:
    executable = shutil.which("checkdupes") or str(Path(sys.executable).with_name("checkdupes"))
    if not Path(executable).exists():
        return None
    env = {**os.environ, "CHECKDUPES_ENCODER": kind}
    walls, rss = [], []
    for _ in range(repeats):
        _, wall, peak = _timed([executable, str(EXAMPLE), "--json"], cwd=ROOT, env=env)
        walls.append(wall)
        rss.append(peak)
    return {"wall_s": statistics.median(walls), "walls": walls, "peak_rss_mb": max(rss)}


SCALING_WORDS = (1000, 5000, 10000, 20000, 30000)


def plain_child(path: str) -> dict[str, Any]:
    """Plain paraphrase_mining on a text's paragraphs and sentences, in this fresh process."""
    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer, util

    from bot.core.embed import model_path
    from bot.core.segment import segment

    model = SentenceTransformer(model_path(), device="cpu")
    loaded = time.perf_counter()
    document = segment(Path(path).read_text(encoding="utf-8"))
    paragraphs = [p.text for p in document.paragraphs]
    sentences = [s.text for p in document.paragraphs for s in p.sentences]
    t0 = time.perf_counter()
    found = util.paraphrase_mining(model, paragraphs, show_progress_bar=False)
    found += util.paraphrase_mining(model, sentences, show_progress_bar=False)
    done = time.perf_counter()
    return {"load_s": loaded - started, "encode_and_mine_s": done - t0, "pairs": len(found),
            "rss_mb": _rss_mb()}


def scaling(repeats: int) -> dict[str, Any]:
    """The scaling table: checkdupes CLI against plain paraphrase_mining, same texts, same run."""
    import tempfile

    tokenizer = _tokenizer()
    gflops = matmul_flops()
    rate = max(gflops.values()) * 1e9
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        for words in SCALING_WORDS:
            text = sized_articles(words, 1, start=0)[0]
            path = Path(folder) / f"{words}.txt"
            path.write_text(text, encoding="utf-8")
            from bot.core.segment import segment

            document = segment(text)
            sentences = list(
                dict.fromkeys(s.text for p in document.paragraphs for s in p.sentences)
            )
            tokens = _token_lengths(tokenizer, sentences)
            ours: list[tuple[float, float, dict[str, float]]] = []
            plain: list[tuple[float, float, dict[str, Any]]] = []
            for _ in range(repeats):
                out, wall, rss = _timed([sys.executable, "-m", "bot.cli", str(path), "--json"],
                                        cwd=ROOT)
                ours.append((wall, rss, json.loads(out)["timings_ms"]))
                out, wall, rss = _timed([sys.executable, "-m", "benchmarks.speed", "--plain",
                                         str(path)], cwd=ROOT)
                result = json.loads(out.splitlines()[-1][len("RESULT "):])
                plain.append((wall, rss, result))
            floor_s = sum(flops_per_sequence(n) for n in tokens) / rate
            med = statistics.median
            rows.append({
                "words": len(text.split()), "paragraphs": len(document.paragraphs),
                "sentences": len(sentences), "tokens": sum(tokens), "floor_s": floor_s,
                "wall_s": med(w for w, _, _ in ours), "walls": [w for w, _, _ in ours],
                "peak_rss_mb": max(r for _, r, _ in ours),
                **{f"{k}_ms": med(t[k] for _, _, t in ours)
                   for k in ("embed", "mine", "summarize", "total")},
                "plain_wall_s": med(w for w, _, _ in plain),
                "plain_walls": [w for w, _, _ in plain],
                "plain_peak_rss_mb": max(r for _, r, _ in plain),
                "plain_encode_and_mine_s": med(p["encode_and_mine_s"] for _, _, p in plain),
            })
    return {"rows": rows, "matmul_gflops": gflops, "repeats": repeats,
            "encoder": os.environ.get("CHECKDUPES_ENCODER") or "onnx",
            "loadavg_1m_before": load_before, "loadavg_1m_after": os.getloadavg()[0]}


def print_scaling(results: dict[str, Any]) -> None:
    print("\n## Scaling: checkdupes --json against plain paraphrase_mining "
          f"({os.cpu_count()} CPUs, "
          f"1-min load {results['loadavg_1m_before']:.2f} before, "
          f"{results['loadavg_1m_after']:.2f} after; medians of {results['repeats']})\n")
    rows = []
    for r in results["rows"]:
        rows.append([
            f"{r['words']:,}", r["paragraphs"], r["sentences"], f"{r['wall_s']:.2f}",
            f"{r['embed_ms'] / 1000:.2f}", f"{r['mine_ms'] / 1000:.2f}",
            f"{r['total_ms'] / 1000:.2f}", f"{r['peak_rss_mb']:.0f}",
            f"{r['plain_wall_s']:.2f}", f"{r['plain_encode_and_mine_s']:.2f}",
            f"{r['plain_peak_rss_mb']:.0f}",
            f"{r['wall_s'] / r['plain_wall_s']:.2f}x",
            f"{r['total_ms'] / 1000 / r['plain_encode_and_mine_s']:.2f}x",
            f"{r['tokens']:,}", f"{r['floor_s']:.2f}",
            f"{r['embed_ms'] / 1000 / r['floor_s']:.1f}x",
        ])
    print(markdown_table(["words", "paragraphs", "sentences", "wall s", "embed s", "mine s",
                          "analysis (total) s", "peak RSS MB", "plain wall s",
                          "plain encode+mine s", "plain peak RSS MB", "wall / plain",
                          "analysis / plain encode+mine", "tokens encoded", "floor s",
                          "embed / floor"], rows))
    print(f"\nfloor = FLOPs of the tokens encoded / {max(results['matmul_gflops'].values()):.0f} "
          "GFLOP/s (numpy float32 matmul, best measured)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--plain", help=argparse.SUPPRESS)
    parser.add_argument("--encoders", default="torch,onnx")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        print("RESULT " + json.dumps(plain_child(args.plain)))
        return
    if args.scaling:
        table = scaling(args.repeats)
        print_scaling(table)
        write_results("speed-scaling", table)
        return
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.mode, args.runs)))
        return
    kinds = [k.strip() for k in args.encoders.split(",") if k.strip()]
    load_before = os.getloadavg()[0]  # other work on the machine skews every number here
    for kind in kinds:  # make sure an export exists: its one-off cost is not a cold start
        run_child(kind, "cold", 1)
    gflops = matmul_flops()
    floor_rate = max(gflops.values()) * 1e9
    results: dict[str, Any] = {"matmul_gflops": gflops, "encoders": {},
                               "loadavg_1m_before": load_before}
    for kind in kinds:
        cli = cli_cold_start(kind)
        cold, cold_wall, cold_rss = run_child(kind, "cold", 1)
        full, _, full_rss = run_child(kind, "full", args.runs)
        results["encoders"][kind] = {"cli": cli, "cold": {**cold, "wall_s": cold_wall,
                                                          "peak_rss_mb": cold_rss},
                                     "full": {**full, "wait4_peak_rss_mb": full_rss}}
    load = os.getloadavg()[0]
    results["loadavg_1m_after"] = load

    print(f"\n## Speed and cost (this machine: {os.cpu_count()} CPUs; 1-min load average "
          f"{load_before:.2f} before, {load:.2f} after)\n")
    rows = []
    for kind, r in results["encoders"].items():
        cli = r["cli"]
        rows.append([
            kind,
            f"{cli['wall_s']:.2f}" if cli else "-",
            f"{cli['peak_rss_mb']:.0f}" if cli else "-",
            f"{r['cold']['wall_s']:.2f}",
            f"{r['cold']['import_s']:.2f}",
            f"{r['cold']['load_s']:.2f}",
            f"{r['cold']['first_analysis_s']:.2f}",
            f"{r['cold']['peak_rss_mb']:.0f}",
            f"{r['full']['wait4_peak_rss_mb']:.0f}",
            "yes" if r["cold"]["torch_imported"] else "no",
        ])
    print(markdown_table(["encoder", "CLI cold start s", "CLI peak RSS MB",
                          "child: start to first report s", "import s", "model load s",
                          "first analysis s", "child peak RSS MB", "peak RSS MB after 4000 words",
                          "torch imported"], rows))
    print("\nWarm latency of Analyzer.analyze (seconds) and the compute floor\n")
    rows = []
    for kind, r in results["encoders"].items():
        for m in r["full"]["latency"].values():
            floor_s = m["gflop"] * 1e9 / floor_rate
            rows.append([kind, f"{m['words']:.0f}", m["runs"], f"{m['p50_s']:.3f}",
                         f"{m['p95_s']:.3f}", f"{m['texts_encoded']:.0f}",
                         f"{m['tokens_encoded']:.0f}", f"{m['gflop']:.1f}", f"{floor_s:.3f}",
                         f"{m['p50_s'] / floor_s:.1f}x"])
    print(markdown_table(["encoder", "words", "runs", "p50", "p95", "texts encoded",
                          "tokens", "GFLOP", "floor s", "p50 / floor"], rows))
    print(f"\nfloor = model FLOPs for the tokens encoded / {floor_rate / 1e9:.0f} GFLOP/s "
          f"(numpy float32 matmul, best of: "
          + ", ".join(f"{k} {v:.0f}" for k, v in gflops.items()) + ")\n")
    rows = []
    for kind, r in results["encoders"].items():
        e = r["full"]["encode"]
        floor_s = e["gflop"] * 1e9 / floor_rate
        rows.append([kind, e["sentences"], f"{e['sentences_per_s']:.0f}",
                     f"{e['tokens'] / e['seconds']:.0f}", f"{e['seconds'] / floor_s:.1f}x"])
    print(markdown_table(["encoder", "sentences", "sentences/s", "tokens/s", "time / floor"], rows))
    slack_rows = [[kind, f"{s['ack_p50_s']:.3f}", f"{s['ack_max_s']:.3f}",
                   f"{s['done_p50_s']:.2f}", f"{s['done_max_s']:.2f}", s["runs"], s["words"]]
                  for kind, r in results["encoders"].items()
                  if (s := r["full"].get("slack")) and "error" not in s]
    if slack_rows:
        print("\nOne Slack app_mention through the app (signed, fake Web API), after a warm-up\n")
        print(markdown_table(["encoder", "ack p50 s", "ack max s", "to ✅ p50 s", "to ✅ max s",
                              "runs", "words"], slack_rows))
    else:
        errors = {kind: s.get("error") for kind, r in results["encoders"].items()
                  if (s := r["full"].get("slack"))}
        print("\nSlack request: not measured "
              f"({errors or 'bot.slack.app / tests.slack harness unavailable'})")
    write_results("speed", results)


if __name__ == "__main__":
    run_main(main)
