"""A poster rush at Telegram's real limits: 1,000 people arriving within a minute, and a flood.

The loopback Bot API runs in a process of its own and enforces Telegram's limits: 30
messages a second overall, one a second per chat, 429 with ``retry_after`` beyond. The bot
is the real application (``Runtime``: long polling, the flows, the database, the outbox and
its pacing, as in production). People arrive at random (a Poisson process) over
``ARRIVAL_SECONDS`` from a poster's QR code and book a seat in two steps
(``/start s<id>``, "Oui, je réserve"), reading each answer for about ``THINK_SECONDS``
before the next tap. Meanwhile one person sends ``FLOOD_MESSAGES`` messages in
``FLOOD_SECONDS`` without waiting.

The loopback Bot API counts what Telegram counts against its limits: every message sent,
edits included, documents included.

Reported: p50/p95/p99 time to each person's first answer (its first message, and its last),
to each later answer, and to their
booked seat (from their first message; reading time included); the messages a booking takes
(new ones and edits); the queue's worst age (the oldest message due in the outbox, sampled
twice a second, and the longest wait for a send slot); messages lost and duplicated; the
429s; and the flooder's cost to the others (how much later, at p95, the others' answers came
while the flood arrived than the rest of the time)::

    python -m bench.rush [--people 1000] [--database sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.bot_process import BotProcess, start_bot, stop_bot
from bench.conversation import percentile, seed
from bench.databases import database_url, settings_for
from bench.fake_bot_api_server import ROOT, FakeBotApiProcess, Flood, FlowReport, FlowSpec, Step
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, machine, table, write_json
from bench.webhook_relay import WebhookRelay
from bot.channels.pacing import Pacer
from bot.runtime import Runtime
from core.clock import SystemClock
from core.outbox.queue import held_by_channel
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProcessedUpdate,
)

NAME = "rush"
TWO_INSTANCES = "rush_two_instances"
POSTER_SESSIONS = 4
BOOKING_SCRIPT = [
    Step(texts=[f"/start s{number}" for number in range(1, POSTER_SESSIONS + 1)]),
    Step(press="by:"),
]
"""A poster's QR code opens the bot on its session: one message, the welcome's first lines
and the session's card asking the booking question; then "Oui, je réserve"."""
FULL_PEOPLE = 1_000
QUICK_PEOPLE = 150
ARRIVAL_SECONDS = 60.0
THINK_SECONDS = 2.0
FLOOD_MESSAGES = 300
FLOOD_SECONDS = 10.0
FLOOD_AFTER = 20.0
"""Seconds into the rush at which the flood starts (people keep arriving)."""
FLOOD_AFTERMATH = 10.0
"""Steps taken up to this long after the flood's last message count as during the flood."""
FIRST_USER = 700_000_001
FLOOD_USER = 799_999_999
TELEGRAM_OVERALL = 30
TELEGRAM_PER_CHAT = 1
POLL_TIMEOUT = 10
DRAIN_SECONDS = 60.0
"""After the flows, how long the outbox may take to send what it still holds for people."""
RESULTS = Path(__file__).resolve().parent / "rush.json"


