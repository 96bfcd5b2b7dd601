"""The test databases: migrated once into a template, then copied for each test.

Alembic's whole chain runs once per test process (per xdist worker): into a SQLite file,
and into a PostgreSQL template database. Each test then gets a copy: ``shutil.copyfile``
of the file, or ``CREATE DATABASE ... TEMPLATE``. ``tests/models/test_migrations.py`` still runs
the real upgrade and downgrade.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models import Database
from models.migrate import upgrade

T = TypeVar("T")


def worker_id() -> str:
    """This xdist worker's name ("gw0", "gw1", ...), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _test_postgres_url() -> str:
    """One database per test process, so that two runs (or two workers) never meet."""
    given = os.environ.get("TEST_POSTGRES_URL")
    if given is None:
        suffix = "" if worker_id() == "main" else f"_{worker_id()}"
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/atelier_test_{os.getpid()}{suffix}"
    if worker_id() == "main":
        return given
    parsed = make_url(given)
    return parsed.set(database=f"{parsed.database}_{worker_id()}").render_as_string(
        hide_password=False
    )


POSTGRES_URL = _test_postgres_url()
POSTGRES_TEMPLATE_URL = (
    make_url(POSTGRES_URL)
    .set(database=f"{make_url(POSTGRES_URL).database}_tmpl")
    .render_as_string(hide_password=False)
)
"""The migrated, empty database that each test's PostgreSQL database is copied from."""


async def _server(url: str) -> asyncpg.Connection:
    """A connection to the server's maintenance database (to create and drop databases)."""
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )


async def ensure_postgres_database(url: str) -> None:
    """Create the test database on the local server when it does not exist."""
    name = make_url(url).database
    connection = await _server(url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def reset_postgres(url: str) -> None:
    """Drop everything in the test database, leaving it empty (not even migrated)."""
    await ensure_postgres_database(url)
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await db.dispose()


async def migrate_postgres_template(template_url: str = POSTGRES_TEMPLATE_URL) -> None:
    """Create the template database anew and run every migration on it (once per process)."""
    await drop_database(template_url)
    await ensure_postgres_database(template_url)
    await asyncio.to_thread(upgrade, template_url)


async def copy_postgres_template(
    url: str = POSTGRES_URL, template_url: str = POSTGRES_TEMPLATE_URL
) -> None:
    """Replace the database at ``url`` by a fresh copy of the migrated template.

    ``WITH (FORCE)`` ends the connections a previous test may have left open.
    """
    name = make_url(url).database
    template = make_url(template_url).database
    connection = await _server(url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await connection.close()


def in_own_thread(work: Callable[[], T]) -> T:
    """Run blocking ``work`` that starts its own event loop, even from inside a running one
    (a session fixture first asked for by an async fixture)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def migrate_sqlite_template(path: Path) -> Path:
    """Run every migration on a new SQLite file at ``path``."""
    in_own_thread(lambda: upgrade(f"sqlite+aiosqlite:///{path}"))
    # The engine is disposed of: the WAL is checkpointed into the file and removed.
    assert not path.with_name(f"{path.name}-wal").exists()
    return path


def copy_sqlite_template(template: Path, target: Path) -> str:
    """Copy the migrated template to ``target``; return its URL."""
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def drop_database(url: str) -> None:
    """Drop the database at ``url`` if the server is up and the database exists."""
    try:
        connection = await _server(url)
    except OSError:
        return  # no server: nothing was created
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await connection.close()
