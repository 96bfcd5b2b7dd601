"""Workshops near me: with sessions in Metz, Woippy and Thionville, "see the workshops"
asks where first, and each answer (a button, a town, a misspelt town, a postcode, a shared
location) shows that town's sessions first, then the others with how far they are."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import FixedClock
from core.dialog import Incoming, Kind, Reply
from core.schedule.importer import import_schedule
from core.seats.organiser import SessionFields, create_session
from handlers.machinery.turns import Conversations
from models import Database, Person, Venue
from tests.support.chat import Chat
from tests.support.factories import NOW, make_settings

PARIS = ZoneInfo("Europe/Paris")
HEADER = "titre;date;heure;durée;places;lieu;adresse;public\n"
METZ = "Smartphone à Metz;05/01/2027;14h;90;8;Boutique Orange;Rue Serpenoise, 57000 Metz;tous\n"
WOIPPY = "Tablette à Woippy;06/01/2027;10h;90;8;Médiathèque;2 rue de Metz, 57140 Woippy;tous\n"
THIONVILLE = "Mails à Thionville;07/01/2027;9h;90;8;Centre social;1 place, 57100 Thionville;tous\n"


async def chat_with(
    url: str, clock: FixedClock, *rows: str, channel: str = "test", per_page: int = 5
) -> tuple[Database, Chat]:
    db = Database(url)
    async with db.transaction() as session:
        report = await import_schedule(session, HEADER + "".join(rows), PARIS)
    assert report.errors == []
    settings = make_settings(url, sessions_per_page=per_page)
    chat = Chat(Conversations(db, settings, clock), "1", channel=channel)
    await chat.say("bonjour")
    return db, chat


def order(chat: Chat) -> list[str]:
    """The towns of the listed sessions, in the order shown."""
    text = chat.text
    seen = [(text.find(title), town) for town, title in TITLES.items() if title in text]
    return [town for _, town in sorted(seen)]


TITLES = {"Metz": "Smartphone à Metz", "Woippy": "Tablette à Woippy", "Thionville": "Mails à"}


async def test_the_workshops_ask_where_first_and_a_tap_shows_that_town_first(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        await chat.say("voir les ateliers")
        assert "Dans quelle ville" in chat.text
        labels = [c.label for r in chat.last for c in r.flat_choices()]
        assert labels[:3] == ["Metz", "Thionville", "Woippy"]
        await chat.press("Thionville")
        assert "Les ateliers à Thionville" in chat.text
        assert order(chat) == ["Thionville", "Woippy", "Metz"]  # then the nearest
        assert "Woippy, à 23 km." in chat.text
        # Remembered: the list comes at once the next time, and can be changed.
        await chat.say("menu")
        await chat.say("ateliers")
        assert "Les ateliers à Thionville" in chat.text
        await chat.press("Changer de ville")
        assert "Dans quelle ville" in chat.text
        labels = [c.label for r in chat.last for c in r.flat_choices()]
        assert labels[0] == "Thionville (tout près)"  # nearest first, now the place is known
        await chat.say("1")
        assert "Les ateliers à Thionville" in chat.text
        await chat.say("changer de ville")
        assert "Dans quelle ville" in chat.text
    finally:
        await db.dispose()


async def test_a_town_in_ones_own_words_a_typo_or_a_postcode_answers(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        for said, town, first in (
            ("a cote de Metz", "Metz", "Metz"),
            ("woipy", "Woippy", "Woippy"),
            ("vers tionvile", "Thionville", "Thionville"),
            ("57000", "Metz", "Metz"),
            ("57140", "Woippy", "Woippy"),
        ):
            await chat.say("changer de ville")
            await chat.say(said)
            assert f"Les ateliers à {town}" in chat.text, said
            assert order(chat)[0] == first, said
        await chat.say("changer de ville")
        await chat.say("Montigny-lès-Metz")  # no workshop there: the nearest first
        assert "Pas d'atelier à Montigny-lès-Metz" in chat.text
        assert order(chat) == ["Metz", "Woippy", "Thionville"]
        assert "Metz, à 3 km." in chat.text
    finally:
        await db.dispose()


async def test_on_the_list_near_a_town_a_number_in_a_sentence_opens_that_workshop(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        await chat.say("voir les ateliers")
        await chat.say("Thionville")
        assert order(chat) == ["Thionville", "Woippy", "Metz"]
        await chat.say("c le 2 ke je veu")  # the second line: Woippy's
        assert "Tablette à Woippy" in chat.text
        assert "Réserver" in " ".join(c.label for r in chat.last for c in r.flat_choices())
    finally:
        await db.dispose()


async def test_a_shared_location_answers(database_url: str, clock: FixedClock) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        await chat.say("ateliers")
        shared = Incoming(
            chat.sender,
            Kind.OTHER,
            update_key="loc:1",
            media="location",
            latitude=49.1520,
            longitude=6.1490,
        )
        chat.last = await chat.conversations.handle(shared)
        assert "Les ateliers à Woippy" in chat.text
        assert order(chat) == ["Woippy", "Metz", "Thionville"]
        async with db.transaction() as session:
            person = (await session.execute(select(Person))).scalar_one()
        assert (person.place_town, round(person.place_latitude or 0, 3)) == ("Woippy", 49.152)
    finally:
        await db.dispose()


async def test_bad_answers_get_a_kind_answer_with_the_towns(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        await chat.say("ateliers")
        for said in ("Bruxelles", "99999", "xzqwv"):
            await chat.say(said)
            assert "je ne trouve pas ce lieu" in chat.text, said
            labels = [c.label for r in chat.last for c in r.flat_choices()]
            assert {"Metz", "Woippy", "Thionville"} <= set(labels), said
        at_sea = Incoming(
            chat.sender,
            Kind.OTHER,
            update_key="loc:sea",
            media="location",
            latitude=47.0,
            longitude=-5.0,
        )
        chat.last = await chat.conversations.handle(at_sea)
        assert "je ne trouve pas ce lieu" in chat.text
        await chat.press("Metz")  # and a tap still answers
        assert "Les ateliers à Metz" in chat.text
        await chat.say("menu")  # "menu" is not a town
        assert "Dans quelle ville" not in chat.text
    finally:
        await db.dispose()


async def test_one_town_asks_nothing(database_url: str, clock: FixedClock) -> None:
    db, chat = await chat_with(database_url, clock, METZ)
    try:
        await chat.say("voir les ateliers")
        assert "Les prochains ateliers" in chat.text
        assert "Dans quelle ville" not in chat.text
        assert "Changer de ville" not in [c.label for r in chat.last for c in r.flat_choices()]
    finally:
        await db.dispose()


async def test_by_sms_a_number_per_town(database_url: str, clock: FixedClock) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE, channel="sms")
    try:
        await chat.say("ateliers")
        replies: list[Reply] = chat.last
        assert "Dans quelle ville" in chat.text
        assert [c.label for r in replies for c in r.flat_choices()][:3] == [
            "Metz",
            "Thionville",
            "Woippy",
        ]
        await chat.say("3")
        assert "Les ateliers à Woippy" in chat.text
    finally:
        await db.dispose()


async def test_the_chosen_town_is_erased_with_the_persons_data(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        await chat.say("ateliers")
        await chat.say("57100")
        async with db.transaction() as session:
            person = (await session.execute(select(Person))).scalar_one()
        assert person.place_town == "Thionville"
        await chat.say("oubli")
        await chat.say("oui")
        assert "vos données sont effacées" in chat.text
        async with db.transaction() as session:
            person = (await session.execute(select(Person))).scalar_one()
        assert (person.place_town, person.place_latitude, person.place_longitude) == (
            "",
            None,
            None,
        )
    finally:
        await db.dispose()


async def test_a_session_typed_in_by_an_organiser_has_its_town(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY)
    try:
        fields = SessionFields(
            "Tablette à Thionville",
            NOW + timedelta(days=3),
            90,
            8,
            "Mairie",
            "Place Anne Grommerch, 57100 Thionville",
        )
        async with db.transaction() as session:
            await create_session(session, fields)
        await chat.say("ateliers")
        labels = [c.label for r in chat.last for c in r.flat_choices()]
        assert labels[:3] == ["Metz", "Thionville", "Woippy"]
    finally:
        await db.dispose()


async def test_a_venues_poster_link_opens_on_its_towns_sessions(
    database_url: str, clock: FixedClock
) -> None:
    db, chat = await chat_with(database_url, clock, METZ, WOIPPY, THIONVILLE)
    try:
        async with db.transaction() as session:
            woippy = (
                await session.execute(select(Venue.id).where(Venue.town == "Woippy"))
            ).scalar_one()
        await chat.say(f"/start v{woippy}")
        assert "Les ateliers à Woippy" in chat.text
        assert order(chat)[0] == "Woippy"
        await chat.say("/start v999999")  # no such venue: the welcome, as a plain /start
        assert "Dans quelle ville" not in chat.text
        assert "Les ateliers à" not in chat.text
    finally:
        await db.dispose()
