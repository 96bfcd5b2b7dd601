"""Booking contention: hundreds of people confirm the same ten seats at the same instant.

The flows are called directly (``Conversations.handle``, as the Telegram channel does), all
at once: 500 confirmations on PostgreSQL with the production pool (10 + 20 overflow), 50 on
SQLite, whose single writer serialises every transaction. Everyone has talked to the bot
before (their person and conversation rows exist). Each round uses a session of its own;
the first round includes the pool's warm-up::

    python -m bench.contention --database postgresql --people 500
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import func, select

from bench.databases import database_url, fresh_database, settings_for
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, table
from core.clock import SystemClock
from core.dialog import Incoming, Kind, Reply, Sender
from handlers.machinery.choices import ConfirmBooking, JoinLine
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, WorkshopSession
from testkit.factories import add_session
from testkit.invariants import invariant_violations

NAME = "booking_contention"
SEATS = 10
PEOPLE = {"postgresql": 500, "sqlite": 50}
QUICK_PEOPLE = {"postgresql": 100, "sqlite": 20}
ROUNDS = 3
QUICK_ROUNDS = 1
WARM_UP_BATCH = 25
FIRST_CHAT = 630_000_001

BOOKED_TEXT = "C'est réservé"
FULL_TEXT = "complet"
APOLOGY_TEXT = "Désolé"


@dataclass(frozen=True, slots=True)
class Round:
    """One rush: when each person got their answer, and what it said."""

    answers: list[list[Reply]]
    done_after: list[float]
    seconds: float

    @property
    def texts(self) -> list[str]:
        """Each person's whole answer as one text."""
        return ["\n".join(reply.text for reply in replies) for replies in self.answers]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a round left behind, checked."""

    seconds: float
    median_answer_s: float
    won: int
    offered_line: int
    apologies: int
    unanswered: int
    oversold: int
    booked_rows: int
    invariant_problems: list[str]


class _Records(logging.Handler):
    """Counts the log records that matter here."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.errors: list[str] = []
        self.locked = 0
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        if "locked" in message.lower():
            self.locked += 1
        if "conflict while handling an update" in message:
            self.retries += 1


@contextmanager
def _recording() -> Iterator[_Records]:
    handler = _Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def in_three_days() -> datetime:
    """When the benchmark's sessions start: well ahead of any reminder or deadline."""
    return SystemClock().now().replace(microsecond=0) + timedelta(days=3)


def _sender(number: int) -> Sender:
    return Sender("telegram", str(FIRST_CHAT + number), f"Personne {number}", "fr")


async def warm_up(flows: Conversations, people: int) -> None:
    """Everyone says hello once, a few at a time: their rows exist before the rush."""
    for first in range(0, people, WARM_UP_BATCH):
        batch = range(first, min(first + WARM_UP_BATCH, people))
        await asyncio.gather(
            *(
                flows.handle(Incoming(_sender(n), Kind.TEXT, text="/start", update_key=f"hi-{n}"))
                for n in batch
            )
        )


async def rush(flows: Conversations, session_id: int, people: int, label: str) -> Round:
    """``people`` people press "Yes, book it" for ``session_id`` at the same instant."""
    choice = ConfirmBooking(session_id).pack()
    started = time.perf_counter()
    done_after = [0.0] * people

    async def confirm(number: int) -> list[Reply]:
        event = Incoming(
            _sender(number), Kind.CHOICE, choice=choice, update_key=f"{label}-{number}"
        )
        replies = await flows.handle(event)
        done_after[number] = time.perf_counter() - started
        return replies

    answers = await asyncio.gather(*(confirm(n) for n in range(people)))
    return Round(list(answers), done_after, time.perf_counter() - started)


