"""A reply Telegram refused for a moment goes out later whole: its file and keyboard."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from icalendar import Calendar

from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import (
    Attachment,
    Choice,
    Intent,
    Reply,
    Venue,
    reply_from_payload,
    reply_to_payload,
)
from models import Database, WorkshopSession
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session, make_settings


@pytest.fixture
async def running(
    database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[FakeBotApi, Runtime]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            outbox_poll_seconds=30,  # the test sends the outbox itself
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime
        finally:
            await runtime.stop()
            await Database(database_url).dispose()


async def test_the_confirmation_keeps_its_calendar_file_and_map_link(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = running
    session_id = await add_session(runtime.db)
    async with runtime.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    marie = api.user(920, "Marie")
    await marie.say(f"/start s{session_id}")
    api.fail_next("sendDocument", status=502, description="Bad Gateway", chat_id=920)
    since = len(api.calls)
    await marie.press("Oui, je réserve")  # refused: handed to the outbox, which sends it now
    replies = await api.wait_for_replies(920, since=since, min_count=3, quiet=0.3)

    # One message: the file, the confirmation (with its map link) as its caption.
    calls = [c for c in replies if c.ok and c.method != "answerCallbackQuery"]
    assert [c.method for c in calls] == ["sendDocument"]
    caption = str(calls[0].params["caption"])
    assert "C'est réservé" in caption
    assert "openstreetmap.org/?mlat=49.1196&mlon=6.1757" in caption
    document = calls[0].result["document"]
    assert document["file_name"].endswith(".ics")
    calendar = Calendar.from_ical(api.files[document["file_id"]].content)
    [event] = calendar.walk("VEVENT")
    assert "Prendre en main son smartphone" in str(event["SUMMARY"])


async def test_the_welcome_keeps_its_keyboard(running: tuple[FakeBotApi, Runtime]) -> None:
    api, runtime = running
    api.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=921)
    marie = api.user(921, "Marie")
    since = len(api.calls)
    await marie.say("bonjour")
    await runtime.engine.send_due()
    calls = await api.wait_for_replies(921, since=since, min_count=3, quiet=0.3)

    assert [(c.method, c.status) for c in calls] == [
        ("sendMessage", 502),  # the keyboard's note, refused for a moment: all is queued
        ("sendMessage", 200),  # the keyboard that stays on screen, from the outbox
        ("sendMessage", 200),  # then the welcome, last in the chat
    ]
    assert calls[1].params["reply_markup"]["is_persistent"] is True
    assert str(calls[2].params["text"]).startswith("Bonjour Marie !")
    hint, welcome = marie.messages
    assert hint.keyboard == [["📅 Voir les ateliers"], ["🎟️ Mes inscriptions"], ["❓ Aide"]]
    assert welcome.text.startswith("Bonjour Marie !")


async def test_a_refused_calendar_file_does_not_send_the_message_twice(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = running
    session_id = await add_session(runtime.db)
    async with runtime.db.transaction() as session:  # too long for a caption: two messages
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.access = ("Entrez par la cour, prenez l'escalier B au deuxième étage. " * 6)[:300]
        workshop.bring = ("Votre téléphone chargé, son code et vos mots de passe. " * 6)[:300]
        workshop.address = ("Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz. " * 6)[:300]
    marie = api.user(922, "Marie")
    await marie.say(f"/start s{session_id}")
    api.fail_next("sendDocument", status=502, description="Bad Gateway", chat_id=922, count=3)
    await marie.press("Oui, je réserve", min_replies=3)
    await runtime.engine.send_due()

    confirmations = [m for m in api.sent_to(922) if "C'est réservé" in m.text]
    assert len(confirmations) == 1
    assert not [c for c in api.calls_for(922) if c.method == "sendDocument" and c.ok]


def test_an_outbox_row_written_before_files_were_kept_still_reads() -> None:
    old = {"text": "Bonjour", "choices": [[["Aide", "help", None]]]}
    reply = reply_from_payload(old)
    assert (reply.text, reply.attachment, reply.venue, reply.keyboard) == (
        "Bonjour",
        None,
        None,
        (),
    )
    full = Reply(
        "C'est réservé",
        ((Choice("Oui", "y", Intent.YES),),),
        Attachment("atelier.ics", b"BEGIN:VCALENDAR\r\n\x00", "Dans votre agenda"),
        Venue("Boutique", "Metz", 49.1196, 6.1757),
        ("Aide",),
        "Le clavier",
    )
    assert reply_from_payload(json.loads(json.dumps(reply_to_payload(full)))) == full
