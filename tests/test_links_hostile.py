"""LinkFetcher against hostile local servers: each attack ends in the link's one-line domain
error, in bounded time and memory.

The deadlines here are a second or less so that the tests stay quick; the bounds asserted are
loose (several times the deadline) because the machine running them may be busy.
"""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from bot.core.errors import FetchError, TooLong
from bot.links import FetchPolicy, LinkFetcher
from bot.links.guard import IPAddress
from tests.hostile_server import (
    br_paragraphs,
    empty_deflate_blocks,
    encoded,
    gzip_of_zeros,
    trickled_chunk_size,
    trickled_headers,
)
from tests.http_server import LocalServer, page, redirect

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")

ARTICLE = (
    "<html><body><article>"
    + "".join(
        f"<p>Paragraph {i}: the council voted on Tuesday to fund a new bridge across the river, "
        "ending a debate that has divided the town for more than a decade.</p>"
        for i in range(4)
    )
    + "</article></body></html>"
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer("127.0.0.1")
    yield srv
    srv.close()


def fetcher(**limits: float) -> LinkFetcher:
    return LinkFetcher(FetchPolicy.from_allow_string("127.0.0.1", **limits), cache_ttl_s=0)


def peak_bytes(work: Callable[[], T]) -> tuple[T | BaseException, int]:
    """What ``work`` returned or raised, and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        try:
            outcome: T | BaseException = work()
        except Exception as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- 1. decompression bombs ------------------------------------------------------------------


def test_stacked_content_encoding_is_refused_without_decoding(server: LocalServer) -> None:
    server.routes["/bomb"] = encoded(gzip_of_zeros(50_000_000, layers=2), "gzip, gzip")
    outcome, peak = peak_bytes(lambda: fetcher().fetch_article(server.url("/bomb")))
    assert isinstance(outcome, FetchError), outcome
    assert "compressed more than once" in str(outcome)
    assert peak < 10_000_000


def test_gzip_bomb_never_holds_more_than_the_cap(server: LocalServer) -> None:
    server.routes["/bomb"] = encoded(gzip_of_zeros(50_000_000), "gzip")  # 50 kB on the wire
    links = fetcher(max_bytes=1_000_000)
    outcome, peak = peak_bytes(lambda: links.fetch_article(server.url("/bomb")))
    assert isinstance(outcome, TooLong), outcome
    assert peak < 10_000_000  # the cap and a chunk or two, not the 50 MB it inflates to


def test_unknown_content_encoding_is_refused(server: LocalServer) -> None:
    server.routes["/br"] = encoded(b"\x0b\x01\x80hello\x03", "br")
    with pytest.raises(FetchError, match=re.escape("compressed in a way checkdupes does not read")):
        fetcher().fetch_article(server.url("/br"))


# --- 2. the deadline covers the whole fetch ---------------------------------------------------


@pytest.mark.parametrize(
    "answer", [trickled_headers(0.02), trickled_chunk_size(0.02)], ids=["headers", "chunk-size"]
)
def test_trickling_server_is_cut_at_the_deadline(
    server: LocalServer, answer: Callable[..., None]
) -> None:
    server.routes["/trickle"] = answer
    start = time.monotonic()
    with pytest.raises(FetchError, match=re.escape("took too long to answer (over 0.5 s)")):
        fetcher(total_timeout_s=0.5).fetch_article(server.url("/trickle"))
    assert time.monotonic() - start < 2.5  # the server trickles for 5 s


def test_a_slow_name_lookup_is_cut_at_the_deadline() -> None:
    def slow_resolver(host: str, port: int) -> list[IPAddress]:
        time.sleep(3)
        return [ipaddress.ip_address("127.0.0.1")]

    links = LinkFetcher(FetchPolicy(total_timeout_s=0.3), resolve=slow_resolver)
    start = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        links.fetch_article("http://slow-dns.example/story")
    assert time.monotonic() - start < 2


def test_extraction_counts_against_the_same_deadline(server: LocalServer) -> None:
    # 0.85 MB of <p>..<br>..</p>: a second of trafilatura or more (several on a busy machine);
    # the download itself takes milliseconds.
    server.routes["/long"] = page(br_paragraphs(6_000))
    start = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetcher(total_timeout_s=0.3).fetch_article(server.url("/long"))
    assert time.monotonic() - start < 2


# --- 3. wire bytes count, not only decoded ones ------------------------------------------------


def test_endless_empty_deflate_blocks_stop_at_the_cap_on_wire_bytes(server: LocalServer) -> None:
    server.routes["/empty"] = empty_deflate_blocks(limit_s=5)
    start = time.monotonic()
    with pytest.raises(TooLong, match="100 kB"):
        fetcher(max_bytes=100_000).fetch_article(server.url("/empty"))
    assert time.monotonic() - start < 2.5


# --- 4. junk that used to crash the fetcher ----------------------------------------------------

JUNK_CHARSETS = ["rot13", "base64", "zlib", "hex", "idna", "undefined", "unicode_escape"]


@pytest.mark.parametrize("charset", JUNK_CHARSETS)
def test_a_charset_that_is_not_one_falls_back_to_utf8(server: LocalServer, charset: str) -> None:
    body = ARTICLE.replace("river", "river café").encode("utf-8")
    server.routes["/header"] = page(body, f"text/html; charset={charset}")
    server.routes["/meta"] = page(
        body.replace(b"<html>", f'<html><head><meta charset="{charset}"></head>'.encode()),
        "text/html",
    )
    for path in ("/header", "/meta"):
        assert "river café" in fetcher().fetch_article(server.url(path)).text


@pytest.mark.parametrize(
    "location", ["data:text/html,x", "http:\\\\host/", "https:\\\\host/a", "javascript:alert(1)"]
)
def test_a_redirect_to_something_that_is_not_a_web_link_is_a_fetch_error(
    server: LocalServer, location: str
) -> None:
    server.routes["/go"] = redirect(location)
    with pytest.raises(FetchError) as caught:
        fetcher().fetch_article(server.url("/go"))
    assert "\n" not in str(caught.value)


# --- the command line, with its default limits ------------------------------------------------


# The CLI run as ``python -m bot.cli URL`` is, and on exit it writes its own peak RSS (VmHWM) to
# a file. The child's getrusage cannot tell: on Linux it counts the memory of the parent it was
# forked from (a test process holding the model: over 1 GB).
CLI_WITH_PEAK = """
import atexit, runpy, sys
from pathlib import Path
peak_file = sys.argv.pop(1)
def record() -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            Path(peak_file).write_text(line.split()[1])  # kB
atexit.register(record)
runpy.run_module("bot.cli", run_name="__main__", alter_sys=True)
"""


def run_cli(url: str, tmp_path: Path) -> tuple[int, str, float, int | None]:
    """Exit status, stderr, wall seconds and peak RSS in bytes (None off Linux) of a CLI run."""
    env = {**os.environ, "CHECKDUPES_FETCH_ALLOW": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    peak = tmp_path / "peak_kb"
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CLI_WITH_PEAK, str(peak), url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    assert done.stdout == ""
    peak_rss = int(peak.read_text()) * 1024 if peak.exists() else None
    return done.returncode, done.stderr, elapsed, peak_rss


def test_cli_refuses_a_bomb_in_one_line_and_little_memory(
    server: LocalServer, tmp_path: Path
) -> None:
    # 300 MB of zeros in 300 bytes, gzipped twice: the old fetcher held 600 MB at once.
    server.routes["/bomb"] = encoded(gzip_of_zeros(300_000_000, layers=2), "gzip, gzip")
    code, stderr, elapsed, peak_rss = run_cli(server.url("/bomb"), tmp_path)
    assert code == 2, stderr
    assert len(stderr.splitlines()) == 1 and stderr.startswith("checkdupes: "), stderr
    assert elapsed < 20
    if Path("/proc/self/status").exists():
        assert peak_rss is not None and peak_rss < 400_000_000
