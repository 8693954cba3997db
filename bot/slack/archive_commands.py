"""`/checkdupes archive [on|off]` and `/checkdupes forget <link>`: the archive's per-channel
switch and its delete, answered to the person who asked alone.

Who may do what: anyone sees a channel's switch; only a workspace admin (or owner) turns it
on or off; a story is forgotten by the person who asked for its check or by an admin. The
refusal to forget reads the same whether the story is someone else's or not there at all,
so nobody learns that a link was checked in a private channel or a DM they cannot see.

The web process answers them itself (they touch the archive, never the model), so this runs
wherever commands arrive, with Redis or without.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Literal

from bot.archive import Archive
from bot.core.markup import unwrap_link
from bot.render.slack import Message, escape, text_message
from bot.slack.logfmt import kv
from bot.slack.users import Users

log = logging.getLogger("bot.archive")

Action = Literal["status", "on", "off", "forget"]

# Whole-text matches only: an article that happens to start with "Archive" or "Forget" has
# more words (and paragraphs) than these, and is checked as usual.
_ARCHIVE = re.compile(r"\s*archive(?:\s+(on|off))?\s*", re.IGNORECASE)
_FORGET = re.compile(r"\s*forget(?:\s+(.+?))?\s*", re.IGNORECASE)  # one line: no DOTALL

NO_ARCHIVE = (
    "🗄️ The archive is off for this bot: no checked stories are kept, so there is nothing "
    "to switch on or off or to forget. (Whoever runs the bot turns it on with "
    "`CHECKDUPES_ARCHIVE` or `DATABASE_URL`.)"
)
FAILED = "⚠️ The archive could not be reached just now. Please try again in a minute."
ADMINS_ONLY = (
    "Only a workspace admin can switch archiving on or off in a channel. `/checkdupes archive` "
    "shows whether it is on here."
)


@dataclass(frozen=True)
class ArchiveCommand:
    action: Action
    link: str | None = None  # forget: the story's link (None: the user gave none)


def parse_archive_command(text: str) -> ArchiveCommand | None:
    """The archive command `text` is, or None when it is something to check."""
    switch = _ARCHIVE.fullmatch(text)
    if switch:
        word = (switch.group(1) or "status").lower()
        return ArchiveCommand("on" if word == "on" else "off" if word == "off" else "status")
    forget = _FORGET.fullmatch(text)
    if forget:
        return ArchiveCommand("forget", _plain_link(forget.group(1)))
    return None


class ArchiveCommands:
    def __init__(self, archive: Archive | None, users: Users | None = None) -> None:
        self._archive = archive
        # None: nobody is an admin (tests, or a bot without a client to ask).
        self._users = users

    def answer(
        self, command: ArchiveCommand, *, team: str, channel: str, user: str | None = None
    ) -> Message:
        """Do what `command` asks in this team and channel for `user`; the reply, never an
        exception."""
        if self._archive is None:
            return text_message(NO_ARCHIVE)
        try:
            return text_message(self._run(self._archive, command, team, channel, user))
        except Exception as error:
            log.warning(kv(event="archive_command_failed", action=command.action, team=team,
                           channel=channel, error=type(error).__name__), exc_info=True)
            return text_message(FAILED)

    def _run(
        self, archive: Archive, command: ArchiveCommand, team: str, channel: str,
        user: str | None,
    ) -> str:
        if command.action == "forget":
            return self._forget(archive, team, command.link, user)
        if command.action != "status":
            if not self._is_admin(user):
                log.info(kv(event="channel_archiving_refused", team=team, channel=channel,
                            user=user))
                return ADMINS_ONLY
            archive.set_channel_archiving(team, channel, command.action == "on")
            log.info(kv(event="channel_archiving", team=team, channel=channel, user=user,
                        on=command.action == "on"))
        on = archive.channel_archiving(team, channel)
        return _switch_text(on, archive.retention_days)

    def _forget(self, archive: Archive, team: str, link: str | None, user: str | None) -> str:
        if not link:
            return (
                "Which story? `/checkdupes forget &lt;link&gt;` with the link shown under "
                "*Seen before* (an article's address, or a Slack message's link)."
            )
        admin = self._is_admin(user)
        if admin:
            removed = archive.forget(team, link)
        else:
            # "" matches no story: without a user id nothing is anyone's to forget.
            removed = archive.forget(team, link, asked_by=user or "")
        log.info(kv(event="forget", team=team, user=user, admin=admin, removed=removed))
        shown = escape(link)
        if not removed:
            if not admin:  # the same words for "not yours" and "not there"
                return (
                    f"No story you asked me to check has the link {shown}. A story is "
                    "forgotten by the person who asked for its check, or by a workspace admin."
                )
            return (
                f"No story in the archive has the link {shown}. Use the link shown under "
                "*Seen before*."
            )
        stories = "story" if removed == 1 else "stories"
        return f"🗑️ Removed {removed} {stories} from the archive: {shown}"

    def _is_admin(self, user: str | None) -> bool:
        return self._users is not None and self._users.is_admin(user)


def _switch_text(on: bool, retention_days: int) -> str:
    if not on:
        return (
            "🗄️ Archiving is *off* in this channel: articles checked here are still compared "
            "with the archive, but no longer kept in it. Stories kept before stay until they "
            "expire or are forgotten (`/checkdupes forget &lt;link&gt;`). "
            "`/checkdupes archive on` turns it back on."
        )
    kept = f"for {retention_days} days" if retention_days else "until forgotten"
    return (
        f"🗄️ Archiving is *on* in this channel: articles checked here are kept {kept}, and "
        "later articles that repeat them show them under *Seen before*. "
        "`/checkdupes archive off` stops it."
    )


def _plain_link(raw: str | None) -> str | None:
    if not raw:
        return None
    # Slack escapes &, < and > in what it sends; the archive holds links as they are.
    return html.unescape(unwrap_link(raw))
