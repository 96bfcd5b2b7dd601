"""Messages not understood, kept so the team learns what people write.

Only the text is kept, scrubbed of phone numbers, e-mail addresses, runs of digits and
the writer's own name; no person is linked to it. Erased after 30 days. Every pattern
here costs time in proportion to the text (see ``core.redact.EMAIL``), and only the
start of a long text is scrubbed at all.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.jobs import daily
from core.redact import EMAIL
from core.seats.weekly import count_not_understood
from core.understanding.normalising import normalise
from models import Database, UnreadMessage

MEMORY = timedelta(days=30)
MAX_LENGTH = 300
SCRUBBED = 4096
"""How much of a text is scrubbed (the longest message a channel carries): what is kept,
300 characters, always comes from it."""
_PHONE = re.compile(r"\+?\d[\d .\-/()]{6,}\d")
"""Linear: a try that fails ends on a run with no digit seven places on, and at most
seven tries can end on the same run."""
NAME_SCRUBBED = 128
"""A person's name is kept to 128 characters: its parts are looked for in the text."""
_DIGITS = re.compile(r"\d{3,}")
_URL = re.compile(r"(https?://|www\.)\S+")


def scrub(text: str, name: str = "") -> str:
    """The text without what could say who wrote it."""
    if len(text) > SCRUBBED:
        head = text[:SCRUBBED]
        if not text[SCRUBBED].isspace():  # the word cut in two could be half an address
            head = head.rsplit(maxsplit=1)[0] if len(head.split(maxsplit=1)) > 1 else head
        text = head
    clean = EMAIL.sub("[e-mail]", text)
    clean = _URL.sub("[lien]", clean)
    clean = _PHONE.sub("[numéro]", clean)
    clean = _DIGITS.sub("[nombre]", clean)
    parts = sorted({part for part in name[:NAME_SCRUBBED].split() if len(part) >= 2}, key=len)
    if parts:  # one pass for every part of the name, the longest tried first
        names = "|".join(re.escape(part) for part in reversed(parts))
        clean = re.sub(rf"\b(?:{names})\b", "[nom]", clean, flags=re.IGNORECASE)
    return " ".join(clean.split())[:MAX_LENGTH]


async def remember(
    session: AsyncSession, text: str, language: str, now: datetime, name: str = ""
) -> None:
    """Keep a message that was not understood (scrubbed, without its writer), and count it
    for the week (``core.seats.weekly``)."""
    await count_not_understood(session, language, now)
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


@daily(order=30)
async def forget_old_job(db: Database, settings: Settings, now: datetime) -> int:
    """Daily: messages not understood older than 30 days go."""
    return await forget_old(db, now)


async def forget_old(db: Database, now: datetime) -> int:
    """Erase messages not understood that are older than 30 days."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(UnreadMessage).where(UnreadMessage.received_at < now - MEMORY)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


SIMILAR = 85.0
"""How close (rapidfuzz token sort ratio, 0-100) two plain texts are to be one group."""


@dataclass(frozen=True, slots=True)
class UnreadGroup:
    """Messages not understood that say the same thing, nearly the same way."""

    key: str
    """The plain words of the group's first message (``core.understanding.normalise``)."""
    text: str
    """The text most often written in the group."""
    count: int
    languages: tuple[str, ...]
    last_seen: datetime
    ids: tuple[int, ...]
    texts: tuple[tuple[str, str], ...]
    """Each different (text, language) of the group."""


async def grouped(session: AsyncSession, now: datetime, limit: int = 500) -> list[UnreadGroup]:
    """Messages not understood in the last 30 days, similar ones together, the most
    written first."""
    query = (
        select(UnreadMessage)
        .where(UnreadMessage.received_at >= now - MEMORY)
        .order_by(UnreadMessage.received_at.desc(), UnreadMessage.id.desc())
        .limit(limit)
    )
    rows = list((await session.execute(query)).scalars())
    keys: list[str] = []
    members: dict[str, list[UnreadMessage]] = {}
    for row in rows:
        plain = " ".join(normalise(row.text).split()) or row.text.casefold()
        found = process.extractOne(plain, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR)
        key = found[0] if found is not None else plain
        if found is None:
            keys.append(key)
        members.setdefault(key, []).append(row)
    groups = [_group(key, found) for key, found in members.items()]
    return sorted(groups, key=lambda group: (-group.count, -group.last_seen.timestamp()))


def _group(key: str, rows: list[UnreadMessage]) -> UnreadGroup:
    """One group of similar messages (``rows`` newest first)."""
    texts = Counter((row.text, row.language) for row in rows)
    return UnreadGroup(
        key=key,
        text=texts.most_common(1)[0][0][0],
        count=len(rows),
        languages=tuple(sorted({row.language for row in rows if row.language})),
        last_seen=rows[0].received_at,
        ids=tuple(row.id for row in rows),
        texts=tuple(texts),
    )


async def forget_group(session: AsyncSession, ids: tuple[int, ...]) -> None:
    """The messages of a labelled group go: the bot understands them now."""
    await session.execute(delete(UnreadMessage).where(UnreadMessage.id.in_(ids)))
