"""Shared fixtures: real SQLite files and a real PostgreSQL database, migrated by Alembic.

Helpers that tests import live in ``tests/support/``; this file only declares fixtures.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.clock import FixedClock
from models import Database
from models.migrate import upgrade
from tests.support.databases import POSTGRES_URL, drop_database, reset_postgres
from tests.support.factories import NOW

# python-telegram-bot 22 warns on every RetryAfter unless told to use timedelta values.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's PostgreSQL database (when the run created one)."""
    if "TEST_POSTGRES_URL" in os.environ:
        return
    asyncio.run(drop_database(POSTGRES_URL))


@pytest.fixture
def clock() -> FixedClock:
    """A clock frozen on a Monday morning before the sample sessions."""
    return FixedClock(NOW)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, then the PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'atelier.db'}"
    else:
        url = POSTGRES_URL
        await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture
async def postgres_url() -> str:
    """The migrated, empty PostgreSQL test database."""
    await reset_postgres(POSTGRES_URL)
    await asyncio.to_thread(upgrade, POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """A migrated, empty SQLite file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'atelier.db'}"
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The database of ``database_url``, disposed of afterwards."""
    database = Database(database_url)
    yield database
    await database.dispose()
