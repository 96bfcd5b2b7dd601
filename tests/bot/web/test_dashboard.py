"""The organisers' web dashboard, over real HTTP against the running bot (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import httpx
import pytest
import zxingcpp
from argon2 import PasswordHasher
from itsdangerous import TimestampSigner
from PIL import Image
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from bot.cli import main
from bot.runtime import Runtime
from bot.web import poster
from bot.web.passwords import verify_password
from bot.web.poster import PosterText
from core.clock import FixedClock
from core.seats.booking import accept_offer, book_seat, cancel_booking, join_waiting_list
from core.seats.organiser import register_walk_in
from core.seats.reminders import ReminderRule
from core.seats.roster import ROSTER_COLUMNS
from models import Booking, OutboxMessage, Person, SessionStatus, WorkshopSession
from tests.support.bot_api import FakeBotApi
from tests.support.dashboard import (
    BOT_USERNAME,
    PASSWORD,
    PASSWORD_HASH,
    SECRET_KEY,
    Dashboard,
    dashboard_context,
    dashboard_settings,
    from_address,
    running_dashboard,
    stepped_throttle,
)
from tests.support.factories import DATA, NOW, add_session, make_settings

FORM = {
    "title": "Faire ses démarches en ligne",
    "description": "Impôts, CAF, Ameli : créer son compte et s'y retrouver.",
    "audience": "tous",
    "date": "2027-01-20",
    "time": "14:00",
    "duration_minutes": "90",
    "capacity": "12",
    "venue": "Boutique Orange Metz",
    "address": "Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz",
    "bring": "Votre téléphone chargé",
}
NO_RATE = "\u2013"  # the dash shown when no attendance was marked
BAD_CSV = (
    "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
    "Les bases,Allumer et appeler,seniors,2027-02-01T14:00,120,8,Boutique,Metz\n"
    "Sans date,Texte,seniors,demain,120,8,Boutique,Metz\n"
    "Bon atelier,Texte,jeunes,2027-02-03T10:00,60,10,Boutique,Metz\n"
    "Trop grand,Texte,tous,2027-02-04T10:00,60,plein,Boutique,Metz\n"
)


@pytest.fixture
async def dashboard(database_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    """The bot running with the dashboard only (no Telegram, no SMS), not logged in."""
    async with running_dashboard(dashboard_settings(database_url), clock) as client:
        yield client


@pytest.fixture
async def organiser(dashboard: Dashboard) -> Dashboard:
    """The same, logged in."""
    response = await dashboard.login()
    assert response.status_code == 303, response.text
    return dashboard


async def walk_in(dashboard: Dashboard, session_id: int, name: str, phone: str = "") -> int:
    """Book a seat straight in the database (for set-ups); return the booking id."""
    async with dashboard.db.transaction() as session:
        rule = ReminderRule.of(make_settings(dashboard.db.url))
        booking = await register_walk_in(session, session_id, name, phone, NOW, rule=rule)
        return booking.id


async def statuses(dashboard: Dashboard) -> dict[int, str]:
    """Every booking's status."""
    async with dashboard.db.transaction() as session:
        rows = await session.execute(select(Booking.id, Booking.status))
        return {booking_id: status for booking_id, status in rows}


async def workshop(dashboard: Dashboard, session_id: int) -> WorkshopSession:
    """A session as stored."""
    async with dashboard.db.transaction() as session:
        found = await session.get(WorkshopSession, session_id)
        assert found is not None
        return found


async def outbox_kinds(dashboard: Dashboard) -> list[str]:
    """The kinds of the queued (or already handled) messages, in order."""
    async with dashboard.db.transaction() as session:
        rows = await session.execute(select(OutboxMessage.kind).order_by(OutboxMessage.id))
        return list(rows.scalars())


