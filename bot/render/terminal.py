"""Report -> a readable report for a terminal (the CLI's default output).

It is written for the editor who acts on it: one entry per group of paragraphs that say the
same thing ("¶1 = ¶14 = ¶27"), what to cut and what to keep, the kind in words before the
score, and the words that differ marked. Everything is wrapped to the width given, article
text is stripped of control characters, and the number of entries is capped unless asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.groups import Group
from bot.core.pairs import Kind, Pair, ParagraphRef, SentenceRef
from bot.core.segment import Document
from bot.render.diff import Segment, mark_values, window, word_diff
from bot.render.labels import (
    KIND_PLAIN,
    KIND_WORDS,
    article_letter,
    labels_list,
    paragraph_label,
    sentence_label,
)
from bot.render.wrap import RESET, printable, wrap

MAX_ENTRIES = 50  # groups, sentence pairs and seen-before entries printed without --all
MAX_MEMBERS = 10  # paragraphs of one group shown one by one without --all
CONFLICT = "≠"  # marks what an editor must decide (never ⚠️: that is the bot's failure)
_INDENT = "    "

_COLOURS = {"removed": "\x1b[31;9m", "added": "\x1b[32;1m", "conflict": "\x1b[33;1;7m"}
_MARKERS = {"removed": ("[-", "-]"), "added": ("{+", "+}"), "conflict": ("«", "»")}
# The order in which the pair that explains a paragraph is chosen: the plainest relation.
_PREFERENCE: tuple[Kind, ...] = ("exact", "near_verbatim", "conflicting", "paraphrase")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Options:
    width: int = 80
    color: bool = False  # ANSI colour for the differences, else plain markers
    full: bool = False  # whole passages instead of a few lines around the differences
    show_all: bool = False  # no cap on entries


def render_text(
    report: Report,
    width: int = 100,
    *,
    color: bool = False,
    full: bool = False,
    show_all: bool = False,
) -> str:
    options = Options(max(width, 30), color, full, show_all)
    return _Renderer(report, options).render()


class _Renderer:
    def __init__(self, report: Report, options: Options) -> None:
        self.report = report
        self.options = options
        self.width = options.width
        self.documents = len(report.documents)

    def render(self) -> str:
        report = self.report
        lines = [*self._header(), ""]
        shown = self._capped(report.groups)
        for number, group in enumerate(shown, 1):
            lines += self._group(number, group)
        lines += self._more(len(report.groups) - len(shown), "group")
        if report.sentence_pairs:
            lines += self._sentence_pairs()
        if report.seen_before is not None:
            lines += self._seen_before()
        lines += self._summaries()
        return "\n".join(lines).rstrip() + "\n"

    # The top: what was checked and what to do about it.

    def _header(self) -> list[str]:
        documents = self.report.documents
        if len(documents) == 1:
            lines = self._wrap(f"{_name(documents[0])}: {len(documents[0].paragraphs)} paragraphs")
        else:
            lines = []
            for k, doc in enumerate(documents):
                about = f"{_name(doc)}, {len(doc.paragraphs)} paragraphs"
                lines += self._wrap(f"Article {article_letter(k)}: {about}", "", "  ")
        return lines + self._wrap(self._verdict())

    def _verdict(self) -> str:
        groups = self.report.groups
        cut = sum(len(g.cut) for g in groups)
        decide = sum(1 for g in groups if g.conflicting)
        sentences = len(self.report.sentence_pairs)
        if not groups and not sentences:
            return "No repeated passages found."
        parts = [f"{_count(len(groups), 'group')} of paragraphs that say the same thing"]
        if groups:
            parts[0] += f": cut {_count(cut, 'paragraph')}"
            if decide:
                parts[0] += f", decide {_count(decide, 'conflict')}"
        parts.append(f"{_count(sentences, 'repeated sentence')} elsewhere")
        verdict = "; ".join(parts) + "."
        if self.documents > 1:
            verdict += " Across articles: what B repeats from A."
        return verdict

    # Groups.

    def _group(self, number: int, group: Group) -> list[str]:
        labels = [self._label(ref) for ref in group.paragraphs]
        symbol = "=" if group.kinds == ("exact",) else CONFLICT if _is_pair_conflict(group) else "≈"
        shown = labels if self.options.show_all or len(labels) <= 12 else labels[:12] + ["…"]
        head = f" {symbol} ".join(shown)
        if len(shown) < len(labels):
            head += f" ({len(labels)} paragraphs)"
        # Words first; the technical name and the score are for those who want them.
        if len(group.pairs) == 1 and group.kinds != ("exact",):
            [kind] = group.kinds
            score = group.pairs[0].score
            kinds = f"{KIND_PLAIN[kind]} ({KIND_WORDS[kind]}, similarity {score:.2f})"
        else:
            kinds = "; ".join(f"{KIND_PLAIN[k]} ({KIND_WORDS[k]})" for k in group.kinds)
        lines = self._wrap(f"{head}  {kinds}", f"{number:>2}. ", _INDENT)
        lines += self._wrap(self._action(group), _INDENT, _INDENT)
        lines += self._members(group)
        return [*lines, ""]

    def _action(self, group: Group) -> str:
        parts = []
        if group.cut:
            cut = self._labels(group.cut)
            parts.append(f"Cut {cut}; keep {self._label(group.keep)}.")
        if group.conflicting:
            disputed = sorted(
                {ref for p in group.pairs if p.kind == "conflicting" for ref in (p.a, p.b)}
            )
            values = ", ".join(
                dict.fromkeys(
                    f"{c.a} → {c.b}" for p in group.pairs if p.kind == "conflicting"
                    for c in p.conflicts
                )
            )
            none = "neither is cut" if len(disputed) == 2 else "none of them is cut"
            parts.append(
                f"{CONFLICT} {labels_list([self._label(r) for r in disputed])} disagree on the "
                f"facts ({values}): decide which is right; {none}."
            )
        return " ".join(parts)

    def _members(self, group: Group) -> list[str]:
        keep = group.keep
        conflicts_of_keep = [
            c
            for p in group.pairs
            if p.kind == "conflicting" and keep in (p.a, p.b)
            for c in _facing(p, keep)
        ]
        text = self._paragraph(keep)
        lines = self._passage(self._label(keep), mark_values(text, conflicts_of_keep))
        others = [ref for ref in group.paragraphs if ref != keep]
        limit = len(others) if self.options.show_all else MAX_MEMBERS
        for ref in others[:limit]:
            lines += self._member(ref, group)
        if len(others) > limit:
            lines += self._wrap(
                f"… and {_count(len(others) - limit, 'more paragraph')} (--all to show)",
                _INDENT,
            )
        return lines

    def _member(self, ref: ParagraphRef, group: Group) -> list[str]:
        """One paragraph of a group, said through its plainest relation to another one."""
        pair = _explaining_pair(ref, group.pairs)
        other = pair.a if pair.b == ref else pair.b
        return self._relation(
            (self._label(other), self._paragraph(other)),
            (self._label(ref), self._paragraph(ref)),
            pair.kind,
            pair.score,
            pair.conflicts if pair.b == ref else tuple(Conflict(c.b, c.a) for c in pair.conflicts),
            show_first=other != group.keep and pair.kind == "conflicting",
            terse=len(group.pairs) == 1,  # the heading already says how the two relate
        )

    def _relation(
        self,
        first: tuple[str, str],
        second: tuple[str, str],
        kind: Kind,
        score: float,
        conflicts: Sequence[Conflict],
        *,
        show_first: bool,
        terse: bool = False,
    ) -> list[str]:
        """How ``second`` repeats ``first``: once for a copy, its changes marked otherwise.

        ``terse``: the passage only, its differences marked, without saying the relation."""
        (label_a, text_a), (label_b, text_b) = first, second
        if kind == "exact":
            return self._wrap(f"same wording as {label_a}", _column(label_b), _hang(label_b))
        if terse:
            if kind == "near_verbatim":
                return self._passage(label_b, word_diff(text_a, text_b))
            if kind == "conflicting":
                return self._passage(label_b, mark_values(text_b, [c.b for c in conflicts]))
            return self._passage(label_b, (Segment(text_b, "same"),))
        if kind == "near_verbatim":
            about = f"{label_a} with a few words changed (similarity {score:.2f}):"
            lines = self._wrap(about, _column(label_b), _hang(label_b))
            return lines + self._segments(word_diff(text_a, text_b), _hang(label_b))
        if kind == "conflicting":
            values = ", ".join(f"{c.a} → {c.b}" for c in conflicts)
            about = (
                f"{CONFLICT} same claim as {label_a}, different facts: {values} "
                f"(similarity {score:.2f})"
            )
            lines = self._wrap(about, _column(label_b), _hang(label_b))
            if show_first:
                lines += self._passage(label_a, mark_values(text_a, [c.a for c in conflicts]))
            return lines + self._segments(
                mark_values(text_b, [c.b for c in conflicts]), _hang(label_b)
            )
        about = f"same content as {label_a}, other words (similarity {score:.2f}):"
        lines = self._wrap(about, _column(label_b), _hang(label_b))
        return lines + self._segments((Segment(text_b, "same"),), _hang(label_b))

    # Lone sentences, seen before, summaries.

    def _sentence_pairs(self) -> list[str]:
        pairs = self.report.sentence_pairs
        shown = self._capped(pairs)
        lines = ["Repeated sentences (in paragraphs that are not repeats as a whole)", ""]
        for number, sp in enumerate(shown, 1):
            labels = (sentence_label(sp.a, self.documents), sentence_label(sp.b, self.documents))
            head = f"{labels[0]} ↔ {labels[1]}  {KIND_PLAIN[sp.kind]}"
            if sp.kind != "exact":
                head += f" (similarity {sp.score:.2f})"
            lines += self._wrap(head, f"{number:>2}. ", _INDENT)
            texts = (self._sentence(sp.a), self._sentence(sp.b))
            lines += self._passage(labels[0], mark_values(texts[0], [c.a for c in sp.conflicts]))
            lines += self._relation(
                (labels[0], texts[0]), (labels[1], texts[1]), sp.kind, sp.score, sp.conflicts,
                show_first=False,
            )
            lines.append("")
        return lines + self._more(len(pairs) - len(shown), "sentence pair")

    def _seen_before(self) -> list[str]:
        """Paragraphs that repeat stories checked earlier, each with the story's link and date."""
        seen_before = self.report.seen_before or ()
        if not seen_before:
            return ["Seen before: nothing here repeats a story in the archive.", ""]
        lines = ["Seen before (repeats of stories checked earlier)", ""]
        shown = self._capped(seen_before)
        for number, seen in enumerate(shown, 1):
            story = seen.story
            when = story.checked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            where = f"from {printable(story.title)!r}, " if story.title else ""
            label, old = self._label(seen.paragraph), f"old ¶{seen.story_paragraph + 1}"
            head = f"{label} ↔ {old}  {KIND_PLAIN[seen.kind]} ({KIND_WORDS[seen.kind]}"
            head += ")" if seen.kind == "exact" else f", similarity {seen.score:.2f})"
            if seen.conflicts:
                head += f"  {CONFLICT} " + ", ".join(f"{c.a} → {c.b}" for c in seen.conflicts)
            lines += self._wrap(head, f"{number:>2}. ", _INDENT)
            about = printable(f"{where}checked {when}: {story.source}")
            lines += wrap(about, self.width, _INDENT, "      ", cut_long=False)
            lines += self._passage(label, (Segment(self._paragraph(seen.paragraph), "same"),))
            lines += self._passage(old, (Segment(seen.story_text, "same"),))
            lines.append("")
        return lines + self._more(len(seen_before) - len(shown), "seen-before entry")

    def _summaries(self) -> list[str]:
        summaries = self.report.summaries or (self.report.summary,)
        lines: list[str] = []
        for k, summary in enumerate(summaries):
            if not summary:
                continue
            title = "Summary" if len(summaries) == 1 else f"Summary of article {article_letter(k)}"
            lines.append(title)
            for sentence in summary:
                lines += self._wrap(sentence, "  • ", _INDENT)
            lines.append("")
        return lines

    # Pieces.

    def _capped(self, items: Sequence[_T]) -> Sequence[_T]:
        return items if self.options.show_all else items[:MAX_ENTRIES]

    def _more(self, hidden: int, what: str) -> list[str]:
        if hidden <= 0:
            return []
        plural = "s" if hidden > 1 else ""
        return [*self._wrap(f"… {hidden} more {what}{plural} (--all to show)"), ""]

    def _passage(self, label: str, segments: Sequence[Segment]) -> list[str]:
        return self._segments(segments, _column(label), _hang(label))

    def _segments(
        self, segments: Sequence[Segment], first: str, rest: str | None = None
    ) -> list[str]:
        rest = first if rest is None else rest
        if not self.options.full:
            # About three lines: enough to recognise the passage, with its first difference.
            segments = window(segments, 3 * (self.width - len(rest)) * 9 // 10)
        return wrap(self._styled(segments), self.width, first, rest)

    def _styled(self, segments: Iterable[Segment]) -> str:
        out = []
        for segment in segments:
            text = printable(segment.text)
            if segment.kind == "same":
                out.append(text)
            elif self.options.color:
                out.append(
                    " ".join(f"{_COLOURS[segment.kind]}{w}{RESET}" for w in text.split(" "))
                )
            else:
                opening, closing = _MARKERS[segment.kind]
                out.append(f"{opening}{text}{closing}")
        return "".join(out)

    def _wrap(self, text: str, first: str = "", rest: str | None = None) -> list[str]:
        return wrap(printable(text), self.width, first, rest)

    def _label(self, ref: ParagraphRef) -> str:
        return paragraph_label(ref, self.documents)

    def _labels(self, refs: Sequence[ParagraphRef]) -> str:
        labels = [self._label(r) for r in refs]
        if not self.options.show_all and len(labels) > 12:
            return ", ".join(labels[:12]) + f" … ({len(labels)} paragraphs; --clean cuts them)"
        return ", ".join(labels)

    def _paragraph(self, ref: ParagraphRef) -> str:
        return self.report.documents[ref.doc].paragraphs[ref.paragraph].text

    def _sentence(self, ref: SentenceRef) -> str:
        paragraph = self.report.documents[ref.doc].paragraphs[ref.paragraph]
        return paragraph.sentences[ref.sentence].text


def _explaining_pair(ref: ParagraphRef, pairs: Sequence[Pair]) -> Pair:
    """The pair that best explains ``ref``: with an earlier paragraph, the plainest kind."""
    touching = [p for p in pairs if ref in (p.a, p.b)]
    return min(touching, key=lambda p: (p.b != ref, _PREFERENCE.index(p.kind), p.a, p.b))


def _facing(pair: Pair, ref: ParagraphRef) -> list[str]:
    """The conflicting values as ``ref``'s side of ``pair`` states them."""
    return [c.a if pair.a == ref else c.b for c in pair.conflicts]


def _is_pair_conflict(group: Group) -> bool:
    return len(group.paragraphs) == 2 and group.conflicting


def _column(label: str) -> str:
    return f"{_INDENT}{label:<6}"


def _hang(label: str) -> str:
    return " " * len(_column(label))


def _name(doc: Document) -> str:
    return printable(f"{doc.title} ({doc.source})" if doc.title else doc.source)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
