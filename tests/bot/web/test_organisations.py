"""Organisations and their organisers on the dashboard, over real HTTP (SQLite, PostgreSQL):
three partners in Metz, Woippy and Thionville, each organiser seeing only their own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.seats.organisations import add_organiser, remove_organiser
from models import Organisation, Organiser, OrganiserAction, SessionStatus, WorkshopSession
from tests.support.dashboard import (
    PASSWORD,
    PASSWORD_HASH,
    Dashboard,
    dashboard_settings,
    running_dashboard,
)
from tests.support.factories import NOW, add_session

PARTNERS = {
    "boutique@atelier.example": "Boutique Orange Metz",
    "mediatheque@woippy.example": "Médiathèque de Woippy",
    "centre@thionville.example": "Centre social de Thionville",
}
NETWORK = "reseau@atelier.example"


async def of_organisation(dashboard: Dashboard, title: str, organisation: str) -> int:
    """A session run by ``organisation`` (its id)."""
    session_id = await add_session(dashboard.db, title=title)
    async with dashboard.db.transaction() as session:
        found = (
            await session.execute(select(Organisation).where(Organisation.name == organisation))
        ).scalar_one()
        workshop = await session.get_one(WorkshopSession, session_id)
        workshop.organisation_id = found.id
    return session_id


@asynccontextmanager
async def browser(dashboard: Dashboard, email: str) -> AsyncIterator[Dashboard]:
    """Another browser, logged in as the organiser of ``email``."""
    async with httpx.AsyncClient(timeout=10) as client:
        other = Dashboard(dashboard.runtime, client)
        token = await other.token("/login")
        response = await client.post(
            other.url("/login"),
            data={"csrf_token": token, "email": email, "password": PASSWORD},
        )
        assert response.status_code == 303, response.text
        yield other


@pytest.fixture
async def network(database_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    """The dashboard with three partners, an organiser each, a network organiser, and a
    session each: "Smartphone à Metz", "Tablette à Woippy", "Ordinateur à Thionville"."""
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        async with dashboard.db.transaction() as session:
            for email, name in PARTNERS.items():
                await add_organiser(session, email, PASSWORD_HASH, name, NOW)
            await add_organiser(
                session, NETWORK, PASSWORD_HASH, "Boutique Orange Metz", NOW, network=True
            )
        for title, name in zip(
            ("Smartphone à Metz", "Tablette à Woippy", "Ordinateur à Thionville"),
            PARTNERS.values(),
            strict=True,
        ):
            await of_organisation(dashboard, title, name)
        yield dashboard


async def ids(dashboard: Dashboard) -> dict[str, int]:
    async with dashboard.db.transaction() as session:
        rows = await session.execute(select(WorkshopSession.title, WorkshopSession.id))
        return {title: session_id for title, session_id in rows.all()}


async def test_the_login_asks_for_the_email_and_the_shared_password_stops(
    network: Dashboard,
) -> None:
    form = await network.get("/login")
    assert 'name="email"' in form.text
    shared = await network.login()  # the shared password, without an e-mail
    assert shared.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in shared.text
    async with httpx.AsyncClient(timeout=10) as client:
        wrong = Dashboard(network.runtime, client)
        token = await wrong.token("/login")
        refused = await client.post(
            wrong.url("/login"),
            data={"csrf_token": token, "email": NETWORK, "password": "pas le bon mot"},
        )
        assert refused.status_code == 401


async def test_an_organiser_sees_and_changes_only_their_organisation(network: Dashboard) -> None:
    sessions = await ids(network)
    mine, theirs = sessions["Tablette à Woippy"], sessions["Smartphone à Metz"]
    async with browser(network, "mediatheque@woippy.example") as woippy:
        listing = await woippy.get("/sessions")
        assert "Tablette à Woippy" in listing.text
        assert "Smartphone à Metz" not in listing.text
        assert "Ordinateur à Thionville" not in listing.text
        for path in ("", "/edit", "/move", "/cancel", "/bookings.csv", "/poster"):
            assert (await woippy.get(f"/sessions/{theirs}{path}")).status_code == 404, path
        token = await woippy.token("/sessions")
        for path, data in (
            ("/cancel", {}),
            ("/move", {"date": "2027-02-01", "time": "10:00"}),
            ("/walk-in", {"first_name": "Josiane"}),
            ("/message", {"text": "La salle change."}),
            ("/remind", {}),
        ):
            response = await woippy.client.post(
                woippy.url(f"/sessions/{theirs}{path}"), data={"csrf_token": token, **data}
            )
            assert response.status_code == 404, path
        async with network.db.transaction() as session:
            other = await session.get_one(WorkshopSession, theirs)
            assert other.status == SessionStatus.SCHEDULED
            assert other.seats_taken == 0
            assert other.starts_at == NOW + timedelta(days=2, hours=4)
        assert await network.count(OrganiserAction) == 0
        everything = await woippy.get("/bookings.csv")
        assert "Smartphone à Metz" not in everything.text
        assert (await woippy.get("/outbox")).status_code == 404
        assert (await woippy.get("/not-understood")).status_code == 404
        # Their own session they change, and the record says who did.
        cancelled = await woippy.post(f"/sessions/{mine}/cancel")
        assert cancelled.status_code == 303
        created = await woippy.post(
            "/sessions/new",
            {
                "title": "Les courriels",
                "audience": "tous",
                "date": "2027-01-20",
                "time": "14:00",
                "duration_minutes": "90",
                "capacity": "8",
                "venue": "Médiathèque",
                "address": "1 rue de la Gare, 57140 Woippy",
            },
        )
        assert created.status_code == 303
    async with network.db.transaction() as session:
        cancelled_row = await session.get_one(WorkshopSession, mine)
        assert cancelled_row.status == SessionStatus.CANCELLED
        woippy_id = (
            await session.execute(
                select(Organiser.organisation_id).where(
                    Organiser.email == "mediatheque@woippy.example"
                )
            )
        ).scalar_one()
        new = (
            await session.execute(
                select(WorkshopSession).where(WorkshopSession.title == "Les courriels")
            )
        ).scalar_one()
        assert new.organisation_id == woippy_id
        actions = (
            await session.execute(select(OrganiserAction).order_by(OrganiserAction.id))
        ).scalars()
        assert [(a.actor, a.action, a.session_id) for a in actions] == [
            ("mediatheque@woippy.example", "cancel", mine),
            ("mediatheque@woippy.example", "create", new.id),
        ]


async def test_a_network_organiser_sees_every_organisation_and_its_figures(
    network: Dashboard, clock: FixedClock
) -> None:
    sessions = await ids(network)
    async with browser(network, NETWORK) as everyone:
        listing = await everyone.get("/sessions")
        for title in sessions:
            assert title in listing.text
        assert "Centre social de Thionville" in listing.text  # whose each session is
        assert (await everyone.get(f"/sessions/{sessions['Smartphone à Metz']}")).status_code == 200
        assert (await everyone.get("/outbox")).status_code == 200
        clock.advance(timedelta(days=3))  # the sessions are held: they count in the figures
        figures = await everyone.get("/figures")
        assert "Par organisation" in figures.text
        for name in PARTNERS.values():
            assert f'<th scope="row">{name}</th>' in figures.text.replace("&#39;", "'")
    async with browser(network, "centre@thionville.example") as thionville:
        own = await thionville.get("/figures")
        assert "Par organisation" not in own.text


async def test_an_import_naming_an_unknown_organisation_is_refused_with_its_line(
    network: Dashboard,
) -> None:
    header = "titre;public;date;heure;durée;places;lieu;adresse;structure\n"
    known = "Les bases;seniors;01/02/2027;14h00;90;8;Médiathèque;1 rue de la Gare, 57140 Woippy"
    content = (
        header
        + f"{known};Médiathèque de Woippy\n"
        + "Autre;tous;02/02/2027;10h00;60;8;Salle;2 rue Haute, 57000 Metz;Mairie de Nulle Part\n"
    ).encode()
    before = await network.count(WorkshopSession)
    async with browser(network, NETWORK) as everyone:
        token = await everyone.token("/import")
        refused = await everyone.client.post(
            everyone.url("/import"),
            data={"csrf_token": token},
            files={"schedule": ("planning.csv", content, "text/csv")},
        )
        assert refused.status_code == 400
        assert "Ligne 3" in refused.text
        assert "Mairie de Nulle Part" in refused.text
        assert "Ligne 2" not in refused.text
    assert await network.count(WorkshopSession) == before
    # An organiser imports for their own organisation only.
    async with browser(network, "boutique@atelier.example") as metz:
        token = await metz.token("/import")
        other = await metz.client.post(
            metz.url("/import"),
            data={"csrf_token": token},
            files={
                "schedule": (
                    "planning.csv",
                    (header + known + ";Médiathèque de Woippy\n").encode(),
                    "text/csv",
                )
            },
        )
        assert other.status_code == 400
        assert "autre organisation" in other.text
        plain = header.replace(";structure", "") + known  # no organisation column: theirs
        token = await metz.token("/import")
        done = await metz.client.post(
            metz.url("/import"),
            data={"csrf_token": token},
            files={"schedule": ("planning.csv", (plain + "\n").encode(), "text/csv")},
        )
        assert done.status_code == 303
    async with network.db.transaction() as session:
        imported = (
            await session.execute(
                select(WorkshopSession).where(WorkshopSession.title == "Les bases")
            )
        ).scalar_one()
        metz_id = (
            await session.execute(
                select(Organisation.id).where(Organisation.name == "Boutique Orange Metz")
            )
        ).scalar_one()
        assert imported.organisation_id == metz_id
        action = (
            await session.execute(select(OrganiserAction).where(OrganiserAction.action == "import"))
        ).scalar_one()
        assert action.actor == "boutique@atelier.example"


def atelier(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


async def test_organisers_are_added_listed_and_removed_from_the_command_line(
    database_url: str, clock: FixedClock
) -> None:
    added = atelier(
        database_url,
        "organisers", "add", "Benevole@Woippy.example",
        "--organisation", "Médiathèque de Woippy", "--telegram-id", "4242",
        stdin="un mot de passe solide\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "benevole@woippy.example added" in added.stdout
    network = atelier(
        database_url,
        "organisers", "add", "reseau@atelier.example",
        "--organisation", "Boutique Orange Metz", "--network",
        stdin="un autre mot de passe\n",
    )  # fmt: skip
    assert network.returncode == 0, network.stderr
    short = atelier(
        database_url,
        "organisers", "add", "x@y.example", "--organisation", "Boutique Orange Metz",
        stdin="court\n",
    )  # fmt: skip
    assert short.returncode == 1
    twice = atelier(
        database_url,
        "organisers", "add", "benevole@woippy.example", "--organisation", "Autre",
        stdin="un mot de passe solide\n",
    )  # fmt: skip
    assert twice.returncode == 1
    listed = atelier(database_url, "organisers", "list")
    assert listed.stdout.splitlines() == [
        "reseau@atelier.example\tBoutique Orange Metz\tnetwork",
        "benevole@woippy.example\tMédiathèque de Woippy\ttelegram 4242",
    ]
    assert "un mot de passe" not in listed.stdout
    # The password is kept hashed, and opens the dashboard.
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        async with dashboard.db.transaction() as session:
            stored = (
                await session.execute(
                    select(Organiser).where(Organiser.email == "benevole@woippy.example")
                )
            ).scalar_one()
            assert stored.password_hash.startswith("$argon2")
        token = await dashboard.token("/login")
        response = await dashboard.client.post(
            dashboard.url("/login"),
            data={
                "csrf_token": token,
                "email": "benevole@woippy.example",
                "password": "un mot de passe solide",
            },
        )
        assert response.status_code == 303
        assert (await dashboard.get("/sessions")).status_code == 200
        async with dashboard.db.transaction() as session:  # as `remove` does, below
            assert await remove_organiser(session, "Benevole@woippy.example")
        # Removing ends the login at once.
        assert (await dashboard.get("/sessions", follow_redirects=False)).status_code == 303
    removed = atelier(database_url, "organisers", "remove", "reseau@atelier.example")
    assert removed.returncode == 0, removed.stderr
    assert atelier(database_url, "organisers", "remove", "personne@nulle.part").returncode == 1
    listed_after = atelier(database_url, "organisers", "list").stdout
    assert listed_after.startswith("No organiser")


async def test_the_shared_password_opens_the_dashboard_while_no_organiser_exists(
    database_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        form = await dashboard.get("/login")
        assert 'name="email"' not in form.text
        assert (await dashboard.login()).status_code == 303
        session_id = await add_session(dashboard.db)
        assert (await dashboard.post(f"/sessions/{session_id}/cancel")).status_code == 303
        async with dashboard.db.transaction() as session:
            action = (await session.execute(select(OrganiserAction))).scalar_one()
            assert (action.actor, action.action, action.session_id) == (
                "shared-password",
                "cancel",
                session_id,
            )
            await add_organiser(session, NETWORK, PASSWORD_HASH, "Boutique Orange Metz", NOW)
        # The first organiser's login ends the shared one.
        assert (await dashboard.get("/sessions", follow_redirects=False)).status_code == 303
