"""LinkFetcher against real local servers: the guard on every hop, limits, content types."""

from __future__ import annotations

import gzip
import ipaddress
import json
import logging
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import BlockedAddress, FetchError, TooLong, UnsupportedInput
from bot.links import DEFAULT_USER_AGENT, FetchPolicy, LinkFetcher
from bot.links.guard import IPAddress, Resolver
from tests.http_server import (
    LocalServer,
    drip,
    endless,
    gzipped,
    page,
    redirect,
    send,
    slow_headers,
    status,
)

SCRAPINGHUB = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction" / "scrapinghub"
)
LOOPBACK = FetchPolicy.from_allow_string("127.0.0.1")

ARTICLE = """<!doctype html><html><head><title>Council votes on the new bridge | Gazette</title>
<meta name="author" content="Ana Reporter">
<meta property="article:published_time" content="2026-11-20">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to fund a new bridge across the river, ending a debate
that has run for more than a decade and divided the two halves of the town.</p>
<p>Eleven members voted in favour and four against. The bridge will cost 40 million euros,
of which the regional government has promised to pay about half over five years.</p>
<p>Opponents said the money would be better spent on buses and on repairing the old bridge,
which has been closed to lorries since a survey found cracks in two of its pillars.</p>
</article><footer>Copyright Gazette</footer></body></html>"""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer("127.0.0.1")
    yield srv
    srv.close()


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    """A second server on another loopback address that the tests' policy does not allow."""
    try:
        srv = LocalServer("127.0.0.2")
    except OSError as exc:  # macOS only routes 127.0.0.1 unless aliased
        pytest.skip(f"cannot listen on 127.0.0.2 here: {exc}")
    yield srv
    srv.close()


def fetcher(policy: FetchPolicy = LOOPBACK, **kw: Any) -> LinkFetcher:
    return LinkFetcher(policy, **kw)


def resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> Resolver:
    def resolve(host: str, port: int) -> list[IPAddress]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(f"{host} not in the test's table")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


# --- the guard -----------------------------------------------------------------------------------


def test_default_policy_refuses_a_local_server_and_sends_nothing(server: LocalServer) -> None:
    server.routes["/article"] = page(ARTICLE)
    with pytest.raises(BlockedAddress):
        LinkFetcher().fetch_article(server.url("/article"))
    assert server.hits == []


def test_allowed_loopback_fetches_the_article(server: LocalServer) -> None:
    server.routes["/article"] = page(ARTICLE)
    article = fetcher().fetch_article(server.url("/article"))
    assert article.url == server.url("/article")
    assert article.title == "Council votes on the new bridge"
    assert article.author == "Ana Reporter"
    assert article.date == "2026-11-20"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The city council voted on Tuesday")
    assert paragraphs[-1].startswith("Opponents said")
    assert "Copyright" not in article.text and "Home" not in article.text
    (hit,) = server.hits
    assert hit.headers["user-agent"] == DEFAULT_USER_AGENT
    assert hit.headers["host"] == f"127.0.0.1:{server.port}"


def test_redirect_to_an_address_outside_the_policy_is_refused_before_any_request(
    server: LocalServer, other_server: LocalServer
) -> None:
    other_server.routes["/secret"] = page(ARTICLE)
    server.routes["/go"] = redirect(other_server.url("/secret"))
    with pytest.raises(BlockedAddress):
        fetcher().fetch_article(server.url("/go"))
    assert [hit.path for hit in server.hits] == ["/go"]
    assert other_server.hits == []

    # The same redirect with the second address allowed does reach it: the refusal above was
    # the guard judging the second hop, not a broken test server.
    both = FetchPolicy.from_allow_string("127.0.0.1,127.0.0.2")
    assert fetcher(both).fetch_article(server.url("/go")).url == other_server.url("/secret")
    assert [hit.path for hit in other_server.hits] == ["/secret"]


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0:9/",
        "http://2130706434/",  # 127.0.0.2 as one number, read by getaddrinfo
    ],
)
def test_redirects_to_internal_addresses_are_refused(server: LocalServer, location: str) -> None:
    server.routes["/go"] = redirect(location, 301)
    start = time.monotonic()
    with pytest.raises(BlockedAddress):
        fetcher().fetch_article(server.url("/go"))
    assert time.monotonic() - start < 1  # refused up front, no connection attempt timing out


def test_a_host_with_one_private_address_is_refused(server: LocalServer) -> None:
    server.routes["/go"] = redirect("http://mixed.example/")
    resolve = resolver({"mixed.example": ["93.184.216.34", "10.1.2.3"]})
    with pytest.raises(BlockedAddress):
        fetcher(resolve=resolve).fetch_article(server.url("/go"))


