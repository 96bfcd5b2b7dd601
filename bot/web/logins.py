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
from core.seats.organisations import NETWORK, SHARED_PASSWORD, Actor, Scope, any_organiser, scope_of
from models import DashboardLogin, Organisation, Organiser

AUTH = "auth"
LOGIN = "login"
ORGANISER = "organiser"
"""The organiser's id in the cookie; absent for the shared password's login."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _seal(request: Request, organiser: Organiser | None = None) -> str:
    """The password seal: of the organiser's own hash, else of the shared one. A new
    password changes it, which ends that organiser's (or the shared) logins."""
    if organiser is not None:
        return fingerprint(organiser.password_hash)
    secret = context_of(request).settings.dashboard_password_hash
    assert secret is not None
    return fingerprint(secret.get_secret_value())


def organiser_scope(request: Request) -> Scope:
    """Which sessions the logged-in organiser sees (after :func:`verify_login`)."""
    found = getattr(request.state, "scope", None)
    return found if isinstance(found, Scope) else NETWORK


def organiser_actor(request: Request) -> Actor:
    """Who the logged-in organiser is, as the record of changes keeps it."""
    found = getattr(request.state, "actor", None)
    return found if isinstance(found, Actor) else Actor(SHARED_PASSWORD)


async def verify_login(request: Request) -> bool:
    """Whether the request is an organiser's: current password, login not ended.

    An organiser's login names them (their scope and identity are then on the request);
    the shared password's opens the dashboard only while no organiser login exists.
    """
    cached = getattr(request.state, "organiser", None)
    if isinstance(cached, bool):
        return cached
    request.state.organiser = False
    seal, token = request.session.get(AUTH), request.session.get(LOGIN)
    organiser_id = request.session.get(ORGANISER)
    if not isinstance(seal, str) or not isinstance(token, str):
        return False
    context = context_of(request)
    async with context.db.transaction() as session:
        if isinstance(organiser_id, int):
            organiser = await session.get(Organiser, organiser_id)
            organisation = (
                await session.get(Organisation, organiser.organisation_id) if organiser else None
            )
            if organiser is None or organisation is None:
                return False
            expected = _seal(request, organiser)
            request.state.scope = scope_of(
                organiser, organisation, context.settings.organisation_name
            )
            request.state.actor = Actor(organiser.email, organiser.id)
        else:
            if await any_organiser(session):
                return False
            expected = _seal(request)
            request.state.scope, request.state.actor = NETWORK, Actor(SHARED_PASSWORD)
        if not hmac.compare_digest(seal.encode(), expected.encode()):
            return False
        login = await session.get(DashboardLogin, _digest(token))
    request.state.organiser = login is not None and login.expires_at > datetime.now(UTC)
    return bool(request.state.organiser)


async def start_login(request: Request, organiser: Organiser | None = None) -> None:
    """Start a fresh organiser session (a new CSRF token: nothing from before is kept);
    ``organiser`` None: the shared password's login."""
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
    request.session[AUTH] = _seal(request, organiser)
    request.session[LOGIN] = token
    if organiser is not None:
        request.session[ORGANISER] = organiser.id
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.organiser = False  # the next request checks it all again


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
