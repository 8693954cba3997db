"""Word-level differences between two passages, for any renderer (terminal, Slack, JSON).

A passage comes back as segments ``(text, kind)`` whose texts, joined, give the passage
again: ``same`` text, ``removed`` (only in the first passage), ``added`` (only in the
second), ``conflict`` (a differing fact). Renderers choose how to mark each kind (colour,
``[-removed-]{+added+}``, Slack's ``~strike~`` / ``*bold*``); nothing here knows about them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

SegmentKind = Literal["same", "removed", "added", "conflict"]


class Segment(NamedTuple):
    text: str
    kind: SegmentKind


# A word with its following whitespace; punctuation is a word of its own, so "15," vs "11,"
# differs in the number only.
_UNIT = re.compile(r"(\w+(?:['’.,-]\w+)*|[^\w\s]|\s+)(\s*)")


def word_diff(a: str, b: str) -> tuple[Segment, ...]:
    """How ``b`` differs from ``a``, word by word: one sequence that reads as both.

    Case counts ("The" vs "the" is an edit an editor may want to see); spacing does not.
    """
    units_a, units_b = _units(a), _units(b)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in _opcodes(units_a, units_b):
        if op == "equal":
            segments.append(Segment(_join(units_b[j1:j2]), "same"))
            continue
        if j1 == j2 and i1 > 0 and units_a[i1 - 1][1] and not _ends_in_space(segments):
            segments.append(Segment(" ", "same"))  # "Monday [-night-], police"
        # The space after a changed run stays outside its marker: "[-11-]{+15+} people".
        space = ""
        for text, kind in _changes(units_a[i1:i2], units_b[j1:j2]):
            space = text[len(text.rstrip()) :]
            segments.append(Segment(text.rstrip(), kind))
        segments.append(Segment(space, "same"))
    return _merged(segments)


def sides(a: str, b: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two passages, each with its own changed words marked (side-by-side display):
    ``removed`` in the first, ``added`` in the second."""
    units_a, units_b = _units(a), _units(b)
    first: list[Segment] = []
    second: list[Segment] = []
    for op, i1, i2, j1, j2 in _opcodes(units_a, units_b):
        if op == "equal":
            first.append(Segment(_join(units_a[i1:i2]), "same"))
            second.append(Segment(_join(units_b[j1:j2]), "same"))
            continue
        for text, kind in _changes(units_a[i1:i2], units_b[j1:j2]):
            out = first if kind == "removed" else second
            out += [Segment(text.rstrip(), kind), Segment(text[len(text.rstrip()) :], "same")]
    return _merged(first), _merged(second)


def mark_values(text: str, values: Iterable[str]) -> tuple[Segment, ...]:
    """``text`` with every whole-word occurrence of each value marked ``conflict``."""
    patterns = [_value_pattern(v) for v in dict.fromkeys(values) if v.strip()]
    if not patterns:
        return (Segment(text, "same"),)
    found = re.compile("|".join(f"(?:{p})" for p in patterns))
    segments: list[Segment] = []
    at = 0
    for match in found.finditer(text):
        if match.start() == match.end():
            continue
        segments += [Segment(text[at : match.start()], "same"), Segment(match[0], "conflict")]
        at = match.end()
    segments.append(Segment(text[at:], "same"))
    return _merged(segments)


def changed(segments: Sequence[Segment]) -> bool:
    return any(s.kind != "same" for s in segments)


def window(segments: Sequence[Segment], limit: int) -> tuple[Segment, ...]:
    """At most about ``limit`` characters that include the first difference.

    The cut falls between words and is marked with "…"; a passage that fits comes back whole.
    """
    total = sum(len(s.text) for s in segments)
    if total <= limit:
        return tuple(segments)
    first = 0
    for segment in segments:
        if segment.kind != "same":
            break
        first += len(segment.text)
    else:
        first = 0
    # Some context before the first difference, and as much after it as the limit allows.
    start = 0 if first < limit // 2 else min(first - limit // 3, total - limit)
    start = _word_start(segments, start)
    end = _word_end(segments, start + limit)
    cut = _slice(segments, start, end)
    if start > 0:
        cut = [Segment("…", "same"), *cut]
    if end < total:
        cut = [*cut, Segment("…", "same")]
    return _merged(cut)


def plain(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments)


def _changes(
    removed: Sequence[tuple[str, str]], added: Sequence[tuple[str, str]]
) -> list[tuple[str, SegmentKind]]:
    changes: list[tuple[str, SegmentKind]] = []
    if removed:
        changes.append((_join(removed), "removed"))
    if added:
        changes.append((_join(added), "added"))
    return changes


def _opcodes(
    units_a: Sequence[tuple[str, str]], units_b: Sequence[tuple[str, str]]
) -> Sequence[tuple[str, int, int, int, int]]:
    words_a = [word for word, _ in units_a]
    words_b = [word for word, _ in units_b]
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes()


def _ends_in_space(segments: Sequence[Segment]) -> bool:
    return not segments or segments[-1].text[-1:].isspace()


def _units(text: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in _UNIT.finditer(text) if not m[1].isspace()]


def _join(units: Sequence[tuple[str, str]]) -> str:
    return "".join(word + space for word, space in units)


def _value_pattern(value: str) -> str:
    words = [re.escape(w) for w in value.split()]
    body = r"\s+".join(words)
    head = r"(?<!\w)" if value[:1].isalnum() else ""
    tail = r"(?!\w)" if value[-1:].isalnum() else ""
    return head + body + tail


def _merged(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if out and out[-1].kind == segment.kind:
            out[-1] = Segment(out[-1].text + segment.text, segment.kind)
        else:
            out.append(segment)
    return tuple(out)


def _word_start(segments: Sequence[Segment], at: int) -> int:
    """The offset of the word start at or after ``at`` (not inside a word)."""
    text = plain(segments)
    at = max(0, at)
    while 0 < at < len(text) and not text[at - 1].isspace():
        at += 1
    return at


def _word_end(segments: Sequence[Segment], at: int) -> int:
    """The offset of the word end at or before ``at`` (a word longer than that is cut)."""
    text = plain(segments)
    if at >= len(text):
        return len(text)
    back = at
    while back > 0 and not text[back].isspace():
        back -= 1
    return back if back > 0 else at


def _slice(segments: Sequence[Segment], start: int, end: int) -> list[Segment]:
    out, at = [], 0
    for segment in segments:
        lo, hi = at, at + len(segment.text)
        at = hi
        if hi <= start or lo >= end:
            continue
        out.append(Segment(segment.text[max(start, lo) - lo : min(end, hi) - lo], segment.kind))
    return out
