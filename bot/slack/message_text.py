"""A Slack message's text, wherever Slack put it: ``text``, ``rich_text`` blocks, attachments.

What the text's ``<…>`` tokens and formatting mean is bot.core.markup's business (the one
module that reads Slack markup); here they are only written the way Slack writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


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
