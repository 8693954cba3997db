"""Slack mrkdwn and markdown markup: what a paste brings besides its words.

The one place that reads Slack's ``<target|label>`` syntax and formatting markers. Everything
here runs in time linear in the text (pastes are untrusted and can be 200 kB): no regex
has nested quantifiers or unbounded lazy spans, and emphasis is paired by one scan with a
stack instead of a backtracking pattern.

- ``slack_links(text)``: the link targets (``https://…``, ``mailto:…``) of Slack-formatted text;
- ``clean_markup(text)``: the readable text, markup removed, whitespace collapsed;
- ``line_marker(line)``: what opens a line (quote, heading, bullet) and where its text starts;
- ``normalize_spaces(text)``: zero-width characters dropped, odd spaces made plain spaces;
- ``unwrap_link(raw)``: the target of a text that is one Slack link.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

# One Slack token, <target> or <target|label>, on one line; bounded so that a run of "<"
# costs one short scan each. Every module that reads Slack's link syntax uses this one.
SLACK_TOKEN = r"<(?P<slack>[^<>\n]{1,4000})>"
# A Slack token, or [label](url), markdown's link (label and url bounded for the same
# reason), or a run of formatting marker characters.
_TOKEN = re.compile(
    SLACK_TOKEN
    + r"|\[(?P<label>[^\[\]\n]{1,500})\]\((?:https?://|mailto:)[^()\s]{1,4000}\)"
    r"|(?P<marks>[*_~`]+)"
)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,31}:")
# Addresses, not documents: their readable form is the address without the scheme.
_PROSE_SCHEMES = frozenset({"mailto", "tel", "sms"})
_BROADCASTS = frozenset({"here", "channel", "everyone"})

# Invisible characters that split a word for the comparison without showing in it.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff" + (
    "".join(chr(c) for c in range(0x202A, 0x202F))  # bidi embeddings and overrides
)
_ODD_SPACES = "\t\v\f\u00a0\u1680\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_SPACE_TABLE = {ord(c): None for c in _INVISIBLE} | {ord(c): " " for c in _ODD_SPACES}

# Quotes (Slack's API escapes ">" as "&gt;"), then a heading or a bullet. Each repetition
# takes at least one character and the alternatives cannot overlap: no backtracking.
_LINE_MARKER = re.compile(
    r"[ \t]*(?P<quote>(?:(?:>|&gt;)[ \t]?)*)"
    r"(?:(?P<heading>#{1,6})(?:[ \t]+|$)|(?P<bullet>[-*+•‣◦▪●·–]|\d{1,3}[.)])(?:[ \t]+|$))?"
)

LineKind = Literal["heading", "bullet", "quote", "text"]


@dataclass(frozen=True)
class LineMarker:
    """What opens a line: ``kind`` and the index where the line's own text starts."""

    kind: LineKind
    text_start: int


def normalize_spaces(text: str) -> str:
    """Drop zero-width and bidi control characters (and soft hyphens); odd spaces -> " ".

    Newlines are kept: they still separate lines and paragraphs.
    """
    return text.translate(_SPACE_TABLE)


def slack_links(text: str) -> list[str]:
    """Targets of the links in Slack-formatted text (``<https://x|label>``, ``<mailto:a@b>``),
    in order, each once, with Slack's ``&amp;``/``&lt;``/``&gt;`` escapes undone.

    Mentions, channels and ``<!…>`` commands are not links; neither are bare URLs (callers
    that also want those look for them in the rest of the text).
    """
    found: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        inner = match.group("slack")
        if inner is None:
            continue
        target = inner.partition("|")[0]
        if _is_link_target(target):
            found[_unescape(target)] = None
    return list(found)


def strip_user_mentions(text: str) -> str:
    """The text without ``<@U…>`` mentions: the bot's own that invoked it, anyone cc'd. A
    mention carries only an id, so nothing readable is lost; left in, one opening a line
    would read as a lead-in addressed to someone."""

    def drop(match: re.Match[str]) -> str:
        inner = match.group("slack")
        return "" if inner is not None and inner.startswith("@") else match.group(0)

    return _TOKEN.sub(drop, text)


def unwrap_link(raw: str) -> str:
    """``<https://x|label>`` or ``<https://x>`` (a whole text that is one link, as Slack sends
    an argument it escapes) -> ``https://x``, escapes undone; any other text as it is."""
    whole = _TOKEN.fullmatch(raw.strip())
    if whole is None or whole.group("slack") is None:
        return raw
    target = whole.group("slack").partition("|")[0]
    return _unescape(target) if _is_link_target(target) else raw


def slack_readable(inner: str) -> str | None:
    """The readable part of one Slack token, given what is between its ``<`` and ``>``.

    None when it is not a Slack token (``< 5 >``, an HTML tag): the caller keeps it as text.
    """
    head, has_label, label = inner.partition("|")
    if head.startswith("@"):  # a user: the old form carries the name, the new one nothing
        return _id_with_label(head, "@", label)
    if head.startswith("#"):  # a channel: "#desk"; without a name there is nothing to show
        return _id_with_label(head, "#", label)
    if head.startswith("!"):
        command = head[1:].split("^", 1)[0]
        if not command:
            return None
        if command in _BROADCASTS:
            return ""
        # !subteam^S1|@desk, !date^…|Aug 12, 2024: the fallback text is what a reader saw.
        return label
    if not _is_link_target(head):
        return None
    if label.strip():
        return label
    scheme, _, rest = head.partition(":")
    return rest if scheme.lower() in _PROSE_SCHEMES else head