def flat(html: str) -> str:
    """Page text with tags removed and spaces (including non-breaking ones) squeezed."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return " ".join(text.replace("\u00a0", " ").split())


def table_row(html: str, label: str) -> list[str]:
    """The cells of the table row headed ``label``."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert found is not None, f"no row {label!r}"
    return [flat(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def booking_id_in(html: str, name: str) -> int:
    """The booking id of the roster row of ``name``."""
    found = re.search(rf'id="booking-(\d+)">\s*<th scope="row">{re.escape(name)}<', html)
    assert found is not None, f"no booking row for {name!r}"
    return int(found.group(1))


async def everything(dashboard: Dashboard) -> tuple[object, ...]:
    """A snapshot of what an organiser's action could change."""
    async with dashboard.db.transaction() as session:
        sessions = (await session.execute(select(WorkshopSession))).scalars()
        workshops = sorted(
            (w.id, w.title, w.capacity, w.status, w.starts_at, w.seats_taken) for w in sessions
        )
    return (tuple(workshops), await statuses(dashboard), tuple(await outbox_kinds(dashboard)))


def every_post(session_id: int, booking_id: int) -> list[tuple[str, dict[str, str]]]:
    """One of each kind of POST the dashboard takes, with valid data."""
    return [
        ("/sessions/new", FORM),
        (f"/sessions/{session_id}/edit", FORM | {"title": "Changé"}),
        (f"/sessions/{session_id}/move", {"date": "2027-01-09", "time": "10:00"}),
        (f"/sessions/{session_id}/cancel", {}),
        (
            f"/sessions/{session_id}/attendance",
            {"booking_id": str(booking_id), "presence": "present"},
        ),
        (f"/sessions/{session_id}/walk-in", {"first_name": "Intrus", "phone": ""}),
        (f"/sessions/{session_id}/message", {"text": "Message pirate"}),
        (f"/sessions/{session_id}/bookings/{booking_id}/cancel", {}),
    ]


# --- who may do what -------------------------------------------------------------------


async def test_pages_send_strangers_to_the_login_page(dashboard: Dashboard) -> None:
    session_id = await add_session(dashboard.db)
    booking_id = await walk_in(dashboard, session_id, "Marie")
    assert dashboard.runtime.http is not None  # the dashboard alone starts the HTTP server
    for path in (
        "/",
        "/sessions",
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/bookings/{booking_id}/cancel",
        f"/sessions/{session_id}/bookings.csv",
        f"/sessions/{session_id}/poster.png",
        "/bookings.csv",
        "/figures",
        "/import",
    ):
        response = await dashboard.get(path)
        assert response.status_code == 303, path
        location = response.headers["location"]
        assert location.startswith("/admin/login") or location == "/admin/sessions", path
        assert "Marie" not in response.text
    login = await dashboard.get("/login")
    assert login.status_code == 200
    assert 'type="password"' in login.text


async def test_posts_without_a_login_change_nothing(dashboard: Dashboard) -> None:
    session_id = await add_session(dashboard.db)
    booking_id = await walk_in(dashboard, session_id, "Marie")
    before = await everything(dashboard)
    token = await dashboard.token("/login")  # a visitor's own token does not make a login
    for path, data in every_post(session_id, booking_id):
        response = await dashboard.post(path, data, token=token)
        assert response.status_code == 403, path
    upload = await dashboard.client.post(
        dashboard.url("/import"),
        data={"csrf_token": token},
        files={"schedule": ("planning.csv", (DATA / "metz-workshops.csv").read_bytes())},
    )
    assert upload.status_code == 403
    assert await everything(dashboard) == before


@pytest.mark.parametrize("token", [None, "", "forged-token", "other"])
async def test_a_missing_or_forged_csrf_token_changes_nothing(
    organiser: Dashboard, token: str | None
) -> None:
    session_id = await add_session(organiser.db)
    booking_id = await walk_in(organiser, session_id, "Marie")
    if token == "other":  # a real token, from another organiser's session
        async with httpx.AsyncClient() as other_client:
            other = Dashboard(organiser.runtime, other_client)
            await other.login()
            token = await other.token("/sessions")
        assert token != await organiser.token("/sessions")
    before = await everything(organiser)
    for path, data in every_post(session_id, booking_id):
        response = await organiser.post(path, data, token=token)
        assert response.status_code == 403, path
        assert "Action refusée" in response.text
    upload = await organiser.client.post(
        organiser.url("/import"),
        data={} if token is None else {"csrf_token": token},
        files={"schedule": ("planning.csv", (DATA / "metz-workshops.csv").read_bytes())},
    )
    assert upload.status_code == 403
    assert await everything(organiser) == before
    logout = await organiser.post("/logout", token=token)
    assert logout.status_code == 403
    assert (await organiser.get("/sessions")).status_code == 200  # still logged in


async def test_the_session_cookie_is_signed_http_only_lax_and_expires(
    dashboard: Dashboard,
) -> None:
    response = await dashboard.login()
    assert response.headers["location"] == "/admin/"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("atelier_admin=")
    for flag in ("httponly", "samesite=lax", "path=/admin", f"max-age={8 * 3600}"):
        assert flag in cookie
    page = await dashboard.get("/sessions")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    value = dashboard.client.cookies["atelier_admin"]
    for cookie_value, status in ((value[:-3] + "abc", 303), (value, 200)):
        async with httpx.AsyncClient(cookies={"atelier_admin": cookie_value}) as client:
            response = await client.get(dashboard.url("/sessions"))
            assert response.status_code == status  # only the signed cookie is a login
    logout = await dashboard.post("/logout")
    assert logout.status_code == 303
    assert "atelier_admin" not in dashboard.client.cookies
    assert (await dashboard.get("/sessions")).status_code == 303


async def test_the_login_expires(sqlite_url: str, clock: FixedClock) -> None:
    settings = dashboard_settings(sqlite_url, dashboard_session_hours=1 / 3600)
    async with running_dashboard(settings, clock) as dashboard:
        response = await dashboard.login()
        assert "max-age=1;" in response.headers["set-cookie"].lower()
        value = dashboard.client.cookies["atelier_admin"]
        # The cookie's age is real time: the same login, as signed two seconds earlier.
        signer = TimestampSigner(SECRET_KEY)
        payload, signed_at = signer.unsign(value, return_timestamp=True)
        at = int(signed_at.timestamp())
        assert SignedAt(SECRET_KEY, at).sign(payload).decode() == value  # the same cookie
        earlier = SignedAt(SECRET_KEY, at - 2).sign(payload).decode()
        async with httpx.AsyncClient(cookies={"atelier_admin": earlier}) as client:
            assert (await client.get(dashboard.url("/sessions"))).status_code == 303


class SignedAt(TimestampSigner):
    """Signs as the session cookie is signed, at a chosen time."""

    def __init__(self, secret_key: str, at: int) -> None:
        super().__init__(secret_key)
        self.at = at

    def get_timestamp(self) -> int:
        return self.at


async def test_a_new_password_logs_everyone_out(dashboard: Dashboard) -> None:
    await dashboard.login()
    assert (await dashboard.get("/sessions")).status_code == 200
    context = dashboard_context(dashboard.runtime)
    new_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("nouveau secret")
    context.settings = context.settings.model_copy(
        update={"dashboard_password_hash": SecretStr(new_hash)}
    )
    assert (await dashboard.get("/sessions")).status_code == 303
    assert (await dashboard.login()).status_code == 401
    assert (await dashboard.login("nouveau secret")).status_code == 303


async def test_wrong_passwords_are_counted_then_refused_politely(dashboard: Dashboard) -> None:
    throttle = stepped_throttle(dashboard.runtime)
    for attempt in range(5):
        response = await dashboard.login("pas le bon")
        assert response.status_code == 401, attempt
        assert "Mot de passe incorrect" in response.text
    refused = await dashboard.login(PASSWORD)  # even the right one, for a moment
    assert refused.status_code == 429
    assert "Trop d'essais" in flat(refused.text)
    assert "réessayez dans 1 seconde" in flat(refused.text)
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-security-policy"]
    assert (await dashboard.get("/sessions")).status_code == 303
    elsewhere = from_address(dashboard.runtime, "127.0.0.2")
    async with elsewhere.client:
        assert (await elsewhere.login()).status_code == 303  # another address is not held back
    no_token = await dashboard.client.post(dashboard.url("/login"), data={"password": PASSWORD})
    assert no_token.status_code == 403
    with_a_file = await dashboard.client.post(
        dashboard.url("/login"),
        data={"csrf_token": await dashboard.token(), "password": PASSWORD},
        files={"junk": ("junk.bin", b"x" * 1000)},
    )
    assert with_a_file.status_code == 400  # the login form takes no file
    throttle.advance(1)
    assert (await dashboard.login()).status_code == 303  # the wait was all


# --- sessions --------------------------------------------------------------------------


async def test_create_then_edit_a_session(organiser: Dashboard) -> None:
    created = await organiser.post("/sessions/new", FORM)
    assert created.status_code == 303
    session_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = await workshop(organiser, session_id)
    assert (stored.title, stored.capacity, stored.duration_minutes) == (FORM["title"], 12, 90)
    assert stored.starts_at == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)  # 14 h in Paris
    assert (stored.audience, stored.bring) == ("tous", "Votre téléphone chargé")
    page = await organiser.get(f"/sessions/{session_id}")
    assert "La séance « Faire ses démarches en ligne » est créée." in page.text
    assert "mercredi 20 janvier à 14 h" in page.text
    listing = flat((await organiser.get("/sessions")).text)
    assert "Faire ses démarches en ligne" in listing
    assert "0 / 12" in listing

    await walk_in(organiser, session_id, "Marie")
    await walk_in(organiser, session_id, "Karim")
    edited = await organiser.post(
        f"/sessions/{session_id}/edit", FORM | {"title": "Démarches en ligne", "capacity": "6"}
    )
    assert edited.status_code == 303
    stored = await workshop(organiser, session_id)
    assert (stored.title, stored.capacity, stored.starts_at) == (
        "Démarches en ligne",
        6,
        datetime(2027, 1, 20, 13, 0, tzinfo=UTC),
    )
    too_small = await organiser.post(f"/sessions/{session_id}/edit", FORM | {"capacity": "1"})
    assert too_small.status_code == 400
    assert "la capacité ne peut pas être plus petite" in too_small.text
    assert (await workshop(organiser, session_id)).capacity == 6


async def test_a_bad_session_form_comes_back_with_its_errors(organiser: Dashboard) -> None:
    response = await organiser.post(
        "/sessions/new",
        FORM | {"title": "", "capacity": "0", "duration_minutes": "deux", "date": "20/01"},
    )
    assert response.status_code == 400
    text = response.text
    assert "Ce champ est obligatoire." in text
    assert "Ce nombre est hors des limites indiquées." in text
    assert "Écrivez un nombre entier, en chiffres." in text
    assert "Indiquez une date et une heure valides." in text
    assert 'value="Boutique Orange Metz"' in text  # what was typed is kept
    assert await organiser.count(WorkshopSession) == 0


async def test_move_then_cancel_a_session_tells_everyone(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    await walk_in(organiser, session_id, "Karim", "06 12 34 56 78")
    form = await organiser.get(f"/sessions/{session_id}/move")
    assert "1 personne(s)" in form.text
    moved = await organiser.post(
        f"/sessions/{session_id}/move", {"date": "2027-01-07", "time": "15:30"}
    )
    assert moved.status_code == 303
    assert (await workshop(organiser, session_id)).starts_at == datetime(
        2027, 1, 7, 14, 30, tzinfo=UTC
    )
    assert "session_moved" in await outbox_kinds(organiser)
    page = await organiser.get(f"/sessions/{session_id}")
    assert "1 personne(s) vont être prévenues" in page.text
    unreadable = await organiser.post(f"/sessions/{session_id}/move", {"date": "", "time": "9"})
    assert unreadable.status_code == 400
    assert "Indiquez une date et une heure valides." in unreadable.text
    past = await organiser.post(
        f"/sessions/{session_id}/move", {"date": "2026-12-01", "time": "10:00"}
    )
    assert past.status_code == 303
    assert (
        "déjà commencé (ou la nouvelle date est passée)"
        in (await organiser.get(f"/sessions/{session_id}")).text
    )

    confirm = await organiser.get(f"/sessions/{session_id}/cancel")
    assert "Oui, annuler la séance" in confirm.text
    cancelled = await organiser.post(f"/sessions/{session_id}/cancel")
    assert cancelled.status_code == 303
    assert (await workshop(organiser, session_id)).status == SessionStatus.CANCELLED
    assert set((await statuses(organiser)).values()) == {"cancelled"}
    assert "session_cancelled" in await outbox_kinds(organiser)
    again = await organiser.post(f"/sessions/{session_id}/cancel")
    assert again.status_code == 303
    assert "Cette séance est annulée." in (await organiser.get(f"/sessions/{session_id}")).text
    missing = await organiser.get("/sessions/9999")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.text


# --- schedule import -------------------------------------------------------------------


async def upload(organiser: Dashboard, name: str, content: bytes) -> httpx.Response:
    """Send a schedule file through the import form."""
    token = await organiser.token("/import")
    return await organiser.client.post(
        organiser.url("/import"),
        data={"csrf_token": token},
        files={"schedule": (name, content, "text/csv")},
    )


async def test_a_bad_schedule_lists_its_lines_and_imports_nothing(organiser: Dashboard) -> None:
    response = await upload(organiser, "planning.csv", BAD_CSV.encode())
    assert response.status_code == 400
    text = flat(response.text)
    assert "Rien n'a été importé : 2 problème(s)" in text
    assert "Ligne 3 : Le début « demain » dans « starts_at » est illisible." in text
    assert "Ligne 5 : La case « capacity » doit être un nombre entier, pas « plein »." in text
    assert "Ligne 2" not in text
    assert "Ligne 4" not in text
    assert await organiser.count(WorkshopSession) == 0
    latin = await upload(organiser, "planning.csv", "titre;public\nÉté;tous\n".encode("cp1252"))
    assert latin.status_code == 400
    missing = "Il manque des colonnes : date, heure (time), durée (duration_minutes)"
    assert missing in flat(latin.text)


async def test_a_good_schedule_is_imported_once(organiser: Dashboard) -> None:
    content = (DATA / "metz-workshops.csv").read_bytes()
    rows = len(content.decode().strip().splitlines()) - 1
    response = await upload(organiser, "metz-workshops.csv", content)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sessions"
    listing = await organiser.get("/sessions")
    assert f"Import terminé : {rows} séance(s) créée(s), 0 modifiée(s)" in listing.text
    assert "Prendre en main son smartphone" in listing.text
    assert await organiser.count(WorkshopSession) == rows
    await upload(organiser, "metz-workshops.csv", content)
    again = await organiser.get("/sessions")
    assert f"0 séance(s) créée(s), 0 modifiée(s), {rows} inchangée(s)" in again.text
    assert await organiser.count(WorkshopSession) == rows


BOOKED_CSV = (
    "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
    "Les bases,Allumer et appeler,seniors,2027-02-01T14:00,{minutes},{seats},Boutique,{address}\n"
    "Sans inscrit,Texte,jeunes,2027-02-03T10:00,60,10,Boutique,{address}\n"
)


def booked_csv(minutes: int = 120, seats: int = 8, address: str = "1 rue Haute Metz") -> bytes:
    return BOOKED_CSV.format(minutes=minutes, seats=seats, address=address).encode()


async def test_a_new_schedule_cannot_change_a_session_under_the_people_on_it(
    organiser: Dashboard,
) -> None:
    assert (await upload(organiser, "planning.csv", booked_csv())).status_code == 303
    async with organiser.db.transaction() as session:
        query = select(WorkshopSession.id).where(WorkshopSession.title == "Les bases")
        booked_id = (await session.execute(query)).scalar_one()
    for name in ("Marie", "Karim", "Léa"):
        await walk_in(organiser, booked_id, name)
    queued = await outbox_kinds(organiser)
    # Another address, another length: refused line by line, nothing changes.
    for changed in (booked_csv(address="9 place Saint-Louis Metz"), booked_csv(minutes=90)):
        response = await upload(organiser, "planning.csv", changed)
        assert response.status_code == 400
        text = flat(response.text)
        assert "Ligne 2 : Cette séance a déjà 3 inscrit(s)." in text
        assert "Un import ne change pas son adresse ni sa durée." in text
        assert "Ligne 3" not in text
    stored = await workshop(organiser, booked_id)
    assert (stored.address, stored.duration_minutes) == ("1 rue Haute Metz", 120)
    assert await outbox_kinds(organiser) == queued
    # Fewer seats than people hold: the import goes through, and says what it kept.
    response = await upload(organiser, "planning.csv", booked_csv(seats=2))
    assert response.status_code == 303
    listing = flat((await organiser.get("/sessions")).text)
    assert "Ligne 2 : « Les bases » garde 8 places, pas 2. 3 places sont déjà prises." in listing
    assert (await workshop(organiser, booked_id)).capacity == 8
    # A session nobody is on still takes the new values.
    freed = booked_csv(seats=3, address="9 place Saint-Louis Metz").replace(b"Les bases", b"Autre")
    assert (await upload(organiser, "planning.csv", freed)).status_code == 303


def test_atelier_import_lists_the_capacities_it_kept(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    path = tmp_path / "planning.csv"
    path.write_bytes(booked_csv())
    command = [sys.executable, "-m", "bot", "import", str(path)]
    assert subprocess.run(command, env=env, capture_output=True, timeout=120).returncode == 0
    connection = sqlite3.connect(tmp_path / "cli.db")
    with connection:
        connection.execute("UPDATE sessions SET seats_taken = 5 WHERE title = 'Les bases'")
    connection.close()
    path.write_bytes(booked_csv(seats=4))
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "0 created, 0 updated, 2 unchanged.",
        "  Ligne 2 : « Les bases » garde 8 places, pas 4. 5 places sont déjà prises.",
    ]


# --- roster ----------------------------------------------------------------------------


async def test_walk_ins_attendance_and_a_message(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    other_id = await add_session(organiser.db, title="Autre atelier")
    outsider = await walk_in(organiser, other_id, "Léa")
    roster = f"/sessions/{session_id}"
    for name, phone in (("Marie", ""), ("Karim", "06 12 34 56 78")):
        response = await organiser.post(f"{roster}/walk-in", {"first_name": name, "phone": phone})
        assert response.status_code == 303
    bad = await organiser.post(f"{roster}/walk-in", {"first_name": "Paul", "phone": "12"})
    assert bad.status_code == 303
    assert "Ce numéro de téléphone n'est pas valide." in flat((await organiser.get(roster)).text)
    premium = await organiser.post(
        f"{roster}/walk-in", {"first_name": "Paul", "phone": "08 99 12 34 56"}
    )
    assert premium.status_code == 303  # a premium-rate number: no texts go there
    assert "Ce numéro ne peut pas recevoir nos SMS." in flat((await organiser.get(roster)).text)
    nameless = await organiser.post(f"{roster}/walk-in", {"first_name": "  ", "phone": ""})
    assert nameless.status_code == 303
    page = await organiser.get(roster)
    assert "Indiquez le prénom de la personne." in page.text
    assert (await workshop(organiser, session_id)).seats_taken == 2
    rows = {
        table_row(page.text, name)[0]: table_row(page.text, name) for name in ("Marie", "Karim")
    }
    assert rows["Sur place"][1] == "Inscrit"
    assert rows["SMS"][1] == "Inscrit"

    message = await organiser.post(f"{roster}/message", {"text": "Rendez-vous au 1er étage."})
    assert message.status_code == 303
    assert "Message en cours d'envoi à 2 personne(s)." in flat((await organiser.get(roster)).text)
    assert (await outbox_kinds(organiser)).count("broadcast") == 2
    await organiser.post(f"{roster}/message", {"text": "   "})
    assert "Le message doit faire entre 1 et 500 caractères." in (await organiser.get(roster)).text
    assert (await outbox_kinds(organiser)).count("broadcast") == 2

    bookings = {name: booking_id_in(page.text, name) for name in ("Marie", "Karim")}
    for name, presence in (("Marie", "present"), ("Karim", "absent"), ("Karim", "present")):
        response = await organiser.post(
            f"{roster}/attendance", {"booking_id": str(bookings[name]), "presence": presence}
        )
        assert response.status_code == 303
    foreign = await organiser.post(
        f"{roster}/attendance", {"booking_id": str(outsider), "presence": "absent"}
    )
    assert foreign.status_code == 303
    page = await organiser.get(roster)
    assert "Cette inscription n'existe pas pour cette séance." in flat(page.text)
    stored = await statuses(organiser)
    assert (stored[bookings["Marie"]], stored[bookings["Karim"]], stored[outsider]) == (
        "attended",
        "attended",
        "booked",
    )
    assert table_row(page.text, "Marie")[1] == "Présent"


async def test_cancel_one_seat_passes_it_on_and_tells_the_person_once(
    organiser: Dashboard, clock: FixedClock
) -> None:
    session_id = await add_session(organiser.db, capacity=1)
    other_id = await add_session(organiser.db, title="Autre atelier")
    outsider = await walk_in(organiser, other_id, "Léa")
    marie = await walk_in(organiser, session_id, "Marie", "06 12 34 56 78")
    rule = ReminderRule.of(make_settings(organiser.db.url))
    async with organiser.db.transaction() as session:
        for number, name in (("+33698765432", "Ali"), ("+33698765433", "Zoé")):
            person = Person(
                channel="sms",
                external_id=number,
                name=name,
                language="fr",
                unreachable=False,
                created_at=NOW,
                last_seen_at=NOW,
            )
            session.add(person)
            await session.flush()
            await join_waiting_list(session, person, session_id, NOW, rule)
    roster = f"/sessions/{session_id}"
    seat = f"{roster}/bookings/{marie}/cancel"
    page = await organiser.get(roster)
    assert f'href="/admin{seat}"' in page.text
    assert page.text.count("Annuler sa place") == 1  # booked people only, not the line
    assert 'aria-label="Annuler la place de Marie"' in page.text

    confirm = await organiser.get(seat)
    assert confirm.status_code == 200
    assert confirm.headers["cache-control"] == "no-store"
    assert confirm.headers["x-frame-options"] == "DENY"
    text = flat(confirm.text)
    assert "Annuler la place de Marie ?" in text
    assert "La personne recevra un message." in text
    assert "La place ira à la première personne de la liste d'attente." in text
    assert "Oui, annuler sa place" in text
    before = await everything(organiser)
    foreign = await organiser.post(f"{roster}/bookings/{outsider}/cancel")
    assert foreign.status_code == 404
    assert await everything(organiser) == before  # a booking of another session: nothing

    done = await organiser.post(seat)
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin{roster}#booking-{marie}"
    assert "La place de Marie est annulée." in flat((await organiser.get(roster)).text)
    async with organiser.db.transaction() as session:
        rows = await session.execute(
            select(Person.name, Booking.status, Booking.offer_expires_at)
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.session_id == session_id)
        )
        line = {name: (status, held is not None) for name, status, held in rows}
    assert line == {
        "Marie": ("cancelled", False),
        "Ali": ("waiting", True),  # the first in line is offered the seat
        "Zoé": ("waiting", False),
    }
    assert (await workshop(organiser, session_id)).seats_taken == 1  # held for Ali
    kinds = await outbox_kinds(organiser)
    assert (kinds.count("seat_cancelled"), kinds.count("waitlist_offer")) == (1, 1)

    again = await organiser.post(seat)  # a second press: refused, nothing more queued
    assert again.status_code == 303
    assert "Cette inscription est déjà annulée." in flat((await organiser.get(roster)).text)
    assert await outbox_kinds(organiser) == kinds
    stale = await organiser.get(seat)
    assert stale.status_code == 303
    assert (await statuses(organiser))[outsider] == "booked"


async def test_a_walk_in_without_a_number_is_not_told_and_a_started_session_refuses(
    organiser: Dashboard, clock: FixedClock
) -> None:
    session_id = await add_session(organiser.db)
    booking_id = await walk_in(organiser, session_id, "Josiane")
    seat = f"/sessions/{session_id}/bookings/{booking_id}/cancel"
    text = flat((await organiser.get(seat)).text)
    assert "Cette personne n'a pas laissé de numéro : elle ne recevra pas de message." in text
    assert "La place sera de nouveau libre." in text
    clock.set(clock.now() + timedelta(days=3))  # the session has started
    assert "Annuler sa place" not in (await organiser.get(f"/sessions/{session_id}")).text
    refused = await organiser.post(seat)
    assert refused.status_code == 303
    assert (await statuses(organiser))[booking_id] == "booked"
    assert "seat_cancelled" not in await outbox_kinds(organiser)


async def test_csv_exports(organiser: Dashboard) -> None:
    first = await add_session(organiser.db)
    second = await add_session(organiser.db, title="Protéger ses données", audience="tous")
    marie = await walk_in(organiser, first, "Marie")
    await walk_in(organiser, first, "Karim", "+33612345678")
    await walk_in(organiser, second, "Léa")
    await organiser.post(
        f"/sessions/{first}/attendance", {"booking_id": str(marie), "presence": "present"}
    )
    export = await organiser.get(f"/sessions/{first}/bookings.csv")
    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    assert export.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in export.content
    text = export.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    assert reader.fieldnames == ROSTER_COLUMNS
    rows = list(reader)
    assert [(r["name"], r["channel"], r["status"]) for r in rows] == [
        ("Marie", "walkin", "attended"),
        ("Karim", "sms", "booked"),
    ]
    everything_csv = await organiser.get("/bookings.csv")
    text = everything_csv.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    assert reader.fieldnames is not None
    assert reader.fieldnames[:4] == [
        "session_id",
        "session_title",
        "session_starts_at",
        "session_status",
    ]
    assert reader.fieldnames[4:] == ROSTER_COLUMNS
    all_rows = [(r["session_title"], r["name"], r["status"]) for r in reader]
    assert all_rows == [
        ("Prendre en main son smartphone", "Marie", "attended"),
        ("Prendre en main son smartphone", "Karim", "booked"),
        ("Protéger ses données", "Léa", "booked"),
    ]


# --- figures ---------------------------------------------------------------------------


async def test_figures_by_month_and_audience(organiser: Dashboard, clock: FixedClock) -> None:
    january = await add_session(organiser.db, capacity=8, audience="seniors")
    february = await add_session(
        organiser.db,
        title="Les réseaux sociaux",
        capacity=5,
        audience="jeunes",
        starts_at=NOW + timedelta(days=31),
    )
    dropped = await add_session(organiser.db, title="Annulée", starts_at=NOW + timedelta(days=5))
    people = [await walk_in(organiser, january, name) for name in ("Marie", "Karim", "Léa")]
    await walk_in(organiser, february, "Yanis")
    await organiser.post(f"/sessions/{dropped}/cancel")
    clock.advance(timedelta(days=3))  # January's session is over
    for booking, presence in zip(people, ("present", "present", "absent"), strict=True):
        await organiser.post(
            f"/sessions/{january}/attendance", {"booking_id": str(booking), "presence": presence}
        )
    clock.advance(timedelta(days=60))
    page = await organiser.get("/figures")
    assert page.status_code == 200
    assert table_row(page.text, "janv. 2027")[:6] == ["1", "8", "3", "2", "1", "33 %"]
    assert table_row(page.text, "févr. 2027")[:6] == ["1", "5", "1", "0", "0", NO_RATE]
    assert table_row(page.text, "Seniors")[:6] == ["1", "8", "3", "2", "1", "33 %"]
    assert table_row(page.text, "Jeunes")[:6] == ["1", "5", "1", "0", "0", NO_RATE]
    svg = re.search(r"<svg.*?</svg>", page.text, re.S)
    assert svg is not None
    assert len(re.findall(r"<rect ", svg.group(0))) == 6  # 2 months x 3 series
    assert "janv. 2027 : Présents 2" in svg.group(0)
    past = flat((await organiser.get("/sessions")).text)
    assert "Séances passées" in past
    assert "Les réseaux sociaux 1 / 5 0 0 1" in past  # attended, no-show, still to mark
    assert "Prendre en main son smartphone" not in past  # over 8 weeks ago
    older = flat((await organiser.get("/sessions?past_weeks=26")).text)
    assert "Prendre en main son smartphone 3 / 8 2 1 0" in older


# --- posters ---------------------------------------------------------------------------


async def test_the_poster_as_png_and_pdf_holds_the_deep_link(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    link = f"https://t.me/{BOT_USERNAME}?start=s{session_id}"
    preview = await organiser.get(f"/sessions/{session_id}/poster")
    assert link in preview.text
    png = await organiser.get(f"/sessions/{session_id}/poster.png")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(png.content))
    assert picture.format == "PNG"
    assert picture.size == (1240, 1754)  # A4 at 150 dpi
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link]
    pdf = await organiser.get(f"/sessions/{session_id}/poster.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf.content  # one A4 page
    assert pdf.content.count(b"/Type /Page\n") + pdf.content.count(b"/Type /Page ") >= 1


async def test_without_a_bot_username_there_is_no_poster_yet(
    sqlite_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(sqlite_url, telegram_bot_username="")
    async with running_dashboard(settings, clock) as dashboard:
        await dashboard.login()
        session_id = await add_session(dashboard.db)
        page = await dashboard.get(f"/sessions/{session_id}/poster")
        assert "TELEGRAM_BOT_USERNAME" in page.text
        assert (await dashboard.get(f"/sessions/{session_id}/poster.png")).status_code == 409


async def test_the_poster_uses_the_username_telegram_gives(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with FakeBotApi(bot_username="odc_metz_bot") as api:
        settings = dashboard_settings(
            sqlite_url,
            telegram_bot_username="",
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
        )
        runtime = Runtime(settings, clock, poll_timeout=0)
        await runtime.start()
        try:
            async with httpx.AsyncClient() as client:
                dashboard = Dashboard(runtime, client)
                await dashboard.login()
                session_id = await add_session(dashboard.db)
                page = await dashboard.get(f"/sessions/{session_id}/poster")
                assert f"https://t.me/odc_metz_bot?start=s{session_id}" in page.text
        finally:
            await runtime.stop()
    assert [call.method for call in api.calls].count("getMe") == 1


@pytest.mark.parametrize("system_fonts", [True, False])
def test_the_poster_draws_any_title_with_or_without_system_fonts(
    monkeypatch: pytest.MonkeyPatch, system_fonts: bool
) -> None:
    if not system_fonts:  # a slim image without fonts-dejavu-core
        monkeypatch.setattr(poster, "font_file", lambda _: None)
    link = "https://t.me/atelier_metz_bot?start=s12345"
    text = PosterText(
        heading="Atelier numérique",
        title="L\u2019œuvre d\u2019un clic : écrire, envoyer, partager 📱 " * 2,
        when="Le lundi 4 janvier à 10 h",
        duration="Durée : 1 heure et 30 minutes",
        venue="Médiathèque Jean-Macé",
        address="2 rue Saint-Vincent, 57000 Metz",
        price="Gratuit",
        call_to_action="Pour vous inscrire, scannez ce code avec votre téléphone.",
        link="ou ouvrez t.me/atelier_metz_bot?start=s12345",
        desk="Vous pouvez aussi vous inscrire à l\u2019accueil.",
    )
    picture = Image.open(io.BytesIO(poster.render_png(text, link)))
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link]
    assert poster.render_pdf(text, link).startswith(b"%PDF-")


# --- settings and the command line -----------------------------------------------------


def test_the_dashboard_needs_a_hash_and_a_long_secret_key() -> None:
    with pytest.raises(ValidationError, match="DASHBOARD_SECRET_KEY"):
        make_settings("sqlite://", dashboard_password_hash=PASSWORD_HASH)
    with pytest.raises(ValidationError, match="DASHBOARD_SECRET_KEY"):
        make_settings("sqlite://", dashboard_password_hash=PASSWORD_HASH, dashboard_secret_key="x")
    with pytest.raises(ValidationError, match="atelier hash-password"):
        make_settings(
            "sqlite://", dashboard_password_hash=PASSWORD, dashboard_secret_key=SECRET_KEY
        )
    off = make_settings("sqlite://", dashboard_password_hash="", telegram_bot_username="@bot")
    assert not off.dashboard_enabled
    assert off.telegram_bot_username == "bot"


def test_hash_password_reads_stdin_and_prints_a_hash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe solide\n"))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("$argon2id$")
    assert verify_password(printed, "un mot de passe solide")
    assert not verify_password(printed, "un autre mot de passe")
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert main(["hash-password"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err


# --- logins that end, addresses that count, ids that name nothing -------------------------


async def test_logging_out_ends_a_copied_cookie(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    await walk_in(organiser, session_id, "Marie")
    copied = organiser.client.cookies["atelier_admin"]
    token = await organiser.token("/sessions")
    assert (await organiser.post("/logout")).status_code == 303
    before = await everything(organiser)
    async with httpx.AsyncClient(cookies={"atelier_admin": copied}) as thief:
        for path in ("/sessions", f"/sessions/{session_id}", "/bookings.csv", "/outbox"):
            response = await thief.get(organiser.url(path))
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/admin/login"), path
            assert "Marie" not in response.text
        posted = await thief.post(
            organiser.url(f"/sessions/{session_id}/message"),
            data={"csrf_token": token, "text": "Message pirate"},
        )
        assert posted.status_code == 403
    assert await everything(organiser) == before


async def test_a_login_survives_a_restart_and_ends_on_every_instance(
    sqlite_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(sqlite_url)
    async with running_dashboard(settings, clock) as first:
        await first.login()
        cookie = first.client.cookies["atelier_admin"]
    async with (
        running_dashboard(settings, clock) as second,
        running_dashboard(settings, clock) as third,
    ):
        second.client.cookies.set("atelier_admin", cookie, path="/admin")
        third.client.cookies.set("atelier_admin", cookie, path="/admin")
        assert (await second.get("/sessions")).status_code == 200  # after a restart
        assert (await third.get("/sessions")).status_code == 200
        assert (await second.post("/logout")).status_code == 303
        assert (await third.get("/sessions")).status_code == 303  # ended there too


async def test_rotating_forwarded_addresses_do_not_escape_the_throttle(
    dashboard: Dashboard,
) -> None:
    stepped_throttle(dashboard.runtime)
    statuses = [
        (await dashboard.login("pas le bon", {"X-Forwarded-For": f"203.0.113.{n}"})).status_code
        for n in range(30)
    ]
    assert statuses.count(401) == 5  # only the free attempts were checked
    assert statuses.count(429) == 25
    organiser = from_address(dashboard.runtime, "127.0.0.2")
    async with organiser.client:
        assert (await organiser.login()).status_code == 303  # at once, from elsewhere


async def test_at_the_shared_address_the_organiser_waits_at_most_a_minute(
    dashboard: Dashboard,
) -> None:
    throttle = stepped_throttle(dashboard.runtime)
    limiter = dashboard_context(dashboard.runtime).login_limiter
    checked = 0
    while checked < 15:  # an attacker at the shop's address tries again as soon as allowed
        wait = limiter.try_acquire("127.0.0.1")
        if wait:
            throttle.advance(wait)
        else:
            checked += 1
    refused = await dashboard.login()
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) <= 60
    throttle.advance(int(refused.headers["retry-after"]))
    assert (await dashboard.login()).status_code == 303


async def test_a_trusted_proxy_names_the_client_and_the_account_slows_down(
    sqlite_url: str, clock: FixedClock
) -> None:
    settings = dashboard_settings(sqlite_url, trusted_proxies="127.0.0.1")
    async with running_dashboard(settings, clock) as dashboard:
        throttle = stepped_throttle(dashboard.runtime)
        statuses = [
            (await dashboard.login("faux", {"X-Forwarded-For": f"198.51.100.{n}"})).status_code
            for n in range(40)
        ]
        assert statuses.count(401) == 30  # each address is new; then the account slows down
        assert set(statuses[30:]) == {429}
        organiser = await dashboard.login(headers={"X-Forwarded-For": "192.0.2.7"})
        assert organiser.status_code == 429
        assert int(organiser.headers["retry-after"]) <= 2
        throttle.advance(2)
        assert (await dashboard.login(headers={"X-Forwarded-For": "192.0.2.7"})).status_code == 303


async def test_ids_out_of_range_give_a_404_page(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    booking_id = await walk_in(organiser, session_id, "Marie")
    before = await everything(organiser)
    huge = ("9223372036854775808", "2147483648", "9" * 40)
    for number in huge:
        for path in (
            f"/sessions/{number}",
            f"/sessions/{number}/edit",
            f"/sessions/{number}/poster",
            f"/sessions/{session_id}/bookings/{number}/cancel",
        ):
            response = await organiser.get(path)
            assert response.status_code == 404, path
            assert "Page introuvable" in response.text
            assert response.headers["x-frame-options"] == "DENY"
            assert "default-src 'none'" in response.headers["content-security-policy"]
        posted = await organiser.post(f"/sessions/{number}/message", {"text": "Bonjour"})
        assert posted.status_code == 404
        seat = await organiser.post(f"/sessions/{session_id}/bookings/{number}/cancel")
        assert seat.status_code == 404
        assert "default-src 'none'" in seat.headers["content-security-policy"]
        marked = await organiser.post(
            f"/sessions/{session_id}/attendance", {"booking_id": number, "presence": "present"}
        )
        assert marked.status_code == 404
        assert marked.headers["x-content-type-options"] == "nosniff"
    assert await everything(organiser) == before
    assert booking_id > 0


async def test_sessions_to_come_show_a_quarter_then_more(organiser: Dashboard) -> None:
    await add_session(organiser.db, title="Bientôt", starts_at=NOW + timedelta(weeks=3))
    await add_session(organiser.db, title="Cet été", starts_at=NOW + timedelta(weeks=26))
    first = flat((await organiser.get("/sessions")).text)
    assert "Bientôt" in first
    assert "Cet été" not in first
    assert "Les 12 prochaines semaines." in first
    more = (await organiser.get("/sessions")).text
    found = re.search(r'href="(/admin/sessions\?ahead_weeks=36[^"#]*)', more)
    assert found is not None
    further = flat((await organiser.get(unescape(found.group(1)).removeprefix("/admin"))).text)
    assert "Bientôt" in further
    assert "Cet été" in further
    assert "Les 36 prochaines semaines." in further


async def test_an_unexpected_failure_keeps_the_security_headers(
    organiser: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the figures could not be read")

    monkeypatch.setattr("bot.web.views.figures.figures", broken)
    response = await organiser.get("/figures")
    assert response.status_code == 500
    assert "Erreur" in response.text
    assert "could not be read" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


async def test_bidirectional_overrides_in_names_are_not_shown(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db)
    await walk_in(organiser, session_id, "Ma\u202erie\u2066 \u202aLéa\u2069")
    page = await organiser.get(f"/sessions/{session_id}")
    roster = page.text
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in roster
    assert "Marie Léa" in roster


async def test_refusals_are_told_in_french(organiser: Dashboard) -> None:
    session_id = await add_session(organiser.db, capacity=1)
    gone = await walk_in(organiser, session_id, "Léa")
    async with organiser.db.transaction() as session:
        booking = await session.get(Booking, gone)
        assert booking is not None
        booking.status = "cancelled"
        (await session.get(WorkshopSession, session_id)).seats_taken = 0  # type: ignore[union-attr]
    await walk_in(organiser, session_id, "Marie")
    await organiser.post(
        f"/sessions/{session_id}/attendance", {"booking_id": str(gone), "presence": "absent"}
    )
    text = flat((await organiser.get(f"/sessions/{session_id}")).text)
    assert "Seule une personne inscrite peut être notée présente ou absente." in text
    assert "only a booked seat" not in text
    await organiser.post(f"/sessions/{session_id}/walk-in", {"first_name": "Karim", "phone": ""})
    full = flat((await organiser.get(f"/sessions/{session_id}")).text)
    assert "Cette séance est complète : il n'y a plus de place." in full


# --- the outbox -----------------------------------------------------------------------


async def add_person(dashboard: Dashboard, channel: str, external_id: str) -> int:
    """A person reached on ``channel``; return their id."""
    async with dashboard.db.transaction() as session:
        person = Person(
            channel=channel,
            external_id=external_id,
            name="Client",
            language="fr",
            unreachable=False,
            created_at=NOW,
            last_seen_at=NOW,
        )
        session.add(person)
        await session.flush()
        return person.id


async def add_message(
    dashboard: Dashboard,
    person_id: int,
    kind: str,
    status: str,
    *,
    due_at: datetime = NOW,
    sent_at: datetime | None = None,
    segments: int | None = None,
) -> None:
    """One outbox row as the sender would have left it."""
    async with dashboard.db.transaction() as session:
        session.add(
            OutboxMessage(
                key=f"test:{kind}:{status}:{secrets.token_hex(4)}",
                person_id=person_id,
                kind=kind,
                payload={},
                due_at=due_at,
                status=status,
                attempts=1 if status != "pending" else 0,
                sent_at=sent_at,
                segments=segments,
            )
        )


@pytest.fixture
async def priced(database_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    """A logged-in dashboard with SMS billed 0.07 € a segment."""
    settings = dashboard_settings(database_url, sms_price_per_segment=0.07)
    async with running_dashboard(settings, clock) as dashboard:
        assert (await dashboard.login()).status_code == 303
        yield dashboard


async def test_the_outbox_page_counts_by_kind_and_channel(
    priced: Dashboard, clock: FixedClock
) -> None:
    dashboard_context(priced.runtime).wake = lambda: None
    priced.runtime.heartbeat.pause()  # the page is read as the outbox stands: no pass claims
    await priced.runtime.engine.settle()  # a row meanwhile (the late one would be in hand)
    telegram = await add_person(priced, "telegram", "111")
    sms = await add_person(priced, "sms", "+33612345678")
    hour = timedelta(hours=1)
    await add_message(priced, telegram, "reminder", "sent", sent_at=NOW - hour)
    await add_message(priced, telegram, "reminder", "failed")
    await add_message(priced, sms, "reminder", "sent", sent_at=NOW - hour, segments=3)
    await add_message(priced, sms, "broadcast", "sent", sent_at=NOW - 2 * hour, segments=2)
    await add_message(
        priced, sms, "broadcast", "sent", sent_at=NOW - timedelta(days=10), segments=4
    )  # December: another month
    await add_message(priced, sms, "reminder", "pending", due_at=NOW + timedelta(minutes=5))
    await add_message(priced, sms, "reminder", "dropped")
    clock.advance(timedelta(hours=2))  # the pending one is now 1 h 55 min late; kept there
    await priced.runtime.engine.settle()
    page = await priced.get("/outbox")
    assert page.status_code == 200
    text = flat(page.text)
    rows = re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page.text, re.S)
    cells = {
        (label, flat(re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)[0])): [
            flat(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)[1:]
        ]
        for label, rest in rows
    }
    assert cells[("Rappel", "Telegram")] == ["0", "1", "1"]
    assert cells[("Rappel", "SMS")] == ["1", "1", "0"]  # the dropped one is not counted
    assert cells[("Message aux inscrits", "SMS")] == ["0", "2", "0"]
    oldest = re.search(r'id="oldest-due">(.*?)</dd>', page.text, re.S)
    assert oldest is not None
    assert flat(oldest.group(1)) == "1 heure"
    assert "5 segments" in text  # this month: 3 + 2
    assert "0,35 €" in text
    assert "0,07 € le segment" in text


async def test_without_a_price_the_outbox_page_says_how_to_set_it(organiser: Dashboard) -> None:
    text = flat((await organiser.get("/outbox")).text)
    assert "0 segment" in text
    assert "SMS_PRICE_PER_SEGMENT" in text
    assert "€" not in text


async def test_send_the_reminder_now_queues_each_once_and_wakes_the_sender(
    organiser: Dashboard,
) -> None:
    woken: list[bool] = []
    dashboard_context(organiser.runtime).wake = lambda: woken.append(True)
    session_id = await add_session(organiser.db, starts_at=NOW + timedelta(days=5))
    other = await add_session(organiser.db, title="Autre", starts_at=NOW + timedelta(days=5))
    booked = [
        await walk_in(organiser, session_id, name, "06 12 34 56 7" + str(n))
        for n, name in enumerate(("Marie", "Karim"))
    ]
    cancelled = await walk_in(organiser, session_id, "Léa")
    await walk_in(organiser, other, "Yanis")
    async with organiser.db.transaction() as session:
        booking = await session.get(Booking, cancelled)
        assert booking is not None
        booking.status = "cancelled"

    async def reminders_now() -> list[tuple[str, datetime]]:
        async with organiser.db.transaction() as session:
            rows = await session.execute(
                select(OutboxMessage.key, OutboxMessage.due_at).where(
                    OutboxMessage.kind == "reminder", OutboxMessage.key.endswith(":now")
                )
            )
            return sorted((key, due) for key, due in rows)

    response = await organiser.post(f"/sessions/{session_id}/remind")
    assert response.status_code == 303
    first = await reminders_now()
    assert len(first) == 2
    assert {key.split(":")[1] for key, _ in first} == {str(b) for b in booked}
    assert all(due == NOW for _, due in first)
    assert woken == [True]
    assert "Rappel en cours d'envoi à 2 personne(s)." in flat(
        (await organiser.get(f"/sessions/{session_id}")).text
    )
    await organiser.post(f"/sessions/{session_id}/remind")  # pressed again
    assert await reminders_now() == first
    assert woken == [True]
    assert "Aucun nouveau rappel" in flat((await organiser.get(f"/sessions/{session_id}")).text)


async def test_no_reminder_now_for_a_session_already_started(
    organiser: Dashboard, clock: FixedClock
) -> None:
    session_id = await add_session(organiser.db)
    await walk_in(organiser, session_id, "Marie", "06 12 34 56 78")
    clock.advance(timedelta(days=3))
    before = await outbox_kinds(organiser)
    await organiser.post(f"/sessions/{session_id}/remind")
    assert await outbox_kinds(organiser) == before
    assert "Cette séance a déjà commencé" in flat(
        (await organiser.get(f"/sessions/{session_id}")).text
    )


# --- freed seats taken again ------------------------------------------------------------


async def test_figures_show_freed_seats_taken_again_from_the_waiting_list(
    organiser: Dashboard, clock: FixedClock
) -> None:
    full = await add_session(organiser.db, capacity=2, audience="parents")
    async with organiser.db.transaction() as session:
        people = []
        for n in range(5):
            person = Person(
                channel="telegram",
                external_id=str(500 + n),
                name=f"P{n}",
                language="fr",
                unreachable=False,
                created_at=NOW,
                last_seen_at=NOW,
            )
            session.add(person)
            people.append(person)
        await session.flush()
        rule = ReminderRule.of(make_settings(organiser.db.url))
        seats = [await book_seat(session, person, full, NOW, rule) for person in people[:2]]
        waiting = [
            await join_waiting_list(session, person, full, NOW, rule) for person in people[2:4]
        ]
    async with organiser.db.transaction() as session:  # two seats freed
        for person, seat in zip(people[:2], seats, strict=True):
            await cancel_booking(session, person, seat.id, NOW, 60)
    async with organiser.db.transaction() as session:  # the first in line takes one
        await accept_offer(session, people[2], waiting[0].id, NOW, rule)
    clock.advance(timedelta(days=5))
    page = await organiser.get("/figures")
    assert table_row(page.text, "Parents") == [
        "1", "2", "1", "0", "0", NO_RATE, "2", "1", "50 %"
    ]  # fmt: skip


async def test_a_nul_in_a_form_or_a_schedule_is_dropped_where_it_enters(
    organiser: Dashboard,
) -> None:
    """NUL, which PostgreSQL cannot store (a 500 before), is dropped from every form field
    and every cell of a schedule file: what was meant is kept."""
    session_id = await add_session(organiser.db)
    roster = f"/sessions/{session_id}"
    typed = {"first_name": "Ali\x00", "phone": "06 12 34\x00 56 78"}
    assert (await organiser.post(f"{roster}/walk-in", typed)).status_code == 303
    message = await organiser.post(f"{roster}/message", {"text": "Au 1er\x00 étage."})
    assert message.status_code == 303
    content = (DATA / "metz-workshops.csv").read_bytes()
    spoilt = content.replace(b"Faire ses d", b"Faire\x00 ses d", 1)
    assert (await upload(organiser, "planning.csv", spoilt)).status_code == 303
    async with organiser.db.transaction() as session:
        names = list((await session.execute(select(Person.name))).scalars())
        payloads = list((await session.execute(select(OutboxMessage.payload))).scalars())
        titles = list((await session.execute(select(WorkshopSession.title))).scalars())
    assert names == ["Ali"]
    assert [p["text"] for p in payloads if "text" in p] == ["Au 1er étage."]
    assert "Faire ses démarches en ligne" in titles
