"""A session's roster: attendance, walk-ins, a seat cancelled, and a message to everyone
booked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import action, page
from bot.web.queries import status_counts
from bot.web.rendering import render, t
from bot.web.state import context_of, flash
from bot.web.text import bidi_safe
from bot.web.views.common import (
    audit,
    checked_id,
    flash_refusal,
    go,
    session_id_of,
    workshop_or_404,
)
from core.config import Settings
from core.errors import BookingError, BookingNotActive, SessionPast, UnknownBooking
from core.phones import normalise_phone, textable_number
from core.seats.organiser import (
    MAX_BROADCAST,
    WALK_IN,
    cancel_seat,
    mark_attendance,
    message_session,
    register_walk_in,
)
from core.seats.reminders import ReminderRule
from core.seats.roster import roster_rows
from models import Booking, BookingStatus, Person, WorkshopSession

MARKABLE = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


@page
async def roster_page(request: Request) -> Response:
    """The session, its bookings, and what can be done with them."""
    context = context_of(request)
    session_id = session_id_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
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
            await workshop_or_404(session, request)
            booking = await session.get(Booking, booking_id)
            if booking is None or booking.session_id != session_id:
                raise UnknownBooking()
            await mark_attendance(session, booking_id, present, context.clock.now())
            detail = f"booking {booking_id}: {'present' if present else 'absent'}"
            await audit(session, request, "attendance", session_id, detail)
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
    problem = _walk_in_problem(name, phone, context.settings)
    if problem:
        flash(request, problem, "error")
        return go(request, f"/sessions/{session_id}#walk-in")
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, request)
            await register_walk_in(
                session,
                session_id,
                name,
                phone,
                context.clock.now(),
                context.settings.sms_default_region,
                rule=ReminderRule.of(context.settings),
                sms_regions=context.settings.sms_allowed_regions,
            )
            await audit(session, request, "walk_in", session_id)
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}#walk-in")
    flash(
        request,
        "dashboard.flash.walk_in_sms" if phone.strip() else "dashboard.flash.walk_in",
        name=" ".join(name.split()),
    )
    return go(request, f"/sessions/{session_id}")


def _walk_in_problem(name: str, phone: str, settings: Settings) -> str | None:
    """What is wrong with a walk-in's details (the service checks them again), if anything."""
    if not name.strip():
        return "dashboard.flash.walk_in_no_name"
    if not phone.strip():
        return None
    region = settings.sms_default_region
    if normalise_phone(phone, region) is None:
        return "dashboard.flash.walk_in_bad_phone"
    if textable_number(phone, region, settings.sms_allowed_regions) is None:
        return "dashboard.flash.walk_in_not_mobile"
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
            await workshop_or_404(session, request)
            count = await message_session(session, session_id, text, context.clock.now())
            await audit(session, request, "message", session_id)
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}#message")
    context.wake()
    flash(request, "dashboard.flash.message_queued", count=count)
    return go(request, f"/sessions/{session_id}")


async def _seat_of(
    session: AsyncSession, request: Request, now: datetime
) -> tuple[WorkshopSession, Booking, Person]:
    """The session and booked seat in the address, or a 404 page (a booking of another
    session names nothing here); a BookingError when the seat can no longer be cancelled."""
    workshop = await workshop_or_404(session, request)
    booking = await session.get(Booking, checked_id(request.path_params["booking_id"]))
    if booking is None or booking.session_id != workshop.id:
        raise HTTPException(404)
    if booking.status != BookingStatus.BOOKED:
        raise BookingNotActive(workshop.id)
    if workshop.starts_at <= now:
        raise SessionPast(workshop.id)
    person = await session.get(Person, booking.person_id)
    assert person is not None
    return workshop, booking, person


@page
async def seat_cancel_form(request: Request) -> Response:
    """Ask to confirm: who, which session, whether they are told, where the seat goes."""
    context = context_of(request)
    session_id = session_id_of(request)
    try:
        async with context.db.transaction() as session:
            workshop, booking, person = await _seat_of(session, request, context.clock.now())
            waiting = (await status_counts(session, [session_id]))[session_id]["waiting"]
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}")
    values = {
        "workshop": workshop,
        "booking_id": booking.id,
        "name": person.name,
        "told": person.channel != WALK_IN,
        "waiting": waiting,
    }
    return render(request, "confirm_seat_cancel.html", values)


@action
async def seat_cancel_action(request: Request, _: FormData) -> Response:
    """Cancel the seat; the first in line is offered it and the person is told."""
    context = context_of(request)
    session_id = session_id_of(request)
    now = context.clock.now()
    try:
        async with context.db.transaction() as session:
            _workshop, booking, person = await _seat_of(session, request, now)
            await cancel_seat(session, booking.id, now, context.settings.offer_expiry_minutes)
            await audit(session, request, "seat_cancel", session_id, f"booking {booking.id}")
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}")
    context.wake()
    name = bidi_safe(person.name) or t("dashboard.roster.this_person")
    flash(request, "dashboard.flash.seat_cancelled", name=name)
    return go(request, f"/sessions/{session_id}#booking-{booking.id}")
