"""Migrations upgrade and downgrade on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from models import Database
from models.migrate import alembic_config, downgrade, upgrade
from tests.support.databases import reset_postgres


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


@pytest.mark.postgres
async def test_two_instances_migrating_at_once_both_succeed(postgres_url: str) -> None:
    """Two instances (processes) start together on an empty database: the advisory lock
    makes one wait for the other, and the second finds the schema at head."""
    await reset_postgres(postgres_url)
    assert await tables(postgres_url) == set()
    env = {**os.environ, "DATABASE_URL": postgres_url}
    upgrades = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "db", "upgrade", env=env, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    outcomes = await asyncio.gather(*(process.communicate() for process in upgrades))
    assert [process.returncode for process in upgrades] == [0, 0], outcomes
    assert {"people", "sessions", "bookings", "outbox"} <= await tables(postgres_url)
    db = Database(postgres_url)
    try:
        async with db.engine.connect() as connection:
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
    finally:
        await db.dispose()
    head = ScriptDirectory.from_config(alembic_config(postgres_url)).get_current_head()
    assert [row[0] for row in versions] == [head]
