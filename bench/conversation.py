"""Conversation throughput: simulated people book a seat through the real Telegram bot.

The loopback Bot API runs in a process of its own and plays the people: each one writes
/start, opens the list, opens a session, presses "Book" and confirms, one step after the
bot's answer to the previous one. The bot is the real application (``Runtime``: long
polling, the flows, the database, the scheduler), with the outgoing pacing lifted so that
the bot's own speed is measured rather than Telegram's 30 messages a second.

A bare python-telegram-bot echo bot against the same server is the baseline. The runs:

1. the echo bot, everyone at once (five messages each);
2. the bot, everyone at once: updates per second at saturation;
3. the bot again, as many new people arriving at random (a Poisson process) so as to offer
   a quarter, then half, of the updates per second it sustained in 2: the per-update
   latency a person sees under load. Updates are handled one at a time, so at half load
   much of the tail is the wait behind other people's updates.

An update's latency runs from the moment it is available to getUpdates to the arrival of
the bot's last reply call for it (its answerCallbackQuery for a button), on the fake's clock.
Run 2 also counts, per update, the bot's CPU time, the SQL statements it sent (every engine
of the process, BEGIN and the scheduler's included) and its Bot API calls (every method but
getUpdates, from the fake's own count)::

    python -m bench.conversation --people 1000 --database sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.databases import database_url, fresh_database, settings_for
from bench.fake_bot_api_server import FakeBotApiProcess, FlowReport, FlowSpec, Step
from bench.profiling import profiled
from bench.results import Database as DatabaseKind
from bench.results import Metric, Options, Result, peak_rss_kib, table
from bench.statements import counted
from bot.demo_data import sample_rows
from bot.runtime import Runtime
from core.clock import SystemClock
from core.schedule.importer import import_rows
from models import Booking, BookingStatus, Database

NAME = "conversation_throughput"
FULL_PEOPLE = 1_000
QUICK_PEOPLE = 100
CAPACITY = 10_000
SAMPLES_FROM = timedelta(days=1)
LOAD_SHARES = (0.25, 0.5)
"""Run 3 offers these shares of the updates per second the bot sustained in run 2."""
MIN_RATIO = 0.5
MAX_P99_MS = 100.0
POLL_TIMEOUT = 10
GET_UPDATES = "getUpdates"
UNPACED = 1_000_000.0
"""Messages per second: pacing that never holds a reply back."""

BOOKING_SCRIPT = [
    Step(say="/start"),
    Step(press="l:"),
    Step(press="s:"),
    Step(press="b:"),
    Step(press="by:"),
]
ECHO_SCRIPT = [Step(say=f"Bonjour, message {number}") for number in range(1, 6)]
CALIBRATION_PEOPLE = 1
"""Each run first sends one more person through the script alone (see ``FlowSpec``)."""
ECHO_USERS = 600_000_001
SATURATED_USERS = 610_000_001
PACED_USERS = 620_000_001
PACED_USERS_STEP = 10_000_000


@dataclass(frozen=True, slots=True)
class Run:
    """One batch of scripted people, summed up."""

    updates: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    first_reply_p50_ms: float
    completed: int
    failed_replies: int
    timeouts: int
    replies_per_step: list[int]
    problems: list[str]
    by_step: list[dict[str, float]]
    """Per step of the script: p50 and p99 latency, in ms."""
    cpu_ms_per_update: float = 0.0
    """CPU time of this process (the bot under test, all its threads) per update."""
    statements_per_step: float = 0.0
    """SQL statements (BEGIN included) per update handled, scheduler's included."""
    api_calls_per_update: float = 0.0
    """Bot API calls per update, every method but getUpdates (edits of buttons included)."""

    @property
    def calls_per_update(self) -> float:
        """Reply calls the bot makes per update, on average over the script."""
        steps = self.replies_per_step
        return round(sum(steps) / len(steps), 2) if steps else 0.0

    @classmethod
    def of(cls, report: FlowReport) -> Run:
        """Throughput and latency percentiles from a :class:`FlowReport`."""
        timings = report.timings
        latencies = sorted(1000 * (last - injected) for _, _, injected, _, last in timings)
        first = sorted(1000 * (reply - injected) for _, _, injected, reply, _ in timings)
        span = max(t[4] for t in timings) - min(t[2] for t in timings) if timings else 0.0
        steps: dict[int, list[float]] = {}
        for _, step, injected, _, last in timings:
            steps.setdefault(int(step), []).append(1000 * (last - injected))
        by_step = [
            {"p50": percentile(sorted(values), 50), "p99": percentile(sorted(values), 99)}
            for _, values in sorted(steps.items())
        ]
        return cls(
            updates=len(timings),
            seconds=round(span, 2),
            per_second=round(len(timings) / span, 1) if span > 0 else 0.0,
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            p99_ms=percentile(latencies, 99),
            max_ms=round(latencies[-1], 1) if latencies else 0.0,
            first_reply_p50_ms=percentile(first, 50),
            completed=report.completed_users,
            failed_replies=report.failed_replies,
            timeouts=report.timeouts,
            replies_per_step=report.replies_per_step,
            problems=report.problems,
            by_step=by_step,
        )


