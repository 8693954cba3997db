"""How people see positions: 1-based paragraph numbers, with the article letter when two."""

from __future__ import annotations

from bot.core.pairs import ParagraphRef, SentenceRef

KIND_WORDS = {
    "exact": "exact repeat",
    "near_verbatim": "near-verbatim copy",
    "paraphrase": "paraphrase",
    "conflicting": "conflicting facts",
}

# What each kind means to an editor, said first; the technical name comes second, if at all.
KIND_PLAIN = {
    "exact": "same wording",
    "near_verbatim": "same wording, a few words changed",
    "paraphrase": "same content, other words",
    "conflicting": "same claim, different facts",
}


def article_letter(doc: int) -> str:
    return "AB"[doc] if doc < 2 else str(doc + 1)


def paragraph_label(ref: ParagraphRef | SentenceRef, documents: int) -> str:
    """ "¶3" for one article; "A¶3" / "B¶1" when two are compared."""
    prefix = article_letter(ref.doc) if documents > 1 else ""
    return f"{prefix}¶{ref.paragraph + 1}"


def labels_list(labels: list[str]) -> str:
    """ "¶14", "¶14 and ¶27", "¶2, ¶14 and ¶27": a list as a sentence says it."""
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def sentence_label(ref: SentenceRef, documents: int) -> str:
    return f"{paragraph_label(ref, documents)} s{ref.sentence + 1}"


def trim(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, so a quote never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
