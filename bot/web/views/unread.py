"""Messages the bot did not understand in the last 30 days (text only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import network_page
from bot.web.rendering import render
from bot.web.state import context_of
from core.seats.unread import recent


@network_page
async def unread_page(request: Request) -> Response:
    """What people wrote that the bot did not understand, newest first."""
    context = context_of(request)
    async with context.db.transaction() as session:
        messages = await recent(session, context.clock.now())
    return render(request, "unread.html", {"messages": messages})
