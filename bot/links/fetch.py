"""LinkFetcher: fetch a link without letting it reach the private network, then extract it.

Every hop (the link and each redirect) is resolved once, every address is checked, and the
connection goes to a checked address: the request is sent to ``http(s)://<ip>:<port>/path`` with
the real name in the Host header and, for https, as the TLS server name (SNI and certificate
check both use it; httpcore's ``sni_hostname`` request extension). A second lookup by the HTTP
library could answer differently (DNS rebinding), so there is none.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from bot.core.cache import TTLCache
from bot.core.errors import BlockedAddress, FetchError, TooLong

from .content import Kind, classify, decode, sniff
from .extract import Article, extract_article, plain_text_article
from .guard import FetchPolicy, IPAddress, Resolver, checked_addresses, resolve_host

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; checkdupes/0.1; +newsroom duplicate checker)"
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"


@dataclass(frozen=True)
class _Page:
    url: str
    content_type: str | None
    kind: Kind | None
    body: bytes


class LinkFetcher:
    """Fetches links as Articles; safe to share between threads."""

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),  # noqa: B008 (frozen: sharing one default is safe)
        *,
        cache_ttl_s: float = 600,
        cache_size: int = 64,
        user_agent: str | None = None,
        resolve: Resolver = resolve_host,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``resolve`` and ``ssl_context`` are for tests and private certificate authorities."""
        self.policy = policy
        self._cache: TTLCache[str, Article] = TTLCache(cache_ttl_s, cache_size)
        self._user_agent = user_agent or DEFAULT_USER_AGENT
        self._resolve = resolve
        # Built once: loading the CA bundle takes milliseconds, and each hop gets a fresh client.
        self._ssl_context = ssl_context or httpx.create_ssl_context()

    def fetch_article(self, url: str) -> Article:
        """The article behind ``url``; raises FetchError, BlockedAddress, UnsupportedInput or
        TooLong with a message for the user. Answers are cached by URL for ``cache_ttl_s``."""
        target = _parse(url)
        key = str(target)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        article = self._article(self._download(target))
        self._cache.put(key, article)
        return article

    def _download(self, target: httpx.URL) -> _Page:
        deadline = time.monotonic() + self.policy.total_timeout_s
        for _hop in range(self.policy.max_redirects + 1):
            try:
                outcome = self._hop(target, deadline)
            except httpx.TimeoutException as exc:
                raise FetchError(self._timeout_message()) from exc
            except httpx.HTTPError as exc:
                raise FetchError(_transport_message(target, exc)) from exc
            if isinstance(outcome, _Page):
                return outcome
            target = outcome
        raise FetchError(
            f"The link redirected more than {self.policy.max_redirects} times. "
            "Paste the text instead."
        )

    def _hop(self, target: httpx.URL, deadline: float) -> _Page | httpx.URL:
        """One request: the page, or the URL a redirect points to."""
        with self._open(target, deadline) as response:
            if response.status_code in _REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"The link answered {_status(response)} but said not where.")
                return _parse(str(target.join(location.strip())))
            if not response.is_success:
                raise FetchError(_status_message(response))
            content_type = response.headers.get("content-type")
            kind = classify(content_type)  # refuses a PDF before downloading it
            body = self._read(response, deadline)
            return _Page(str(target), content_type, kind, body)

    @contextmanager
    def _open(self, target: httpx.URL, deadline: float) -> Iterator[httpx.Response]:
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            addresses = checked_addresses(host, port, self.policy, self._resolve)
        except BlockedAddress:
            logger.warning("refused link %s: %s has a refused address", target, host)
            raise
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                f"Could not find the site {target.host} (the name does not resolve). "
                "Check the link."
            ) from exc
        # A fresh client per hop: a pooled TLS connection opened for one host name must never
        # carry a request for another name that happens to share its address.
        with httpx.Client(verify=self._ssl_context, trust_env=False) as client:
            response = self._connect(client, target, addresses, deadline)
            try:
                yield response
            finally:
                response.close()

    def _connect(
        self,
        client: httpx.Client,
        target: httpx.URL,
        addresses: list[IPAddress],
        deadline: float,
    ) -> httpx.Response:
        host = target.raw_host.decode("ascii")
        headers = {"Host": target.netloc.decode("ascii"), "User-Agent": self._user_agent}
        headers["Accept"] = _ACCEPT
        extensions = {"sni_hostname": host} if target.scheme == "https" else {}
        error: httpx.ConnectError | None = None
        for ip in addresses:  # in resolver order, the next one when a connection is refused
            request = client.build_request(
                "GET",
                target.copy_with(host=str(ip)),
                headers=headers,
                extensions=extensions,
                timeout=self._timeout(deadline),
            )
            try:
                return client.send(request, stream=True)
            except httpx.ConnectError as exc:
                error = exc
                if _is_certificate_error(exc):
                    break
        assert error is not None  # addresses is never empty
        raise error

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLong(_too_long_message(limit))
        body = bytearray()
        # iter_bytes yields decompressed data, so the cap holds for gzip bombs too.
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise TooLong(_too_long_message(limit))
            # The read timeout bounds one silent wait; a server dripping bytes slowly is caught
            # here instead.
            if time.monotonic() > deadline:
                raise FetchError(self._timeout_message())
        return bytes(body)

    def _timeout(self, deadline: float) -> httpx.Timeout:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(self._timeout_message())
        return httpx.Timeout(remaining, connect=min(self.policy.connect_timeout_s, remaining))

    def _timeout_message(self) -> str:
        return (
            f"The link took too long to answer (over {self.policy.total_timeout_s:g} s). "
            "Try again later, or paste the text instead."
        )

    @staticmethod
    def _article(page: _Page) -> Article:
        kind = page.kind or sniff(page.body)
        text = decode(page.body, page.content_type, kind)
        if kind == "text":
            return plain_text_article(text, page.url)
        article = extract_article(text, page.url)
        logger.info("extracted %d characters from %s", len(article.text), page.url)
        return article


