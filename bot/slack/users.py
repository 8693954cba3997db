"""Who may look after the archive: a workspace admin or owner, asked of users.info.

Fails closed: a user Slack will not describe (no ``users:read`` scope, a deactivated
account, Slack down) is not an admin.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.logfmt import kv

log = logging.getLogger("bot.slack.users")


class Users:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def is_admin(self, user: str | None) -> bool:
        """A workspace admin, owner or primary owner (users.info, scope users:read). Asked
        each time: it is one call per archive command, and a revoked admin stops at once."""
        if not user:
            return False
        try:
            info = self._client.users_info(user=user)["user"] or {}
        except Exception as error:
            reason = error.response.get("error") if isinstance(error, SlackApiError) else None
            log.warning(kv(event="admin_unknown", user=user,
                           error=reason or type(error).__name__))
            return False
        return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
