"""The organiser's session (a signed cookie): login seal, CSRF token, flash messages."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from bot.web.context import DashboardContext
from bot.web.passwords import fingerprint


def context_of(request: Request) -> DashboardContext:
    """The dashboard's context, kept in the app's state."""
    context: DashboardContext = request.app.state.dashboard
    return context


def base_path(request: Request) -> str:
    """Where the dashboard is mounted ("/admin")."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, sent: object) -> bool:
    """Whether a form carries this session's token (compared in constant time)."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not isinstance(sent, str):
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def _seal(request: Request) -> str:
    secret = context_of(request).settings.dashboard_password_hash
    assert secret is not None
    return fingerprint(secret.get_secret_value())


def logged_in(request: Request) -> bool:
    """Whether the session is an organiser's, logged in with the current password."""
    seal = request.session.get("auth")
    return isinstance(seal, str) and hmac.compare_digest(seal.encode(), _seal(request).encode())


def log_in(request: Request) -> None:
    """Start a fresh organiser session (a new CSRF token: nothing from before is kept)."""
    request.session.clear()
    request.session["auth"] = _seal(request)
    request.session["csrf"] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    """Forget the session; the cookie is deleted."""
    request.session.clear()


def flash(request: Request, code: str, kind: str = "ok", **params: str | int) -> None:
    """Leave a message for the next page; ``code`` names its French text (flash.html)."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "code": code, "params": params})
    request.session["flash"] = messages[-5:]


def take_flashes(request: Request) -> list[dict[str, object]]:
    """The messages left for this page, once."""
    if "flash" not in request.session:
        return []
    messages: list[dict[str, object]] = request.session.pop("flash")
    return messages
