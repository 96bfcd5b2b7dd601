"""Every dashboard route, tried by one partner's organiser on another partner's ids, over
real HTTP (SQLite, PostgreSQL).

The routes are read from the running dashboard app itself, so a route added later is tried
too: a route whose address (or form) names a session, a booking or a venue of another
organisation answers 404 (or 403) and changes nothing in the database; a route without an
id (lists, exports, figures, the import) never shows another organisation's session
titles, the people booked on them, or their venues.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.routing import Mount, Route

from core.clock import FixedClock
from core.seats.organisations import add_organiser
from core.seats.organiser import register_walk_in
from core.seats.reminders import ReminderRule
from core.seats.venues import VenueFacts, venue_ids
from models import Base, Booking, WorkshopSession
from tests.support.dashboard import (
    PASSWORD,
    PASSWORD_HASH,
    Dashboard,
    dashboard_settings,
    running_dashboard,
)
from tests.support.factories import NOW, add_session, make_settings

ATTACKER = ("mediatheque@woippy.example", "Médiathèque de Woippy")
VICTIM = ("boutique@atelier.example", "Boutique Orange Metz")
BYSTANDER = ("centre@thionville.example", "Centre social de Thionville")
NETWORK = "reseau@atelier.example"
OWN_TITLE = "Tablette à Woippy"
OTHER_TITLES = ("Smartphone à Metz", "Courriels à Metz", "Ordinateur à Thionville")
OTHER_PEOPLE = ("Bérénice", "Gaëtan")
OTHER_VENUES = ("Boutique Orange Serpenoise", "Centre Le Lierre")
OTHERS = OTHER_TITLES + OTHER_PEOPLE + OTHER_VENUES
"""What the Woippy organiser must never see: the other organisations' sessions, the people
booked on them, their venues."""
SHOWN = {
    "/sessions": ((OWN_TITLE,), OTHER_TITLES),
    "/bookings.csv": ((OWN_TITLE, "Marie"), OTHER_TITLES + OTHER_PEOPLE),
    "/bookings.xlsx": ((OWN_TITLE, "Marie"), OTHER_TITLES + OTHER_PEOPLE),
    "/venues": (("Médiathèque Jean-Morette",), OTHER_VENUES),
}
"""Pages that do show such things: what the Woippy organiser sees there of their own, and
what a network organiser sees of the others (so the checks would see a leak)."""
OWN_VENUE = VenueFacts(name="Médiathèque Jean-Morette", address="2 rue des Écoles, 57140 Woippy")
OTHER_VENUE = VenueFacts(name="Boutique Orange Serpenoise", address="3 rue Serpenoise, 57000 Metz")
THIONVILLE_VENUE = VenueFacts(name="Centre Le Lierre", address="5 rue Pasteur, 57100 Thionville")
IMPORTED = (
    "titre;public;date;heure;durée;places;lieu;adresse\n"
    "Courriels à Metz;tous;20/01/2027;14h00;90;8;Boutique Orange Serpenoise;"
    "3 rue Serpenoise, 57000 Metz\n"
)
SESSION_FORM = {
    "title": "Titre changé",
    "description": "Changé par une autre structure.",
    "audience": "tous",
    "date": "2027-01-21",
    "time": "10:00",
    "duration_minutes": "60",
    "capacity": "1",
    "venue": "Ailleurs",
    "address": "1 rue Haute, 57000 Metz",
}
VALID_FORMS: dict[str, dict[str, str]] = {
    "/sessions/{session_id:int}/edit": SESSION_FORM,
    "/sessions/{session_id:int}/move": {"date": "2027-02-01", "time": "10:00"},
    "/sessions/{session_id:int}/attendance": {"presence": "present"},
    "/sessions/{session_id:int}/walk-in": {"first_name": "Intrus", "phone": ""},
    "/sessions/{session_id:int}/message": {"text": "La salle change."},
}
"""A form each action accepts on the organiser's own session (the default: none needed)."""
FORM_IDS: dict[str, dict[str, str]] = {
    "/sessions/{session_id:int}/attendance": {"booking_id": "booking_id"},
}
"""Form fields that name an id (field: kind of id), tried like the address's ids."""
QUERIES = {"/sessions": "?past_weeks=520&ahead_weeks=520"}
"""Address queries that widen a page to everything it can show."""
NO_ID_POSTS = {
    "/login",
    "/logout",
    "/sessions/new",
    "/import",
    "/not-understood/label",
    "/not-understood/unlearn",
}
"""Actions without an id, each tried below on its own (a new one must be added here)."""


@dataclass(frozen=True, slots=True)
class Ids:
    """One organisation's ids, by the name the routes give them."""

    session_id: int
    booking_id: int
    venue_id: int

    def of(self, kind: str) -> int:
        """The id of that kind; a route naming a new kind of id fails here until added."""
        if kind not in ("session_id", "booking_id", "venue_id"):
            pytest.fail(f"a route names an id this test does not know: {kind}")
        value: int = getattr(self, kind)
        return value


