"""Reminder fan-out: thousands of reminders due in the same minute, sent by the real sender.

The outbox holds one reminder per booking, all due at the same minute: about four people in
five booked one session of the next day, the others two or three, booked in one go, so their
reminders are queued one after the other and only the per-chat pacing keeps them apart. The
bot's own :class:`~core.delivery.sender.OutboxSender`, Telegram deliverer and pacer send them to the
loopback Bot API, which runs in another process and answers 429 past 30 messages a second
overall or one a second to a chat, as Telegram does.

Seeding also runs in a process of its own, so the peak memory measured is the sender's::

    python -m bench.reminder_fanout --reminders 10000 --database sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bench.databases import database_url, reset_postgres
from bench.fake_bot_api_server import FakeBotApiProcess, ServerStats
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, peak_rss_kib, table
from bot.demo_data import ADDRESS, SAMPLES, VENUE
from bot.runtime import Runtime
from core.clock import FixedClock
from core.config import Settings
from core.outbox.queue import status_counts
from core.schedule.importer import SessionRow
from core.seats.reminders import REMINDER, reminder_due, reminder_key
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    SessionStatus,
    WorkshopSession,
)
from models.migrate import upgrade

NAME = "reminder_fanout"
FULL_REMINDERS = 10_000
QUICK_REMINDERS = 300

GLOBAL_PER_SECOND = 30
PER_CHAT_PER_SECOND = 1
MIN_RATE = 28.0
MAX_429_SHARE = 1.0
MAX_RSS_MIB = 150

SESSION_DAY = date(2027, 3, 10)
"""The day of every session; the reminders are due the day before."""
SLOTS = (clock_time(9, 30), clock_time(10), clock_time(14), clock_time(16, 30), clock_time(18))
CAPACITY = 12
TWO_SESSIONS = 0.14
THREE_SESSIONS = 0.03
"""People with two, three bookings that day, per reminder (the others have one)."""
FIRST_CHAT_ID = 700_000_001
PROGRESS_SECONDS = 20.0
MAX_SECONDS_PER_REMINDER = 0.5
"""The sender is given up on after this long per reminder."""


@dataclass(frozen=True, slots=True)
class Seeded:
    """The seeded database: what each chat must receive, and what seeding cost."""

    expected: dict[int, int]
    people: int
    sessions: int
    due_at: datetime
    seconds: float
    peak_rss_kib: int


@dataclass(frozen=True, slots=True)
class Sending:
    """What the sender did, seen from the bot's side."""

    seconds: float
    passes: int
    rate_per_second: float
    rate_per_chat: float
    batch: int
    statuses: dict[str, int]
    attempts: dict[int, int]
    warnings: int
    rss_before_kib: int
    peak_rss_kib: int


# --------------------------------------------------------------------------- seeding


def bookings_per_person(reminders: int, rng: random.Random) -> list[int]:
    """How many sessions each person booked, so that the total is ``reminders``."""
    threes = round(reminders * THREE_SESSIONS)
    twos = round(reminders * TWO_SESSIONS)
    ones = reminders - 2 * twos - 3 * threes
    counts = [3] * threes + [2] * twos + [1] * ones
    rng.shuffle(counts)
    return counts


