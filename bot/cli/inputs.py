"""Reading one INPUT (a file, an http(s) link or - for stdin) into a Document."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from bot.core.analyze import Limits
from bot.core.errors import BadSetting, TooLong, UnsupportedInput
from bot.core.segment import Document, segment
from bot.settings import Settings

# UTF-8 spends at most 4 bytes on a character: more bytes than this is over the limit.
_BYTES_PER_CHAR = 4


def read_document(source: str, settings: Settings, limits: Limits) -> Document:
    """One INPUT as a Document; every problem becomes a one-line CheckdupesError."""
    if source.startswith(("http://", "https://")):
        from bot.core.sources import document_from_url
        from bot.links import FetchPolicy, LinkFetcher

        try:
            policy = FetchPolicy.from_allow_string(settings.fetch_allow)
        except ValueError as error:
            raise BadSetting(str(error)) from None
        return document_from_url(source, LinkFetcher(policy))
    if "://" in source:
        scheme = source.split("://", 1)[0]
        raise UnsupportedInput(f"{scheme}:// links cannot be fetched: give an http(s) link.")
    limit = limits.max_chars * _BYTES_PER_CHAR
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
        name = "stdin"
    else:
        data = _read_file(source, limit + 1)
        name = source
    if len(data) > limit:
        raise _too_long(name, limits)
    text = decode(data, name)
    if len(text) > limits.max_chars:
        raise _too_long(name, limits)
    return segment(text, source=name)


def input_link(source: str, document: Document) -> str:
    """The link an INPUT is archived under: the article's URL, a file:// URI, or for stdin a
    name made from its text (bot.archive.story_link)."""
    from bot.archive import story_link

    if source == "-" or source.startswith(("http://", "https://")):
        return story_link(document)
    return Path(source).resolve().as_uri()


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise UnsupportedInput(f"{name} looks like a binary file: give plain text (UTF-8).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnsupportedInput(
            f"{name} is not UTF-8 text (byte {error.start}): save it as UTF-8 and try again."
        ) from None


def _read_file(source: str, at_most: int) -> bytes:
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UnsupportedInput(f"{source} does not exist: give a text file, a URL or -.") from None
    except OSError as error:
        raise UnsupportedInput(f"{source} cannot be read ({error.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise UnsupportedInput(f"{source} is a directory: give a text file, a URL or -.")
    if not stat.S_ISREG(mode):
        # /dev/null, a pipe or a device: reading it could block or never end.
        raise UnsupportedInput(f"{source} is not a regular file: give a text file, a URL or -.")
    try:
        with path.open("rb") as handle:
            return handle.read(at_most)
    except OSError as error:
        raise UnsupportedInput(f"{source} cannot be read ({error.strerror}).") from None


def _too_long(name: str, limits: Limits) -> TooLong:
    return TooLong(
        f"{name} is over the limit of {limits.max_chars:,} characters: "
        "check a shorter part, or split it."
    )
