"""Backups of the SQLite database: a consistent copy while the bot runs, putting one back,
and the daily copies kept for ``BACKUP_DAYS`` in ``BACKUP_DIR``.

Copies use the standard library's online backup API (``sqlite3.Connection.backup``), which
reads a consistent snapshot while the bot keeps writing (the database is in WAL mode). For
PostgreSQL, use ``pg_dump`` and ``pg_restore`` (see the README).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from models.base import Base
from models.migrate import head_revision, known_revisions, upgrade

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
ATELIER_TABLES = frozenset({"alembic_version", "sessions", "bookings", "people", "outbox"})
DAILY_NAME = re.compile(r"atelier-(\d{4}-\d{2}-\d{2})\.db")
STALE_SECONDS = 3600.0
"""A temporary file this old was left by a copy or restore that was killed: removed."""
BUSY_SECONDS = 30.0
IN_USE_SECONDS = 2.0
"""How long a restore waits for the database to be free before it says the bot runs."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's own files beside a database: never a backup's name."""
PARTIAL = ".partial"
RESTORING = ".restoring"
BEFORE_RESTORE = ".before-restore"


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
    is not a sound atelier database.

    The copy is written to a temporary file beside ``target``, then renamed: ``target`` is
    never half-written, and the temporary file is removed whatever goes wrong.
    """
    if not source.is_file():
        raise FileNotFoundError(source)
    refuse_target(source, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _beside(target, PARTIAL) as partial:
        _copy(source, partial)
        if checked:
            check(partial)
        _replace(partial, target)


def refuse_target(source: Path, target: Path) -> None:
    """Refuse (``NotABackup``) a target that is a folder, the database, or a side file."""
    if target.is_dir():
        raise NotABackup(f"{target} is a folder: name the file, like {target / 'atelier.db'}")
    for name in (target.name, target.resolve().name):
        if name.endswith(SIDE_FILES):
            raise NotABackup(
                f"{target} is a SQLite side file name ({', '.join(SIDE_FILES)}): "
                "writing there would destroy the database's last changes"
            )
    if target.resolve() == source.resolve() or (
        target.exists() and os.path.samefile(target, source)
    ):
        raise NotABackup("a copy cannot be written over the database itself")


@contextmanager
def _beside(path: Path, suffix: str) -> Iterator[Path]:
    """A new, unique temporary path beside ``path``; removed (with its SQLite side files)
    unless it was renamed away."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (temporary, *_side_files(temporary)):
            leftover.unlink(missing_ok=True)


def _side_files(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(f"{path.name}{suffix}") for suffix in SIDE_FILES)


