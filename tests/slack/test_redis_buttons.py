"""The buttons with REDIS_URL: a worker process posts the report and saves what its buttons
need; another web process answers "Not a repeat"; "Check again" goes back to a worker, which
updates the report in place without the marked group."""

from __future__ import annotations

from pathlib import Path

from tests.slack.harness import DONE, buttons, group_names, section_texts
from tests.slack.redis_server import scratch_queue
from tests.slack.scale_out import running_scale_out
from tests.slack.test_buttons import TWO_GROUPS


def test_any_process_answers_the_buttons_of_a_report_a_worker_posted(
    redis_url: str, tmp_path: Path
) -> None:
    store = str(tmp_path / "feedback.sqlite3")  # one machine: every process shares the file
    with (
        scratch_queue(redis_url) as queue,
        running_scale_out(redis_url, queue, tmp_path, workers=1,
                          worker_env={"CHECKDUPES_FEEDBACK": store},
                          CHECKDUPES_FEEDBACK=store) as cluster,
    ):
        first, second = cluster.webs
        ts, _ = first.mention(TWO_GROUPS)
        assert first.finished(ts, timeout=20) == DONE
        (report,) = first.replies(ts)
        report_ts = cluster.fake.posted_ts(report)

        second.block_action(report, buttons(report.blocks)["checkdupes_not_a_repeat"][0])
        (marked,) = cluster.fake.wait_for("chat.update", ts=report_ts)
        assert any("not a repeat* by" in t for t in section_texts(marked.blocks))

        first.block_action(marked, buttons(marked.blocks)["checkdupes_check_again"][0])
        checked = cluster.fake.wait_for("chat.update", 2, ts=report_ts, timeout=20)[-1]
    assert section_texts(checked.blocks)[0] == "🔄 Checked again."
    assert group_names(checked.blocks) == {"¶4 = ¶5"}
