"""Shared fixtures: the real model loaded once per session, a hashing encoder, data paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.analyze import Analyzer
from bot.core.embed import Encoder, SentenceTransformerEncoder
from bot.core.encoders import load_encoder
from tests.fakes import HashingEncoder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path.relative_to(ROOT.parent)} is absent (the shared data sits beside the checkout)"
        )
    return path


@pytest.fixture(scope="session")
def real_encoder() -> Encoder:
    """The encoder users get (int8 ONNX unless configured otherwise): accuracy runs on it."""
    return load_encoder()


@pytest.fixture(scope="session")
def torch_encoder() -> SentenceTransformerEncoder:
    """The fp32 reference the int8 encoder is compared with."""
    return SentenceTransformerEncoder()


@pytest.fixture(scope="session")
def analyzer(real_encoder: Encoder) -> Analyzer:
    return Analyzer(real_encoder)


@pytest.fixture
def hashing_encoder() -> HashingEncoder:
    return HashingEncoder()


# The archive's store fixtures (SQLite and PostgreSQL), shared by its test modules.
pytest_plugins = ["tests.archive_stores"]
