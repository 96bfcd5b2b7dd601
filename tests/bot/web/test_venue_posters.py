"""A poster per venue, over real HTTP (SQLite, PostgreSQL): no date, so it stays on the
wall; its QR code opens the bot on that venue's town's sessions; each organiser sees the
posters of their own venues only."""

from __future__ import annotations

import io

import httpx
import zxingcpp
from PIL import Image
from sqlalchemy import select

from core.clock import FixedClock
from core.seats.organisations import add_organiser
from core.seats.venues import VenueFacts, venue_ids
from models import Organiser, WorkshopSession
from tests.support.dashboard import (
    BOT_USERNAME,
    PASSWORD,
    PASSWORD_HASH,
    Dashboard,
    dashboard_settings,
    running_dashboard,
)
from tests.support.factories import NOW, add_session

WOIPPY = VenueFacts(
    name="Médiathèque Jean-Morette",
    address="2 rue des Écoles, 57140 Woippy",
    access="Entrée par la cour, salle du premier étage.",
)
PHONE_LINE = {
    "sms_provider": "twilio",
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "twilio-token",
    "twilio_from_number": "+33756781234",
    "twilio_voice_number": "+33387000000",
    "public_base_url": "http://atelier.example",  # http: the test client keeps the cookie
}


async def held_at(
    dashboard: Dashboard, facts: VenueFacts, organisation_id: int | None = None
) -> int:
    """A session held at the venue of ``facts`` (the venue's id)."""
    session_id = await add_session(dashboard.db, title=f"Atelier à {facts.name}")
    async with dashboard.db.transaction() as session:
        venue_id = (await venue_ids(session, [facts]))[facts.key]
        workshop = await session.get_one(WorkshopSession, session_id)
        workshop.venue_id, workshop.organisation_id = venue_id, organisation_id
    return venue_id


async def test_a_venue_poster_opens_the_bot_on_that_venue(
    database_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(database_url, **PHONE_LINE)
    async with running_dashboard(settings, clock) as dashboard:
        await dashboard.login()
        venue_id = await held_at(dashboard, WOIPPY)
        link = f"https://t.me/{BOT_USERNAME}?start=v{venue_id}"
        listing = await dashboard.get("/venues")
        assert "Médiathèque Jean-Morette" in listing.text
        assert f"/venues/{venue_id}/poster" in listing.text
        page = await dashboard.get(f"/venues/{venue_id}/poster")
        assert page.status_code == 200
        for words in (WOIPPY.name, WOIPPY.address, WOIPPY.access, link):
            assert words in page.text
        assert "Ou par SMS : écrivez « Bonjour » au 07 56 78 12 34" in page.text
        assert "Ou appelez le 03 87 00 00 00" in page.text
        png = await dashboard.get(f"/venues/{venue_id}/poster.png")
        assert png.status_code == 200
        picture = Image.open(io.BytesIO(png.content))
        assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link]
        pdf = await dashboard.get(f"/venues/{venue_id}/poster.pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")
        assert pdf.content.count(b"/Subtype /Image") >= 1


async def test_the_session_page_leads_to_its_venue_poster(
    database_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        await dashboard.login()
        venue_id = await held_at(dashboard, WOIPPY)
        async with dashboard.db.transaction() as session:
            query = select(WorkshopSession.id).where(WorkshopSession.venue_id == venue_id)
            session_id = (await session.execute(query)).scalar_one()
        roster = await dashboard.get(f"/sessions/{session_id}")
        assert f"/venues/{venue_id}/poster" in roster.text


async def test_an_unknown_venue_is_404_and_a_stranger_is_sent_to_login(
    database_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        venue_id = await held_at(dashboard, WOIPPY)
        for path in ("/poster", "/poster.png", "/poster.pdf"):
            stranger = await dashboard.get(f"/venues/{venue_id}{path}")
            assert stranger.status_code == 303
            assert "/admin/login" in stranger.headers["location"]
        await dashboard.login()
        for path in ("/poster", "/poster.png", "/poster.pdf"):
            assert (await dashboard.get(f"/venues/{venue_id + 1}{path}")).status_code == 404
        assert (await dashboard.get("/venues/99999999999/poster")).status_code == 404


async def test_an_organiser_sees_the_posters_of_their_own_venues(
    database_url: str, clock: FixedClock
) -> None:
    thionville = VenueFacts(
        name="Centre social Le Lierre", address="5 rue Pasteur, 57100 Thionville"
    )
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        async with dashboard.db.transaction() as session:
            woippy: Organiser = await add_organiser(
                session, "mediatheque@woippy.example", PASSWORD_HASH, "Médiathèque de Woippy", NOW
            )
            other: Organiser = await add_organiser(
                session, "centre@thionville.example", PASSWORD_HASH, "Centre social", NOW
            )
            await add_organiser(
                session, "reseau@atelier.example", PASSWORD_HASH, "Réseau", NOW, network=True
            )
        mine = await held_at(dashboard, WOIPPY, woippy.organisation_id)
        theirs = await held_at(dashboard, thionville, other.organisation_id)
        async with httpx.AsyncClient(timeout=10) as client:
            organiser = Dashboard(dashboard.runtime, client)
            token = await organiser.token("/login")
            await client.post(
                organiser.url("/login"),
                data={
                    "csrf_token": token,
                    "email": "mediatheque@woippy.example",
                    "password": PASSWORD,
                },
            )
            listing = await organiser.get("/venues")
            assert WOIPPY.name in listing.text
            assert thionville.name not in listing.text
            assert (await organiser.get(f"/venues/{mine}/poster")).status_code == 200
            for path in ("/poster", "/poster.png", "/poster.pdf"):
                assert (await organiser.get(f"/venues/{theirs}{path}")).status_code == 404
        async with httpx.AsyncClient(timeout=10) as client:
            network = Dashboard(dashboard.runtime, client)
            token = await network.token("/login")
            await client.post(
                network.url("/login"),
                data={"csrf_token": token, "email": "reseau@atelier.example", "password": PASSWORD},
            )
            listing = await network.get("/venues")
            assert WOIPPY.name in listing.text
            assert thionville.name in listing.text
            assert (await network.get(f"/venues/{theirs}/poster")).status_code == 200