def population(
    reminders: int, settings: Settings, seed: int = 7
) -> dict[str, list[dict[str, Any]]]:
    """Rows of every table, in insertion order; a person's bookings are consecutive."""
    rng = random.Random(seed)
    zone = settings.zone
    starts = [datetime.combine(SESSION_DAY, at, tzinfo=zone).astimezone(UTC) for at in SLOTS]
    due = reminder_due(starts[0], zone, settings.reminder_time)
    joined = due - timedelta(days=20)
    people: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    open_session: dict[int, dict[str, Any]] = {}

    def seat(slot: int) -> dict[str, Any]:
        workshop = open_session.get(slot)
        if workshop is None or workshop["seats_taken"] >= workshop["capacity"]:
            _, _, title, description, audience, minutes, _ = SAMPLES[len(sessions) % len(SAMPLES)]
            room = f"{VENUE}, salle {len(sessions) // len(SLOTS) + 1}"
            row = SessionRow(
                len(sessions) + 2,
                title,
                description,
                audience,
                starts[slot],
                minutes,
                CAPACITY,
                room,
                ADDRESS,
            )
            workshop = open_session[slot] = {
                "id": len(sessions) + 1,
                "import_key": row.import_key,
                "title": title,
                "description": description,
                "audience": audience,
                "starts_at": row.starts_at,
                "duration_minutes": minutes,
                "capacity": CAPACITY,
                "seats_taken": 0,
                "venue": room,
                "address": ADDRESS,
                "status": SessionStatus.SCHEDULED,
                "bring": "",
                "revision": 0,
            }
            sessions.append(workshop)
        workshop["seats_taken"] += 1
        return workshop

    for person_id, count in enumerate(bookings_per_person(reminders, rng), 1):
        seen = joined + timedelta(minutes=rng.randrange(20 * 24 * 60))
        people.append(
            {
                "id": person_id,
                "channel": "telegram",
                "external_id": str(FIRST_CHAT_ID + person_id),
                "name": f"Personne {person_id}",
                "language": "en" if rng.random() < 0.1 else "fr",
                "unreachable": False,
                "opted_out": False,
                "created_at": seen,
                "last_seen_at": seen,
            }
        )
        for slot in sorted(rng.sample(range(len(SLOTS)), count)):
            workshop = seat(slot)
            booking_id = len(bookings) + 1
            bookings.append(
                {
                    "id": booking_id,
                    "person_id": person_id,
                    "session_id": workshop["id"],
                    "status": BookingStatus.BOOKED,
                    "created_at": seen,
                    "updated_at": seen,
                }
            )
            outbox.append(
                {
                    "id": booking_id,
                    "key": reminder_key(booking_id, workshop["starts_at"]),
                    "person_id": person_id,
                    "kind": REMINDER,
                    "payload": {"booking_id": booking_id},
                    "due_at": due,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                }
            )
    return {"people": people, "sessions": sessions, "bookings": bookings, "outbox": outbox}


async def seed(url: str, reminders: int) -> Seeded:
    """A fresh, migrated database holding ``reminders`` reminders due in the same minute."""
    started = time.monotonic()
    if make_url(url).get_backend_name() == "postgresql":
        await reset_postgres(url)
    await asyncio.to_thread(upgrade, url)
    rows = population(reminders, _settings(url))
    db = Database(url)
    try:
        async with db.transaction() as session:
            for model, key in (
                (Person, "people"),
                (WorkshopSession, "sessions"),
                (Booking, "bookings"),
                (OutboxMessage, "outbox"),
            ):
                await session.execute(insert(model), rows[key])
    finally:
        await db.dispose()
    chat_of = {p["id"]: int(p["external_id"]) for p in rows["people"]}
    return Seeded(
        expected=dict(Counter(chat_of[row["person_id"]] for row in rows["outbox"])),
        people=len(rows["people"]),
        sessions=len(rows["sessions"]),
        due_at=rows["outbox"][0]["due_at"],
        seconds=time.monotonic() - started,
        peak_rss_kib=peak_rss_kib(),
    )


def seed_in_this_process(url: str, reminders: int) -> Seeded:
    """:func:`seed`, for a child process."""
    return asyncio.run(seed(url, reminders))


async def seed_in_child(url: str, reminders: int) -> Seeded:
    """:func:`seed` in a fresh process, so that its memory is not the sender's."""
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return await loop.run_in_executor(pool, seed_in_this_process, url, reminders)


# --------------------------------------------------------------------------- sending


