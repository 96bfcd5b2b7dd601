"""The venues an organiser sees, and each venue's poster: a preview page, the A4 PNG and
the A4 PDF. It has no date, so it stays on the venue's wall; its QR code opens the bot on
that venue's town's sessions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import Page, page
from bot.web.logins import organiser_scope
from bot.web.poster import PosterText, render_pdf, render_png, venue_poster_text
from bot.web.poster_channels import PosterChannels, QrLink, venue_channels
from bot.web.rendering import error_page, render
from bot.web.state import context_of
from bot.web.views.common import checked_id
from core.seats.venues import visible_venue, visible_venues
from models import Venue


@page
async def venues_page(request: Request) -> Response:
    """The venues of the organiser's sessions (every venue for the network), each with its
    poster."""
    async with context_of(request).db.transaction() as session:
        venues = await visible_venues(session, organiser_scope(request))
    return render(request, "venues.html", {"venues": venues})


async def _poster(request: Request) -> tuple[Venue, PosterChannels]:
    """The venue in the address and its poster's channels; 404 for a venue the organiser
    does not see."""
    context = context_of(request)
    venue_id = checked_id(request.path_params["venue_id"])
    async with context.db.transaction() as session:
        venue = await visible_venue(session, venue_id, organiser_scope(request))
    if venue is None:
        raise HTTPException(404)
    return venue, venue_channels(context.settings, context.bot_username(), venue.id)


@page
async def venue_poster_page(request: Request) -> Response:
    """A preview of the venue's poster, with its PNG and PDF; or why there is none yet."""
    venue, channels = await _poster(request)
    return render(request, "venue_poster.html", {"venue": venue, "channels": channels})


def _download(
    render_file: Callable[[PosterText, Sequence[QrLink]], bytes], media_type: str, suffix: str
) -> Page:
    """A page serving the venue's poster drawn by ``render_file`` (drawn in a thread)."""

    @page
    async def download(request: Request) -> Response:
        venue, channels = await _poster(request)
        if not channels.any:
            return error_page(request, 409)
        link = channels.codes[0].url if len(channels.codes) == 1 else ""
        text = venue_poster_text(venue, link, sms=channels.sms_line, phone=channels.phone_line)
        body = await asyncio.to_thread(render_file, text, channels.codes)
        return Response(
            body,
            media_type=media_type,
            headers={"Content-Disposition": f'inline; filename="affiche-lieu-{venue.id}.{suffix}"'},
        )

    return download


venue_poster_png = _download(render_png, "image/png", "png")
venue_poster_pdf = _download(render_pdf, "application/pdf", "pdf")
