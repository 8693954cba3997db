"""Slack's markup in the messages the bot reads, and a message's text wherever Slack put it.

The one place on the Slack side that reads Slack's ``<…>`` tokens (``<@U1>``, ``<#C1|desk>``,
``<!date^…|Aug 12>``, ``<https://x|label>``, ``<tel:…|555-…>``) and a message's parts
(``text``, ``rich_text`` blocks, ``attachments``). bot/core/markup.py is meant to become the
one module for Slack markup; until it is on this branch the Slack side keeps its patterns
here, and nowhere else.

``readable(text)`` resolves what is not a link into what a reader saw and leaves http(s)
links as Slack sent them, for the link finder (bot.links) and the segmenter (bot.core)
to read; Slack's ``&amp;``/``&lt;``/``&gt;`` escapes stay, the segmenter undoes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# One token: what lies between "<" and ">" on one line (bounded: a run of "<" in a paste
# costs one short scan each). Formatting markers around it are read with it, so that a
# token that resolves to nothing takes ``~_*`` … ``*_~`` with it instead of leaving "**".
_TOKEN = re.compile(r"(?P<open>[*_~]{0,6})<(?P<inner>[^<>\n]{1,4000})>(?P<close>[*_~]{0,6})")
USER_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^<>\n]*)?>")
# <https://…> or <https://…|label>, the whole text: how Slack sends a link a command escapes.
LINK = re.compile(r"<([^|<>\s]+)(?:\|[^<>]*)?>")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,31}:")
_HTTP = ("http", "https")
# Addresses, not documents: their readable form is their label, or the address itself.
_PROSE_SCHEMES = frozenset({"mailto", "tel", "sms"})
_BROADCASTS = frozenset({"here", "channel", "everyone"})

# Invisible characters that split a word for the comparison without showing in it: an
# exact repeat with one of them inside would read as a different paragraph.
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff" + (
    "".join(chr(c) for c in range(0x202A, 0x202F))  # bidi embeddings and overrides
)
_ODD_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
_SPACE_TABLE = {ord(c): None for c in _INVISIBLE} | {ord(c): " " for c in _ODD_SPACES}


def normalize_spaces(text: str) -> str:
    """Zero-width and bidi control characters dropped, odd spaces made plain; newlines kept."""
    return text.translate(_SPACE_TABLE)


def strip_mentions(text: str) -> str:
    """The text without user mentions (the bot's own, and anyone cc'd)."""
    return USER_MENTION.sub("", text)


def readable(text: str) -> str:
    """Message text as a reader saw it: mentions and broadcasts removed, channels, dates,
    user groups and phone or mail links by their label, invisible characters dropped.
    http(s) links and anything that is not a Slack token stay as they are."""

    def token(match: re.Match[str]) -> str:
        resolved = _resolve(match.group("inner"))
        opened, closed = match.group("open"), match.group("close")
        if resolved is None:
            return match.group(0)
        if not resolved and opened == closed[::-1]:
            return ""  # "~_*<@U1>*_~": the markers wrapped nothing but the token
        return opened + resolved + closed

    return _TOKEN.sub(token, normalize_spaces(text))


def unwrap_link(raw: str) -> str:
    """``<https://x|label>`` or ``<https://x>`` -> ``https://x``; other text as it is."""
    wrapped = LINK.fullmatch(raw)
    return wrapped.group(1) if wrapped else raw


def _resolve(inner: str) -> str | None:
    """The readable part of one token; None: not one of Slack's (keep it as text) or an
    http(s) link (kept for the link finder)."""
    head, _, label = inner.partition("|")
    if head.startswith("@"):
        return "" if _is_id(head[1:]) else None
    if head.startswith("#"):
        if not _is_id(head[1:]):
            return None
        name = label.strip().lstrip("#")
        return f"#{name}" if name else ""
    if head.startswith("!"):
        command = head[1:].split("^", 1)[0]
        if not command or not command.isalpha():
            return None
        if command in _BROADCASTS:
            return ""
        return label  # the fallback a reader saw: !date^…|Aug 12, 2024, !subteam^S1|@desk
    scheme = _SCHEME.match(head)
    if scheme is None or any(ch.isspace() for ch in head):
        return None
    name = scheme.group(0)[:-1].lower()
    if name in _PROSE_SCHEMES:
        return label if label.strip() else head[len(name) + 1 :]
    return None  # http(s) and other schemes: the link finder decides


