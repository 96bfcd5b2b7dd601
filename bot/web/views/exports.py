"""Exports: one session's bookings, and every booking, as CSV for French Excel or .xlsx.

Every cell goes through :mod:`core.schedule.exports`, which keeps formulas out.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import page
from bot.web.logins import organiser_scope
from bot.web.queries import all_sessions
from bot.web.state import context_of
from bot.web.views.common import session_id_of, workshop_or_404
from core.schedule.exports import excel_csv, xlsx_bytes
from core.seats.roster import ROSTER_COLUMNS, roster_rows

SESSION_COLUMNS = ["session_id", "session_title", "session_starts_at", "session_status"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(columns: list[str], rows: list[dict[str, str]], filename: str) -> Response:
    """The rows as a file: ``.xlsx`` when ``filename`` ends so, else CSV (``;``, UTF-8 BOM)."""
    if filename.endswith(".xlsx"):
        body, media_type = xlsx_bytes(columns, rows), XLSX
    else:
        body, media_type = excel_csv(columns, rows), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _roster(request: Request, extension: str) -> Response:
    context = context_of(request)
    session_id = session_id_of(request)
    async with context.db.transaction() as session:
        await workshop_or_404(session, request)
        rows = await roster_rows(session, session_id, context.settings.zone) or []
    return download(ROSTER_COLUMNS, rows, f"atelier-{session_id}-inscriptions.{extension}")


@page
async def roster_csv(request: Request) -> Response:
    """One session's bookings (the columns of `atelier roster`), as CSV."""
    return await _roster(request, "csv")


@page
async def roster_xlsx(request: Request) -> Response:
    """One session's bookings, as an .xlsx sheet."""
    return await _roster(request, "xlsx")


async def _all_bookings(request: Request, extension: str) -> Response:
    context = context_of(request)
    zone = context.settings.zone
    rows: list[dict[str, str]] = []
    async with context.db.transaction() as session:
        for workshop in await all_sessions(session, organiser_scope(request)):
            about = {
                "session_id": str(workshop.id),
                "session_title": workshop.title,
                "session_starts_at": workshop.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "session_status": workshop.status,
            }
            rows += [about | row for row in await roster_rows(session, workshop.id, zone) or []]
    return download(SESSION_COLUMNS + ROSTER_COLUMNS, rows, f"atelier-inscriptions.{extension}")


@page
async def all_bookings_csv(request: Request) -> Response:
    """Every booking of every session, each row with its session, as CSV."""
    return await _all_bookings(request, "csv")


@page
async def all_bookings_xlsx(request: Request) -> Response:
    """Every booking of every session, as an .xlsx sheet."""
    return await _all_bookings(request, "xlsx")
