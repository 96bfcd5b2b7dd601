"""Backups of the SQLite database: a consistent copy while the bot runs, putting one back,
and the daily copies kept for ``BACKUP_DAYS`` in ``BACKUP_DIR``.

Copies use the standard library's online backup API (``sqlite3.Connection.backup``), which
reads a consistent snapshot while the bot keeps writing (the database is in WAL mode). For
PostgreSQL, use ``pg_dump`` and ``pg_restore`` (see the README).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
ATELIER_TABLES = frozenset({"alembic_version", "sessions", "bookings", "people", "outbox"})
DAILY_NAME = re.compile(r"atelier-(\d{4}-\d{2}-\d{2})\.db")
BUSY_SECONDS = 30.0


class NotABackup(ValueError):
    """The file is not an atelier database (or is damaged): nothing was changed."""


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_SECONDS)


def backup(source: Path, target: Path) -> None:
    """Write a consistent copy of the atelier database ``source`` to ``target`` (replaced
    whole, once the copy is complete and checked)."""
    backup_unchecked(source, target, checked=True)


def backup_unchecked(source: Path, target: Path, *, checked: bool = False) -> None:
    """Copy any SQLite database ``source`` to ``target``; ``checked``: refuse a copy that
    is not a sound atelier database."""
    if not source.is_file():
        raise FileNotFoundError(source)
    if target.resolve() == source.resolve():
        raise NotABackup("a copy cannot be written over the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    src = _connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    if checked:
        try:
            check(partial)
        except NotABackup:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, target)


def check(path: Path) -> None:
    """Refuse (``NotABackup``) a file that is not a sound atelier database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise NotABackup(f"{path} cannot be read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise NotABackup(f"{path} is not a SQLite database")
    try:
        connection = _connect(path)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise NotABackup(f"{path} is damaged ({error})") from None
    if result is None or result[0] != "ok":
        raise NotABackup(f"{path} is damaged (integrity check: {result and result[0]})")
    missing = ATELIER_TABLES - tables
    if missing:
        raise NotABackup(f"{path} is not an atelier database (no {', '.join(sorted(missing))})")


def restore(backup_file: Path, database: Path) -> Path | None:
    """Put ``backup_file`` back as ``database``, after checking it; the database it replaces
    is kept beside it (``….before-restore``), whose path is returned (None if there was none).

    The bot should be stopped: the copy is written through SQLite, page by page under its
    write lock, so the database file and its WAL never disagree.
    """
    if backup_file.resolve() == database.resolve():
        raise NotABackup("this file is the database itself")
    check(backup_file)
    kept: Path | None = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore")
        if _is_sqlite_file(database):
            backup_unchecked(database, kept)
        else:
            os.replace(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    src = _connect(backup_file)
    try:
        dst = _connect(database)
        try:
            src.backup(dst)
            result = dst.execute("PRAGMA integrity_check").fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    if result is None or result[0] != "ok":
        raise NotABackup(f"{database} failed its integrity check after the restore")
    return kept


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def daily_backup(database_url: str, directory: Path, keep_days: int, today: date) -> Path | None:
    """Today's copy in ``directory`` (``atelier-YYYY-MM-DD.db``), once a day; copies older
    than ``keep_days`` days are deleted. None when there is no SQLite file to copy."""
    source = sqlite_file(database_url)
    if source is None or not source.is_file():
        return None
    target = directory / f"atelier-{today.isoformat()}.db"
    if not target.exists():
        backup(source, target)
        log.info("backup: the database was copied to %s", target)
    oldest = today - timedelta(days=keep_days)
    for path in directory.iterdir():
        found = DAILY_NAME.fullmatch(path.name)
        if found is None:
            continue
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            continue
        if day <= oldest:
            path.unlink(missing_ok=True)
            log.info("backup: %s is older than %d days and was deleted", path.name, keep_days)
    return target
