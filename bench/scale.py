"""Scale: the screens' queries and the outbox claim on a database of a city-wide service.

100,000 people, 5,000 sessions (two years past, six months to come) and 300,000 bookings,
bulk-inserted, with what the bot keeps beside them: a conversation per person, the outbox of
the last month and every reminder still to send (a few hundred due now), two days of handled
update ids. PostgreSQL is analysed after loading, as autovacuum would; SQLite is left without
statistics, as the bot leaves it.

Each query is timed over a few hundred calls, each in a transaction of its own (rolled back
for the claim, which would take the rows); their plans are stored in the JSON and summed up in
the table. Then the real ``atelier run`` starts on that database against the loopback Bot API
(with Telegram's overall flood limit): its start-up, its resident memory once it is idle, and
the latency people see when a few of them book each second::

    python -m bench.scale --database sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bench.bot_process import start_bot, status_kib, stop_bot, wait_until_idle
from bench.conversation import Run
from bench.databases import database_url, fresh_database, settings_for
from bench.fake_bot_api_server import FakeBotApiProcess, FlowSpec, Step
from bench.profiling import profiled
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, table
from bot.demo_data import ADDRESS, SAMPLES, VENUE
from core.clock import SystemClock
from core.delivery.tick import PLAN_OVERLAP
from core.i18n import LANGUAGES
from core.outbox.queue import claim_due
from core.seats.catalog import AUDIENCES, my_upcoming_bookings, upcoming_sessions
from core.seats.privacy import forget_inactive
from core.seats.reminders import REMINDER, plan_reminders, reminder_due, reminder_key
from models import (
    Booking,
    BookingStatus,
    Conversation,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProcessedUpdate,
    SessionStatus,
    WorkshopSession,
)

NAME = "scale"


@dataclass(frozen=True, slots=True)
class Size:
    """How big the database is, and how many calls are timed."""

    people: int
    sessions: int
    bookings_per_session: int
    calls: int
    handled_updates: int

    @property
    def bookings(self) -> int:
        """Bookings in all."""
        return self.sessions * self.bookings_per_session


FULL = Size(
    people=100_000, sessions=5_000, bookings_per_session=60, calls=200, handled_updates=20_000
)
QUICK = Size(people=10_000, sessions=500, bookings_per_session=60, calls=50, handled_updates=2_000)

PAST = timedelta(days=730)
AHEAD = timedelta(days=183)
CAPACITIES = (40, 60, 80, 100)
CANCELLED_EVERY = 50
OUTBOX_KEPT = timedelta(days=31)
FIRST_CHAT = 640_000_001
CHUNK = 5_000
SENDER_BATCH = 60
PAGE_SIZE = 4
PAGES = 10
MAX_P95_MS = 20.0
MAX_RSS_MIB = 200.0
SEED = 11

PLAN_TARGET = "indexes, no full scan"

BOOKING_PEOPLE = 120
QUICK_BOOKING_PEOPLE = 30
BOOKING_ARRIVALS = 2.0
"""People per second who open a poster's link, book, confirm and look at their bookings."""
ROOMY_SESSIONS = 20
ROOMY_SEATS = 30
FIRST_BOOKER = 650_000_001


# --------------------------------------------------------------------------- seeding


