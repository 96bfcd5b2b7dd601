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

MAX_PASSWORD = 1024


def client_address(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For only: TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


async def login_form(request: Request) -> Response:
    """The login page (organisers already logged in go to the sessions)."""
    if await verify_login(request):
        return RedirectResponse(f"{base_path(request)}/", 303)
    target = request.query_params.get("next", "")
    return render(request, "login.html", {"next": target, "error": None})


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
            {"next": target, "error": "too_many", "seconds": seconds},
            429,
            {"Retry-After": str(seconds)},
        )
    password = str(form.get("password", ""))[:MAX_PASSWORD]
    secret = context.settings.dashboard_password_hash
    assert secret is not None
    if not password or not await asyncio.to_thread(
        verify_password, secret.get_secret_value(), password
    ):
        return render(request, "login.html", {"next": target, "error": "wrong"}, 401)
    context.login_limiter.reset(address)
    await start_login(request)
    return RedirectResponse(safe_next(request, target), 303)


@action
async def logout_action(request: Request, _: FormData) -> Response:
    """End the login: the cookie, even a copy of it, opens nothing any more."""
    await end_login(request)
    return RedirectResponse(f"{base_path(request)}/login", 303)
