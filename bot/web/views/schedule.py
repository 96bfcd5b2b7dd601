"""Upload the schedule CSV: the validation of `atelier import`, all rows or none."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import action, page
from bot.web.rendering import render
from bot.web.state import context_of, flash
from bot.web.views.common import go
from core.importer import import_schedule

MAX_FILE_BYTES = 2 * 1024 * 1024


@page
async def import_form(request: Request) -> Response:
    """The upload form, with the expected columns."""
    return render(request, "import.html", {"problem": None, "errors": []})


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
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _problem(request, "not_utf8")
    context = context_of(request)
    async with context.db.transaction() as session:
        report = await import_schedule(session, content, context.settings.zone)
    if report.errors:
        return render(
            request,
            "import.html",
            {"problem": "bad_rows", "errors": report.errors, "filename": upload.filename},
            400,
        )
    flash(
        request,
        "dashboard.flash.imported",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    return go(request, "/sessions")
