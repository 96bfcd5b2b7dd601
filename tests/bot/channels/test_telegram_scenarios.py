"""Whole conversations on Telegram: the real Application polls a Bot API server on loopback."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.runtime import Runtime
from core.clock import FixedClock
from models import Booking, BookingStatus, Database, Person, WorkshopSession
from tests.support.bot_api import FakeBotApi, FakeUser
from tests.support.factories import add_session, make_settings

CANCEL_PHRASES = ["annuler", "ANNULER", "anuler", "je ne peux pas venir", "/annuler"]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


class Harness:
    """The bot under test, restartable on the same database."""

    def __init__(self, api: FakeBotApi, url: str, clock: FixedClock) -> None:
        self.api = api
        self.url = url
        self.clock = clock
        self.db = Database(url)
        self.bot: Runtime | None = None

    async def start(self) -> None:
        settings = make_settings(
            self.url,
            telegram_bot_token=self.api.token,
            telegram_api_base_url=self.api.base_url,
            offer_expiry_minutes=60,
        )
        self.bot = Runtime(settings, self.clock, poll_timeout=1)
        await self.bot.start()

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    async def bookings(self, status: BookingStatus) -> int:
        async with self.db.transaction() as session:
            query = select(func.count()).where(Booking.status == status)
            return int((await session.execute(query)).scalar_one())


@pytest.fixture
async def harness(api: FakeBotApi, database_url: str, clock: FixedClock) -> AsyncIterator[Harness]:
    running = Harness(api, database_url, clock)
    await running.start()
    yield running
    await running.stop()
    await running.db.dispose()


async def book(user: FakeUser, session_id: int) -> None:
    """Book a seat as a person would from a deep link: open, book, confirm."""
    await user.say(f"/start s{session_id}")
    replies = await user.press("Oui, je réserve")
    assert "C'est réservé" in replies[0].text


async def test_book_a_seat_with_buttons(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db, capacity=4)
    marie = api.user(501, "Marie")
    welcome = await marie.say("coucou", min_replies=2)  # the keyboard's note, then the welcome
    assert welcome[-1].text.startswith("Bonjour Marie !")
    assert "Je garde votre prénom et vos inscriptions" in welcome[-1].text
    assert welcome[-1].labels == [
        "📅 Voir les ateliers",
        "🎟️ Mes inscriptions",
        "❓ Aide",
        "🌐 Langue / Language",
    ]
    listing = await marie.press("Voir les ateliers")
    assert "mercredi 6 janvier à 14 h" in listing[-1].text
    assert "4 places libres" in listing[-1].text
    card = await marie.press("Prendre en main son smartphone")
    assert "Durée : 2 heures" in card[-1].text
    assert "Angle rue Serpenoise" in card[-1].text
    prompt = await marie.press("Réserver")
    assert "C'est bien ça ?" in prompt[-1].text
    assert "« Prendre en main son smartphone »" in prompt[-1].text
    assert "Boutique Orange Metz" in prompt[-1].text
    done = await marie.press("Oui, je réserve")
    assert "C'est réservé" in done[0].text
    assert "écrivez « annuler »" in done[0].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1
    assert session_id
    # Every button the bot sent fits Telegram's 64-byte limit for callback data.
    for call in api.calls:
        markup = call.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                assert len(button["callback_data"].encode()) <= 64


async def test_english_speakers_get_english(api: FakeBotApi, harness: Harness) -> None:
    john = api.user(502, "John", language_code="en")
    replies = await john.say("hi", min_replies=2)
    assert replies[-1].text.startswith("Hello John!")
    assert "📅 See the workshops" in replies[-1].labels


async def test_full_waiting_list_and_promotion(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db, capacity=1)
    first, second = api.user(601, "Ana"), api.user(602, "Ben")
    await book(first, session_id)
    await second.say(f"/start s{session_id}")
    assert "complet" in second.last.text if second.last else False
    joined = await second.press("liste d'attente")
    assert "Vous êtes numéro 1" in joined[-1].text
    await first.say("annuler")
    cancelled = await first.press("Oui, j'annule")
    assert "C'est annulé" in cancelled[0].text
    # The scheduler's outbox sender tells the first in line, with buttons.
    since = 0
    offer = await api.wait_for_replies(second.chat_id, since=since, min_count=1, timeout=10)
    assert offer
    offer_message = second.last
    assert offer_message is not None
    assert "une place s'est libérée" in offer_message.text
    accepted = await second.press("Je prends la place")
    assert "C'est réservé" in accepted[0].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1
    assert await harness.bookings(BookingStatus.WAITING) == 0


async def test_my_bookings_and_cancel_by_button(api: FakeBotApi, harness: Harness) -> None:
    soon = await add_session(harness.db, capacity=2)
    full = await add_session(harness.db, title="Protéger ses données", capacity=1)
    other = api.user(701, "Zoé")
    await book(other, full)
    marie = api.user(702, "Marie")
    await book(marie, soon)
    await marie.say(f"/start s{full}")
    await marie.press("liste d'attente")
    await marie.say("menu")
    mine = await marie.press("Mes inscriptions")
    assert "Votre place est réservée." in mine[-1].text
    assert "Liste d'attente : vous êtes numéro 1." in mine[-1].text
    prompt = await marie.press("Annuler le numéro 1")
    assert "Voulez-vous vraiment annuler votre place ?" in prompt[-1].text
    assert "mercredi 6 janvier" in prompt[-1].text
    done = await marie.press("Oui, j'annule")
    assert "C'est annulé" in done[0].text
    assert done[-1].raw["document"]["file_name"].endswith("-annule.ics")  # out of the calendar
    assert await harness.bookings(BookingStatus.BOOKED) == 1  # Zoé's


@pytest.mark.parametrize("phrase", CANCEL_PHRASES)
async def test_cancel_by_writing(api: FakeBotApi, harness: Harness, phrase: str) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(801, "Marie")
    await book(marie, session_id)
    prompt = await marie.say(phrase)
    assert "Voulez-vous vraiment annuler votre place ?" in prompt[-1].text
    assert "« Prendre en main son smartphone »" in prompt[-1].text
    assert "mercredi 6 janvier à 14 h" in prompt[-1].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1  # nothing without a yes
    done = await marie.say("oui")
    assert "C'est annulé" in done[0].text
    assert await harness.bookings(BookingStatus.BOOKED) == 0


async def test_cancel_asks_which_when_there_are_several(api: FakeBotApi, harness: Harness) -> None:
    first = await add_session(harness.db)
    second = await add_session(harness.db, title="Faire ses démarches en ligne")
    marie = api.user(802, "Marie")
    await book(marie, first)
    await book(marie, second)
    which = await marie.say("je peux pas venir")
    assert "Quelle place voulez-vous annuler ?" in which[-1].text
    prompt = await marie.press("Faire ses démarches")
    assert "« Faire ses démarches en ligne »" in prompt[-1].text
    await marie.press("Non, je garde ma place")
    assert await harness.bookings(BookingStatus.BOOKED) == 2


async def test_deep_link_opens_the_session(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(901, "Marie")
    replies = await marie.say(f"/start s{session_id}")
    assert len(replies) == 1  # one message: the welcome's first lines, the card, the question
    assert replies[0].text.startswith("Bonjour Marie !")
    assert "Prendre en main son smartphone" in replies[0].text
    assert "mercredi 6 janvier à 14 h" in replies[0].text
    assert "Boutique Orange Metz" in replies[0].text
    assert "Voulez-vous réserver une place ?" in replies[0].text
    assert replies[0].labels[:2] == ["✅ Oui, je réserve", "📅 Voir les autres ateliers"]
    assert await harness.bookings(BookingStatus.BOOKED) == 0  # nothing without the yes
    unknown = await marie.say("/start s999999")
    assert "Je ne trouve pas cet atelier" in unknown[-1].text


async def test_unknown_input_gets_kind_help(api: FakeBotApi, harness: Harness) -> None:
    marie = api.user(902, "Marie")
    await marie.say("bonjour")
    for reply in (
        await marie.say("qsdkjfh qsdf"),
        await marie.say("😀" * 50),
        await marie.say("x" * 4000),
    ):
        assert "Je n'ai pas compris." in reply[-1].text
        assert "📅 Voir les ateliers" in reply[-1].labels
    assert "Merci pour l'image !" in (await marie.send_sticker())[-1].text
    assert "Je ne peux pas écouter les messages vocaux." in (await marie.send_voice())[-1].text
    assert "Je ne comprends que les messages écrits." in (await marie.send_photo())[-1].text
    assert "Voici comment faire." in (await marie.say("aide"))[-1].text
    assert "Voici comment faire." in (await marie.say("/help"))[-1].text
    assert "Que voulez-vous faire ?" in (await marie.say("menu"))[-1].text


async def test_restart_in_the_middle_of_a_booking(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(903, "Marie")
    await marie.say(f"/start s{session_id}")
    await harness.stop()
    await harness.start()
    done = await marie.say("oui")
    assert "C'est réservé" in done[0].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1


async def test_forged_buttons_change_nothing(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db)
    owner = api.user(904, "Ana")
    await book(owner, session_id)
    async with harness.db.transaction() as session:
        booking_id = (await session.execute(select(Booking.id))).scalar_one()
    intruder = api.user(905, "Eve")
    await intruder.say("bonjour")
    welcome = intruder.last
    assert welcome is not None
    for forged in (f"cy:{booking_id}", f"c:{booking_id}", "zzz", "by:-1", "by:1:2", "l:x"):
        since = len(api.calls)
        api.user_press(intruder.user_id, welcome.message_id, forged)
        calls = await api.wait_for_replies(intruder.chat_id, since=since)
        texts = [c.params.get("text", "") for c in calls]
        assert any("Je ne trouve pas" in t or "ne marche plus" in t for t in texts), texts
    assert await harness.bookings(BookingStatus.BOOKED) == 1


async def test_a_redelivered_update_changes_nothing(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db, capacity=3)
    marie = api.user(906, "Marie")
    await marie.say(f"/start s{session_id}")
    prompt = marie.last
    assert prompt is not None
    since = len(api.calls)
    confirm = api.user_press(marie.user_id, prompt.message_id, f"by:{session_id}")
    await api.wait_for_replies(marie.chat_id, since=since)
    since = len(api.calls)
    api.redeliver(confirm)
    calls = await api.wait_for_replies(marie.chat_id, since=since)
    # The retry is only acknowledged: no second message, no second booking.
    assert [call.method for call in calls] == ["answerCallbackQuery"]
    assert await harness.bookings(BookingStatus.BOOKED) == 1


async def test_a_past_session_button_is_refused(
    api: FakeBotApi, harness: Harness, clock: FixedClock
) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(907, "Marie")
    await marie.say(f"/start s{session_id}")
    clock.advance(timedelta(days=3))
    refused = await marie.press("Oui, je réserve")
    assert "déjà commencé" in refused[-1].text
    assert await harness.bookings(BookingStatus.BOOKED) == 0


async def test_the_reminder_arrives_the_day_before(
    api: FakeBotApi, harness: Harness, clock: FixedClock
) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(908, "Marie")
    await book(marie, session_id)
    since = len(api.calls)
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))  # Tuesday, 10 h in Metz
    await api.wait_for_replies(marie.chat_id, since=since)
    reminder = marie.last
    assert reminder is not None
    assert "votre atelier, c'est demain" in reminder.text
    thanks = await marie.press("Je serai là")
    assert "C'est noté" in thanks[-1].text
    # After a restart, later on, the reminder is not sent again.
    await harness.stop()
    clock.advance(timedelta(minutes=5))
    await harness.start()
    since = len(api.calls)
    await asyncio.sleep(1.0)  # five ticks of the sender (OUTBOX_POLL_SECONDS=0.2)
    assert [c for c in api.calls[since:] if c.method == "sendMessage"] == []


async def test_a_slow_answer_to_one_person_holds_up_only_that_person(
    api: FakeBotApi, harness: Harness
) -> None:
    await add_session(harness.db)
    marie, ali = api.user(931, "Marie"), api.user(932, "Ali")
    await marie.say("bonjour")
    await ali.say("bonjour")
    before = len(api.sent_to(marie.chat_id))
    api.delay_next("sendMessage", 2.0, chat_id=marie.chat_id)  # Telegram is slow for Marie
    api.user_text(marie.user_id, "aide")
    api.user_text(marie.user_id, "voir les ateliers")  # written before the first answer came
    answer = await ali.say("aide")
    assert "Voici comment faire" in answer[0].text
    assert len(api.sent_to(marie.chat_id)) == before  # Ali did not wait for Marie's answers
    await api.wait_for_replies(marie.chat_id, since=0, min_count=before + 2, quiet=0.5)
    first, second = (message.text for message in api.sent_to(marie.chat_id)[before:])
    assert "Voici comment faire" in first  # Marie's answers come in the order she wrote
    assert "Prendre en main son smartphone" in second


async def test_the_confirmation_comes_with_a_calendar_file(
    api: FakeBotApi, harness: Harness
) -> None:
    await add_session(harness.db)
    marie = api.user(909, "Marie")
    await marie.say("bonjour")
    await marie.press("Voir les ateliers")
    await marie.press("Prendre en main son smartphone")
    await marie.press("Réserver")
    done = await marie.press("Oui, je réserve")
    # One message: the file, with the confirmation as its caption.
    assert "C'est réservé" in done[-1].text
    document = done[-1].raw["document"]
    assert document["file_name"] == "atelier-2027-01-06.ics"
    assert done[-1].raw["caption"].startswith("C'est réservé ! Votre place vous attend.")
    calendar = Calendar.from_ical(api.files[document["file_id"]].content)
    [event] = calendar.events
    assert str(event["SUMMARY"]) == "Prendre en main son smartphone"
    assert event.start == datetime(2027, 1, 6, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert event.end - event.start == timedelta(hours=2)
    assert event.start.tzinfo is not None
    assert str(event.start.tzinfo) == "Europe/Paris"
    assert "Angle rue Serpenoise" in str(event["LOCATION"])
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=2)
    assert str(alarm["ACTION"]) == "DISPLAY"


async def test_the_command_menu_is_set_in_every_language(api: FakeBotApi, harness: Harness) -> None:
    by_language = {key[1]: [c["command"] for c in value] for key, value in api.commands.items()}
    assert set(by_language) >= {"", "fr", "en"}
    assert by_language["fr"][:3] == ["start", "ateliers", "inscriptions"]
    descriptions = {
        key[1]: {c["command"]: c["description"] for c in value}
        for key, value in api.commands.items()
    }
    assert descriptions["fr"]["ateliers"] == "Voir les ateliers"
    assert descriptions["en"]["workshops"] == "See the workshops"


async def test_a_keyboard_with_the_three_choices_stays_on_screen(
    api: FakeBotApi, harness: Harness
) -> None:
    await add_session(harness.db)
    marie = api.user(910, "Marie")
    replies = await marie.say("bonjour", min_replies=2)
    assert replies[0].keyboard == [["📅 Voir les ateliers"], ["🎟️ Mes inscriptions"], ["❓ Aide"]]
    [note] = [c for c in api.calls_for(910) if "keyboard" in c.params.get("reply_markup", {})]
    assert note.params["reply_markup"]["is_persistent"] is True
    listing = await marie.say("📅 Voir les ateliers")
    assert "Les prochains ateliers" in listing[-1].text
    mine = await marie.say("🎟️ Mes inscriptions")
    assert "Vous n'avez pas d'inscription" in mine[-1].text


async def test_the_confirmation_shows_the_place_on_a_map(api: FakeBotApi, harness: Harness) -> None:
    session_id = await add_session(harness.db)
    async with harness.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    marie = api.user(911, "Marie")
    await book(marie, session_id)
    # A link in the confirmation rather than one more message (a pin).
    assert not [c for c in api.calls_for(911) if c.method == "sendVenue"]
    confirmation = api.sent_to(911)[-1]
    assert "Boutique Orange Metz, Angle rue Serpenoise" in confirmation.text
    link = "https://www.openstreetmap.org/?mlat=49.1196&mlon=6.1757#map=18/49.1196/6.1757"
    assert f"Le lieu sur une carte : {link}" in confirmation.text


async def test_the_language_can_be_changed_and_is_remembered(
    api: FakeBotApi, harness: Harness
) -> None:
    marie = api.user(912, "Marie")
    await marie.say("bonjour")
    prompt = await marie.press("Langue / Language")
    assert "Choose your language." in prompt[-1].text
    assert {"Français", "English"} <= set(prompt[-1].labels)
    done = await marie.press("English")
    assert "I will speak English with you." in done[-1].text
    assert "📅 See the workshops" in done[-1].labels
    # Telegram still says "fr" in every update: the choice wins, and is kept.
    assert "What would you like to do?" in (await marie.say("menu"))[-1].text
    async with harness.db.transaction() as session:
        person = (await session.execute(select(Person))).scalar_one()
    assert person.language == "en"


async def test_a_question_mark_explains_the_step_more_simply(
    api: FakeBotApi, harness: Harness
) -> None:
    session_id = await add_session(harness.db)
    marie = api.user(913, "Marie")
    await marie.say(f"/start s{session_id}")
    explained = await marie.say("?")
    assert "Pour réserver une place, touchez « Oui, je réserve »." in explained[-1].text
    assert explained[-1].labels[:2] == ["✅ Oui, je réserve", "📅 Voir les autres ateliers"]
    lost = await marie.say("je ne sais pas")
    assert "Rien n'est réservé sans votre oui." in lost[-1].text
    assert await harness.bookings(BookingStatus.BOOKED) == 0  # nothing without the yes
    done = await marie.press("Oui, je réserve")
    assert "C'est réservé" in done[0].text


async def test_writing_a_title_even_approximately_opens_the_workshop(
    api: FakeBotApi, harness: Harness
) -> None:
    await add_session(harness.db, title="Protéger ses données personnelles")
    marie = api.user(914, "Marie")
    await marie.say("bonjour")
    card = await marie.say("proteger ses donees personelles")
    assert "« Protéger ses données personnelles »" in card[-1].text
    assert "Réserver une place" in " ".join(card[-1].labels)


@pytest.mark.parametrize(
    ("language", "yes", "not_cancel"),
    [("fr", "oui oui ça me va", "je ne veux pas annuler"),
     ("en", "yep sounds good", "don't cancel it"),
     ("ar", "wakha akid", "ما تلغيش"),
     ("tr", "evet tamam", "iptal etmeyin lütfen")],
)  # fmt: skip
async def test_answers_in_own_words_on_telegram(
    api: FakeBotApi, harness: Harness, language: str, yes: str, not_cancel: str
) -> None:
    session_id = await add_session(harness.db, capacity=4)
    person = api.user(700 + len(language) + len(yes), "Nour", language_code=language)
    card = await person.say(f"/start s{session_id}")  # the card asks: a written yes answers
    assert await harness.bookings(BookingStatus.BOOKED) == 0
    assert card[-1].buttons
    await person.say(yes)
    assert await harness.bookings(BookingStatus.BOOKED) == 1
    answer = await person.say(not_cancel)
    datas = [data or "" for reply in answer for row in reply.buttons for _, data in row]
    assert not [data for data in datas if data.startswith("cy:")]  # no "really cancel?"
    assert await harness.bookings(BookingStatus.BOOKED) == 1


COUNTED = ("sendMessage", "sendDocument", "sendVenue", "editMessageText", "editMessageReplyMarkup")


async def test_a_booking_from_start_takes_few_messages_and_keeps_what_matters(
    api: FakeBotApi, harness: Harness
) -> None:
    session_id = await add_session(harness.db, capacity=4)
    async with harness.db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    marie = api.user(512, "Marie")
    since = len(api.calls)
    await marie.say("/start", min_replies=2)
    # The hint that brings the keyboard comes first: later screens change at the bottom.
    hint, welcome = marie.messages
    assert "Les trois boutons en bas de l'écran" in hint.text
    assert hint.keyboard
    assert welcome.text.startswith("Bonjour Marie !")
    await marie.press("Voir les ateliers")
    await marie.press("Prendre en main son smartphone")
    await marie.press("Réserver")
    await marie.press("Oui, je réserve")
    assert "C'est bien ça ?" in marie.messages[1].text
    # The question answered keeps its buttons (taking them away would cost one more send):
    # a second tap says the seat is booked already, and books nothing twice.
    assert marie.messages[1].buttons

    # One message: the calendar file, the confirmation as its caption, the menu under it.
    confirmation = marie.messages[-1]
    assert confirmation.raw["document"]["file_name"].endswith(".ics")
    assert "C'est réservé" in confirmation.text
    assert "Boutique Orange Metz" in confirmation.text  # the place and its address
    assert "openstreetmap.org/?mlat=49.1196&mlon=6.1757" in confirmation.text  # the map
    assert "Mes inscriptions" in " ".join(confirmation.labels)
    assert len(marie.messages) == 3
    calls = [c.method for c in api.calls[since:] if c.ok and c.method in COUNTED]
    # Before: 2 sendMessage, 4 editMessageText, 1 sendDocument, 1 sendVenue (4 new messages);
    # then 2 sendMessage, 3 editMessageText, 1 editMessageReplyMarkup, 1 sendDocument.
    assert Counter(calls) == {"sendMessage": 2, "editMessageText": 3, "sendDocument": 1}
    question = marie.messages[1]
    again = await marie.press_on(question, "Oui, je réserve")
    assert "Vous êtes déjà inscrit à cet atelier." in again[-1].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1

    await marie.say("/start", min_replies=1)  # seen once: the hint does not come again
    assert len(marie.messages) == 4  # the second tap's answer replaced the question
    assert marie.messages[-1].text.startswith("Bonjour Marie !")


async def test_a_booking_from_a_poster_takes_two_messages_and_brings_the_keyboard(
    api: FakeBotApi, harness: Harness
) -> None:
    session_id = await add_session(harness.db, capacity=4)
    marie = api.user(514, "Marie")
    since = len(api.calls)
    (card,) = await marie.say(f"/start s{session_id}")
    assert card.text.startswith("Bonjour Marie !")
    assert "Je garde votre prénom et vos inscriptions" in card.text
    assert "« Prendre en main son smartphone »" in card.text or "Prendre en main" in card.text
    assert "Voulez-vous réserver une place ?" in card.text
    assert card.labels[:2] == ["✅ Oui, je réserve", "📅 Voir les autres ateliers"]
    assert await harness.bookings(BookingStatus.BOOKED) == 0  # nothing without the yes
    done = await marie.press("Oui, je réserve")
    assert await harness.bookings(BookingStatus.BOOKED) == 1
    # At once, a few words on the button pressed (not counted by Telegram's limits).
    toast = api.callback_answers[marie.last_query_id or ""]
    assert toast["text"] == "✅ C'est réservé ! La confirmation arrive."
    # One message: the calendar file, the confirmation as its caption, and the keyboard that
    # stays (its three main choices in place of the menu's buttons), its hint in the text.
    confirmation = done[-1]
    assert confirmation.raw["document"]["file_name"].endswith(".ics")
    assert "C'est réservé" in confirmation.text
    assert "trois boutons restent toujours là" in confirmation.text
    assert confirmation.keyboard
    assert len(marie.messages) == 2
    calls = [c.method for c in api.calls[since:] if c.ok and c.method in COUNTED]
    # Before: 2 sendMessage, 2 edits (the card into the question, its buttons taken away),
    # 1 sendDocument.
    assert Counter(calls) == {"sendMessage": 1, "sendDocument": 1}
    # The card keeps its buttons: a second tap books nothing and says so.
    again = await marie.press_on(card, "Oui, je réserve")
    assert "Vous êtes déjà inscrit à cet atelier." in again[-1].text
    assert await harness.bookings(BookingStatus.BOOKED) == 1
    await marie.say("/start")  # the keyboard came once: no note now
    assert marie.messages[-1].text.startswith("Bonjour Marie !")


async def test_a_confirmation_too_long_for_a_caption_comes_whole_with_its_file_after(
    api: FakeBotApi, harness: Harness
) -> None:
    session_id = await add_session(harness.db, capacity=4)
    async with harness.db.transaction() as session:  # every field as long as it may be
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.access = ("Entrez par la cour, puis prenez l'escalier B. " * 7)[:300]
        workshop.bring = ("Votre téléphone chargé, son code et vos mots de passe. " * 6)[:300]
        workshop.address = ("Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz. " * 6)[:300]
    marie = api.user(513, "Marie")
    await marie.say(f"/start s{session_id}")
    await marie.press("Oui, je réserve", min_replies=3, quiet=1.5, timeout=15)
    # The card asked: the confirmation replaces it, the file follows, then the keyboard (its
    # note too long for the caption, it comes alone).
    confirmation, document, note = marie.messages[-3:]
    assert "C'est réservé" in confirmation.text
    assert "Entrez par la cour" in confirmation.text  # nothing cut
    assert len(confirmation.text) > 1024
    assert document.raw["document"]["file_name"].endswith(".ics")
    assert document.text == "Pour ajouter l'atelier à votre agenda, touchez ce fichier."
    assert "trois boutons" in note.text
    assert note.keyboard
