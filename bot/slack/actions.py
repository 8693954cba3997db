"""The report's buttons, and an edited DM checked again.

A button's value is a report id (and a group number): what it needs is the ReportRecord the
checker saved under that id in the feedback store, so any process that reaches the store can
answer, in Redis mode too. "Check again" and edits go through CheckService like any request
(a worker updates the report in place); the other buttons answer here, at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.archive import ArchiveError
from bot.archive.feedback import FeedbackStore, GroupRecord, ReportRecord
from bot.render.clean import clean_paragraphs
from bot.render.labels import KIND_WORDS, article_letter, paragraph_label
from bot.render.slack import mark_group, unmark_group
from bot.slack.logfmt import kv
from bot.slack.request import CheckRequest, Content, delivery_keys
from bot.slack.service import CheckService
from bot.slack.users import Users

log = logging.getLogger("bot.actions")

Payload = Mapping[str, Any]
# Bolt's respond(): posts through the payload's response_url (ephemeral: the clicker alone).
Respond = Callable[..., Any]

GONE = ("I no longer have what this report showed (reports are kept 30 days): "
        "check the article again to get a new one.")
NOT_YOURS = ("Only the person who asked for this check, or a workspace admin, can undo "
             "\u201cnot a repeat\u201d.")


class ReportActions:
    def __init__(
        self, client: WebClient, feedback: FeedbackStore, service: CheckService, users: Users
    ) -> None:
        self._client = client
        self._feedback = feedback
        self._service = service
        self._users = users

    # -- per group --------------------------------------------------------------------------

    def not_a_repeat(self, body: Payload, respond: Respond) -> None:
        """Remember the group's pairs as not repeats for this workspace; mark the report."""
        found = self._group(body, respond)
        if found is None:
            return
        record, number, group = found
        user = _user(body)
        for a, b in group.pairs:
            self._feedback.add_verdict(record.team, record.text(a), record.text(b), user=user,
                                       report_id=record.id, group=number)
        log.info(kv(event="not_a_repeat", team=record.team, report=record.id, group=number,
                    user=user, pairs=len(group.pairs)))
        self._update(body, mark_group(_blocks(body), number, user or "someone", record.id))

    def undo(self, body: Payload, respond: Respond) -> None:
        found = self._group(body, respond)
        if found is None:
            return
        record, number, group = found
        user = _user(body)
        if user != record.asker and not self._users.is_admin(user):
            respond(text=NOT_YOURS, response_type="ephemeral", replace_original=False)
            return
        for a, b in group.pairs:
            self._feedback.remove_verdict(record.team, record.text(a), record.text(b))
        log.info(kv(event="not_a_repeat_undone", team=record.team, report=record.id,
                    group=number, user=user))
        self._update(body, unmark_group(_blocks(body), number, record.id))

    # -- per report -------------------------------------------------------------------------

    def cleaned_copy(self, body: Payload, respond: Respond) -> None:
        """The article with the suggested cuts applied (groups marked "not a repeat" kept),
        as a text snippet in the report's thread."""
        record = self._record(body, respond)
        if record is None:
            return
        marked = self._feedback.marked_groups(record.id)
        groups = [g for n, g in enumerate(record.groups) if n not in marked]
        cut = {ref for g in groups for ref in g.cut}
        texts = clean_paragraphs(record.paragraphs, cut)
        if len(texts) == 1:
            content = texts[0]
        else:
            content = "\n".join(
                f"=== {article_letter(d)}: {record.titles[d]} ===\n\n{text}"
                for d, text in enumerate(texts)
            )
        names = ", ".join(paragraph_label(r, len(texts)) for r in sorted(cut)) or "nothing"
        self._upload(record, content, "cleaned-copy.txt", "Cleaned copy",
                     f"Cleaned copy for <@{_user(body)}>: cut {names}.")

    def show_passages(self, body: Payload, respond: Respond) -> None:
        """Every group's passages in full, as a text snippet in the report's thread."""
        record = self._record(body, respond)
        if record is None:
            return
        self._upload(record, passages_text(record), "passages.txt", "Passages in full",
                     f"The passages in full, for <@{_user(body)}>.")

    def check_again(self, body: Payload, respond: Respond, *, ack_ms: float | None = None,
                    received: float | None = None) -> None:
        """Check what the report answered again; the report is updated in place."""
        record = self._record(body, respond)
        if record is None:
            return
        request = CheckRequest.from_payload(record.request)
        self._service.submit(replace(
            request, entry="recheck", replaces=record.id, event_id=None,
            content=self._current(request) or request.content,
            dedupe_keys=delivery_keys(trigger_id=body.get("trigger_id")),
            response_url=body.get("response_url") or request.response_url,
            ack_ms=ack_ms, received=received or time.perf_counter(), queued_at=None,
        ))

    def _current(self, request: CheckRequest) -> Content | None:
        """The checked message as it is now (it may have been edited since: edits in channels
        are not delivered to the bot). None: a slash command's text, which is in no message,
        or a message Slack will not give back (then the text checked before is used)."""
        ts = request.message_ts
        if request.entry not in ("mention", "dm", "shortcut") or ts is None:
            return None
        thread = request.thread_ts if request.thread_ts not in (None, ts) else None
        try:
            if thread is not None:  # a reply: find it in its thread
                response = self._client.conversations_replies(
                    channel=request.channel, ts=thread, limit=200)
            else:
                response = self._client.conversations_history(
                    channel=request.channel, latest=ts, inclusive=True, limit=1)
        except SlackApiError as error:
            log.info(kv(event="reread_failed", channel=request.channel,
                        error=error.response.get("error")))
            return None
        found = [m for m in response.get("messages") or [] if m.get("ts") == ts]
        if not found:
            return None
        message = found[0]
        return Content(message.get("text") or "", tuple(message.get("files") or ()))

    # -- an edited direct message -----------------------------------------------------------

    def edited(self, event: Payload, body: Payload, *, ack_ms: float | None = None,
               received: float | None = None) -> None:
        """A DM the bot answered was edited: check the new text, update the report."""
        message = event.get("message") or {}
        previous = event.get("previous_message") or {}
        channel, ts = event.get("channel"), message.get("ts")
        if not channel or not ts or message.get("bot_id") or message.get("subtype"):
            return
        # Slack also sends message_changed when a thread reply is added under the message
        # (its reply count changes): only a new text is an edit.
        if message.get("text") == previous.get("text") and message.get("files") == previous.get(
            "files"
        ):
            return
        try:
            record = self._feedback.report_for_message(str(channel), str(ts))
        except ArchiveError:
            log.warning(kv(event="feedback_failed", step="edit", channel=channel))
            return
        if record is None:
            return  # not a message the bot answered (or answered too long ago)
        self._service.submit(CheckRequest(
            entry="edit",
            channel=str(channel),
            content=Content(message.get("text") or "", tuple(message.get("files") or ())),
            team=body.get("team_id") or record.team,
            user=message.get("user") or record.asker,
            thread_ts=record.thread_ts,
            message_ts=str(ts),
            event_id=body.get("event_id"),
            dedupe_keys=delivery_keys(event_id=body.get("event_id")),
            ack_ms=ack_ms,
            received=received or time.perf_counter(),
            replaces=record.id,
        ))

    # -- plumbing ---------------------------------------------------------------------------

    def _record(self, body: Payload, respond: Respond) -> ReportRecord | None:
        report_id = _value(body).split(":", 1)[0]
        record = self._feedback.report(report_id) if report_id else None
        if record is None:
            respond(text=GONE, response_type="ephemeral", replace_original=False)
        return record

    def _group(
        self, body: Payload, respond: Respond
    ) -> tuple[ReportRecord, int, GroupRecord] | None:
        record = self._record(body, respond)
        if record is None:
            return None
        try:
            number = int(_value(body).split(":", 1)[1])
            return record, number, record.groups[number]
        except (IndexError, ValueError):
            respond(text=GONE, response_type="ephemeral", replace_original=False)
            return None

    def _update(self, body: Payload, blocks: list[dict[str, Any]]) -> None:
        container = body.get("container") or {}
        message = body.get("message") or {}
        self._client.chat_update(
            channel=str(container.get("channel_id") or (body.get("channel") or {}).get("id")),
            ts=str(container.get("message_ts") or message.get("ts")),
            text=message.get("text") or "checkdupes report",
            blocks=blocks,
        )

    def _upload(self, record: ReportRecord, content: str, filename: str, title: str,
                comment: str) -> None:
        # files upload v2: files.getUploadURLExternal, the upload, files.completeUploadExternal.
        self._client.files_upload_v2(
            channel=record.channel, thread_ts=record.thread_ts, content=content,
            filename=filename, title=title, snippet_type="text", initial_comment=comment,
        )


def passages_text(record: ReportRecord) -> str:
    """The groups with every passage in full: what "Show passages" uploads."""
    documents = len(record.paragraphs)
    parts = []
    for number, group in enumerate(record.groups, 1):
        names = " = ".join(paragraph_label(r, documents) for r in group.paragraphs)
        kinds = ", ".join(KIND_WORDS.get(k, k) for k in group.kinds)
        cut = ", ".join(paragraph_label(r, documents) for r in group.cut)
        lines = [f"{number}. {names} ({kinds})" + (f": cut {cut}" if cut else "")]
        lines += [f"\n{paragraph_label(r, documents)}\n{record.text(r)}" for r in group.paragraphs]
        parts.append("\n".join(lines))
    return "\n\n\n".join(parts) + "\n"


def _value(body: Payload) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _user(body: Payload) -> str | None:
    user = (body.get("user") or {}).get("id")
    return str(user) if user else None


def _blocks(body: Payload) -> list[dict[str, Any]]:
    return list((body.get("message") or {}).get("blocks") or [])

