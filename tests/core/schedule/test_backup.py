"""Backups of the SQLite database: taken while people book, put back, run on; the daily
copies in BACKUP_DIR; files that are not atelier databases refused."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.delivery.tick import Engine
from core.schedule.backup import NotABackup, backup, check, restore, sqlite_file
from core.seats.organiser import register_walk_in
from core.seats.privacy import erase_person
from core.seats.reminders import ReminderRule
from models import Booking, BookingStatus, Database, Person, WorkshopSession
from models.migrate import head_revision
from tests.support.dashboard import dashboard_settings, running_dashboard
from tests.support.factories import NOW, add_session, make_settings


def atelier(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120
    )


def booking_ids(path: Path) -> set[int]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT id FROM bookings")}
    finally:
        connection.close()


async def test_a_backup_taken_while_people_book_restores_to_a_running_bot(
    sqlite_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    source = sqlite_file(sqlite_url)
    assert source is not None
    db = Database(sqlite_url)
    session_id = await add_session(db, capacity=10_000)
    committed: list[int] = []
    stop, started = asyncio.Event(), asyncio.Event()
    rule = ReminderRule.of(make_settings(sqlite_url))

    async def keep_booking(writer: int) -> None:
        index = 0
        while not stop.is_set():
            async with db.transaction() as session:
                name = f"P{writer}-{index}"
                booking = await register_walk_in(session, session_id, name, "", NOW, rule=rule)
            committed.append(booking.id)
            if len(committed) == 20:
                started.set()
            index += 1
            await asyncio.sleep(0)

    writers = [asyncio.create_task(keep_booking(number)) for number in range(3)]
    try:
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait([waiting, *writers], timeout=60, return_when=asyncio.FIRST_COMPLETED)
        assert started.is_set(), [w.exception() for w in writers if w.done()]  # a writer failed
        copies = []
        for number in range(10):
            before = set(committed)
            target = tmp_path / f"copy-{number}.db"
            await asyncio.to_thread(backup, source, target)
            after = set(committed)
            copies.append((target, before, after))
    finally:
        stop.set()
        await asyncio.gather(*writers)
        await db.dispose()
    for target, before, after in copies:
        check(target)  # integrity_check ok, atelier tables present
        ids = booking_ids(target)
        assert before <= ids <= after  # every committed booking, and nothing half-written

    # Put the last copy back, with the command, over a database that has other content.
    last, before, _ = copies[-1]
    restored_url = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
    first = atelier(restored_url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    result = atelier(restored_url, "restore", str(last))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "restored.db.before-restore").exists()
    assert before <= booking_ids(tmp_path / "restored.db")
    check(tmp_path / "restored.db")

    # The bot runs on it: the dashboard shows the session and a new booking goes in.
    restored = Database(restored_url)
    try:
        async with running_dashboard(dashboard_settings(restored_url), clock) as dashboard:
            await dashboard.login()
            page = await dashboard.get(f"/sessions/{session_id}")
            assert page.status_code == 200
            assert "P0-0" in page.text
            async with dashboard.db.transaction() as session:
                await register_walk_in(session, session_id, "Nouvelle", "", NOW, rule=rule)
        async with restored.transaction() as session:
            workshop = await session.get(WorkshopSession, session_id)
            assert workshop is not None
            count = len(
                (
                    await session.execute(
                        select(Booking).where(Booking.status == BookingStatus.BOOKED)
                    )
                ).all()
            )
        assert workshop.seats_taken == count == len(booking_ids(last)) + 1
    finally:
        await restored.dispose()


def test_restore_refuses_a_file_that_is_not_an_atelier_database(tmp_path: Path) -> None:
    database = tmp_path / "atelier.db"
    database.write_bytes(b"keep me")
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE things (id INTEGER)")
    connection.commit()
    connection.close()
    for wrong in (text, other, tmp_path / "missing.db"):
        with pytest.raises(NotABackup):
            restore(wrong, database)
        assert database.read_bytes() == b"keep me"
    url = f"sqlite+aiosqlite:///{database}"
    result = atelier(url, "restore", str(other))
    assert result.returncode == 1
    assert "not an atelier database" in result.stderr
    assert database.read_bytes() == b"keep me"


def test_backup_names_what_it_cannot_do(tmp_path: Path) -> None:
    result = atelier("postgresql+asyncpg://postgres@127.0.0.1:5432/x", "backup", "copy.db")
    assert result.returncode == 1
    assert "pg_dump" in result.stderr
    missing = atelier(f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", "backup", "copy.db")
    assert missing.returncode == 1
    assert "No database" in missing.stderr


async def test_atelier_backup_copies_the_database(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    try:
        await add_session(db)
    finally:
        await db.dispose()
    target = tmp_path / "saves" / "copy.db"
    result = atelier(sqlite_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    check(target)
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("SELECT count(*) FROM sessions").fetchone() == (1,)
    finally:
        connection.close()


async def test_the_daily_backup_is_kept_for_backup_days(
    sqlite_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    today = NOW.astimezone(settings_zone()).date()
    for days in (1, 2, 3, 10):
        (folder / f"atelier-{(today - timedelta(days=days)).isoformat()}.db").write_bytes(b"x")
    (folder / "notes.txt").write_text("not a backup")
    settings = make_settings(sqlite_url, backup_dir=str(folder), backup_days=3)
    db = Database(sqlite_url)
    engine = Engine(db, settings, clock, render=lambda *_: None)
    try:
        await engine.tick()  # the first tick does the daily work
        names = sorted(path.name for path in folder.iterdir())
        day = [(today - timedelta(days=d)).isoformat() for d in (0, 1, 2)]
        assert names == sorted([*(f"atelier-{d}.db" for d in day), "notes.txt"])
        check(folder / f"atelier-{today.isoformat()}.db")
        stamp = (folder / f"atelier-{today.isoformat()}.db").stat().st_mtime_ns
        await engine.daily_backup(NOW + timedelta(hours=1))  # once a day, not again
        assert (folder / f"atelier-{today.isoformat()}.db").stat().st_mtime_ns == stamp
    finally:
        await db.dispose()


def settings_zone() -> ZoneInfo:
    return ZoneInfo("Europe/Paris")


def test_no_backup_without_backup_dir(sqlite_url: str) -> None:
    assert make_settings(sqlite_url).backup_dir is None
    assert make_settings(sqlite_url, backup_dir="").backup_dir is None
    assert make_settings(sqlite_url, backup_dir="/srv/b").backup_dir == Path("/srv/b")


async def test_a_copy_never_replaces_the_database_itself(sqlite_url: str) -> None:
    source = sqlite_file(sqlite_url)
    assert source is not None
    before = booking_ids(source)
    with pytest.raises(NotABackup):
        backup(source, source)
    with pytest.raises(NotABackup):
        restore(source, source)
    check(source)
    assert booking_ids(source) == before


async def people_with_bookings(url: str, count: int, title: str = "Atelier") -> int:
    """A new session with ``count`` walk-in bookings; its id."""
    db = Database(url)
    try:
        session_id = await add_session(db, title=title, capacity=100)
        rule = ReminderRule.of(make_settings(url))
        for index in range(count):
            async with db.transaction() as session:
                await register_walk_in(session, session_id, f"P{index}", "", NOW, rule=rule)
    finally:
        await db.dispose()
    return session_id


def set_revision(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()
    finally:
        connection.close()


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


async def test_a_newer_or_hollow_backup_is_refused_and_the_live_file_kept(
    sqlite_url: str, tmp_path: Path
) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    await people_with_bookings(sqlite_url, 3)
    saves = tmp_path / "saves"
    newer = saves / "newer.db"
    backup(live, newer)
    set_revision(newer, "9999_from_a_newer_atelier")
    hollow = saves / "hollow.db"
    connection = sqlite3.connect(hollow)
    for table in ("alembic_version", "sessions", "bookings", "people", "outbox"):
        connection.execute(f"CREATE TABLE {table} (version_num VARCHAR(32))")
    connection.execute("INSERT INTO alembic_version VALUES (?)", (head_revision(),))
    connection.commit()
    connection.close()
    before, beside = live.read_bytes(), files_in(tmp_path)

    refused = atelier(sqlite_url, "restore", str(newer))
    assert refused.returncode == 1
    assert "newer atelier" in refused.stderr
    assert "9999_from_a_newer_atelier" in refused.stderr
    assert "Traceback" not in refused.stderr
    empty = atelier(sqlite_url, "restore", str(hollow))
    assert empty.returncode == 1
    assert "people.name" in empty.stderr  # the missing columns are named

    assert live.read_bytes() == before  # nothing replaced, nothing kept aside, no leftover
    assert files_in(tmp_path) == beside
    assert files_in(saves) == {"newer.db", "hollow.db"}
    assert len(booking_ids(live)) == 3  # and the bot starts on it
    assert atelier(sqlite_url, "db", "upgrade").returncode == 0


async def test_an_older_backup_is_brought_up_to_date_before_it_replaces_the_database(
    sqlite_url: str, tmp_path: Path
) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    await people_with_bookings(sqlite_url, 2)
    old = tmp_path / "old.db"
    backup(live, old)
    old_url = f"sqlite+aiosqlite:///{old}"
    downgraded = atelier(old_url, "db", "downgrade", "0010")
    assert downgraded.returncode == 0, downgraded.stderr
    await people_with_bookings(sqlite_url, 1, "Later")  # the live file moves on
    running = sqlite3.connect(live)
    running.execute("SELECT count(*) FROM sessions").fetchone()
    busy = atelier(sqlite_url, "restore", str(old))
    running.close()
    assert busy.returncode == 1
    assert "stop the bot first" in busy.stderr
    assert len(booking_ids(live)) == 3
    live.chmod(0o640)  # the bot's user and group may open it
    result = atelier(sqlite_url, "restore", str(old))
    assert result.returncode == 0, result.stderr
    assert len(booking_ids(live)) == 2
    assert live.stat().st_mode & 0o777 == 0o640
    check(live)
    connection = sqlite3.connect(live)
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == (head_revision(),)
    finally:
        connection.close()
    kept = tmp_path / "atelier.db.before-restore"
    assert len(booking_ids(kept)) == 3
    assert not [name for name in files_in(tmp_path) if name.startswith(".")]


async def test_a_backup_never_lands_on_the_wal_or_a_folder(sqlite_url: str, tmp_path: Path) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    running = sqlite3.connect(live)  # the bot: its bookings are still in the WAL
    running.execute("PRAGMA wal_autocheckpoint=0")
    running.execute("SELECT count(*) FROM sessions").fetchone()
    try:
        await people_with_bookings(sqlite_url, 7)
        wal = live.with_name(f"{live.name}-wal")
        assert wal.stat().st_size > 0
        journal = wal.read_bytes()
        folder = tmp_path / "saves"
        folder.mkdir()
        beside = files_in(tmp_path)
        for wrong in (wal, live.with_name(f"{live.name}-shm"), tmp_path / "x.db-journal"):
            result = atelier(sqlite_url, "backup", str(wrong))
            assert result.returncode == 1
            assert "side file" in result.stderr
        result = atelier(sqlite_url, "backup", str(folder))
        assert result.returncode == 1
        assert "folder" in result.stderr
        assert wal.read_bytes() == journal
        assert files_in(tmp_path) == beside
        assert files_in(folder) == set()
    finally:
        running.close()  # the last connection: the WAL goes into the file
    assert len(booking_ids(live)) == 7


MARIE = "Marie Zerbib"


async def booked_marie_and_paul(url: str) -> Database:
    db = Database(url)
    session_id = await add_session(db, title="Copies", capacity=10)
    rule = ReminderRule.of(make_settings(url))
    for name in (MARIE, "Paul Durand"):
        async with db.transaction() as session:
            await register_walk_in(session, session_id, name, "", NOW, rule=rule)
    return db


async def erase(db: Database, name: str) -> None:
    async with db.transaction() as session:
        person = (await session.execute(select(Person).where(Person.name == name))).scalar_one()
        await erase_person(session, person, NOW, 60)


def holds(path: Path, name: str) -> bool:
    """Whether the file's bytes hold the name anywhere (rows, free pages, journal)."""
    return name.encode() in path.read_bytes()


