"""WhatsApp: people booking by taps at once, through signed webhooks, against the fake Graph API.

Each person writes "Bonjour" and taps through to a booked seat; the bot runs in-process
(its HTTP server on loopback, the outbox sender, the WhatsApp deliverer), the Graph API is
the loopback fake of the tests, which refuses what Meta refuses. Measured: how fast the
webhook answers (Meta wants a quick 200), how long a reply takes to reach the Graph API,
and how many messages a booking takes::

    python -m bench.whatsapp --people 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from sqlalchemy import func, select

from bench.conversation import percentile
from bench.results import Metric, Options, Result, machine, table, write_json
from bot.channels.whatsapp.signature import HEADER, signature_of
from bot.channels.whatsapp.templates import all_definitions
from bot.runtime import Runtime
from core.clock import FixedClock
from models import Booking, BookingStatus
from models.migrate import upgrade
from testkit.factories import NOW, add_session, make_settings
from testkit.graph_api import FakeGraphApi, SentMessage, WhatsAppPhone

NAME = "whatsapp"
PEOPLE, QUICK_PEOPLE = 100, 10
AT_ONCE = 10
PHONE_ID, TOKEN, SECRET = "106540352242922", "bench-token", "bench-secret"
RESULTS = Path(__file__).resolve().parent / "whatsapp.json"


class TimedPhone(WhatsAppPhone):
    """A phone that times the webhook's answer and the reply's arrival."""

    answers: list[float]
    replies: list[float]

    async def timed(self, content: dict[str, object]) -> SentMessage:
        before = len(self.fake.to(self.number))
        payload = self.message_payload(content)
        raw = json.dumps(payload).encode()
        self.fake.window_opened[self.number] = self.fake.clock.now()
        started = time.perf_counter()
        response = await self.client.post(
            self.url, content=raw, headers={HEADER: signature_of(self.app_secret, raw)}
        )
        self.answers.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        sent = await self.fake.wait_for(self.number, before + 1, within=60)
        self.replies.append((time.perf_counter() - started) * 1000)
        return sent[before]

    async def tap_timed(self, answer: SentMessage, label: str) -> SentMessage:
        choice_id, title = next((i, t) for i, t in answer.choices if label in t)
        kind = "button_reply" if answer.message["interactive"]["type"] == "button" else "list_reply"
        picked = {"type": kind, kind: {"id": choice_id, "title": title}}
        content = {"type": "interactive", "interactive": picked}
        return await self.timed(content)


async def book(phone: TimedPhone) -> int:
    """Bonjour, then taps to a booked seat; return the person's messages."""
    answer = await phone.timed({"type": "text", "text": {"body": "Bonjour"}})
    sent = 1
    for label in ("Voir les ateliers", "Atelier", "Réserver", "Oui"):
        answer = await phone.tap_timed(answer, label)
        sent += 1
    await asyncio.sleep(0.2)  # the calendar file and the place follow the confirmation
    return sent


async def measure(people: int) -> Result:
    """Book ``people`` seats, ``AT_ONCE`` people at a time."""
    clock = FixedClock(NOW)
    with TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        async with FakeGraphApi(PHONE_ID, TOKEN, clock, all_definitions()) as fake:
            settings = make_settings(
                url,
                whatsapp_access_token=TOKEN,
                whatsapp_phone_number_id=PHONE_ID,
                whatsapp_app_secret=SECRET,
                whatsapp_api_base_url=fake.base_url,
                whatsapp_rate_per_second=80,
                http_port=0,
                outbox_poll_seconds=1,
            )
            runtime = Runtime(settings, clock)
            await runtime.start()
            try:
                assert runtime.http is not None
                webhook = f"http://127.0.0.1:{runtime.http.port}/whatsapp/webhook"
                await add_session(runtime.db, title="Atelier smartphone", capacity=people)
                answers: list[float] = []
                replies: list[float] = []
                async with httpx.AsyncClient(timeout=60) as client:
                    phones = []
                    for index in range(people):
                        number = f"336{index:08d}"
                        fake.on_whatsapp.add(number)
                        phone = TimedPhone(number, "P", webhook, SECRET, fake, client, PHONE_ID)
                        phone.answers, phone.replies = answers, replies
                        phones.append(phone)
                    started = time.perf_counter()
                    counts: list[int] = []
                    for first in range(0, people, AT_ONCE):
                        batch = phones[first : first + AT_ONCE]
                        counts += await asyncio.gather(*(book(phone) for phone in batch))
                    elapsed = time.perf_counter() - started
                async with runtime.db.transaction() as session:
                    booked = await session.execute(
                        select(func.count())
                        .select_from(Booking)
                        .where(Booking.status == BookingStatus.BOOKED)
                    )
                    bookings = int(booked.scalar_one())
            finally:
                await runtime.stop()
    answers.sort()
    replies.sort()

    def spread(values: list[float]) -> str:
        return " / ".join(str(percentile(values, share)) for share in (50, 95, 99))

    metrics = [
        Metric.exactly("seats booked", bookings, people),
        Metric.exactly("messages from 'Bonjour' to a booked seat", max(counts), 5),
        Metric.exactly("messages the fake Graph API refused", len(fake.refused), 0),
        Metric("webhook answer p50 / p95 / p99", spread(answers), "ms"),
        Metric.below("webhook answer p99", percentile(answers, 99), 1000, "ms"),
        Metric("reply at the Graph API p50 / p95 / p99", spread(replies), "ms"),
        Metric("bookings per second", round(people / elapsed, 1)),
    ]
    return Result(NAME, metrics, {"people": people, "at_once": AT_ONCE}, "sqlite")


def benchmark(options: Options) -> Result:
    """Entry point of ``bench.run``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(measure(QUICK_PEOPLE if options.quick else PEOPLE))


def main(argv: list[str] | None = None) -> None:
    """Command line: run this benchmark alone, print its table, write its JSON."""
    parser = argparse.ArgumentParser(description="WhatsApp booking benchmark.")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(measure(args.people))
    printed = table([result])
    print(printed)
    write_json(args.output, [result], {"people": args.people}, machine(), printed)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
