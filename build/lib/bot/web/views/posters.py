"""The poster of a session: a preview page, the A4 PNG and the A4 PDF."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import Page, page
from bot.web.poster import PosterText, poster_text, render_pdf, render_png
from bot.web.qr import deep_link
from bot.web.rendering import error_page, render
from bot.web.state import context_of
from bot.web.views.common import session_id_of, workshop_or_404
from models import WorkshopSession


async def _poster(request: Request) -> tuple[WorkshopSession, str | None]:
    context = context_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, session_id_of(request))
    username = context.bot_username()
    return workshop, deep_link(username, workshop.id) if username else None


@page
async def poster_page(request: Request) -> Response:
    """A preview of the poster, with its PNG and PDF; or why there is none yet."""
    workshop, link = await _poster(request)
    return render(request, "poster.html", {"workshop": workshop, "link": link})


def _download(
    render_file: Callable[[PosterText, str], bytes], media_type: str, suffix: str
) -> Page:
    """A page serving the poster drawn by ``render_file`` (drawn in a thread)."""

    @page
    async def download(request: Request) -> Response:
        workshop, link = await _poster(request)
        if link is None:
            return error_page(request, 409)
        text = poster_text(workshop, link, context_of(request).settings.zone)
        body = await asyncio.to_thread(render_file, text, link)
        return Response(
            body,
            media_type=media_type,
            headers={
                "Content-Disposition": f'inline; filename="affiche-atelier-{workshop.id}.{suffix}"'
            },
        )

    return download


poster_png = _download(render_png, "image/png", "png")
poster_pdf = _download(render_pdf, "application/pdf", "pdf")
