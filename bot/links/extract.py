"""Article text from an HTML page, with trafilatura."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from bot.core.errors import FetchError

NO_ARTICLE_MESSAGE = (
    "That link had no readable article text (paywall, consent page or script-only page?). "
    "Paste the text instead."
)

# Chosen on the ScrapingHub benchmark (docs/benchmarks.md, python -m
# benchmarks.extraction --variants): favor_precision with the fallback extractors kept gave the
# best F1 and the best precision. Precision matters most here: boilerplate that slips in
# ("Sign up for our newsletter") repeats across a page and shows up as false duplicates.
# Tables stay in: dropping them cost recall on pages with data tables.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
}

# Below this the page held a teaser, a consent form or a "please enable JavaScript" notice: the
# shortest real articles in the benchmark extract to about 65 words.
MIN_WORDS = 60
# A lone paragraph under this many words is a standfirst or a notice, not an article.
MIN_SINGLE_PARAGRAPH_WORDS = 120

_WORD = re.compile(r"\w+")
_BLOCKS = ("p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "td", "dd")
# trafilatura drops a block that repeats the one before it when longer than this
# (trafilatura.settings.MIN_DUPLICATE_LENGTH).
_REPEAT_MIN_CHARS = 50


@dataclass(frozen=True)
class Article:
    url: str
    """The final URL after redirects ("" when the HTML came without one)."""
    title: str | None
    text: str
    """Paragraphs separated by a blank line."""
    date: str | None = None
    author: str | None = None


def extract_article(html: str, url: str | None = None) -> Article:
    """The main text and metadata of an HTML page; FetchError when it holds no real article."""
    # Imported here: trafilatura takes a fifth of a second to import, and callers that only look
    # for links in a message should not pay for it.
    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        raise FetchError(NO_ARTICLE_MESSAGE)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)  # on a copy
    if document is None or isinstance(document, dict):
        raise FetchError(NO_ARTICLE_MESSAGE)
    title = _clean(document.title)
    paragraphs = _paragraphs(document.text or "", title)
    text = "\n\n".join(_restore_repeats(paragraphs, _source_blocks(tree)))
    require_article_text(text)
    return Article(
        url=url or "",
        title=title,
        text=text,
        date=_clean(document.date),
        author=_clean(document.author),
    )


def plain_text_article(text: str, url: str) -> Article:
    """A text/plain page taken as it is: its own blank lines already mark the paragraphs."""
    body = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not body:
        raise FetchError("That link returned an empty text file. Paste the text instead.")
    return Article(url=url, title=None, text=body)


def require_article_text(text: str) -> None:
    """Raise FetchError when an extraction is too thin to be the article."""
    words = len(_WORD.findall(text))
    paragraphs = text.count("\n\n") + 1 if text else 0
    if words < MIN_WORDS or (paragraphs <= 1 and words < MIN_SINGLE_PARAGRAPH_WORDS):
        raise FetchError(NO_ARTICLE_MESSAGE)


def _paragraphs(text: str, title: str | None) -> list[str]:
    # trafilatura puts one block (paragraph, heading, list item, <br>-separated line) per line.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # The headline is Article.title; left in the text it would be one more "paragraph" to compare.
    if lines and title and _folded(lines[0]) == _folded(title):
        lines = lines[1:]
    return lines


def _source_blocks(tree: Any) -> list[tuple[str, int]]:
    """The page's innermost text blocks in order, as (text, times repeated back to back)."""
    elements = list(tree.iter(*_BLOCKS))
    # A block holding blocks is judged by those: <blockquote><p>x</p></blockquote> is one x.
    outer = {ancestor for element in elements for ancestor in element.iterancestors(*_BLOCKS)}
    blocks: list[tuple[str, int]] = []
    for element in elements:
        if element in outer:
            continue
        text = _spaced(element.text_content())
        if blocks and text and blocks[-1][0] == text:
            blocks[-1] = (text, blocks[-1][1] + 1)
        elif text:
            blocks.append((text, 1))
    return blocks


def _restore_repeats(paragraphs: list[str], blocks: list[tuple[str, int]]) -> list[str]:
    """Put back the copies of a paragraph that the page repeats back to back.

    trafilatura drops such a copy as an extraction artefact, but for this tool a paragraph
    pasted twice is exactly the mistake to report. Extraction keeps page order, so each
    paragraph is matched to the next page block with the same text.
    """
    # Each block's positions by its text: a paragraph finds its block by a lookup, not a scan
    # (scanning made a page of 20,000 <br>-split paragraphs, none matching a block, take 17 s).
    where: dict[str, list[int]] = {}
    for index, (text, _times) in enumerate(blocks):
        where.setdefault(text, []).append(index)
    restored: list[str] = []
    position = 0
    for paragraph, kept in _runs(paragraphs):
        copies = kept
        key = _spaced(paragraph)
        indices = where.get(key, []) if len(key) > _REPEAT_MIN_CHARS else []
        found = bisect.bisect_left(indices, position)
        if found < len(indices):
            index = indices[found]
            copies = max(kept, blocks[index][1])
            position = index + 1
        restored.extend([paragraph] * copies)
    return restored


def _runs(items: list[str]) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for item in items:
        if runs and runs[-1][0] == item:
            runs[-1] = (item, runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _folded(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