@dataclass(frozen=True, slots=True)
class Figures:
    """What the people saw, from the fake's timings (ms)."""

    first_answer: list[float]
    first_answer_whole: list[float]
    """To the last message of the first answer (a newcomer's is the keyboard's note, then the
    welcome)."""
    later_answers: list[float]
    """Each answer after the first: from the tap to the first message of its answer (on
    Telegram, the few words shown at once when a button answers so, ``Reply.toast``)."""
    later_answers_whole: list[float]
    """To the last message of each later answer (the confirmation itself)."""
    seat: list[float]
    seat_waiting: list[float]
    """Time to the seat minus the reading time: what the person waited for the bot."""
    during_flood: list[float]
    outside_flood: list[float]

    @classmethod
    def of(cls, report: FlowReport) -> Figures:
        by_person: dict[int, list[list[float]]] = {}
        for timing in report.timings:
            by_person.setdefault(int(timing[0]), []).append(timing)
        steps = len(BOOKING_SCRIPT)
        first: list[float] = []
        whole = [1000 * (t[4] - t[2]) for t in report.timings if int(t[1]) == 0]
        later = [1000 * (t[3] - t[2]) for t in report.timings if int(t[1]) > 0]
        later_whole = [1000 * (t[4] - t[2]) for t in report.timings if int(t[1]) > 0]
        seat: list[float] = []
        waiting: list[float] = []
        for timings in by_person.values():
            timings.sort(key=lambda t: t[1])
            first.append(1000 * (timings[0][3] - timings[0][2]))
            if len(timings) == steps:
                seat.append(1000 * (timings[-1][4] - timings[0][2]))
                waiting.append(sum(1000 * (t[4] - t[2]) for t in timings))
        flood = report.flood_injected
        start, end = (min(flood), max(flood) + FLOOD_AFTERMATH) if flood else (0.0, 0.0)
        during = [1000 * (t[3] - t[2]) for t in report.timings if start <= t[2] <= end]
        outside = [1000 * (t[3] - t[2]) for t in report.timings if not start <= t[2] <= end]
        return cls(
            sorted(first),
            sorted(whole),
            sorted(later),
            sorted(later_whole),
            sorted(seat),
            sorted(waiting),
            sorted(during),
            sorted(outside),
        )

    @property
    def flooder_cost(self) -> float:
        """How much later the others' answers came while the flood arrived (p95, ms; 0 when
        they came sooner)."""
        if not self.during_flood or not self.outside_flood:
            return 0.0
        return max(0.0, percentile(self.during_flood, 95) - percentile(self.outside_flood, 95))


def spread(values: list[float]) -> str:
    """p50 / p95 / p99 of sorted values (ms), in seconds."""
    return " / ".join(f"{percentile(values, share) / 1000:.2f}" for share in (50, 95, 99))


def p95_seconds(values: list[float]) -> float:
    """The p95 of sorted values (ms), in seconds."""
    return round(percentile(values, 95) / 1000, 2) if values else 0.0


async def oldest_due(session: AsyncSession, now: datetime) -> float:
    """How long the oldest row due for the people (the flooder's aside: they go at one a
    second on purpose) has been due, in seconds."""
    flooder = select(Person.id).where(Person.external_id == str(FLOOD_USER))
    query = select(func.min(OutboxMessage.due_at)).where(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
        OutboxMessage.due_at <= now,
        OutboxMessage.person_id.not_in(flooder),
        ~held_by_channel(now),  # answers being sent at once, not queued
    )
    oldest = (await session.execute(query)).scalar()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())


