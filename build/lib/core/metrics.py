"""Prometheus metrics, served at ``/metrics`` by the HTTP server (per process)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

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


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
