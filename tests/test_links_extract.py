"""Extraction and decoding without a network: extract_article, charsets, the cache, the metric."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from bot.core.cache import TTLCache
from bot.core.errors import FetchError, UnsupportedInput
from bot.links import Article, extract_article
from bot.links.content import Kind, classify, decode, sniff
from bot.links.extract import _restore_repeats, require_article_text

SCRAPINGHUB = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "scrapinghub"
)

PARAGRAPH = (
    "The harbour authority said on Monday that the new container terminal would open in spring, "
    "two years later than planned, after a dispute with the builders over the cost of dredging."
)


def html(*paragraphs: str, head: str = "<title>Harbour delay</title>") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    article = f"<article><h1>Harbour delay</h1>{body}</article>"
    return f"<html><head>{head}</head><body>{article}</body></html>"


def test_extract_article_keeps_paragraphs_and_drops_the_repeated_headline() -> None:
    article = extract_article(
        html(PARAGRAPH, PARAGRAPH.replace("Monday", "Tuesday")), "https://x.example/a"
    )
    assert article == Article(
        url="https://x.example/a",
        title="Harbour delay",
        text=PARAGRAPH + "\n\n" + PARAGRAPH.replace("Monday", "Tuesday"),
    )


def test_extract_article_without_url() -> None:
    assert extract_article(html(PARAGRAPH, PARAGRAPH)).url == ""


def test_line_breaks_become_paragraphs() -> None:
    page = (
        f"<html><body><div class='story'>{PARAGRAPH}<br><br>{PARAGRAPH.upper()}</div></body></html>"
    )
    assert extract_article(page).text.split("\n\n") == [PARAGRAPH, PARAGRAPH.upper()]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Too short to be an article.",
        "word " * 59,  # under 60 words
        "word " * 100,  # one paragraph under 120 words: a standfirst or a notice
    ],
)
def test_thin_text_is_not_an_article(text: str) -> None:
    with pytest.raises(FetchError, match="no readable article text"):
        require_article_text(text.strip())


@pytest.mark.parametrize("text", ["word " * 130, ("word " * 30 + "\n\n") * 3])
def test_enough_text_is_an_article(text: str) -> None:
    require_article_text(text.strip())


def test_no_article_message_is_one_friendly_line() -> None:
    with pytest.raises(FetchError) as caught:
        extract_article("<html><body><script>app()</script></body></html>")
    message = str(caught.value)
    assert "\n" not in message and message.endswith("Paste the text instead.")


# --- content types and charsets ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("text/html", "html"),
        ("TEXT/HTML; charset=UTF-8", "html"),
        ("application/xhtml+xml", "html"),
        ("text/plain; charset=us-ascii", "text"),
        (None, None),
        ("", None),
    ],
)
def test_classify(header: str | None, kind: str | None) -> None:
    assert classify(header) == kind


@pytest.mark.parametrize(
    ("header", "what"),
    [
        ("application/pdf", "a PDF"),
        ("image/jpeg", "an image"),
        ("video/mp4", "a video"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word"),
        ("text/csv", "text/csv"),
    ],
)
def test_classify_refuses_what_it_cannot_read(header: str, what: str) -> None:
    with pytest.raises(UnsupportedInput, match=what) as caught:
        classify(header)
    assert str(caught.value).endswith("Paste the text instead.")


def test_sniff() -> None:
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b"<div>fragment</div><html>") == "html"
    assert sniff(b"Just some notes.\n\nMore.") == "text"
    with pytest.raises(UnsupportedInput, match="an image"):
        sniff(b"\xff\xd8\xff\xe0JFIF")


@pytest.mark.parametrize(
    ("body", "header", "kind", "expected"),
    [
        ("café".encode(), "text/html; charset=utf-8", "html", "café"),
        ("café “q”".encode("cp1252"), "text/html; charset=ISO-8859-1", "html", "café “q”"),
        (b'<meta charset="koi8-r">' + "мир".encode("koi8_r"), "text/html", "html", "мир"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
            + "東京".encode("shift_jis"),
            None,
            "html",
            "東京",
        ),
        ("мир".encode("cp1251"), 'text/html; charset="windows-1251"', "html", "мир"),
        (codecs.BOM_UTF8 + "café".encode(), "text/html; charset=cp1252", "html", "café"),
        (codecs.BOM_UTF16_LE + "café".encode("utf-16-le"), None, "text", "café"),
        (b"caf\xe9", "text/plain", "text", "caf\ufffd"),  # undeclared, not UTF-8: replaced
        ("café".encode(), "text/plain; charset=bogus", "text", "café"),
        # a <meta> charset counts for HTML only
        (
            b'<meta charset="koi8-r"> caf\xc3\xa9',
            "text/plain",
            "text",
            '<meta charset="koi8-r"> café',
        ),
    ],
)
def test_decode(body: bytes, header: str | None, kind: Kind, expected: str) -> None:
    assert decode(body, header, kind).endswith(expected)


# --- cache ------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cache_expires_entries() -> None:
    clock = Clock()
    cache: TTLCache[str, int] = TTLCache(10, 4, clock=clock)
    cache.put("a", 1)
    clock.now = 9.9
    assert cache.get("a") == 1
    clock.now = 10.0
    assert cache.get("a") is None
    assert len(cache) == 0


def test_cache_drops_the_least_recently_used() -> None:
    cache: TTLCache[str, int] = TTLCache(60, 2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


# --- the benchmark's metric -------------------------------------------------------------------


def test_benchmark_metric_reproduces_the_published_trafilatura_score() -> None:
    if not (SCRAPINGHUB / "baselines" / "trafilatura.json.gz").exists():
        pytest.skip(f"ScrapingHub benchmark data absent: expected it under {SCRAPINGHUB}")
    from benchmarks.extraction import load_pages, scores, stored_baseline

    truth, _pages = load_pages(SCRAPINGHUB)
    result = stored_baseline(SCRAPINGHUB / "baselines" / "trafilatura.json.gz", truth)
    precision, recall, f1 = scores(result.counts.values())
    assert (round(precision, 3), round(recall, 3), round(f1, 3)) == (0.938, 0.978, 0.958)


def test_a_paragraph_repeated_back_to_back_stays_repeated() -> None:
    # trafilatura drops the second of two identical adjacent blocks; a duplicate checker must
    # see both.
    other = PARAGRAPH.replace("harbour", "airport").replace("dredging", "the runway")
    page = html(PARAGRAPH, PARAGRAPH, other, other, other, PARAGRAPH)
    assert extract_article(page).text.split("\n\n") == [
        PARAGRAPH, PARAGRAPH, other, other, other, PARAGRAPH
    ]  # fmt: skip


def test_nested_blocks_are_not_mistaken_for_repeats() -> None:
    quote = f"<blockquote><p>{PARAGRAPH}</p></blockquote>"
    page = f"<html><body><article>{quote}<p>{PARAGRAPH.upper()}</p></article></body></html>"
    assert extract_article(page).text.split("\n\n") == [PARAGRAPH, PARAGRAPH.upper()]


def test_restoring_repeats_takes_linear_time() -> None:
    # <br>-split paragraphs match no page block, the restorer's worst case: 20,000 of them took
    # 17 s when each one scanned the blocks after the last match.
    count = 20_000
    paragraphs = [
        f"Line {i} of the story, long enough to be looked for among the blocks."
        for i in range(count)
    ]
    blocks = [
        (f"Block {i} of the page, which holds two of those lines joined.", 1) for i in range(count)
    ]
    start = time.monotonic()
    assert _restore_repeats(paragraphs, blocks) == paragraphs
    assert time.monotonic() - start < 2


def test_repeats_are_restored_in_page_order() -> None:
    first, second = PARAGRAPH, PARAGRAPH.replace("Monday", "Tuesday")
    blocks = [(first, 2), (second, 1), (first, 3)]
    # The second "first" matches the later run of three, after "second", not the run of two.
    assert _restore_repeats([first, second, first], blocks) == [first] * 2 + [second] + [first] * 3
    assert _restore_repeats([second, first], blocks) == [second] + [first] * 3
