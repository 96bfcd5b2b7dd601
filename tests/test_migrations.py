"""Migrations upgrade and downgrade on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from models import Database
from models.migrate import downgrade, upgrade


async def tables(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await db.dispose()


async def test_down_and_up_again(database_url: str) -> None:
    assert {"people", "sessions", "bookings", "outbox"} <= await tables(database_url)
    await asyncio.to_thread(downgrade, database_url, "base")
    assert await tables(database_url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, database_url, "head")
    assert {"people", "sessions", "bookings", "conversations", "processed_updates"} <= (
        await tables(database_url)
    )


async def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to add: the migrated schema is the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models.base import Base

    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await db.dispose()
    assert diff == []
