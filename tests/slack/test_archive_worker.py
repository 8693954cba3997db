"""Seen before with REDIS_URL: each ``python -m bot worker`` opens the archive at startup and
checks with it; the web processes open it too, for `/checkdupes archive` and `forget`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.archive import open_archive
from bot.settings import Settings
from bot.slack.scale.worker import StartupError, start_worker
from tests.slack.fake_slack import FakeSlack, permalink
from tests.slack.harness import DONE, TOKEN, USER, new_id, section_texts
from tests.slack.redis_server import scratch_queue
from tests.slack.scale_out import running_scale_out
from tests.stories import FIRE, FOLLOW_UP


def test_workers_check_with_the_archive_and_web_processes_answer_its_commands(
    redis_url: str, tmp_path: Path
) -> None:
    path = str(tmp_path / "archive.sqlite3")
    workers = {"CHECKDUPES_ARCHIVE": path,
               "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:archive_encoder"}
    with (
        scratch_queue(redis_url) as queue,
        running_scale_out(redis_url, queue, tmp_path, workers=1, worker_env=workers,
                          CHECKDUPES_ARCHIVE=path) as cluster,
    ):
        first, second = cluster.webs
        ts, _ = first.mention(FIRE, channel="C1")
        assert first.finished(ts, timeout=20) == DONE

        later, _ = second.mention(FOLLOW_UP, channel="C2")
        assert second.finished(later, timeout=20) == DONE

        (reply,) = second.replies(later)
        assert "1 seen before" in section_texts(reply.blocks)[0]
        assert permalink("C1", ts) in reply.body["text"]
        cluster.fake.set_user(USER, is_admin=True)  # only admins switch the archive
        name = new_id("cmd")
        second.command("archive off", channel="C2", response_url=cluster.fake.response_url(name))
        (answer,) = cluster.fake.wait_for("respond", name=name)
        assert "Archiving is *off*" in answer.body["text"]
    archive = open_archive(None, path)
    assert archive is not None
    assert not archive.channel_archiving("T0001", "C2")  # the web process wrote it
    assert len(archive.list("T0001")) == 2  # the worker kept both checks
    # ... with who asked for them, so that the asker may forget them.
    assert archive.forget("T0001", permalink("C1", ts), asked_by="U0SOMEONE") == 0
    assert archive.forget("T0001", permalink("C1", ts), asked_by=USER) == 1
    archive.close()


def test_a_worker_whose_archive_cannot_be_opened_does_not_start(
    redis_url: str, tmp_path: Path
) -> None:
    fake = FakeSlack(TOKEN).start()
    try:
        settings = Settings.from_env({
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_BASE_URL": fake.base_url,
            "REDIS_URL": redis_url,
            "CHECKDUPES_ARCHIVE": str(tmp_path / "no" / "such" / "folder" / "a.sqlite3"),
            "CHECKDUPES_ENCODER_FACTORY": "tests.fakes:no_encoder",  # never reached
        }, worker=True)
        with pytest.raises(StartupError, match="cannot open the archive"):
            start_worker(settings)
    finally:
        fake.close()