@dataclass(slots=True)
class Rows:
    """Rows of every table, in insertion order."""

    people: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[type[Any], list[dict[str, Any]]]]:
        """Each model with its rows, parents first."""
        yield Person, self.people
        yield WorkshopSession, self.sessions
        yield Booking, self.bookings
        yield Conversation, self.conversations
        yield OutboxMessage, self.outbox
        yield ProcessedUpdate, self.updates


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def population(size: Size, now: datetime, seed: int = SEED) -> Rows:
    """A plausible database around ``now``.

    Sessions are evenly spread from two years ago to six months ahead; each has the same
    number of bookings from distinct people. Past sessions: attended or no-show up to
    capacity, the rest cancelled. Sessions to come: one booking in ten cancelled, then
    booked up to capacity and waiting past it; a reminder is queued for each seat.
    """
    rng = random.Random(seed)
    settings = settings_for("sqlite+aiosqlite://")
    zone, at = settings.zone, settings.reminder_time
    rows = Rows()
    for person_id in range(1, size.people + 1):
        seen = now - timedelta(minutes=rng.randrange(700 * 24 * 60))
        rows.people.append(
            {
                "id": person_id,
                "channel": "telegram",
                "external_id": str(FIRST_CHAT + person_id),
                "name": f"Personne {person_id}",
                "language": rng.choice(LANGUAGES),
                "unreachable": False,
                "opted_out": False,
                "created_at": seen - timedelta(days=rng.randrange(400)),
                "last_seen_at": seen,
            }
        )
        rows.conversations.append(
            {
                "person_id": person_id,
                "state": {"choices": [["menu", "menu", "Menu"]]},
                "updated_at": seen,
            }
        )
    first = now - PAST
    step = (PAST + AHEAD) / size.sessions
    for index in range(size.sessions):
        starts = _hour(first + step * index)
        capacity = CAPACITIES[index % len(CAPACITIES)]
        _, _, title, description, audience, minutes, _ = SAMPLES[index % len(SAMPLES)]
        status = (
            SessionStatus.CANCELLED if index % CANCELLED_EVERY == 7 else SessionStatus.SCHEDULED
        )
        session = {
            "id": index + 1,
            "import_key": f"scale-{index + 1}",
            "title": f"{title} ({index + 1})",
            "description": description,
            "audience": AUDIENCES[index % len(AUDIENCES)] if index % 3 else audience,
            "starts_at": starts,
            "duration_minutes": minutes,
            "capacity": capacity,
            "seats_taken": 0,
            "venue": f"{VENUE}, salle {index % 4 + 1}",
            "address": ADDRESS,
            "status": status,
            "bring": "",
            "revision": 0,
        }
        rows.sessions.append(session)
        _book(rows, session, size, now, rng, zone, at)
    for number in range(size.handled_updates):
        rows.updates.append(
            {
                "id": number + 1,
                "channel": "telegram",
                "update_key": str(900_000_000 + number),
                "handled_at": now - timedelta(seconds=rng.randrange(2 * 24 * 3600)),
            }
        )
    return rows


def _book(
    rows: Rows,
    session: dict[str, Any],
    size: Size,
    now: datetime,
    rng: random.Random,
    zone: Any,
    at: Any,
) -> None:
    """The bookings of one session, and their reminders where the outbox still has them."""
    starts: datetime = session["starts_at"]
    upcoming = starts > now and session["status"] == SessionStatus.SCHEDULED
    due = reminder_due(starts, zone, at)
    held = 0
    for number, person_id in enumerate(
        rng.sample(range(1, size.people + 1), size.bookings_per_session)
    ):
        made = starts - timedelta(minutes=rng.randrange(60, 30 * 24 * 60))
        if upcoming:
            if number % 10 == 9:
                status = BookingStatus.CANCELLED
            elif held < session["capacity"]:
                status, held = BookingStatus.BOOKED, held + 1
            else:
                status = BookingStatus.WAITING
        elif session["status"] == SessionStatus.CANCELLED or held >= session["capacity"]:
            status = BookingStatus.CANCELLED
        else:
            status = BookingStatus.ATTENDED if rng.random() < 0.85 else BookingStatus.NO_SHOW
            held += 1
        booking_id = len(rows.bookings) + 1
        rows.bookings.append(
            {
                "id": booking_id,
                "person_id": person_id,
                "session_id": session["id"],
                "status": status,
                "created_at": min(made, now),
                "updated_at": min(made, now),
            }
        )
        keep = upcoming and status == BookingStatus.BOOKED and made < due
        sent = not upcoming and status != BookingStatus.CANCELLED and due > now - OUTBOX_KEPT
        if keep or sent:
            rows.outbox.append(
                {
                    "id": len(rows.outbox) + 1,
                    "key": reminder_key(booking_id, starts),
                    "person_id": person_id,
                    "kind": REMINDER,
                    "payload": {"booking_id": booking_id},
                    "due_at": due,
                    "status": OutboxStatus.SENT if sent else OutboxStatus.PENDING,
                    "attempts": 1 if sent else 0,
                    "sent_at": due if sent else None,
                }
            )
    session["seats_taken"] = held if upcoming else 0


async def _insert_all(engine: AsyncEngine, rows: Rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with engine.begin() as connection:
        for model, chunk_rows in rows.tables():
            table_ = model.__table__
            for start in range(0, len(chunk_rows), CHUNK):
                await connection.execute(table_.insert(), chunk_rows[start : start + CHUNK])
            counts[table_.name] = len(chunk_rows)
        if connection.dialect.name == "postgresql":
            for model, _ in rows.tables():
                name = model.__table__.name
                if name == Conversation.__tablename__:
                    continue
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )
    return counts


