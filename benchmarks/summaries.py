"""Extractive summary quality: ROUGE on CNN/DM-100 and a BBC News sample.

    python -m benchmarks.summaries [--encoder torch|onnx] [--bbc 300]

ROUGE-1/2 and ROUGE-Lsum F1 x 100 (rouge-score, Porter stemmer; summary and reference
sentences joined by newlines for Lsum), averaged over articles.

- CNN/DM-100 (summarization/cnndm100): the text is lowercased and PTB-tokenised; we split
  sentences on " . " and feed them straight to ``bot.core.summarize.summarize`` (3
  sentences; positions = sentence rank) with our encoder. Reference: the highlights. Next
  to it: lead-3, LexRank and TextRank (sumy, on the same sentences, 3 sentences), and the
  11 published systems' outputs shipped in system_outputs.jsonl (lowercased).
- BBC News (summarization/bbc): the first 300 articles of the file (fixed), run through the
  product path (``segment`` + ``Analyzer.analyze``, whose summary also avoids sentences the
  pair mining found repeated). Two references: the first 3 of ``summary_sents`` as listed
  (the primary one: a 3-sentence budget against a 3-sentence reference), and the whole
  summary (all ``summary_sents``, about 40% of the article, so recall is low for everyone).
  Also "selected": the share of chosen sentences that are in the reference summary.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks.articles import bbc_articles
from benchmarks.common import (
    DATA,
    CachingEncoder,
    encoder_argument,
    load,
    markdown_table,
    require,
    run_main,
    write_results,
)

Summariser = Callable[[list[str]], list[int]]


class _WordTokenizer:
    """What sumy needs of a tokenizer, without nltk's punkt data (absent offline)."""

    language = "english"

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(re.findall(r"\w+(?:['’]\w+)?", text))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return (text,)


def sumy_summariser(kind: str, budget: int = 3) -> Summariser:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    algorithm = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    summarizer = algorithm(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _WordTokenizer()

    def run(sentences: list[str]) -> list[int]:
        objects = [Sentence(s, tokenizer) for s in sentences]
        document = ObjectDocumentModel([Paragraph(objects)])
        chosen = {id(s) for s in summarizer(document, budget)}
        return [k for k, s in enumerate(objects) if id(s) in chosen]

    return run


def lead(budget: int = 3) -> Summariser:
    return lambda sentences: list(range(min(budget, len(sentences))))


def ours_summariser(encoder: CachingEncoder) -> Summariser:
    from bot.core.embed import encode_unique
    from bot.core.summarize import summarize

    def run(sentences: list[str]) -> list[int]:
        vectors = encode_unique(encoder, sentences)
        return summarize(sentences, vectors, list(range(len(sentences))))

    return run


class Rouge:
    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self.scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)

    def __call__(self, summary: Sequence[str], reference: Sequence[str]) -> dict[str, float]:
        scores = self.scorer.score("\n".join(reference), "\n".join(summary))
        return {k: v.fmeasure * 100 for k, v in scores.items()}


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {k: round(float(np.mean([r[k] for r in rows])), 2) for k in rows[0]} if rows else {}


def cnndm_sentences(article: str) -> list[str]:
    """Sentences of a lowercased, tokenised CNN/DM article: split on ' . '."""
    parts = [p.strip() for p in article.strip().split(" . ")]
    sentences = [p if p.endswith((".", "?", "!")) else p + " ." for p in parts if p]
    return sentences


