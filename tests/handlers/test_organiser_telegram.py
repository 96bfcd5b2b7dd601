"""The organiser menu on Telegram: for ADMIN_TELEGRAM_IDS only, with no hint to others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.runtime import Runtime
from core.clock import FixedClock
from core.seats.organisations import add_organiser, find_or_add_organisation
from models import Booking, BookingStatus, OrganiserAction, OutboxMessage, Person, WorkshopSession
from tests.support.bot_api import FakeBotApi, FakeUser
from tests.support.factories import NOW, add_session, make_settings

ORGANISER = 990


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def runtime(api: FakeBotApi, database_url: str, clock: FixedClock) -> AsyncIterator[Runtime]:
    settings = make_settings(
        database_url,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.base_url,
        admin_telegram_ids=[ORGANISER],
    )
    running = Runtime(settings, clock, poll_timeout=1)
    await running.start()
    yield running
    await running.stop()


async def booked(api: FakeBotApi, user: int, session_id: int) -> FakeUser:
    person = api.user(user, "Marie")
    await person.say(f"/start s{session_id}")
    await person.press("Oui, je réserve")
    return person


async def told(api: FakeBotApi, person: FakeUser, since: int, expected: str) -> bool:
    """Whether the bot sent ``person`` a message containing ``expected`` (waits for it)."""
    async with asyncio.timeout(10):
        while True:
            sent = [c for c in api.calls[since:] if c.chat_id == person.chat_id]
            said = (str(c.params.get("text") or c.params.get("caption") or "") for c in sent)
            if any(expected in text for text in said):  # a text, or a file's caption
                return True
            await api.wait_for_replies(person.chat_id, since=len(api.calls), quiet=0)


async def statuses(runtime: Runtime) -> dict[str, str]:
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            select(Person.name, Booking.status).join(Person, Person.id == Booking.person_id)
        )
        return {name: status for name, status in rows}


async def test_others_get_no_hint_of_it(api: FakeBotApi, runtime: Runtime) -> None:
    session_id = await add_session(runtime.db)
    await booked(api, 501, session_id)
    stranger = api.user(502, "Paul")
    await stranger.say("bonjour")
    answer = await stranger.say("/admin")
    assert "Je n'ai pas compris." in answer[-1].text
    for forged in ("adm", f"ar:{session_id}", "ap:1", f"acy:{session_id}", "acs:1", "acsy:1"):
        since = len(api.calls)
        update = api.user_press(502, stranger.last.message_id if stranger.last else 1, forged)
        assert update
        calls = await api.wait_for_replies(502, since=since)
        texts = [str(c.params.get("text", "")) for c in calls]
        assert any("Ce bouton ne marche plus." in text for text in texts), forged
    assert await statuses(runtime) == {"Marie": BookingStatus.BOOKED}
    async with runtime.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        assert workshop.status == "scheduled"


async def test_roster_attendance_and_a_walk_in(
    api: FakeBotApi, runtime: Runtime, clock: FixedClock
) -> None:
    session_id = await add_session(runtime.db, capacity=3)
    await booked(api, 503, session_id)
    organiser = api.user(ORGANISER, "Nadia")
    home = await organiser.say("/admin")
    assert "Espace animateur." in home[-1].text
    assert any("1/3 (+0)" in label for label in home[-1].labels)
    await organiser.press("1/3")
    roster = await organiser.press("Liste des inscrits")
    assert "Marie (telegram): inscrit" in roster[-1].text
    marked = await organiser.press("Marie présent")
    assert "Marie (telegram): présent" in marked[-1].text
    assert await statuses(runtime) == {"Marie": BookingStatus.ATTENDED}
    await organiser.press("Retour")
    await organiser.press("Inscrire une personne présente")
    await organiser.say("Jeanne")
    done = await organiser.say("06 11 22 33 44")
    assert "Jeanne est inscrit. Le rappel partira par SMS." in done[-1].text
    async with runtime.db.transaction() as session:
        jeanne = (await session.execute(select(Person).where(Person.name == "Jeanne"))).scalar_one()
        workshop = await session.get(WorkshopSession, session_id)
    assert (jeanne.channel, jeanne.external_id) == ("sms", "+33611223344")
    assert workshop is not None
    assert workshop.seats_taken == 2


async def test_message_move_and_cancel_reach_everyone_booked(
    api: FakeBotApi, runtime: Runtime
) -> None:
    session_id = await add_session(runtime.db)
    marie = await booked(api, 504, session_id)
    organiser = api.user(ORGANISER, "Nadia")
    await organiser.say("/admin")
    await organiser.press("1/8")
    await organiser.press("Écrire aux inscrits")
    await organiser.say("Pensez à votre chargeur !")
    since = len(api.calls)
    sent = await organiser.press("Oui, c'est bon")
    assert "Personnes qui vont le recevoir : 1." in sent[-1].text
    assert await told(api, marie, since, "Pensez à votre chargeur !")

    await organiser.press("Retour")
    await organiser.press("Changer la date")
    unclear = await organiser.say("bientôt")
    assert "Je ne comprends pas cette date." in unclear[-1].text
    ask = await organiser.say("8/1 15h30")
    assert "vendredi 8 janvier à 15 h 30" in ask[-1].text
    since = len(api.calls)
    await organiser.press("Oui, c'est bon")
    assert await told(api, marie, since, "votre atelier change de date")

    await organiser.press("Retour")
    await organiser.press("Annuler l'atelier")
    since = len(api.calls)
    cancelled = await organiser.press("Oui, annuler l'atelier")
    assert "L'atelier est annulé. Personnes prévenues : 1." in cancelled[-1].text
    assert await told(api, marie, since, "cet atelier est annulé")
    assert await statuses(runtime) == {"Marie": BookingStatus.CANCELLED}


async def press_data(api: FakeBotApi, user: FakeUser, data: str) -> list[str]:
    """Press a button carrying ``data`` (forged or kept from an old screen); the texts."""
    since = len(api.calls)
    assert user.last is not None
    api.user_press(user.user_id, user.last.message_id, data)
    calls = await api.wait_for_replies(user.chat_id, since=since)
    return [str(call.params.get("text", "")) for call in calls]


async def seat_notices(runtime: Runtime) -> int:
    async with runtime.db.transaction() as session:
        query = select(func.count()).where(OutboxMessage.kind == "seat_cancelled")
        return int((await session.execute(query)).scalar_one())


async def test_cancel_one_seat_from_the_roster(api: FakeBotApi, runtime: Runtime) -> None:
    session_id = await add_session(runtime.db, capacity=1)
    marie = await booked(api, 506, session_id)
    ali = api.user(507, "Ali")
    await ali.say(f"/start s{session_id}")
    await ali.press("liste d'attente")
    async with runtime.db.transaction() as session:
        rows = await session.execute(select(Booking.status, Booking.id))
        ids = {status: booking_id for status, booking_id in rows}
    organiser = api.user(ORGANISER, "Nadia")
    await organiser.say("/admin")
    await organiser.press("1/1")
    roster = await organiser.press("Liste des inscrits")
    assert "Ali (telegram): en attente" in roster[-1].text
    assert [label for label in roster[-1].labels if "Annuler la place" in label] == [
        "🚫 Annuler la place de Marie"  # the booked seat only, not the place in line
    ]
    ask = await organiser.press("Annuler la place de Marie")
    assert "Voulez-vous vraiment annuler la place de Marie ?" in ask[-1].text
    assert "mercredi 6 janvier" in ask[-1].text
    before = await statuses(runtime)
    for forged in ("acsy:999999", f"acsy:{ids[BookingStatus.WAITING]}", "acsy:x", "acs:0"):
        texts = await press_data(api, organiser, forged)
        assert any("Ce bouton ne marche plus." in text for text in texts), forged
    assert await statuses(runtime) == before
    assert await seat_notices(runtime) == 0

    await organiser.say("/admin")  # back to a screen that offers the seat again
    await organiser.press("1/1")
    await organiser.press("Liste des inscrits")
    await organiser.press("Annuler la place de Marie")
    since = len(api.calls)
    done = await organiser.press("Oui, annuler sa place")
    assert "La place de Marie est annulée. La personne va être prévenue." in done[-1].text
    assert await told(api, ali, since, "Bonne nouvelle : une place s'est libérée !")
    calls = await api.wait_for_replies(marie.chat_id, since=since, min_count=1)
    # One message: the file that takes it out of her calendar, the notice as its caption.
    assert calls[-1].method == "sendDocument"
    assert "L'équipe de l'atelier a annulé votre place." in str(calls[-1].params.get("caption"))
    cancel_file = [m.raw["document"] for m in marie.messages if "document" in m.raw][-1]
    calendar = Calendar.from_ical(api.files[cancel_file["file_id"]].content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert await statuses(runtime) == {"Marie": BookingStatus.CANCELLED, "Ali": "waiting"}

    stale = await press_data(api, organiser, f"acsy:{ids[BookingStatus.BOOKED]}")  # again
    assert any("Ce bouton ne marche plus." in text for text in stale)
    assert await seat_notices(runtime) == 1


PARTNER = 991


async def test_an_organisation_s_telegram_organiser_sees_and_changes_only_its_sessions(
    api: FakeBotApi, runtime: Runtime
) -> None:
    """An organiser added with a Telegram id (`atelier organisers add --telegram-id`): their
    organisation's sessions only; another's, even by a forged button, is left alone."""
    ours = await add_session(runtime.db, title="Tablette à Woippy")
    theirs = await add_session(runtime.db, title="Smartphone à Metz")
    async with runtime.db.transaction() as session:
        woippy = await add_organiser(
            session, "mediatheque@woippy.example", "x", "Médiathèque de Woippy", NOW,
            telegram_id=PARTNER,
        )  # fmt: skip
        metz = await find_or_add_organisation(session, "Boutique Orange Metz", NOW)
        (await session.get_one(WorkshopSession, ours)).organisation_id = woippy.organisation_id
        (await session.get_one(WorkshopSession, theirs)).organisation_id = metz.id
    partner = api.user(PARTNER, "Lucie")
    home = await partner.say("/admin")
    assert "Espace animateur." in home[-1].text
    assert [label for label in home[-1].labels if "/8" in label] == [
        next(label for label in home[-1].labels if "Tablette" in label)
    ]
    for forged in (f"as:{theirs}", f"ar:{theirs}", f"acy:{theirs}"):
        await press_data(api, partner, forged)
    async with runtime.db.transaction() as session:
        assert (await session.get_one(WorkshopSession, theirs)).status == "scheduled"
        assert (await session.execute(select(func.count(OrganiserAction.id)))).scalar_one() == 0
    await partner.say("/admin")
    await partner.press("Tablette")
    await partner.press("Annuler l'atelier")
    cancelled = await partner.press("Oui, annuler l'atelier")
    assert "L'atelier est annulé." in cancelled[-1].text
    async with runtime.db.transaction() as session:
        assert (await session.get_one(WorkshopSession, ours)).status == "cancelled"
        assert (await session.get_one(WorkshopSession, theirs)).status == "scheduled"
        action = (await session.execute(select(OrganiserAction))).scalar_one()
    assert (action.actor, action.action, action.session_id) == (
        "mediatheque@woippy.example",
        "cancel",
        ours,
    )
    assert action.organiser_id == woippy.id
