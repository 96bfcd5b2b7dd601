"""The poster of a session: a preview page, the A4 PNG and the A4 PDF."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import Page, page
from bot.web.poster import PosterText, poster_text, render_pdf, render_png
from bot.web.poster_channels import PosterChannels, QrLink, poster_channels
from bot.web.rendering import error_page, render
from bot.web.state import context_of
from bot.web.views.common import workshop_or_404
from core.understanding.session_codes import code_for
from models import WorkshopSession


async def _poster(request: Request) -> tuple[WorkshopSession, PosterChannels]:
    context = context_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
    return workshop, poster_channels(context.settings, context.bot_username(), workshop.id)


@page
async def poster_page(request: Request) -> Response:
    """A preview of the poster, with its PNG and PDF; or why there is none yet."""
    workshop, channels = await _poster(request)
    link = channels.codes[0].url if channels.codes else None
    return render(
        request,
        "poster.html",
        {
            "workshop": workshop,
            "link": link,
            "channels": channels,
            "code": code_for(workshop.id),
        },
    )


def _download(
    render_file: Callable[[PosterText, Sequence[QrLink]], bytes], media_type: str, suffix: str
) -> Page:
    """A page serving the poster drawn by ``render_file`` (drawn in a thread)."""

    @page
    async def download(request: Request) -> Response:
        workshop, channels = await _poster(request)
        if not channels.any:
            return error_page(request, 409)
        link = channels.codes[0].url if len(channels.codes) == 1 else ""
        text = poster_text(
            workshop,
            link,
            context_of(request).settings.zone,
            sms=channels.sms_line,
            several_codes=len(channels.codes) > 1,
        )
        body = await asyncio.to_thread(render_file, text, channels.codes)
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