class QueueAge:
    """The oldest message due in the outbox for the people, sampled every ``every``
    seconds; the worst seen."""

    def __init__(self, url: str, every: float = 0.5) -> None:
        self.url = url
        self.every = every
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        db = Database(self.url)
        try:
            while True:
                try:
                    async with db.transaction() as session:
                        oldest = await oldest_due(session, SystemClock().now())
                    self.worst = max(self.worst, oldest)
                except Exception as error:  # a busy database: the next sample
                    logging.getLogger(__name__).info("queue age not sampled: %s", error)
                await asyncio.sleep(self.every)
        finally:
            await db.dispose()

    def start(self) -> None:
        """Sample until :meth:`stop`."""
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        """Stop sampling."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class Counts:
    """What the database holds once the rush is over."""

    people_booked: int
    people_with_two_seats: int
    flooder_replies_queued: int
    flooder_replies_sent_by_outbox: int
    people_rows_not_sent: int
    updates_handled: int


async def count(url: str) -> Counts:
    """Bookings per person, and the outbox rows of the flooder and of the others."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            per_person = (
                select(Booking.person_id, func.count().label("seats"))
                .where(Booking.status == BookingStatus.BOOKED)
                .group_by(Booking.person_id)
                .subquery()
            )
            booked = (await session.execute(select(func.count()).select_from(per_person))).scalar()
            doubled = (
                await session.execute(
                    select(func.count()).select_from(per_person).where(per_person.c.seats > 1)
                )
            ).scalar()
            flooder = (
                await session.execute(
                    select(Person.id).where(Person.external_id == str(FLOOD_USER))
                )
            ).scalar()
            rows = select(OutboxMessage.status, func.count()).where(
                OutboxMessage.person_id == flooder
            )
            grouped = await session.execute(rows.group_by(OutboxMessage.status))
            by_status = {status: int(n) for status, n in grouped.all()}
            others = select(func.count()).where(
                OutboxMessage.person_id != flooder,
                OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
                OutboxMessage.due_at <= SystemClock().now(),  # reminders wait for their day
            )
            not_sent = (await session.execute(others)).scalar()
            handled = select(func.count()).select_from(ProcessedUpdate)
            updates = (await session.execute(handled)).scalar()
    finally:
        await db.dispose()
    return Counts(
        people_booked=int(booked or 0),
        people_with_two_seats=int(doubled or 0),
        flooder_replies_queued=sum(int(n) for n in by_status.values()),
        flooder_replies_sent_by_outbox=int(by_status.get(OutboxStatus.SENT, 0)),
        people_rows_not_sent=int(not_sent or 0),
        updates_handled=int(updates or 0),
    )


