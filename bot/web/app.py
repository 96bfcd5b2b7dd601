"""The organisers' web dashboard: a Starlette app mounted under /admin."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.channels.unavailable import HEADERS as RETRY_HEADERS
from bot.web.context import DashboardContext
from bot.web.headers import HEADERS, SecurityHeaders
from bot.web.rendering import error_page, t
from bot.web.state import base_path
from bot.web.views import (
    auth,
    changes,
    exports,
    figures,
    outbox,
    posters,
    roster,
    schedule,
    sessions,
    unread,
    venue_posters,
)
from models.db import is_unavailable

MOUNT_PATH = "/admin"
COOKIE = "atelier_admin"
STATIC = Path(__file__).parent / "static"
SESSION = "/sessions/{session_id:int}"
SEAT = SESSION + "/bookings/{booking_id:int}"
VENUE = "/venues/{venue_id:int}"


async def home(request: Request) -> Response:
    """The dashboard's front page is the sessions list."""
    return RedirectResponse(f"{base_path(request)}/sessions", 303)


async def _http_error(request: Request, error: Exception) -> Response:
    status = error.status_code if isinstance(error, HTTPException) else 500
    return error_page(request, status)


async def _server_error(request: Request, error: Exception) -> Response:
    """An unexpected failure: the French error page, with the security headers all the same
    (this runs outside the middleware that adds them); 503 with Retry-After when the
    database could not be used (refused, away, locked)."""
    headers = {**HEADERS, "Cache-Control": "no-store"}
    status = 500
    if is_unavailable(error):
        status = 503
        headers.update(RETRY_HEADERS)
    try:
        return error_page(request, status, headers)
    except Exception:  # the page itself could not be drawn
        return PlainTextResponse(t("dashboard.error_page.title.other"), status, headers)


def routes() -> list[Route | Mount]:
    """Every page and action of the dashboard."""
    get, post = ["GET"], ["POST"]
    return [
        Route("/", home, methods=get),
        Route("/login", auth.login_form, methods=get),
        Route("/login", auth.login_action, methods=post),
        Route("/logout", auth.logout_action, methods=post),
        Route("/sessions", sessions.sessions_page, methods=get),
        Route("/sessions/new", sessions.new_session_form, methods=get),
        Route("/sessions/new", sessions.create_session_action, methods=post),
        Route(SESSION, roster.roster_page, methods=get),
        Route(f"{SESSION}/edit", sessions.edit_session_form, methods=get),
        Route(f"{SESSION}/edit", sessions.edit_session_action, methods=post),
        Route(f"{SESSION}/move", changes.move_form, methods=get),
        Route(f"{SESSION}/move", changes.move_action, methods=post),
        Route(f"{SESSION}/cancel", changes.cancel_form, methods=get),
        Route(f"{SESSION}/cancel", changes.cancel_action, methods=post),
        Route(f"{SESSION}/attendance", roster.attendance_action, methods=post),
        Route(f"{SESSION}/walk-in", roster.walk_in_action, methods=post),
        Route(f"{SEAT}/cancel", roster.seat_cancel_form, methods=get),
        Route(f"{SEAT}/cancel", roster.seat_cancel_action, methods=post),
        Route(f"{SESSION}/message", roster.message_action, methods=post),
        Route(f"{SESSION}/bookings.csv", exports.roster_csv, methods=get),
        Route(f"{SESSION}/bookings.xlsx", exports.roster_xlsx, methods=get),
        Route(f"{SESSION}/poster", posters.poster_page, methods=get),
        Route(f"{SESSION}/poster.png", posters.poster_png, methods=get),
        Route(f"{SESSION}/poster.pdf", posters.poster_pdf, methods=get),
        Route("/venues", venue_posters.venues_page, methods=get),
        Route(f"{VENUE}/poster", venue_posters.venue_poster_page, methods=get),
        Route(f"{VENUE}/poster.png", venue_posters.venue_poster_png, methods=get),
        Route(f"{VENUE}/poster.pdf", venue_posters.venue_poster_pdf, methods=get),
        Route("/bookings.csv", exports.all_bookings_csv, methods=get),
        Route("/bookings.xlsx", exports.all_bookings_xlsx, methods=get),
        Route("/import", schedule.import_form, methods=get),
        Route("/import/modele.xlsx", schedule.template_xlsx, methods=get),
        Route("/import", schedule.import_action, methods=post),
        Route("/figures", figures.figures_page, methods=get),
        Route("/outbox", outbox.outbox_page, methods=get),
        Route(f"{SESSION}/remind", outbox.remind_now_action, methods=post),
        Route("/not-understood", unread.unread_page, methods=get),
        Route("/not-understood/label", unread.label_action, methods=post),
        Route("/not-understood/unlearn", unread.unlearn_action, methods=post),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def build_dashboard(context: DashboardContext) -> Starlette:
    """The dashboard app; refused without DASHBOARD_SECRET_KEY and DASHBOARD_PASSWORD_HASH."""
    settings = context.settings
    if settings.dashboard_password_hash is None or settings.dashboard_secret_key is None:
        raise ValueError("the dashboard needs DASHBOARD_PASSWORD_HASH and DASHBOARD_SECRET_KEY")
    secure = (settings.public_base_url or "").startswith("https://")
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=settings.dashboard_secret_key.get_secret_value(),
                session_cookie=COOKIE,
                max_age=round(settings.dashboard_session_hours * 3600),
                path=MOUNT_PATH,
                same_site="lax",
                https_only=secure,
            ),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.dashboard = context
    return app


def dashboard_mount(context: DashboardContext) -> Mount:
    """The dashboard, mounted under /admin on the bot's HTTP server."""
    return Mount(MOUNT_PATH, app=build_dashboard(context))
