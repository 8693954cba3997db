"""Does token-level soft alignment separate restatements better than the shipped evidence?

Issue #14, idea 3: BERTScore-style alignment (Zhang et al., 2020) from the encoder's token
states, with IDF from the request's own paragraphs, so that names and figures every paragraph
shares weigh little. For a paragraph pair, each token of one is matched to its most similar
token of the other (cosine of the last hidden states); recall and precision are the
IDF-weighted means of those best matches, ``soft_align`` is their harmonic mean, and
``soft_margin`` is how far it stands above the better of the two paragraphs' next-best
partners (as the cosine margin does).

Measured at the pair level on the examples ``benchmarks.tune_rules`` fits on (every pair that
reaches the meaning stage in the newsroom, extra and hand-written files; BBC stories as
negatives), leave one file out (BBC in 10 groups): the shipped features against the same with
the token evidence added, both fitted by ``tune_rules.fit_rules``. Token states come from
the torch model (fp32; the int8 ONNX graph outputs only pooled vectors): the paragraph
evidence is the int8 ONNX engine's, as shipped. ~3 minutes on 2 cores.

    python -m benchmarks.token_alignment
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks import tune_rules
from benchmarks.articles import load_handwritten
from benchmarks.common import load, run_main
from bot.core.analyze import Analyzer
from bot.core.embed import model_path
from bot.core.pairs import FEATURES, Passage

TOKEN_FEATURES = ("soft_align", "soft_margin")
NAMES = (*FEATURES, *TOKEN_FEATURES)
MAX_TOKENS = 256  # the model's max_seq_length, as the sentence encoder applies it


class TokenStates:
    """Unit-length last hidden states and word-piece ids of each text (no [CLS]/[SEP])."""

    def __init__(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_path())
        self.model = AutoModel.from_pretrained(model_path()).eval()
        self.cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def of(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for start in range(0, len(missing), 16):
            batch = missing[start:start + 16]
            encoded = self.tokenizer(batch, padding=True, truncation=True,
                                     max_length=MAX_TOKENS, return_tensors="pt")
            with self.torch.no_grad():
                hidden = self.model(**encoded).last_hidden_state.numpy()
            for k, text in enumerate(batch):
                length = int(encoded["attention_mask"][k].sum())
                ids = encoded["input_ids"][k, 1:length - 1].numpy()
                states = hidden[k, 1:length - 1]
                states = states / np.linalg.norm(states, axis=1, keepdims=True)
                self.cache[text] = (ids, states)
        return [self.cache[t] for t in texts]


def soft_alignment(tokens: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """n x n IDF-weighted BERTScore F1 between the paragraphs of one request."""
    n = len(tokens)
    df: Counter[int] = Counter()
    for ids, _ in tokens:
        df.update(set(ids.tolist()))
    idf = [np.array([math.log((n + 1) / (df[t] + 1)) for t in ids.tolist()]) for ids, _ in tokens]
    scores = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            sims = tokens[i][1] @ tokens[j][1].T
            if sims.size == 0 or idf[i].sum() <= 0 or idf[j].sum() <= 0:
                continue
            recall = float(idf[i] @ sims.max(axis=1) / idf[i].sum())
            precision = float(idf[j] @ sims.max(axis=0) / idf[j].sum())
            if recall + precision > 0:
                scores[i, j] = scores[j, i] = 2 * recall * precision / (recall + precision)
    return scores


class TokenEvidence:
    """tune_rules.ExtraEvidence: (soft_align, soft_margin) of a pair, one matrix per request."""

    def __init__(self, states: TokenStates) -> None:
        self.states = states
        self.matrices: dict[tuple[str, ...], np.ndarray] = {}

    def __call__(self, passages: Sequence[Passage], i: int, j: int) -> tuple[float, ...]:
        key = tuple(p.text for p in passages)
        if key not in self.matrices:
            self.matrices[key] = soft_alignment([self.paragraph(p) for p in passages])
        scores = self.matrices[key]
        others = [max((scores[x, k] for k in range(len(key)) if k not in (i, j)), default=0.0)
                  for x in (i, j)]
        return float(scores[i, j]), float(scores[i, j] - max(others))


    def paragraph(self, passage: Passage) -> tuple[np.ndarray, np.ndarray]:
        """A paragraph's tokens as the engine encodes it: sentence by sentence."""
        own = self.states.of(list(passage.sentences) or [passage.text])
        return np.concatenate([ids for ids, _ in own]), np.concatenate([s for _, s in own])


def held_out(examples: Sequence[tune_rules.Example], choice: tune_rules.FitChoice,
             ) -> dict[str, Any]:
    """Pair-level counts, each group judged by rules fitted without it."""
    tally = Counter[str]()
    for group in sorted({e.group for e in examples}):
        rules = tune_rules.fit_rules([e for e in examples if e.group != group], choice, NAMES)
        for e in (e for e in examples if e.group == group):
            said = rules.repeats(dict(zip(NAMES, e.features, strict=True)))
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
    ("shipped features", tune_rules.MODEL_FEATURES, tune_rules.CONFLICT_FEATURES),
    ("+ soft_align", (*tune_rules.MODEL_FEATURES, "soft_align"), tune_rules.CONFLICT_FEATURES),
    ("+ soft_align, soft_margin", (*tune_rules.MODEL_FEATURES, *TOKEN_FEATURES),
     tune_rules.CONFLICT_FEATURES),
    ("+ both, in both models", (*tune_rules.MODEL_FEATURES, *TOKEN_FEATURES),
     (*tune_rules.CONFLICT_FEATURES, *TOKEN_FEATURES)),
    ("soft_align for cosine and rare words",
     tuple(f for f in tune_rules.MODEL_FEATURES if f not in ("cosine", "rare_words"))
     + TOKEN_FEATURES, tune_rules.CONFLICT_FEATURES),
)


def main() -> None:
    analyzer = Analyzer(tune_rules.MemoEncoder(load("onnx")))
    evidence = TokenEvidence(TokenStates())
    files = tune_rules.newsroom_files() + tune_rules.extra_files() + tune_rules.hand_files()
    requests = [tune_rules.labelled_request(analyzer, load_handwritten(p)) for p in files]
    requests += tune_rules.bbc_requests(analyzer)
    examples = [e for r in requests
                for e in tune_rules.candidate_examples(r, analyzer.rules, evidence)]
    labelled = [e for e in examples if not e.group.startswith("bbc")]
    print(f"{len(labelled)} labelled pairs at the meaning stage "
          f"({sum(e.positive for e in labelled)} true) from {len(files)} files; "
          f"{len(examples) - len(labelled)} BBC pairs (all negative)\n")
    positives = np.array([e.features[-2] for e in labelled if e.positive])
    negatives = np.array([e.features[-2] for e in labelled if not e.positive])
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
