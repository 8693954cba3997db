"""Links in Slack message text.

Slack sends links as ``<https://x|label>`` or ``<https://x>`` and escapes ``&``, ``<`` and ``>``
as ``&amp;``, ``&lt;`` and ``&gt;``; text from elsewhere (the CLI, an API call) has bare URLs.
These functions take the raw message text and understand both forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.markup import SLACK_TOKEN

# <target> or <target|label> (core.markup's one pattern); Slack also uses this syntax for
# mentions (<@U1>), channels (<#C1|x>) and broadcasts (<!here>), which have no scheme and
# are left alone.
_ANGLE = re.compile(SLACK_TOKEN)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Bare links only in unambiguous forms, "scheme://" or a few schemes that never have "//";
# a looser pattern would read "Note: ..." as a link.
_BARE_LINK = re.compile(
    r"\b(?:[a-zA-Z][a-zA-Z0-9+.-]*://|(?:javascript|vbscript|data|file):)[^\s<>\"'`|]+",
)
# Addresses, not documents: in an article they are prose, and nobody asks to fetch them.
_PROSE_SCHEMES = {"mailto", "tel", "sms"}
_TRAILING = ".,;:!?'\"*_~"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def find_links(text: str) -> list[str]:
    """The http(s) links in ``text``, in order of appearance, each once."""
    return _dedupe(url for url, _kind in _links(text) if _kind == "http")


def non_http_links(text: str) -> list[str]:
    """Links with any other scheme (ftp:, file:, javascript: ...), so callers can refuse them."""
    return _dedupe(url for url, _kind in _links(text) if _kind == "other")


def strip_links(text: str) -> str:
    """``text`` without its links: "check this <https://x>" becomes "check this".

    A link whose label is real words (``<https://x|the report>``) leaves the words behind; a label
    that only repeats the address (``<http://x.com|x.com>``) goes with the link. Mail and phone
    links are prose and become their label.
    """

    def angle(match: re.Match[str]) -> str:
        target, label = _parts(match)
        kind = _kind(target)
        if kind is None:
            return match.group(0)
        if kind == "prose":
            return label if label is not None else target.split(":", 1)[1]
        if label and _bare(label) != _bare(target):
            return label
        return "\x00"

    def bare(match: re.Match[str]) -> str:
        return "\x00" + _split_trailing(match.group(0))[1]

    return _tidy(_BARE_LINK.sub(bare, _ANGLE.sub(angle, text)))


def _links(text: str) -> list[tuple[str, str]]:
    found: list[tuple[int, str, str]] = []
    for match in _ANGLE.finditer(text):
        target, _label = _parts(match)
        kind = _kind(target)
        if kind in ("http", "other"):
            found.append((match.start(), target, kind))
    # Bare links are looked for only outside <...> so that "<https://x>" is not found twice.
    outside = _ANGLE.sub(lambda m: " " * len(m.group(0)), text)
    for match in _BARE_LINK.finditer(outside):
        url = _unescape(_split_trailing(match.group(0))[0])
        kind = _kind(url)
        if kind in ("http", "other"):
            found.append((match.start(), url, kind))
    found.sort(key=lambda item: item[0])
    return [(url, kind) for _pos, url, kind in found]


def _parts(token: re.Match[str]) -> tuple[str, str | None]:
    """A Slack token's target (escapes undone) and its label (None without a "|")."""
    target, bar, label = token.group("slack").partition("|")
    return _unescape(target), label if bar else None


def _kind(target: str) -> str | None:
    if not target or any(c.isspace() for c in target):  # "< 5 >" is prose, not a link
        return None
    match = _SCHEME.match(target)
    if match is None:
        return None
    scheme = match.group(1).lower()
    if scheme in ("http", "https"):
        return "http"
    if scheme in _PROSE_SCHEMES:
        return "prose"
    return "other"


def _split_trailing(url: str) -> tuple[str, str]:
    """Split sentence punctuation off a bare URL: "see https://x.com/a)." keeps "https://x.com/a".

    A closing bracket stays when the URL opened it, as in Wikipedia's "/Foo_(bar)".
    """
    end = len(url)
    while end > 0:
        char = url[end - 1]
        unbalanced = char in _CLOSERS and url[:end].count(_CLOSERS[char]) < url[:end].count(char)
        if char not in _TRAILING and not unbalanced:
            break
        end -= 1
    return url[:end], url[end:]


def _unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _bare(url: str) -> str:
    return re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?://)?", "", _unescape(url)).rstrip("/").lower()


def _dedupe(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def _tidy(marked: str) -> str:
    """Close the gaps that removed links (marked \\x00) leave, without touching other spacing."""

    def gap(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        at_line_start = start == 0 or marked[start - 1] == "\n"
        # "see https://x." loses the space too, not just the link
        at_line_end = end == len(marked) or marked[end] in "\n.,;:!?)"
        return "" if at_line_start or at_line_end else " "

    text = re.sub(r"[ \t]*\x00[\x00 \t]*", gap, marked)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