async def test_an_erasure_reaches_the_kept_copies_and_leftovers_go(
    sqlite_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    folder = tmp_path / "backups"
    today = NOW.astimezone(settings_zone()).date()
    yesterday = folder / f"atelier-{(today - timedelta(days=1)).isoformat()}.db"
    aside = tmp_path / "atelier.db.before-restore"
    db = await booked_marie_and_paul(sqlite_url)
    settings = make_settings(sqlite_url, backup_dir=str(folder), backup_days=3)
    engine = Engine(db, settings, clock, render=lambda *_: None)
    try:
        backup(live, yesterday)
        backup(live, aside)
        stamp = yesterday.stat().st_mtime_ns
        killed = folder / f".{yesterday.name}.k1ll3d.partial"
        killed.write_bytes(yesterday.read_bytes())
        hours_ago = time.time() - 7200
        os.utime(killed, (hours_ago, hours_ago))
        running = tmp_path / ".atelier.db.n0w.restoring"  # a restore under way: kept
        running.write_bytes(b"")
        assert holds(yesterday, MARIE)
        assert holds(aside, MARIE)

        await erase(db, MARIE)
        await engine.daily_backup(NOW)
    finally:
        await db.dispose()
    copies = [yesterday, aside, folder / f"atelier-{today.isoformat()}.db"]
    for copy in copies:
        check(copy)
        assert not holds(copy, MARIE), copy.name
        assert holds(copy, "Paul Durand"), copy.name
    assert yesterday.stat().st_mtime_ns == stamp  # still as old as it was
    assert not killed.exists()
    assert running.exists()

    # Three days later the copy a restore set aside is gone too, like the daily ones.
    days_ago = time.time() - 4 * 86400
    os.utime(aside, (days_ago, days_ago))
    db = Database(sqlite_url)
    try:
        await Engine(db, settings, clock, render=lambda *_: None).daily_backup(NOW)
    finally:
        await db.dispose()
    assert not aside.exists()


async def test_a_restore_keeps_the_erasures_made_since_the_backup(
    sqlite_url: str, tmp_path: Path
) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    db = await booked_marie_and_paul(sqlite_url)
    old = tmp_path / "old.db"
    try:
        backup(live, old)
        await erase(db, MARIE)
    finally:
        await db.dispose()
    result = atelier(sqlite_url, "restore", str(old))
    assert result.returncode == 0, result.stderr
    assert "erased" in result.stdout
    assert "personal data" in result.stdout
    assert not holds(live, MARIE)
    assert holds(live, "Paul Durand")
    assert holds(old, MARIE)  # the file given is read, never changed


async def test_a_damaged_database_is_replaced_and_kept_as_it_was(
    sqlite_url: str, tmp_path: Path
) -> None:
    live = sqlite_file(sqlite_url)
    assert live is not None
    await people_with_bookings(sqlite_url, 2)
    good = tmp_path / "good.db"
    backup(live, good)
    damaged = live.read_bytes()[:4096] + b"\xff" * 8192  # the header, then garbage
    live.write_bytes(damaged)
    stale = live.with_name(f"{live.name}-wal")
    stale.write_bytes(b"a WAL of the damaged file")
    result = atelier(sqlite_url, "restore", str(good))
    assert result.returncode == 0, result.stderr
    assert len(booking_ids(live)) == 2
    check(live)
    assert not stale.exists()
    assert (tmp_path / "atelier.db.before-restore").read_bytes() == damaged
