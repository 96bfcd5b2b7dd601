"""Small helpers shared by the views."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.web.logins import organiser_actor, organiser_scope
from bot.web.state import base_path, context_of, flash
from core.errors import BookingError
from core.seats.organisations import record
from models import WorkshopSession

MAX_ID = 2**31 - 1
"""The largest id a table holds (PostgreSQL's INTEGER); a larger one names nothing."""

REFUSALS = {
    "error.unknown_session": "dashboard.refusal.unknown_session",
    "error.session_past": "dashboard.refusal.session_past",
    "error.session_cancelled": "dashboard.refusal.session_cancelled",
    "error.session_full": "dashboard.refusal.session_full",
    "error.already_booked": "dashboard.refusal.already_booked",
    "error.unknown_booking": "dashboard.refusal.unknown_booking",
    "error.booking_not_active": "dashboard.refusal.booking_not_active",
    "error.no_offer": "dashboard.refusal.no_offer",
}
"""Each rule's refusal as an organiser reads it (the chat's wording speaks to the person).

Like pretix's ``error_messages``: a domain error names a message key, never an English
reason shown inside a French sentence.
"""
GENERIC_REFUSAL = "dashboard.refusal.generic"


def checked_id(value: object) -> int:
    """An id from the address or a form, or a 404 page when it cannot name a row."""
    try:
        number = int(str(value))
    except ValueError:
        raise HTTPException(404) from None
    if not 1 <= number <= MAX_ID:
        raise HTTPException(404)
    return number


def session_id_of(request: Request) -> int:
    """The session id in the address (404 when out of range)."""
    return checked_id(request.path_params["session_id"])


async def workshop_or_404(
    session: AsyncSession, request: Request, session_id: int | None = None
) -> WorkshopSession:
    """The session (by default the one in the address), or a 404 page: also when it is
    another organisation's than the logged-in organiser's."""
    number = session_id_of(request) if session_id is None else checked_id(session_id)
    workshop = await session.get(WorkshopSession, number)
    if workshop is None or not organiser_scope(request).covers(workshop):
        raise HTTPException(404)
    return workshop


async def audit(
    session: AsyncSession,
    request: Request,
    action: str,
    session_id: int | None = None,
    detail: str = "",
) -> None:
    """Record that the logged-in organiser made this change (in the same transaction)."""
    now = context_of(request).clock.now()
    await record(session, organiser_actor(request), action, now, session_id, detail)


def go(request: Request, path: str) -> RedirectResponse:
    """Redirect (303, after a POST) to a dashboard path such as "/sessions/3"."""
    return RedirectResponse(f"{base_path(request)}{path}", status_code=303)


def refusal_key(error: BookingError) -> str:
    """The message key that tells an organiser why a rule refused."""
    return REFUSALS.get(
        error.key, error.key if error.key.startswith("dashboard.") else GENERIC_REFUSAL
    )


def flash_refusal(request: Request, error: BookingError) -> None:
    """Say, in French, why a rule refused what the organiser asked."""
    flash(request, refusal_key(error), "error")
