"""Does token-level soft alignment separate restatements better than the other evidence?

Issue #14, idea 3: BERTScore-style alignment (Zhang et al., 2020) from the encoder's token
states, with IDF from the request's own paragraphs (bot/core/alignment.py: ``soft_align``,
and ``soft_margin``, its lead over each paragraph's next-best partner, as the cosine margin).

Measured at the pair level on the examples ``benchmarks.tune_rules`` fits on (every pair that
reaches the meaning stage in the newsroom, extra and hand-written files; BBC stories as
negatives), leave one file out (BBC in 10 groups): the shipped evidence with and without
the token features, each fitted by ``tune_rules.fit_rules``, on the int8 ONNX encoder's
token states. About a minute on 2 cores.

    python -m benchmarks.token_alignment
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks import tune_rules
from benchmarks.articles import load_handwritten
from benchmarks.common import load, run_main
from bot.core.analyze import Analyzer
from bot.core.pairs import FEATURES, TOKEN_FEATURES

SOFT_ALIGN = FEATURES.index("soft_align")
WITHOUT = tuple(f for f in tune_rules.MODEL_FEATURES if f not in TOKEN_FEATURES)


def held_out(examples: Sequence[tune_rules.Example], choice: tune_rules.FitChoice,
             ) -> dict[str, Any]:
    """Pair-level counts, each group judged by rules fitted without it."""
    tally = Counter[str]()
    for group in sorted({e.group for e in examples}):
        rules = tune_rules.fit_rules([e for e in examples if e.group != group], choice)
        for e in (e for e in examples if e.group == group):
            said = rules.repeats(dict(zip(FEATURES, e.features, strict=True)))
            if said:
                bbc = e.group.startswith("bbc")
                tally["bbc_fp" if bbc else "tp" if e.positive else "fp"] += 1
            tally["fn"] += e.positive and not said
    tp, fp, fn = tally["tp"], tally["fp"], tally["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "bbc_fp": tally["bbc_fp"],
            "precision": precision, "recall": recall, "f1": f1}


VARIANTS = (
    ("without token features", WITHOUT, tune_rules.CONFLICT_FEATURES),
    ("+ soft_align", (*WITHOUT, "soft_align"), tune_rules.CONFLICT_FEATURES),
    ("+ soft_align, soft_margin (shipped)", tune_rules.MODEL_FEATURES,
     tune_rules.CONFLICT_FEATURES),
    ("+ both, in both models", tune_rules.MODEL_FEATURES,
     (*tune_rules.CONFLICT_FEATURES, *TOKEN_FEATURES)),
    ("soft_align for cosine and rare words",
     tuple(f for f in tune_rules.MODEL_FEATURES if f not in ("cosine", "rare_words")),
     tune_rules.CONFLICT_FEATURES),
)


def main() -> None:
    analyzer = Analyzer(tune_rules.MemoEncoder(load("onnx")))
    files = tune_rules.newsroom_files() + tune_rules.extra_files() + tune_rules.hand_files()
    requests = [tune_rules.labelled_request(analyzer, load_handwritten(p)) for p in files]
    requests += tune_rules.bbc_requests(analyzer)
    examples = [e for r in requests
                for e in tune_rules.candidate_examples(r, analyzer.rules)]
    labelled = [e for e in examples if not e.group.startswith("bbc")]
    print(f"{len(labelled)} labelled pairs at the meaning stage "
          f"({sum(e.positive for e in labelled)} true) from {len(files)} files; "
          f"{len(examples) - len(labelled)} BBC pairs (all negative)\n")
    positives = np.array([e.features[SOFT_ALIGN] for e in labelled if e.positive])
    negatives = np.array([e.features[SOFT_ALIGN] for e in labelled if not e.positive])
    print(f"soft_align: true pairs median {np.median(positives):.3f}, "
          f"other candidate pairs median {np.median(negatives):.3f}\n")
    print("| held out, pair level | P | R | F1 | TP | FP | FN | BBC pairs over the line |")
    print("|---|---|---|---|---|---|---|---|")
    for name, features, conflict_features in VARIANTS:
        choice = tune_rules.FitChoice(features, conflict_features)
        t = held_out(examples, choice)
        print(f"| {name} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} | "
              f"{t['tp']} | {t['fp']} | {t['fn']} | {t['bbc_fp']} |")


if __name__ == "__main__":
    run_main(main)
