"""The archive of checked stories behind "seen before": one interface, two stores.

- SqliteArchive (bot.archive.sqlite_store): one file, no server; the CLI and small bots.
- PostgresArchive (bot.archive.postgres_store): PostgreSQL + pgvector (HNSW), shared.
Open one with open_archive() or ArchiveSettings.from_env(os.environ).open(); check and keep
an article with check_with_archive().
"""

from bot.archive.base import (
    LOCAL_TEAM,
    RETENTION_DAYS,
    Archive,
    ArchiveError,
    NewStory,
    StoryListing,
)
from bot.archive.check import archive_documents, check_with_archive, message_links, story_link
from bot.archive.settings import ENV_VARIABLES, ArchiveSettings, open_archive

__all__ = [
    "ENV_VARIABLES",
    "LOCAL_TEAM",
    "RETENTION_DAYS",
    "Archive",
    "ArchiveError",
    "ArchiveSettings",
    "NewStory",
    "StoryListing",
    "archive_documents",
    "check_with_archive",
    "message_links",
    "open_archive",
    "story_link",
]
