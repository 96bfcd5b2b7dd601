"""Figures: sessions held, seats offered, booked, attended, no-show rate, with a chart."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response

from bot.web.chart import bar_chart
from bot.web.guard import page
from bot.web.rendering import LANGUAGE, render
from bot.web.state import context_of
from core.seats.organiser import figures


def month_label(month: str) -> str:
    """'2027-01' as 'janv. 2027'."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM y", locale=LANGUAGE)


@page
async def figures_page(request: Request) -> Response:
    """Figures by month and by audience, for sessions already held."""
    context = context_of(request)
    async with context.db.transaction() as session:
        table = await figures(session, context.clock.now(), context.settings.zone)
    months = [(month_label(month), numbers) for month, numbers in table.by_month.items()]
    chart = bar_chart(
        [(label, (n.seats_offered, n.booked, n.attended)) for label, n in months[-12:]]
    )
    return render(
        request,
        "figures.html",
        {"months": months, "audiences": table.by_audience, "chart": chart},
    )