def _parse(url: str) -> httpx.URL:
    """The URL to request, refused unless it is a plain http(s) link to a named host."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(f"That does not look like a web link: {url[:80]}") from exc
    if not parsed.scheme:
        raise FetchError(f"That does not look like a web link: {url[:80]}")
    if parsed.scheme not in ("http", "https"):
        raise FetchError("Only http:// and https:// links can be fetched. Paste the text instead.")
    if parsed.userinfo:
        raise FetchError(
            "Links with a user name or password in them (user:pass@) are not fetched. "
            "Paste the text instead."
        )
    if not parsed.host or not 0 < (parsed.port or 80) < 65536:
        raise FetchError(f"That does not look like a web link: {url[:80]}")
    return parsed.copy_with(fragment=None)


def _status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.reason_phrase or ''}".strip()


def _status_message(response: httpx.Response) -> str:
    code = response.status_code
    if code in (401, 402, 403, 451):
        advice = "It may need a login or a subscription: paste the text instead."
    elif code in (404, 410):
        advice = "Check the link."
    elif code == 429 or code >= 500:
        advice = "Try again later, or paste the text instead."
    else:
        advice = "Paste the text instead."
    return f"The link answered {_status(response)}. {advice}"


def _too_long_message(limit: int) -> str:
    if limit >= 1_000_000:
        size = f"{limit / 1_000_000:g} MB"
    elif limit >= 1_000:
        size = f"{limit / 1_000:g} kB"
    else:
        size = f"{limit} bytes"
    return f"That page is over the {size} download limit. Paste the article text instead."


def _is_certificate_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _transport_message(target: httpx.URL, exc: httpx.HTTPError) -> str:
    if _is_certificate_error(exc):
        return (
            f"Could not open a secure connection to {target.host} (its certificate did not "
            "check out). Paste the text instead."
        )
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect to {target.host}. Check the link, or paste the text instead."
    return (
        f"The connection to {target.host} broke off while reading the page. "
        "Try again, or paste the text instead."
    )