def test_connection_goes_to_the_checked_address_with_one_lookup_per_hop(
    server: LocalServer,
) -> None:
    # news.checkdupes.test exists only in this resolver: the page can only be reached if the
    # fetcher connects to the address it checked instead of looking the name up again.
    calls: list[str] = []
    resolve = resolver({"news.checkdupes.test": ["127.0.0.1"]}, calls)
    server.routes["/start"] = redirect(f"http://news.checkdupes.test:{server.port}/article")
    server.routes["/article"] = page(ARTICLE)
    article = fetcher(resolve=resolve).fetch_article(server.url("/start"))
    assert article.url == f"http://news.checkdupes.test:{server.port}/article"
    assert calls == ["news.checkdupes.test"]  # 127.0.0.1 is a literal: no lookup
    assert server.hits[-1].headers["host"] == f"news.checkdupes.test:{server.port}"


def test_allowed_host_name_may_be_private(server: LocalServer) -> None:
    server.routes["/article"] = page(ARTICLE)
    policy = FetchPolicy.from_allow_string("cms.internal")
    resolve = resolver({"cms.internal": ["127.0.0.1"]})
    url = f"http://cms.internal:{server.port}/article"
    assert fetcher(policy, resolve=resolve).fetch_article(url).title
    with pytest.raises(BlockedAddress):
        fetcher(policy).fetch_article(server.url("/article"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example/a", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("http://user:secret@news.example/a", "user name or password"),
        ("http:///no-host", "does not look like a web link"),
        ("not a link", "does not look like a web link"),
        ("news.example/story", "does not look like a web link"),
        ("http://news.example:99999/", "does not look like a web link"),
    ],
)
def test_bad_links_are_refused_without_a_lookup(url: str, message: str) -> None:
    calls: list[str] = []
    with pytest.raises(FetchError, match=re.escape(message)):
        fetcher(resolve=resolver({}, calls)).fetch_article(url)
    assert calls == []


def test_unknown_host_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="Could not find the site nowhere.example"):
        fetcher(resolve=resolver({})).fetch_article("https://nowhere.example/a")


def test_closed_port_is_a_fetch_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="Could not connect"):
        fetcher().fetch_article(f"http://127.0.0.1:{port}/")


# --- redirects -----------------------------------------------------------------------------------


def test_relative_and_absolute_redirects_are_followed(server: LocalServer) -> None:
    server.routes["/a/start"] = redirect("next")  # relative to /a/
    server.routes["/a/next"] = redirect("/b/then", 301)
    server.routes["/b/then"] = redirect(server.url("/article"), 307)
    server.routes["/article"] = page(ARTICLE)
    article = fetcher().fetch_article(server.url("/a/start"))
    assert article.url == server.url("/article")
    assert [hit.path for hit in server.hits] == ["/a/start", "/a/next", "/b/then", "/article"]


def chain(server: LocalServer, length: int) -> str:
    for i in range(length):
        server.routes[f"/r{i}"] = redirect(f"/r{i + 1}")
    server.routes[f"/r{length}"] = page(ARTICLE)
    return server.url("/r0")


def test_five_redirects_are_followed(server: LocalServer) -> None:
    assert fetcher().fetch_article(chain(server, 5)).url == server.url("/r5")


