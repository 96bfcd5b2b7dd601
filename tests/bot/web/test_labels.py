"""Learning from the organisers, over real HTTP against the running bot (SQLite, PostgreSQL):
similar messages grouped, a one-tap label checked by the gate, then understood in a
conversation; a harmful label refused with its reason; the weekly shares."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.seats import labels
from core.seats.booking import book_seat
from core.seats.labels import LearnedCache, keep_clarified
from core.seats.reminders import ReminderRule
from core.seats.unread import forget_old, remember
from core.understanding.reading import TextIntent
from handlers.machinery.turns import Conversations
from models import Booking, LearnedExample, Person, UnreadMessage, WeeklyReadings
from tests.support.chat import Chat
from tests.support.dashboard import Dashboard, dashboard_settings, running_dashboard
from tests.support.factories import NOW, add_session, make_settings

NOT_UNDERSTOOD = "Je n'ai pas compris."
NO_BOOKING = "Vous n'avez pas d'inscription pour le moment."


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's process starts with nothing learned."""
    monkeypatch.setattr(labels, "CACHE", LearnedCache())


@pytest.fixture
async def organiser(database_url: str, clock: FixedClock) -> AsyncIterator[Dashboard]:
    """The bot running with the dashboard, logged in."""
    async with running_dashboard(dashboard_settings(database_url), clock) as dashboard:
        assert (await dashboard.login()).status_code == 303
        yield dashboard


def chat(dashboard: Dashboard, clock: FixedClock, name: str = "Marie") -> Chat:
    """A person writing to the same running bot."""
    conversations = Conversations(dashboard.db, make_settings(dashboard.db.url), clock)
    return Chat(conversations, "+33612345678", channel="sms", name=name)


