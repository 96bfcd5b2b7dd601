"""Booking, reminders and cancelling by SMS: real HTTP webhooks in, fake providers out.

The bot's HTTP server runs on loopback; requests are signed as Twilio signs them (the
official library) or as SMS Gateway for Android does; the providers' REST APIs are
loopback fakes that record every text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.channels.sms.android import signature_of
from bot.channels.sms.text import GSM7_BASIC, GSM7_EXTENSION, segments
from bot.runtime import Runtime
from core.clock import FixedClock
from core.outbox.queue import status_counts
from core.phones import normalise_phone
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    WorkshopSession,
)
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session, make_settings
from tests.support.sms_providers import FakeAndroidGateway, FakeTwilio

SID = "AC" + "0" * 32
TOKEN = "twilio-auth-token"
ANDROID_KEY = "android-signing-key"
MARIE = "+33612345678"
DUE = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)  # Tuesday 10 h in Metz
_ids = itertools.count(1)


class SmsBot:
    """The bot with SMS set up, and a phone that texts it."""

    def __init__(self, runtime: Runtime, client: httpx.AsyncClient, provider: str) -> None:
        self.runtime = runtime
        self.client = client
        self.provider = provider

    @property
    def url(self) -> str:
        assert self.runtime.http is not None
        return f"http://127.0.0.1:{self.runtime.http.port}/sms/{self.provider}"

    async def post_twilio(
        self, sender: str, body: str, *, sid: str | None = None, signature: str | None = None
    ) -> httpx.Response:
        params = {
            "From": sender,
            "To": "+33700000000",
            "Body": body,
            "MessageSid": sid or f"SM{next(_ids):032d}",
            "AccountSid": SID,
        }
        headers = {}
        if signature is None:
            signature = RequestValidator(TOKEN).compute_signature(self.url, params)
        if signature:
            headers["X-Twilio-Signature"] = signature
        return await self.client.post(self.url, data=params, headers=headers)

    async def post_android(
        self, sender: str, body: str, *, key: str = ANDROID_KEY, at: float | None = None
    ) -> httpx.Response:
        event = {
            "deviceId": "ffffffffceb0b1db00000193991c27e5",
            "event": "sms:received",
            "id": f"evt-{next(_ids)}",
            "payload": {
                "message": body,
                "receivedAt": "2027-01-04T10:00:00.000+01:00",
                "messageId": "69bde8d0",
                "phoneNumber": sender,
                "simNumber": 1,
            },
            "webhookId": "LreFUt-Z3sSq0JufY9uWB",
        }
        raw = json.dumps(event).encode()
        timestamp = str(int(at if at is not None else time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": timestamp,
            "X-Signature": signature_of(key, raw, timestamp),
        }
        return await self.client.post(self.url, content=raw, headers=headers)

    async def text(self, sender: str, body: str, fake: FakeTwilio | FakeAndroidGateway) -> str:
        """Text the bot and return its answer (one SMS)."""
        number = normalise_phone(sender) or sender
        before = len(fake.to(number))
        if self.provider == "twilio":
            response = await self.post_twilio(sender, body)
        else:
            response = await self.post_android(sender, body)
        assert response.status_code == 200, response.text
        return (await fake.wait_for(number, before + 1))[-1]


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(SID, TOKEN) as fake:
        yield fake


@pytest.fixture
async def android() -> AsyncIterator[FakeAndroidGateway]:
    async with FakeAndroidGateway("sms", "gateway-password") as fake:
        yield fake


def sms_settings(url: str, provider: str, api_url: str, **more: object) -> dict[str, object]:
    values: dict[str, object] = {
        "sms_provider": provider,
        "http_port": 0,
        "sms_rate_per_second": 200,
        **more,
    }
    if provider == "twilio":
        values |= {
            "twilio_account_sid": SID,
            "twilio_auth_token": TOKEN,
            "twilio_from_number": "+33700000000",
            "twilio_api_base_url": api_url,
        }
    else:
        values |= {
            "android_sms_api_url": api_url,
            "android_sms_username": "sms",
            "android_sms_password": "gateway-password",
            "android_sms_signing_key": ANDROID_KEY,
        }
    return values


@pytest.fixture
async def sms_bot(
    twilio: FakeTwilio, database_url: str, clock: FixedClock
) -> AsyncIterator[SmsBot]:
    settings = make_settings(database_url, **sms_settings(database_url, "twilio", twilio.base_url))
    runtime = Runtime(settings, clock)
    await runtime.start()
    async with httpx.AsyncClient() as client:
        yield SmsBot(runtime, client, "twilio")
    await runtime.stop()


def assert_sendable(body: str) -> None:
    """GSM-7 only, two segments at most."""
    assert set(body) <= GSM7_BASIC | GSM7_EXTENSION, body
    assert segments(body) <= 2, body


async def settled(db: Database) -> None:
    """Wait until every queued text is marked (the fake records it before answering)."""
    async with asyncio.timeout(5):
        while True:
            async with db.transaction() as session:
                counts = await status_counts(session)
            if not counts.get(OutboxStatus.PENDING) and not counts.get(OutboxStatus.SENDING):
                return
            await asyncio.sleep(0.05)


async def count(db: Database, model: type[Person] | type[Booking], *where: object) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int((await session.execute(query)).scalar_one())


async def test_book_be_reminded_and_cancel_by_sms(
    sms_bot: SmsBot, twilio: FakeTwilio, clock: FixedClock
) -> None:
    db = sms_bot.runtime.db
    session_id = await add_session(db, capacity=4)
    async with db.transaction() as session:  # a place on a map: no link by SMS all the same
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        workshop.latitude, workshop.longitude = 49.1196, 6.1757
    welcome = await sms_bot.text("06 12 34 56 78", "Bonjour", twilio)
    assert welcome.startswith("Bonjour !")
    assert "1 Voir les ateliers\n2 Mes inscriptions\n3 Aide" in welcome
    listing = await sms_bot.text(MARIE, "1", twilio)
    assert "1 Prendre en main son smartphone, mercredi 6 janvier" in listing
    card = await sms_bot.text(MARIE, "1", twilio)
    assert "Le mercredi 6 janvier à 14 h, pendant 2 heures." in card
    assert "Répondez OUI pour réserver." in card
    assert "1 Réserver une place" in card
    done = await sms_bot.text(MARIE, "OUI", twilio)  # the fourth message books the seat
    assert "C'est réservé !" in done
    assert "openstreetmap" not in done  # no map link: an SMS keeps the address only
    assert await count(db, Booking, Booking.status == BookingStatus.BOOKED) == 1
    assert all(segments(body) <= 2 for body in twilio.to(MARIE))
    assert len(twilio.to(MARIE)) == 4  # one SMS per step, no file, no pin: a booking in four

    # The reminder, the day before: one segment.
    clock.set(DUE)
    sms_bot.runtime.engine.wake()
    texts = await twilio.wait_for(MARIE, 5)
    reminder = texts[-1]
    assert reminder.startswith('Rappel : votre atelier "Prendre en main son smartphone"')
    assert "répondez ANNULER" in reminder
    assert segments(reminder) == 1

    ask = await sms_bot.text(MARIE, "ANNULER", twilio)
    assert "Voulez-vous vraiment annuler votre place ?" in ask
    assert "mercredi 6 janvier" in ask
    cancelled = await sms_bot.text(MARIE, "oui", twilio)
    assert "C'est annulé." in cancelled
    assert await count(db, Booking, Booking.status == BookingStatus.CANCELLED) == 1
    for body in twilio.to(MARIE):
        assert_sendable(body)
    # Every text is counted in segments, for the provider's bill.
    await settled(db)
    async with db.transaction() as session:
        total = await session.execute(select(func.sum(OutboxMessage.segments)))
        assert total.scalar_one() == sum(segments(body) for body in twilio.to(MARIE))


async def test_stop_stops_everything_until_start(
    sms_bot: SmsBot, twilio: FakeTwilio, clock: FixedClock
) -> None:
    db = sms_bot.runtime.db
    session_id = await add_session(db)
    await sms_bot.text(MARIE, "bonjour", twilio)
    await sms_bot.post_twilio(MARIE, "x")  # anything, then book by the numbers
    await twilio.wait_for(MARIE, 2)
    await sms_bot.text(MARIE, "1", twilio)
    await sms_bot.text(MARIE, "1", twilio)
    await sms_bot.text(MARIE, "oui", twilio)
    assert await count(db, Booking, Booking.session_id == session_id) == 1
    stopped = await sms_bot.text(MARIE, "STOP", twilio)
    assert "vous ne recevrez plus de messages" in stopped
    sent = len(twilio.to(MARIE))
    response = await sms_bot.post_twilio(MARIE, "menu")
    assert response.status_code == 200
    clock.set(DUE)  # the reminder falls due
    sms_bot.runtime.engine.wake()
    await asyncio.sleep(0.5)
    await sms_bot.runtime.engine.send_due()
    assert len(twilio.to(MARIE)) == sent  # nothing at all after STOP
    back = await sms_bot.text(MARIE, "START", twilio)
    assert back.startswith("Bon retour !")


async def test_twilio_signatures_are_checked(sms_bot: SmsBot, twilio: FakeTwilio) -> None:
    db = sms_bot.runtime.db
    missing = await sms_bot.post_twilio(MARIE, "bonjour", signature="")
    forged = await sms_bot.post_twilio(MARIE, "bonjour", signature="bm90IGEgc2lnbmF0dXJl")
    other_key = RequestValidator("another token").compute_signature(
        sms_bot.url, {"From": MARIE, "Body": "bonjour", "MessageSid": "SM1"}
    )
    wrong = await sms_bot.post_twilio(MARIE, "bonjour", sid="SM1", signature=other_key)
    assert [r.status_code for r in (missing, forged, wrong)] == [403, 403, 403]
    assert await count(db, Person) == 0
    valid = await sms_bot.post_twilio(MARIE, "bonjour")
    assert valid.status_code == 200
    assert valid.headers["content-type"].startswith("text/xml")
    assert await count(db, Person) == 1


async def test_the_same_message_twice_is_answered_once(sms_bot: SmsBot, twilio: FakeTwilio) -> None:
    first = await sms_bot.post_twilio(MARIE, "bonjour", sid="SM-same")
    second = await sms_bot.post_twilio(MARIE, "bonjour", sid="SM-same")
    assert (first.status_code, second.status_code) == (200, 200)
    await twilio.wait_for(MARIE, 1)
    await asyncio.sleep(0.3)
    await sms_bot.runtime.engine.send_due()
    assert len(twilio.to(MARIE)) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "Je ne lis que les SMS écrits."),
        ("x" * 2000, "Je n'ai pas compris."),
        ("9", "Je n'ai pas compris."),
        ("🙂🙂", "Je n'ai pas compris."),
    ],
)
async def test_bad_input_gets_a_short_helpful_answer(
    sms_bot: SmsBot, twilio: FakeTwilio, body: str, expected: str
) -> None:
    await sms_bot.text(MARIE, "bonjour", twilio)
    answer = await sms_bot.text(MARIE, body, twilio)
    assert expected in answer
    assert "1 Voir les ateliers" in answer
    assert_sendable(answer)


async def test_a_number_from_another_country_is_answered(
    sms_bot: SmsBot, twilio: FakeTwilio
) -> None:
    # Metz is next to Luxembourg and Germany: cross-border numbers are served too.
    answer = await sms_bot.text("+352 621 123 456", "bonjour", twilio)
    assert answer.startswith("Bonjour !")
    assert twilio.sent[-1].to == "+352621123456"


async def test_android_gateway_booking_and_signatures(
    android: FakeAndroidGateway, database_url: str, clock: FixedClock
) -> None:
    settings = make_settings(
        database_url, **sms_settings(database_url, "android", android.base_url)
    )
    runtime = Runtime(settings, clock)
    await runtime.start()
    try:
        async with httpx.AsyncClient() as client:
            bot = SmsBot(runtime, client, "android")
            await add_session(runtime.db)
            forged = await bot.post_android(MARIE, "bonjour", key="not the key")
            stale = await bot.post_android(MARIE, "bonjour", at=time.time() - 3600)
            assert (forged.status_code, stale.status_code) == (403, 403)
            assert await count(runtime.db, Person) == 0
            assert (await bot.text(MARIE, "bonjour", android)).startswith("Bonjour !")
            await bot.text(MARIE, "1", android)
            await bot.text(MARIE, "1", android)
            done = await bot.text(MARIE, "1", android)
            assert "C'est réservé !" in done
            assert android.refused_auth == 0
    finally:
        await runtime.stop()


async def test_a_provider_error_is_retried_and_a_bad_number_is_not(
    sms_bot: SmsBot, twilio: FakeTwilio, clock: FixedClock
) -> None:
    twilio.fail_next(500)
    response = await sms_bot.post_twilio(MARIE, "bonjour")
    assert response.status_code == 200
    await asyncio.sleep(0.3)
    assert twilio.to(MARIE) == []
    clock.advance(timedelta(minutes=1))  # past the backoff
    await sms_bot.runtime.engine.send_due()
    assert (await twilio.wait_for(MARIE, 1))[0].startswith("Bonjour !")
    # Twilio's 21610: the number replied STOP to the carrier; it is not tried again.
    twilio.fail_next(400, {"code": 21610, "message": "unsubscribed"})
    await sms_bot.post_twilio("+33698765432", "bonjour")
    await asyncio.sleep(0.3)
    async with sms_bot.runtime.db.transaction() as session:
        person = (
            await session.execute(select(Person).where(Person.external_id == "+33698765432"))
        ).scalar_one()
    assert person.unreachable


async def test_a_telegram_person_and_an_sms_person_compete_for_the_last_seat(
    twilio: FakeTwilio, database_url: str, clock: FixedClock
) -> None:
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            **sms_settings(database_url, "twilio", twilio.base_url),
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            async with httpx.AsyncClient() as client:
                phone = SmsBot(runtime, client, "twilio")
                session_id = await add_session(runtime.db, capacity=1)
                marie = api.user(601, "Marie")
                await marie.say(f"/start s{session_id}")
                await phone.text(MARIE, "bonjour", twilio)
                for step in ("1", "1"):
                    await phone.text(MARIE, step, twilio)
                telegram_answer, sms_answer = await asyncio.gather(
                    marie.press("Oui, je réserve"), phone.text(MARIE, "oui", twilio)
                )
            texts = [telegram_answer[0].text, sms_answer]
            assert sum("C'est réservé" in text for text in texts) == 1
            assert sum("complet" in text for text in texts) == 1
            assert await count(runtime.db, Booking, Booking.status == "booked") == 1
        finally:
            await runtime.stop()


async def test_a_posters_code_by_sms_opens_the_card_and_oui_books(
    sms_bot: SmsBot, twilio: FakeTwilio
) -> None:
    session_id = await add_session(sms_bot.runtime.db, capacity=4)
    await sms_bot.post_twilio(MARIE, f"atelier {session_id}")
    welcome, card = await twilio.wait_for(MARIE, 2)
    assert welcome.startswith("Bonjour !")
    assert "Répondez OUI pour réserver." in card
    done = await sms_bot.text(MARIE, "OUI", twilio)
    assert "C'est réservé !" in done
    for body in twilio.to(MARIE):
        assert_sendable(body)


async def test_a_booking_and_stop_by_sms_in_own_words(sms_bot: SmsBot, twilio: FakeTwilio) -> None:
    db = sms_bot.runtime.db
    await add_session(db, capacity=4)
    await sms_bot.text(MARIE, "slt cv", twilio)
    listing = await sms_bot.text(MARIE, "jveu minscrire a un atelier", twilio)
    assert "1 Prendre en main son smartphone" in listing
    card = await sms_bot.text(MARIE, "le premier stp", twilio)
    assert "Répondez OUI pour réserver." in card
    again = await sms_bot.text(MARIE, "euh attendez je regarde mon agenda", twilio)
    assert "Répondez OUI" in again  # the same question, not the main menu
    assert "1 Réserver une place" in again
    assert await count(db, Booking) == 0
    done = await sms_bot.text(MARIE, "ouiii c bon pour moi", twilio)
    assert "C'est réservé !" in done
    kept = await sms_bot.text(MARIE, "n'annulez surtout pas ma place", twilio)
    assert "Voulez-vous vraiment annuler" not in kept
    stopped = await sms_bot.text(MARIE, "plus de sms svp", twilio)
    assert "START" in stopped
    assert await count(db, Booking, Booking.status == BookingStatus.BOOKED) == 1
