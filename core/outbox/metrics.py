"""Prometheus metrics, served at ``/metrics`` by the HTTP server (per process)."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from core.outbox.queue import due_backlog
from models import Database

UPDATES = Counter(
    "atelier_updates_handled_total", "Messages and choices handled, by channel", ["channel"]
)
BOOKINGS = Counter(
    "atelier_bookings_total", "Seats booked, places taken in line, seats cancelled", ["event"]
)
OUTBOX_SENT = Counter("atelier_outbox_sent_total", "Queued messages delivered, by kind", ["kind"])
OUTBOX_FAILED = Counter(
    "atelier_outbox_failed_total", "Queued messages given up on, by kind", ["kind"]
)
SEND_SECONDS = Histogram(
    "atelier_send_seconds",
    "Time to deliver one queued message, pacing included",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)


OUTBOX_DROPPED = Counter(
    "atelier_outbox_dropped_total",
    "Queued messages dropped unsent (no longer applies, person unreachable or opted out)",
    ["kind", "reason"],
)
OUTBOX_DUE = Gauge("atelier_outbox_due_messages", "Queued messages due now and not sent yet")
OUTBOX_OLDEST_DUE = Gauge(
    "atelier_outbox_oldest_due_age_seconds",
    "How long the oldest message due and not sent has waited (reminders not going out)",
)


async def refresh_outbox(db: Database, now: datetime) -> None:
    """Read the outbox's backlog into its gauges (at each scrape: the database is the truth)."""
    async with db.transaction() as session:
        due, oldest = await due_backlog(session, now)
    OUTBOX_DUE.set(due)
    OUTBOX_OLDEST_DUE.set(oldest)


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