def test_six_redirects_are_refused(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetcher().fetch_article(chain(server, 6))
    assert len(server.hits) == 6  # the sixth redirect is never followed


def test_redirect_without_location(server: LocalServer) -> None:
    server.routes["/go"] = lambda h: send(h, 302, b"", "text/html")
    with pytest.raises(FetchError, match="302 Found"):
        fetcher().fetch_article(server.url("/go"))


# --- limits --------------------------------------------------------------------------------------


def test_slow_answer_times_out(server: LocalServer) -> None:
    server.routes["/slow"] = slow_headers(3)
    policy = FetchPolicy.from_allow_string("127.0.0.1", total_timeout_s=0.4)
    start = time.monotonic()
    with pytest.raises(FetchError, match=re.escape("took too long to answer (over 0.4 s)")):
        fetcher(policy).fetch_article(server.url("/slow"))
    assert time.monotonic() - start < 1.5


def test_dripping_body_is_cut_at_the_deadline(server: LocalServer) -> None:
    server.routes["/drip"] = drip(0.05)
    policy = FetchPolicy.from_allow_string("127.0.0.1", total_timeout_s=0.4)
    start = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetcher(policy).fetch_article(server.url("/drip"))
    assert time.monotonic() - start < 1.5


def test_default_timeout_message_names_15_seconds(server: LocalServer) -> None:
    assert "(over 15 s)" in LinkFetcher()._timeout_message()


def test_endless_body_stops_at_the_size_cap(server: LocalServer) -> None:
    server.routes["/endless"] = endless()
    policy = FetchPolicy.from_allow_string("127.0.0.1", max_bytes=100_000)
    start = time.monotonic()
    with pytest.raises(TooLong, match="over the 100 kB download limit"):
        fetcher(policy).fetch_article(server.url("/endless"))
    assert time.monotonic() - start < 2


def test_declared_length_over_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    server.routes["/big"] = page(b"<p>" + b"x" * 200_000 + b"</p>")
    policy = FetchPolicy.from_allow_string("127.0.0.1", max_bytes=100_000)
    with pytest.raises(TooLong):
        fetcher(policy).fetch_article(server.url("/big"))


def test_cap_counts_decompressed_bytes(server: LocalServer) -> None:
    server.routes["/bomb"] = gzipped(b"<p>" + b"a" * 5_000_000 + b"</p>")  # ~5 kB on the wire
    policy = FetchPolicy.from_allow_string("127.0.0.1", max_bytes=1_000_000)
    with pytest.raises(TooLong, match="1 MB"):
        fetcher(policy).fetch_article(server.url("/bomb"))


# --- answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (404, "The link answered 404 Not Found."),
        (500, "The link answered 500 Internal Server Error."),
        (403, "The link answered 403 Forbidden."),
    ],
)
def test_http_errors(server: LocalServer, code: int, message: str) -> None:
    server.routes["/x"] = status(code)
    with pytest.raises(FetchError) as caught:
        fetcher().fetch_article(server.url("/x"))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content_type", "body", "what"),
    [
        ("application/pdf", b"%PDF-1.7 ...", "a PDF"),
        ("image/png", b"\x89PNG\r\n\x1a\n", "an image"),
        ("application/octet-stream", b"\x00\x01", "application/octet-stream"),
        (None, b"%PDF-1.4 no content type", "a PDF"),
        (None, b"\x00\x01\x02binary", "a binary file"),
    ],
)
def test_non_html_types_are_unsupported(
    server: LocalServer, content_type: str | None, body: bytes, what: str
) -> None:
    server.routes["/file"] = page(body, content_type)
    with pytest.raises(UnsupportedInput, match=re.escape(what)):
        fetcher().fetch_article(server.url("/file"))


def test_plain_text_is_returned_as_it_is(server: LocalServer) -> None:
    text = "First paragraph, café.\r\n\r\nSecond paragraph.\r\n"
    server.routes["/notes.txt"] = page(text.encode("cp1252"), "text/plain; charset=ISO-8859-1")
    article = fetcher().fetch_article(server.url("/notes.txt"))
    assert article.text == "First paragraph, café.\n\nSecond paragraph."
    assert article.title is None


def test_html_charset_from_meta_when_the_header_has_none(server: LocalServer) -> None:
    html = ARTICLE.replace("<head>", '<head><meta charset="windows-1252">').replace(
        "river,", "river café, with “quotes”,"
    )
    server.routes["/legacy"] = page(html.encode("cp1252"), "text/html")
    article = fetcher().fetch_article(server.url("/legacy"))
    assert "river café, with “quotes”," in article.text


def test_gzip_html_without_content_type_is_sniffed(server: LocalServer) -> None:
    server.routes["/bare"] = lambda h: send(
        h, 200, gzip.compress(ARTICLE.encode()), None, {"Content-Encoding": "gzip"}
    )
    assert fetcher().fetch_article(server.url("/bare")).title == "Council votes on the new bridge"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><script src='/app.js'></script></head><body><div id='root'></div>"
        "<noscript>Please enable JavaScript to read this article.</noscript></body></html>",
        "<html><body><div class='consent'><h2>We value your privacy</h2><p>We and our partners "
        "use cookies to store and access information on your device.</p><button>Accept all"
        "</button><button>Manage options</button></div></body></html>",
        "<html><body><article><h1>Big story</h1><p>Subscribe to keep reading this article. "
        "Already a subscriber? Log in.</p></article></body></html>",
        "",
    ],
)
def test_pages_without_an_article_are_refused(server: LocalServer, html: str) -> None:
    server.routes["/wall"] = page(html)
    with pytest.raises(FetchError, match="no readable article text"):
        fetcher().fetch_article(server.url("/wall"))


# --- the cache -----------------------------------------------------------------------------------


