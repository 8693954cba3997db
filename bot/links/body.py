"""Read a response body from the raw wire stream, decompressing it ourselves, within bounds.

An HTTP library that decodes Content-Encoding for us expands each chunk fully before we see it:
with ``Content-Encoding: gzip, gzip`` 1.7 kB on the wire became 1 GB in memory before a size
cap could look at it. Here one layer at most is accepted, zlib is asked for no more than the
bytes the cap still allows (``max_length``), and wire bytes count too, since a stream of empty
deflate blocks decodes to nothing for ever.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable

from bot.core.errors import FetchError, TooLong

from .deadline import Deadline

_GZIP_MAGIC = b"\x1f\x8b"
_ENCODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
ACCEPT_ENCODING = "gzip, deflate"
"""What we ask for: exactly the encodings ``read_body`` decodes."""


def read_body(
    chunks: Iterable[bytes],
    content_encoding: str | None,
    *,
    max_bytes: int,
    deadline: Deadline,
    too_long: Callable[[], TooLong],
    too_slow: Callable[[], FetchError],
) -> bytes:
    """The decoded body; TooLong once the wire or the decoded bytes pass ``max_bytes``."""
    decoder = _decoder(content_encoding)
    body = bytearray()
    wire = 0
    for chunk in chunks:
        wire += len(chunk)
        if wire > max_bytes:
            raise too_long()
        if deadline.expired():
            raise too_slow()
        body += decoder.decode(chunk, max_bytes - len(body))
        if len(body) > max_bytes:
            raise too_long()
    body += decoder.finish(max_bytes - len(body))
    if len(body) > max_bytes:
        raise too_long()
    return bytes(body)


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data

    def finish(self, room: int) -> bytes:
        return b""


class _Inflate:
    """gzip (members one after another, as RFC 1952 allows) or deflate, zlib-wrapped or raw."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding == "gzip"
        # "deflate" means zlib-wrapped, but some servers send raw deflate: the first two bytes
        # (a zlib header or not) decide, so they wait here until both have come.
        self._head = b""
        self._inflater: zlib._Decompress | None = self._new() if self._gzip else None

    def _new(self, raw: bool = False) -> zlib._Decompress:
        if self._gzip:
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def decode(self, data: bytes, room: int) -> bytes:
        """At most ``room + 1`` decoded bytes: one more than fits tells the caller to stop."""
        if self._inflater is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            self._inflater = self._new(raw=not _is_zlib_header(self._head))
            data = self._head
        try:
            return self._inflate(self._inflater, data, room)
        except zlib.error as exc:
            raise FetchError(_DAMAGED) from exc

    def _inflate(self, inflater: zlib._Decompress, data: bytes, room: int) -> bytes:
        out = bytearray()
        while data and len(out) <= room:
            # max_length 0 would mean "no limit", hence the + 1.
            out += inflater.decompress(data, room - len(out) + 1)
            data = inflater.unconsumed_tail
            if inflater.eof:
                inflater, data = self._next_member(inflater)
        return bytes(out)

    def _next_member(self, ended: zlib._Decompress) -> tuple[zlib._Decompress, bytes]:
        rest = ended.unused_data
        if self._gzip and rest.startswith(_GZIP_MAGIC):
            self._inflater = self._new()
            return self._inflater, rest
        return ended, b""  # what follows the end of the stream is ignored, as browsers do

    def finish(self, room: int) -> bytes:
        if self._inflater is None:  # an empty body, or a single byte
            if self._head:
                raise FetchError(_DAMAGED)
            return b""
        try:
            # Only what zlib still holds for input already given: at most one back-reference.
            return self._inflater.flush()[: room + 1]
        except zlib.error as exc:
            raise FetchError(_DAMAGED) from exc


def _is_zlib_header(head: bytes) -> bool:
    # RFC 1950: compression method 8 (deflate), and the two bytes as a number divisible by 31.
    return head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


_DAMAGED = "The page's compressed data is damaged, so it could not be read. Paste the text instead."


def _decoder(content_encoding: str | None) -> _Identity | _Inflate:
    layers = [
        layer.strip().lower()
        for layer in (content_encoding or "").split(",")
        if layer.strip() and layer.strip().lower() != "identity"
    ]
    if len(layers) > 1:
        raise FetchError(
            f"That page is compressed more than once (Content-Encoding: {', '.join(layers)[:60]}), "
            "which checkdupes does not read. Paste the text instead."
        )
    if not layers:
        return _Identity()
    encoding = _ENCODINGS.get(layers[0])
    if encoding is None:
        raise FetchError(
            f"That page is compressed in a way checkdupes does not read ({layers[0][:30]}). "
            "Paste the text instead."
        )
    return _Inflate(encoding)
