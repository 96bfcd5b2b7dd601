"""The test databases: one PostgreSQL database per test run, created and dropped here."""

from __future__ import annotations

import os

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models import Database

# One database per test run, so that two runs side by side never reset each other's tables.
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", f"postgresql+asyncpg://postgres@127.0.0.1:5432/atelier_test_{os.getpid()}"
)


async def ensure_postgres_database(url: str) -> None:
    """Create the test database on the local server when it does not exist."""
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database="postgres"
    )
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", parsed.database
        )
        if not exists:
            await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()


async def reset_postgres(url: str) -> None:
    """Drop everything in the test database (each test starts from a migrated, empty schema)."""
    await ensure_postgres_database(url)
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await db.dispose()


async def drop_database(url: str) -> None:
    parsed = make_url(url)
    try:
        connection = await asyncpg.connect(
            host=parsed.host, port=parsed.port or 5432, user=parsed.username, database="postgres"
        )
    except OSError:
        return  # no server: nothing was created
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await connection.close()