async def _analyse(db: Database) -> None:
    if db.is_sqlite:
        return
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))


@dataclass(frozen=True, slots=True)
class Seeded:
    """What was loaded, how long it took, and the people to ask "my bookings" for."""

    counts: dict[str, int]
    seconds: float
    askers: list[int]
    due_now: int
    roomy: list[int]
    """Sessions at least two days ahead with seats to spare, soonest first."""


async def seed(url: str, size: Size) -> Seeded:
    """A fresh, migrated database with the rows of :func:`population`."""
    started = time.monotonic()
    await fresh_database(url)
    now = SystemClock().now()
    rows = population(size, now)
    upcoming = {s["id"] for s in rows.sessions if s["starts_at"] > now}
    askers = sorted(
        {
            b["person_id"]
            for b in rows.bookings
            if b["session_id"] in upcoming
            and b["status"] in (BookingStatus.BOOKED, BookingStatus.WAITING)
        }
    )
    due_now = sum(r["status"] == OutboxStatus.PENDING and r["due_at"] <= now for r in rows.outbox)
    roomy = [
        s["id"]
        for s in rows.sessions
        if s["id"] in upcoming
        and s["status"] == SessionStatus.SCHEDULED
        and s["starts_at"] > now + timedelta(days=2)
        and s["capacity"] - s["seats_taken"] >= ROOMY_SEATS
    ][:ROOMY_SESSIONS]
    db = Database(url)
    try:
        counts = await _insert_all(db.engine, rows)
        await _analyse(db)
    finally:
        await db.dispose()
    return Seeded(counts, time.monotonic() - started, askers, due_now, roomy)


# --------------------------------------------------------------------------- timing and plans


