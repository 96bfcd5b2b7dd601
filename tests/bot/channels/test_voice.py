"""The phone line: booking, cancelling, silences and reminder calls, over real HTTP.

The bot's server runs on loopback; a caller follows its TwiML as Twilio does (signed
requests, Gather actions, silences); Twilio's REST API is a loopback fake that records
the texts sent and the calls placed.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.voice.terminal import play
from bot.runtime import Runtime
from core.clock import FixedClock
from core.schedule.importer import import_schedule
from core.seats.alerts import CALL_BACK, ORGANISERS
from core.seats.housekeeping import PROVIDER_ID_MEMORY, forget_old_calls
from core.seats.people import find_person
from handlers.renderers.notice_texts import render_notice
from handlers.voice.line import PhoneLine
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    VoiceCall,
)
from tests.support.factories import add_session, make_settings
from tests.support.phone import Caller, FakeTwilioVoice, Heard, parse

SID = "AC" + "0" * 32
TOKEN = "twilio-auth-token"
LINE = "+33970000000"
MARIE = "+33612345678"
LANDLINE = "+33387000000"  # a fixed line in Metz: cannot receive a text
PUBLIC = "https://line.example.org"
DUE = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)  # Tuesday 10 h in Metz: the reminder's time
TITLE = "Prendre en main son smartphone"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilioVoice]:
    async with FakeTwilioVoice(SID, TOKEN) as fake:
        yield fake


@asynccontextmanager
async def running(
    twilio: FakeTwilioVoice, database_url: str, clock: FixedClock, **more: object
) -> AsyncIterator[Runtime]:
    """The bot with SMS and the phone line set up, on loopback."""
    settings = make_settings(
        database_url,
        http_port=0,
        public_base_url=PUBLIC,
        sms_provider="twilio",
        sms_rate_per_second=200,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_from_number="+33700000000",
        twilio_api_base_url=twilio.base_url,
        twilio_voice_number=LINE,
        voice_shop_name="Boutique Orange Metz",
        admin_telegram_ids=[42],
        **more,
    )
    bot = Runtime(settings, clock, telegram_enabled=False)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def runtime(
    twilio: FakeTwilioVoice, database_url: str, clock: FixedClock
) -> AsyncIterator[Runtime]:
    async with running(twilio, database_url, clock) as bot:
        yield bot


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


def caller(runtime: Runtime, client: httpx.AsyncClient, number: str = MARIE) -> Caller:
    assert runtime.http is not None
    local = f"http://127.0.0.1:{runtime.http.port}"
    return Caller(client, local, PUBLIC, TOKEN, number, LINE)


async def bookings(db: Database, status: str) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(Booking).where(Booking.status == status)
        return int((await session.execute(query)).scalar_one())


async def book_by_keys(call: Caller) -> Heard:
    """Welcome, 1 (the workshops), 1 (this one), 1 (confirm): what the booked caller hears."""
    await call.dial()
    await call.press("1")
    await call.press("1")
    done = await call.press("1")
    assert "C'est réservé." in done.text
    return done


async def test_book_then_cancel_by_keys_alone(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice
) -> None:
    await add_session(runtime.db, capacity=4)
    call = caller(runtime, client)
    welcome = await call.dial()
    assert welcome.sentences[:2] == [
        "Bonjour. Ici la ligne des ateliers numériques gratuits.",
        "Les ateliers ont lieu à Boutique Orange Metz.",
    ]
    assert "Pour réserver une place, tapez 1." in welcome.sentences
    assert "Pour réécouter, tapez 9." in welcome.sentences
    assert "Pour être rappelé par un animateur, tapez 0." in welcome.sentences
    assert TITLE in welcome.hints
    assert "annuler" in welcome.hints
    assert welcome.language == "fr-FR"
    assert welcome.on_empty
    assert welcome.timeout >= 8

    workshop = await call.press("1")
    assert workshop.sentences[:4] == [
        "Atelier 1 sur 1.",
        f"{TITLE}.",
        "Le mercredi 6 janvier, à 14 heures.",
        "Il reste 4 places.",
    ]
    assert "Pour réserver cet atelier, tapez 1." in workshop.sentences
    confirm = await call.press("1")
    assert "Vous avez choisi cet atelier." in confirm.sentences
    assert "À Boutique Orange Metz." in confirm.sentences
    assert "Pour confirmer, tapez 1." in confirm.sentences
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 0  # nothing before the 1
    done = await call.press("1")  # the third key from the welcome books the seat
    assert done.sentences[:2] == ["C'est réservé. Votre place vous attend.", f"{TITLE}."]
    assert "Vous allez recevoir un SMS avec ces informations." in done.sentences
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1
    texts = await twilio.wait_for(MARIE, 1)
    assert TITLE in texts[0]
    assert "14 heures" in texts[0]

    # The same number by SMS is the same person: one person, on the phone line.
    async with runtime.db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Person))).scalar_one() >= 1
        person = await find_person(session, "sms", MARIE)
        assert person is not None
        assert person.channel == "voice"

    menu = await call.press("1")
    assert "Pour écouter ou annuler vos inscriptions, tapez 2." in menu.sentences
    mine = await call.press("2")
    assert mine.sentences[:3] == [
        "Inscription 1 sur 1.",
        f"{TITLE}.",
        "Le mercredi 6 janvier, à 14 heures.",
    ]
    ask = await call.press("1")
    assert ask.sentences[:2] == ["Vous voulez annuler votre place.", f"{TITLE}."]
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1  # asked, not done
    cancelled = await call.press("1")
    assert "C'est annulé. Votre place va à une autre personne." in cancelled.sentences
    assert await bookings(runtime.db, BookingStatus.CANCELLED) == 1
    goodbye = await call.silence()  # after a reply, a silence ends the call kindly
    assert goodbye.hung_up
    assert goodbye.sentences == ["Au revoir et à bientôt."]


async def test_booking_and_cancelling_by_voice_are_confirmed_first(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    first = caller(runtime, client)
    await first.dial()
    listing = await first.say("je voudrais réserver")
    assert listing.sentences[1] == f"{TITLE}."
    confirm = await first.say("oui")
    assert confirm.sentences[0] == "Vous avez choisi cet atelier."
    done = await first.say("oui, c'est bon")
    assert done.sentences[0] == "C'est réservé. Votre place vous attend."
    await first.hang_up()
    call = caller(runtime, client)
    await call.dial()
    ask = await call.say("je veux annuler")
    assert ask.sentences[:3] == [
        "Vous voulez annuler votre place.",
        f"{TITLE}.",
        "Le mercredi 6 janvier, à 14 heures.",
    ]
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1
    done = await call.say("oui")
    assert "C'est annulé. Votre place va à une autre personne." in done.sentences
    assert await bookings(runtime.db, BookingStatus.CANCELLED) == 1


async def test_silence_twice_then_goodbye_and_wrong_keys(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    call = caller(runtime, client)
    await call.dial()
    again = await call.silence()
    assert again.sentences[0] == "Je n'ai pas entendu votre réponse. Je répète, plus lentement."
    assert again.slow
    assert "Pour réserver une place, tapez 1." in again.sentences
    assert "Bonjour. Ici la ligne des ateliers numériques gratuits." not in again.sentences
    offer = await call.silence()
    assert offer.sentences == [
        "Je ne vous entends pas.",
        "Pour être rappelé par un animateur, tapez 0.",
        "Pour réécouter, tapez 9.",
        "Sinon, au revoir et à bientôt.",
    ]
    assert offer.action is not None  # still a question: never cut off mid-question
    goodbye = await call.silence()
    assert goodbye.hung_up
    assert goodbye.sentences[-1] == "Au revoir et à bientôt."
    async with runtime.db.transaction() as session:
        stored = await session.get(VoiceCall, call.sid)
        assert stored is not None
        assert not stored.open

    other = caller(runtime, client, "+33698765432")
    await other.dial()
    wrong = await other.press("7")
    assert wrong.sentences[0] == "Cette touche ne sert pas ici. Je répète, plus lentement."
    back = await other.press("1")  # a right key after a wrong one goes on as usual
    assert back.sentences[0] == "Atelier 1 sur 1."


async def test_nine_repeats_and_zero_asks_to_be_called_back(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    async with asyncio.timeout(5):  # the organisers' inbox is kept by the running engine
        while True:
            async with runtime.db.transaction() as session:
                if await find_person(session, ORGANISERS, ORGANISERS) is not None:
                    break
            await asyncio.sleep(0.05)
    call = caller(runtime, client)
    welcome = await call.dial()
    again = await call.press("9")
    assert again.sentences == welcome.sentences[2:]  # the menu again, not the welcome
    assert again.sentences[0] == "Que voulez-vous faire ?"
    told = await call.press("0")
    assert told.sentences[:2] == [
        "C'est noté. Nous avons prévenu l'équipe.",
        "Une personne vous rappelle dans les 2 jours, entre 9 heures et 19 heures.",
    ]
    # The organiser's copy (fanned out by the running sender) says who to call, and where.
    query = select(OutboxMessage).where(
        OutboxMessage.kind == CALL_BACK, OutboxMessage.key.contains(">")
    )
    async with asyncio.timeout(5):
        while True:
            async with runtime.db.transaction() as session:
                row = (await session.execute(query)).scalar_one_or_none()
                if row is not None:
                    organiser = await session.get(Person, row.person_id)
                    assert organiser is not None
                    said = await render_notice(
                        session, row, organiser, runtime.settings, runtime.services.clock.now()
                    )
                    break
            await asyncio.sleep(0.05)
    assert said is not None
    assert said.text == f"Une personne demande à être rappelée : une personne sans nom, au {MARIE}."


async def test_forged_or_unsigned_requests_are_refused(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    call = caller(runtime, client)
    params = {"CallSid": call.sid, "From": MARIE, "To": LINE}
    forged = await call.post(f"{PUBLIC}/voice/twilio", params, signature="bm90IGEgc2lnbmF0dXJl")
    assert forged.status_code == 403
    unsigned = await call.post(f"{PUBLIC}/voice/twilio", params, signature="")
    assert unsigned.status_code == 403
    step = await call.post(f"{PUBLIC}/voice/twilio/step?turn=0", params | {"Digits": "1"}, "x")
    assert step.status_code == 403
    async with runtime.db.transaction() as session:
        assert (
            await session.execute(select(func.count()).select_from(VoiceCall))
        ).scalar_one() == 0


async def test_replays_odd_input_and_a_second_call_change_nothing(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    call = caller(runtime, client)
    await call.dial()
    await call.press("1")
    confirm = await call.press("1")
    assert confirm.action is not None
    # Twilio retrying the same answer while the first is still being handled: one seat.
    twice = await asyncio.gather(
        *(call.post(confirm.action, call._params(Digits="1")) for _ in range(2))
    )
    assert [r.status_code for r in twice] == [200, 200]
    assert all("C'est réservé." in r.text for r in twice)
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1
    booked = parse(twice[0].text)
    call.heard = booked
    # The same "1" played again, to the question already answered: no second seat.
    replay = await call.post(confirm.action, call._params(Digits="1"))
    assert replay.status_code == 200
    assert "C'est réservé." in replay.text
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1
    # Keys that are no keys, huge fields, a missing CallSid: a clear answer each.
    weird = await call.press("12#<x>")
    assert weird.sentences[0] == "Cette touche ne sert pas ici. Je répète, plus lentement."
    huge = await call.post(booked.action or "", call._params(SpeechResult="a" * 70_000))
    assert huge.status_code == 413
    hidden = await call.post(f"{PUBLIC}/voice/twilio", {"CallSid": "CA" + "e" * 32})
    assert hidden.status_code == 200
    assert "Votre numéro est masqué." in hidden.text
    crowded = {f"Field{n}": "x" for n in range(200)} | call._params()
    assert (await call.post(f"{PUBLIC}/voice/twilio", crowded)).status_code == 400
    lost = await call.post(f"{PUBLIC}/voice/twilio/step?turn=0", {"From": MARIE})
    assert lost.status_code == 200
    assert "<Hangup" in lost.text
    # A call the line does not know (its state lost): it starts again at the welcome.
    stranger = caller(runtime, client, "+33611111111")
    stranger.heard = parse(
        f'<Response><Gather input="dtmf speech" action="{PUBLIC}/voice/twilio/step?turn=3"/>'
        "</Response>"
    )
    restarted = await stranger.press("1")
    assert restarted.sentences[0] == "Bonjour. Ici la ligne des ateliers numériques gratuits."
    # A second call from the same number while the first is on.
    second = caller(runtime, client)
    busy = await second.dial()
    assert busy.hung_up
    assert busy.sentences[0] == "Vous êtes déjà en ligne avec nous, sur un autre appel."


async def test_a_fixed_line_is_reminded_by_one_call_and_cancels_on_it(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice, clock: FixedClock
) -> None:
    await add_session(runtime.db)
    home = caller(runtime, client, LANDLINE)
    done = await book_by_keys(home)
    assert "C'est réservé. Votre place vous attend." in done.sentences
    assert "Vous allez recevoir un SMS avec ces informations." not in done.sentences

    clock.set(DUE)
    runtime.engine.wake()
    async with asyncio.timeout(10):
        while not twilio.calls:
            twilio._signal.clear()
            await twilio._signal.wait()
    placed = twilio.calls[0]
    assert placed.to == LANDLINE
    assert placed.from_ == LINE
    assert placed.url.startswith(f"{PUBLIC}/voice/twilio/reminder?booking=")
    assert placed.status_callback.startswith(f"{PUBLIC}/voice/twilio/status?booking=")
    assert twilio.to(LANDLINE) == []  # no text to a fixed line

    answer = Caller(client, home.local_base, PUBLIC, TOKEN, LANDLINE, LINE, outbound=True)
    reminder = await answer.pick_up(placed.url)
    assert reminder.sentences[:5] == [
        "Bonjour. Ici la ligne des ateliers numériques gratuits.",
        "Voici un rappel pour votre atelier.",
        f"{TITLE}.",
        "Le mercredi 6 janvier, à 14 heures.",
        "À Boutique Orange Metz, Angle rue Serpenoise et rue de la Chaplerue, 57000 Metz.",
    ]
    assert "Pour dire que vous venez, tapez 1." in reminder.sentences
    ask = await answer.press("2")
    assert ask.sentences[:2] == ["Vous voulez annuler votre place.", f"{TITLE}."]
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1
    done = await answer.press("1")
    assert done.hung_up
    assert done.sentences[0] == "C'est annulé. Votre place va à une autre personne."
    assert await bookings(runtime.db, BookingStatus.CANCELLED) == 1

    runtime.engine.wake()  # placed once: no second call
    await asyncio.sleep(0.3)
    assert len(twilio.calls) == 1


async def placed_calls(twilio: FakeTwilioVoice, count: int) -> None:
    async with asyncio.timeout(10):
        while len(twilio.calls) < count:
            twilio._signal.clear()
            await twilio._signal.wait()


async def test_a_reminder_due_after_calling_hours_waits_for_the_morning(
    twilio: FakeTwilioVoice, database_url: str, clock: FixedClock, client: httpx.AsyncClient
) -> None:
    async with running(twilio, database_url, clock, reminder_time=time(20, 0)) as bot:
        await add_session(bot.db)
        await book_by_keys(caller(bot, client, LANDLINE))
        clock.set(datetime(2027, 1, 5, 19, 0, tzinfo=UTC))  # Tuesday 20 h in Metz: too late
        bot.engine.wake()
        await asyncio.sleep(0.8)
        assert twilio.calls == []
        async with bot.db.transaction() as session:
            query = select(OutboxMessage.status).where(OutboxMessage.kind == "reminder")
            assert (await session.execute(query)).scalar_one() == OutboxStatus.PENDING
        clock.set(datetime(2027, 1, 6, 8, 0, tzinfo=UTC))  # Wednesday 9 h: the line opens
        bot.engine.wake()
        await placed_calls(twilio, 1)
        assert twilio.calls[0].to == LANDLINE


async def test_the_phone_demo_books_with_three_keys(sqlite_url: str, clock: FixedClock) -> None:
    settings = make_settings(sqlite_url)
    db = Database(sqlite_url)
    await add_session(db)
    typed = iter(["1", "1", "1", ""])
    out = io.StringIO()
    spoken: list[str] = []

    async def speak(sentence: str, language: str) -> None:
        spoken.append(sentence)

    try:
        await play(PhoneLine(db, settings, clock), lambda: next(typed, None), out, speak)
    finally:
        await db.dispose()
    heard = out.getvalue()
    assert "« Pour réserver une place, tapez 1. »" in heard
    assert "« C'est réservé. Votre place vous attend. »" in heard
    assert heard.rstrip().endswith("(la ligne raccroche / the line hangs up)")
    assert spoken[0] == "Bonjour. Ici la ligne des ateliers numériques gratuits."
    assert spoken[1] == "Les ateliers ont lieu à Boutique Orange Metz."  # the next venue


async def test_an_unanswered_reminder_call_is_placed_again_twice_at_most(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice, clock: FixedClock
) -> None:
    await add_session(runtime.db)
    await book_by_keys(caller(runtime, client, LANDLINE))
    clock.set(DUE)
    runtime.engine.wake()
    await placed_calls(twilio, 1)
    for attempt in range(1, 4):
        placed = twilio.calls[-1]
        nobody = Caller(client, "", PUBLIC, TOKEN, LANDLINE, LINE, outbound=True)
        nobody.local_base = caller(runtime, client).local_base
        status = nobody._params(CallStatus="no-answer")
        for _ in range(2):  # Twilio may tell it twice: one new call only
            response = await nobody.post(placed.status_callback, status)
            assert response.status_code == 204
        clock.set(DUE + timedelta(hours=2 * attempt, minutes=1))
        runtime.engine.wake()
        if attempt < 3:
            await placed_calls(twilio, attempt + 1)
        else:
            await asyncio.sleep(0.5)
    assert len(twilio.calls) == 3  # the first call, then two more

    # An answering machine hears the reminder and how to cancel, and no question.
    machine = Caller(client, "", PUBLIC, TOKEN, LANDLINE, LINE, outbound=True)
    machine.local_base = caller(runtime, client).local_base
    response = await machine.post(
        twilio.calls[-1].url, machine._params(AnsweredBy="machine_end_beep")
    )
    assert "Pour annuler votre place, rappelez ce numéro." in response.text
    assert "<Gather" not in response.text
    assert "<Hangup" in response.text


@pytest.mark.parametrize("hours", ["19:00-09:00", "9h-19h", "09:00-25:00", ""])
def test_calling_hours_must_be_a_morning_to_evening_span(hours: str) -> None:
    with pytest.raises(ValueError, match="VOICE_CALL_HOURS"):
        make_settings("sqlite+aiosqlite://", voice_call_hours=hours)


def test_calling_hours_are_read_as_local_times() -> None:
    settings = make_settings("sqlite+aiosqlite://", voice_call_hours="9:30 - 18:00")
    assert settings.call_hours == (time(9, 30), time(18, 0))


async def test_calls_are_forgotten_once_no_replay_can_find_them(
    runtime: Runtime, client: httpx.AsyncClient, clock: FixedClock
) -> None:
    call = caller(runtime, client)
    await call.dial()
    assert await forget_old_calls(runtime.db, clock.now() + PROVIDER_ID_MEMORY) == 0
    later = clock.now() + PROVIDER_ID_MEMORY + timedelta(days=1)
    assert await forget_old_calls(runtime.db, later) == 1


async def test_a_mobile_caller_is_reminded_by_text_not_by_call(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice, clock: FixedClock
) -> None:
    await add_session(runtime.db)
    await book_by_keys(caller(runtime, client))
    await twilio.wait_for(MARIE, 1)  # the booking, in writing
    clock.set(DUE)
    runtime.engine.wake()
    texts = await twilio.wait_for(MARIE, 2)
    assert TITLE in texts[1]
    assert "mercredi 6 janvier" in texts[1]
    assert twilio.calls == []


async def test_a_call_counts_as_being_seen(
    runtime: Runtime, client: httpx.AsyncClient, clock: FixedClock
) -> None:
    first = caller(runtime, client)
    await first.dial()
    await first.hang_up()
    clock.advance(timedelta(days=300))
    await caller(runtime, client).dial()
    async with runtime.db.transaction() as session:
        person = await find_person(session, "voice", MARIE)
        assert person is not None
        assert person.last_seen_at == clock.now()  # not erased as silent for months


PREMIUM = "+33899123456"  # a premium-rate number: a faked caller id earns its owner money
FAR_MOBILE = "+2250707123456"  # a mobile far from the allowed regions


async def reminder_status(db: Database) -> str:
    async with db.transaction() as session:
        query = select(OutboxMessage.status).where(OutboxMessage.kind == "reminder")
        return str((await session.execute(query)).scalar_one())


@pytest.mark.parametrize("number", [PREMIUM, FAR_MOBILE])
async def test_a_faked_caller_number_is_never_texted_nor_called(
    runtime: Runtime,
    client: httpx.AsyncClient,
    twilio: FakeTwilioVoice,
    clock: FixedClock,
    number: str,
) -> None:
    await add_session(runtime.db)
    call = caller(runtime, client, number)
    done = await book_by_keys(call)
    assert "Vous allez recevoir un SMS avec ces informations." not in done.sentences
    clock.set(DUE)
    runtime.engine.wake()
    async with asyncio.timeout(10):  # polled until the sender has given it up
        while True:
            if await reminder_status(runtime.db) == OutboxStatus.FAILED:
                break
            await asyncio.sleep(0.05)
    assert twilio.calls == []
    assert twilio.to(number) == []


async def test_a_fixed_line_not_reached_by_a_notice_alerts_the_organisers(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice
) -> None:
    from core.seats.session_changes import cancel_session

    session_id = await add_session(runtime.db)
    await book_by_keys(caller(runtime, client, LANDLINE))
    async with runtime.db.transaction() as session:
        await cancel_session(session, session_id, runtime.services.clock.now())
    runtime.engine.wake()
    async with asyncio.timeout(10):
        while True:
            async with runtime.db.transaction() as session:
                query = select(OutboxMessage.kind, OutboxMessage.status)
                rows = {kind: status for kind, status in await session.execute(query)}
            if rows.get("session_cancelled") == OutboxStatus.FAILED:
                break
            await asyncio.sleep(0.05)
    assert twilio.calls == []  # never marked "sent" while nobody was told


async def test_an_opted_out_caller_gets_no_text(
    runtime: Runtime, client: httpx.AsyncClient, twilio: FakeTwilioVoice
) -> None:
    await add_session(runtime.db)
    first = caller(runtime, client)
    await first.dial()  # the person is known by their number; then STOP, by text
    await first.hang_up()
    async with runtime.db.transaction() as session:
        person = await session.scalar(select(Person).where(Person.external_id == MARIE))
        assert person is not None
        person.opted_out = True
    again = caller(runtime, client)
    done = await book_by_keys(again)
    assert "Vous allez recevoir un SMS avec ces informations." not in done.sentences
    runtime.engine.wake()
    await asyncio.sleep(0.3)
    assert twilio.to(MARIE) == []


def test_characters_xml_cannot_hold_are_never_said() -> None:
    from xml.etree import ElementTree

    from bot.channels.voice.twiml import twiml
    from core.seats.field_limits import has_control_character
    from handlers.voice.prompts import Prompt

    title = "Atelier\ufffe numérique\x01"
    assert has_control_character(title)  # refused at the import and in the form
    prompt = Prompt(sentences=(f"{title}.",), hints=(title,), language="fr", listen=True)
    ElementTree.fromstring(twiml(prompt, "https://line.example.org/voice/twilio/step"))


async def test_a_caller_cut_off_mid_menu_who_calls_back_is_answered(
    runtime: Runtime, client: httpx.AsyncClient, clock: FixedClock
) -> None:
    first = caller(runtime, client)
    await first.dial()  # then the line drops, and no status callback says so
    again = caller(runtime, client)
    assert (await again.dial()).hung_up  # at once: taken for a call still on
    clock.advance(timedelta(seconds=46))  # a call that is on would have posted by now
    later = caller(runtime, client)
    welcome = await later.dial()
    assert not welcome.hung_up
    assert welcome.sentences[0] == "Bonjour. Ici la ligne des ateliers numériques gratuits."


THREE_TOWNS = (
    "titre;date;heure;durée;places;lieu;adresse;public\n"
    "Smartphone à Metz;05/01/2027;14h;90;8;Boutique Orange;Rue Serpenoise, 57000 Metz;tous\n"
    "Tablette à Woippy;06/01/2027;10h;90;8;Médiathèque;2 rue de Metz, 57140 Woippy;tous\n"
    "Mails à Thionville;07/01/2027;9h;90;8;Centre social;1 place, 57100 Thionville;tous\n"
)


async def test_the_line_asks_the_town_by_number_or_by_name(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    async with runtime.db.transaction() as session:
        await import_schedule(session, THREE_TOWNS, ZoneInfo("Europe/Paris"))
    call = caller(runtime, client)
    await call.dial()
    asked = await call.press("1")
    assert asked.sentences[0].startswith("Dans quelle ville cherchez-vous un atelier ?")
    assert "Pour Metz, tapez 1." in asked.sentences
    assert "Pour Thionville, tapez 2." in asked.sentences
    assert "Pour Woippy, tapez 3." in asked.sentences
    assert "Thionville" in asked.hints
    first = await call.press("2")
    assert first.sentences[:2] == ["Atelier 1 sur 3.", "Mails à Thionville."]
    assert "Pour changer de ville, tapez 4." in first.sentences
    again = await call.press("4")
    assert "Pour Woippy, tapez 3." in again.sentences
    unknown = await call.say("Bruxelles")
    assert unknown.sentences[0] == "Désolé, je n'ai pas trouvé ce lieu."
    said = await call.say("à côté de Woippy")
    assert said.sentences[:2] == ["Atelier 1 sur 3.", "Tablette à Woippy."]
    # Remembered: the next call goes straight to Woippy's workshops.
    await call.hang_up()
    second = caller(runtime, client)
    await second.dial()
    straight = await second.press("1")
    assert straight.sentences[:2] == ["Atelier 1 sur 3.", "Tablette à Woippy."]


async def test_an_unsure_spoken_cancel_is_asked_about_with_keys_first(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    await book_by_keys(first := caller(runtime, client))
    await first.hang_up()
    call = caller(runtime, client)
    await call.dial()
    asked = await call.say("euh je pense pas pouvoir venir euh")  # a cancel, not read for sure
    assert asked.sentences[:3] == [
        "Je ne suis pas sûr d'avoir compris.\nVous voulez :",
        "Pour annuler votre place, tapez 1.",
        "Pour écouter ou annuler vos inscriptions, tapez 2.",
    ]
    confirm = await call.press("1")
    assert confirm.sentences[0] == "Vous voulez annuler votre place."
    assert await bookings(runtime.db, BookingStatus.BOOKED) == 1


async def test_a_spoken_yes_with_the_act_named_answers_the_question_on_the_line(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await add_session(runtime.db)
    call = caller(runtime, client)
    await call.dial()
    await call.press("1")
    confirm = await call.say("ouais je prends")
    assert confirm.sentences[0] == "Vous avez choisi cet atelier."
    done = await call.press("1")
    assert "C'est réservé." in done.text
    await call.hang_up()
    again = caller(runtime, client)
    await again.dial()
    ask = await again.say("je veux annuler")
    assert ask.sentences[0] == "Vous voulez annuler votre place."
    await again.say("oui annulez")
    assert await bookings(runtime.db, BookingStatus.CANCELLED) == 1


async def test_a_workshop_described_aloud_is_the_one_chosen_or_asked_about(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    described = (
        ("Bien utiliser WhatsApp", "Envoyer des messages, des photos et des messages vocaux."),
        ("Appeler ses proches en vidéo", "Voir et parler à sa famille à distance."),
        ("Faire ses démarches en ligne", "CAF, impôts, Ameli : se connecter avec FranceConnect."),
    )
    for day, (title, description) in enumerate(described):
        start = DUE + timedelta(days=1 + day)
        await add_session(runtime.db, title=title, description=description, starts_at=start)
    call = caller(runtime, client)
    await call.dial()
    first = await call.press("1")
    assert "Bien utiliser WhatsApp" in first.text
    chosen = await call.say("celui pour la CAF")  # described, not the one heard
    assert chosen.sentences[0] == "Vous avez choisi cet atelier."
    assert "Faire ses démarches en ligne" in chosen.text
    back = await call.press("2")
    assert "Faire ses démarches en ligne" in back.text
    asked = await call.say("les appels vidéo sur whatsapp")  # two close ones: which?
    assert asked.sentences[0] == "Je ne suis pas sûr d'avoir compris.\nVous voulez :"
    offers = " ".join(asked.sentences[1:3])
    assert "Bien utiliser WhatsApp" in offers
    assert "Appeler ses proches en vidéo" in offers
    key = "1" if "WhatsApp" in asked.sentences[1] else "2"
    confirm = await call.press(key)
    assert confirm.sentences[0] == "Vous avez choisi cet atelier."
    assert "Bien utiliser WhatsApp" in confirm.text
    done = await call.press("1")
    assert "C'est réservé." in done.text
