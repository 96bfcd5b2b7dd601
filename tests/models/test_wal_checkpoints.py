"""SQLite's WAL goes into the database file in a worker thread, never inside a commit of the
event loop's thread; nothing written is lost on the way, and nothing is left beside the file
once the database is closed."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from models import Database, Person

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PAGES_PAST_SQLITE_MARK = 1_200
"""More WAL pages than SQLite's automatic checkpoint lets pile up (1,000)."""


def person(number: int) -> dict[str, object]:
    return {
        "channel": "telegram",
        "external_id": str(number),
        "name": f"Personne {number} " + "x" * 3_000,  # about a page each
        "language": "fr",
        "unreachable": False,
        "created_at": NOW,
        "last_seen_at": NOW,
    }


def wal_pages(path: Path) -> int:
    """Pages written in the WAL beside ``path`` (read from its size, copying nothing: SQLite
    restarts the log from its start after a checkpoint, it never shortens it)."""
    wal = path.with_name(f"{path.name}-wal")
    header = wal.read_bytes()[:32]
    page_size = int.from_bytes(header[8:12], "big")
    return (wal.stat().st_size - 32) // (page_size + 24)  # each frame: a header and a page


async def write_people(db: Database, first: int, count: int) -> None:
    for number in range(first, first + count):
        async with db.transaction(brief=True) as session:  # a conversation's step
            await session.execute(insert(Person).values(**person(number)))


async def people(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Person))).scalar_one())


async def test_a_commit_in_the_event_loop_never_copies_the_wal(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        assert db.checkpoints is not None
        db.checkpoints.every = 10**9  # no checkpoint of ours: SQLite's own would come
        path = Path(str(make_url(sqlite_url).database))
        await write_people(db, 1, PAGES_PAST_SQLITE_MARK)
        assert wal_pages(path) > 1_000  # SQLite's own checkpoint would restart it at 1,000
    finally:
        await db.dispose()


async def test_the_worker_copies_the_wal_and_commits_go_on(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        checkpoints = db.checkpoints
        assert checkpoints is not None
        checkpoints.every = 100
        for first in range(1, 1_000, 100):
            await write_people(db, first, 100)  # the 100th commit starts one
            await checkpoints.settled()
        assert checkpoints.done == 10
        assert await people(db) == 1_000
    finally:
        await db.dispose()
    path = Path(str(make_url(sqlite_url).database))
    assert not path.with_name(f"{path.name}-wal").exists()  # all of it in the file
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM people").fetchone() == (1_000,)
    finally:
        connection.close()


async def test_checkpoints_never_make_a_database_that_is_not_there(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        assert db.checkpoints is not None
        await asyncio.to_thread(db.checkpoints._checkpoint)  # the file is missing: it fails
        assert db.checkpoints.done == 0
        assert not path.exists()
    finally:
        await db.dispose()


def test_a_database_in_memory_or_on_postgresql_keeps_its_own_ways() -> None:
    assert Database("sqlite+aiosqlite:///:memory:").checkpoints is None
    assert Database("postgresql+asyncpg://postgres@127.0.0.1:5432/x").checkpoints is None
