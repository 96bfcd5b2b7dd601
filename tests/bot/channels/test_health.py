"""``/healthz`` answers 503 when the database cannot take a write, not only when it is away."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.channels.http_server import HttpServer, build_app
from core.health import database_writable
from models import Database
from models.migrate import upgrade


@asynccontextmanager
async def healthz(url: str) -> AsyncIterator[str]:
    """The address of ``/healthz`` served on loopback for the database at ``url``."""
    db = Database(url)
    server = HttpServer(build_app({}, ready=lambda: database_writable(db)), "127.0.0.1", 0)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}/healthz"
    finally:
        await server.stop()
        await db.dispose()


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(url, timeout=10)


async def test_a_writable_database_is_healthy(sqlite_url: str) -> None:
    async with healthz(sqlite_url) as url:
        answer = await get(url)
    assert (answer.status_code, answer.text) == (200, "ok")


async def test_a_read_only_sqlite_database_is_unhealthy(sqlite_url: str) -> None:
    path = make_url(sqlite_url).database
    async with healthz(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true") as url:
        answer = await get(url)
    assert answer.status_code == 503


@pytest.mark.postgres
async def test_a_read_only_postgresql_database_is_unhealthy(postgres_url: str) -> None:
    name = make_url(postgres_url).database
    admin = await asyncpg.connect(host="127.0.0.1", user="postgres", database="postgres")
    try:
        await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        async with healthz(postgres_url) as url:
            answer = await get(url)
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        await admin.close()
    assert answer.status_code == 503


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (needs the right to mount: skipped without it)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if os.geteuid() != 0 or mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield where
    subprocess.run(["umount", str(where)], check=True)


def fill(disk: Path) -> None:
    """Take every byte left on ``disk``."""
    handle = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(handle, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(handle)


async def test_a_database_on_a_full_disk_is_unhealthy(tiny_disk: Path) -> None:
    database = f"sqlite+aiosqlite:///{tiny_disk / 'atelier.db'}"
    await asyncio.to_thread(upgrade, database)
    async with healthz(database) as url:
        assert (await get(url)).status_code == 200
        fill(tiny_disk)
        full = await get(url)
        (tiny_disk / "filler").unlink()
        freed = await get(url)
    assert (full.status_code, freed.status_code) == (503, 200)
