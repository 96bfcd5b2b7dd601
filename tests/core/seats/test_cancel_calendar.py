"""A cancelled session, or a seat its holder cancels, comes with a calendar file that
takes the event out again.

The file is parsed with icalendar: METHOD:CANCEL, STATUS:CANCELLED, the UID of the file
the booking came with and a higher SEQUENCE. Through the flows and on Telegram (the real
Application, a Bot API on loopback).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from icalendar import Calendar

from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import Attachment
from core.seats.session_changes import cancel_session, move_session
from handlers.machinery.turns import Conversations
from models import Database
from tests.bot.channels.test_telegram_scenarios import book
from tests.core.seats.test_reminders import DUE, Inbox, sender_for
from tests.core.seats.test_schedule_changes import two_booked_one_waiting
from tests.support.bot_api import FakeBotApi
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings


def parsed(attachment: Attachment | bytes) -> tuple[Calendar, dict[str, object]]:
    content = attachment.content if isinstance(attachment, Attachment) else attachment
    calendar = Calendar.from_ical(content)
    [event] = calendar.events
    return calendar, event


async def test_the_booked_get_a_file_that_removes_the_event(
    db: Database, clock: FixedClock
) -> None:
    session_id = await two_booked_one_waiting(db, clock)
    async with db.transaction() as session:
        assert await cancel_session(session, session_id, clock.now()) == 3
    inbox = Inbox()
    await sender_for(db, clock, inbox).run_once()
    files = {to: reply.attachment for to, reply in inbox.received}
    assert files["3"] is None  # the waiting list had no event in its calendar
    for who in ("1", "2"):
        attachment = files[who]
        assert attachment is not None
        assert attachment.filename.endswith("-annule.ics")
        assert attachment.caption == "Pour enlever l'atelier de votre agenda, touchez ce fichier."
        calendar, event = parsed(attachment)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1  # the booking's file had 0
        assert str(event["UID"]).startswith("booking-")
        assert not event.walk("VALARM")  # nothing rings for a cancelled session
    first, second = files["1"], files["2"]
    assert first is not None
    assert second is not None
    assert parsed(first)[1]["UID"] != parsed(second)[1]["UID"]


@pytest.fixture
async def telegram(
    database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[FakeBotApi, Runtime]]:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url, telegram_bot_token=api.token, telegram_api_base_url=api.base_url
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            yield api, runtime
        finally:
            await runtime.stop()


async def test_on_telegram_the_cancel_file_replaces_the_booking_file(
    telegram: tuple[FakeBotApi, Runtime],
) -> None:
    api, runtime = telegram
    session_id = await add_session(runtime.db)
    marie = api.user(961, "Marie")
    await book(marie, session_id)
    documents = [m.raw["document"] for m in api.bot_messages(marie.chat_id) if "document" in m.raw]
    [booked_file] = documents
    _, booked = parsed(api.files[booked_file["file_id"]].content)
    async with runtime.db.transaction() as session:
        await cancel_session(session, session_id, runtime.services.clock.now())
    since = len(api.calls)
    runtime.engine.wake()
    # One message: the file, the notice as its caption.
    calls = await api.wait_for_replies(marie.chat_id, since=since, min_count=1)
    texts = [str(call.params.get("text") or call.params.get("caption") or "") for call in calls]
    assert any("annulé" in text for text in texts), texts
    documents = [m.raw["document"] for m in api.bot_messages(marie.chat_id) if "document" in m.raw]
    cancel_file = documents[-1]
    assert cancel_file["file_id"] != booked_file["file_id"]
    calendar, event = parsed(api.files[cancel_file["file_id"]].content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == booked["UID"]
    assert event["SEQUENCE"] > booked["SEQUENCE"]
    assert event.start == booked.start  # type: ignore[attr-defined]


# --- a person cancels their own seat ---------------------------------------------------


async def test_cancelling_ones_own_seat_brings_the_file_that_removes_it(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db, capacity=1)
    settings = make_settings(db.url)
    flows = Conversations(db, settings, clock)
    marie, ali = Chat(flows, "1"), Chat(flows, "2", name="Ali")
    for chat in (marie, ali):
        await chat.say("bonjour")
    [booked_reply] = await marie.pick(f"by:{session_id}")
    assert booked_reply.attachment is not None
    _, booked = parsed(booked_reply.attachment)
    await ali.pick(f"w:{session_id}")
    async with db.transaction() as session:  # the session moves: a new file, SEQUENCE 1
        later = NOW + timedelta(days=3)
        zone, at = settings.zone, settings.reminder_time
        await move_session(session, session_id, later, clock.now(), zone=zone, at=at)

    await ali.say("annuler")
    [left_line] = await ali.say("oui")
    assert left_line.attachment is None  # a place in line was never in a calendar
    await marie.say("annuler")
    [done] = await marie.say("oui")
    assert done.text.startswith("C'est annulé.")
    assert done.attachment is not None
    assert done.attachment.filename.endswith("-annule.ics")
    calendar, event = parsed(done.attachment)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == booked["UID"]
    assert event["SEQUENCE"] == 2  # above the moved file's 1, itself above the booking's 0
    assert not event.walk("VALARM")


async def test_a_seat_booked_for_someone_else_came_with_no_file_and_leaves_none(
    db: Database, clock: FixedClock
) -> None:
    session_id = await add_session(db)
    marie = Chat(Conversations(db, make_settings(db.url), clock), "1")
    await marie.say("bonjour")
    await marie.pick(f"bo:{session_id}")
    await marie.say("Josiane")
    [for_her] = await marie.pick(f"bon:{session_id}")
    assert for_her.attachment is None
    await marie.say("annuler")
    [done] = await marie.say("oui")
    assert done.text.startswith("C'est annulé.")
    assert done.attachment is None


async def test_on_telegram_the_reminders_cancel_button_brings_the_cancel_file(
    telegram: tuple[FakeBotApi, Runtime], clock: FixedClock
) -> None:
    api, runtime = telegram
    session_id = await add_session(runtime.db)
    marie = api.user(962, "Marie")
    await book(marie, session_id)
    [booked_file] = [m.raw["document"] for m in marie.messages if "document" in m.raw]
    _, booked = parsed(api.files[booked_file["file_id"]].content)
    clock.set(DUE)
    async with asyncio.timeout(10):
        while not any("Petit rappel" in m.text for m in api.sent_to(marie.chat_id)):
            await runtime.engine.tick()
            await asyncio.sleep(0.05)
    await marie.press("Annuler ma place")
    since = len(api.calls)
    await marie.press("Oui, j'annule")
    calls = await api.wait_for_replies(marie.chat_id, since=since, min_count=1)
    assert any("C'est annulé." in str(call.params.get("caption", "")) for call in calls)
    documents = [m.raw["document"] for m in marie.messages if "document" in m.raw]
    assert len(documents) == 2
    calendar, event = parsed(api.files[documents[-1]["file_id"]].content)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert event["UID"] == booked["UID"]
    assert event["SEQUENCE"] > booked["SEQUENCE"]