async def session_of(
    dashboard: Dashboard,
    title: str,
    organisation_id: int,
    facts: VenueFacts,
    person: str,
    days: int = 2,
) -> Ids:
    """A session of the organisation at the venue of ``facts``, with ``person`` booked."""
    start = NOW + timedelta(days=days, hours=4)
    session_id = await add_session(dashboard.db, title=title, starts_at=start)
    rule = ReminderRule.of(make_settings(dashboard.db.url))
    booked = min(NOW, start - timedelta(days=1))
    async with dashboard.db.transaction() as session:
        venue_id = (await venue_ids(session, [facts]))[facts.key]
        workshop = await session.get_one(WorkshopSession, session_id)
        workshop.venue_id, workshop.organisation_id = venue_id, organisation_id
        workshop.venue, workshop.address = facts.name, facts.address
        booking = await register_walk_in(session, session_id, person, "", booked, rule=rule)
    return Ids(session_id, booking.id, venue_id)


@asynccontextmanager
async def browser(dashboard: Dashboard, email: str) -> AsyncIterator[Dashboard]:
    """Another browser, logged in as the organiser of ``email``."""
    async with httpx.AsyncClient(timeout=30) as client:
        other = Dashboard(dashboard.runtime, client)
        token = await other.token("/login")
        response = await client.post(
            other.url("/login"),
            data={"csrf_token": token, "email": email, "password": PASSWORD},
        )
        assert response.status_code == 303, response.text
        yield other


async def snapshot(dashboard: Dashboard) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with dashboard.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in (await session.execute(query)).all()]
    return rows


def readable(response: httpx.Response) -> str:
    """What the response shows: the page, the CSV, or the text inside an .xlsx sheet."""
    if response.content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as sheet:
            return "".join(sheet.read(name).decode() for name in sheet.namelist())
    return response.text.replace("&#39;", "'")


def dashboard_routes(dashboard: Dashboard) -> list[Route]:
    """The dashboard app's routes, as it runs (static files aside)."""
    assert dashboard.runtime.http is not None
    outer = dashboard.runtime.http.server.config.app
    mount = next(route for route in outer.routes if isinstance(route, Mount))
    return [route for route in mount.routes if isinstance(route, Route)]


def id_kinds(route: Route) -> list[str]:
    """The kinds of id the route takes, in its address then in its form."""
    return [*route.param_convertors, *FORM_IDS.get(route.path, {}).values()]


def attacks(route: Route, mine: Ids, theirs: Ids) -> list[tuple[str, dict[str, str], bool]]:
    """Each address and form ids naming at least one of the other organisation's ids
    (one of ours with one of theirs too: their booking on our session), and whether only
    the form names theirs."""
    kinds = id_kinds(route)
    form_ids = FORM_IDS.get(route.path, {})
    tried = []
    for owners in itertools.product((mine, theirs), repeat=len(kinds)):
        if theirs not in owners:
            continue
        chosen = {kind: owner.of(kind) for kind, owner in zip(kinds, owners, strict=True)}
        path = route.path
        for name in route.param_convertors:
            path = path.replace(f"{{{name}:int}}", str(chosen[name]))
        fields = {field: str(chosen[kind]) for field, kind in form_ids.items()}
        only_form = all(owner is mine for owner in owners[: len(route.param_convertors)])
        tried.append((path, fields, only_form))
    return tried


def refused_home(response: httpx.Response, mine: Ids) -> bool:
    """Whether the action was refused back to the organiser's own session (as for an
    unknown booking): 404, or a redirect to their own roster."""
    if response.status_code in (403, 404):
        return True
    location = response.headers.get("location", "").split("#")[0]
    return response.status_code == 303 and location.endswith(f"/sessions/{mine.session_id}")