def percentile(ordered: list[float], share: float) -> float:
    """The ``share`` percentile of sorted values (interpolated), rounded to 0.1."""
    if not ordered:
        return 0.0
    if len(ordered) == 1:
        return round(ordered[0], 1)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return round(cuts[int(share) - 1], 1) if share < 100 else round(ordered[-1], 1)


def _spec(script: list[Step], people: int, first_user: int, rate: float = 0.0) -> FlowSpec:
    return FlowSpec(script=script, users=people, first_user=first_user, arrivals_per_second=rate)


async def measured(api: FakeBotApiProcess, spec: FlowSpec) -> Run:
    """Run scripted people against the bot of this process: the CPU it spent on them, the
    SQL statements it sent and the Bot API calls it made, per update (the calibration
    person's updates counted too, as their statements and calls are)."""
    before = await api.stats()
    cpu = time.process_time()
    with counted() as statements:
        run = Run.of(await api.flows(spec))
    spent = time.process_time() - cpu
    after = await api.stats()
    handled = run.updates + CALIBRATION_PEOPLE * len(spec.script)
    calls = sum(
        count - before.methods.get(method, 0)
        for method, count in after.methods.items()
        if method != GET_UPDATES
    )
    return replace(
        run,
        cpu_ms_per_update=round(1000 * spent / run.updates, 2) if run.updates else 0.0,
        statements_per_step=round(statements.count / handled, 2) if handled else 0.0,
        api_calls_per_update=round(calls / handled, 2) if handled else 0.0,
    )


# --------------------------------------------------------------------------- the echo bot


def echo_application(api: FakeBotApiProcess) -> Application:
    """A bare python-telegram-bot application that sends every text back."""
    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await context.bot.send_message(message.chat_id, message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def run_echo(api: FakeBotApiProcess, people: int) -> Run:
    """The echo bot's run: everyone writes five messages, all at once."""
    app = echo_application(api)
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=POLL_TIMEOUT)
    await app.start()
    try:
        run = await measured(api, _spec(ECHO_SCRIPT, people, ECHO_USERS))
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    return run


# --------------------------------------------------------------------------- the real bot


async def seed(url: str) -> None:
    """A fresh database holding the sample workshops, with room for everyone.

    They are dated from tomorrow on, so that none starts within the scheduler's planning
    horizon (two days): its reminder planning does not grow with the bookings made here,
    whatever the time of day.
    """
    await fresh_database(url)
    db = Database(url)
    try:
        first_day = SystemClock().now() + SAMPLES_FROM
        samples = sample_rows(first_day, settings_for(url).zone)
        rows = [replace(row, capacity=CAPACITY) for row in samples]
        async with db.transaction() as session:
            await import_rows(session, rows)
    finally:
        await db.dispose()


async def booked(url: str) -> int:
    """How many seats are booked."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            query = select(func.count()).where(Booking.status == BookingStatus.BOOKED)
            return int((await session.execute(query)).scalar_one())
    finally:
        await db.dispose()


@dataclass(frozen=True, slots=True)
class Paced:
    """One run of people arriving at a set share of the bot's capacity."""

    share: float
    offered_per_second: float
    run: Run


async def run_bot(
    url: str, api: FakeBotApiProcess, people: int, profile_name: str | None
) -> tuple[Run, list[Paced], int]:
    """Runs 2 and 3 against the real bot; also its peak RSS."""
    settings = settings_for(
        url,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.base_url,
        send_rate_per_second=UNPACED,
    )
    runtime = Runtime(settings, SystemClock(), poll_timeout=POLL_TIMEOUT)
    await runtime.start()
    try:
        _say("run 2: everyone at once")
        with profiled(profile_name or "", profile_name is not None):
            saturated = await measured(api, _spec(BOOKING_SCRIPT, people, SATURATED_USERS))
        _say(f"run 2: {saturated.per_second} updates/s, {saturated.cpu_ms_per_update} ms CPU each")
        paced: list[Paced] = []
        for number, share in enumerate(LOAD_SHARES):
            rate = share * saturated.per_second
            arrivals = rate / len(BOOKING_SCRIPT)
            _say(f"run 3: {arrivals:.2f} people/s arrive ({share:.0%} load)")
            first = PACED_USERS + number * PACED_USERS_STEP
            report = await measured(api, _spec(BOOKING_SCRIPT, people, first, arrivals))
            paced.append(Paced(share, round(rate, 1), report))
    finally:
        await runtime.stop()
    return saturated, paced, peak_rss_kib()


def _say(text: str) -> None:
    print(f"{NAME}: {text}", file=sys.stderr, flush=True)


