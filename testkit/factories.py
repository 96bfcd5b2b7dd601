"""Sample data: settings for a test or a benchmark, a session in the schedule, the frozen
"now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.config import Settings
from models import Database, WorkshopSession

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday, before the fixture's sessions


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
    description: str = "Les gestes de base, à son rythme.",
) -> int:
    """Add one scheduled session and return its id."""
    start = starts_at or NOW + timedelta(days=2, hours=4)  # Wednesday 6 January, 14 h in Metz
    async with db.transaction() as session:
        workshop = WorkshopSession(
            import_key=f"{title}|{start.isoformat()}",
            title=title,
            description=description,
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
