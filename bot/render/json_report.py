"""Report -> the JSON document of DESIGN.md ("Command line contract"). Indices are 0-based."""

from __future__ import annotations

import json
from typing import Any

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import ParagraphRef, SentenceRef


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "documents": [
            {"source": d.source, "title": d.title, "paragraphs": [p.text for p in d.paragraphs]}
            for d in report.documents
        ],
        "pairs": [
            {
                "a": _paragraph(p.a),
                "b": _paragraph(p.b),
                "kind": p.kind,
                "score": p.score,
                "sentences": [{"a": s.a, "b": s.b, "score": s.score} for s in p.sentences],
                "conflicts": _conflicts(p.conflicts),
            }
            for p in report.pairs
        ],
        "sentence_pairs": [
            {
                "a": _sentence(p.a),
                "b": _sentence(p.b),
                "kind": p.kind,
                "score": p.score,
                "conflicts": _conflicts(p.conflicts),
            }
            for p in report.sentence_pairs
        ],
        "summary": list(report.summary),
        "timings_ms": dict(report.timings_ms),
    }


def report_to_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)


def _paragraph(ref: ParagraphRef) -> dict[str, int]:
    return {"doc": ref.doc, "paragraph": ref.paragraph}


def _sentence(ref: SentenceRef) -> dict[str, int]:
    return {"doc": ref.doc, "paragraph": ref.paragraph, "sentence": ref.sentence}


def _conflicts(conflicts: tuple[Conflict, ...]) -> list[dict[str, str]]:
    return [{"a": c.a, "b": c.b} for c in conflicts]
