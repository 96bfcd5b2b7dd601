"""Organiser logins kept in the database, so that logging out ends them everywhere.

The signed cookie carries the password seal and a random login token; the database keeps
the token's digest until logout or expiry. A cookie copied before logout names a deleted
row and opens nothing, on every instance and after a restart. Like the cookie's own
``max_age``, a login's lifetime is real time, not the bot's (injectable) clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from starlette.requests import Request

from bot.web.passwords import fingerprint
from bot.web.state import context_of
from models import DashboardLogin

AUTH = "auth"
LOGIN = "login"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _seal(request: Request) -> str:
    secret = context_of(request).settings.dashboard_password_hash
    assert secret is not None
    return fingerprint(secret.get_secret_value())


async def verify_login(request: Request) -> bool:
    """Whether the request is an organiser's: current password, login not ended."""
    cached = getattr(request.state, "organiser", None)
    if isinstance(cached, bool):
        return cached
    request.state.organiser = False
    seal, token = request.session.get(AUTH), request.session.get(LOGIN)
    if not isinstance(seal, str) or not isinstance(token, str):
        return False
    if not hmac.compare_digest(seal.encode(), _seal(request).encode()):
        return False
    context = context_of(request)
    async with context.db.transaction() as session:
        login = await session.get(DashboardLogin, _digest(token))
    request.state.organiser = login is not None and login.expires_at > datetime.now(UTC)
    return bool(request.state.organiser)


async def start_login(request: Request) -> None:
    """Start a fresh organiser session (a new CSRF token: nothing from before is kept)."""
    context = context_of(request)
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    async with context.db.transaction() as session:
        await session.execute(delete(DashboardLogin).where(DashboardLogin.expires_at <= now))
        session.add(
            DashboardLogin(
                token_digest=_digest(token),
                created_at=now,
                expires_at=now + timedelta(hours=context.settings.dashboard_session_hours),
            )
        )
    request.session.clear()
    request.session[AUTH] = _seal(request)
    request.session[LOGIN] = token
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.organiser = True


async def end_login(request: Request) -> None:
    """End the login: its row is deleted and the cookie is cleared."""
    token = request.session.get(LOGIN)
    if isinstance(token, str):
        async with context_of(request).db.transaction() as session:
            await session.execute(
                delete(DashboardLogin).where(DashboardLogin.token_digest == _digest(token))
            )
    request.session.clear()
    request.state.organiser = False