async def check(db: Database, session_id: int, outcome: Round) -> Outcome:
    """Count winners, the waiting-list offers, apologies; compare with the database."""
    texts = outcome.texts
    join_line = JoinLine(session_id).pack()
    offered = sum(
        FULL_TEXT in text and join_line in {c.data for r in replies for c in r.flat_choices()}
        for replies, text in zip(outcome.answers, texts, strict=True)
    )
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        query = select(func.count()).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
        )
        booked = int((await session.execute(query)).scalar_one())
        taken, capacity = workshop.seats_taken, workshop.capacity
    return Outcome(
        seconds=outcome.seconds,
        median_answer_s=statistics.median(outcome.done_after),
        won=sum(BOOKED_TEXT in text for text in texts),
        offered_line=offered,
        apologies=sum(APOLOGY_TEXT in text for text in texts),
        unanswered=sum(not replies for replies in outcome.answers),
        oversold=max(booked - capacity, 0) + max(taken - capacity, 0),
        booked_rows=booked,
        invariant_problems=await invariant_violations(db),
    )


async def measure(kind: DatabaseKind, people: int, rounds: int) -> Result:
    """Warm up, then ``rounds`` rushes of ``people`` people for ``SEATS`` seats each."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        url = database_url(kind, Path(directory))
        await fresh_database(url)
        db = Database(url)
        try:
            flows = Conversations(db, settings_for(url), SystemClock())
            await warm_up(flows, people)
            outcomes: list[Outcome] = []
            with _recording() as records:
                for number in range(rounds):
                    session_id = await add_session(
                        db, title=f"Atelier {number + 1}", capacity=SEATS, starts_at=in_three_days()
                    )
                    outcome = await rush(flows, session_id, people, f"rush-{number}")
                    outcomes.append(await check(db, session_id, outcome))
                    print(
                        f"{NAME} ({kind}): round {number + 1}: {people} people settled in "
                        f"{outcome.seconds:.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
        finally:
            await db.dispose()
    return summarise(kind, people, outcomes, records)


def summarise(
    kind: DatabaseKind, people: int, outcomes: list[Outcome], records: _Records
) -> Result:
    """The metrics over every round."""
    settle = [outcome.seconds for outcome in outcomes]
    losers = people - SEATS
    metrics = [
        Metric("simultaneous confirmations x rounds", f"{people} x {len(outcomes)}"),
        Metric("seats per session", SEATS),
        Metric("time to settle, median round", round(statistics.median(settle), 2), "s"),
        Metric("time to settle, slowest round", round(max(settle), 2), "s"),
        Metric(
            "median person's wait",
            round(statistics.median(o.median_answer_s for o in outcomes), 2),
            "s",
        ),
        Metric.exactly("oversold seats", sum(o.oversold for o in outcomes), 0),
        Metric.exactly(
            "errors (apologies, ERROR logs, 'locked')",
            sum(o.apologies for o in outcomes) + len(records.errors) + records.locked,
            0,
        ),
        Metric.exactly("seats won", sum(o.won for o in outcomes), SEATS * len(outcomes)),
        Metric.exactly(
            "others offered the waiting list",
            sum(o.offered_line for o in outcomes),
            losers * len(outcomes),
        ),
        Metric.exactly("invariant violations", sum(len(o.invariant_problems) for o in outcomes), 0),
        Metric("transactions retried after a conflict", records.retries),
    ]
    parameters = {
        "database": kind,
        "people": people,
        "seats": SEATS,
        "rounds": [
            {
                "seconds": round(o.seconds, 3),
                "median_person_s": round(o.median_answer_s, 3),
                "won": o.won,
                "offered_line": o.offered_line,
                "apologies": o.apologies,
                "unanswered": o.unanswered,
                "booked_rows": o.booked_rows,
                "invariant_problems": o.invariant_problems[:5],
            }
            for o in outcomes
        ],
        "error_logs": records.errors[:5],
        "pool": "production default (PostgreSQL: 10 + 20 overflow)",
    }
    return Result(NAME, metrics, parameters, database=kind)


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    sizes = QUICK_PEOPLE if options.quick else PEOPLE
    rounds = QUICK_ROUNDS if options.quick else ROUNDS
    return run(options.database, sizes[options.database], rounds)


def run(kind: DatabaseKind, people: int, rounds: int = ROUNDS) -> Result:
    """The rushes on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    return asyncio.run(measure(kind, people, rounds))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="Booking contention benchmark.")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    result = run(args.database, args.people or PEOPLE[args.database], args.rounds)
    print(table([result]))
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
