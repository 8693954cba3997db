"""The cleaned copy: each article with the groups' suggested cuts applied."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.core.analyze import Report
from bot.core.groups import cuts
from bot.core.pairs import ParagraphRef


def cleaned_documents(report: Report) -> tuple[str, ...]:
    """Each document's paragraphs minus the suggested cuts, separated by blank lines.

    Paragraphs are the checked text as segmented (markup and paste noise removed); nothing
    else is changed, so the copy can be checked again and comes back clean of repeats.
    """
    return clean_paragraphs(
        [[p.text for p in document.paragraphs] for document in report.documents],
        cuts(report.groups),
    )


def clean_paragraphs(
    documents: Sequence[Sequence[str]], cut: Collection[ParagraphRef]
) -> tuple[str, ...]:
    """Each document's paragraph texts minus ``cut``, separated by blank lines (the Slack
    buttons keep a report's paragraphs as texts, not as a Report)."""
    return tuple(
        "\n\n".join(text for k, text in enumerate(paragraphs) if ParagraphRef(d, k) not in cut)
        + "\n"
        for d, paragraphs in enumerate(documents)
    )
