"""What a response holds (a page, plain text or something we cannot read) and its text."""

from __future__ import annotations

import codecs
import re
from typing import Literal

from bot.core.errors import UnsupportedInput

Kind = Literal["html", "text"]

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain", "text/markdown"}
_NAMED_TYPES = {
    "application/pdf": "a PDF",
    "application/msword": "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
    "application/rtf": "an RTF document",
    "application/zip": "a zip archive",
    "application/json": "JSON data",
}
_NAMED_FAMILIES = {"image": "an image", "video": "a video", "audio": "an audio file"}
_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
    b"PK\x03\x04": "a zip archive or office document",
}

# WHATWG decodes these labels as windows-1252, and so do browsers; Python's latin-1 would turn
# curly quotes (0x91-0x94) into control characters.
_LEGACY_LABELS = {"iso-8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso8859-1"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Text codecs that are not charsets: they read backslashes in the page as escapes.
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def classify(content_type: str | None) -> Kind | None:
    """The kind of page from its Content-Type header; None when the header says nothing.

    Raises UnsupportedInput for PDFs, images and everything else we cannot read, before the
    body is downloaded.
    """
    mime = media_type(content_type)
    if not mime:
        return None
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    raise UnsupportedInput(_unsupported(mime))


def sniff(head: bytes) -> Kind:
    """Guess the kind of a body sent without a Content-Type."""
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedInput(_unsupported_what(what))
    if b"\x00" in head[:1024] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedInput(_unsupported_what("a binary file"))
    start = head.lstrip()[:512].lower()
    looks_html = start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))
    return "html" if looks_html or b"<html" in head[:2048].lower() else "text"


def decode(body: bytes, content_type: str | None, kind: Kind) -> str:
    """Decode a body: byte-order mark, then the header's charset, then (HTML) a <meta> charset,
    then UTF-8 with replacement characters for whatever does not fit."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace")
    candidates = [_header_charset(content_type)]
    if kind == "html":
        match = _META_CHARSET.search(body[:4096])
        candidates.append(match.group(1).decode("ascii") if match else None)
    for label in candidates:
        declared = _encoding(label)
        if declared is not None:
            try:
                return body.decode(declared, "replace")
            except (LookupError, UnicodeError):  # a codec that passed the probe and still fails
                continue
    return body.decode("utf-8", "replace")


def _header_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return None


def _encoding(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _LEGACY_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
        # Only a charset decodes any bytes to text: "rot13", "base64", "zlib" and "hex" are
        # bytes-to-bytes codecs (LookupError), "idna" and "undefined" refuse "replace".
        b"<p>\xff\x80\xfe</p>".decode(name, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if name in _NOT_CHARSETS:
        return None
    # A page that declares UTF-16 in a header or <meta> but has no BOM is almost always UTF-8
    # (the declaration was copied from somewhere); WHATWG treats it the same way, and has no
    # UTF-32 at all.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _unsupported(mime: str) -> str:
    what = _NAMED_TYPES.get(mime) or _NAMED_FAMILIES.get(mime.split("/", 1)[0])
    if what is None:
        return f"That link serves {mime}, not a web page or plain text. Paste the text instead."
    return _unsupported_what(what)


def _unsupported_what(what: str) -> str:
    return (
        f"That link is {what}, not a web page; checkdupes reads web pages and plain text. "
        "Paste the text instead."
    )