def cnndm(encoder: CachingEncoder, rouge: Rouge) -> dict[str, dict[str, float]]:
    folder = DATA / "summarization" / "cnndm100"
    with require(folder / "articles.jsonl").open(encoding="utf-8") as handle:
        articles = [json.loads(line) for line in handle]
    methods: dict[str, Summariser] = {
        "ours": ours_summariser(encoder),
        "lead-3": lead(),
        "LexRank (sumy)": sumy_summariser("lexrank"),
        "TextRank (sumy)": sumy_summariser("textrank"),
    }
    results: dict[str, dict[str, float]] = {}
    for name, method in methods.items():
        rows = []
        for article in articles:
            sentences = cnndm_sentences(article["article"])
            chosen = method(sentences)
            rows.append(rouge([sentences[k] for k in chosen], article["reference"]))
        results[name] = mean_scores(rows)
    references = {a["id"]: a["reference"] for a in articles}
    by_system: dict[str, list[dict[str, float]]] = {}
    with require(folder / "system_outputs.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            summary = [s.lower() for s in row["summary"]]
            by_system.setdefault(row["system"], []).append(rouge(summary, references[row["id"]]))
    for system, rows in sorted(by_system.items()):
        results[f"{system} (published)"] = mean_scores(rows)
    return results


def bbc(encoder: CachingEncoder, rouge: Rouge, count: int) -> tuple[dict[str, Any], int]:
    from bot.core.analyze import Analyzer
    from bot.core.segment import segment

    analyzer = Analyzer(encoder)
    sample = [a for a in bbc_articles()[:count] if a.get("summary_sents")]
    skipped = count - len(sample)

    def ours(article: dict[str, Any], sentences: list[str]) -> list[int]:
        report = analyzer.analyze([segment(article["body"], source=article["id"])])
        position = {s: k for k, s in reversed(list(enumerate(sentences)))}
        return [position[s] for s in report.summary]

    lexrank, textrank = sumy_summariser("lexrank"), sumy_summariser("textrank")
    methods: dict[str, Callable[[dict[str, Any], list[str]], list[int]]] = {
        "ours": ours,
        "lead-3": lambda _a, s: lead()(s),
        "LexRank (sumy)": lambda _a, s: lexrank(s),
        "TextRank (sumy)": lambda _a, s: textrank(s),
    }
    results: dict[str, Any] = {}
    for name, method in methods.items():
        first3, whole, selected = [], [], []
        for article in sample:
            document = segment(article["body"], source=article["id"])
            sentences = [s.text for p in document.paragraphs for s in p.sentences]
            chosen = [sentences[k] for k in method(article, sentences)]
            reference = article["summary_sents"]
            first3.append(rouge(chosen, reference[:3]))
            whole.append(rouge(chosen, reference))
            in_summary = {_squash(s) for s in reference}
            hits = [_squash(s) in in_summary for s in chosen]
            selected.append(sum(hits) / len(hits) if hits else 0.0)
        results[name] = {"first3": mean_scores(first3), "whole": mean_scores(whole),
                         "selected_in_summary": round(float(np.mean(selected)), 3)}
    return results, skipped


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    encoder_argument(parser)
    parser.add_argument("--bbc", type=int, default=300, help="first N BBC articles")
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = CachingEncoder(load(args.encoder))
    rouge = Rouge()

    cnn = cnndm(encoder, rouge)
    print(f"\n## Summaries: CNN/DM-100 (reference highlights; {args.encoder} encoder)\n")
    print(markdown_table(["summary", "R-1", "R-2", "R-Lsum"],
                         [[k, v["rouge1"], v["rouge2"], v["rougeLsum"]] for k, v in cnn.items()]))

    news, skipped = bbc(encoder, rouge, args.bbc)
    print(f"\n## Summaries: BBC News, first {args.bbc} articles"
          f"{f' ({skipped} without summary_sents skipped)' if skipped else ''}\n")
    print(markdown_table(
        ["summary", "R-1 (first 3)", "R-2 (first 3)", "R-Lsum (first 3)",
         "R-1 (whole)", "R-2 (whole)", "R-Lsum (whole)", "selected in summary"],
        [[k, v["first3"]["rouge1"], v["first3"]["rouge2"], v["first3"]["rougeLsum"],
          v["whole"]["rouge1"], v["whole"]["rouge2"], v["whole"]["rougeLsum"],
          v["selected_in_summary"]] for k, v in news.items()]))
    write_results(f"summaries-{args.encoder}", {
        "encoder": args.encoder, "cnndm100": cnn, "bbc": news, "bbc_articles": args.bbc,
        "bbc_skipped": skipped, "seconds": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    run_main(main)
