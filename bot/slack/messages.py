"""What a Slack request asks to check, turned into Documents: text, snippet files or links.

Decided in one place for every entry point, in this order:
1. text or snippet files attached to the message (two files: compare them);
2. a message that is mostly one or two links: fetch them (two links: compare them);
3. the message text itself (a line of ``---`` separates two articles).
A mention in a thread with no article of its own (a remark, a request: see ``has_article``)
checks the thread's first message.

A message's text is read wherever Slack put it (``text``, rich_text blocks, attachments:
bot.slack.message_text), its Slack markup read by bot.core.markup
before anything here looks at it; then it goes through the same segmentation as the CLI's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.analyze import Limits
from bot.core.errors import CheckdupesError, EmptyInput, UnsupportedInput
from bot.core.markup import normalize_spaces, strip_user_mentions
from bot.core.segment import Document, paragraph_spans, segment
from bot.core.sources import ArticleFetcher, document_from_url, documents_from_text
from bot.links import find_links, non_http_links, strip_links
from bot.slack.files import FileDownloader, is_text_file, not_text
from bot.slack.message_text import message_text
from bot.slack.request import Content

MAX_ARTICLES = 2
# What makes a message an article of its own rather than a remark about one ("can you check
# the story above?\nIt runs at 6pm"): this many words, or this many sentences.
ARTICLE_WORDS = 40
ARTICLE_SENTENCES = 3

NOTHING_TO_CHECK = (
    "There is no article here to check. Paste the article's text (or one or two links) "
    "with your request; `/checkdupes help` shows every way to ask."
)


@dataclass(frozen=True)
class MessageInput:
    """The documents to check, and the Slack message they were read from."""

    documents: list[Document]
    # The message holding the text, files or links: the one that asked, or the thread's
    # first message; None for text that is in no message (a slash command's).
    message_ts: str | None


class SlackReadError(CheckdupesError):
    """Slack refused to show the bot a message it was asked to check."""


class InputReader:
    def __init__(
        self,
        client: WebClient,
        downloader: FileDownloader,
        fetcher: ArticleFetcher,
        limits: Limits | None = None,
    ) -> None:
        self._client = client
        self._downloader = downloader
        self._fetcher = fetcher
        self._limits = limits or Limits()

    def read(
        self,
        content: Content,
        *,
        channel: str,
        message_ts: str | None = None,
        thread_parent_ts: str | None = None,
    ) -> MessageInput:
        """The documents to analyze, from the message ``message_ts`` (or the thread's first
        message); a CheckdupesError says why there are none."""
        if thread_parent_ts is not None and not has_article(content):
            content, message_ts = self.thread_parent(channel, thread_parent_ts), thread_parent_ts
        return MessageInput(self._documents(content), message_ts)

    def thread_parent(self, channel: str, thread_ts: str) -> Content:
        try:
            response = self._client.conversations_replies(
                channel=channel, ts=thread_ts, limit=1, inclusive=True
            )
        except SlackApiError as error:
            raise SlackReadError(
                "I could not read the first message of this thread "
                f"({error.response.get('error', 'error')}). Paste the article with the mention "
                "instead."
            ) from None
        messages = response.get("messages") or []
        if not messages:
            raise SlackReadError("I could not find the first message of this thread.")
        parent = messages[0]
        return Content(message_text(parent), tuple(parent.get("files") or ()))

    def _documents(self, content: Content) -> list[Document]:
        content = Content(
            readable(content.text), tuple(self._file_details(f) for f in content.files)
        )
        text_files = [f for f in content.files if is_text_file(f)]
        # Sizes are checked before any text is segmented: a snippet may be a megabyte.
        self._limits.check_size(len(content.text))
        if text_files:
            if len(text_files) > MAX_ARTICLES:
                raise UnsupportedInput(_too_many("files"))
            if len(text_files) == 1:
                name = _file_name(text_files[0])
                return _limit(documents_from_text(self._file_text(text_files[0]), name))
            return [segment(self._file_text(f), source=_file_name(f)) for f in text_files]
        links = find_links(content.text)
        if links and not has_article_text(strip_links(content.text)):
            if len(links) > MAX_ARTICLES:
                raise UnsupportedInput(_too_many("links"))
            return [document_from_url(url, self._fetcher) for url in links]
        if content.files and not has_article_text(content.text):
            raise not_text(content.files[0])  # only an image, a PDF...: say so
        if not has_article_text(content.text):
            other = non_http_links(content.text)
            if other:
                raise UnsupportedInput(
                    f"I can only fetch http(s) links, not {other[0]}. Paste the article's text."
                )
            if not content.text.strip():
                raise EmptyInput(NOTHING_TO_CHECK)
        return _limit(documents_from_text(content.text, "message"))

    def _file_text(self, file: Mapping[str, Any]) -> str:
        text = self._downloader.text(file)
        self._limits.check_size(len(text))
        # A snippet is a paste too: invisible characters would hide an exact repeat.
        return normalize_spaces(text)

    def _file_details(self, file: Mapping[str, Any]) -> Mapping[str, Any]:
        """Events may carry a file stub (``file_access: check_file_info``): ask for the rest."""
        if file.get("url_private") and file.get("file_access") != "check_file_info":
            return file
        try:
            details = self._client.files_info(file=str(file.get("id", "")))["file"]
        except SlackApiError as error:
            raise SlackReadError(
                f"I could not read the shared file ({error.response.get('error', 'error')})."
            ) from None
        return details if isinstance(details, Mapping) else file


def has_article_text(text: str) -> bool:
    """Two paragraphs or more in ``text`` (already ``readable``): enough to be checked
    rather than a one-line request."""
    return len(paragraph_spans(text.strip())) >= 2


def has_article(content: Content) -> bool:
    """Whether a message brings an article of its own: a file, a link, or text of substance
    (two paragraphs or more, and ARTICLE_WORDS words or ARTICLE_SENTENCES sentences). Two
    short lines are a remark about the thread's article, not an article."""
    if content.files or find_links(content.text):
        return True
    text = readable(content.text)
    if not has_article_text(text):
        return False
    try:
        document = segment(text)
    except CheckdupesError:
        return False
    words = sum(len(p.text.split()) for p in document.paragraphs)
    sentences = sum(len(p.sentences) for p in document.paragraphs)
    return words >= ARTICLE_WORDS or sentences >= ARTICLE_SENTENCES


def _limit(documents: Sequence[Document]) -> list[Document]:
    if len(documents) > MAX_ARTICLES:
        raise UnsupportedInput(_too_many("articles"))
    return list(documents)


def _too_many(what: str) -> str:
    return f"I compare at most {MAX_ARTICLES} articles at a time; send one or two {what}."


def _file_name(file: Mapping[str, Any]) -> str:
    return str(file.get("name") or file.get("title") or file.get("id") or "file")


def readable(text: str) -> str:
    """Message text as the checks read it: mentions out, invisible characters dropped (the
    rest of the markup is read by segmentation, after the links have been found)."""
    return normalize_spaces(strip_user_mentions(text))
