"""read_body on its own: the encodings it decodes, the ones it refuses, and its caps."""

from __future__ import annotations

import gzip
import zlib

import pytest

from bot.core.errors import FetchError, TooLong
from bot.links.body import read_body
from bot.links.deadline import Deadline
from tests.hostile_server import EMPTY_DEFLATE_BLOCK, GZIP_HEADER

TEXT = b"<p>" + b"The council voted to fund the bridge. " * 400 + b"</p>"


def read(chunks: list[bytes], encoding: str | None, max_bytes: int = 1_000_000) -> bytes:
    return read_body(
        chunks,
        encoding,
        max_bytes=max_bytes,
        deadline=Deadline(10),
        too_long=lambda: TooLong("too long"),
        too_slow=lambda: FetchError("too slow"),
    )


def pieces(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        (" GZIP ", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", raw_deflate(TEXT)),  # what some servers send under "deflate"
        ("gzip", gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])),  # two members
        ("identity, gzip", gzip.compress(TEXT)),
    ],
)
def test_decodes_one_layer_in_any_chunking(encoding: str | None, wire: bytes) -> None:
    assert read([wire], encoding) == TEXT
    assert read(pieces(wire), encoding) == TEXT
    assert read(pieces(wire, 1), encoding) == TEXT


@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip,deflate", "deflate, gzip"])
def test_more_than_one_layer_is_refused(encoding: str) -> None:
    with pytest.raises(FetchError, match="compressed more than once"):
        read([b"anything"], encoding)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "rot13"])
def test_other_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(FetchError, match="does not read"):
        read([b"anything"], encoding)


def test_damaged_data_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="damaged"):
        read([gzip.compress(TEXT)[:20] + b"\xff" * 50], "gzip")


def test_the_cap_holds_exactly() -> None:
    wire = gzip.compress(TEXT)
    assert read(pieces(wire), "gzip", max_bytes=len(TEXT)) == TEXT
    with pytest.raises(TooLong):
        read(pieces(wire), "gzip", max_bytes=len(TEXT) - 1)
    with pytest.raises(TooLong):
        read(pieces(TEXT), None, max_bytes=len(TEXT) - 1)


def test_wire_bytes_count_when_nothing_decodes() -> None:
    chunks = [GZIP_HEADER] + [EMPTY_DEFLATE_BLOCK * 1000] * 30  # 150 kB meaning nothing
    with pytest.raises(TooLong):
        read(chunks, "gzip", max_bytes=100_000)


def test_a_passed_deadline_stops_the_read() -> None:
    with pytest.raises(FetchError, match="too slow"):
        read_body(
            [TEXT],
            None,
            max_bytes=1_000_000,
            deadline=Deadline(-1),
            too_long=lambda: TooLong("too long"),
            too_slow=lambda: FetchError("too slow"),
        )