async def drained(url: str, within: float) -> None:
    """Wait until the outbox holds nothing due for the people (the flooder aside)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (await count(url)).people_rows_not_sent == 0:
            return
        await asyncio.sleep(1.0)


@contextlib.asynccontextmanager
async def running_bots(
    url: str, api: FakeBotApiProcess, directory: Path, instances: int
) -> AsyncIterator[Pacer | None]:
    """The bot: in this process (its pacer is yielded, to read its longest wait), or as
    ``instances`` processes of ``atelier run`` on the same database behind Telegram's
    webhook, each with its share of the overall rate (as docs/operations.md asks)."""
    if instances == 1:
        settings = settings_for(
            url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            outbox_poll_seconds=1.0,
        )
        runtime = Runtime(settings, SystemClock(), poll_timeout=POLL_TIMEOUT)
        await runtime.start()
        try:
            yield runtime.telegram.pacer if runtime.telegram is not None else None
        finally:
            await runtime.stop()
        return
    ports = [_free_port() for _ in range(instances)]
    rate = settings_for(url).send_rate_per_second / instances
    bots = [
        await start_bot(
            url,
            api,
            directory,
            {
                "WEBHOOK_URL": "https://bench.invalid/telegram/webhook",
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
                "HTTP_PORT": str(port),
                "SEND_RATE_PER_SECOND": f"{rate:g}",
                "OUTBOX_POLL_SECONDS": "1",
                "PYTHONPATH": str(ROOT),
            },
        )
        for port in ports
    ]
    webhooks = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
    relay = WebhookRelay(api.base_url, api.token, webhooks, WEBHOOK_SECRET)
    try:
        await _until_up(bots, ports)
        await relay.start()
        yield None
    finally:
        await relay.stop()
        for bot in bots:
            await stop_bot(bot)


WEBHOOK_SECRET = "rush-bench-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _until_up(bots: list[BotProcess], ports: list[int], within: float = 60.0) -> None:
    """Wait until every instance answers /healthz and has set its webhook (a second)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2.0) as client:
        for bot, port in zip(bots, ports, strict=True):
            while True:
                if bot.process.returncode is not None:
                    raise RuntimeError(f"atelier run ended early:\n{bot.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"atelier run did not start:\n{bot.log_tail()}")
                await asyncio.sleep(0.2)
    await asyncio.sleep(3.0)  # the channels start after the HTTP server


async def measure(people: int, kind: DatabaseKind, instances: int = 1) -> Result:
    """Seed, start the bot, run the rush and the flood, and sum up."""
    with TemporaryDirectory(prefix="atelier-rush-") as directory:
        url = database_url(kind, Path(directory))
        await seed(url)
        limits = {"global_per_second": TELEGRAM_OVERALL, "per_chat_per_second": TELEGRAM_PER_CHAT}
        async with (
            FakeBotApiProcess(**limits) as api,
            running_bots(url, api, Path(directory), instances) as pacer,
        ):
            spec = FlowSpec(
                script=BOOKING_SCRIPT,
                users=people,
                first_user=FIRST_USER,
                arrivals_per_second=people / ARRIVAL_SECONDS,
                think_seconds=THINK_SECONDS,
                flood=Flood(FLOOD_USER, FLOOD_MESSAGES, FLOOD_SECONDS, FLOOD_AFTER),
                step_timeout=240.0,
                quiet=1.5,  # calibration: past the one-a-second spacing of a chat
            )
            _say(
                f"{people} people over {ARRIVAL_SECONDS:g} s, and a flood ({instances} instance(s))"
            )
            queue_age = QueueAge(url)
            queue_age.start()
            started = time.monotonic()
            report = await api.flows(spec)
            rush_seconds = time.monotonic() - started
            _say(f"flows done in {rush_seconds:.0f} s; draining the outbox")
            await drained(url, DRAIN_SECONDS)
            await queue_age.stop()
            stats = await api.stats()
            slot_wait = getattr(pacer, "longest_wait", None)
        counts = await count(url)
    figures = Figures.of(report)
    calibration = FIRST_USER - 1
    expected_calls = stats.delivered_per_chat.get(calibration, 0)
    booking_methods = stats.methods_per_chat.get(calibration, {})
    edits = sum(n for method, n in booking_methods.items() if method.startswith("edit"))
    delivered = stats.delivered_per_chat
    person_ids = range(FIRST_USER, FIRST_USER + people)
    missing = sum(max(0, expected_calls - delivered.get(user, 0)) for user in person_ids)
    extra = sum(max(0, delivered.get(user, 0) - expected_calls) for user in person_ids)
    flooder_direct = delivered.get(FLOOD_USER, 0) - counts.flooder_replies_sent_by_outbox
    people_updates = len(report.timings) + report.timeouts + len(BOOKING_SCRIPT)
    flooder_handled = counts.updates_handled - people_updates
    lost = missing + report.timeouts + abs(FLOOD_MESSAGES - flooder_handled)
    duplicated = extra + counts.people_with_two_seats
    ceiling = (people * expected_calls + FLOOD_MESSAGES) / TELEGRAM_OVERALL
    waits = f"{queue_age.worst:.1f} s; " + (
        f"{slot_wait:.1f} s" if isinstance(slot_wait, float) else "not measured"
    )
    metrics = [
        Metric(
            "people x steps; arrivals over; instances",
            f"{people} x {len(BOOKING_SCRIPT)}; {ARRIVAL_SECONDS:g} s; {instances}",
        ),
        Metric(
            "messages per booking (new messages + edits)",
            f"{expected_calls} ({expected_calls - edits} + {edits})",
        ),
        Metric("time to first answer p50 / p95 / p99", spread(figures.first_answer), "s"),
        Metric.below("time to first answer p95", p95_seconds(figures.first_answer), 2, "s"),
        Metric("  to its last message p50 / p95 / p99", spread(figures.first_answer_whole), "s"),
        Metric("time to each later answer p50 / p95 / p99", spread(figures.later_answers), "s"),
        Metric.below("time to each later answer p95", p95_seconds(figures.later_answers), 5, "s"),
        Metric("  to its last message p50 / p95 / p99", spread(figures.later_answers_whole), "s"),
        Metric("time to booked seat p50 / p95 / p99", spread(figures.seat), "s"),
        Metric("  of which waiting for the bot", spread(figures.seat_waiting), "s"),
        Metric(
            "Telegram's ceiling: messages / 30 a second; the rush took",
            f"{ceiling:.0f} s; {rush_seconds:.0f} s",
        ),
        Metric("queue's worst age: outbox; send slot", waits),
        Metric(
            "others' answers during the flood (and 10 s after)",
            spread(figures.during_flood),
            "s",
        ),
        Metric("others' answers the rest of the time", spread(figures.outside_flood), "s"),
        Metric.below(
            "flooder's cost to the others (p95)", round(figures.flooder_cost / 1000, 2), 0.5, "s"
        ),
        Metric.exactly("people with a booked seat", counts.people_booked - 1, people),
        Metric.exactly("messages lost", lost, 0),
        Metric.exactly("messages duplicated", duplicated, 0),
        Metric("429 answers (by chat / overall)", _refusals(stats), ""),
        Metric.exactly("flooder: messages handled", flooder_handled, FLOOD_MESSAGES),
        Metric(
            "  answers sent at once / queued (1 a second), sent so far",
            f"{flooder_direct} / {counts.flooder_replies_queued}, "
            f"{counts.flooder_replies_sent_by_outbox}",
        ),
    ]
    parameters: dict[str, Any] = {
        "database": kind,
        "instances": instances,
        "people": people,
        "arrival_seconds": ARRIVAL_SECONDS,
        "think_seconds": THINK_SECONDS,
        "flood": {"messages": FLOOD_MESSAGES, "seconds": FLOOD_SECONDS, "after": FLOOD_AFTER},
        "telegram_limits": limits,
        "rush_seconds": round(rush_seconds, 1),
        "replies_per_step": report.replies_per_step,
        "messages_per_booking": expected_calls,
        "booking_methods": booking_methods,
        "steps_in_flood_window": len(figures.during_flood),
        "completed_people": report.completed_users,
        "failed_reply_calls": report.failed_replies,
        "timeouts": report.timeouts,
        "problems": report.problems,
        "send_requests": stats.send_requests,
        "rejected_429": stats.rejected_429,
        "server_errors": stats.server_errors,
        "flooder_delivered": delivered.get(FLOOD_USER, 0),
        "people_rows_left_in_outbox": counts.people_rows_not_sent,
    }
    return Result(NAME if instances == 1 else TWO_INSTANCES, metrics, parameters, database=kind)


def _refusals(stats: Any) -> str:
    return f"{stats.rejected_429} ({stats.rejected_by_chat} / {stats.rejected_by_overall})"


def _say(text: str) -> None:
    print(f"{NAME}: {text}", file=sys.stderr, flush=True)


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    people = QUICK_PEOPLE if options.quick else FULL_PEOPLE
    return run(people, options.database)


def benchmark_two_instances(options: Options) -> Result:
    """Entry point of ``bench.run``: two instances on PostgreSQL."""
    people = QUICK_PEOPLE if options.quick else FULL_PEOPLE
    return run(people, "postgresql", instances=2)


def run(people: int, kind: DatabaseKind, instances: int = 1) -> Result:
    """The rush with ``people`` people, on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    result = asyncio.run(measure(people, kind, instances))
    result.parameters["seconds"] = round(time.monotonic() - started, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    """Command line: run the rush alone, print its table, write ``bench/rush.json``."""
    parser = argparse.ArgumentParser(description="A poster rush at Telegram's limits.")
    parser.add_argument("--people", type=int, default=FULL_PEOPLE)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--instances", type=int, choices=[1, 2], default=1, help="2: on PostgreSQL only"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.instances > 1 and args.database != "postgresql":
        parser.error("several instances share a PostgreSQL database")
    result = run(args.people, args.database, args.instances)
    printed = table([result])
    print(printed)
    write_json(args.output, [result], {"people": args.people}, machine(), printed)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
