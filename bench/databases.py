"""Fresh benchmark databases: a SQLite file in a directory, or the local PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.results import Database as DatabaseKind
from core.config import Settings
from models.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/atelier_bench"
)


def database_url(kind: DatabaseKind, directory: Path) -> str:
    """A SQLite file in ``directory``, or the PostgreSQL benchmark database."""
    if kind == "postgresql":
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{directory / 'atelier-bench.db'}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


async def reset_postgres(url: str) -> None:
    """Create the benchmark database when missing, and empty its public schema."""
    parsed = make_url(url)
    server = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as connection:
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if (await connection.execute(query, {"name": parsed.database})).scalar() is None:
                await connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        await server.dispose()
    bench = create_async_engine(parsed)
    try:
        async with bench.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await bench.dispose()


async def fresh_database(url: str) -> None:
    """An empty database at ``url``, migrated to the latest revision."""
    path = sqlite_path(url)
    if path is not None:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    else:
        await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)


def settings_for(url: str, **values: Any) -> Settings:
    """Settings for ``url`` that ignore any `.env` file."""
    return Settings(_env_file=None, database_url=url, **values)  # type: ignore[call-arg]