def page_text(html: str) -> str:
    """The page's words, tags removed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ").split())


def group_key(html: str, text: str) -> str:
    """The hidden key of the group whose text is ``text``."""
    found = re.search(
        rf">{re.escape(text)}</strong>.*?name=\"key\" value=\"([^\"]*)\"", unescape(html), re.S
    )
    assert found is not None, f"no group {text!r}"
    return found.group(1)


async def label(dashboard: Dashboard, key: str, intent: str) -> str:
    """Tap "C'était : …" on a group; the page shown after."""
    posted = await dashboard.post("/not-understood/label", {"key": key, "intent": intent})
    assert posted.status_code == 303
    return page_text((await dashboard.get("/not-understood")).text)


async def learned_rows(dashboard: Dashboard) -> list[tuple[str, str, str, str]]:
    """Every learned example as stored."""
    async with dashboard.db.transaction() as session:
        rows = await session.execute(
            select(
                LearnedExample.text,
                LearnedExample.language,
                LearnedExample.intent,
                LearnedExample.source,
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_group_labelled_in_one_tap_is_then_understood(
    organiser: Dashboard, clock: FixedClock
) -> None:
    person = chat(organiser, clock, name="Paul Martin")
    await person.say("bonjour")
    for text in ("mes trucs stp", "mes trucs stp", "mes trucss stp"):
        await person.say(text)
        assert person.text.startswith(NOT_UNDERSTOOD)
    async with organiser.db.transaction() as session:
        await remember(session, "blabla truc", "fr", NOW)

    html = (await organiser.get("/not-understood")).text
    shown = page_text(html)
    assert "mes trucs stp (3 fois, fr" in shown  # the near-duplicate is in the same group
    assert "blabla truc (1 fois" in shown
    assert "C'était : voir les ateliers mes inscriptions annuler une place" in shown
    assert "Paul" not in shown

    after = await label(organiser, group_key(html, "mes trucs stp"), "my_bookings")
    assert "C'est noté. Ces messages seront compris comme « mes inscriptions »." in after
    assert "mes trucs stp (3 fois" not in after  # understood now: no longer to label
    assert "blabla truc" in after

    await person.say("mes trucs stp")
    assert person.text == NO_BOOKING
    await person.say("mes trucs stp !!")  # nearly the same words
    assert person.text == NO_BOOKING
    await person.say("pas mes trucs stp")  # a negation the label did not have
    assert person.text != NO_BOOKING

    stored = await learned_rows(organiser)
    assert {row[0] for row in stored} == {"mes trucs stp", "mes trucss stp"}
    assert {row[1:] for row in stored} == {("fr", "my_bookings", "organiser")}


async def test_a_harmful_label_is_refused_with_its_reason_and_nothing_changes(
    organiser: Dashboard, clock: FixedClock
) -> None:
    async with organiser.db.transaction() as session:
        await remember(session, "merci beaucoup", "fr", NOW)
        await remember(session, "mes trucs stp", "fr", NOW)
    html = (await organiser.get("/not-understood")).text

    refused = await label(organiser, group_key(html, "merci beaucoup"), "cancel")
    assert (
        "Ce choix est refusé. Un message de contrôle serait lu « annuler une place » "
        "au lieu de « rien de clair ». C'est trop risqué. Rien n'a changé." in refused
    )
    assert "merci beaucoup (1 fois" in refused  # still there, still to label
    assert await learned_rows(organiser) == []
    person = chat(organiser, clock)
    await person.say("bonjour")
    await person.say("merci beaucoup")
    assert "annuler" not in person.text.casefold()

    for forbidden in ("yes", "stop", "number", "unknown", "nonsense"):
        answer = await label(organiser, group_key(html, "mes trucs stp"), forbidden)
        assert "Ce choix ne peut pas être appris. Rien n'a changé." in answer
    gone = await label(organiser, "plus rien ici", "help")
    assert "Ces messages ne sont plus dans la liste." in gone
    no_token = await organiser.post(
        "/not-understood/label",
        {"key": group_key(html, "mes trucs stp"), "intent": "my_bookings"},
        token=None,
    )
    assert no_token.status_code == 403
    assert await learned_rows(organiser) == []
    assert await organiser.count(UnreadMessage) == 3  # and the person's own, still not understood


async def test_a_label_learned_on_one_instance_reaches_the_other(
    organiser: Dashboard, clock: FixedClock
) -> None:
    other = LearnedCache()  # the second instance's memory of what was learned
    async with organiser.db.transaction() as session:
        assert not await other.current(session, clock.now())
        await remember(session, "mes trucs stp", "fr", NOW)
    await label(
        organiser,
        group_key((await organiser.get("/not-understood")).text, "mes trucs stp"),
        "my_bookings",
    )
    async with organiser.db.transaction() as session:
        clock.advance(timedelta(seconds=5))
        assert not await other.current(session, clock.now())  # checked a moment ago
        clock.advance(labels.CHECK_EVERY)
        assert len(await other.current(session, clock.now())) >= 1


async def test_each_week_shows_the_shares_understood_clarified_and_not_understood(
    organiser: Dashboard, clock: FixedClock
) -> None:
    person = chat(organiser, clock)
    for text in ("bonjour", "les ateliers", "blabla truc", "mes inscriptions"):
        await person.say(text)
    async with organiser.db.transaction() as session:
        verdict = await keep_clarified(session, "mon planing stp", "fr", "my_bookings", NOW)
        assert verdict.accepted
        refused = await keep_clarified(session, "ok ok ok", "fr", "yes", NOW)
        assert not refused.accepted
    clock.advance(timedelta(weeks=1))
    english = Chat(
        Conversations(organiser.db, make_settings(organiser.db.url), clock),
        "+447700900123",
        channel="sms",
        language="en",
    )
    await english.say("hello")
    await english.say("mon planing stp")  # learned from the clarified answer

    shown = page_text((await organiser.get("/not-understood")).text)
    assert "Messages compris, chaque semaine" in shown
    last_week = NOW.date() - timedelta(days=NOW.weekday())
    this_week = last_week + timedelta(weeks=1)
    # 4 read: 1 not understood, 2 clarified (the lead's clarifying question), 1 at once
    assert f"{last_week:%d/%m/%Y} fr 4 25 % 50 % 25 %" in shown
    assert f"{this_week:%d/%m/%Y} en 2 100 % 0 % 0 %" in shown
    async with organiser.db.transaction() as session:
        columns = set(WeeklyReadings.__table__.columns.keys())
        assert columns == {"id", "week", "language", "outcome", "count"}  # no text
        stored = await learned_rows(organiser)
    assert ("mon planing stp", "fr", "my_bookings", "clarified") in stored


async def test_labelling_keeps_the_30_day_expiry_and_no_person(
    organiser: Dashboard, clock: FixedClock
) -> None:
    async with organiser.db.transaction() as session:
        await remember(session, "mes trucs stp", "fr", NOW - timedelta(days=40))
        await remember(session, "Rose Dupont au 0612345678 mes trucs", "fr", NOW, "Rose Dupont")
    html = (await organiser.get("/not-understood")).text
    await label(organiser, group_key(html, "[nom] [nom] au [numéro] mes trucs"), "my_bookings")
    await forget_old(organiser.db, NOW)  # the daily housekeeping may have run already
    assert await organiser.count(UnreadMessage) == 0
    stored = await learned_rows(organiser)
    assert stored == [("[nom] [nom] au [numéro] mes trucs", "fr", "my_bookings", "organiser")]


async def test_a_learned_cancel_only_opens_the_confirmation(
    organiser: Dashboard, clock: FixedClock
) -> None:
    session_id = await add_session(organiser.db)
    person = chat(organiser, clock)
    await person.say("bonjour")
    async with organiser.db.transaction() as session:
        marie = (
            await session.execute(select(Person).where(Person.external_id == "+33612345678"))
        ).scalar_one()
        rule = ReminderRule.of(make_settings(organiser.db.url))
        await book_seat(session, marie, session_id, NOW, rule)
    await person.say("chui coincé jeudi dsl")
    assert person.text.startswith(NOT_UNDERSTOOD)
    html = (await organiser.get("/not-understood")).text
    learned = await label(organiser, group_key(html, "chui coincé jeudi dsl"), "cancel")
    assert "compris comme « annuler une place »" in learned

    await person.say("chui coincé jeudi dsl")
    assert person.text.startswith("Voulez-vous vraiment annuler votre place ?")
    async with organiser.db.transaction() as session:
        statuses = list((await session.execute(select(Booking.status))).scalars())
    assert statuses == ["booked"]  # asked, not done


async def test_a_wrong_example_is_removed_and_forgotten_at_once(
    organiser: Dashboard, clock: FixedClock
) -> None:
    async with organiser.db.transaction() as session:
        await remember(session, "mes trucs stp", "fr", NOW)
    html = (await organiser.get("/not-understood")).text
    shown = await label(organiser, group_key(html, "mes trucs stp"), "workshops")
    assert "Message Compris comme Appris de Jour Retirer mes trucs stp voir les ateliers" in shown
    person = chat(organiser, clock)
    await person.say("bonjour")
    await person.say("mes trucs stp")
    assert not person.text.startswith(NOT_UNDERSTOOD)

    page = (await organiser.get("/not-understood")).text
    example_id = re.search(r'name="id" value="(\d+)"', page)
    assert example_id is not None
    removed = await organiser.post("/not-understood/unlearn", {"id": example_id.group(1)})
    assert removed.status_code == 303
    after = page_text((await organiser.get("/not-understood")).text)
    assert "Exemple retiré. Le bot ne le lit plus ainsi." in after
    assert "Le bot n'a encore rien appris ici." in after
    await person.say("mes trucs stp")
    assert person.text.startswith(NOT_UNDERSTOOD)
    forged = await organiser.post("/not-understood/unlearn", {"id": "x"})
    assert forged.status_code == 404


async def test_a_group_with_nothing_left_once_scrubbed_is_not_learned(
    organiser: Dashboard, clock: FixedClock
) -> None:
    async with organiser.db.transaction() as session:
        await remember(session, "0612345678", "fr", NOW)
        verdict = await labels.teach(session, [("  ", "fr")], TextIntent.HELP, "organiser", NOW)
    assert not verdict.learnable
    assert not verdict.accepted
    html = (await organiser.get("/not-understood")).text
    shown = await label(organiser, group_key(html, "[numéro]"), "help")
    assert "Ce choix ne peut pas être appris. Rien n'a changé." in shown
    assert await learned_rows(organiser) == []
