"""Who may do what: GET pages need a login, every POST a login and the CSRF token."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.logins import organiser_scope, verify_login
from bot.web.rendering import error_page
from bot.web.state import base_path, csrf_ok
from core.intake import taken_in

CSRF_FIELD = "csrf_token"
MAX_FORM_FIELDS = 50

Page = Callable[[Request], Awaitable[Response]]
Action = Callable[[Request, FormData], Awaitable[Response]]


def page(handler: Page) -> Page:
    """A page for organisers; anyone else is sent to the login page."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if not await verify_login(request):
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"{base_path(request)}/login?next={target}", 303)
        return await handler(request)

    return guarded


def network_page(handler: Page) -> Page:
    """A page about every organisation (the outbox, messages not understood): for network
    organisers only; an organisation's organiser gets 404."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if await verify_login(request) and not organiser_scope(request).everything:
            return error_page(request, 404)
        return await handler(request)

    return page(guarded)


def taken_in_form(form: FormData) -> FormData:
    """The form with each text field taken in as all outside text is
    (:func:`core.intake.taken_in`: no NUL); files as they came."""
    return FormData(
        [
            (name, taken_in(value) if isinstance(value, str) else value)
            for name, value in form.multi_items()
        ]
    )


def checked_form(max_files: int = 0) -> Callable[[Action], Page]:
    """A POST whose form carries this session's CSRF token; else 403 and nothing done.

    Anyone may post to such a form (the login): it takes no file unless ``max_files`` says.
    Its text fields are taken in (:func:`taken_in_form`) before the handler reads them.
    """

    def decorate(handler: Action) -> Page:
        @functools.wraps(handler)
        async def guarded(request: Request) -> Response:
            async with request.form(max_files=max_files, max_fields=MAX_FORM_FIELDS) as form:
                if not csrf_ok(request, form.get(CSRF_FIELD)):
                    return error_page(request, 403)
                return await handler(request, taken_in_form(form))

        return guarded

    return decorate


def action(handler: Action) -> Page:
    """A POST by a logged-in organiser, with the CSRF token; else 403 and nothing done.

    The login is checked before the body is read; one file may come (the schedule).
    """
    checked = checked_form(max_files=1)(handler)

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if not await verify_login(request):
            return error_page(request, 403)
        return await checked(request)

    return guarded


def network_action(handler: Action) -> Page:
    """A POST that changes what every organisation gets (what the bot has learned): for
    network organisers only; an organisation's organiser gets 404 and nothing is done."""
    checked = action(handler)

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if await verify_login(request) and not organiser_scope(request).everything:
            return error_page(request, 404)
        return await checked(request)

    return guarded


def safe_next(request: Request, target: str | None) -> str:
    """Where to go after logging in: a dashboard page, never another site."""
    base = base_path(request)
    if target and target.startswith(f"{base}/") and "//" not in target and "\\" not in target:
        return target
    return f"{base}/"
