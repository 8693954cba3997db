"""Pick the sentence encoder by name: the one place that knows every kind.

``torch``: sentence-transformers on torch (the reference). ``onnx``: the same model
exported to ONNX with int8 weights (bot.core.embed_onnx): about 3x the throughput, about
half the memory, and no torch import once the export is cached.
"""

from __future__ import annotations

import importlib
from typing import Any

from bot.core.embed import Encoder
from bot.core.errors import BadSetting

KINDS = ("torch", "onnx")
# ONNX int8 is the default: within a point of torch on every accuracy benchmark, about 4x
# faster warm, a quarter of the memory, no torch import once exported (docs/benchmarks.md).
DEFAULT_KIND = "onnx"


def load_encoder(kind: str = DEFAULT_KIND, *, factory: str = "") -> Encoder:
    """Build the encoder named `kind` ("torch" or "onnx"); each import happens only here.

    ``factory`` ("module:callable", CHECKDUPES_ENCODER_FACTORY) is called instead when set:
    it lets a process started by a test, or an experiment, use another encoder without code
    here knowing it. Raises BadSetting for an unknown kind or a factory that cannot be loaded.
    """
    if factory:
        return _from_factory(factory)
    name = kind.strip().lower()
    if name == "torch":
        from bot.core.embed import SentenceTransformerEncoder

        return SentenceTransformerEncoder()
    if name == "onnx":
        from bot.core.embed_onnx import OnnxEncoder

        return OnnxEncoder()
    raise BadSetting(
        f"CHECKDUPES_ENCODER={kind!r} is not an encoder: use one of {', '.join(KINDS)}."
    )


def _from_factory(path: str) -> Encoder:
    module_name, _, attribute = path.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for name in attribute.split("."):
            target = getattr(target, name)
    except (ImportError, AttributeError) as error:
        raise BadSetting(
            f"CHECKDUPES_ENCODER_FACTORY={path!r} cannot be loaded ({error})."
        ) from None
    encoder: Encoder = target()
    return encoder
