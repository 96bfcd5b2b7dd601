"""Messages not understood: kept scrubbed, shown to organisers, erased after 30 days."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import time
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from bot.cli import main
from core.clock import FixedClock
from core.seats.unread import MAX_LENGTH, forget_old, remember, scrub
from handlers.machinery.turns import Conversations
from models import Database, UnreadMessage
from tests.support.chat import Chat
from tests.support.dashboard import dashboard_settings, running_dashboard
from tests.support.factories import NOW, make_settings
from tests.support.hostile_texts import hostile_texts


async def test_organisers_see_the_last_30_days_and_old_ones_are_erased(
    database_url: str, clock: FixedClock
) -> None:
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        async with dashboard.db.transaction() as session:
            await remember(session, "je veu le truc pr ma tablette", "fr", NOW - timedelta(days=2))
            await remember(session, "vieux message", "fr", NOW - timedelta(days=40))
            await remember(session, "appelez moi au 06 12 34 56 78", "fr", NOW)
        assert (await dashboard.get("/not-understood")).status_code == 303  # login first
        await dashboard.login()
        page = unescape((await dashboard.get("/not-understood")).text)
        assert "je veu le truc pr ma tablette" in page
        assert "vieux message" not in page
        assert "06 12" not in page
        assert "/not-understood" in unescape((await dashboard.get("/sessions")).text)
        await forget_old(dashboard.db, NOW)  # the daily housekeeping may have run already
        assert await dashboard.count(UnreadMessage) == 2


async def test_the_housekeeping_erases_what_is_older_than_30_days(db: Database) -> None:
    async with db.transaction() as session:
        await remember(session, "hier", "fr", NOW - timedelta(days=1))
        await remember(session, "il y a 31 jours", "fr", NOW - timedelta(days=31))
    assert await forget_old(db, NOW) == 1
    assert await forget_old(db, NOW) == 0


async def test_a_message_not_understood_is_kept_without_its_writer(
    db: Database, clock: FixedClock
) -> None:
    async with db.transaction() as session:
        await remember(session, "Moi c'est Paul Martin, paul@mail.fr", "fr", NOW, "Paul Martin")
    async with db.transaction() as session:
        row = await session.get(UnreadMessage, 1)
    assert row is not None
    assert "Paul" not in row.text
    assert "@" not in row.text


def test_atelier_understand_prints_one_reading_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["bonjour", "3 stp", "", "n'effacez pas mes données", "je viendrai pas finalement"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["understand", "--language", "fr"]) == 0
    readings = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["intent"] for r in readings] == ["menu", "number", "unknown", "no", "cancel"]
    assert readings[1]["number"] == 3


def test_a_megabyte_of_hostile_text_is_scrubbed_at_once() -> None:
    started = time.perf_counter()
    for name, text in hostile_texts().items():
        clean = scrub("paul@mail.fr " + text, "Paul Martin")
        assert clean.startswith("[e-mail]"), name
        assert len(clean) <= MAX_LENGTH, name
    assert time.perf_counter() - started < 60  # a few seconds at most; it was hours


async def test_a_megabyte_message_is_answered_and_kept_cut(
    db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A hostile message through a whole turn: cut at its channel's limit before anything
    reads it, answered, and kept (scrubbed) like any message not understood."""
    conversations = Conversations(db, make_settings(db.url), clock)
    started = time.perf_counter()
    for channel, limit in (("telegram", 4096), ("sms", 1600), ("whatsapp", 4096)):
        person = Chat(conversations, "+33612345678", channel=channel, name="Paul")
        await person.say("bonjour")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="handlers.machinery.router"):
            for name, text in hostile_texts().items():
                await person.say(text)
                assert person.text, (channel, name)  # answered
        lengths = re.findall(r"text not understood \((\d+) characters\)", caplog.text)
        assert len(lengths) >= 8, channel
        assert set(lengths) == {str(limit)}, channel
    assert time.perf_counter() - started < 120  # a second or two; it was hours
    async with db.transaction() as session:
        kept = list((await session.execute(select(UnreadMessage.text))).scalars())
    assert kept
    assert all(0 < len(text) <= MAX_LENGTH for text in kept)


async def test_a_nul_in_a_message_or_a_name_is_dropped(db: Database, clock: FixedClock) -> None:
    """PostgreSQL cannot store a NUL: it is dropped as the event comes in, on any channel."""
    conversations = Conversations(db, make_settings(db.url), clock)
    person = Chat(conversations, "7", channel="telegram", name="Pa\x00ul")
    await person.say("bonjour")
    assert person.text.startswith("Bonjour Paul !")
    await person.say("blabla\x00 truc")
    assert person.text.startswith("Je n'ai pas compris.")
    async with db.transaction() as session:
        kept = list((await session.execute(select(UnreadMessage.text))).scalars())
    assert kept == ["blabla truc"]