def line_marker(line: str) -> LineMarker:
    """Read the markup that opens a line: ``>`` quotes, a ``#`` heading, a bullet or number.

    ``kind`` is the strongest marker found (heading or bullet over quote).
    """
    if line[:1].isalpha():  # most lines: no marker can start with a letter
        return LineMarker("text", 0)
    match = _LINE_MARKER.match(line)
    assert match is not None  # every group is optional: it always matches
    if match.group("heading"):
        kind: LineKind = "heading"
    elif match.group("bullet"):
        kind = "bullet"
    else:
        kind = "quote" if match.group("quote") else "text"
    return LineMarker(kind, match.end())


def is_bold_line(text: str) -> bool:
    """A line that is all bold (``**Heading**``, Slack's ``*Heading*``): a subhead."""
    text = text.strip()
    if text[:1] not in ("*", "_"):
        return False
    for mark in ("**", "__", "*"):
        inner = text[len(mark) : -len(mark)]
        if (
            len(text) > 2 * len(mark)
            and text.startswith(mark)
            and text.endswith(mark)
            and mark[0] not in inner
            and inner == inner.strip()
        ):
            return len(inner) <= 120
    return False


def clean_markup(text: str) -> str:
    """The readable text of a passage: Slack tokens resolved, line markers (quotes, headings,
    bullets) and formatting markers that wrap words removed, HTML entities decoded, invisible
    characters dropped and whitespace collapsed. Lines are joined with spaces."""
    joined = " ".join(
        _clean_inline(line[line_marker(line).text_start :])
        for line in normalize_spaces(text).split("\n")
    )
    if "&" in joined:  # &amp; &lt; &gt; from Slack; &nbsp; and the like from HTML
        joined = normalize_spaces(html.unescape(joined))
    return " ".join(joined.split())


def _clean_inline(line: str) -> str:
    """Resolve Slack tokens and markdown links, and drop paired formatting markers, in one scan.

    Markers pair like a stack of brackets: a closer of kind ``*`` closes the nearest open
    ``*``; openers left inside it, and markers that pair with nothing, stay as text, so
    ``3*4*5`` and ``snake_case`` survive.
    """
    if _TOKEN.search(line) is None:
        return line
    pieces: list[str] = []
    stack: list[tuple[str, int]] = []  # (marker, index in pieces) of openers not yet closed
    open_count: dict[str, int] = {}
    removed: set[int] = set()
    last = 0
    for match in _TOKEN.finditer(line):
        pieces.append(line[last : match.start()])
        last = match.end()
        if match.group("slack") is not None:
            readable = slack_readable(match.group("slack"))
            # A label is text too ("<https://x|*the* report>"); it holds no "<", so one level.
            pieces.append(match.group(0) if readable is None else _clean_inline(readable))
        elif match.group("label") is not None:
            pieces.append(_clean_inline(match.group("label")))
        else:
            _pair_markers(line, match.start(), match.group("marks"), pieces, stack, open_count,
                          removed)
    pieces.append(line[last:])
    if removed:
        return "".join(p for k, p in enumerate(pieces) if k not in removed)
    return "".join(pieces)


def _pair_markers(
    line: str,
    start: int,
    run: str,
    pieces: list[str],
    stack: list[tuple[str, int]],
    open_count: dict[str, int],
    removed: set[int],
) -> None:
    position, end = start, start + len(run)
    while position < end:  # a run such as "~_*" is three markers
        group_end = position
        while group_end < end and run[group_end - start] == run[position - start]:
            group_end += 1
        marker = run[position - start : group_end - start]
        before = line[position - 1] if position > 0 else " "
        after = line[group_end] if group_end < len(line) else " "
        pieces.append(marker)
        index = len(pieces) - 1
        if len(marker) <= 3:
            can_open = not after.isspace() and not before.isalnum()
            can_close = not before.isspace() and not after.isalnum()
            if can_close and open_count.get(marker, 0) > 0:
                while True:  # openers left inside the pair stay text
                    opened, at = stack.pop()
                    open_count[opened] -= 1
                    if opened == marker:
                        removed.update((at, index))
                        break
            elif can_open:
                stack.append((marker, index))
                open_count[marker] = open_count.get(marker, 0) + 1
        position = group_end


def _id_with_label(head: str, sigil: str, label: str) -> str | None:
    if not head[1:] or any(ch.isspace() for ch in head):
        return None
    label = label.strip().lstrip(sigil)
    return sigil + label if label else ""


def _is_link_target(target: str) -> bool:
    return (
        _SCHEME.match(target) is not None
        and not any(ch.isspace() for ch in target)
        and len(target) > target.index(":") + 1
    )


def _unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
