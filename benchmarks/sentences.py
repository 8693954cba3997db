"""Sentence-pair scoring: the cosine of our encoder on MRPC and STS-B, torch against ONNX.

    python -m benchmarks.sentences [--encoders torch,onnx]

- MRPC test (1725 pairs): accuracy and F1 of the positive class at the cosine threshold
  with the best F1 on the GLUE dev ids (408 MRPC train pairs, raw/glue_dev_ids.tsv), never
  on test; ROC-AUC. Always answering "paraphrase" scores 66.5% accuracy.
- STS-B test (1379 pairs): Spearman (and Pearson) of cosine against the 0-5 gold score,
  all genres and main-news only.
- TF-IDF cosine (scikit-learn, fitted on MRPC train sentences) as a lexical reference.
- When both encoders run: how close the int8 ONNX vectors are to torch's on the STS-B test
  sentences (per-sentence cosine), and how far the pair scores move.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.common import (
    DATA,
    accuracy_f1,
    best_threshold,
    load,
    markdown_table,
    read_tsv,
    require,
    run_main,
    write_results,
)

Pairs = list[tuple[str, str]]


def mrpc() -> tuple[Pairs, list[bool], Pairs, list[bool]]:
    """(dev pairs, dev labels, test pairs, test labels); dev = the GLUE dev ids of train."""
    folder = DATA / "paraphrase" / "mrpc"
    ids = {tuple(line.split()) for line in
           require(folder / "raw" / "glue_dev_ids.tsv").read_text(encoding="utf-8").splitlines()
           if line.strip() and line.split()[0].isdigit()}
    train = [r for r in read_tsv(folder / "mrpc_train.tsv") if (r["id1"], r["id2"]) in ids]
    test = read_tsv(folder / "mrpc_test.tsv")
    return ([(r["s1"], r["s2"]) for r in train], [r["label"] == "1" for r in train],
            [(r["s1"], r["s2"]) for r in test], [r["label"] == "1" for r in test])


def stsb() -> tuple[Pairs, list[float], list[bool]]:
    rows = read_tsv(DATA / "paraphrase" / "stsb" / "stsb_test.tsv")
    return ([(r["s1"], r["s2"]) for r in rows], [float(r["score"]) for r in rows],
            [r["genre"] == "main-news" for r in rows])


def cosine_scores(vectors: dict[str, np.ndarray], pairs: Pairs) -> list[float]:
    return [float(vectors[a] @ vectors[b]) for a, b in pairs]


def encode_all(encoder: Any, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], float]:
    distinct = list(dict.fromkeys(texts))
    started = time.perf_counter()
    vectors = encoder.encode(distinct)
    seconds = time.perf_counter() - started
    return dict(zip(distinct, vectors, strict=True)), seconds


def tfidf_scores(fit_on: Sequence[str], pairs: Pairs) -> list[float]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer().fit(fit_on)
    a = vectorizer.transform([p[0] for p in pairs])
    b = vectorizer.transform([p[1] for p in pairs])
    return [float(x) for x in np.asarray(a.multiply(b).sum(axis=1)).ravel()]


def evaluate(
    name: str, dev_scores: list[float], dev_labels: list[bool], test_scores: list[float],
    test_labels: list[bool], sts_scores: list[float], gold: list[float], news: list[bool],
) -> dict[str, Any]:
    from scipy.stats import pearsonr, spearmanr  # type: ignore[import-untyped]
    from sklearn.metrics import roc_auc_score

    threshold, dev_f1 = best_threshold(dev_scores, dev_labels)
    result = accuracy_f1(test_scores, test_labels, threshold)
    sts = np.asarray(sts_scores)
    gold_arr = np.asarray(gold)
    news_mask = np.asarray(news)
    return {
        "scorer": name,
        "mrpc_threshold": round(threshold, 4),
        "mrpc_dev_f1": round(dev_f1, 4),
        "mrpc_test": {**result, "auc": round(float(roc_auc_score(test_labels, test_scores)), 4)},
        "stsb_test": {
            "spearman": round(float(spearmanr(sts, gold_arr).statistic), 4),
            "pearson": round(float(pearsonr(sts, gold_arr).statistic), 4),
            "spearman_news": round(
                float(spearmanr(sts[news_mask], gold_arr[news_mask]).statistic), 4),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="torch,onnx",
                        help="comma-separated encoders to score (default: torch,onnx)")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.encoders.split(",") if k.strip()]

    dev_pairs, dev_labels, test_pairs, test_labels = mrpc()
    sts_pairs, gold, news = stsb()
    texts = [s for pairs in (dev_pairs, test_pairs, sts_pairs) for p in pairs for s in p]
    results, vectors_by_kind, speed = [], {}, {}
    for kind in kinds:
        print(f"encoding {len(set(texts))} sentences with {kind} ...")
        vectors, seconds = encode_all(load(kind), texts)
        vectors_by_kind[kind] = vectors
        speed[kind] = round(len(vectors) / seconds, 1)
        results.append(evaluate(
            f"cosine ({kind})", cosine_scores(vectors, dev_pairs), dev_labels,
            cosine_scores(vectors, test_pairs), test_labels,
            cosine_scores(vectors, sts_pairs), gold, news,
        ))
    train_sentences = [s for r in read_tsv(DATA / "paraphrase" / "mrpc" / "mrpc_train.tsv")
                       for s in (r["s1"], r["s2"])]
    results.append(evaluate(
        "tf-idf cosine", tfidf_scores(train_sentences, dev_pairs), dev_labels,
        tfidf_scores(train_sentences, test_pairs), test_labels,
        tfidf_scores(train_sentences, sts_pairs), gold, news,
    ))

    rows = [[r["scorer"], r["mrpc_threshold"], r["mrpc_test"]["accuracy"], r["mrpc_test"]["f1"],
             r["mrpc_test"]["auc"], r["stsb_test"]["spearman"], r["stsb_test"]["spearman_news"],
             r["stsb_test"]["pearson"]] for r in results]
    rows.append(["always 'paraphrase'", "-", 0.665, 0.799, 0.5, "-", "-", "-"])
    print("\n## Sentence pairs (MRPC test: threshold from GLUE dev ids; STS-B test)\n")
    print(markdown_table(["scorer", "threshold", "MRPC acc", "MRPC F1", "MRPC AUC",
                          "STS-B Spearman", "STS-B news Spearman", "STS-B Pearson"], rows))
    print(f"\nencode throughput while scoring (sentences/s, batch 32, whole run): {speed}")

    agreement: dict[str, Any] = {}
    if "torch" in vectors_by_kind and "onnx" in vectors_by_kind:
        torch_v, onnx_v = vectors_by_kind["torch"], vectors_by_kind["onnx"]
        sts_texts = list(dict.fromkeys(s for p in sts_pairs for s in p))
        same = np.array([float(torch_v[t] @ onnx_v[t]) for t in sts_texts])
        shift = np.abs(np.array(cosine_scores(torch_v, sts_pairs))
                       - np.array(cosine_scores(onnx_v, sts_pairs)))
        agreement = {
            "sentences": len(sts_texts),
            "cosine_mean": round(float(same.mean()), 4),
            "cosine_min": round(float(same.min()), 4),
            "cosine_p1": round(float(np.percentile(same, 1)), 4),
            "share_at_least_0.97": round(float((same >= 0.97).mean()), 4),
            "pair_score_shift_mean": round(float(shift.mean()), 4),
            "pair_score_shift_max": round(float(shift.max()), 4),
        }
        print("\n## int8 ONNX against torch (STS-B test sentences)\n")
        print(markdown_table(["sentences", "cosine mean", "min", "1st pct", "share ≥ 0.97",
                              "pair-score shift mean", "max"],
                             [[agreement["sentences"], agreement["cosine_mean"],
                               agreement["cosine_min"], agreement["cosine_p1"],
                               agreement["share_at_least_0.97"],
                               agreement["pair_score_shift_mean"],
                               agreement["pair_score_shift_max"]]]))
    write_results("sentences", {"results": results, "agreement": agreement,
                                "encode_sentences_per_s": speed})


if __name__ == "__main__":
    run_main(main)
