"""Browsing sessions: soonest first, a few per screen, filtered by audience, by number."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FixedClock
from handlers.machinery.turns import Conversations
from models import Database
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings


async def test_pages_and_audience_filter(sqlite_url: str, clock: FixedClock) -> None:
    db = Database(sqlite_url)
    try:
        for day, audience in enumerate(["seniors", "jeunes", "parents", "seniors", "tous"], 1):
            await add_session(
                db,
                title=f"Atelier {day} {audience}",
                audience=audience,
                starts_at=NOW + timedelta(days=day, hours=4),
            )
        await add_session(db, title="Passé", starts_at=NOW - timedelta(days=1))
        chat = Chat(Conversations(db, make_settings(sqlite_url, sessions_per_page=2), clock), "1")
        await chat.say("bonjour")
        await chat.say("ateliers")
        assert "page 1 sur 3" in chat.text
        assert chat.text.index("Atelier 1") < chat.text.index("Atelier 2")
        assert "Passé" not in chat.text
        await chat.press("Suite")
        assert "page 2 sur 3" in chat.text
        assert "Atelier 3 parents" in chat.text
        await chat.press("Avant")
        assert "page 1 sur 3" in chat.text
        await chat.press("Choisir pour qui")
        await chat.press("Pour les seniors")
        # Sessions for seniors, and those for everyone.
        assert "Atelier 1 seniors" in chat.text
        assert "Atelier 5 tous" not in chat.text  # on the next page
        assert "Atelier 2 jeunes" not in chat.text
        await chat.press("Suite")
        assert "Atelier 5 tous" in chat.text
        # A written number picks the numbered choice of the last screen.
        await chat.say("1")
        assert "« Atelier 5 tous »" in chat.text
        await chat.say("deux")  # "Retour aux ateliers" is second when a seat can be booked
        assert "Les prochains ateliers" in chat.text
    finally:
        await db.dispose()


async def test_no_session_yet(sqlite_url: str, clock: FixedClock) -> None:
    db = Database(sqlite_url)
    try:
        chat = Chat(Conversations(db, make_settings(sqlite_url), clock), "1")
        await chat.say("bonjour")
        await chat.press("Voir les ateliers")
        assert "Il n'y a pas d'atelier prévu" in chat.text
        assert chat.last[-1].flat_choices()[-1].data == "menu"
    finally:
        await db.dispose()
