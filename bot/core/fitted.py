"""The fitted paraphrase decision: a logistic model over named evidence features.

The weights are a generated artifact: ``python -m benchmarks.tune_rules`` fits them on the
labelled articles and writes ``rules.json`` beside this module (with the data, encoder, date
and cross-validated scores it was fitted with). The engine reads it once per process.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

RULES_FILE = "rules.json"


@dataclass(frozen=True)
class EvidenceModel:
    """logit = bias + sum(weight * feature); a pair is a paraphrase when logit >= 0."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ValueError("one weight per feature")

    def logit(self, values: Mapping[str, float]) -> float:
        return self.bias + math.fsum(
            w * values[name] for name, w in zip(self.features, self.weights, strict=True)
        )

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias}


def model_from_json(data: Mapping[str, Any], known: Sequence[str]) -> EvidenceModel:
    """The paragraph model of a rules file; every feature must be one the engine computes."""
    model = EvidenceModel(
        tuple(str(f) for f in data["features"]),
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
    )
    unknown = set(model.features) - set(known)
    if unknown:
        raise ValueError(f"{RULES_FILE} names features the engine lacks: {sorted(unknown)}")
    return model


@lru_cache(maxsize=1)
def read_rules_file() -> dict[str, Any]:
    """The shipped rules.json, parsed (cached: it never changes while the process runs)."""
    text = resources.files("bot.core").joinpath(RULES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
