"""Report -> the JSON document of the command line contract (README: JSON). Indices are 0-based."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import ParagraphRef, SentenceRef
from bot.core.seen_before import SeenBefore


def report_to_dict(report: Report) -> dict[str, Any]:
    result: dict[str, Any] = {
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
        "groups": [
            {
                "paragraphs": [_paragraph(r) for r in g.paragraphs],
                "kinds": list(g.kinds),
                "keep": _paragraph(g.keep),
                "cut": [_paragraph(r) for r in g.cut],
            }
            for g in report.groups
        ],
        "summary": list(report.summary),
        "summaries": [list(summary) for summary in report.summaries],
        "timings_ms": dict(report.timings_ms),
    }
    if report.truncated:  # a paste with more pairs than are listed (the first are kept)
        result["truncated"] = True
    if report.seen_before is not None:  # only when an archive was consulted
        result["seen_before"] = [_seen_before(s) for s in report.seen_before]
    return result


def report_to_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)


def _seen_before(seen: SeenBefore) -> dict[str, Any]:
    return {
        "paragraph": _paragraph(seen.paragraph),
        "story": {
            "id": seen.story.id,
            "source": seen.story.source,
            "title": seen.story.title,
            "checked_at": utc_timestamp(seen.story.checked_at),
        },
        "story_paragraph": seen.story_paragraph,
        "kind": seen.kind,
        "score": seen.score,
        # Named, not a/b: "paragraph" (now) and "story_paragraph" (before) are not a pair.
        "conflicts": [{"before": c.a, "now": c.b} for c in seen.conflicts],
    }


def utc_timestamp(moment: datetime) -> str:
    """2026-11-24T10:00:00Z: whole seconds, UTC, the form most tools parse."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _paragraph(ref: ParagraphRef) -> dict[str, int]:
    return {"doc": ref.doc, "paragraph": ref.paragraph}


def _sentence(ref: SentenceRef) -> dict[str, int]:
    return {"doc": ref.doc, "paragraph": ref.paragraph, "sentence": ref.sentence}


def _conflicts(conflicts: tuple[Conflict, ...]) -> list[dict[str, str]]:
    return [{"a": c.a, "b": c.b} for c in conflicts]
