"""Answering one request in Slack: thread replies (or the ephemeral fallback), the 👀/✅/⚠️
reactions, and the request's log line.

Both sides use it: the web process to say "busy" or "something went wrong" when it could not
queue a request, the workers (threads or processes) to post the report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.core.timing import ms
from bot.render.slack import Message, error_message, text_message
from bot.slack.logfmt import kv
from bot.slack.request import CheckRequest

log = logging.getLogger("bot.requests")

# chat.postMessage errors that mean "not here", where an ephemeral reply still reaches the user.
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
WORKING, DONE, FAILED = "eyes", "white_check_mark", "warning"
# Slack accepts at most five posts to one response_url.
RESPONSE_URL_USES = 5


@dataclass
class Outcome:
    """What happened, for the request's log line."""

    result: str = "ok"
    paragraphs: int | None = None
    pairs: int | None = None
    sentence_pairs: int | None = None
    seen_before: int | None = None  # None: no archive
    messages: int = 0
    queue_ms: float | None = None
    analysis_ms: float | None = None
    slack_error: str | None = None


class Replier:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def finish(
        self,
        request: CheckRequest,
        react_ts: str | None,
        messages: Sequence[Message],
        reaction: str,
        outcome: Outcome,
        *,
        replacing: Sequence[str] = (),
        on_posted: Callable[[list[str]], None] | None = None,
    ) -> list[str]:
        """Post ``messages`` for ``request``, then swap its 👀 for ``reaction``; never raises.

        ``replacing``: the ts of an earlier report's messages, updated in place (chat.update)
        instead of posting new ones; a longer report posts the rest, a shorter one deletes
        the surplus. Returns the ts of the thread messages now holding ``messages`` (none
        for an ephemeral answer or a failure). ``on_posted`` gets them before the ✅: once the
        user sees it, what the report's buttons need must be kept already.
        """
        posted: list[str] = []
        try:
            outcome.messages, posted = self._deliver(request, messages, replacing)
        except SlackApiError as error:
            outcome.slack_error = str(error.response.get("error"))
            reaction = FAILED
            log.warning(kv(event="reply_failed", entry=request.entry, channel=request.channel,
                           ts=request.message_ts, error=outcome.slack_error))
            self._tell_slack_refused(request, outcome.slack_error)
        except Exception:
            reaction = FAILED
            log.exception(kv(event="reply_failed", entry=request.entry, channel=request.channel))
        if posted and on_posted is not None:
            on_posted(posted)
        self.unreact(request.channel, react_ts, WORKING)
        self.react(request.channel, react_ts, reaction)
        return posted

    def post_parent(self, request: CheckRequest, parent: Message) -> CheckRequest:
        """A slash command cannot start a thread: post a parent message to answer under."""
        try:
            response = self._client.chat_postMessage(channel=request.channel, **parent)
        except SlackApiError as error:
            if error.response.get("error") not in CANNOT_POST or not request.response_url:
                raise
            return request  # thread_ts stays None: the report goes back ephemerally
        ts = str(response["ts"])
        return replace(request, thread_ts=ts, message_ts=ts)

    def react(self, channel: str, ts: str | None, name: str) -> None:
        self._reaction("reactions_add", channel, ts, name)

    def unreact(self, channel: str, ts: str | None, name: str) -> None:
        self._reaction("reactions_remove", channel, ts, name)

    def log(self, request: CheckRequest, outcome: Outcome) -> None:
        log.info(kv(
            event="request",
            entry=request.entry,
            result=outcome.result,
            team=request.team,
            channel=request.channel,
            user=request.user,
            ts=request.message_ts,
            event_id=request.event_id,
            ack_ms=request.ack_ms,
            queue_ms=outcome.queue_ms,
            analysis_ms=outcome.analysis_ms,
            total_ms=ms(time.perf_counter() - request.received),
            paragraphs=outcome.paragraphs,
            pairs=outcome.pairs,
            sentence_pairs=outcome.sentence_pairs,
            seen_before=outcome.seen_before,
            messages=outcome.messages,
            slack_error=outcome.slack_error,
        ))

    def _tell_slack_refused(self, request: CheckRequest, error: str) -> None:
        """Say why no report came, in a short message that has a chance where the long failed."""
        try:
            self._deliver(request, [error_message(
                f"Slack refused my reply ({error}), so the report could not be shown. "
                "Please try again in a minute."
            )])
        except Exception:
            log.debug(kv(event="reply_failed_again", channel=request.channel), exc_info=True)

    def _deliver(
        self, request: CheckRequest, messages: Sequence[Message], replacing: Sequence[str] = ()
    ) -> tuple[int, list[str]]:
        """Post in the thread, or ephemerally through response_url where that is the only way.

        Returns how many messages went out and the ts of those in the thread."""
        if request.thread_ts is not None:
            posted: list[str] = []
            for sent, message in enumerate(messages):
                try:
                    if sent < len(replacing) and self._update(request, replacing[sent], message):
                        posted.append(replacing[sent])
                        continue
                    response = self._client.chat_postMessage(
                        channel=request.channel,
                        thread_ts=request.thread_ts,
                        unfurl_links=False,
                        unfurl_media=False,
                        **message,
                    )
                    posted.append(str(response.get("ts") or ""))
                except SlackApiError as error:
                    if error.response.get("error") not in CANNOT_POST or not request.response_url:
                        raise
                    return sent + self._respond(request.response_url, messages[sent:]), posted
            for surplus in replacing[len(messages):]:
                self._delete(request.channel, surplus)
            return len(messages), posted
        if request.response_url:
            return self._respond(request.response_url, messages), []
        raise RuntimeError("a request with neither a thread nor a response_url")

    def _update(self, request: CheckRequest, ts: str, message: Message) -> bool:
        """chat.update one message of an earlier report; False when it is gone (deleted)."""
        try:
            self._client.chat_update(channel=request.channel, ts=ts, **message)
        except SlackApiError as error:
            if error.response.get("error") in ("message_not_found", "cant_update_message"):
                return False
            raise
        return True

    def _delete(self, channel: str, ts: str) -> None:
        try:
            self._client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            log.debug(kv(event="delete_failed", channel=channel, error=error.response.get("error")))

    def _respond(self, response_url: str, messages: Sequence[Message]) -> int:
        # The bot token never goes to response_url: the URL is its own credential.
        webhook = WebhookClient(response_url, timeout=10)
        if len(messages) > RESPONSE_URL_USES:
            messages = [*messages[: RESPONSE_URL_USES - 1], text_message(
                "…the rest of the report does not fit in a reply only you can see. "
                "Invite me to the channel (`/invite @checkdupes`) to get it in full."
            )]
        for message in messages:
            response = webhook.send(
                text=message["text"],
                blocks=message["blocks"],
                response_type="ephemeral",
                replace_original=False,
            )
            if response.status_code != 200:
                raise RuntimeError(f"response_url answered HTTP {response.status_code}")
        return len(messages)

    def _reaction(self, method: str, channel: str, ts: str | None, name: str) -> None:
        """Reactions are a courtesy: a failure (no access, already there) never stops a reply."""
        if ts is None:
            return
        try:
            getattr(self._client, method)(channel=channel, timestamp=ts, name=name)
        except SlackApiError as error:
            log.debug(kv(event="reaction_failed", method=method, name=name,
                         error=error.response.get("error")))
        except Exception:
            log.warning(kv(event="reaction_failed", method=method, name=name), exc_info=True)

