"""Fit the paraphrase evidence model (Rules.evidence_weights / evidence_bias) and say how well
it generalises.

Training data: the hand-written single articles (tests/data/articles/a*.json: labelled
paraphrase/conflicting pairs with low word overlap, hard negatives, everything else negative)
plus every paragraph pair of a BBC sample (real same-topic stories, which repeat nothing:
all negatives). Only pairs that reach the meaning stage are used: exact and near-verbatim
copies are decided by text, and pairs under the candidate cosine never reach the model.

It prints leave-one-article-out results (each article judged by a model fitted without it),
the false positives on the BBC pairs, and the weights fitted on everything, to paste into
bot/core/pairs.py. The two-article files (x*.json), the seed article and the shipped example
are never used for fitting: they are the held-out check in benchmarks.duplicates.

    python -m benchmarks.tune_rules
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from benchmarks.articles import LabelledArticle, handwritten_articles
from benchmarks.common import DATA, require, run_main
from bot.core.analyze import Analyzer
from bot.core.embed import SentenceTransformerEncoder
from bot.core.lexical import normalize, word_similarity
from bot.core.pairs import Evidence, EvidenceTable, Rules
from bot.core.segment import segment

BBC_ARTICLES = 250  # every 7th article of the BBC set, so all five categories are in


@dataclass(frozen=True)
class Example:
    group: str  # article id: folds never split an article
    evidence: Evidence
    positive: bool
    clear: bool  # already accepted by the "meaning clearly matches" rule


def features(e: Evidence) -> list[float]:
    return [e.cosine, e.margin, e.coverage, e.rare_words, min(e.shared_numbers, 3) / 3]


def examples(analyzer: Analyzer, group: str, documents: Sequence[Sequence[str]],
             positives: set[tuple[tuple[int, int], tuple[int, int]]]) -> list[Example]:
    docs = [segment("\n\n".join(paragraphs), source=group) for paragraphs in documents]
    passages = analyzer.embed(docs)
    table = EvidenceTable(passages)
    rules = analyzer.rules
    found = []
    for i in range(len(passages)):
        for j in range(i + 1, len(passages)):
            a, b = passages[i], passages[j]
            if (
                normalize(a.text) == normalize(b.text)
                or table.cosine[i, j] < rules.candidate_cosine
                or word_similarity(a.text, b.text) >= rules.near_verbatim
                or min(len(a.text.split()), len(b.text.split())) < rules.min_words
            ):
                continue
            evidence = table.of(i, j)
            key = ((a.ref.doc, a.ref.paragraph), (b.ref.doc, b.ref.paragraph))
            clear = replace(rules, evidence_bias=-1e9).is_paraphrase(evidence)
            found.append(Example(group, evidence, key in positives, clear))
    return found


def hand_examples(analyzer: Analyzer, articles: Sequence[LabelledArticle]) -> list[Example]:
    found = []
    for article in articles:
        positives = {p.key for p in article.pairs}
        found += examples(analyzer, article.id, article.documents, positives)
    return found


def bbc_examples(analyzer: Analyzer) -> list[Example]:
    path = require(DATA / "summarization" / "bbc" / "bbc_news_summary.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    found = []
    for row in rows[::7][:BBC_ARTICLES]:
        paragraphs = [p for p in row["body"].split("\n\n") if p.strip()]
        if len(paragraphs) >= 3:
            found += examples(analyzer, f"bbc:{row['id']}", [paragraphs], set())
    return found


def fit(train: Sequence[Example], c: float = 10.0, positive_weight: float = 3.0) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight={0: 1.0, 1: positive_weight}, max_iter=2000)
    return model.fit([features(x.evidence) for x in train], [x.positive for x in train])


def main() -> None:
    articles = [a for a in handwritten_articles() if len(a.documents) == 1]
    analyzer = Analyzer(SentenceTransformerEncoder())
    hand, bbc = hand_examples(analyzer, articles), bbc_examples(analyzer)
    print(f"{len(hand)} hand-written pairs at the meaning stage "
          f"({sum(x.positive for x in hand)} true), {len(bbc)} BBC pairs (all negative)\n")

    groups = sorted({x.group for x in hand})
    held_out: dict[int, bool] = {}
    for group in groups:
        model = fit([x for x in hand if x.group != group] + bbc)
        for k, x in enumerate(hand):
            if x.group == group:
                held_out[k] = bool(model.predict([features(x.evidence)])[0]) or x.clear
    tp = sum(held_out[k] and x.positive for k, x in enumerate(hand))
    fp = sum(held_out[k] and not x.positive for k, x in enumerate(hand))
    fn = sum(not held_out[k] and x.positive for k, x in enumerate(hand))
    final = fit(hand + bbc)
    bbc_fp = [x for x in bbc if final.predict([features(x.evidence)])[0] or x.clear]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print("| meaning stage, leave-one-article-out | TP | FP | FN | precision | recall |")
    print("|---|---|---|---|---|---|")
    print(f"| hand-written articles | {tp} | {fp} | {fn} | {precision:.3f} | {recall:.3f} |")
    print(f"\nBBC pairs accepted by the final rules (false positives): {len(bbc_fp)} of {len(bbc)}")
    for x in bbc_fp:
        print(f"  {x.group}  {x.evidence}")
    weights = ", ".join(f"{w:.2f}" for w in final.coef_[0])
    print(f"\nevidence_weights = ({weights})\nevidence_bias = {final.intercept_[0]:.2f}")
    print(f"(in use: {Rules().evidence_weights}, {Rules().evidence_bias})")


if __name__ == "__main__":
    run_main(main)