def _settings(url: str, api: FakeBotApiProcess | None = None) -> Settings:
    values: dict[str, Any] = {"database_url": url}
    if api is not None:
        values |= {"telegram_bot_token": api.token, "telegram_api_base_url": api.base_url}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class _Counting(logging.Handler):
    """Counts the records it sees."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def _counting_warnings() -> Iterator[_Counting]:
    handler = _Counting(logging.WARNING)
    logger = logging.getLogger("bot")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


async def _report_progress(api: FakeBotApiProcess, reminders: int) -> None:
    started = time.monotonic()
    while True:
        await asyncio.sleep(PROGRESS_SECONDS)
        now = await api.progress()
        print(
            f"  {time.monotonic() - started:5.0f} s: {now['sent']}/{reminders} sent, "
            f"{now['rejected_429']} answered 429",
            file=sys.stderr,
            flush=True,
        )


async def send_all(runtime: Runtime, clock: FixedClock, deadline: float) -> int:
    """Run the sender until nothing is left to send; return how many passes it took.

    The clock stands still during a pass and then moves on by the time the pass took, so
    rows put back for later (after repeated 429s) come due for the next pass.
    """
    services = runtime.services
    passes = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        claimed = await services.engine.sender.run_once()
        passes += 1
        clock.advance(timedelta(seconds=time.monotonic() - started))
        if claimed:
            continue
        async with services.db.transaction() as session:
            counts = await status_counts(session)
        if not counts.get(OutboxStatus.PENDING) and not counts.get(OutboxStatus.SENDING):
            break
        await asyncio.sleep(1)
        clock.advance(timedelta(seconds=1))
    return passes


async def send(url: str, api: FakeBotApiProcess, seeded: Seeded) -> Sending:
    """Send every reminder through the bot's own sender, assembled as in production.

    The Telegram application is initialised (it asks getMe) but does not poll.
    """
    clock = FixedClock(seeded.due_at)
    runtime = Runtime(_settings(url, api), clock)
    app, services = runtime.app, runtime.services
    assert app is not None, "no Telegram application: is the token set?"
    await app.initialize()
    reminders = sum(seeded.expected.values())
    progress = asyncio.create_task(_report_progress(api, reminders))
    try:
        rss_before = peak_rss_kib()
        started = time.monotonic()
        with _counting_warnings() as warnings:
            passes = await send_all(runtime, clock, started + reminders * MAX_SECONDS_PER_REMINDER)
        seconds = time.monotonic() - started
        async with services.db.transaction() as session:
            statuses = await status_counts(session)
            attempts = await session.execute(
                select(OutboxMessage.attempts, func.count()).group_by(OutboxMessage.attempts)
            )
            tries = {int(n): int(count) for n, count in attempts}
    finally:
        progress.cancel()
        await app.shutdown()
        await services.close()
    return Sending(
        seconds=seconds,
        passes=passes,
        rate_per_second=services.settings.send_rate_per_second,
        rate_per_chat=services.settings.send_rate_per_chat,
        batch=services.engine.sender.batch,
        statuses=statuses,
        attempts=tries,
        warnings=warnings.count,
        rss_before_kib=rss_before,
        peak_rss_kib=peak_rss_kib(),
    )


# --------------------------------------------------------------------------- the benchmark


async def fan_out(reminders: int, kind: DatabaseKind) -> Result:
    """Seed, send, and measure."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        url = database_url(kind, Path(directory))
        async with FakeBotApiProcess(
            global_per_second=GLOBAL_PER_SECOND, per_chat_per_second=PER_CHAT_PER_SECOND
        ) as api:
            print(f"{NAME}: seeding {reminders} reminders ({kind})", file=sys.stderr)
            seeded = await seed_in_child(url, reminders)
            print(f"{NAME}: seeded in {seeded.seconds:.1f} s; sending", file=sys.stderr, flush=True)
            sending = await send(url, api, seeded)
            stats = await api.stats()
    return measure(reminders, kind, seeded, sending, stats)


