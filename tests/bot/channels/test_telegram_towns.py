"""Workshops near me on Telegram: the real Application polls a Bot API server on loopback;
a person answers the town question with a button, with words, or by sharing a location."""

from __future__ import annotations

from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import Runtime
from core.clock import FixedClock
from core.schedule.importer import import_schedule
from models import Database
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings

SCHEDULE = (
    "titre;date;heure;durée;places;lieu;adresse;public\n"
    "Smartphone à Metz;05/01/2027;14h;90;8;Boutique Orange;Rue Serpenoise, 57000 Metz;tous\n"
    "Tablette à Woippy;06/01/2027;10h;90;8;Médiathèque;2 rue de Metz, 57140 Woippy;tous\n"
    "Mails à Thionville;07/01/2027;9h;90;8;Centre social;1 place, 57100 Thionville;tous\n"
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def running(api: FakeBotApi, database_url: str, clock: FixedClock) -> AsyncIterator[Runtime]:
    db = Database(database_url)
    async with db.transaction() as session:
        assert (await import_schedule(session, SCHEDULE, ZoneInfo("Europe/Paris"))).created == 3
    await db.dispose()
    settings = make_settings(
        database_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
    )
    bot = Runtime(settings, clock, poll_timeout=1)
    await bot.start()
    yield bot
    await bot.stop()


def first_of(text: str) -> str:
    """The first workshop listed."""
    return min(
        ("Smartphone à Metz", "Tablette à Woippy", "Mails à Thionville"),
        key=lambda title: text.find(title) if title in text else len(text),
    )


@pytest.mark.usefixtures("running")
async def test_a_shared_location_shows_the_nearest_town_first(api: FakeBotApi) -> None:
    marie = api.user(701, "Marie")
    await marie.say("/start")
    await marie.press("ateliers")
    assert "Dans quelle ville" in marie.last.text if marie.last else False
    assert marie.buttons()[:3] == ["Metz", "Thionville", "Woippy"]
    replies = await marie.share_location(49.3601, 6.1612)  # in Thionville
    assert "Les ateliers à Thionville" in replies[-1].text
    assert first_of(replies[-1].text) == "Mails à Thionville"
    assert "Metz, à 27 km." in replies[-1].text


@pytest.mark.usefixtures("running")
async def test_a_misspelt_town_and_a_location_at_sea(api: FakeBotApi) -> None:
    paul = api.user(702, "Paul")
    await paul.say("/start")
    await paul.say("voir les ateliers")
    replies = await paul.share_location(47.0, -5.0)  # off Brittany
    assert "je ne trouve pas ce lieu" in replies[-1].text
    assert {"Metz", "Thionville", "Woippy"} <= set(paul.buttons())
    replies = await paul.say("woipy")
    assert "Les ateliers à Woippy" in replies[-1].text
    assert first_of(replies[-1].text) == "Tablette à Woippy"
