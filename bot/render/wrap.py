"""Text safe for a terminal and wrapped to its width.

Article text comes from files, links and pastes: a control character in it (an escape
sequence, a bell, a bidi override) must never reach the terminal, where it could recolour,
move the cursor or reorder what the editor reads. Wrapping counts what a terminal shows:
colour codes take no column, wide (East Asian) characters take two.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls except tab and newline; bidi embeddings, overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
RESET = "\x1b[0m"


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on (tab, newline kept)."""
    return _CONTROLS.sub("", text)


def visible_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: colour codes none, wide characters two."""
    width = 0
    for char in _SGR.sub("", text):
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def wrap(
    text: str, width: int, first: str = "", rest: str | None = None, *, cut_long: bool = True
) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words.

    ``first`` and ``rest`` indent the first and the following lines. A word wider than a
    whole line is cut (nothing else is) unless ``cut_long`` is false (a link cut in two
    cannot be clicked: it gets a line of its own). Colour codes open on one line are closed
    at its end and opened again on the next, so the indentation is never coloured.
    """
    rest = first if rest is None else rest
    lines: list[str] = []
    line, used = first, visible_width(first)
    empty = True
    # Split on single spaces so that a double space inside a line ("¶1 = ¶2  exact") stays.
    for word in text.replace("\t", " ").replace("\n", " ").split(" "):
        if not word and empty:
            continue
        size = visible_width(word)
        if not empty and used + 1 + size > width:
            lines.append(line)
            line, used, empty = rest, visible_width(rest), True
        room = width - used - (0 if empty else 1)
        while cut_long and size > room and not _SGR.search(word) and room > 0 and empty:
            lines.append(line + word[:room])  # only a word longer than a line is cut
            word, size = word[room:], size - room
            line, used = rest, visible_width(rest)
            room = width - used
        line += word if empty else " " + word
        used += size if empty else size + 1
        empty = False
    lines.append(line)
    return _recolour([line.rstrip() for line in lines])


def _recolour(lines: list[str]) -> list[str]:
    """Close the colour open at each line's end and reopen it after the next one's indent."""
    out, active = [], ""
    for line in lines:
        if active:
            body = line.lstrip(" ")
            line = line[: len(line) - len(body)] + active + body
        for code in _SGR.findall(line):
            active = "" if code == RESET else code
        out.append(line + RESET if active else line)
    return out
