"""Messages that are mostly links: the bot fetches the articles (behind the SSRF guard)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.slack.harness import DONE, FAILED, SlackHarness, running_app, section_texts

REPEATED = (
    "The harbour authority confirmed on Thursday that the northern pier will stay closed "
    "for repairs until the end of the summer season, citing storm damage to its pilings."
)
PAGES = {
    "/story-a": [
        REPEATED,
        "Fishing crews said the closure would force them to land their catch in the next town, "
        "adding an hour to every trip and raising fuel costs during the busiest months.",
        REPEATED,
        "The mayor promised a public meeting next week to explain how the repair contract was "
        "awarded and when the first engineers are expected to arrive on site.",
    ],
    "/story-b": [
        "Local schools will open a new science wing after the holidays, the district said, "
        "with laboratories paid for by a regional grant and a parents' fundraising drive.",
        REPEATED,
        "Teachers welcomed the news but warned that staffing the laboratories would take "
        "longer than building them, given how few science graduates apply for posts here.",
    ],
}


def _html(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>"
    ).encode()


class _Site:
    """A local news site; records each request's headers to prove no token reaches it."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append({k.lower(): v for k, v in self.headers.items()})
                paragraphs = PAGES.get(self.path)
                if paragraphs is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = _html(self.path.strip("/").replace("-", " ").title(), paragraphs)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site() -> Iterator[_Site]:
    site = _Site()
    yield site
    site.close()


@pytest.fixture(scope="module")
def slack_app() -> Iterator[SlackHarness]:
    # Loopback is refused unless allowed; the local site stands in for an internal CMS.
    with running_app(env={"CHECKDUPES_FETCH_ALLOW": "127.0.0.1"}) as harness:
        yield harness


def test_a_link_is_fetched_and_checked(slack: SlackHarness, site: _Site) -> None:
    ts, _ = slack.mention(f"please check <{site.url('/story-a')}>")

    assert slack.finished(ts) == DONE
    (reply,) = slack.replies(ts)
    texts = section_texts(reply.blocks)
    assert any(t.startswith("🔁 *¶1 = ¶3* · same wording") for t in texts)
    # The article site never sees Slack credentials.
    assert site.requests and all("authorization" not in r for r in site.requests)
    assert all(slack.settings.bot_token not in str(r) for r in site.requests)


def test_two_links_are_compared(slack: SlackHarness, site: _Site) -> None:
    ts, _ = slack.mention(f"<{site.url('/story-a')}> vs <{site.url('/story-b')}|the other one>")

    assert slack.finished(ts) == DONE
    texts = section_texts(slack.replies(ts)[0].blocks)
    assert "of 2 articles" in texts[1]
    assert any("*A¶1 = A¶3 = B¶2*" in t for t in texts), texts


def test_a_missing_page_gets_a_friendly_reply(slack: SlackHarness, site: _Site) -> None:
    ts, _ = slack.mention(f"<{site.url('/gone')}>")

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert reply.body["text"].startswith("⚠️ ")
    assert "Traceback" not in reply.body["text"]


def test_a_private_address_is_refused(slack: SlackHarness) -> None:
    ts, _ = slack.mention("<http://10.1.2.3/internal>")

    assert slack.finished(ts) == FAILED
    (reply,) = slack.replies(ts)
    assert reply.body["text"].startswith("⚠️ ")


def test_an_ftp_link_is_refused_with_a_reason(slack: SlackHarness) -> None:
    ts, _ = slack.mention("<ftp://example.org/story.txt>")

    assert slack.finished(ts) == FAILED
    assert "only fetch http(s) links" in slack.replies(ts)[0].body["text"]