def measure(
    reminders: int, kind: DatabaseKind, seeded: Seeded, sending: Sending, stats: ServerStats
) -> Result:
    """The metrics of one run, against the targets of the issue.

    The sustained rate is the number of intervals between successful sends over the time
    from the first to the last; a 429 can be put down to both windows at once.
    """
    sent = sum(stats.sent_per_chat.values())
    chats = seeded.expected.keys() | stats.sent_per_chat.keys()
    got = stats.sent_per_chat
    lost = sum(max(seeded.expected.get(c, 0) - got.get(c, 0), 0) for c in chats)
    duplicated = sum(max(got.get(c, 0) - seeded.expected.get(c, 0), 0) for c in chats)
    span = (stats.last_sent_at or 0.0) - (stats.first_sent_at or 0.0)
    rate = (sent - 1) / span if sent > 1 and span > 0 else 0.0
    share = 100 * stats.rejected_429 / stats.send_requests if stats.send_requests else 0.0
    rows_sent = sending.statuses.get(OutboxStatus.SENT, 0)
    retried = sum(count for attempts, count in sending.attempts.items() if attempts > 1)
    several = sum(1 for count in seeded.expected.values() if count > 1)
    metrics = [
        Metric("reminders due in the same minute", reminders),
        Metric("people (with 2 or 3 reminders)", f"{seeded.people} ({several})"),
        Metric.at_least("sustained send rate", round(rate, 2), MIN_RATE, "msg/s"),
        Metric("first to last send", round(span, 1), "s"),
        Metric("sending, all passes", round(sending.seconds, 1), "s"),
        Metric(
            f"at {sending.rate_per_second:g} msg/s it would take",
            round(reminders / sending.rate_per_second, 1),
            "s",
        ),
        Metric.exactly("lost", lost, 0),
        Metric.exactly("duplicated", duplicated, 0),
        Metric.exactly("outbox rows sent", rows_sent, reminders),
        Metric("sendMessage requests", stats.send_requests),
        Metric("answered 429", stats.rejected_429),
        Metric("  when the chat had a send in the last 1 s", stats.rejected_by_chat),
        Metric(f"  when {GLOBAL_PER_SECOND} sends were in the last 1 s", stats.rejected_by_overall),
        Metric.at_most("share answered 429", round(share, 2), MAX_429_SHARE, "%"),
        Metric("rows claimed more than once", retried),
        Metric("sender passes", sending.passes),
        Metric("sender warnings logged", sending.warnings),
        Metric.below(
            "peak RSS, sender process", round(sending.peak_rss_kib / 1024, 1), MAX_RSS_MIB, "MiB"
        ),
        Metric("  peak before sending", round(sending.rss_before_kib / 1024, 1), "MiB"),
        Metric("peak RSS, seeding process", round(seeded.peak_rss_kib / 1024, 1), "MiB"),
        Metric("peak RSS, fake Bot API", round(stats.peak_rss_kib / 1024, 1), "MiB"),
        Metric("seeding", round(seeded.seconds, 1), "s"),
    ]
    parameters = {
        "database": kind,
        "reminders": reminders,
        "people": seeded.people,
        "people_with_several_reminders": several,
        "sessions": seeded.sessions,
        "due_at": seeded.due_at.isoformat(),
        "send_rate_per_second": sending.rate_per_second,
        "send_rate_per_chat": sending.rate_per_chat,
        "sender_batch": sending.batch,
        "server_global_per_second": GLOBAL_PER_SECOND,
        "server_per_chat_per_second": PER_CHAT_PER_SECOND,
        "outbox_statuses": sending.statuses,
        "outbox_attempts": {str(k): v for k, v in sorted(sending.attempts.items())},
        "server_methods": stats.methods,
        "server_errors": stats.server_errors,
        "min_gap_between_sends_to_one_chat_s": stats.min_chat_gap,
    }
    return Result(NAME, metrics, parameters, database=kind)


def benchmark(options: Options) -> Result:
    """The fan-out at the size the options ask for (entry point of ``bench.run``)."""
    reminders = QUICK_REMINDERS if options.quick else FULL_REMINDERS
    return run(reminders, options.database)


def run(reminders: int, kind: DatabaseKind) -> Result:
    """The fan-out of ``reminders`` reminders on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(fan_out(reminders, kind))


def main(argv: list[str] | None = None) -> None:
    """Command line: run the fan-out alone and print its table."""
    parser = argparse.ArgumentParser(description="Reminder fan-out benchmark.")
    parser.add_argument("--reminders", type=int, default=FULL_REMINDERS)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    result = run(args.reminders, args.database)
    print(table([result]))
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
