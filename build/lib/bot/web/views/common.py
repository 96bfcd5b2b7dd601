"""Small helpers shared by the views."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.web.state import base_path, flash
from core.errors import BookingError
from core.organiser import InvalidInput
from models import WorkshopSession


def session_id_of(request: Request) -> int:
    """The session id in the address."""
    session_id: int = request.path_params["session_id"]
    return session_id


async def workshop_or_404(session: AsyncSession, session_id: int) -> WorkshopSession:
    """The session, or a 404 page."""
    workshop = await session.get(WorkshopSession, session_id)
    if workshop is None:
        raise HTTPException(404)
    return workshop


def go(request: Request, path: str) -> RedirectResponse:
    """Redirect (303, after a POST) to a dashboard path such as "/sessions/3"."""
    return RedirectResponse(f"{base_path(request)}{path}", status_code=303)


def flash_refusal(request: Request, error: BookingError) -> None:
    """Say why a rule refused what the organiser asked (French text in flash.html)."""
    if isinstance(error, InvalidInput):
        flash(request, "invalid_input", "error", reason=error.reason)
    else:
        flash(request, error.key, "error")
