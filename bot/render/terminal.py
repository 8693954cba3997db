"""Report -> a readable report for a terminal (the CLI's default output)."""

from __future__ import annotations

import textwrap
from datetime import UTC

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import ParagraphRef, SentenceRef
from bot.render.labels import KIND_WORDS, article_letter, paragraph_label, sentence_label, trim


def render_text(report: Report, width: int = 100) -> str:
    documents = len(report.documents)
    lines = [*_header(report), ""]
    if not report.pairs and not report.sentence_pairs:
        lines += ["No repeated passages found.", ""]
    for number, pair in enumerate(report.pairs, 1):
        texts = (_paragraph_text(report, pair.a), _paragraph_text(report, pair.b))
        labels = (paragraph_label(pair.a, documents), paragraph_label(pair.b, documents))
        lines += _entry(number, labels, texts, pair.kind, pair.score, pair.conflicts, width)
    if report.sentence_pairs:
        lines += ["Repeated sentences", ""]
        for number, sp in enumerate(report.sentence_pairs, 1):
            texts = (_sentence_text(report, sp.a), _sentence_text(report, sp.b))
            labels = (sentence_label(sp.a, documents), sentence_label(sp.b, documents))
            lines += _entry(number, labels, texts, sp.kind, sp.score, sp.conflicts, width)
    if report.seen_before is not None:
        lines += _seen_before(report, width)
    if report.summary:
        lines.append("Summary")
        for sentence in report.summary:
            lines += textwrap.wrap(sentence, width, initial_indent="  • ", subsequent_indent="    ")
    return "\n".join(lines).rstrip() + "\n"


def _header(report: Report) -> list[str]:
    documents = report.documents
    found = (
        f"{len(report.pairs)} repeated paragraph pair(s), {len(report.sentence_pairs)} "
        "repeated sentence(s)"
    )
    if len(documents) == 1:
        doc = documents[0]
        name = f"{doc.title} ({doc.source})" if doc.title else doc.source
        return [f"{name}: {len(doc.paragraphs)} paragraphs, {found}"]
    lines = [
        f"Article {article_letter(k)}: {d.title + ' (' + d.source + ')' if d.title else d.source}"
        f", {len(d.paragraphs)} paragraphs"
        for k, d in enumerate(documents)
    ]
    return [*lines, f"{found} (pairs across articles show what B repeats from A)"]


def _entry(
    number: int,
    labels: tuple[str, str],
    texts: tuple[str, str],
    kind: str,
    score: float,
    conflicts: tuple[Conflict, ...],
    width: int,
) -> list[str]:
    head = f"{number:>2}. {labels[0]} ↔ {labels[1]}  {KIND_WORDS[kind]}  {score:.2f}"
    if conflicts:
        head += "  differs: " + ", ".join(f"{c.a} → {c.b}" for c in conflicts)
    lines = [head]
    for label, text in zip(labels, texts, strict=True):
        lines += textwrap.wrap(
            trim(text, 3 * (width - 12)),
            width - 4,
            initial_indent=f"    {label:<8}",
            subsequent_indent=" " * 12,
        )
    return [*lines, ""]


def _seen_before(report: Report, width: int) -> list[str]:
    """Paragraphs that repeat stories checked earlier, each with the story's link and date."""
    if not report.seen_before:
        return ["Seen before: nothing here repeats a story in the archive.", ""]
    lines = ["Seen before (repeats of stories checked earlier)", ""]
    documents = len(report.documents)
    for number, seen in enumerate(report.seen_before, 1):
        story = seen.story
        when = story.checked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        where = f"from {story.title!r}, " if story.title else ""
        labels = (paragraph_label(seen.paragraph, documents), f"old ¶{seen.story_paragraph + 1}")
        texts = (_paragraph_text(report, seen.paragraph), seen.story_text)
        head, *body = _entry(number, labels, texts, seen.kind, seen.score, seen.conflicts, width)
        about = textwrap.wrap(
            f"{where}checked {when}: {story.source}",
            width - 4,
            initial_indent="    ",
            subsequent_indent="      ",
            break_long_words=False,  # a link cut in two cannot be clicked
            break_on_hyphens=False,
        )
        lines += [head, *about, *body]
    return lines


def _paragraph_text(report: Report, ref: ParagraphRef) -> str:
    return report.documents[ref.doc].paragraphs[ref.paragraph].text


def _sentence_text(report: Report, ref: SentenceRef) -> str:
    paragraph = report.documents[ref.doc].paragraphs[ref.paragraph]
    return paragraph.sentences[ref.sentence].text
