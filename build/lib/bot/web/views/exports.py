"""CSV exports: one session's bookings, and every booking, with status and attendance."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import page
from bot.web.queries import all_sessions
from bot.web.state import context_of
from bot.web.views.common import session_id_of, workshop_or_404
from core.roster import ROSTER_COLUMNS, roster_rows

SESSION_COLUMNS = ["session_id", "session_title", "session_starts_at", "session_status"]


def csv_response(columns: list[str], rows: list[dict[str, str]], filename: str) -> Response:
    """A CSV download, UTF-8 with a byte-order mark so that spreadsheets read the accents."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        buffer.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@page
async def roster_csv(request: Request) -> Response:
    """One session's bookings (the columns of `atelier roster`)."""
    context = context_of(request)
    session_id = session_id_of(request)
    async with context.db.transaction() as session:
        await workshop_or_404(session, session_id)
        rows = await roster_rows(session, session_id, context.settings.zone) or []
    return csv_response(ROSTER_COLUMNS, rows, f"atelier-{session_id}-inscriptions.csv")


@page
async def all_bookings_csv(request: Request) -> Response:
    """Every booking of every session, each row with its session."""
    context = context_of(request)
    zone = context.settings.zone
    rows: list[dict[str, str]] = []
    async with context.db.transaction() as session:
        for workshop in await all_sessions(session):
            about = {
                "session_id": str(workshop.id),
                "session_title": workshop.title,
                "session_starts_at": workshop.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "session_status": workshop.status,
            }
            rows += [about | row for row in await roster_rows(session, workshop.id, zone) or []]
    return csv_response(SESSION_COLUMNS + ROSTER_COLUMNS, rows, "atelier-inscriptions.csv")
