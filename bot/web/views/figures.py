"""Figures: sessions held, seats offered, booked, attended, no-show rate, with a chart."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from bot.web.chart import bar_chart
from bot.web.guard import page
from bot.web.logins import organiser_scope
from bot.web.rendering import LANGUAGE, render, t
from bot.web.state import context_of
from core.seats.organisations import organisations_by_name, same_name
from core.seats.organiser import Figures, FigureTable, figures


def month_label(month: str) -> str:
    """'2027-01' as 'janv. 2027'."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM y", locale=LANGUAGE)


@page
async def figures_page(request: Request) -> Response:
    """Figures by month and by audience, for sessions already held."""
    context = context_of(request)
    scope = organiser_scope(request)
    async with context.db.transaction() as session:
        table = await figures(session, context.clock.now(), context.settings.zone, scope)
        by_organisation = (
            await _by_organisation(request, session, table) if scope.everything else []
        )
    months = [(month_label(month), numbers) for month, numbers in table.by_month.items()]
    chart = bar_chart(
        [(label, (n.seats_offered, n.booked, n.attended)) for label, n in months[-12:]]
    )
    return render(
        request,
        "figures.html",
        {
            "months": months,
            "audiences": table.by_audience,
            "chart": chart,
            "organisations": by_organisation,
        },
    )


def added(*parts: Figures | None) -> Figures:
    """Figures added up."""
    summed = Figures()
    for part in parts:
        for field in fields(Figures):
            name = field.name
            setattr(summed, name, getattr(summed, name) + getattr(part or Figures(), name))
    return summed


async def _by_organisation(
    request: Request, session: AsyncSession, table: FigureTable
) -> list[tuple[str, Figures]]:
    """Each organisation's figures, for a network organiser (none when there is none); the
    sessions of no organisation count as the install's own (ORGANISATION_NAME)."""
    organisations = await organisations_by_name(session)
    if not organisations:
        return []
    own_name = context_of(request).settings.organisation_name
    own = table.by_organisation.get(None)
    rows: list[tuple[str, Figures]] = []
    if same_name(own_name) not in organisations:
        rows.append((own_name.strip() or t("dashboard.figures.own_organisation"), added(own)))
    for key, organisation in organisations.items():
        mine = table.by_organisation.get(organisation.id)
        rows.append(
            (organisation.name, added(mine, own) if key == same_name(own_name) else added(mine))
        )
    return rows
