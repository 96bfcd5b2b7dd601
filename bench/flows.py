"""The conversation flows alone: the booking script through ``Conversations.handle``, no
Telegram, no network; the CPU and the SQL statements of each step.

The same five steps as ``bench.conversation`` (/start, the list, a session, "Book", "Yes"),
person after person, on the ``telegram`` channel, each step's button picked from the
previous answer as the fake Bot API picks it. ``--held`` handles each step as the Telegram
channel does, its answers written in the outbox with it (held while they are sent; the
deletion of those sent, a few rows a statement a moment later, is not counted here).
``--profile`` writes a cProfile of the
measured part to ``bench/profiles/flows-<database>.prof`` and prints its top::

    python -m bench.flows --people 200 --database sqlite [--held] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.conversation import BOOKING_SCRIPT, booked, seed
from bench.databases import database_url, settings_for
from bench.profiling import PROFILES
from bench.results import Database as DatabaseKind
from bench.statements import counted
from core.clock import SystemClock
from core.dialog import Incoming, Kind, Reply, Sender
from handlers.machinery.turns import Conversations
from models import Database

CHANNEL = "telegram"
FIRST_USER = 700_000_001
WARM_UP_PEOPLE = 5


@dataclass(frozen=True, slots=True)
class Figures:
    """What the measured people cost."""

    people: int
    steps: int
    cpu_ms_per_step: float
    statements_per_step: float
    seats: int


def _pressed(replies: list[Reply], prefix: str, person: int) -> str:
    """The data of the button starting with ``prefix`` in the last reply that has some."""
    for reply in reversed(replies):
        found = [c.data for row in reply.choices for c in row if c.data.startswith(prefix)]
        if found:
            return found[person % len(found)]
    raise LookupError(f"no button {prefix!r} in {[r.text[:60] for r in replies]}")


async def _person(conversations: Conversations, number: int, held: bool = False) -> None:
    """One person through the booking script."""
    sender = Sender(CHANNEL, str(FIRST_USER + number), name=f"Person {number}", language="fr")
    replies: list[Reply] = []
    for index, step in enumerate(BOOKING_SCRIPT):
        key = f"{number}:{index}"
        if step.say is not None:
            incoming = Incoming(sender, Kind.TEXT, text=step.say, update_key=key)
        else:
            assert step.press is not None
            choice = _pressed(replies, step.press, number)
            incoming = Incoming(sender, Kind.CHOICE, choice=choice, update_key=key)
        if held:
            replies, _ = await conversations.handle_holding(incoming)
        else:
            replies = await conversations.handle(incoming)
        if not replies:
            raise RuntimeError(f"step {index} of person {number} had no answer")


@contextmanager
def _profiled(name: str, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        PROFILES.mkdir(exist_ok=True)
        profiler.dump_stats(str(PROFILES / f"{name}.prof"))
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
        stats.print_stats(40)
        print(out.getvalue(), file=sys.stderr)


async def measure(people: int, kind: DatabaseKind, profile: bool, held: bool = False) -> Figures:
    """Seed a fresh database, warm up, then run ``people`` through the script."""
    with TemporaryDirectory(prefix="atelier-flows-") as directory:
        url = database_url(kind, Path(directory))
        await seed(url)
        db = Database(url)
        try:
            conversations = Conversations(db, settings_for(url), SystemClock())
            for number in range(WARM_UP_PEOPLE):
                await _person(conversations, people + number, held)
            steps = people * len(BOOKING_SCRIPT)
            with _profiled(f"flows-{kind}", profile), counted() as statements:
                cpu = time.process_time()
                for number in range(people):
                    await _person(conversations, number, held)
                spent = time.process_time() - cpu
        finally:
            await db.dispose()
        seats = await booked(url)
    return Figures(
        people=people,
        steps=steps,
        cpu_ms_per_step=round(1000 * spent / steps, 2),
        statements_per_step=round(statements.count / steps, 2),
        seats=seats,
    )


def main(argv: list[str] | None = None) -> None:
    """Command line: print the figures of one run."""
    parser = argparse.ArgumentParser(description="The conversation flows alone.")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--held", action="store_true", help="answers kept as on Telegram")
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.people, args.database, args.profile, args.held))
    held = ", answers held" if args.held else ""
    print(
        f"flows alone ({args.database}{held}):"
        f" {figures.people} people x {len(BOOKING_SCRIPT)} steps,"
        f" {figures.cpu_ms_per_step} ms CPU per step,"
        f" {figures.statements_per_step} statements per step,"
        f" {figures.seats} seats booked"
    )
    expected = figures.people + WARM_UP_PEOPLE
    sys.exit(0 if figures.seats == expected else 1)


if __name__ == "__main__":
    main()
