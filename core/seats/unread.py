"""Messages not understood, kept so the team learns what people write.

Only the text is kept, scrubbed of phone numbers, e-mail addresses, runs of digits and
the writer's own name; no person is linked to it. Erased after 30 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Database, UnreadMessage

MEMORY = timedelta(days=30)
MAX_LENGTH = 300
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d .\-/()]{6,}\d")
_DIGITS = re.compile(r"\d{3,}")
_URL = re.compile(r"(https?://|www\.)\S+")


def scrub(text: str, name: str = "") -> str:
    """The text without what could say who wrote it."""
    clean = _EMAIL.sub("[e-mail]", text)
    clean = _URL.sub("[lien]", clean)
    clean = _PHONE.sub("[numéro]", clean)
    clean = _DIGITS.sub("[nombre]", clean)
    for part in name.split():
        if len(part) >= 2:
            clean = re.sub(rf"\b{re.escape(part)}\b", "[nom]", clean, flags=re.IGNORECASE)
    return " ".join(clean.split())[:MAX_LENGTH]


async def remember(
    session: AsyncSession, text: str, language: str, now: datetime, name: str = ""
) -> None:
    """Keep a message that was not understood (scrubbed, without its writer)."""
    clean = scrub(text, name)
    if clean:
        session.add(UnreadMessage(text=clean, language=language[:8], received_at=now))


@dataclass(frozen=True, slots=True)
class Unread:
    """One message not understood, as the dashboard shows it."""

    text: str
    language: str
    received_at: datetime


async def recent(session: AsyncSession, now: datetime, limit: int = 500) -> list[Unread]:
    """Messages not understood in the last 30 days, newest first."""
    query = (
        select(UnreadMessage)
        .where(UnreadMessage.received_at >= now - MEMORY)
        .order_by(UnreadMessage.received_at.desc(), UnreadMessage.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).scalars()
    return [Unread(row.text, row.language, row.received_at) for row in rows]


async def forget_old(db: Database, now: datetime) -> int:
    """Erase messages not understood that are older than 30 days."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(UnreadMessage).where(UnreadMessage.received_at < now - MEMORY)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