def _is_id(value: str) -> bool:
    return bool(value) and value.isascii() and value.isalnum()


# --- a message's text -------------------------------------------------------------------------


def message_text(message: Mapping[str, Any]) -> str:
    """All the text a Slack message shows, as Slack-formatted text: ``text``, else its
    blocks (a message posted with ``text: ""`` and rich_text blocks), then its attachments
    (an RSS feed's or another bot's posts; link previews are not the message's own text).
    Parts are separated by blank lines, so each stays a paragraph of its own."""
    text = str(message.get("text") or "")
    parts = [text if text.strip() else blocks_text(_dicts(message.get("blocks")))]
    parts += [
        attachment_text(a) for a in _dicts(message.get("attachments")) if not _is_preview(a)
    ]
    return "\n\n".join(part.strip("\n") for part in parts if part.strip())


def attachment_text(attachment: Mapping[str, Any]) -> str:
    parts = [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
    if not any(p.strip() for p in parts):  # fallback repeats the others when they are there
        parts = [str(attachment.get("fallback") or "")]
    parts.append(blocks_text(_dicts(attachment.get("blocks"))))
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())


def blocks_text(blocks: Iterable[Mapping[str, Any]]) -> str:
    """The text of rich_text, section and header blocks, each block a paragraph."""
    parts = []
    for block in blocks:
        kind = block.get("type")
        if kind == "rich_text":
            parts.append(_rich_text(_dicts(block.get("elements"))))
        elif kind in ("section", "header"):
            text = block.get("text") or {}
            fields = [f.get("text") for f in _dicts(block.get("fields"))]
            for value in (text.get("text") if isinstance(text, Mapping) else None, *fields):
                if value:
                    parts.append(str(value) if kind == "section" else _escape(str(value)))
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())


def _rich_text(elements: Iterable[Mapping[str, Any]]) -> str:
    """Sections, lists, quotes and preformatted text, each a paragraph of its own (Slack
    shows them as separate blocks); line breaks inside them are kept."""
    out = ""
    for element in elements:
        kind = element.get("type")
        inner = _dicts(element.get("elements"))
        if kind == "rich_text_list":
            lines = []
            offset = int(element.get("offset") or 0)
            indent = "  " * int(element.get("indent") or 0)
            for k, item in enumerate(inner):
                bullet = f"{offset + k + 1}." if element.get("style") == "ordered" else "•"
                lines.append(f"{indent}{bullet} {_inline(_dicts(item.get('elements')))}")
            piece = "\n".join(lines)
        elif kind == "rich_text_quote":
            piece = "\n".join(f"&gt; {line}" for line in _inline(inner).split("\n"))
        else:  # rich_text_section, rich_text_preformatted
            piece = _inline(inner)
        if out and piece.strip():
            out = out.rstrip("\n") + "\n\n"
        out += piece
    return out


def _inline(elements: Iterable[Mapping[str, Any]]) -> str:
    """Inline elements as Slack-formatted text, tokens as Slack writes them in ``text``."""
    pieces = []
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            pieces.append(_escape(str(element.get("text") or "")))
        elif kind == "link":
            url, label = _escape(str(element.get("url") or "")), element.get("text")
            pieces.append(f"<{url}|{_escape(str(label))}>" if label else f"<{url}>")
        elif kind == "user":
            pieces.append(f"<@{element.get('user_id', '')}>")
        elif kind == "usergroup":
            pieces.append(f"<!subteam^{element.get('usergroup_id', '')}>")
        elif kind == "channel":
            pieces.append(f"<#{element.get('channel_id', '')}>")
        elif kind == "broadcast":
            pieces.append(f"<!{element.get('range', 'here')}>")
        elif kind == "emoji":
            pieces.append(f":{element.get('name', '')}:")
        elif kind == "date":
            pieces.append(_escape(str(element.get("fallback") or "")))
        elif kind == "color":
            pieces.append(str(element.get("value") or ""))
    return "".join(pieces)


def _is_preview(attachment: Mapping[str, Any]) -> bool:
    # A link's unfurl: the bot reads the link itself. A shared message is the message.
    shared = attachment.get("is_share") or attachment.get("is_msg_unfurl")
    return bool(attachment.get("original_url") or attachment.get("from_url")) and not shared


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, Mapping)]
