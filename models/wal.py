"""SQLite's write-ahead log copied into the database file off the event loop's thread.

SQLite copies the WAL into the database file by itself (a checkpoint) once it holds 1,000
pages, inside the COMMIT that crossed the mark: the copy and two fsyncs. A conversation's
step commits in the event loop's own thread (:func:`models.sqlite_driver.run_here`), so each
such checkpoint stopped every update in hand, with the write lock held. In the conversation
benchmark (5,000 updates a run, a busy 2-core machine) 93 to 210 commits a run took over
3 ms in the event loop's thread, 4 to 35 over 10 ms, up to 25 ms; with the checkpoints
moved, 3 (none over 10 ms). Here the engine's connections never checkpoint on commit; every
``CHECKPOINT_EVERY_COMMITS`` commits a PASSIVE checkpoint runs in a worker thread on a
connection of its own (about 80 a run, 6 ms each at the median there). PASSIVE takes no
lock that writers need, so commits go on meanwhile; SQLite still copies the rest when the
last connection closes (:meth:`WalCheckpoints.close`, from :meth:`Database.dispose`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_COMMITS = 64
"""Commits between two checkpoints: a step writes a few dozen pages, so about two or three
thousand pages go into the file at each (SQLite's own mark is 1,000)."""


class WalCheckpoints:
    """The checkpoints of one engine's SQLite file, run in a worker thread."""

    def __init__(self, path: str, every: int = CHECKPOINT_EVERY_COMMITS) -> None:
        self.path = path
        self.every = every
        self.done = 0
        """Checkpoints run so far."""
        self._commits = 0
        self._task: asyncio.Task[None] | None = None
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def attach(cls, engine: AsyncEngine) -> WalCheckpoints | None:
        """Take over the checkpoints of ``engine``'s connections, when it is a SQLite file
        (None for anything else: PostgreSQL, a database in memory, a URI)."""
        path = engine.url.database
        if engine.dialect.name != "sqlite" or not path or path == ":memory:":
            return None
        if path.startswith("file:"):
            return None
        checkpoints = cls(path)
        event.listen(engine.sync_engine, "connect", checkpoints._on_connect)
        event.listen(engine.sync_engine, "commit", checkpoints._on_commit)
        return checkpoints

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    def _on_commit(self, connection: Any) -> None:
        """Count a commit; every ``every`` of them, start a checkpoint unless one runs."""
        self._commits += 1
        if self._commits < self.every:
            return
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: the next commit in one starts it
            return
        self._commits = 0
        self._task = loop.create_task(asyncio.to_thread(self._checkpoint))

    def _checkpoint(self) -> None:
        """In a worker thread: copy what the WAL holds into the file, without waiting."""
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(
                        f"file:{quote(self.path)}?mode=rw",
                        uri=True,
                        isolation_level=None,
                        check_same_thread=False,
                    )
                self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.done += 1
            except sqlite3.Error as error:  # tried again after the next commits
                log.warning("the WAL checkpoint failed (%s)", type(error).__name__)

    async def settled(self) -> None:
        """Return once the checkpoint started last, if any, has ended."""
        task = self._task
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            await asyncio.wait({task})

    async def close(self) -> None:
        """Let a running checkpoint end, then close the connection (the last one closed
        copies the rest of the WAL into the file)."""
        await self.settled()
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()
