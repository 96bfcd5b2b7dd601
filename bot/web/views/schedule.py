"""Upload the schedule (CSV, .xlsx or .ods): the validation of `atelier import`, all rows
or none; and the template sheet to fill in."""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import action, page
from bot.web.logins import organiser_scope
from bot.web.rendering import render
from bot.web.state import context_of, flash
from bot.web.views.common import audit, go
from bot.web.views.exports import XLSX
from core.schedule.exports import schedule_template
from core.schedule.importer import ImportReport, import_rows, read_schedule

MAX_FILE_BYTES = 2 * 1024 * 1024
KEPT_SHOWN = 4
"""Capacities kept that the page lists (the flash holds five messages, the summary last)."""


@page
async def import_form(request: Request) -> Response:
    """The upload form, with the expected columns."""
    return render(request, "import.html", {"problem": None, "errors": []})


@page
async def template_xlsx(request: Request) -> Response:
    """A sheet with the French headers and one example session, a week from today."""
    context = context_of(request)
    today = context.clock.now().astimezone(context.settings.zone).date()
    return Response(
        schedule_template(today + timedelta(days=7)),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="modele-planning.xlsx"'},
    )


def _problem(request: Request, problem: str) -> Response:
    return render(request, "import.html", {"problem": problem, "errors": []}, 400)


@action
async def import_action(request: Request, form: FormData) -> Response:
    """Import the file; bad lines are listed with their numbers and nothing is imported."""
    upload = form.get("schedule")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _problem(request, "no_file")
    raw = await upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        return _problem(request, "too_big")
    context = context_of(request)
    # Read in the worker first: no transaction (and no SQLite write lock) is held meanwhile.
    rows, errors = await read_schedule(raw, context.settings.zone)
    if errors:
        report = ImportReport(errors=errors)
    else:
        async with context.db.transaction() as session:
            report = await import_rows(session, rows, organiser_scope(request))
            if not report.errors:
                counts = f"{report.created} created, {report.updated} updated"
                await audit(session, request, "import", detail=counts)
    if report.errors:
        return render(
            request,
            "import.html",
            {"problem": "bad_rows", "errors": report.errors, "filename": upload.filename},
            400,
        )
    for kept in report.capacity_kept[:KEPT_SHOWN]:
        flash(
            request,
            "import.capacity_kept",
            "error",
            line=kept.line,
            title=kept.title,
            asked=kept.asked,
            capacity=kept.kept,
            taken=kept.taken,
        )
    flash(
        request,
        "dashboard.flash.imported",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    return go(request, "/sessions")
