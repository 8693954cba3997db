"""The seed article through the real model: the reply lists its three known repeats, and
the seed pasted three times still answers in at most two messages."""

from __future__ import annotations

from bot.core.analyze import Analyzer
from bot.render.slack import MAX_BLOCKS, MAX_SECTION_CHARS
from tests.conftest import shared_path
from tests.slack.harness import DONE, group_names, new_ts, running_app, section_texts


def _seed() -> str:
    seed = shared_path("seeds", "putin-trump-talks.txt").read_text(encoding="utf-8")
    # Slack escapes these three in message text; the bot must read them back.
    return seed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_seed_article_mention_lists_its_three_paraphrase_pairs(analyzer: Analyzer) -> None:
    parent = new_ts()

    with running_app(analyzer=analyzer) as slack:
        ts, _ = slack.mention(_seed(), thread_ts=parent)

        assert slack.finished(ts, timeout=30) == DONE
        replies = slack.replies(parent)
        assert replies and all(r.body["channel"] == "C0NEWS" for r in replies)
    texts = [t for r in replies for t in section_texts(r.blocks)]
    assert {g for r in replies for g in group_names(r.blocks)} == {
        "¶1 = ¶2", "¶5 = ¶6", "¶11 = ¶12"
    }
    assert texts[0] == "3 repeats to cut"


def test_the_seed_pasted_three_times_fits_in_two_messages(analyzer: Analyzer) -> None:
    seed = _seed().strip()
    pasted = "\n".join([seed, seed, seed])

    with running_app(analyzer=analyzer) as slack:
        ts, _ = slack.mention(pasted)

        assert slack.finished(ts, timeout=60) == DONE
        replies = slack.replies(ts)
    assert 1 <= len(replies) <= 2
    for reply in replies:
        assert len(reply.blocks) <= MAX_BLOCKS
        assert all(len(t) <= MAX_SECTION_CHARS for t in section_texts(reply.blocks))
    names = {g for r in replies for g in group_names(r.blocks)}
    first = next(n for n in names if n.startswith("¶1 = "))
    assert {"¶14", "¶27"} <= set(first.split(" = "))  # each copy is in its paragraph's group
    texts = [t for r in replies for t in section_texts(r.blocks)]
    assert texts[0].endswith("repeats to cut")
    # Exact copies are shown once, not three times.
    groups = "\n".join(t for t in texts if t.split(" ", 1)[0] in ("🔁", "♻️", "📝", "⚖️"))
    assert groups.count(seed.split("\n")[0][:80]) == 1
