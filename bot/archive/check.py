"""Check an article against the archive, then keep it there: the one path the CLI and the
Slack bot share for "seen before"."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import replace

from bot.archive.base import LOCAL_TEAM, Archive, ArchiveError, NewStory
from bot.core.analyze import Analyzer, Report
from bot.core.errors import CheckdupesError
from bot.core.lexical import normalize
from bot.core.pairs import Passage
from bot.core.seen_before import NEIGHBOURS, search_archive
from bot.core.segment import Document
from bot.core.timing import ms

log = logging.getLogger("bot.archive")

_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def story_link(document: Document) -> str:
    """The link a document is archived (and forgotten) under.

    A URL or other link is used as it is. Text with no link of its own ("stdin", a pasted
    message whose permalink the caller did not pass) gets one from its content, so
    re-checking the same text replaces it, and two different pastes never do.
    """
    if _HAS_SCHEME.match(document.source):
        return document.source
    digest = hashlib.sha256(normalize(document.text).encode()).hexdigest()[:16]
    return f"text:{digest}"


def check_with_archive(
    analyzer: Analyzer,
    documents: Sequence[Document],
    archive: Archive | None,
    *,
    team: str = LOCAL_TEAM,
    channel: str | None = None,
    links: Sequence[str] | None = None,
    private: bool = False,
    best_effort: bool = False,
    asked_by: str | None = None,
) -> Report:
    """Analyze `documents`; with an archive, add "seen before" and then archive them.

    links: each document's source link (a Slack permalink for pasted text); by default
    story_link(document). The documents are never matched against their own earlier copies,
    and are kept only where the channel has archiving on.
    channel: where they were checked; they are compared with public stories and with the
    private stories of this channel (None: public stories only).
    private: the channel is private (a private channel, a group DM, a DM): the documents are
    kept for later checks in this channel only.
    best_effort: an archive failure (database down) logs a warning and the report comes
    without "seen before" instead of failing (the bot); otherwise it raises ArchiveError.
    asked_by: who asked for the check (a Slack user id), kept with the story: who may
    forget it besides an admin.
    """
    if archive is None:
        return analyzer.analyze(documents)
    analyzer.check(documents)
    links = list(links) if links is not None else [story_link(d) for d in documents]
    if len(links) != len(documents):
        raise ValueError("give one link per document")
    started = time.perf_counter()
    passages = analyzer.embed(documents)
    embedded = time.perf_counter()
    report = analyzer.analyze(documents, passages=passages)
    analyzed = time.perf_counter()
    try:
        archive.prune()
        seen = search_archive(
            archive, team, passages, analyzer.rules, k=NEIGHBOURS, exclude_sources=links,
            channel=channel,
        )
        if channel is None or archive.channel_archiving(team, channel):
            for document, link, own in zip(
                documents, links, _by_document(passages, len(documents)), strict=True
            ):
                archive.add(team, NewStory(link, document.title, own, channel, private, asked_by))
    except Exception as error:  # only archive work is in here: the analysis is done
        if not best_effort:
            if isinstance(error, CheckdupesError):
                raise
            raise ArchiveError(f"the archive failed: {_one_line(error)}") from error
        log.warning("event=archive_failed team=%s error=%s", team, type(error).__name__,
                    exc_info=True)
        return report
    done = time.perf_counter()
    timings = dict(report.timings_ms)
    timings.update(
        embed=ms(embedded - started),
        archive=ms(done - analyzed),
        total=ms(done - started),
    )
    return replace(report, seen_before=tuple(seen), timings_ms=timings)


def message_links(documents: Sequence[Document], permalink: str | None) -> list[str]:
    """Links for documents read from one Slack message: a fetched article keeps its URL; text
    from the message (or its snippet files) is known by the message's permalink, with #2, #3
    for a second and third article in it; with no permalink, by its content (story_link)."""
    links, texts = [], 0
    for document in documents:
        if document.source.startswith(("http://", "https://")) or not permalink:
            links.append(story_link(document))
            continue
        texts += 1
        links.append(permalink if texts == 1 else f"{permalink}#{texts}")
    return links


def archive_documents(
    analyzer: Analyzer,
    documents: Sequence[Document],
    archive: Archive,
    *,
    team: str = LOCAL_TEAM,
    channel: str | None = None,
    links: Sequence[str] | None = None,
) -> list[str]:
    """Keep documents without reporting on them (`checkdupes archive add`); return their ids."""
    links = list(links) if links is not None else [story_link(d) for d in documents]
    passages = analyzer.embed(documents)
    return [
        archive.add(team, NewStory(link, document.title, own, channel))
        for document, link, own in zip(
            documents, links, _by_document(passages, len(documents)), strict=True
        )
    ]


def _by_document(passages: Sequence[Passage], count: int) -> list[list[Passage]]:
    grouped: list[list[Passage]] = [[] for _ in range(count)]
    for passage in passages:
        grouped[passage.ref.doc].append(passage)
    return grouped


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__

