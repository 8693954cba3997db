"""Text out of files shared in Slack: snippets and .txt/.md uploads, fetched with the bot token.

A long paste becomes a snippet file; its text is only reachable through ``url_private``,
which needs the bot token. The token is sent only to Slack's own file origin, redirects are
not followed (they could lead elsewhere with it), and the body is read up to a size cap.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.core.errors import TooLong, UnsupportedInput

_TEXT_FILETYPES = frozenset({"text", "markdown", "md", "txt"})
_TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
_TEXT_MIMETYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})


def is_text_file(file: Mapping[str, Any]) -> bool:
    """Snippets and plain-text or markdown uploads; not PDFs, images, Word files..."""
    name = str(file.get("name") or "").lower()
    return (
        file.get("mode") == "snippet"
        or file.get("filetype") in _TEXT_FILETYPES
        or file.get("mimetype") in _TEXT_MIMETYPES
        or name.endswith(_TEXT_EXTENSIONS)
    )


def describe(file: Mapping[str, Any]) -> str:
    """How a person would name the file in a reply: "report.pdf (PDF)"."""
    name = str(file.get("name") or file.get("title") or "the file")
    kind = file.get("pretty_type") or file.get("filetype")
    return f"{name} ({kind})" if kind and str(kind).lower() not in name.lower() else name


def not_text(file: Mapping[str, Any]) -> UnsupportedInput:
    return UnsupportedInput(
        f"I can only read text: {describe(file)} is not a snippet or a .txt/.md file. "
        "Paste the article's text instead."
    )


class FileDownloader:
    def __init__(
        self,
        token: str,
        origins: Set[tuple[str, str]],
        max_bytes: int,
        *,
        timeout: float = 20.0,
    ) -> None:
        self._token = token
        self._origins = origins
        self._max_bytes = max_bytes
        self._timeout = timeout

    def text(self, file: Mapping[str, Any]) -> str:
        """The file's text; UnsupportedInput or TooLong with a reason a user can act on."""
        if not is_text_file(file):
            raise not_text(file)
        size = file.get("size")
        if isinstance(size, int) and size > self._max_bytes:
            raise self._too_large(file)
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) not in self._origins:
            # Not Slack's file host: the bot token must not go there.
            raise UnsupportedInput(f"I could not download {describe(file)} from Slack.")
        data = self._download(url, file)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnsupportedInput(
                f"{describe(file)} is not UTF-8 text. Paste the article's text instead."
            ) from None

    def _download(self, url: str, file: Mapping[str, Any]) -> bytes:
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            with httpx.stream(
                "GET", url, headers=headers, timeout=self._timeout, follow_redirects=False
            ) as response:
                if response.status_code != 200:
                    raise UnsupportedInput(
                        f"I could not download {describe(file)} from Slack "
                        f"(HTTP {response.status_code}); is the file still there?"
                    )
                content_type = response.headers.get("content-type", "")
                if content_type.startswith("text/html"):
                    # Slack answers a missing files:read scope with its login page.
                    raise UnsupportedInput(
                        f"Slack did not let me read {describe(file)}: the app needs the "
                        "files:read scope."
                    )
                chunks, total = [], 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > self._max_bytes:
                        raise self._too_large(file)
                    chunks.append(chunk)
        except httpx.HTTPError as error:
            raise UnsupportedInput(
                f"I could not download {describe(file)} from Slack ({type(error).__name__})."
            ) from None
        return b"".join(chunks)

    def _too_large(self, file: Mapping[str, Any]) -> TooLong:
        return TooLong(
            f"{describe(file)} is over the {self._max_bytes:,}-byte limit for files; "
            "check a shorter part."
        )
