"""Booking, reminders and cancelling on WhatsApp: signed webhooks in, a fake Graph API out.

The bot's HTTP server runs on loopback; webhooks are in Meta's documented format, signed
with the app secret as Meta signs them; the Graph API is a loopback fake that records every
message and refuses what Meta refuses (see tests/support/graph_api.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.whatsapp.templates import all_definitions
from bot.runtime import Runtime
from core.clock import FixedClock, SystemClock
from core.schedule.importer import import_schedule
from models import (
    Booking,
    BookingStatus,
    Database,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProcessedUpdate,
)
from testkit.huge_posts import MB, post_huge_async
from tests.support.factories import add_session, make_settings
from tests.support.graph_api import FakeGraphApi, SentMessage, WhatsAppPhone
from tests.support.settling import sends_settled

PHONE_ID = "106540352242922"
TOKEN = "graph-access-token"
SECRET = "meta-app-secret"
VERIFY = "verify-me"
MARIE = "33612345678"
DUE = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)  # Tuesday 10 h in Metz: the reminder


def whatsapp_settings(base_url: str, **more: object) -> dict[str, object]:
    return {
        "whatsapp_access_token": TOKEN,
        "whatsapp_phone_number_id": PHONE_ID,
        "whatsapp_app_secret": SECRET,
        "whatsapp_verify_token": VERIFY,
        "whatsapp_api_base_url": base_url,
        "whatsapp_display_number": "+33700000000",
        "whatsapp_rate_per_second": 200,
        "http_port": 0,
        "venue_latitude": 49.1196,
        "venue_longitude": 6.1757,
        **more,
    }


class WhatsAppBot:
    """The bot with WhatsApp set up, its fake Graph API, and phones that write to it."""

    def __init__(self, runtime: Runtime, fake: FakeGraphApi, client: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.fake = fake
        self.client = client

    @property
    def db(self) -> Database:
        return self.runtime.db

    @property
    def url(self) -> str:
        assert self.runtime.http is not None
        return f"http://127.0.0.1:{self.runtime.http.port}/whatsapp/webhook"

    def phone(self, number: str = MARIE, name: str = "Marie") -> WhatsAppPhone:
        self.fake.on_whatsapp.add(number)
        return WhatsAppPhone(
            number,
            name,
            self.url,
            SECRET,
            self.fake,
            self.client,
            PHONE_ID,
            settled=lambda: sends_settled(self.runtime),
        )


@pytest.fixture
async def fake(clock: FixedClock) -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi(PHONE_ID, TOKEN, clock, templates=all_definitions()) as graph:
        yield graph


async def running(
    settings_url: str, fake: FakeGraphApi, clock: FixedClock, **more: object
) -> Runtime:
    settings = make_settings(settings_url, **whatsapp_settings(fake.base_url, **more))
    runtime = Runtime(settings, clock)
    await runtime.start()
    return runtime


@pytest.fixture
async def bot(sqlite_url: str, fake: FakeGraphApi, clock: FixedClock) -> AsyncIterator[WhatsAppBot]:
    runtime = await running(sqlite_url, fake, clock)
    async with httpx.AsyncClient() as client:
        yield WhatsAppBot(runtime, fake, client)
    await runtime.stop()


async def count(db: Database, model: type[object], *where: object) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int((await session.execute(query)).scalar_one())


def only(messages: list[SentMessage], kind: str) -> SentMessage:
    found = [message for message in messages if message.type == kind]
    assert len(found) == 1, [m.message for m in messages]
    return found[0]


async def book_by_taps(bot: WhatsAppBot, phone: WhatsAppPhone) -> list[SentMessage]:
    """Bonjour, then taps only; return the last answers (the confirmation)."""
    welcome = only(await phone.write("Bonjour"), "interactive")
    assert welcome.body.startswith("Bonjour Marie !")
    listing = only(await phone.tap(welcome, "Voir les ateliers"), "interactive")
    card = only(await phone.tap(listing, "Prendre en main"), "interactive")
    assert "Le mercredi 6 janvier à 14 h" in card.body or "mercredi 6 janvier" in card.body
    prompt = only(await phone.tap(card, "Réserver"), "interactive")
    assert "C'est bien ça ?" in prompt.body
    return await phone.tap(prompt, "Oui")


async def test_a_whole_booking_by_taps_in_six_messages_with_the_calendar_file_and_the_place(
    database_url: str, fake: FakeGraphApi, clock: FixedClock
) -> None:
    runtime = await running(database_url, fake, clock)
    try:
        async with httpx.AsyncClient() as client:
            bot = WhatsAppBot(runtime, fake, client)
            await add_session(bot.db, capacity=4)
            phone = bot.phone()
            done = await book_by_taps(bot, phone)
            confirmation = done[0]
            assert "C'est réservé !" in confirmation.body
            document = only(done, "document")
            filename, media_type, content = fake.uploads[document.message["document"]["id"]]
            assert filename.endswith(".ics")
            assert media_type == "text/plain"
            assert b"BEGIN:VEVENT" in content
            # The place: its address, and a map link rather than one more message.
            assert "Boutique Orange Metz, Angle rue Serpenoise" in confirmation.body
            link = "https://www.openstreetmap.org/?mlat=49.1196&mlon=6.1757#map=18/49.1196/6.1757"
            assert f"Le lieu sur une carte : {link}" in confirmation.body
            assert not [m for m in done if m.type == "location"]
            assert await count(bot.db, Booking, Booking.status == BookingStatus.BOOKED) == 1
            # Five messages from the person: "Bonjour" and four taps.
            assert len(fake.refused) == 0
            assert len([m for m in fake.to(MARIE) if m.type == "interactive"]) == 5
            # Six messages for a booking (seven before: the place came as a location pin).
            assert len(fake.to(MARIE)) == 6
    finally:
        await runtime.stop()


async def test_a_booking_by_typing_numbers_and_words(bot: WhatsAppBot) -> None:
    await add_session(bot.db, capacity=4)
    phone = bot.phone()
    welcome = (await phone.write("bonjour"))[0]
    assert welcome.body.startswith("Bonjour Marie !")
    listing = (await phone.write("1"))[0]
    assert any("Prendre en main" in title for _, title in listing.choices)
    card = (await phone.write("1"))[0]
    assert "Boutique Orange Metz" in card.body
    prompt = (await phone.write("1"))[0]
    assert "C'est bien ça ?" in prompt.body
    done = await phone.write("oui")
    assert "C'est réservé !" in done[0].body
    assert await count(bot.db, Booking, Booking.status == BookingStatus.BOOKED) == 1


async def test_cancel_by_word_asks_then_cancels(bot: WhatsAppBot) -> None:
    await add_session(bot.db, capacity=4)
    phone = bot.phone()
    await book_by_taps(bot, phone)
    ask = (await phone.write("anuler"))[0]
    assert "Voulez-vous vraiment annuler votre place ?" in ask.body
    assert "mercredi 6 janvier" in ask.body
    answers = await phone.write("oui")
    assert "C'est annulé." in answers[0].body
    assert await count(bot.db, Booking, Booking.status == BookingStatus.CANCELLED) == 1
    # The file that takes the workshop out of the calendar again, the booking's own event.
    booked_file, cancel_file = (m for m in bot.fake.to(MARIE) if m.type == "document")
    assert cancel_file == only(answers, "document")
    booked, cancel = (
        bot.fake.uploads[f.message["document"]["id"]][2] for f in (booked_file, cancel_file)
    )
    assert b"METHOD:CANCEL" in cancel
    assert b"METHOD:PUBLISH" in booked
    uid = next(line for line in booked.splitlines() if line.startswith(b"UID:"))
    assert uid in cancel.splitlines()


async def test_the_reminder_outside_the_window_is_the_template_and_its_buttons_work(
    bot: WhatsAppBot, clock: FixedClock
) -> None:
    await add_session(bot.db, capacity=4)
    phone = bot.phone()
    await book_by_taps(bot, phone)
    before = len(bot.fake.to(MARIE))
    clock.set(DUE)  # more than 24 hours after Marie's last message
    bot.runtime.engine.wake()
    reminder = (await bot.fake.wait_for(MARIE, before + 1))[-1]
    assert reminder.type == "template"
    template = reminder.message["template"]
    assert template["name"] == "atelier_reminder"
    assert template["language"] == {"code": "fr"}
    assert "« Prendre en main son smartphone » a lieu le mercredi 6 janvier" in reminder.body
    assert [title for _, title in reminder.choices] == ["Je serai là", "Annuler ma place"]
    assert not [code for _, code in bot.fake.refused if code == 131047]
    answer = (await phone.tap(reminder, "Je serai là"))[0]
    assert answer.type in ("text", "interactive")
    async with bot.db.transaction() as session:
        booking = (await session.execute(select(Booking))).scalar_one()
        assert booking.confirmed_at is not None
    ask = (await phone.tap(reminder, "Annuler ma place"))[0]
    assert "Voulez-vous vraiment annuler votre place ?" in ask.body


async def test_when_meta_says_the_window_is_closed_the_notice_goes_as_its_template(
    bot: WhatsAppBot, clock: FixedClock
) -> None:
    await add_session(bot.db, capacity=4)
    phone = bot.phone()
    await book_by_taps(bot, phone)
    clock.set(DUE - timedelta(hours=3))
    await phone.write("menu")  # Marie writes again: the bot counts the window open at DUE...
    async with bot.db.transaction() as session:
        booking = (await session.execute(select(Booking))).scalar_one()
        reminder_row = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        ).scalar_one()
    bot.fake.close_window(MARIE)  # ...but Meta does not (131047)
    before = len(bot.fake.to(MARIE))
    clock.set(DUE)  # the reminder falls due; the next tick sends it
    bot.runtime.engine.wake()
    sent = (await bot.fake.wait_for(MARIE, before + 1))[-1]
    assert (MARIE, 131047) in bot.fake.refused
    assert sent.message["template"]["name"] == "atelier_reminder"
    assert booking.id
    await settled(bot.db)
    async with bot.db.transaction() as session:
        row = await session.get(OutboxMessage, reminder_row.id)
        assert row is not None
        assert row.status == OutboxStatus.SENT
        assert row.provider_message_id == sent.wamid


async def settled(db: Database) -> None:
    import asyncio

    from core.outbox.queue import status_counts

    async with asyncio.timeout(5):
        while True:
            async with db.transaction() as session:
                counts = await status_counts(session)
            if not counts.get(OutboxStatus.PENDING) and not counts.get(OutboxStatus.SENDING):
                return
            await asyncio.sleep(0.05)


async def test_a_message_id_delivered_twice_changes_nothing(bot: WhatsAppBot) -> None:
    phone = bot.phone()
    payload = phone.message_payload({"type": "text", "text": {"body": "Bonjour"}}, "wamid.SAME")
    assert (await phone.post(payload)).status_code == 200
    await bot.fake.wait_for(MARIE, 1)
    assert (await phone.post(payload)).status_code == 200
    await settled(bot.db)
    assert len(bot.fake.to(MARIE)) == 1
    assert await count(bot.db, ProcessedUpdate) == 1
    assert await count(bot.db, OutboxMessage) == 1


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", "nonsense"])
async def test_forged_or_missing_signatures_get_403_and_write_nothing(
    bot: WhatsAppBot, signature: str
) -> None:
    phone = bot.phone()
    payload = phone.message_payload({"type": "text", "text": {"body": "Bonjour"}})
    response = await phone.post(payload, signature=signature)
    assert response.status_code == 403
    assert await count(bot.db, Person) == 0
    assert await count(bot.db, ProcessedUpdate) == 0
    assert await count(bot.db, OutboxMessage) == 0


async def test_a_body_signed_with_another_secret_or_altered_is_refused(bot: WhatsAppBot) -> None:
    from bot.channels.whatsapp.signature import signature_of

    phone = bot.phone()
    payload = phone.message_payload({"type": "text", "text": {"body": "Bonjour"}})
    raw = json.dumps(payload).encode()
    other = signature_of("another-secret", raw)
    assert (await phone.post(payload, signature=other)).status_code == 403
    # The signature of the exact bytes, but a space added: not the same raw body.
    headers = {"X-Hub-Signature-256": signature_of(SECRET, raw)}
    response = await bot.client.post(bot.url, content=raw + b" ", headers=headers)
    assert response.status_code == 403
    assert await count(bot.db, Person) == 0


async def test_a_body_over_one_mebibyte_is_refused_unread(bot: WhatsAppBot) -> None:
    big = b"{" + b" " * (1024 * 1024) + b"}"
    response = await bot.client.post(bot.url, content=big, headers={"X-Hub-Signature-256": "x"})
    assert response.status_code == 413

    # No Content-Length: counted while read, and refused before the end.
    assert bot.runtime.http is not None
    status, sent = await post_huge_async(
        bot.runtime.http.port, "/whatsapp/webhook", {}, 200 * MB, chunked=True
    )
    assert status == 413
    assert sent < 40 * MB


async def test_the_verification_handshake(bot: WhatsAppBot) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    response = await bot.client.get(bot.url, params=query)
    assert response.status_code == 200
    assert response.text == "1158201444"
    wrong = await bot.client.get(bot.url, params=query | {"hub.verify_token": "guess"})
    assert wrong.status_code == 403
    assert "1158201444" not in wrong.text


async def test_statuses_are_recorded_in_order_and_failures_mark_the_person(
    bot: WhatsAppBot,
) -> None:
    phone = bot.phone()
    welcome = (await phone.write("Bonjour"))[0]
    await settled(bot.db)

    async def status_of(wamid: str) -> tuple[str | None, str]:
        async with bot.db.transaction() as session:
            query = select(OutboxMessage).where(OutboxMessage.provider_message_id == wamid)
            row = (await session.execute(query)).scalar_one()
            return row.delivery_status, row.status

    for status in ("sent", "read", "delivered"):  # "delivered" late: read stays
        assert (await phone.status(welcome.wamid, status)).status_code == 200
    assert await status_of(welcome.wamid) == ("read", OutboxStatus.SENT)
    # A number that stopped being on WhatsApp: Meta's 131026 marks the person.
    menu = (await phone.write("menu"))[0]
    await settled(bot.db)
    undeliverable = [{"code": 131026, "title": "Message undeliverable"}]
    assert (await phone.status(menu.wamid, "failed", undeliverable)).status_code == 200
    assert await status_of(menu.wamid) == ("failed", OutboxStatus.FAILED)
    async with bot.db.transaction() as session:
        person = (await session.execute(select(Person))).scalar_one()
        assert person.unreachable
    # A status for a message the bot never sent changes nothing.
    assert (await phone.status("wamid.UNKNOWN", "delivered")).status_code == 200


async def test_a_failed_131047_status_sends_the_notice_again_as_its_template(
    bot: WhatsAppBot, clock: FixedClock
) -> None:
    await add_session(bot.db, capacity=4)
    phone = bot.phone()
    await book_by_taps(bot, phone)
    # No tick from here on: a tick plans reminders again, and would put back the due time
    # moved below (the sender is woken by hand instead).
    bot.runtime.heartbeat.pause()
    async with bot.runtime.engine._ticking:
        pass  # the tick in hand, if any, has ended
    clock.set(DUE - timedelta(hours=12))
    async with bot.db.transaction() as session:
        row = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        ).scalar_one()
        row.due_at = clock.now()
    before = len(bot.fake.to(MARIE))
    bot.runtime.engine.wake()
    free_form = (await bot.fake.wait_for(MARIE, before + 1))[before]
    assert free_form.type == "interactive"  # inside the window: the reminder with buttons
    await settled(bot.db)
    window = [{"code": 131047, "title": "Re-engagement message"}]
    await phone.status(free_form.wamid, "failed", window)
    await phone.status(free_form.wamid, "failed", window)  # Meta retries: still once
    bot.runtime.engine.wake()
    again = await bot.fake.wait_for(MARIE, before + 2)
    await settled(bot.db)
    assert again[-1].message["template"]["name"] == "atelier_reminder"
    assert len(bot.fake.to(MARIE)) == before + 2


async def test_a_choice_that_is_not_the_bots_gets_a_polite_answer(bot: WhatsAppBot) -> None:
    phone = bot.phone()
    await phone.write("Bonjour")
    reply = {"type": "button_reply", "button_reply": {"id": "cy:999", "title": "Oui"}}
    answer = (await phone._exchange({"type": "interactive", "interactive": reply}))[0]
    assert answer.type == "interactive"
    sticker = (await phone._exchange({"type": "sticker", "sticker": {"id": "1"}}))[0]
    assert sticker.type == "interactive"
    assert await count(bot.db, Booking) == 0


async def test_one_person_on_sms_then_whatsapp_sees_the_same_booking_and_one_reminder(
    sqlite_url: str, fake: FakeGraphApi, clock: FixedClock
) -> None:
    from tests.bot.channels.test_sms import SID, SmsBot, sms_settings
    from tests.support.sms_providers import FakeTwilio

    async with FakeTwilio(SID, "twilio-auth-token") as twilio:
        more = sms_settings(sqlite_url, "twilio", twilio.base_url)
        runtime = await running(sqlite_url, fake, clock, **more)
        try:
            async with httpx.AsyncClient() as client:
                bot = WhatsAppBot(runtime, fake, client)
                sms = SmsBot(runtime, client, "twilio")
                await add_session(bot.db, capacity=4)
                for text in ("Bonjour", "1", "1"):
                    await sms.text("06 12 34 56 78", text, twilio)
                assert "C'est réservé !" in await sms.text("+33612345678", "OUI", twilio)
                by_sms = len(twilio.to("+33612345678"))
                phone = bot.phone()
                menu = only(await phone.write("Bonjour"), "interactive")
                mine = only(await phone.tap(menu, "Mes inscriptions"), "interactive")
                assert "Prendre en main son smartphone" in mine.body + str(mine.choices)
                assert await count(bot.db, Person) == 1
                before = len(fake.to(MARIE))
                clock.set(DUE)
                runtime.engine.wake()
                reminder = (await fake.wait_for(MARIE, before + 1))[-1]
                assert reminder.message["template"]["name"] == "atelier_reminder"
                await settled(bot.db)
                assert len(twilio.to("+33612345678")) == by_sms  # nothing more by SMS
                assert await count(bot.db, OutboxMessage, OutboxMessage.kind == "reminder") == 1
                # Back on SMS: the next notice follows the person there.
                back = await sms.text("+33612345678", "menu", twilio)
                assert "1 Voir les ateliers" in back
                async with bot.db.transaction() as session:
                    person = (await session.execute(select(Person))).scalar_one()
                    assert person.channel == "sms"
        finally:
            await runtime.stop()


async def test_a_posters_code_opens_the_sessions_card(bot: WhatsAppBot) -> None:
    session_id = await add_session(bot.db, capacity=4)
    phone = bot.phone()
    (card,) = await phone.write(f"ATELIER {session_id}")  # one message
    assert card.body.startswith("Bonjour Marie !")  # the first time: the welcome's lines too
    assert "Prendre en main son smartphone" in card.body
    assert "Voulez-vous réserver une place ?" in card.body
    assert any("Oui, je réserve" in title for _, title in card.choices)
    again = (await phone.write(f"atelier #{session_id}"))[-1]
    assert "Prendre en main son smartphone" in again.body
    assert not again.body.startswith("Bonjour")
    assert await count(bot.db, Booking) == 0  # nothing without the yes
    done = await phone.tap(again, "Oui")
    assert "C'est réservé !" in done[0].body
    only(done, "document")
    # A booking from a poster: three messages (five before: the welcome, the card, the
    # question, the confirmation, its calendar file).
    await bot.fake.wait_for(phone.number, 4)
    assert len(bot.fake.to(phone.number)) == 4  # the card twice, the confirmation, its file
    assert await count(bot.db, Booking, Booking.status == BookingStatus.BOOKED) == 1


async def test_atelier_run_with_the_whatsapp_settings_books_as_a_process(tmp_path: Path) -> None:
    """`atelier run` with only WhatsApp set up: a real process, the fake Graph API."""
    zone = ZoneInfo("Europe/Paris")
    start = (datetime.now(zone) + timedelta(days=3)).strftime("%Y-%m-%dT14:00")
    schedule = tmp_path / "s.csv"
    schedule.write_text(
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        f"Envoyer des photos,Par message,tous,{start},90,8,Boutique Orange Metz,Metz\n",
        encoding="utf-8",
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeGraphApi(PHONE_ID, TOKEN, SystemClock(), all_definitions()) as graph:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'wa.db'}",
            "HTTP_PORT": str(port),
            **{key.upper(): str(value) for key, value in whatsapp_settings(graph.base_url).items()},
        }
        env["HTTP_PORT"] = str(port)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        imported = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(schedule), env=env, cwd=tmp_path
        )
        assert await imported.wait() == 0
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            async with httpx.AsyncClient() as client:
                async with asyncio.timeout(30):
                    while True:
                        with contextlib.suppress(httpx.TransportError):
                            health = await client.get(f"http://127.0.0.1:{port}/healthz")
                            if health.is_success:
                                break
                        await asyncio.sleep(0.2)
                url = f"http://127.0.0.1:{port}/whatsapp/webhook"
                graph.on_whatsapp.add(MARIE)
                phone = WhatsAppPhone(MARIE, "Marie", url, SECRET, graph, client, PHONE_ID)
                welcome = only(await phone.write("Bonjour"), "interactive")
                listing = only(await phone.tap(welcome, "Voir les ateliers"), "interactive")
                card = only(await phone.tap(listing, "Envoyer des photos"), "interactive")
                prompt = only(await phone.tap(card, "Réserver"), "interactive")
                done = await phone.tap(prompt, "Oui")
                assert "C'est réservé !" in done[0].body
                assert only(done, "document").message["document"]["filename"].endswith(".ics")
                ask = (await phone.write("annuler"))[0]
                assert "Voulez-vous vraiment annuler votre place ?" in ask.body
                assert "C'est annulé." in (await phone.write("oui"))[0].body
                assert graph.refused == []
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    log = stderr.decode()
    assert "the bot is running" in log
    for secret in (MARIE, TOKEN, SECRET, "Bonjour"):
        assert secret not in log


async def test_a_reaction_is_not_answered(bot: WhatsAppBot) -> None:
    phone = bot.phone()
    welcome = (await phone.write("Bonjour"))[0]
    reaction = {"type": "reaction", "reaction": {"message_id": welcome.wamid, "emoji": "👍"}}
    assert (await phone.post(phone.message_payload(reaction))).status_code == 200
    await settled(bot.db)
    assert len(bot.fake.to(MARIE)) == 1


async def test_a_rate_limit_is_waited_out_and_a_number_not_on_whatsapp_is_marked(
    bot: WhatsAppBot,
) -> None:
    phone = bot.phone()
    bot.fake.fail_next(400, 130429)  # Meta's throughput limit: the reply waits, then goes
    welcome = (await phone.write("Bonjour"))[0]
    assert welcome.body.startswith("Bonjour Marie !")
    assert (MARIE, 130429) in bot.fake.refused
    # The number leaves WhatsApp: Meta answers 131026, the person is marked unreachable.
    bot.fake.on_whatsapp.discard(MARIE)
    await phone.post(phone.message_payload({"type": "text", "text": {"body": "menu"}}))
    await settled(bot.db)
    assert (MARIE, 131026) in bot.fake.refused
    async with bot.db.transaction() as session:
        assert (await session.execute(select(Person))).scalar_one().unreachable
    other = bot.phone("33698765432", "Karim")  # the others are not held up
    assert (await other.write("Bonjour"))[0].body.startswith("Bonjour Karim !")


async def test_moved_cancelled_and_offered_seats_go_as_templates_outside_the_window(
    bot: WhatsAppBot, clock: FixedClock
) -> None:
    from core.seats.session_changes import cancel_session, move_session

    session_id = await add_session(bot.db, capacity=1)
    marie, karim = bot.phone(), bot.phone("33698765432", "Karim")
    await book_by_taps(bot, marie)
    card = (await karim.write(f"ATELIER {session_id}"))[-1]
    in_line = (await karim.tap(card, "M'inscrire"))[0]
    assert "liste d'attente" in in_line.body
    clock.set(clock.now() + timedelta(hours=25))  # both windows are closed now
    # Marie cancels by word (which opens her window again); Karim is offered the seat.
    before = len(bot.fake.to(karim.number))
    await marie.write("annuler")
    assert "C'est annulé." in (await marie.write("oui"))[0].body  # the calendar file after
    offer = (await bot.fake.wait_for(karim.number, before + 1))[-1]
    assert offer.message["template"]["name"] == "atelier_offer"
    taken = (await karim.tap(offer, "Je prends la place"))[0]
    assert "C'est réservé !" in taken.body
    clock.set(clock.now() + timedelta(hours=25))
    before = len(bot.fake.to(karim.number))
    async with bot.db.transaction() as session:
        new_start = datetime(2027, 1, 8, 13, 0, tzinfo=UTC)
        settings = bot.runtime.settings
        await move_session(
            session,
            session_id,
            new_start,
            clock.now(),
            zone=settings.zone,
            at=settings.reminder_time,
        )
    bot.runtime.engine.wake()
    moved = (await bot.fake.wait_for(karim.number, before + 1))[-1]
    assert moved.message["template"]["name"] == "atelier_moved"
    assert "vendredi 8 janvier" in moved.body
    async with bot.db.transaction() as session:
        await cancel_session(session, session_id, clock.now())
    bot.runtime.engine.wake()
    cancelled = (await bot.fake.wait_for(karim.number, before + 2))[-1]
    assert cancelled.message["template"]["name"] == "atelier_cancelled"
    assert (karim.number, 131047) not in bot.fake.refused


async def test_an_undeliverable_status_ahead_of_its_row_still_marks_the_person(
    bot: WhatsAppBot,
) -> None:
    phone = bot.phone()
    await phone.write("Bonjour")
    await settled(bot.db)
    undeliverable = [{"code": 131026, "title": "Message undeliverable"}]
    assert (await phone.status("wamid.NOT_YET_RECORDED", "failed", undeliverable)).is_success
    async with bot.db.transaction() as session:
        assert (await session.execute(select(Person))).scalar_one().unreachable


def nested(raw: bytes, depth: int) -> bytes:
    """The JSON object ``raw`` with one more field: arrays nested ``depth`` deep."""
    return raw[:-1] + b', "deep": ' + b"[" * depth + b"]" * depth + b"}"


async def test_a_signed_body_nested_too_deep_is_refused_and_changes_nothing(
    bot: WhatsAppBot,
) -> None:
    from bot.channels.whatsapp.signature import signature_of

    phone = bot.phone()
    payload = phone.message_payload({"type": "text", "text": {"body": "Bonjour"}})
    for depth in (100_000, 65):
        raw = nested(json.dumps(payload).encode(), depth)
        headers = {"X-Hub-Signature-256": signature_of(SECRET, raw)}
        response = await bot.client.post(bot.url, content=raw, headers=headers)
        assert response.status_code == 400
        assert "nested too deep" in response.text
    assert await count(bot.db, Person) == 0
    assert await count(bot.db, ProcessedUpdate) == 0
    within: list[object] = []
    for _ in range(20):  # still well within the bound: read as ever
        within = [within]
    assert (await phone.post(payload | {"deep": within})).status_code == 200
    await bot.fake.wait_for(MARIE, 1)


@pytest.mark.postgres
async def test_a_nul_from_whatsapp_is_dropped_and_answered_on_postgresql(
    postgres_url: str, fake: FakeGraphApi, clock: FixedClock
) -> None:
    """A NUL in a profile name, a text, a message id or a status (PostgreSQL cannot store
    one) was a 503 that Meta delivered again and again: it is dropped, the person answered."""
    runtime = await running(postgres_url, fake, clock)
    try:
        async with httpx.AsyncClient() as client:
            bot = WhatsAppBot(runtime, fake, client)
            phone = bot.phone(name="Ma\x00rie")
            payload = phone.message_payload(
                {"type": "text", "text": {"body": "Bon\x00jour"}}, "wamid.\x00NUL"
            )
            assert (await phone.post(payload)).status_code == 200
            welcome = (await fake.wait_for(MARIE, 1))[0]
            assert welcome.body.startswith("Bonjour Marie !")
            await settled(bot.db)
            failed = [{"code": 131026, "title": "Message\x00 undeliverable"}]
            answer = await phone.status(welcome.wamid + "\x00", "failed", failed)
            assert answer.status_code == 200
            assert (await phone.status("wamid.\x00", "delivered")).status_code == 200
            async with bot.db.transaction() as session:
                person = (await session.execute(select(Person))).scalar_one()
            assert person.name == "Marie"
            assert await count(bot.db, ProcessedUpdate) == 1
    finally:
        await runtime.stop()


async def test_a_shared_location_answers_the_town_question(bot: WhatsAppBot) -> None:
    schedule = (
        "titre;date;heure;durée;places;lieu;adresse;public\n"
        "Smartphone à Metz;05/01/2027;14h;90;8;Boutique;Rue Serpenoise, 57000 Metz;tous\n"
        "Mails à Thionville;07/01/2027;9h;90;8;Centre;1 place, 57100 Thionville;tous\n"
    )
    async with bot.db.transaction() as session:
        await import_schedule(session, schedule, ZoneInfo("Europe/Paris"))
    phone = bot.phone()
    await phone.write("Bonjour")
    asked = (await phone.write("ateliers"))[0]
    assert "Dans quelle ville" in asked.body
    shared = {"type": "location", "location": {"latitude": 49.36, "longitude": 6.16}}
    listed = (await phone._exchange(shared))[0]
    assert "Les ateliers à Thionville" in listed.body
    at_sea = {"type": "location", "location": {"latitude": 47.0, "longitude": -5.0}}
    kind = (await phone._exchange(at_sea))[0]
    assert "je ne trouve pas ce lieu" in kind.body
