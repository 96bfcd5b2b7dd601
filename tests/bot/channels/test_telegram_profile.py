"""What people see of the bot on Telegram: descriptions, command menus per language, routing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.runtime import Runtime
from core.clock import FixedClock
from core.i18n import LANGUAGES
from core.understanding.commands import MENU, NAMES, Command
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.bot_api import FakeBotApi
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

ADMINS = [777, 778]
DEFAULT = json.dumps({"type": "default"})


def chat_scope(chat_id: int) -> str:
    return json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True)


@pytest.fixture
async def api(database_url: str, clock: FixedClock) -> AsyncIterator[FakeBotApi]:
    """The fake, once a bot with two organisers has started and polled once."""
    async with FakeBotApi() as server:
        for admin in ADMINS:  # the organisers pressed Start once: Telegram knows their chats
            server.user(admin, "Organisatrice")
        settings = make_settings(
            database_url,
            telegram_bot_token=server.token,
            telegram_api_base_url=server.base_url,
            admin_telegram_ids=ADMINS,
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            await server.wait_for_call("getUpdates", timeout=10)
            yield server
        finally:
            await runtime.stop()
            await Database(database_url).dispose()


def names(api: FakeBotApi, scope: str, language: str) -> list[str]:
    return [command["command"] for command in api.commands[(scope, language)]]


async def test_the_screen_before_start_is_described_in_every_language(api: FakeBotApi) -> None:
    assert not [call.summary() for call in api.calls if not call.ok]
    assert set(api.descriptions) == {"", *LANGUAGES}
    assert set(api.short_descriptions) == {"", *LANGUAGES}
    assert api.descriptions[""] == api.descriptions["fr"]  # the default language: French
    assert "réserver une place à un atelier gratuit" in api.descriptions["fr"]
    assert "écrivez /donnees" in api.descriptions["fr"]
    assert "write /privacy" in api.descriptions["en"]
    assert "/gizlilik" in api.descriptions["tr"]
    assert "/privacy" in api.descriptions["ar"]
    assert api.short_descriptions["en"].startswith("Free workshops")
    assert all(len(text) <= 120 for text in api.short_descriptions.values())


async def test_each_language_has_its_own_command_names(api: FakeBotApi) -> None:
    assert names(api, DEFAULT, "fr") == [
        "start",
        "ateliers",
        "inscriptions",
        "annuler",
        "aide",
        "donnees",
        "langue",
    ]
    assert names(api, DEFAULT, "en") == [
        "start",
        "workshops",
        "mybookings",
        "cancel",
        "help",
        "privacy",
        "language",
    ]
    assert names(api, DEFAULT, "tr")[1:6] == [
        "atolyeler",
        "kayitlarim",
        "iptal",
        "yardim",
        "gizlilik",
    ]
    assert names(api, DEFAULT, "") == names(api, DEFAULT, "fr")
    english = {c["command"]: c["description"] for c in api.commands[(DEFAULT, "en")]}
    assert english["workshops"] == "See the workshops"
    arabic = {c["command"]: c["description"] for c in api.commands[(DEFAULT, "ar")]}
    assert arabic["help"] == "مساعدة"


async def test_only_the_organisers_see_their_command(api: FakeBotApi) -> None:
    everyone = [
        name for (scope, _), menu in api.commands.items() if scope == DEFAULT for name in menu
    ]
    assert not any(c["command"] in ("organisateur", "admin", "yonetici") for c in everyone)
    for admin in ADMINS:
        assert names(api, chat_scope(admin), "fr")[-1] == "organisateur"
        assert names(api, chat_scope(admin), "en")[-1] == "admin"
        assert names(api, chat_scope(admin), "tr")[-1] == "yonetici"
        assert names(api, chat_scope(admin), "")[:-1] == names(api, DEFAULT, "fr")
    scopes = {scope for scope, _ in api.commands}
    assert scopes == {DEFAULT, *(chat_scope(admin) for admin in ADMINS)}


async def test_polling_asks_only_for_the_updates_the_bot_answers(api: FakeBotApi) -> None:
    polls = [call for call in api.calls if call.method == "getUpdates"]
    assert polls
    assert all(
        call.params.get("allowed_updates") == ["message", "callback_query"] for call in polls
    )
    assert api.allowed_updates == {"message", "callback_query"}


async def test_an_organiser_who_never_wrote_does_not_stop_the_bot(
    database_url: str, clock: FixedClock
) -> None:
    async with FakeBotApi() as server:  # Telegram answers "chat not found" for 779
        settings = make_settings(
            database_url,
            telegram_bot_token=server.token,
            telegram_api_base_url=server.base_url,
            admin_telegram_ids=[779],
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            marie = server.user(501, "Marie")
            replies = await marie.say("bonjour", min_replies=2)
            assert replies[-1].text.startswith("Bonjour Marie !")  # after the keyboard's note
            refused = [call for call in server.calls if not call.ok]
            assert [call.chat_id for call in refused] == [779] * 5  # default + 4 languages
            assert "chat not found" in refused[0].response["description"]
            assert (DEFAULT, "en") in server.commands
        finally:
            await runtime.stop()
            await Database(database_url).dispose()


# --------------------------------------------------------------------------- routing


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_command_name_is_understood(
    db: Database, clock: FixedClock, language: str
) -> None:
    """Each language's name of a command answers as the French name does, for anyone."""
    await add_session(db)
    flows = Conversations(db, make_settings(db.url, admin_telegram_ids=[900]), clock)
    for number, command in enumerate(NAMES[language]):
        if command in (Command.START, Command.ORGANISER, Command.FORGET):
            continue
        person = Chat(flows, f"{number}-{language}", language="fr")
        await person.say("bonjour")
        by_name = await person.say(f"/{NAMES[language][command]}")
        other = Chat(flows, f"{number}-{language}-fr", language="fr")
        await other.say("bonjour")
        reference = await other.say(f"/{NAMES['fr'][command]}")
        assert [r.text for r in by_name] == [r.text for r in reference], command
        assert "pas compris" not in by_name[0].text, command


async def test_start_forget_and_organiser_names_in_every_language(
    db: Database, clock: FixedClock
) -> None:
    flows = Conversations(db, make_settings(db.url, admin_telegram_ids=[900]), clock)
    for language in LANGUAGES:
        admin = Chat(flows, "900", language=language, channel="telegram")
        await admin.say("bonjour")
        home = await admin.say(f"/{NAMES[language][Command.ORGANISER]}")
        reference = await admin.say("/organisateur")
        assert [r.text for r in home] == [r.text for r in reference]
        someone = Chat(flows, "901", language=language, channel="telegram")
        await someone.say("bonjour")
        refused = await someone.say(f"/{NAMES[language][Command.ORGANISER]}")
        assert [r.text for r in refused] != [r.text for r in home]
        forget = await someone.say(f"/{NAMES[language][Command.FORGET]}")
        assert forget[0].choices, "the erasure asks to confirm"
    assert set(MENU) <= set(NAMES["tr"])
