"""Move or cancel a session: everyone booked or waiting is told through the outbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.web.forms import SessionForm
from bot.web.guard import action, page
from bot.web.queries import status_counts
from bot.web.rendering import render
from bot.web.state import context_of, flash
from bot.web.views.common import audit, flash_refusal, go, session_id_of, workshop_or_404
from core.errors import BookingError
from core.seats.session_changes import cancel_session, move_session
from models import ACTIVE_STATUSES


async def _people_on(session: AsyncSession, session_id: int) -> int:
    """How many people are booked or waiting (they would be told of a change)."""
    counts = (await status_counts(session, [session_id]))[session_id]
    return sum(counts[status] for status in ACTIVE_STATUSES)


async def _move_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    context = context_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
        told = await _people_on(session, workshop.id)
    context_values = {"workshop": workshop, "told": told, "error": error}
    return render(request, "move.html", context_values, status)


@page
async def move_form(request: Request) -> Response:
    """Ask for the new date and time."""
    return await _move_page(request)


@action
async def move_action(request: Request, posted: FormData) -> Response:
    """Move the session; everyone booked or waiting is told, reminders follow."""
    context = context_of(request)
    settings = context.settings
    session_id = session_id_of(request)
    starts_at = SessionForm.read(posted).start(settings.zone)
    if starts_at is None:
        return await _move_page(request, "bad_date", 400)
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, request)
            told = await move_session(
                session,
                session_id,
                starts_at,
                context.clock.now(),
                zone=settings.zone,
                at=settings.reminder_time,
                days_before=tuple(settings.reminder_days_before),
            )
            await audit(session, request, "move", session_id, starts_at.isoformat())
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}")
    context.wake()
    flash(request, "dashboard.flash.session_moved", count=told)
    return go(request, f"/sessions/{session_id}")


@page
async def cancel_form(request: Request) -> Response:
    """Ask to confirm: everyone on the session will be told."""
    context = context_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
        told = await _people_on(session, workshop.id)
    return render(request, "confirm_cancel.html", {"workshop": workshop, "told": told})


@action
async def cancel_action(request: Request, _: FormData) -> Response:
    """Cancel the session; every booking is cancelled and everyone is told."""
    context = context_of(request)
    session_id = session_id_of(request)
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, request)
            told = await cancel_session(session, session_id, context.clock.now())
            await audit(session, request, "cancel", session_id)
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}")
    context.wake()
    flash(request, "dashboard.flash.session_cancelled", count=told)
    return go(request, f"/sessions/{session_id}")