@pytest.fixture
async def partners(database_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    """Three partners: the Woippy one (the organiser trying), the Metz one (whose ids they
    try: two sessions, one held, each with a seat booked), and Thionville; a network
    organiser."""
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        organisation = {}
        async with dashboard.db.transaction() as session:
            for email, name in (ATTACKER, VICTIM, BYSTANDER):
                organiser = await add_organiser(session, email, PASSWORD_HASH, name, NOW)
                organisation[email] = organiser.organisation_id
            await add_organiser(session, NETWORK, PASSWORD_HASH, "Réseau", NOW, network=True)
        metz, thionville = organisation[VICTIM[0]], organisation[BYSTANDER[0]]
        await session_of(dashboard, OWN_TITLE, organisation[ATTACKER[0]], OWN_VENUE, "Marie")
        await session_of(dashboard, OTHER_TITLES[0], metz, OTHER_VENUE, "Bérénice")
        await session_of(dashboard, OTHER_TITLES[1], metz, OTHER_VENUE, "Bérénice", -3)
        await session_of(dashboard, OTHER_TITLES[2], thionville, THIONVILLE_VENUE, "Gaëtan")
        yield dashboard


async def ids_of(dashboard: Dashboard, title: str) -> Ids:
    """The ids of the session of that title, its booking and its venue."""
    async with dashboard.db.transaction() as session:
        workshop = (
            await session.execute(select(WorkshopSession).where(WorkshopSession.title == title))
        ).scalar_one()
        booking = (
            await session.execute(select(Booking.id).where(Booking.session_id == workshop.id))
        ).scalar_one()
        assert workshop.venue_id is not None
        return Ids(workshop.id, booking, workshop.venue_id)


async def test_every_route_with_an_id_refuses_another_organisations_ids(
    partners: Dashboard,
) -> None:
    mine = await ids_of(partners, OWN_TITLE)
    theirs = await ids_of(partners, OTHER_TITLES[0])
    routes = [route for route in dashboard_routes(partners) if id_kinds(route)]
    assert len(routes) >= 20  # the routes were found (sessions, seats, venues)
    tried: list[str] = []
    async with browser(partners, ATTACKER[0]) as woippy:
        before = await snapshot(partners)
        token = await woippy.token("/sessions")
        for route in routes:
            methods = route.methods or set()
            for path, fields, only_form in attacks(route, mine, theirs):
                if "GET" in methods:
                    response = await woippy.get(path)
                    assert response.status_code == 404, f"GET {path}"
                    assert not any(other in readable(response) for other in OTHERS), path
                    tried.append(f"GET {path}")
                if "POST" in methods:
                    for form in (VALID_FORMS.get(route.path, {}), {}):
                        response = await woippy.client.post(
                            woippy.url(path), data={"csrf_token": token, **form, **fields}
                        )
                        said = f"POST {path} {fields}"
                        if only_form:
                            # Only the form names their id: refused on the organiser's own page.
                            assert refused_home(response, mine), said
                        elif form or not VALID_FORMS.get(route.path):
                            assert response.status_code in (403, 404), said
                        assert response.status_code != 200, said
                        assert not any(other in readable(response) for other in OTHERS), path
                        assert await snapshot(partners) == before, said
                    tried.append(f"POST {path}")
        # The same pages and actions do open on the organiser's own ids.
        assert (await woippy.get(f"/sessions/{mine.session_id}")).status_code == 200
        assert (await woippy.get(f"/venues/{mine.venue_id}/poster")).status_code == 200
        seat = f"/sessions/{mine.session_id}/bookings/{mine.booking_id}/cancel"
        assert (await woippy.get(seat)).status_code == 200
        assert await snapshot(partners) == before
    assert f"GET /sessions/{theirs.session_id}" in tried
    assert f"POST /sessions/{mine.session_id}/bookings/{theirs.booking_id}/cancel" in tried
    assert f"GET /venues/{theirs.venue_id}/poster.pdf" in tried


async def test_no_page_without_an_id_shows_another_organisations_sessions(
    partners: Dashboard, clock: FixedClock
) -> None:
    clock.advance(timedelta(days=3))  # the first sessions are held: figures count them
    routes = [
        route
        for route in dashboard_routes(partners)
        if not id_kinds(route) and "GET" in (route.methods or set())
    ]
    assert {*SHOWN, "/figures", "/import", "/import/modele.xlsx"} <= {
        route.path for route in routes
    }
    async with browser(partners, ATTACKER[0]) as woippy, browser(partners, NETWORK) as everyone:
        for route in routes:
            path = route.path + QUERIES.get(route.path, "")
            response = await woippy.get(path)
            assert response.status_code < 500, path
            shown = readable(response)
            assert not any(other in shown for other in OTHERS), path
            if route.path in SHOWN:
                own, others = SHOWN[route.path]
                assert all(words in shown for words in own), path
                seen = readable(await everyone.get(path))
                assert all(words in seen for words in others), path


async def test_actions_without_an_id_touch_no_other_organisation(partners: Dashboard) -> None:
    routes = dashboard_routes(partners)
    posts = {route.path for route in routes if "POST" in (route.methods or set())}
    assert {path for path in posts if not id_kinds_of(routes, path)} == NO_ID_POSTS
    async with browser(partners, VICTIM[0]) as metz:
        token = await metz.token("/import")
        response = await metz.client.post(
            metz.url("/import"),
            data={"csrf_token": token},
            files={"schedule": ("planning.csv", IMPORTED.encode(), "text/csv")},
        )
        assert response.status_code == 303, response.text  # Metz's own session, imported
    async with browser(partners, ATTACKER[0]) as woippy:
        before = await snapshot(partners)
        token = await woippy.token("/import")
        named = IMPORTED.replace("adresse\n", "adresse;structure\n").replace(
            "57000 Metz\n", f"57000 Metz;{VICTIM[1]}\n"
        )
        for sent in (IMPORTED, named):  # their session, without and with their name
            response = await woippy.client.post(
                woippy.url("/import"),
                data={"csrf_token": token},
                files={"schedule": ("planning.csv", sent.encode(), "text/csv")},
            )
            assert response.status_code == 400, sent
            assert "autre organisation" in response.text
        for path in ("/not-understood/label", "/not-understood/unlearn"):
            response = await woippy.client.post(
                woippy.url(path), data={"csrf_token": token, "key": "x", "id": "1"}
            )
            assert response.status_code == 404, path
        assert await snapshot(partners) == before


def id_kinds_of(routes: list[Route], path: str) -> list[str]:
    """The kinds of id of the routes of that path."""
    return [kind for route in routes if route.path == path for kind in id_kinds(route)]
