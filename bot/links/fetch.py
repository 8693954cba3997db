"""LinkFetcher: fetch a link without letting it reach the private network, then extract it.

Every hop (the link and each redirect) is resolved once, every address is checked, and the
connection goes to a checked address: the request is sent to ``http(s)://<ip>:<port>/path`` with
the real name in the Host header and, for https, as the TLS server name (SNI and certificate
check both use it; httpcore's ``sni_hostname`` request extension). A second lookup by the HTTP
library could answer differently (DNS rebinding), so there is none.

A page is hostile input too. One deadline bounds the whole fetch (``deadline``: every socket
read, and the fetch as a whole in a worker thread), and the body is read raw and decompressed
here within the size cap (``body``), since an HTTP library's own decoding expands a gzip bomb
before any cap can look at it.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx

from bot.core.cache import TTLCache
from bot.core.errors import BlockedAddress, FetchError, TooLong

from .body import ACCEPT_ENCODING, read_body
from .content import Kind, classify, decode, sniff
from .deadline import Deadline, call_within
from .extract import Article, extract_article, plain_text_article
from .guard import FetchPolicy, IPAddress, Resolver, checked_addresses, resolve_host
from .transport import DeadlineBackend

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; checkdupes/0.1; +newsroom duplicate checker)"
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
_TRANSPORT_ERRORS = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ConnectionNotAvailable,
)


@dataclass(frozen=True)
class _Page:
    url: str
    content_type: str | None
    kind: Kind | None
    body: bytes


@dataclass(frozen=True)
class _Response:
    status: int
    headers: httpx.Headers
    stream: httpcore.Response


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
        # Built once: loading the CA bundle takes milliseconds, and each hop gets a fresh pool.
        self._ssl_context = ssl_context or httpx.create_ssl_context()

    def fetch_article(self, url: str) -> Article:
        """The article behind ``url``; raises FetchError, BlockedAddress, UnsupportedInput or
        TooLong with a message for the user. Answers are cached by URL for ``cache_ttl_s``.

        Everything (lookups, redirects, download, extraction) ends within
        ``policy.total_timeout_s``."""
        target = _parse(url)
        key = str(target)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        deadline = Deadline(self.policy.total_timeout_s)
        article = call_within(
            deadline,
            lambda: self._article(self._download(target, deadline)),
            lambda: FetchError(self._timeout_message()),
        )
        self._cache.put(key, article)
        return article

    def _download(self, target: httpx.URL, deadline: Deadline) -> _Page:
        for _hop in range(self.policy.max_redirects + 1):
            try:
                outcome = self._hop(target, deadline)
            except httpcore.TimeoutException as exc:
                raise FetchError(self._timeout_message()) from exc
            except _TRANSPORT_ERRORS as exc:
                raise FetchError(_transport_message(target, exc)) from exc
            if isinstance(outcome, _Page):
                return outcome
            target = outcome
        raise FetchError(
            f"The link redirected more than {self.policy.max_redirects} times. "
            "Paste the text instead."
        )

    def _hop(self, target: httpx.URL, deadline: Deadline) -> _Page | httpx.URL:
        """One request: the page, or the URL a redirect points to."""
        with self._open(target, deadline) as response:
            if response.status in _REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"The link answered {_status(response.status)} but said not where."
                    )
                return _redirect_target(target, location)
            if not 200 <= response.status < 300:
                raise FetchError(_status_message(response.status))
            content_type = response.headers.get("content-type")
            kind = classify(content_type)  # refuses a PDF before downloading it
            body = self._read(response, deadline)
            return _Page(str(target), content_type, kind, body)

    @contextmanager
    def _open(self, target: httpx.URL, deadline: Deadline) -> Iterator[_Response]:
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            addresses = checked_addresses(host, port, self.policy, self._resolve)
        except BlockedAddress:
            logger.warning("refused link %s: %s has a refused address", _for_log(target), host)
            raise
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                f"Could not find the site {target.host} (the name does not resolve). "
                "Check the link."
            ) from exc
        # A fresh pool per hop: a pooled TLS connection opened for one host name must never
        # carry a request for another name that happens to share its address.
        with httpcore.ConnectionPool(
            ssl_context=self._ssl_context,
            network_backend=DeadlineBackend(deadline),
            max_connections=1,
        ) as pool:
            response = self._connect(pool, target, addresses, deadline)
            try:
                yield _Response(response.status, httpx.Headers(response.headers), response)
            finally:
                response.close()

    def _connect(
        self,
        pool: httpcore.ConnectionPool,
        target: httpx.URL,
        addresses: list[IPAddress],
        deadline: Deadline,
    ) -> httpcore.Response:
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        headers = [
            (b"Host", target.netloc),
            (b"User-Agent", self._user_agent.encode("ascii", "replace")),
            (b"Accept", _ACCEPT.encode("ascii")),
            # Only what read_body decodes; never "br" or "zstd" just because a package is there.
            (b"Accept-Encoding", ACCEPT_ENCODING.encode("ascii")),
        ]
        extensions: dict[str, object] = {"timeout": self._timeouts(deadline)}
        if target.scheme == "https":
            extensions["sni_hostname"] = host
        error: httpcore.ConnectError | None = None
        for ip in addresses:  # in resolver order, the next one when a connection is refused
            request = httpcore.Request(
                "GET",
                httpcore.URL(
                    scheme=target.raw_scheme, host=str(ip).encode("ascii"), port=port,
                    target=target.raw_path,
                ),
                headers=headers,
                extensions=extensions,
            )  # fmt: skip
            try:
                return pool.handle_request(request)
            except httpcore.ConnectError as exc:
                error = exc
                if _is_certificate_error(exc):
                    break
        assert error is not None  # addresses is never empty
        raise error

    def _read(self, response: _Response, deadline: Deadline) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLong(_too_long_message(limit))
        return read_body(
            response.stream.iter_stream(),
            response.headers.get("content-encoding"),
            max_bytes=limit,
            deadline=deadline,
            too_long=lambda: TooLong(_too_long_message(limit)),
            too_slow=lambda: FetchError(self._timeout_message()),
        )

    def _timeouts(self, deadline: Deadline) -> dict[str, float]:
        """httpcore's per-operation timeouts; the backend caps each at the time left anyway."""
        remaining = deadline.remaining()
        if remaining <= 0:
            raise FetchError(self._timeout_message())
        connect = min(self.policy.connect_timeout_s, remaining)
        return {"connect": connect, "read": remaining, "write": remaining, "pool": remaining}

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
        logger.info(
            "extracted %d characters from %s", len(article.text), _for_log(httpx.URL(page.url))
        )
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
    try:
        return parsed.copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:  # "data:text/html,x" and the like
        raise FetchError(f"That does not look like a web link: {url[:80]}") from exc


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        joined = str(current.join(location.strip()))
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(
            "The link redirected to an address that is not a web link. Paste the text instead."
        ) from exc
    return _parse(joined)


def _for_log(url: httpx.URL) -> str:
    """Scheme, host and path only: a query string can carry a token or a reader's identity."""
    return f"{url.scheme}://{url.host}{url.path}"


def _status(code: int) -> str:
    return f"{code} {httpx.codes.get_reason_phrase(code)}".strip()


def _status_message(code: int) -> str:
    if code in (401, 402, 403, 451):
        advice = "It may need a login or a subscription: paste the text instead."
    elif code in (404, 410):
        advice = "Check the link."
    elif code == 429 or code >= 500:
        advice = "Try again later, or paste the text instead."
    else:
        advice = "Paste the text instead."
    return f"The link answered {_status(code)}. {advice}"


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


def _transport_message(target: httpx.URL, exc: Exception) -> str:
    if _is_certificate_error(exc):
        return (
            f"Could not open a secure connection to {target.host} (its certificate did not "
            "check out). Paste the text instead."
        )
    if isinstance(exc, httpcore.ConnectError):
        return f"Could not connect to {target.host}. Check the link, or paste the text instead."
    return (
        f"The connection to {target.host} broke off while reading the page. "
        "Try again, or paste the text instead."
    )
