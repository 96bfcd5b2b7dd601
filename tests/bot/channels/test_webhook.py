"""Webhook mode: Telegram pushes updates over HTTP to the bot's server, with a secret token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from core.clock import FixedClock
from core.dialog import Reply, reply_to_payload
from core.outbox.queue import REPLY, enqueue
from models import Booking, Database, Person
from tests.support.bot_api import FakeBotApi
from tests.support.factories import add_session
from tests.support.webhook import PUBLIC_URL, SECRET, webhook_settings

METRICS_TOKEN = "metrics-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


class Telegram:
    """Plays Telegram's part: pushes updates to the bot's webhook."""

    def __init__(self, api: FakeBotApi, runtime: Runtime, client: httpx.AsyncClient) -> None:
        self.api = api
        self.runtime = runtime
        self.client = client

    @property
    def url(self) -> str:
        assert self.runtime.http is not None
        return f"http://127.0.0.1:{self.runtime.http.port}/telegram/webhook"

    async def push(self, update: Any, secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return await self.client.post(self.url, json=update, headers=headers)

    async def say(self, user: int, text: str, replies: int = 1) -> tuple[httpx.Response, list[str]]:
        """Write ``text``; read the answer, ``replies`` messages at least."""
        return await self.exchange(user, self.api.user_text(user, text), replies)

    async def press(self, user: int, label: str) -> tuple[httpx.Response, list[str]]:
        """Press ``label``; read the answer (the button's, and a message at least)."""
        return await self.exchange(user, self.press_update(user, label), 2)

    def press_update(self, user: int, label: str) -> Any:
        """The update of ``user`` pressing ``label`` on the bot's latest message with buttons."""
        message = next(m for m in reversed(self.api.bot_messages(user)) if m.buttons)
        data = next(data for row in message.buttons for text, data in row if label in text)
        assert data is not None
        return self.api.user_press(user, message.message_id, data)

    async def exchange(
        self, user: int, update: Any, replies: int = 1
    ) -> tuple[httpx.Response, list[str]]:
        """Push ``update`` and read the texts the person gets in answer (``replies`` at
        least, a button's answer counted): the webhook is answered once the update is
        handled, and the replies follow (as on Telegram, where the person sees them come)."""
        since = len(self.api.calls)
        response = await self.push(update)
        if response.status_code == 200:
            await self.api.wait_for_replies(user, since=since, min_count=replies)
        return response, self.texts_since(user, since)

    def texts_since(self, user: int, since: int) -> list[str]:
        return [
            str(call.params.get("text") or call.params.get("caption") or "")
            for call in self.api.calls[since:]
            if call.chat_id == user
            and call.method in ("sendMessage", "editMessageText", "sendDocument")
        ]


@pytest.fixture
async def telegram(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> AsyncIterator[Telegram]:
    settings = webhook_settings(api, database_url, metrics_token=METRICS_TOKEN)
    runtime = Runtime(settings, clock)
    await runtime.start()
    async with httpx.AsyncClient() as client:
        yield Telegram(api, runtime, client)
    await runtime.stop()


async def count(db: Database, model: type[Person] | type[Booking]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_webhook_is_registered_with_its_secret(
    api: FakeBotApi, telegram: Telegram
) -> None:
    [registration] = [c for c in api.calls if c.method == "setWebhook"]
    assert registration.params["url"] == PUBLIC_URL
    assert registration.params["secret_token"] == SECRET
    assert not [c for c in api.calls if c.method == "getUpdates"]  # no polling
    health = await telegram.client.get(telegram.url.replace("/telegram/webhook", "/healthz"))
    assert health.text == "ok"


async def test_a_booking_through_the_webhook(api: FakeBotApi, telegram: Telegram) -> None:
    db = telegram.runtime.db
    session_id = await add_session(db)
    response, texts = await telegram.say(801, f"/start s{session_id}")
    assert response.status_code == 200
    assert texts[0].startswith("Bonjour Marie !")
    response, texts = await telegram.press(801, "Oui, je réserve")
    assert response.status_code == 200
    assert "C'est réservé" in texts[0]
    assert await count(db, Booking) == 1


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
async def test_without_the_secret_nothing_changes(
    api: FakeBotApi, telegram: Telegram, secret: str | None
) -> None:
    response = await telegram.push(api.user_text(802, "bonjour"), secret=secret)
    assert response.status_code == 403
    assert await count(telegram.runtime.db, Person) == 0
    assert not [c for c in api.calls if c.method == "sendMessage"]


async def test_a_redelivered_update_changes_nothing(api: FakeBotApi, telegram: Telegram) -> None:
    db = telegram.runtime.db
    session_id = await add_session(db)
    await telegram.say(803, f"/start s{session_id}")
    update = telegram.press_update(803, "Oui")
    first, texts = await telegram.exchange(803, update, 2)
    assert "C'est réservé" in texts[0]
    since = len(api.calls)
    again = await telegram.push(update)
    # The button is answered (its spinner stops) once whatever the update says has gone.
    await api.wait_for_call("answerCallbackQuery", since=since)
    assert (first.status_code, again.status_code) == (200, 200)
    assert telegram.texts_since(803, since) == []
    assert await count(db, Booking) == 1


async def test_junk_is_refused_politely(telegram: Telegram) -> None:
    for body in ("not json", "[1, 2]", '{"update_id": "x", "message": 7}'):
        response = await telegram.client.post(
            telegram.url,
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert response.status_code == 400, body
    assert await count(telegram.runtime.db, Person) == 0


async def test_a_reply_telegram_refuses_for_now_is_sent_later(
    api: FakeBotApi, telegram: Telegram
) -> None:
    api.fail_next("sendMessage", status=502, description="Bad Gateway")
    response, _ = await telegram.say(804, "bonjour")
    assert response.status_code == 200  # handled; the reply waits in the outbox
    await telegram.runtime.engine.send_due()
    welcome = await api.wait_for_replies(804, since=0, min_count=3)  # 502, keyboard, answer
    sent = [c for c in welcome if c.ok and c.method == "sendMessage"]
    assert len(sent) == 2  # the keyboard the answer brings, then the answer, once each
    assert "keyboard" in sent[0].params["reply_markup"]
    assert str(sent[1].params["text"]).startswith("Bonjour Marie !")


def sample(page: str, name: str) -> float:
    """A metric's value in a Prometheus text page."""
    for line in page.splitlines():
        if line.rsplit(" ", 1)[0] == name:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_updates_bookings_and_sends(
    api: FakeBotApi, telegram: Telegram, clock: FixedClock
) -> None:
    metrics_url = telegram.url.replace("/telegram/webhook", "/metrics")
    before = (await telegram.client.get(metrics_url, headers=SCRAPER)).text
    session_id = await add_session(telegram.runtime.db)
    await telegram.say(805, f"/start s{session_id}")
    await telegram.press(805, "Oui, je réserve")
    clock.advance(timedelta(days=1))  # Tuesday 9 h UTC: the reminder is due
    await telegram.runtime.engine.send_due()
    page = await telegram.client.get(metrics_url, headers=SCRAPER)
    assert page.headers["content-type"].startswith("text/plain")
    after = page.text
    updates = 'atelier_updates_handled_total{channel="telegram"}'
    booked = 'atelier_bookings_total{event="booked"}'
    reminders = 'atelier_outbox_sent_total{kind="reminder"}'
    assert sample(after, updates) - sample(before, updates) == 2
    assert sample(after, booked) - sample(before, booked) == 1
    assert sample(after, reminders) - sample(before, reminders) == 1
    assert "atelier_send_seconds_bucket" in after


PERSON = {"id": 806, "is_bot": False, "first_name": "Marie", "language_code": "fr"}
PRIVATE = {"id": 806, "type": "private", "first_name": "Marie"}
MALFORMED = {
    "a message without chat": {"message": {"message_id": 1, "date": 0, "text": "bonjour"}},
    "a message whose chat is null": {
        "message": {"message_id": 1, "date": 0, "text": "bonjour", "chat": None}
    },
    "a chat id that is not a number": {
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "bonjour",
            "chat": {"id": "abc", "type": "private"},
        }
    },
    "a chat id out of Telegram's range": {
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "bonjour",
            "chat": {"id": 10**30, "type": "private"},
        }
    },
    "a chat without type": {
        "message": {"message_id": 1, "date": 0, "text": "bonjour", "chat": {"id": 806}}
    },
    "a date that is not a number": {
        "message": {"message_id": 1, "date": "hier", "text": "bonjour", "chat": PRIVATE}
    },
    "a sender that is not an object": {
        "message": {"message_id": 1, "date": 0, "text": "bonjour", "chat": PRIVATE, "from": 5}
    },
    "a button pressed by nobody": {
        "callback_query": {"id": "77", "chat_instance": "1", "data": "m:menu"}
    },
    "a button whose sender has no name": {
        "callback_query": {"id": "78", "chat_instance": "1", "data": "m", "from": {"id": 806}}
    },
    "a message that is a string": {"message": "bonjour"},
}


@pytest.mark.parametrize("shape", list(MALFORMED))
async def test_a_malformed_update_is_ignored_and_its_redelivery_handled(
    api: FakeBotApi, telegram: Telegram, shape: str
) -> None:
    db = telegram.runtime.db
    response = await telegram.push({"update_id": 900_001, **MALFORMED[shape]})
    assert response.status_code == 200, response.text
    assert await count(db, Person) == 0
    assert not [c for c in api.calls if c.method == "sendMessage"]
    # The same update id, now readable (as a corrected redelivery would be): it is answered.
    good = {"message_id": 2, "date": 0, "text": "bonjour", "chat": PRIVATE, "from": PERSON}
    # The keyboard's note, then the welcome.
    response, texts = await telegram.exchange(806, {"update_id": 900_001, "message": good}, 2)
    assert response.status_code == 200
    assert texts[-1].startswith("Bonjour Marie !")
    assert telegram.texts_since(806, 0) == texts  # nothing for the malformed one
    assert await count(db, Person) == 1


async def test_webhook_updates_go_through_the_application_queue(
    api: FakeBotApi, telegram: Telegram
) -> None:
    app = telegram.runtime.app
    assert app is not None
    assert app.updater is not None
    assert app.running
    assert not app.updater.running
    answers = await asyncio.gather(*(telegram.say(810 + n, "bonjour", 2) for n in range(4)))
    for response, texts in answers:
        assert response.status_code == 200
        assert texts[-1].startswith("Bonjour Marie !")


@pytest.mark.parametrize("authorization", [None, "", "Bearer wrong", f"Basic {METRICS_TOKEN}"])
async def test_metrics_are_served_only_to_the_scraper(
    telegram: Telegram, authorization: str | None
) -> None:
    url = telegram.url.replace("/telegram/webhook", "/metrics")
    headers = {"Authorization": authorization} if authorization is not None else {}
    page = await telegram.client.get(url, headers=headers)
    assert page.status_code == 404
    assert "atelier_" not in page.text


async def test_metrics_show_the_backlog_and_the_dropped_messages(
    api: FakeBotApi, telegram: Telegram, clock: FixedClock
) -> None:
    """The alert that matters: reminders due and not going out, and for how long."""
    telegram.runtime.heartbeat.stop()  # the sender is stuck, as far as this test goes
    db = telegram.runtime.db
    url = telegram.url.replace("/telegram/webhook", "/metrics")
    dropped = 'atelier_outbox_dropped_total{kind="reply",reason="unreachable"}'
    before = (await telegram.client.get(url, headers=SCRAPER)).text
    assert sample(before, "atelier_outbox_due_messages") == 0
    async with db.transaction() as session:
        for n in range(3):
            person = Person(
                channel="telegram",
                external_id=str(900 + n),
                name="Marie",
                created_at=clock.now(),
                last_seen_at=clock.now(),
                unreachable=n == 0,
            )
            session.add(person)
            await session.flush()
            await enqueue(
                session,
                key=f"test:{n}",
                person_id=person.id,
                kind=REPLY,
                due_at=clock.now() - timedelta(minutes=10 * n),
                payload=reply_to_payload(Reply("Bonjour")),
            )
    clock.advance(timedelta(minutes=1))
    page = (await telegram.client.get(url, headers=SCRAPER)).text
    assert sample(page, "atelier_outbox_due_messages") == 3
    assert sample(page, "atelier_outbox_oldest_due_age_seconds") == 21 * 60
    await telegram.runtime.engine.send_due()
    page = (await telegram.client.get(url, headers=SCRAPER)).text
    assert sample(page, "atelier_outbox_due_messages") == 0
    assert sample(page, "atelier_outbox_oldest_due_age_seconds") == 0
    assert sample(page, dropped) - sample(before, dropped) == 1


async def test_telegram_is_answered_once_the_update_is_handled_before_its_replies_go(
    api: FakeBotApi, telegram: Telegram
) -> None:
    """Telegram holds few connections to a webhook: a reply waiting for a send slot (here
    Telegram slow to take it) does not keep the update's connection, and still arrives."""
    api.delay_next("sendMessage", 3.0, chat_id=807)
    since = len(api.calls)
    response = await telegram.push(api.user_text(807, "bonjour"))
    assert response.status_code == 200
    assert await count(telegram.runtime.db, Person) == 1  # handled and committed
    assert telegram.texts_since(807, since) == []  # the replies are still on their way
    await api.wait_for_replies(807, since=since, min_count=2)
    assert telegram.texts_since(807, since)[-1].startswith("Bonjour Marie !")


async def test_replies_still_to_send_at_shutdown_go_to_the_outbox(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    """Stopped while replies wait for a send slot, past the shutdown's grace: they are put in
    the outbox, and the next start sends them, once each."""
    settings = webhook_settings(api, database_url, shutdown_grace_seconds=0.2)
    runtime = Runtime(settings, clock)
    await runtime.start()
    async with httpx.AsyncClient() as client:
        assert runtime.telegram is not None
        runtime.telegram.pacer.pause(600)  # Telegram said to wait: nothing goes out
        response = await Telegram(api, runtime, client).push(api.user_text(808, "bonjour"))
        assert response.status_code == 200
    await runtime.stop()
    assert not [c for c in api.calls_for(808) if c.ok and c.method == "sendMessage"]
    since = len(api.calls)
    again = Runtime(settings, clock)
    await again.start()
    try:
        calls = await api.wait_for_replies(808, since=since, min_count=2)
    finally:
        await again.stop()
    texts = [str(c.params.get("text")) for c in calls if c.ok and c.method == "sendMessage"]
    assert len(texts) == 2  # the keyboard's note, then the welcome, once each
    assert texts[1].startswith("Bonjour Marie !")
