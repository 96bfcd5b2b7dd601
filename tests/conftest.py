"""Shared fixtures: real SQLite files and a real PostgreSQL database, migrated by Alembic.

The migrations run once per test process (each xdist worker is one) into a template;
each test gets a fresh copy of it (see ``tests/support/databases.py``).
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
from tests.support.databases import (
    POSTGRES_TEMPLATE_URL,
    POSTGRES_URL,
    copy_postgres_template,
    copy_sqlite_template,
    drop_database,
    in_own_thread,
    migrate_postgres_template,
    migrate_sqlite_template,
)
from tests.support.factories import NOW

# python-telegram-bot 22 warns on every RetryAfter unless told to use timedelta values.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this process's PostgreSQL databases (those it created)."""
    urls = [POSTGRES_TEMPLATE_URL]
    if os.environ.get("TEST_POSTGRES_URL") != POSTGRES_URL:
        urls.append(POSTGRES_URL)
    for url in urls:
        asyncio.run(drop_database(url))


@pytest.fixture
def clock() -> FixedClock:
    """A clock frozen on a Monday morning before the sample sessions."""
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once for this process; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "atelier.db"
    return migrate_sqlite_template(path)


@pytest.fixture(scope="session")
def postgres_template() -> str:
    """A PostgreSQL database migrated to head once for this process; tests get copies."""
    in_own_thread(lambda: asyncio.run(migrate_postgres_template()))
    return POSTGRES_TEMPLATE_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, then the PostgreSQL server."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        return copy_sqlite_template(template, tmp_path / "atelier.db")
    request.getfixturevalue("postgres_template")
    await copy_postgres_template()
    return POSTGRES_URL


@pytest.fixture
async def postgres_url(postgres_template: str) -> str:
    """The migrated, empty PostgreSQL test database."""
    await copy_postgres_template()
    return POSTGRES_URL


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite file."""
    return copy_sqlite_template(sqlite_template, tmp_path / "atelier.db")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The database of ``database_url``, disposed of afterwards."""
    database = Database(database_url)
    yield database
    await database.dispose()