def test_articles_are_cached_by_url(server: LocalServer) -> None:
    server.routes["/article"] = page(ARTICLE)
    links = fetcher()
    first = links.fetch_article(server.url("/article"))
    assert links.fetch_article(server.url("/article") + "#comments") is first
    assert len(server.hits) == 1


def test_cache_can_be_turned_off(server: LocalServer) -> None:
    server.routes["/article"] = page(ARTICLE)
    links = fetcher(cache_ttl_s=0)
    links.fetch_article(server.url("/article"))
    links.fetch_article(server.url("/article"))
    assert len(server.hits) == 2


def test_errors_are_not_cached(server: LocalServer) -> None:
    links = fetcher()
    with pytest.raises(FetchError):
        links.fetch_article(server.url("/later"))
    server.routes["/later"] = page(ARTICLE)
    assert links.fetch_article(server.url("/later")).title


def test_one_fetcher_serves_many_threads(server: LocalServer) -> None:
    for i in range(8):
        server.routes[f"/a{i}"] = page(ARTICLE.replace("Council", f"Council {i}"))
    links = fetcher(cache_size=4)
    urls = [server.url(f"/a{i % 8}") for i in range(32)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        titles = list(pool.map(lambda u: links.fetch_article(u).title, urls))
    assert titles == [f"Council {i % 8} votes on the new bridge" for i in range(32)]


# --- real pages ----------------------------------------------------------------------------------

PAGES = [
    "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",  # venturebeat.com
    "82b6d780c792df78dcfb00484d50c86fbc7f324a9eb5835b7615f028edb9a574",  # hosted.ap.org
    "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1",  # wday.ru (Russian)
]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


@pytest.mark.parametrize("key", PAGES)
def test_benchmark_pages_extract_their_article(server: LocalServer, key: str) -> None:
    html_gz = SCRAPINGHUB / "html" / f"{key}.html.gz"
    if not html_gz.exists():
        pytest.skip(
            f"ScrapingHub benchmark page absent: expected {html_gz.name} under {SCRAPINGHUB}"
        )
    truth = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))[key]
    body = html_gz.read_bytes()  # served as it is stored, gzip-encoded on the wire
    server.routes["/page"] = lambda h: send(
        h, 200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"}
    )
    article = fetcher().fetch_article(server.url("/page"))
    got, want = shingles(article.text), shingles(truth["articleBody"])
    overlap = sum((got & want).values())
    assert overlap / sum(want.values()) > 0.9  # recall
    assert overlap / sum(got.values()) > 0.9  # precision
    assert article.title and "\n\n" in article.text


# --- https ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for news.checkdupes.test, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed; it makes the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=news.checkdupes.test",
         "-addext", "subjectAltName=DNS:news.checkdupes.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[LocalServer, list[str]]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server_names: list[str] = []

    def record_server_name(_sock: object, name: str | None, _context: object) -> None:
        server_names.append(name or "")

    context.sni_callback = record_server_name
    srv = LocalServer("127.0.0.1", ssl_context=context)
    srv.routes["/article"] = page(ARTICLE)
    yield srv, server_names
    srv.close()


def test_https_to_a_pinned_address_verifies_the_real_host_name(
    tls_server: tuple[LocalServer, list[str]], certificate: tuple[Path, Path]
) -> None:
    server, server_names = tls_server
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    resolve = resolver(
        {"news.checkdupes.test": ["127.0.0.1"], "wrong.checkdupes.test": ["127.0.0.1"]}
    )
    links = fetcher(resolve=resolve, ssl_context=trust)

    article = links.fetch_article(f"https://news.checkdupes.test:{server.port}/article")
    assert article.title == "Council votes on the new bridge"
    assert server_names == ["news.checkdupes.test"]  # SNI carried the name, not the address

    # Same address, a name the certificate does not cover: the check uses the name.
    with pytest.raises(FetchError, match="certificate"):
        links.fetch_article(f"https://wrong.checkdupes.test:{server.port}/article")
    assert [hit.path for hit in server.hits] == ["/article"]


# --- logs ----------------------------------------------------------------------------------------


def test_logs_never_carry_a_query_string(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/article"] = page(ARTICLE)
    caplog.set_level(logging.INFO, logger="bot.links")
    fetcher().fetch_article(server.url("/article?token=s3cret&reader=ana"))
    with pytest.raises(BlockedAddress):
        LinkFetcher().fetch_article(server.url("/article?token=s3cret&reader=ana"))
    logged = [record.getMessage() for record in caplog.records]
    assert len(logged) == 2  # the extraction and the refusal: both were logged
    assert all("http://127.0.0.1/article" in line for line in logged), logged
    assert not any("s3cret" in line or "reader" in line for line in logged), logged
