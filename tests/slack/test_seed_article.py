"""The seed article through the real model: the reply lists its three known repeats."""

from __future__ import annotations

import re

from bot.core.analyze import Analyzer
from tests.conftest import shared_path
from tests.slack.harness import DONE, new_ts, running_app, section_texts


def test_seed_article_mention_lists_its_three_paraphrase_pairs(analyzer: Analyzer) -> None:
    seed = shared_path("seeds", "putin-trump-talks.txt").read_text(encoding="utf-8")
    # Slack escapes these three in message text; the bot must read them back.
    text = seed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parent = new_ts()

    with running_app(analyzer=analyzer) as slack:
        ts, _ = slack.mention(text, thread_ts=parent)

        assert slack.finished(ts, timeout=30) == DONE
        replies = slack.replies(parent)
        assert replies and all(r.body["channel"] == "C0NEWS" for r in replies)
    texts = [t for r in replies for t in section_texts(r.blocks)]
    pairs = {m.group(1) for t in texts if (m := re.match(r"\*(¶\d+ ↔ ¶\d+)\*", t))}
    assert pairs == {"¶1 ↔ ¶2", "¶5 ↔ ¶6", "¶11 ↔ ¶12"}
    assert texts[0].startswith("3 repeated passages in 13 paragraphs")
