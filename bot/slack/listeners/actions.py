"""The report's buttons (block_actions): ack at once, then ReportActions answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.archive import ArchiveError
from bot.render.slack import CHECK_AGAIN, CLEANED_COPY, NOT_A_REPEAT, SHOW_PASSAGES, UNDO
from bot.slack.actions import ReportActions
from bot.slack.listeners.timing import ms_since_received, received_at
from bot.slack.logfmt import kv

log = logging.getLogger("bot.actions")

FAILED = "Sorry, that did not work (it has been logged). Please try again in a minute."


def register(app: App, actions: ReportActions) -> None:
    def answer(step: Callable[[dict[str, Any], Respond], None]) -> Callable[..., None]:
        def listener(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
            ack()
            try:
                step(body, respond)
            except ArchiveError as error:
                log.warning(kv(event="action_failed", error=str(error)))
                respond(text=FAILED, response_type="ephemeral", replace_original=False)
            except Exception:
                log.exception(kv(event="action_failed"))
                respond(text=FAILED, response_type="ephemeral", replace_original=False)
        return listener

    app.action(NOT_A_REPEAT)(answer(actions.not_a_repeat))
    app.action(UNDO)(answer(actions.undo))
    app.action(CLEANED_COPY)(answer(actions.cleaned_copy))
    app.action(SHOW_PASSAGES)(answer(actions.show_passages))

    @app.action(CHECK_AGAIN)
    def on_check_again(ack: Ack, body: dict[str, Any], respond: Respond,
                       context: BoltContext) -> None:
        ack()
        try:
            actions.check_again(body, respond, ack_ms=ms_since_received(context),
                                received=received_at(context))
        except ArchiveError as error:
            log.warning(kv(event="action_failed", error=str(error)))
            respond(text=FAILED, response_type="ephemeral", replace_original=False)
