"""Pick the sentence encoder by name: the one place that knows every kind.

``torch``: sentence-transformers on torch (the reference). ``onnx``: the same model
exported to ONNX with int8 weights (bot.core.embed_onnx): about 3x the throughput, about
half the memory, and no torch import once the export is cached.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from bot.core.embed import Encoder
from bot.core.errors import BadSetting

KINDS = ("torch", "onnx")
# ONNX int8 is the default: within a point of torch on every accuracy benchmark, about 4x
# faster warm, a quarter of the memory, no torch import once exported (docs/benchmarks.md).
DEFAULT_KIND = "onnx"


def load_encoder(
    kind: str = DEFAULT_KIND,
    *,
    factory: str = "",
    on_prepare: Callable[[], None] | None = None,
) -> Encoder:
    """Build the encoder named `kind` ("torch" or "onnx"); each import happens only here.

    ``factory`` ("module:callable", CHECKDUPES_ENCODER_FACTORY) is called instead when set:
    it lets a process started by a test, or an experiment, use another encoder without code
    here knowing it. ``on_prepare`` is called before a one-off slow step (the ONNX export on
    a machine's first run, 8-10 s), so the edge can tell the user; never when the model is
    ready. Raises BadSetting for an unknown kind or a factory that cannot be loaded.
    """
    if factory:
        return _from_factory(factory)
    name = kind.strip().lower()
    if name == "torch":
        from bot.core.embed import SentenceTransformerEncoder

        return SentenceTransformerEncoder()
    if name == "onnx":
        from bot.core.embed_onnx import OnnxEncoder

        return OnnxEncoder(on_prepare=on_prepare)
    raise BadSetting(
        f"CHECKDUPES_ENCODER={kind!r} is not an encoder: use one of {', '.join(KINDS)}."
    )


def needs_prepare(kind: str = DEFAULT_KIND) -> bool:
    """True when loading `kind` will first run a slow one-off preparation (the ONNX export)."""
    if kind.strip().lower() != "onnx":
        return False
    from bot.core.embed_onnx import needs_prepare as onnx_needs_prepare

    return onnx_needs_prepare()


def prepare(kind: str = DEFAULT_KIND, *, on_prepare: Callable[[], None] | None = None) -> None:
    """Run `kind`'s one-off preparation now (for ``checkdupes --prepare``); a no-op when ready."""
    if kind.strip().lower() == "onnx":
        from bot.core.embed_onnx import ensure_onnx

        ensure_onnx(on_prepare=on_prepare)


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
