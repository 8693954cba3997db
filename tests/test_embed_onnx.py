"""The int8 ONNX encoder: same protocol and nearly the same vectors as torch, cached export.

The export (torch + quantization, ~10 s) runs once per module into a temporary cache dir;
tests that need it are marked ``slow``. The rest are pure and instant.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.core import embed_onnx
from bot.core.embed import SentenceTransformerEncoder
from bot.core.embed_onnx import OnnxEncoder, batches, cache_dir, model_fingerprint
from bot.core.encoders import load_encoder
from bot.core.errors import BadSetting

ROOT = Path(__file__).resolve().parents[1]

SENTENCES = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "On Tuesday, after hours of argument, councillors passed the budget.",
    "Shares of Lumora rose 3.4% in after-hours trading following the announcement.",
    "A fire tore through the plastics factory late on Tuesday, injuring 11 workers.",
    "Kurz",
    "",
    # Over the 256-token limit: both encoders must cut it at the same place.
    " ".join(["The river rose above the flood defences near the old mill."] * 40),
]


# ---------------------------------------------------------------------------- pure


def test_batches_keep_sentences_and_paragraphs_apart() -> None:
    lengths = [30, 220, 28, 35, 200, 32, 31, 210]
    groups = batches(lengths, batch_size=32)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    for group in groups:
        widths = [lengths[i] for i in group]
        assert max(widths) <= 1.25 * min(widths) + 8  # little padding in any batch


def test_batches_respect_size_and_token_budget() -> None:
    assert [len(g) for g in batches([10] * 70, batch_size=32)] == [32, 32, 6]
    assert all(len(g) * 100 <= 1000 for g in batches([100] * 25, max_tokens=1000))
    assert batches([], batch_size=4) == []


def test_cache_dir_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHECKDUPES_CACHE_DIR", str(tmp_path / "models"))
    assert cache_dir() == tmp_path / "models"
    monkeypatch.delenv("CHECKDUPES_CACHE_DIR")
    assert cache_dir() == Path.home() / ".cache" / "checkdupes"


def test_fingerprint_follows_the_model_files(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights-1")
    first = model_fingerprint(tmp_path)
    assert model_fingerprint(tmp_path) == first
    assert model_fingerprint(tmp_path, quantize=False) != first
    (tmp_path / "model.safetensors").write_bytes(b"weights-2")
    assert model_fingerprint(tmp_path) != first


def test_unknown_encoder_is_a_bad_setting() -> None:
    with pytest.raises(BadSetting, match="CHECKDUPES_ENCODER"):
        load_encoder("tensorflow")


def test_prepare_says_so_before_exporting_and_only_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    events: list[str] = []

    def fake_export(model_dir: object, target: Path) -> Path:
        events.append("export")
        target.write_bytes(b"onnx")
        return target

    monkeypatch.setattr(embed_onnx, "export_onnx", fake_export)
    folder = tmp_path / "cache"
    assert embed_onnx.needs_prepare(directory=folder, quantize=False)
    path = embed_onnx.ensure_onnx(
        directory=folder, quantize=False, on_prepare=lambda: events.append("told")
    )
    assert events == ["told", "export"]  # the user hears of the wait before it starts
    assert path.is_file() and path == embed_onnx.onnx_file(directory=folder, quantize=False)
    assert not embed_onnx.needs_prepare(directory=folder, quantize=False)
    embed_onnx.ensure_onnx(
        directory=folder, quantize=False, on_prepare=lambda: events.append("told")
    )
    assert events == ["told", "export"]  # cached: neither told nor exported again


def test_encoders_tell_whether_preparation_is_needed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.core import encoders

    monkeypatch.setenv("CHECKDUPES_CACHE_DIR", str(tmp_path / "empty"))
    assert encoders.needs_prepare("onnx")
    assert not encoders.needs_prepare("torch")  # nothing to prepare: weights are shipped


# ---------------------------------------------------------------------------- with the export


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onnx-cache")
    embed_onnx.ensure_onnx(directory=folder)
    return folder


@pytest.fixture(scope="module")
def onnx_encoder(onnx_cache: Path) -> OnnxEncoder:
    return OnnxEncoder(cache=onnx_cache)


@pytest.mark.slow
def test_vectors_are_unit_rows_of_384(onnx_encoder: OnnxEncoder) -> None:
    vectors = onnx_encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert onnx_encoder.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_close_to_torch(
    onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder
) -> None:
    ours = onnx_encoder.encode(SENTENCES)
    reference = torch_encoder.encode(SENTENCES)
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() >= 0.97, cosine
    # And the order of similarities is kept: the paraphrase stays closest.
    assert np.argmax(ours[0] @ ours[1:4].T) == 0


@pytest.mark.slow
def test_token_states_match_torch_word_piece_for_word_piece(
    onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder
) -> None:
    vectors, ours = onnx_encoder.encode_tokens(SENTENCES)
    np.testing.assert_array_equal(vectors, onnx_encoder.encode(SENTENCES))
    _, reference = torch_encoder.encode_tokens(SENTENCES)
    for (ids, states), (ref_ids, ref_states) in zip(ours, reference, strict=True):
        np.testing.assert_array_equal(ids, ref_ids)  # same pieces, [CLS]/[SEP] left out
        assert states.shape == (len(ids), 384)
        if len(ids):
            np.testing.assert_allclose(np.linalg.norm(states, axis=1), 1.0, atol=1e-4)
            assert (states * ref_states).sum(axis=1).mean() >= 0.97
    assert len(ours[5][0]) == 0 and len(ours[6][0]) == 254  # "" and the 256-token cut


@pytest.mark.slow
def test_batch_mates_barely_move_a_vector(onnx_encoder: OnnxEncoder) -> None:
    # Dynamic quantization scales activations per batch, so a text's vector depends a little
    # on what it is encoded with; the same input always gives the same output.
    alone = onnx_encoder.encode([SENTENCES[0]])[0]
    together = onnx_encoder.encode(SENTENCES)[0]
    assert float(alone @ together) >= 0.98
    np.testing.assert_array_equal(onnx_encoder.encode(SENTENCES), onnx_encoder.encode(SENTENCES))


@pytest.mark.slow
def test_cached_file_is_reused_without_exporting(
    onnx_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(onnx_cache.iterdir())
    assert len(files) == 1 and files[0].suffix == ".onnx"  # no temporary leftovers
    stamp = files[0].stat().st_mtime_ns

    def no_export(*args: object, **kwargs: object) -> Path:
        raise AssertionError("exported again although the cache holds the model")

    monkeypatch.setattr(embed_onnx, "export_onnx", no_export)
    encoder = OnnxEncoder(cache=onnx_cache)
    assert encoder.model_file == files[0]
    assert files[0].stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_cached_path_does_not_import_torch(onnx_cache: Path) -> None:
    code = (
        "import sys\n"
        "from bot.core.encoders import load_encoder\n"
        "encoder = load_encoder('onnx')\n"
        "encoder.encode(['a sentence'])\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    env = {**os.environ, "CHECKDUPES_CACHE_DIR": str(onnx_cache)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == "none"
