"""Where documents come from: pasted text (one or two articles) and links.

The CLI and every Slack entry point turn what the user sent into Documents here, so a
paste, a file and a link are checked the same way.
"""

from __future__ import annotations

import re
from typing import Protocol

from bot.core.segment import Document, segment

# A line holding only dashes separates two pasted articles ("compare these two").
_ARTICLE_SEPARATOR = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)


class ArticleFetcher(Protocol):
    def fetch_article(self, url: str) -> _Article: ...


class _Article(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...


def split_articles(text: str) -> list[str]:
    """One pasted text, or two articles separated by a line of dashes (non-empty parts only)."""
    return [part for part in _ARTICLE_SEPARATOR.split(text) if part.strip()] or [text]


def documents_from_text(text: str, source: str) -> list[Document]:
    parts = split_articles(text)
    if len(parts) == 1:
        return [segment(parts[0], source=source)]
    return [segment(part, source=f"{source} (article {k})") for k, part in enumerate(parts, 1)]


def document_from_url(url: str, fetcher: ArticleFetcher) -> Document:
    article = fetcher.fetch_article(url)
    return segment(article.text, source=article.url, title=article.title)
