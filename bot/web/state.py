"""The organiser's session (a signed cookie): CSRF token, flash messages, login status."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from bot.web.context import DashboardContext


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


def logged_in(request: Request) -> bool:
    """Whether this request was found to be an organiser's (see ``logins.verify_login``)."""
    return getattr(request.state, "organiser", False) is True


def flash(request: Request, code: str, kind: str = "ok", **params: str | int) -> None:
    """Leave a message for the next page; ``code`` is its message key."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "code": code, "params": params})
    request.session["flash"] = messages[-5:]


def take_flashes(request: Request) -> list[dict[str, object]]:
    """The messages left for this page, once."""
    if "flash" not in request.session:
        return []
    messages: list[dict[str, object]] = request.session.pop("flash")
    return messages
