"""Shared fixtures: real SQLite files and a real PostgreSQL database, migrated by Alembic."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.config import Settings
from models import Database, WorkshopSession
from models.migrate import upgrade

# python-telegram-bot 22 warns on every RetryAfter unless told to use timedelta values.
os.environ.setdefault("PTB_TIMEDELTA", "true")

DATA = Path(__file__).parent / "data"
# One database per test run, so that two runs side by side never reset each other's tables.
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", f"postgresql+asyncpg://postgres@127.0.0.1:5432/atelier_test_{os.getpid()}"
)
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday, before the fixture's sessions


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's PostgreSQL database (when the run created one)."""
    if "TEST_POSTGRES_URL" in os.environ:
        return
    asyncio.run(_drop_database(POSTGRES_URL))


async def _drop_database(url: str) -> None:
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


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for a test, ignoring any `.env` on the machine."""
    values: dict[str, object] = {"database_url": database_url, "outbox_poll_seconds": 0.2}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def add_session(
    db: Database,
    *,
    title: str = "Prendre en main son smartphone",
    capacity: int = 8,
    starts_at: datetime | None = None,
    audience: str = "seniors",
    seats_taken: int = 0,
) -> int:
    """Add one scheduled session and return its id."""
    start = starts_at or NOW + timedelta(days=2, hours=4)  # Wednesday 6 January, 14 h in Metz
    async with db.transaction() as session:
        workshop = WorkshopSession(
            import_key=f"{title}|{start.isoformat()}",
            title=title,
            description="Les gestes de base, à son rythme.",
            audience=audience,
            starts_at=start,
            duration_minutes=120,
            capacity=capacity,
            seats_taken=seats_taken,
            venue="Boutique Orange Metz",
            address="Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz",
            status="scheduled",
        )
        session.add(workshop)
        await session.flush()
        return workshop.id
