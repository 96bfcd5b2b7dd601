"""Logging in with the organiser password (rate-limited per address), and out."""

from __future__ import annotations

import asyncio
import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.guard import action, checked_form, safe_next
from bot.web.passwords import verify_password
from bot.web.rendering import render
from bot.web.state import base_path, context_of, log_in, log_out, logged_in

MAX_PASSWORD = 1024


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"


async def login_form(request: Request) -> Response:
    """The login page (organisers already logged in go to the sessions)."""
    if logged_in(request):
        return RedirectResponse(f"{base_path(request)}/", 303)
    target = request.query_params.get("next", "")
    return render(request, "login.html", {"next": target, "error": None})


@checked_form()
async def login_action(request: Request, form: FormData) -> Response:
    """Check the password; after 5 failures in 15 minutes, refuse politely (429)."""
    context = context_of(request)
    target = str(form.get("next", ""))
    address = client_address(request)
    wait = context.login_limiter.try_acquire(address)
    if wait:
        return render(
            request,
            "login.html",
            {"next": target, "error": "too_many", "minutes": math.ceil(wait / 60)},
            429,
            {"Retry-After": str(math.ceil(wait))},
        )
    password = str(form.get("password", ""))[:MAX_PASSWORD]
    secret = context.settings.dashboard_password_hash
    assert secret is not None
    if not password or not await asyncio.to_thread(
        verify_password, secret.get_secret_value(), password
    ):
        return render(request, "login.html", {"next": target, "error": "wrong"}, 401)
    context.login_limiter.reset(address)
    log_in(request)
    return RedirectResponse(safe_next(request, target), 303)


@action
async def logout_action(request: Request, _: FormData) -> Response:
    """Forget the session."""
    log_out(request)
    return RedirectResponse(f"{base_path(request)}/login", 303)
