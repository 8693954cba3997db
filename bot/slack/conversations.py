"""What the archive needs to know from Slack about where a story was checked: the permalink
of the message it was read from, and whether the conversation is private.

Both are asked only when an archive is configured. Privacy fails closed: a conversation whose
kind cannot be told is taken for private, so its stories are never shown elsewhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.cache import TTLCache
from bot.slack.logfmt import kv

log = logging.getLogger("bot.slack.conversations")

# DMs (D…) and group DMs or old private channels (G…) are private by their id alone.
_PRIVATE_PREFIXES = ("D", "G")
# A public channel can be made private: ask again after this long.
PRIVACY_TTL_S = 600.0


class Conversations:
    def __init__(
        self,
        client: WebClient,
        *,
        ttl_s: float = PRIVACY_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._private: TTLCache[str, bool] = TTLCache(ttl_s, max_size=10_000, clock=clock)

    def permalink(self, channel: str, ts: str | None) -> str | None:
        """The message's permalink (chat.getPermalink); None when there is no message or
        Slack will not say (the story is then known by its content: archive.story_link)."""
        if ts is None:
            return None
        try:
            response = self._client.chat_getPermalink(channel=channel, message_ts=ts)
        except Exception as error:  # the report goes out all the same
            log.warning(kv(event="permalink_failed", channel=channel, ts=ts,
                           error=_slack_error(error)))
            return None
        link = response.get("permalink")
        return str(link) if link else None

    def is_private(self, channel: str) -> bool:
        """A DM, a group DM or a private channel. Channels whose id does not tell are looked
        up with conversations.info (scope channels:read), once per PRIVACY_TTL_S."""
        if channel.startswith(_PRIVATE_PREFIXES):
            return True
        known = self._private.get(channel)
        if known is not None:
            return known
        try:
            info = self._client.conversations_info(channel=channel)["channel"] or {}
        except Exception as error:
            # missing_scope, or a private channel the scopes do not cover: fail closed, and
            # ask again next time rather than remembering a guess.
            log.warning(kv(event="privacy_unknown", channel=channel, error=_slack_error(error)))
            return True
        private = bool(info.get("is_private") or info.get("is_im") or info.get("is_mpim"))
        self._private.put(channel, private)
        return private


def _slack_error(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__
