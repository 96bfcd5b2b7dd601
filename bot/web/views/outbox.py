"""The outbox page, and "send the reminder now" for one session."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.web.guard import action, network_page
from bot.web.outbox_figures import outbox_figures
from bot.web.rendering import render
from bot.web.state import context_of, flash
from bot.web.views.common import audit, flash_refusal, go, session_id_of, workshop_or_404
from core.errors import BookingError
from core.seats.remind_now import queue_reminders_now


@network_page
async def outbox_page(request: Request) -> Response:
    """Queued, sent and failed messages; the oldest due one; SMS segments and their cost."""
    context = context_of(request)
    settings = context.settings
    async with context.db.transaction() as session:
        figures = await outbox_figures(session, context.clock.now(), settings.zone)
    price = settings.sms_price_per_segment
    return render(
        request,
        "outbox.html",
        {
            "rows": figures.rows,
            "oldest_due": figures.oldest_due_seconds,
            "segments": figures.segments_this_month,
            "price": price,
            "cost": figures.segments_this_month * price,
        },
    )


@action
async def remind_now_action(request: Request, _: FormData) -> Response:
    """Queue the session's reminders due now, each once, and wake the sender."""
    context = context_of(request)
    session_id = session_id_of(request)
    try:
        async with context.db.transaction() as session:
            await workshop_or_404(session, request)
            count = await queue_reminders_now(session, session_id, context.clock.now())
            await audit(session, request, "remind", session_id)
    except BookingError as error:
        flash_refusal(request, error)
        return go(request, f"/sessions/{session_id}")
    if count:
        context.wake()
        flash(request, "dashboard.flash.reminders_queued", count=count)
    else:
        flash(request, "dashboard.flash.reminders_none")
    return go(request, f"/sessions/{session_id}")
