"""Erasures reach the copies: a person erased in the database is erased in its copies too.

The copies atelier keeps itself hold personal data (names, chat ids and phone numbers,
conversations, queued messages): the daily copies in BACKUP_DIR and the database a restore
replaced (``….before-restore``). Once a day, everyone erased in the database (on request
or after RETENTION_MONTHS) is erased in each of them with the same rules
(:func:`core.seats.privacy.erase_person`), and a backup put back by ``atelier restore``
first loses everyone erased in the database it replaces. A person is matched by id and
first-contact time, so a copy of another database is never touched.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.schedule.backup import BEFORE_RESTORE, DAILY_NAME, compact, remove_leftovers
from core.seats.privacy import ERASED_PREFIX, erase_person
from models import Database, Person

log = logging.getLogger(__name__)

Someone = tuple[int, str]
"""A person as stored: id and first-contact time."""


def kept_copies(database: Path, directory: Path | None) -> list[Path]:
    """The copies atelier keeps of ``database``: the daily ones in ``directory`` and the
    one a restore set aside."""
    found = [database.with_name(f"{database.name}{BEFORE_RESTORE}")]
    if directory is not None and directory.is_dir():
        found.extend(path for path in directory.iterdir() if DAILY_NAME.fullmatch(path.name))
    return sorted(path for path in found if path.is_file())


def erased_in(database: Path) -> frozenset[Someone]:
    """Everyone erased in the SQLite ``database``."""
    return frozenset(_people(database, erased=True))


def tidy_copies(
    database: Path,
    directory: Path | None,
    keep_days: int,
    wall_time: float,
    now: datetime,
    offer_minutes: int,
) -> int:
    """Daily: delete leftovers and copies past ``keep_days`` days, then erase in the other
    copies everyone erased in ``database``; return how many erasures that took.

    Blocking (it runs its own event loop): call it in a thread.
    """
    if not database.is_file():
        return 0
    remove_leftovers(database, directory, keep_days, wall_time)
    return erase_in_copies(
        erased_in(database), kept_copies(database, directory), now, offer_minutes
    )


def erase_in_copies(
    erased: frozenset[Someone], copies: Iterable[Path], now: datetime, offer_minutes: int
) -> int:
    """Erase ``erased`` in each copy where they are not yet; return how many erasures.
    A copy that cannot be read or changed is logged and left for the next day. Blocking."""
    done = 0
    for copy in copies:
        try:
            done += erase_in_copy(erased, copy, now, offer_minutes)
        except (OSError, sqlite3.Error, SQLAlchemyError) as error:
            log.error("backup: erasing in %s failed (%s)", copy.name, type(error).__name__)
    if done:
        log.info("backup: %d erasures were applied to the kept copies", done)
    return done


def erase_in_copy(erased: frozenset[Someone], copy: Path, now: datetime, offer_minutes: int) -> int:
    """Erase ``erased`` in ``copy``, then rewrite it without the freed pages; its time
    stamp is kept (it says how old the copy is). Blocking."""
    ids = [
        person_id
        for person_id, created in _people(copy, erased=False)
        if (person_id, created) in erased
    ]
    if not ids:
        return 0
    stamp = copy.stat()
    asyncio.run(_erase(copy, ids, now, offer_minutes))
    compact(copy)
    os.utime(copy, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    return len(ids)


async def _erase(copy: Path, ids: list[int], now: datetime, offer_minutes: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{copy}")
    try:
        async with db.transaction() as session:
            people = await session.execute(select(Person).where(Person.id.in_(ids)))
            for person in list(people.scalars()):
                await erase_person(session, person, now, offer_minutes)
    finally:
        await db.dispose()


def _people(path: Path, *, erased: bool) -> list[Someone]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT id, created_at FROM people WHERE (external_id LIKE ?) = ?",
            (f"{ERASED_PREFIX}%", erased),
        ).fetchall()
    finally:
        connection.close()
    return [(int(person_id), str(created)) for person_id, created in rows]