async def measure(people: int, kind: DatabaseKind, profile: bool) -> Result:
    """Seed, run the echo bot and the real bot, and sum up."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        url = database_url(kind, Path(directory))
        await seed(url)
        async with FakeBotApiProcess(global_per_second=0, per_chat_per_second=0) as api:
            _say(f"run 1: the echo bot, {people} people")
            echo = await run_echo(api, people)
            _say(f"run 1: {echo.per_second} updates/s, {echo.cpu_ms_per_update} ms CPU each")
            profile_name = f"{NAME}-{kind}" if profile else None
            saturated, paced, rss_kib = await run_bot(url, api, people, profile_name)
            stats = await api.stats()
        seats = await booked(url)
    ratio = saturated.per_second / echo.per_second if echo.per_second else 0.0
    bot_runs = [saturated, *(load.run for load in paced)]
    finished = sum(run.completed for run in bot_runs)
    expected_seats = finished + CALIBRATION_PEOPLE * len(bot_runs)
    failures = sum(run.failed_replies for run in (echo, *bot_runs))
    timeouts = sum(run.timeouts for run in (echo, *bot_runs))
    metrics = [
        Metric("people per run x steps", f"{people} x {len(BOOKING_SCRIPT)}"),
        Metric(
            "Bot API calls per update: bot / echo",
            f"{saturated.api_calls_per_update} / {echo.api_calls_per_update}",
        ),
        Metric("SQL statements per step", saturated.statements_per_step),
        Metric("echo bot, all at once: updates/s", echo.per_second, "upd/s"),
        Metric("  CPU per update", echo.cpu_ms_per_update, "ms"),
        Metric("  p50 / p99 latency", f"{echo.p50_ms} / {echo.p99_ms}", "ms"),
        Metric("bot, all at once: updates/s", saturated.per_second, "upd/s"),
        Metric.at_least("  ratio to the echo bot", round(ratio, 2), MIN_RATIO),
        Metric("  CPU per update", saturated.cpu_ms_per_update, "ms"),
        Metric(
            "  p50 / p95 / p99 latency",
            f"{saturated.p50_ms} / {saturated.p95_ms} / {saturated.p99_ms}",
            "ms",
        ),
    ]
    for load in paced:
        metrics += [
            Metric(f"bot, arrivals at {load.share:.0%} of that", load.offered_per_second, "upd/s"),
            Metric("  p50 / p95 latency", f"{load.run.p50_ms} / {load.run.p95_ms}", "ms"),
            Metric.below("  p99 latency", load.run.p99_ms, MAX_P99_MS, "ms"),
            Metric("  max latency", load.run.max_ms, "ms"),
        ]
    metrics += [
        Metric.exactly("flows completed", finished, len(bot_runs) * people),
        Metric.exactly(
            f"seats booked (with {len(bot_runs)} calibration runs)", seats, expected_seats
        ),
        Metric.exactly("failed reply calls", failures, 0),
        Metric.exactly("steps without an answer in time", timeouts, 0),
        Metric("peak RSS, bot process", round(rss_kib / 1024, 1), "MiB"),
    ]
    parameters = {
        "database": kind,
        "people_per_run": people,
        "script": [step.say or f"press {step.press}" for step in BOOKING_SCRIPT],
        "echo_script_messages": len(ECHO_SCRIPT),
        "outgoing_pacing_per_second": UNPACED,
        "poll_timeout_s": POLL_TIMEOUT,
        "load_shares_of_run_3": list(LOAD_SHARES),
        "runs": {
            "echo": _summary(echo),
            "bot_all_at_once": _summary(saturated),
            **{
                f"bot_at_{round(100 * load.share)}_percent": {
                    "offered_updates_per_second": load.offered_per_second,
                    **_summary(load.run),
                }
                for load in paced
            },
        },
        "server_methods": stats.methods,
        "server_errors": stats.server_errors,
        "fake_peak_rss_mib": round(stats.peak_rss_kib / 1024, 1),
    }
    return Result(NAME, metrics, parameters, database=kind)


def _summary(run: Run) -> dict[str, Any]:
    return {
        "updates": run.updates,
        "seconds": run.seconds,
        "updates_per_second": run.per_second,
        "latency_ms": {"p50": run.p50_ms, "p95": run.p95_ms, "p99": run.p99_ms, "max": run.max_ms},
        "first_reply_p50_ms": run.first_reply_p50_ms,
        "bot_cpu_ms_per_update": run.cpu_ms_per_update,
        "sql_statements_per_step": run.statements_per_step,
        "bot_api_calls_per_update": run.api_calls_per_update,
        "replies_per_step": run.replies_per_step,
        "latency_by_step_ms": run.by_step,
        "completed_people": run.completed,
        "problems": run.problems,
    }


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    people = QUICK_PEOPLE if options.quick else FULL_PEOPLE
    return run(people, options.database, options.profile)


def run(people: int, kind: DatabaseKind, profile: bool = False) -> Result:
    """Every run with ``people`` people each, on a fresh database of ``kind``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    result = asyncio.run(measure(people, kind, profile))
    result.parameters["seconds"] = round(time.monotonic() - started, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description="Conversation throughput benchmark.")
    parser.add_argument("--people", type=int, default=FULL_PEOPLE)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.people, args.database, args.profile)
    print(table([result]))
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
