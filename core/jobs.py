"""Scheduled work owned by the rooms: each module registers its own jobs; one tick runs them.

A job is ``async (db, settings, now) -> int | None`` (how many rows it handled, when it
counts them). ``@every_tick`` jobs run at the end of every tick; ``@daily`` jobs once a day,
in the order of their ``order`` (lower first). The tick (:mod:`core.delivery.tick`) imports
the modules that own jobs, so that they register, and knows nothing of what each does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from core.config import Settings
from models import Database

Job = Callable[[Database, Settings, datetime], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class Registered:
    """A job, its name in the logs and its place among the jobs of its kind."""

    name: str
    order: int
    run: Job


_DAILY: dict[str, Registered] = {}
_EVERY_TICK: dict[str, Registered] = {}


def _register(table: dict[str, Registered], order: int) -> Callable[[Job], Job]:
    def register(job: Job) -> Job:
        name = f"{job.__module__}.{job.__name__}"
        table[name] = Registered(name, order, job)  # a module imported twice: the same job
        return job

    return register


def daily(order: int) -> Callable[[Job], Job]:
    """Register the decorated job to run once a day."""
    return _register(_DAILY, order)


def every_tick(order: int) -> Callable[[Job], Job]:
    """Register the decorated job to run at the end of every tick."""
    return _register(_EVERY_TICK, order)


def daily_jobs() -> tuple[Registered, ...]:
    """The daily jobs, in order."""
    return tuple(sorted(_DAILY.values(), key=lambda job: (job.order, job.name)))


def tick_jobs() -> tuple[Registered, ...]:
    """The jobs of every tick, in order."""
    return tuple(sorted(_EVERY_TICK.values(), key=lambda job: (job.order, job.name)))
