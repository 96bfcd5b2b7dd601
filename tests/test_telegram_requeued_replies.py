"""A reply Telegram refused for a moment goes out later whole: its file, map pin and keyboard."""

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


async def test_the_confirmation_keeps_its_calendar_file_and_map_pin(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = running
    session_id = await add_session(runtime.db)
    async with runtime.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    marie = api.user(920, "Marie")
    await marie.say(f"/start s{session_id}", min_replies=2)
    await marie.press("Réserver")
    api.fail_next("editMessageText", status=502, description="Bad Gateway", chat_id=920)
    await marie.press("Oui, je réserve")
    assert not [m for m in api.sent_to(920) if "C'est réservé" in m.text]
    since = len(api.calls)

    await runtime.engine.send_due()
    calls = await api.wait_for_replies(920, since=since, min_count=3, quiet=0.3)

    assert [c.method for c in calls if c.ok] == ["sendMessage", "sendDocument", "sendVenue"]
    assert "C'est réservé" in str(calls[0].params["text"])
    document = calls[1].result["document"]
    assert document["file_name"].endswith(".ics")
    calendar = Calendar.from_ical(api.files[document["file_id"]].content)
    [event] = calendar.walk("VEVENT")
    assert "Prendre en main son smartphone" in str(event["SUMMARY"])
    assert float(calls[2].params["latitude"]) == 49.1196
    assert calls[2].params["title"] == "Boutique Orange Metz"


async def test_the_welcome_keeps_its_keyboard(running: tuple[FakeBotApi, Runtime]) -> None:
    api, runtime = running
    api.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=921)
    marie = api.user(921, "Marie")
    since = len(api.calls)
    await marie.say("bonjour")
    await runtime.engine.send_due()
    calls = await api.wait_for_replies(921, since=since, min_count=3, quiet=0.3)

    assert [(c.method, c.status) for c in calls] == [
        ("sendMessage", 502),  # the answer, refused for a moment
        ("sendMessage", 200),  # the same, from the outbox
        ("sendMessage", 200),  # the keyboard that stays on screen
    ]
    assert str(calls[1].params["text"]).startswith("Bonjour Marie !")
    assert marie.last is not None
    assert marie.last.keyboard == [["📅 Voir les ateliers"], ["🎟️ Mes inscriptions"], ["❓ Aide"]]
    assert calls[2].params["reply_markup"]["is_persistent"] is True


async def test_a_refused_map_pin_does_not_send_the_message_twice(
    running: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = running
    session_id = await add_session(runtime.db)
    async with runtime.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    marie = api.user(922, "Marie")
    await marie.say(f"/start s{session_id}", min_replies=2)
    await marie.press("Réserver")
    api.fail_next("sendVenue", status=502, description="Bad Gateway", chat_id=922, count=3)
    await marie.press("Oui, je réserve", min_replies=3)
    await runtime.engine.send_due()

    confirmations = [m for m in api.sent_to(922) if "C'est réservé" in m.text]
    assert len(confirmations) == 1
    assert len([c for c in api.calls_for(922) if c.method == "sendDocument" and c.ok]) == 1


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