def _copy(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` into the empty file ``target``: one compact,
    self-contained file (no WAL, no free pages holding deleted rows)."""
    src = _connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    compact(target)


def compact(path: Path) -> None:
    """Make the SQLite database ``path`` one self-contained file without free pages (where
    deleted rows would linger)."""
    connection = _connect(path)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("VACUUM")
    finally:
        connection.close()


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


def check_revision(path: Path) -> None:
    """Refuse (``NotABackup``) a database whose schema revision this atelier does not know."""
    connection = _connect(path)
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise NotABackup(f"{path} has no readable schema revision ({error})") from None
    finally:
        connection.close()
    if len(rows) != 1 or not isinstance(rows[0][0], str):
        raise NotABackup(f"{path} has no schema revision")
    revision = rows[0][0]
    if revision not in known_revisions():
        raise NotABackup(
            f"{path} comes from a newer atelier (schema revision {revision} is unknown here): "
            "update atelier first, then restore"
        )


def check_schema(path: Path) -> None:
    """Refuse (``NotABackup``) a database at another revision than this atelier's latest,
    or missing a table or column of the models."""
    connection = _connect(path)
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        missing: list[str] = []
        for table in Base.metadata.sorted_tables:
            found = {row[1] for row in connection.execute(f'PRAGMA table_info("{table.name}")')}
            if not found:
                missing.append(table.name)
                continue
            missing.extend(f"{table.name}.{c.name}" for c in table.columns if c.name not in found)
    finally:
        connection.close()
    if revision is None or revision[0] != head_revision():
        raise NotABackup(f"{path} is at schema revision {revision and revision[0]}, not the latest")
    if missing:
        raise NotABackup(f"{path} is not a whole atelier database (missing: {', '.join(missing)})")


class DatabaseInUse(NotABackup):
    """The database is open elsewhere (the bot runs): nothing was changed."""


def restore(
    backup_file: Path, database: Path, *, prepare: Callable[[Path], None] | None = None
) -> Path | None:
    """Put ``backup_file`` back as ``database``; return where the database it replaced is
    kept (``….before-restore``), None if there was none.

    The backup is copied beside the database, brought up to date by the migrations,
    checked against the models, handed to ``prepare``, and only then renamed over the
    database: until that rename the database is untouched. The bot must be stopped
    (``DatabaseInUse`` otherwise).
    """
    if backup_file.resolve() == database.resolve():
        raise NotABackup("this file is the database itself")
    check(backup_file)
    check_revision(backup_file)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _beside(database, RESTORING) as ready, _beside(database, PARTIAL) as final:
        _copy(backup_file, ready)
        try:
            upgrade(f"sqlite+aiosqlite:///{ready}")
        except Exception as error:  # a migration that fails on this file's data
            raise NotABackup(f"{backup_file} could not be brought up to date ({error})") from None
        check_schema(ready)
        if prepare is not None:
            prepare(ready)
        _copy(ready, final)  # one self-contained file, without the migrations' WAL
        check(final)
        kept = _keep(database)
        if database.exists():
            _same_owner(database, final)
        _replace(final, database)
    return kept


def _replace(temporary: Path, path: Path) -> None:
    """Rename ``temporary`` over ``path`` in one step, and make the rename durable."""
    os.replace(temporary, path)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(folder)
    finally:
        os.close(folder)


def _same_owner(database: Path, replacement: Path) -> None:
    """Give ``replacement`` the database's permissions and, when allowed, its owner: the
    bot can open what a restore run by another user put back."""
    shutil.copymode(database, replacement)
    found = database.stat()
    with contextlib.suppress(OSError):
        os.chown(replacement, found.st_uid, found.st_gid)


def _keep(database: Path) -> Path | None:
    """Copy the database about to be replaced to ``….before-restore``, once nothing else
    has it open (its WAL emptied into it, so the rename leaves no stale side file). A
    damaged database is kept as it is, its side files beside it."""
    if not database.exists():
        return None
    kept = database.with_name(f"{database.name}{BEFORE_RESTORE}")
    try:
        connection = sqlite3.connect(database, timeout=IN_USE_SECONDS)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if error.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise DatabaseInUse(f"{database} is in use: stop the bot first") from None
        raise
    except sqlite3.DatabaseError:  # not a database, or a damaged one
        mode = None
    if mode is not None and mode[0] == "delete":
        backup_unchecked(database, kept)
        return kept
    if mode is not None:
        raise DatabaseInUse(f"{database} is in use: stop the bot first")
    shutil.copyfile(database, kept)
    for side, kept_side in zip(_side_files(database), _side_files(kept), strict=True):
        if side.exists():
            os.replace(side, kept_side)
    return kept


def remove_leftovers(
    database: Path, directory: Path | None, keep_days: int, wall_time: float
) -> list[Path]:
    """Delete what copies leave behind, personal data included: the temporary files of a
    copy or restore that was killed (beside the database, in ``directory``), and the
    database a restore set aside once ``keep_days`` days old. Return what was deleted."""
    temporary = re.compile(
        rf"\.(?:{re.escape(database.name)}|{DAILY_NAME.pattern})"
        rf"(?:{re.escape(BEFORE_RESTORE)})?(?:\..+)?\.(?:partial|restoring)(?:-wal|-shm|-journal)?"
    )
    old: list[Path] = []
    for folder in {database.parent, *([directory] if directory is not None else [])}:
        if folder.is_dir():
            old.extend(
                path
                for path in folder.iterdir()
                if temporary.fullmatch(path.name) and _age(path, wall_time) > STALE_SECONDS
            )
    kept = database.with_name(f"{database.name}{BEFORE_RESTORE}")
    if kept.is_file() and _age(kept, wall_time) > keep_days * 86400:
        old.extend([kept, *(side for side in _side_files(kept) if side.exists())])
    for path in old:
        path.unlink(missing_ok=True)
        log.info("backup: %s was deleted (left over, or past BACKUP_DAYS)", path.name)
    return old


def _age(path: Path, wall_time: float) -> float:
    try:
        return wall_time - path.stat().st_mtime
    except OSError:
        return 0.0


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
