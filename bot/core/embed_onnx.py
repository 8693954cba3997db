"""all-MiniLM-L6-v2 through ONNX Runtime with int8 weights: the fast path.

The first use exports the shipped weights (``bot.core.embed.model_path()``) to ONNX, with
mean pooling and L2 normalisation inside the graph (a second output gives the token states
for soft alignment), quantizes the weights to int8 per
channel (per-tensor quantization loses too much: cosine to torch drops below 0.97), and
caches the result on disk. Later processes load the cached file and never import torch:
only onnxruntime, tokenizers and numpy, which is what makes the cold start and the memory
small.

Cache: ``$CHECKDUPES_CACHE_DIR`` or ``~/.cache/checkdupes``. The file name carries a hash
of the model files, the onnxruntime version and the export recipe, so a new model or a
new runtime gets a new export and a stale file is never read. Files are written to a
temporary name in the same folder and renamed into place, so a reader never sees half a
file and two processes exporting at once do no harm.

At run time texts are batched with others of similar token length (``batches``): an
article's sentences and paragraphs batched together would pad every sentence to paragraph
length. Dynamic quantization scales activations per batch, so a vector moves slightly
(cosine >= 0.98) with its batch-mates; the same input always gives the same output.
Accuracy against torch and speed: docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.embed import Tokens, Vectors, model_path, without_specials

# Bump when the export or quantization recipe changes: it is part of the cache key.
RECIPE = "minilm-meanpool-l2-tokens-opset17-int8pc-v2"
OPSET = 17
# Files whose contents define the model; hashed into the cache key when present.
_MODEL_FILES = (
    "config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "tokenizer.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)


def cache_dir() -> Path:
    """Where exported models live: $CHECKDUPES_CACHE_DIR, else ~/.cache/checkdupes."""
    configured = os.environ.get("CHECKDUPES_CACHE_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "checkdupes"


def model_fingerprint(model_dir: str | Path, *, quantize: bool = True) -> str:
    """Hash of the model files + onnxruntime version + recipe: the cache key (16 hex digits)."""
    import onnxruntime

    digest = hashlib.sha256()
    digest.update(f"{RECIPE}|int8={quantize}|ort={onnxruntime.__version__}".encode())
    root = Path(model_dir)
    for name in _MODEL_FILES:
        path = root / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:16]


def max_seq_length(model_dir: str | Path) -> int:
    """The model's token limit as sentence-transformers applies it (256 for this model).

    tokenizer.json itself says 128 (truncation and fixed padding): sentence-transformers
    overrides that, so we do too, or long paragraphs would be cut earlier than with torch.
    """
    config = Path(model_dir) / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def onnx_file(
    model_dir: str | Path | None = None,
    *,
    directory: str | Path | None = None,
    quantize: bool = True,
) -> Path:
    """Where the cached ONNX file for this model lives (whether or not it is there yet)."""
    source = Path(model_dir or model_path())
    folder = Path(directory) if directory is not None else cache_dir()
    suffix = "int8" if quantize else "fp32"
    fingerprint = model_fingerprint(source, quantize=quantize)
    return folder / f"all-MiniLM-L6-v2-{fingerprint}.{suffix}.onnx"


def needs_prepare(
    model_dir: str | Path | None = None,
    *,
    directory: str | Path | None = None,
    quantize: bool = True,
) -> bool:
    """True when the first use will export the model (8-10 s, imports torch): the edge can
    say so, or run ``ensure_onnx`` ahead of time."""
    return not onnx_file(model_dir, directory=directory, quantize=quantize).is_file()


def ensure_onnx(
    model_dir: str | Path | None = None,
    *,
    directory: str | Path | None = None,
    quantize: bool = True,
    on_prepare: Callable[[], None] | None = None,
) -> Path:
    """The cached ONNX file for this model, exporting it first when it is not there yet.

    `on_prepare` is called just before a (slow) export, never when the file is cached.
    """
    source = Path(model_dir or model_path())
    target = onnx_file(source, directory=directory, quantize=quantize)
    if target.is_file():
        return target
    if on_prepare is not None:
        on_prepare()
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))
    try:
        exported = export_onnx(source, work / "model.onnx")
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = work / "model.int8.onnx"
            # onnxruntime logs a pre-processing hint on the root logger: noise on a CLI's stderr.
            logging.disable(logging.WARNING)
            try:
                quantize_dynamic(
                    exported, quantized, per_channel=True, weight_type=QuantType.QInt8
                )
            finally:
                logging.disable(logging.NOTSET)
            exported = quantized
        os.replace(exported, target)  # atomic: same folder, same file system
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def export_onnx(model_dir: str | Path, target: Path) -> Path:
    """Export the transformer + mean pooling + L2 norm to ONNX (fp32), the last hidden states
    as a second output. Imports torch."""
    # Imported here only: the cached path must not pay for torch (seconds, hundreds of MB).
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights: 100%" on a CLI's stderr
    class _Pooled(torch.nn.Module):
        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1), hidden

    # Eager attention traces to plain MatMul/Softmax, which quantize_dynamic handles.
    transformer = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    module = _Pooled(transformer).eval()
    dummy = torch.ones((2, 8), dtype=torch.long)
    # The tracer warns about Python-side shape checks in transformers; the graph is checked
    # against torch by tests/test_embed_onnx.py, so the warnings only add noise.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (dummy, dummy),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding", "tokens"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
                "tokens": {0: "batch", 1: "tokens"},
            },
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: no onnxscript dependency
        )
    return target


class OnnxEncoder:
    """all-MiniLM-L6-v2, int8, on onnxruntime (CPU). Same protocol as the torch encoder."""

    def __init__(
        self,
        path: str | None = None,
        *,
        cache: str | Path | None = None,
        batch_size: int = 32,
        threads: int = 2,
        quantize: bool = True,
        spin: bool = False,
        on_prepare: Callable[[], None] | None = None,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_dir = Path(path or model_path())
        self.model_file = ensure_onnx(
            model_dir, directory=cache, quantize=quantize, on_prepare=on_prepare
        )
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_seq_length(model_dir))
        self._tokenizer.no_padding()  # padded per batch below, to the batch's longest text
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        if not spin:
            # Idle worker threads sleep instead of spinning: ~7% slower on an idle 2-core
            # machine, 30-50% faster when the Slack workers or anything else share the cores.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(self.model_file), options, providers=["CPUExecutionProvider"]
        )
        self._batch_size = batch_size
        self.dimensions = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str]) -> Vectors:
        return self._run(texts, with_tokens=False)[0]

    def encode_tokens(self, texts: Sequence[str]) -> tuple[Vectors, list[Tokens]]:
        return self._run(texts, with_tokens=True)

    def _run(self, texts: Sequence[str], *, with_tokens: bool) -> tuple[Vectors, list[Tokens]]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32), []
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        tokens: list[Tokens] = [(np.zeros(0, dtype=np.int64), out[:0])] * len(texts)
        outputs = ["embedding", "tokens"] if with_tokens else ["embedding"]
        for rows in batches(lengths, self._batch_size):
            width = max(lengths[i] for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for k, i in enumerate(rows):
                ids[k, : lengths[i]] = encodings[i].ids
                mask[k, : lengths[i]] = 1
            found = self._session.run(outputs, {"input_ids": ids, "attention_mask": mask})
            out[rows] = found[0]
            if with_tokens:
                for k, i in enumerate(rows):
                    tokens[i] = without_specials(ids[k], found[1][k], lengths[i])
        return out, tokens


def batches(
    lengths: Sequence[int], batch_size: int = 32, *, max_tokens: int = 8192, slack: float = 1.25
) -> list[list[int]]:
    """Indices grouped into batches of similar token length, shortest first.

    An article mixes sentences (~30 tokens) and paragraphs (~200): one batch of 32 holding
    both pads every sentence to the longest paragraph and triples the work (measured). So a
    batch closes when it is full, when it would pass `max_tokens` padded tokens, or when the
    next text is more than `slack` times (+8 tokens) longer than the batch's first one.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    groups: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (
            len(current) >= batch_size
            or (len(current) + 1) * lengths[i] > max_tokens
            or lengths[i] > slack * lengths[current[0]] + 8
        ):
            groups.append(current)
            current = []
        current.append(i)
    if current:
        groups.append(current)
    return groups
