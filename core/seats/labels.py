"""Labels that teach the bot: an organiser's "it meant…", a person's answer to a clarifying
question. Each passes the gate (``core.understanding.gate``) before it is learned.

A learned example is the scrubbed text alone with its meaning, no person. Each process keeps
the examples it read and checks the database's version of them (how many, the newest id) at
most every ``CHECK_EVERY``, or at once after it learned one itself: a label accepted on one
instance is read by every instance within that time.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import Pool

from core.seats.unread import scrub
from core.seats.weekly import count_clarified
from core.understanding.gate import Verdict, judge_label
from core.understanding.learned import LEARNABLE, LearnedExamples
from core.understanding.reading import TextIntent
from models import LearnedExample

log = logging.getLogger(__name__)

ORGANISER = "organiser"
CLARIFIED = "clarified"
CHECK_EVERY = timedelta(seconds=30)
_PLACEHOLDERS = re.compile(r"\[(?:nom|numéro|nombre|e-mail|lien)\]")
"""What scrubbing writes in place of a name, a number, an address: no words of a person."""
NOT_LEARNABLE = Verdict(learnable=False)
"""The verdict on a label the bot may not learn (yes, stop, a number, nothing left)."""


async def _version(session: AsyncSession) -> tuple[int, int]:
    """How many examples are learned, and the newest one's id: ids are never used twice, so
    any example learned or removed changes it."""
    query = select(func.count(LearnedExample.id), func.coalesce(func.max(LearnedExample.id), 0))
    count, newest = (await session.execute(query)).one()
    return int(count), int(newest)


async def _load(session: AsyncSession) -> LearnedExamples:
    """Every learned example, oldest first (a newer label of the same words wins)."""
    rows = await session.execute(
        select(LearnedExample.text, LearnedExample.language, LearnedExample.intent).order_by(
            LearnedExample.id
        )
    )
    return LearnedExamples(
        (text, language or None, TextIntent(intent))
        for text, language, intent in rows
        if intent in TextIntent.__members__.values()
    )


class LearnedCache:
    """One process's learned examples, checked against the database now and then."""

    def __init__(self, every: timedelta = CHECK_EVERY) -> None:
        self.every = every
        self.examples = LearnedExamples()
        self._version: tuple[int, int] | None = None
        self._checked_at: datetime | None = None
        self._pool: weakref.ref[Pool] | None = None
        """The database's connection pool: another database (a test's) is read afresh."""

    def stale(self) -> None:
        """Check the database at the next message (a label was just learned here)."""
        self._checked_at = None

    async def current(self, session: AsyncSession, now: datetime) -> LearnedExamples:
        """The learned examples, read again when the database has others."""
        bind = session.get_bind()
        pool = bind.pool if isinstance(bind, Engine) else bind.engine.pool
        same_db = self._pool is not None and self._pool() is pool
        if same_db and self._checked_at is not None and now - self._checked_at < self.every:
            return self.examples
        version = await _version(session)
        if not same_db or version != self._version:
            self.examples = await _load(session)
            self._version = version
            self._pool = weakref.ref(pool)
        self._checked_at = now
        return self.examples


CACHE = LearnedCache()
"""This process's learned examples."""


def _stale_after_commit(session: AsyncSession) -> None:
    """Once the session commits, this process reads the examples again at its next message."""
    event.listen(session.sync_session, "after_commit", lambda _: CACHE.stale(), once=True)


async def learned(session: AsyncSession, now: datetime) -> LearnedExamples:
    """The examples messages are read with (``core.understanding.learned.using``)."""
    return await CACHE.current(session, now)


async def teach(
    session: AsyncSession,
    texts: Iterable[tuple[str, str]],
    intent: TextIntent,
    source: str,
    now: datetime,
    name: str = "",
) -> Verdict:
    """Learn that these messages (text, language) meant ``intent``, if the gate accepts.

    The texts are scrubbed first (``core.seats.unread.scrub``, ``name`` the writer's); one
    with nothing else than what scrubbing put in is not learned; nothing is stored when the
    gate refuses.
    """
    kept = [
        (clean, language[:8])
        for text, language in texts
        if _PLACEHOLDERS.sub("", clean := scrub(text, name)).strip()
    ]
    if intent not in LEARNABLE or not kept:
        return NOT_LEARNABLE
    verdict = judge_label(await _load(session), [(t, lang or None, intent) for t, lang in kept])
    if not verdict.accepted:
        log.info("label refused by the gate (%s, %d lost)", intent.value, verdict.lost)
        return verdict
    for text, language in kept:
        session.add(
            LearnedExample(
                text=text, language=language, intent=intent.value, source=source, learned_at=now
            )
        )
    _stale_after_commit(session)
    log.info("label learned (%s, %d texts, %s)", intent.value, len(kept), source)
    return verdict


async def keep_clarified(
    session: AsyncSession,
    text: str,
    language: str,
    intent: TextIntent | str,
    now: datetime,
    name: str = "",
) -> Verdict:
    """A person answered a clarifying question: their message meant ``intent``.

    Counts the message as clarified for the week (``core.seats.weekly``), then keeps it as
    a labelled example through the same gate as the organisers' labels (scrubbed, without
    the person; ``name`` is theirs, to scrub). Call it once per answered question.
    """
    await count_clarified(session, language, now)
    try:
        meant = TextIntent(intent)
    except ValueError:
        return NOT_LEARNABLE
    return await teach(session, [(text, language)], meant, CLARIFIED, now, name)


@dataclass(frozen=True, slots=True)
class Learned:
    """A learned example, as the dashboard lists it."""

    id: int
    text: str
    language: str
    intent: str
    source: str
    learned_at: datetime


async def learned_list(session: AsyncSession, limit: int = 200) -> list[Learned]:
    """The examples learned, newest first."""
    rows = await session.execute(
        select(LearnedExample).order_by(LearnedExample.id.desc()).limit(limit)
    )
    return [
        Learned(row.id, row.text, row.language, row.intent, row.source, row.learned_at)
        for row in rows.scalars()
    ]


async def unlearn(session: AsyncSession, example_id: int) -> bool:
    """Forget one learned example (it was wrong); whether there was one."""
    result = await session.execute(delete(LearnedExample).where(LearnedExample.id == example_id))
    _stale_after_commit(session)
    return bool(result.rowcount)  # type: ignore[attr-defined]
