"""Hostile answers for LocalServer routes: bombs, tricklers and streams that never end.

Each is what a page under an attacker's control can send. The slow ones stop on their own after
``limit_s`` (or when the client hangs up), so a fetcher that fails to give up cannot hang a test.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

from tests.http_server import Handler, send

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# A stored (uncompressed) deflate block, not final, holding nothing: five bytes that decode to
# no bytes at all, as often as a server cares to send them.
EMPTY_DEFLATE_BLOCK = b"\x00\x00\x00\xff\xff"


def gzip_of_zeros(size: int, layers: int = 1) -> bytes:
    """``size`` zero bytes gzipped ``layers`` times, without ever holding them in memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [packer.compress(block[: size - done]) for done in range(0, size, len(block))]
    data = b"".join(parts) + packer.flush()
    for _layer in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


def encoded(body: bytes, encoding: str, content_type: str = "text/html") -> Handler:
    return lambda h: send(h, 200, body, content_type, {"Content-Encoding": encoding})


def empty_deflate_blocks(limit_s: float = 5.0) -> Handler:
    """A gzip header, then empty deflate blocks for ever: wire bytes that decode to nothing."""

    def chunks() -> Iterator[bytes]:
        yield GZIP_HEADER
        chunk = EMPTY_DEFLATE_BLOCK * 13_000
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop:
            yield chunk

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Encoding", "gzip")
        h.end_headers()
        for chunk in chunks():
            h.wfile.write(chunk)

    return handler


def trickled_headers(interval_s: float, limit_s: float = 5.0) -> Handler:
    """The status line, then one byte of a header line every ``interval_s``."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop:
            h.wfile.write(b"a")
            time.sleep(interval_s)

    return handler


def trickled_chunk_size(interval_s: float, limit_s: float = 5.0) -> Handler:
    """A chunked body whose second chunk-size line arrives one byte (of its extension) at a time:
    the body never yields a byte, so a check made per body chunk never runs."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"6\r\n<html>\r\n5;"
        )
        stop = time.monotonic() + limit_s
        while time.monotonic() < stop:
            h.wfile.write(b"x")
            time.sleep(interval_s)

    return handler


def br_paragraphs(count: int) -> bytes:
    """An article of ``count`` paragraphs, each two lines split by <br>: trafilatura returns
    the lines, so no extracted paragraph equals a page block (the repeat restorer's worst case).
    """
    paragraphs = "".join(
        f"<p>Paragraph {i} tells what the council decided about the bridge.<br>"
        f"Its second line, number {i}, adds what the opponents said about it.</p>"
        for i in range(count)
    )
    return f"<html><body><article>{paragraphs}</article></body></html>".encode()
