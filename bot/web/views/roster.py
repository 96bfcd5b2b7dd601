"""A session's roster: attendance, walk-ins, and a message to everyone booked."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import action, page
from bot.web.queries import status_counts
from bot.web.rendering import render
from bot.web.state import context_of, flash
from bot.web.views.common import checked_id, flash_refusal, go, session_id_of, workshop_or_404
from core.errors import BookingError, UnknownBooking
from core.organiser import MAX_BROADCAST, mark_attendance, message_session, register_walk_in
from core.phones import normalise_phone
from core.reminders import ReminderRule
from core.roster import roster_rows
from models import Booking, BookingStatus

MARKABLE = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@page
async def roster_page(request: Request) -> Response:
    """The session, its bookings, and what can be done with them."""
    context = context_of(request)
    session_id = session_id_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, session_id)
        rows = await roster_rows(session, session_id, context.settings.zone) or []
        counts = (await status_counts(session, [session_id]))[session_id]
    return render(
        request,
        "roster.html",
        {
            "workshop": workshop,
            "rows": rows,
            "counts": counts,
            "markable": MARKABLE,
            "max_message": MAX_BROADCAST,
            "started": workshop.starts_at <= context.clock.now(),
            "poster_ready": context.bot_username() is not None,
        },
    )


@action
async def attendance_action(request: Request, form: FormData) -> Response:
    """Mark one booked person present or absent (again, to correct a mistake)."""
    context = context_of(request)
    session_id = session_id_of(request)
    try:
        booking_id = int(str(form.get("booking_id", "")))
        present = {"present": True, "absent": False}[str(form.get("presence", ""))]
    except (ValueError, KeyError):
        flash(request, "dashboard.flash.invalid_form", "error")
        return go(request, f"/sessions/{session_id}")
    booking_id = checked_id(booking_id)
    try:
        async with context.db.transaction() as session:
            booking = await session.get(Booking, booking_id)
            if booking is None or booking.session_id != session_id:
                raise UnknownBooking()
            await mark_attendance(session, booking_id, present, context.clock.now())
    except BookingError as error:
        flash_refusal(request, error)
    return go(request, f"/sessions/{session_id}#booking-{booking_id}")


@action
async def walk_in_action(request: Request, form: FormData) -> Response:
    """Book a seat for someone at the desk; with a phone number, SMS reminders follow."""
    context = context_of(request)
    session_id = session_id_of(request)
    name = str(form.get("first_name", ""))
    phone = str(form.get("phone", ""))
    problem = _walk_in_problem(name, phone, context.settings.sms_default_region)
    if problem:
        flash(request, problem, "error")
        return go(request, f"/sessions/{session_id}#walk-in")
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, session_id)
            await register_walk_in(
                session,
                session_id,
                name,
                phone,
                context.clock.now(),
                context.settings.sms_default_region,
                rule=ReminderRule.of(context.settings),
            )
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}#walk-in")
    flash(
        request,
        "dashboard.flash.walk_in_sms" if phone.strip() else "dashboard.flash.walk_in",
        name=" ".join(name.split()),
    )
    return go(request, f"/sessions/{session_id}")


def _walk_in_problem(name: str, phone: str, region: str) -> str | None:
    """What is wrong with a walk-in's details (the service checks them again), if anything."""
    if not name.strip():
        return "dashboard.flash.walk_in_no_name"
    if phone.strip() and normalise_phone(phone, region) is None:
        return "dashboard.flash.walk_in_bad_phone"
    return None


@action
async def message_action(request: Request, form: FormData) -> Response:
    """Queue a short message to everyone booked on the session."""
    context = context_of(request)
    session_id = session_id_of(request)
    text = str(form.get("text", ""))
    if not 1 <= len(text.strip()) <= MAX_BROADCAST:
        flash(request, "dashboard.flash.message_length", "error", limit=MAX_BROADCAST)
        return go(request, f"/sessions/{session_id}#message")
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, session_id)
            count = await message_session(session, session_id, text, context.clock.now())
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}#message")
    context.wake()
    flash(request, "dashboard.flash.message_queued", count=count)
    return go(request, f"/sessions/{session_id}")
