"""The cleaned copy: each article with the groups' suggested cuts applied."""

from __future__ import annotations

from bot.core.analyze import Report
from bot.core.groups import cuts
from bot.core.pairs import ParagraphRef


def cleaned_documents(report: Report) -> tuple[str, ...]:
    """Each document's paragraphs minus the suggested cuts, separated by blank lines.

    Paragraphs are the checked text as segmented (markup and paste noise removed); nothing
    else is changed, so the copy can be checked again and comes back clean of repeats.
    """
    cut = cuts(report.groups)
    return tuple(
        "\n\n".join(
            paragraph.text
            for k, paragraph in enumerate(document.paragraphs)
            if ParagraphRef(d, k) not in cut
        )
        + "\n"
        for d, document in enumerate(report.documents)
    )
