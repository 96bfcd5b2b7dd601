"""Logging in with the organiser password (throttled per address and account), and out."""

from __future__ import annotations

import asyncio
import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.guard import action, checked_form, safe_next
from bot.web.logins import end_login, start_login, verify_login
from bot.web.passwords import verify_password
from bot.web.rendering import render
from bot.web.state import base_path, context_of
from core.seats.organisations import any_organiser, organiser_by_email
from models import Organiser
from models.db import is_unavailable

MAX_PASSWORD = 1024
MAX_EMAIL = 254


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For only: TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


async def login_form(request: Request) -> Response:
    """The login page (organisers already logged in go to the sessions)."""
    if await verify_login(request):
        return RedirectResponse(f"{base_path(request)}/", 303)
    target = request.query_params.get("next", "")
    return render(request, "login.html", {"next": target, "error": None} | await _by_email(request))


async def _by_email(request: Request) -> dict[str, object]:
    """Whether the form asks for an e-mail address (organisers have their own logins).

    The form still shows while the database cannot be reached (its answer then says to try
    again): it asks for the e-mail unless the shared password is set."""
    context = context_of(request)
    try:
        async with context.db.transaction() as session:
            by_email = await any_organiser(session)
    except Exception as error:
        if not is_unavailable(error):
            raise
        by_email = context.settings.dashboard_password_hash is None
    return {"by_email": by_email, "email": ""}


async def _organiser_for(request: Request, email: str, password: str) -> Organiser | bool | None:
    """The organiser these e-mail and password open; True for the shared password (while
    no organiser login exists); None when they open nothing."""
    context = context_of(request)
    secret = context.settings.dashboard_password_hash
    assert secret is not None
    async with context.db.transaction() as session:
        by_email = await any_organiser(session)
        organiser = await organiser_by_email(session, email) if by_email and email else None
    if not by_email:
        shared = await asyncio.to_thread(verify_password, secret.get_secret_value(), password)
        return True if shared else None
    # An unknown address costs the same time as a wrong password.
    stored = organiser.password_hash if organiser is not None else secret.get_secret_value()
    matches = await asyncio.to_thread(verify_password, stored, password)
    return organiser if matches and organiser is not None else None


@checked_form()
async def login_action(request: Request, form: FormData) -> Response:
    """Check the password, unless this address or the account must wait first (429)."""
    context = context_of(request)
    target = str(form.get("next", ""))
    address = client_address(request)
    wait = context.login_limiter.try_acquire(address)
    if wait:
        seconds = math.ceil(wait)
        return render(
            request,
            "login.html",
            {"next": target, "error": "too_many", "seconds": seconds} | await _by_email(request),
            429,
            {"Retry-After": str(seconds)},
        )
    password = str(form.get("password", ""))[:MAX_PASSWORD]
    email = str(form.get("email", ""))[:MAX_EMAIL]
    opened = await _organiser_for(request, email, password) if password else None
    if opened is None:
        values = await _by_email(request) | {"next": target, "error": "wrong", "email": email}
        return render(request, "login.html", values, 401)
    context.login_limiter.reset(address)
    await start_login(request, opened if isinstance(opened, Organiser) else None)
    return RedirectResponse(safe_next(request, target), 303)


@action
async def logout_action(request: Request, _: FormData) -> Response:
    """End the login: the cookie, even a copy of it, opens nothing any more."""
    await end_login(request)
    return RedirectResponse(f"{base_path(request)}/login", 303)
