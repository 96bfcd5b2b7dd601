"""The sessions list; create and edit a session."""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.web.forms import SessionForm
from bot.web.guard import action, page
from bot.web.logins import organiser_scope
from bot.web.queries import latest_session, status_counts
from bot.web.rendering import render, t
from bot.web.state import context_of, flash
from bot.web.views.common import audit, go, workshop_or_404
from core.seats.catalog import AUDIENCES
from core.seats.field_limits import NUMBER_RANGES, TEXT_LIMITS
from core.seats.organisations import organisations_by_name
from core.seats.organiser import create_session, edit_session, sessions_between, today_bounds
from models import WorkshopSession

AHEAD_WEEKS = 12
"""Sessions to come shown at first: a quarter (a city's year of sessions is a long page)."""
PAST_WEEKS = 8
MAX_WEEKS = 520


def _weeks(request: Request, name: str, default: int) -> int:
    """A number of weeks from the address (``past_weeks=26``), within 1 and MAX_WEEKS."""
    try:
        weeks = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return min(max(weeks, 1), MAX_WEEKS)


@page
async def sessions_page(request: Request) -> Response:
    """Sessions from today on with their fill rate, and recent ones for attendance."""
    context = context_of(request)
    weeks = _weeks(request, "past_weeks", PAST_WEEKS)
    ahead = _weeks(request, "ahead_weeks", AHEAD_WEEKS)
    start, _ = today_bounds(context.clock.now(), context.settings.zone)
    async with context.db.transaction() as session:
        scope = organiser_scope(request)
        upcoming = await sessions_between(session, start, start + timedelta(weeks=ahead), scope)
        earlier = await sessions_between(session, start - timedelta(weeks=weeks), start, scope)
        past = list(reversed(earlier))
        counts = await status_counts(session, [workshop.id for workshop, _ in past])
        names = await organisations_by_name(session) if scope.everything else {}
    return render(
        request,
        "sessions.html",
        {
            "upcoming": upcoming,
            "past": past,
            "counts": counts,
            "past_weeks": weeks,
            "ahead_weeks": ahead,
            "max_weeks": MAX_WEEKS,
            "organisation_names": {row.id: row.name for row in names.values()},
            "own_organisation": context.settings.organisation_name.strip()
            or t("dashboard.figures.own_organisation"),
        },
    )


def _form_page(
    request: Request, form: SessionForm, workshop: WorkshopSession | None, status: int = 200
) -> Response:
    return render(
        request,
        "session_form.html",
        {
            "form": form,
            "workshop": workshop,
            "audiences": AUDIENCES,
            "limits": TEXT_LIMITS,
            "ranges": NUMBER_RANGES,
        },
        status,
    )


@page
async def new_session_form(request: Request) -> Response:
    """A blank session form; the venue and address of the latest session are filled in."""
    context = context_of(request)
    async with context.db.transaction() as session:
        latest = await latest_session(session, organiser_scope(request))
    prefill = {"venue": latest.venue, "address": latest.address} if latest else {}
    return _form_page(request, SessionForm.empty(**prefill), None)


@action
async def create_session_action(request: Request, posted: FormData) -> Response:
    """Add the session typed in; the form comes back with its errors if anything is wrong."""
    context = context_of(request)
    form = SessionForm.read(posted)
    fields = form.fields(form.start(context.settings.zone))
    if fields is None:
        return _form_page(request, form, None, 400)
    async with context.db.transaction() as session:
        organisation_id = organiser_scope(request).new_session_organisation()
        workshop = await create_session(session, fields, organisation_id)
        await audit(session, request, "create", workshop.id)
    flash(request, "dashboard.flash.session_created", title=workshop.title)
    return go(request, f"/sessions/{workshop.id}")


def _form_of(workshop: WorkshopSession) -> SessionForm:
    return SessionForm.empty(
        title=workshop.title,
        description=workshop.description,
        audience=workshop.audience,
        venue=workshop.venue,
        address=workshop.address,
        bring=workshop.bring,
        access=workshop.access,
        duration_minutes=str(workshop.duration_minutes),
        capacity=str(workshop.capacity),
    )


@page
async def edit_session_form(request: Request) -> Response:
    """The session's details, ready to change (the date changes with "Déplacer")."""
    context = context_of(request)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
    return _form_page(request, _form_of(workshop), workshop)


@action
async def edit_session_action(request: Request, posted: FormData) -> Response:
    """Save the changed details."""
    context = context_of(request)
    form = SessionForm.read(posted)
    async with context.db.transaction() as session:
        workshop = await workshop_or_404(session, request)
        fields = form.fields(workshop.starts_at)
        if fields is not None and fields.capacity < workshop.seats_taken:
            form.errors["capacity"] = "below_taken"
        if fields is None or form.errors:
            return _form_page(request, form, workshop, 400)
        await edit_session(session, workshop.id, fields)
        await audit(session, request, "edit", workshop.id)
    flash(request, "dashboard.flash.session_saved", title=workshop.title)
    return go(request, f"/sessions/{workshop.id}")