Call = Callable[[AsyncSession, random.Random], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Query:
    """A question the bot asks the database, how it is called, and whether it writes."""

    label: str
    call: Call
    rolled_back: bool = False
    frequent: bool = True
    """Asked on people's screens (timed over all the calls), else by the scheduler (fewer)."""


@dataclass(slots=True)
class Timing:
    """Durations of one query, in milliseconds, and its plans."""

    label: str
    durations_ms: list[float]
    statements: list[str] = field(default_factory=list)
    plans: list[tuple[str, str]] = field(default_factory=list)
    """Each SELECT sent, with its plan."""

    @property
    def p50(self) -> float:
        """Median."""
        return round(statistics.median(self.durations_ms), 2)

    @property
    def p95(self) -> float:
        """95th percentile."""
        return round(statistics.quantiles(self.durations_ms, n=20, method="inclusive")[18], 2)

    @property
    def worst(self) -> float:
        """The slowest call."""
        return round(max(self.durations_ms), 2)


def queries(askers: list[int]) -> list[Query]:
    """The three queries of the issue, and two the scheduler runs, with varied arguments."""

    async def listing(session: AsyncSession, rng: random.Random) -> Any:
        audience = rng.choice([None, None, *AUDIENCES[:4]])
        page = rng.randrange(PAGES)
        return await upcoming_sessions(
            session,
            SystemClock().now(),
            audience=audience,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )

    async def mine(session: AsyncSession, rng: random.Random) -> Any:
        return await my_upcoming_bookings(session, rng.choice(askers), SystemClock().now())

    async def claim(session: AsyncSession, rng: random.Random) -> Any:
        return await claim_due(session, SystemClock().now(), SENDER_BATCH)

    async def planning(session: AsyncSession, rng: random.Random) -> Any:
        settings = settings_for("sqlite+aiosqlite://")
        return await plan_reminders(
            session,
            SystemClock().now(),
            zone=settings.zone,
            at=settings.reminder_time,
            days_before=tuple(settings.reminder_days_before),
        )

    async def planning_changes(session: AsyncSession, rng: random.Random) -> Any:
        settings = settings_for("sqlite+aiosqlite://")
        now = SystemClock().now()
        since = now - settings.outbox_poll_seconds * timedelta(seconds=1) - PLAN_OVERLAP
        return await plan_reminders(
            session,
            now,
            zone=settings.zone,
            at=settings.reminder_time,
            since=since,
            days_before=tuple(settings.reminder_days_before),
        )

    async def retention(session: AsyncSession, rng: random.Random) -> Any:
        return await forget_inactive(session, SystemClock().now(), 24, 360)

    return [
        Query("upcoming sessions (list page)", listing),
        Query("my bookings", mine),
        Query("claim due reminders", claim, rolled_back=True),
        Query("scheduler, hourly: plan all reminders", planning, rolled_back=True, frequent=False),
        Query("scheduler tick: plan what changed", planning_changes, rolled_back=True),
        Query("daily retention: find inactive", retention, rolled_back=True, frequent=False),
    ]


@contextmanager
def _capturing(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """Statements sent to the database while the block runs, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if not many:
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def time_query(db: Database, query: Query, calls: int, rng: random.Random) -> Timing:
    """``calls`` calls, each in a fresh transaction; the first one's SELECTs explained."""
    timing = Timing(query.label, [])
    for number in range(calls + 1):
        async with db.sessions() as session:
            await session.begin()
            started = time.perf_counter()
            if number == 0:
                with _capturing(db.engine) as seen:
                    await query.call(session, rng)
                timing.statements = [statement for statement, _ in seen]
                timing.plans = [
                    (statement, await explain(session, statement, parameters))
                    for statement, parameters in seen
                    if statement.lstrip().upper().startswith("SELECT")
                ]
            else:
                await query.call(session, rng)
                timing.durations_ms.append(1000 * (time.perf_counter() - started))
            if query.rolled_back:
                await session.rollback()
            else:
                await session.commit()
    return timing


async def explain(session: AsyncSession, statement: str, parameters: Any) -> str:
    """The plan of one statement: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL."""
    connection: AsyncConnection = await session.connection()
    if connection.dialect.name == "sqlite":
        result = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        rows = result.all()
        depth: dict[int, int] = {0: 0}
        lines = []
        for row in rows:
            values: list[Any] = list(row)
            node, parent, detail = int(values[0]), int(values[1]), str(values[3])
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * (depth[node] - 1) + detail)
        return "\n".join(lines)
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    result = await connection.exec_driver_sql(prefix + statement, parameters)
    return "\n".join(str(row[0]) for row in result.all())


_SQLITE_INDEX = re.compile(r"USING (?:COVERING )?INDEX (\w+)|USING (INTEGER PRIMARY KEY)")
_SQLITE_SCAN = re.compile(r"^\s*SCAN (\w+)(.*)$", re.MULTILINE)
_PG_INDEX = re.compile(
    r"(?:Index Scan|Index Only Scan) (?:Backward )?using (\w+)|Bitmap Index Scan on (\w+)"
)
_PG_SEQ = re.compile(r"Seq Scan on (\w+)")
_PG_SORT = re.compile(r"^\s*(?:->\s+)?(?:Incremental )?Sort \(", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """Indexes a query's plans use, tables they read whole, sorts they need."""

    indexes: list[str]
    full_scans: list[str]
    temp_sorts: int

    @property
    def text(self) -> str:
        """One line for the table."""
        used = ", ".join(self.indexes) or "no index"
        parts = [f"uses {used}"]
        if self.full_scans:
            parts.append("full scan of " + ", ".join(self.full_scans))
        if self.temp_sorts:
            parts.append(f"{self.temp_sorts} sort(s)")
        return "; ".join(parts)


def summarise_plans(plans: list[str], kind: DatabaseKind) -> PlanSummary:
    """What :class:`PlanSummary` says about ``plans``."""
    indexes: list[str] = []
    scans: list[str] = []
    sorts = 0
    for plan in plans:
        if kind == "sqlite":
            for match in _SQLITE_INDEX.finditer(plan):
                name = match.group(1) or "primary key"
                if name not in indexes:
                    indexes.append(name)
            for match in _SQLITE_SCAN.finditer(plan):
                if "USING" not in match.group(2) and match.group(1) not in scans:
                    scans.append(match.group(1))
            sorts += plan.count("USE TEMP B-TREE")
        else:
            for match in _PG_INDEX.finditer(plan):
                name = match.group(1) or match.group(2)
                if name not in indexes:
                    indexes.append(name)
            for match in _PG_SEQ.finditer(plan):
                if match.group(1) not in scans:
                    scans.append(match.group(1))
            sorts += len(_PG_SORT.findall(plan))
    return PlanSummary(indexes, scans, sorts)


# --------------------------------------------------------------------------- the bot on it


@dataclass(frozen=True, slots=True)
class Resident:
    """``atelier run`` on the big database."""

    start_s: float
    idle: bool
    waited_s: float
    idle_cpu_share: float
    rss_kib: int
    peak_kib: int
    reminders_sent: int
    booking: Run
    peak_after_booking_kib: int


def booking_script(roomy: list[int]) -> list[Step]:
    """A poster's link to a session with seats, book, confirm, then "my bookings"."""
    return [
        Step(texts=[f"/start s{session_id}" for session_id in roomy]),
        Step(press="b:"),
        Step(press="by:"),
        Step(press="mine"),
    ]


async def run_bot(url: str, directory: Path, roomy: list[int], people: int) -> Resident:
    """Start ``atelier run``: its first poll, its memory once idle, then people booking.

    The fake holds the bot to 30 messages a second overall, as Telegram does; the per-chat
    limit is off, since answers to a person come in a burst that Telegram tolerates.
    """
    async with FakeBotApiProcess(global_per_second=30, per_chat_per_second=0) as api:
        bot = await start_bot(url, api, directory)
        try:
            polled = await api.first_poll_after(bot.spawned_at, 180.0)
            if polled is None:
                raise RuntimeError(f"atelier run never polled:\n{bot.log_tail()}")
            idle = await wait_until_idle(bot, api)
            sent = (await api.progress())["sent"]
            _say(f"{people} people book, {BOOKING_ARRIVALS:g} a second")
            spec = FlowSpec(
                script=booking_script(roomy),
                users=people,
                first_user=FIRST_BOOKER,
                arrivals_per_second=BOOKING_ARRIVALS,
            )
            booking = Run.of(await api.flows(spec))
            peak = status_kib(bot.pid, "VmHWM")
        finally:
            await stop_bot(bot)
    return Resident(
        polled - bot.spawned_at,
        idle.settled,
        idle.waited_s,
        idle.cpu_share,
        idle.rss_kib,
        idle.peak_kib,
        sent,
        booking,
        peak,
    )


# --------------------------------------------------------------------------- the benchmark


async def measure(size: Size, kind: DatabaseKind, profile: bool, people: int) -> Result:
    """Seed, time the queries, run the bot on the database."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        url = database_url(kind, Path(directory))
        _say(f"seeding {size.people} people, {size.sessions} sessions ({kind})")
        seeded = await seed(url, size)
        _say(f"seeded in {seeded.seconds:.1f} s; timing the queries")
        rng = random.Random(SEED)
        db = Database(url)
        timings: list[Timing] = []
        try:
            for query in queries(seeded.askers):
                calls = size.calls if query.frequent else max(size.calls // 10, 5)
                with profiled(f"{NAME}-{kind}-{_slug(query.label)}", profile):
                    timings.append(await time_query(db, query, calls, rng))
            size_mib = await database_mib(db)
        finally:
            await db.dispose()
        _say("starting atelier run on it")
        resident = await run_bot(url, Path(directory), seeded.roomy, people)
    return summarise(size, kind, seeded, timings, resident, size_mib)


async def database_mib(db: Database) -> float:
    """The database's size on disk."""
    async with db.engine.connect() as connection:
        if db.is_sqlite:
            pages = (await connection.exec_driver_sql("PRAGMA page_count")).scalar_one()
            page = (await connection.exec_driver_sql("PRAGMA page_size")).scalar_one()
            return round(int(pages) * int(page) / 2**20, 1)
        size = (
            await connection.execute(text("SELECT pg_database_size(current_database())"))
        ).scalar_one()
        return round(int(size) / 2**20, 1)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _say(message: str) -> None:
    print(f"{NAME}: {message}", file=sys.stderr, flush=True)


def summarise(
    size: Size,
    kind: DatabaseKind,
    seeded: Seeded,
    timings: list[Timing],
    resident: Resident,
    size_mib: float,
) -> Result:
    """The metrics, with the plans kept for the JSON."""
    counts = seeded.counts
    metrics = [
        Metric(
            "people / sessions / bookings",
            f"{counts['people']} / {counts['sessions']} / {counts['bookings']}",
        ),
        Metric("outbox rows (due now)", f"{counts['outbox']} ({seeded.due_now})"),
        Metric("database size", size_mib, "MiB"),
    ]
    details: dict[str, Any] = {"plans": {}}
    for timing in timings:
        summary = summarise_plans([plan for _, plan in timing.plans], kind)
        targeted = timing.label in (
            "upcoming sessions (list page)",
            "my bookings",
            "claim due reminders",
        )
        if targeted:
            metrics.append(Metric.below(f"{timing.label}: p95", timing.p95, MAX_P95_MS, "ms"))
        else:
            metrics.append(Metric(f"{timing.label}: p95", timing.p95, "ms"))
        metrics.append(Metric("  p50 / max", f"{timing.p50} / {timing.worst}", "ms"))
        metrics.append(
            Metric(
                "  plan",
                summary.text,
                target=PLAN_TARGET if targeted else "",
                ok=(not summary.full_scans and bool(summary.indexes)) if targeted else None,
            )
        )
        details["plans"][timing.label] = {
            "summary": summary.text,
            "indexes": summary.indexes,
            "full_scans": summary.full_scans,
            "statements": timing.statements,
            "plans": [{"statement": sql, "plan": plan} for sql, plan in timing.plans],
            "calls": len(timing.durations_ms),
            "p50_ms": timing.p50,
            "p95_ms": timing.p95,
            "max_ms": timing.worst,
        }
    metrics += [
        Metric("atelier run: start to first getUpdates", round(resident.start_s, 2), "s"),
        Metric(
            "  nothing left to send after",
            f"{resident.waited_s:.0f} s" + ("" if resident.idle else " (still sending)"),
        ),
        Metric("  CPU while idle (20 s)", round(100 * resident.idle_cpu_share, 1), "%"),
        Metric.below(
            "  resident memory (VmRSS)", round(resident.rss_kib / 1024, 1), MAX_RSS_MIB, "MiB"
        ),
        Metric("  peak resident memory (VmHWM)", round(resident.peak_kib / 1024, 1), "MiB"),
        Metric("  reminders it sent on start", resident.reminders_sent),
        Metric(
            f"  {resident.booking.completed} people book, {BOOKING_ARRIVALS:g}/s: p50 / p95 / p99",
            f"{resident.booking.p50_ms} / {resident.booking.p95_ms} / {resident.booking.p99_ms}",
            "ms",
        ),
        Metric("    slowest answer", resident.booking.max_ms, "ms"),
        Metric.exactly(
            "    failed reply calls, steps without answer",
            resident.booking.failed_replies + resident.booking.timeouts,
            0,
        ),
        Metric(
            "    peak resident memory after",
            round(resident.peak_after_booking_kib / 1024, 1),
            "MiB",
        ),
        Metric("seeding", round(seeded.seconds, 1), "s"),
    ]
    parameters = {
        "database": kind,
        "rows": counts,
        "due_now": seeded.due_now,
        "calls_per_query": size.calls,
        "sessions_span": {"past_days": PAST.days, "ahead_days": AHEAD.days},
        "page_size": PAGE_SIZE,
        "sender_batch": SENDER_BATCH,
        "analysed": kind == "postgresql",
        "database_mib": size_mib,
        "atelier_run": {
            "start_to_first_poll_s": round(resident.start_s, 3),
            "idle": resident.idle,
            "waited_for_idle_s": round(resident.waited_s, 1),
            "idle_cpu_share": round(resident.idle_cpu_share, 4),
            "vm_rss_kib": resident.rss_kib,
            "vm_hwm_kib": resident.peak_kib,
            "reminders_sent": resident.reminders_sent,
            "booking_people": resident.booking.completed,
            "booking_arrivals_per_second": BOOKING_ARRIVALS,
            "booking_latency_ms": {
                "p50": resident.booking.p50_ms,
                "p95": resident.booking.p95_ms,
                "p99": resident.booking.p99_ms,
                "max": resident.booking.max_ms,
            },
            "booking_latency_by_step_ms": resident.booking.by_step,
            "booking_replies_per_step": resident.booking.replies_per_step,
            "booking_problems": resident.booking.problems,
            "vm_hwm_after_booking_kib": resident.peak_after_booking_kib,
        },
    }
    return Result(NAME, metrics, parameters, database=kind, details=details)


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    return run(QUICK if options.quick else FULL, options.database, options.profile)


def run(size: Size, kind: DatabaseKind, profile: bool = False) -> Result:
    """The whole benchmark on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    people = BOOKING_PEOPLE if size == FULL else QUICK_BOOKING_PEOPLE
    return asyncio.run(measure(size, kind, profile, people))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="Scale benchmark.")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    result = run(QUICK if args.quick else FULL, args.database, args.profile)
    print(table([result]))
    for label, plan in result.details["plans"].items():
        print(f"\n== {label}: {plan['summary']}")
        for explained in plan["plans"]:
            print(" ".join(explained["statement"].split())[:160])
            print(explained["plan"])
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
