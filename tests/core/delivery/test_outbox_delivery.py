"""The outbox on Telegram: paced, retried as Telegram asks, and exactly once across instances.

A real python-telegram-bot ``Bot`` talks HTTP to the loopback Bot API server, which can
answer 429, 403, 400, 500 or nothing in time, and enforce Telegram's flood limits.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.pacing import Pacer
from bot.channels.telegram.application import CHANNEL, make_deliverer
from core.clock import FixedClock
from core.delivery.sender import MAX_ATTEMPTS, OutboxSender, Remember
from core.dialog import Reply, reply_to_payload
from core.outbox.queue import REPLY, enqueue
from core.seats.session_changes import move_session
from handlers.machinery.turns import Conversations
from handlers.renderers.notice_texts import render_notice
from models import Database, OutboxMessage, OutboxStatus, Person
from tests.support.bot_api import FakeBotApi
from tests.support.chat import Chat
from tests.support.factories import NOW, add_session, make_settings

DUE = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)  # Tuesday 10 h in Metz: reminders for Wednesday
FIRST_CHAT = 7001


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


class Sending:
    """One bot instance's outbox sender, wired to the loopback Bot API."""

    def __init__(
        self,
        api: FakeBotApi,
        url: str,
        clock: FixedClock,
        pacer: Pacer,
        *,
        timeout: float = 5,
        remember: Remember | None = None,
    ) -> None:
        self.db = Database(url)
        request = HTTPXRequest(connection_pool_size=64, read_timeout=timeout)
        self.bot = Bot(api.token, base_url=api.base_url, request=request)
        settings = make_settings(url)
        self.sender = OutboxSender(
            self.db,
            clock,
            lambda session, row, person, now: render_notice(session, row, person, settings, now),
            {CHANNEL: make_deliverer(self.bot, pacer)},
            batch=10,
            remember=remember,
        )

    async def __aenter__(self) -> Sending:
        await self.bot.initialize()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.bot.shutdown()
        await self.db.dispose()


def fast_pacer() -> Pacer:
    """Pacing loose enough for tests that are not about the limits."""
    return Pacer(1_000, None)


async def book_people(db: Database, clock: FixedClock, people: int, sessions: int = 1) -> None:
    """``people`` Telegram people each book ``sessions`` sessions on Wednesday afternoon."""
    ids = [
        await add_session(
            db,
            title=f"Atelier {n}",
            starts_at=NOW + timedelta(days=2, hours=4 + n),
            capacity=max(people, 1),
        )
        for n in range(sessions)
    ]
    flows = Conversations(db, make_settings(db.url), clock)
    for n in range(people):
        chat = Chat(flows, str(FIRST_CHAT + n), channel=CHANNEL)
        await chat.say("bonjour")
        for session_id in ids:
            await chat.pick(f"by:{session_id}")
            assert "C'est réservé" in chat.text


def reminders_per_chat(api: FakeBotApi) -> Counter[int]:
    """Reminders Telegram accepted, by chat."""
    return Counter(
        int(call.chat_id)
        for call in api.calls
        if call.ok and call.method == "sendMessage" and "demain" in call.params.get("text", "")
    )


async def chats_in(db: Database, status: OutboxStatus) -> set[int]:
    """The chats that have a row in ``status``."""
    async with db.transaction() as session:
        query = (
            select(Person.external_id)
            .join(OutboxMessage, OutboxMessage.person_id == Person.id)
            .where(OutboxMessage.status == status)
        )
        return {int(chat) for (chat,) in await session.execute(query)}


async def statuses(db: Database) -> Counter[str]:
    async with db.transaction() as session:
        found = await session.execute(select(OutboxMessage.status))
        return Counter(status for (status,) in found)


async def row_of(db: Database, chat: int) -> OutboxMessage:
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(Person.external_id == str(chat))
        )
        return (await session.execute(query)).scalar_one()


async def test_paced_sends_never_trip_the_flood_limits(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=8, sessions=3)  # 24 reminders, three to each chat
    await db.dispose()
    api.limits(global_per_second=30, per_chat_per_second=5)
    clock.set(DUE)
    async with Sending(api, database_url, clock, Pacer(29, 5)) as one:
        assert await one.sender.run_once() == 24
        assert await statuses(one.db) == {OutboxStatus.SENT: 24}
    assert api.rejected_429 == 0
    assert reminders_per_chat(api) == {FIRST_CHAT + n: 3 for n in range(8)}


async def test_unpaced_sends_are_refused_then_delivered_after_the_pause(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=2, sessions=3)
    await db.dispose()
    api.limits(global_per_second=30, per_chat_per_second=2)
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()
        assert await statuses(one.db) == {OutboxStatus.SENT: 6}
    assert api.rejected_429 > 0  # the control: without pacing, Telegram says "too many"
    assert reminders_per_chat(api) == {FIRST_CHAT: 3, FIRST_CHAT + 1: 3}


async def test_a_429_pauses_for_retry_after_and_the_message_still_goes(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=1)
    await db.dispose()
    api.fail_next("sendMessage", status=429, retry_after=1)
    clock.set(DUE)
    loop = asyncio.get_running_loop()
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        started = loop.time()
        await one.sender.run_once()
        waited = loop.time() - started
        assert await statuses(one.db) == {OutboxStatus.SENT: 1}
    sends = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 0.95  # the pause Telegram asked for was kept
    assert waited >= 0.95


async def test_server_errors_are_retried_with_backoff_then_marked_failed(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=2)
    await db.dispose()
    broken = FIRST_CHAT
    api.fail_next("sendMessage", status=500, count=100, chat_id=broken)
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()
        # The other person's reminder did not wait for the failing one.
        assert reminders_per_chat(api) == {FIRST_CHAT + 1: 1}
        row = await row_of(one.db, broken)
        assert row.status == OutboxStatus.PENDING
        assert row.due_at > DUE  # backoff
        for _ in range(MAX_ATTEMPTS):
            clock.advance(timedelta(minutes=10))
            await one.sender.run_once()
        row = await row_of(one.db, broken)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert row.last_error is not None
    assert "Internal Server Error" in row.last_error
    attempts = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == broken]
    assert len(attempts) == MAX_ATTEMPTS


async def test_a_timeout_is_retried_and_may_deliver_twice(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=1)
    await db.dispose()
    api.delay_next("sendMessage", 1.0)  # Telegram answers too late, but does send it
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer(), timeout=0.3) as one:
        await one.sender.run_once()
        row = await row_of(one.db, FIRST_CHAT)
        assert row.status == OutboxStatus.PENDING
        assert row.last_error is not None
        assert "TimedOut" in row.last_error
        await asyncio.sleep(1.0)  # let the late answer land on the server side
        clock.advance(timedelta(minutes=1))
        await one.sender.run_once()
        assert (await row_of(one.db, FIRST_CHAT)).status == OutboxStatus.SENT
    # At-least-once: a send whose answer never came is sent again.
    assert reminders_per_chat(api) == {FIRST_CHAT: 2}


async def test_a_400_is_not_retried(api: FakeBotApi, database_url: str, clock: FixedClock) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=1)
    await db.dispose()
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()
        clock.advance(timedelta(hours=2))
        await one.sender.run_once()
        row = await row_of(one.db, FIRST_CHAT)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error is not None
    assert "Chat not found" in row.last_error
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 1


async def test_a_blocked_bot_marks_the_person_unreachable(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=2, sessions=2)
    await db.dispose()
    api.block(FIRST_CHAT)
    clock.set(DUE)
    async with Sending(api, database_url, clock, Pacer(1_000, 1_000)) as one:
        await one.sender.run_once()
        async with one.db.transaction() as session:
            found = await session.execute(select(Person.external_id, Person.unreachable))
            unreachable = {chat: flag for chat, flag in found}
        assert unreachable == {str(FIRST_CHAT): True, str(FIRST_CHAT + 1): False}
        # One refused send; the person's other reminder is dropped without a call.
        blocked_calls = [c for c in api.calls if c.chat_id == FIRST_CHAT]
        assert [c.status for c in blocked_calls] == [403]
        assert await statuses(one.db) == {
            OutboxStatus.SENT: 2,
            OutboxStatus.FAILED: 1,
            OutboxStatus.DROPPED: 1,
        }
    assert reminders_per_chat(api) == {FIRST_CHAT + 1: 2}


async def test_a_restart_in_the_middle_of_a_fan_out_loses_nothing(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=30)
    await db.dispose()
    clock.set(DUE)
    async with Sending(api, database_url, clock, Pacer(40, None)) as first:
        task = asyncio.create_task(first.sender.run_once())
        await api.wait_for_replies(FIRST_CHAT + 11, since=0, quiet=0)
        task.cancel()  # the process dies mid-way: no chance to mark what is in flight
        with pytest.raises(asyncio.CancelledError):
            await task
        at_crash = await statuses(first.db)
        delivered = set(reminders_per_chat(api))
        unmarked = await chats_in(first.db, OutboxStatus.SENDING)
    assert at_crash[OutboxStatus.SENT] >= 10
    assert at_crash[OutboxStatus.PENDING] > 0
    clock.advance(timedelta(minutes=3))  # the claims of the dead process lapse
    async with Sending(api, database_url, clock, fast_pacer()) as second:
        await second.sender.run_once()
        assert await statuses(second.db) == {OutboxStatus.SENT: 30}
        # Another restart sends nothing more.
        clock.advance(timedelta(hours=1))
        assert await second.sender.run_once() == 0
    counts = reminders_per_chat(api)
    assert set(counts) == {FIRST_CHAT + n for n in range(30)}  # nothing lost
    # A second copy only for rows sent but not yet marked when the process died.
    twice = {chat for chat, count in counts.items() if count == 2}
    assert max(counts.values()) <= 2
    assert twice <= unmarked & delivered


async def test_two_instances_send_every_reminder_exactly_once(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=40)
    await db.dispose()
    clock.set(DUE)
    async with (
        Sending(api, database_url, clock, fast_pacer()) as one,
        Sending(api, database_url, clock, fast_pacer()) as two,
    ):
        handled = await asyncio.gather(one.sender.run_once(), two.sender.run_once())
        assert sum(handled) == 40
        assert await statuses(one.db) == {OutboxStatus.SENT: 40}
    assert reminders_per_chat(api) == {FIRST_CHAT + n: 1 for n in range(40)}


async def test_a_calendar_file_that_fails_is_sent_again_with_its_message_once(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=1)
    settings = make_settings(database_url)
    async with db.transaction() as session:
        await move_session(
            session, 1, DUE + timedelta(days=2), clock.now(), zone=settings.zone, at=time(10)
        )
    await db.dispose()
    api.fail_next("sendDocument", status=500)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await one.sender.run_once()  # the file carries the notice: neither has gone
        assert not (await statuses(one.db)).get(OutboxStatus.SENT)
        clock.advance(timedelta(hours=1))
        await one.sender.run_once()
        assert (await statuses(one.db))[OutboxStatus.SENT] == 1
    notices = [c for c in api.calls if c.ok and "change de date" in str(c.params)]
    assert len(notices) == 1
    assert [c.status for c in api.calls if c.method == "sendDocument"] == [500, 200]


class Poke(asyncio.Event):
    """The sender's poke, counting the waits on it; it tells when the pass ``passing``
    itself waits on it for a retry soon (its other waits are tasks of their own)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits = 0
        self.passing: asyncio.Task[int] | None = None
        self.retry_waits = asyncio.Queue[None]()

    async def wait(self) -> bool:
        self.waits += 1
        if asyncio.current_task() is self.passing:
            self.retry_waits.put_nowait(None)
        return await super().wait()


async def test_a_stopping_sender_waits_for_the_sends_out_without_spinning(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    # The bot stops while a reminder is out: the sender waits for its answer without
    # going round its loop (the poke that stop() leaves set used to end each wait at once,
    # keeping a core busy until the send came back).
    db = Database(database_url)
    await book_people(db, clock, people=1)
    await db.dispose()
    out = asyncio.Event()
    api.on_request(lambda method, _: out.set() if method.lower() == "sendmessage" else None)
    api.delay_next("sendMessage", 0.5)
    clock.set(DUE)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        one.sender._poked = poke = Poke()
        passing = asyncio.create_task(one.sender.run_once())
        await out.wait()
        one.sender.stop()
        waits = poke.waits
        for _ in range(100):
            await asyncio.sleep(0)  # the event loop goes round; the send is still out
        assert not passing.done()
        assert poke.waits - waits <= 1
        assert await passing == 1  # the reminder in hand still went
        assert await statuses(one.db) == {OutboxStatus.SENT: 1}


async def ticks_at(
    sender: OutboxSender, clock: FixedClock, moments: list[datetime]
) -> asyncio.Task[int]:
    """Run a pass; each time it waits for a retry soon, the clock moves on to the next of
    ``moments`` and a tick wakes it (in place of its timer). Return the ended pass."""
    sender._poked = poke = Poke()
    passing = poke.passing = asyncio.create_task(sender.run_once())
    for moment in moments:
        waiting = asyncio.ensure_future(poke.retry_waits.get())
        await asyncio.wait({waiting, passing}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():  # the pass ended without waiting
            waiting.cancel()
            break
        clock.set(moment)
        sender.poke()
    await passing
    return passing


async def replies_to(db: Database, clock: FixedClock, due: dict[int, datetime]) -> None:
    """A Telegram person for each chat of ``due``, with an answer due then."""
    flows = Conversations(db, make_settings(db.url), clock)
    for chat, due_at in due.items():
        await Chat(flows, str(chat), channel=CHANNEL).say("bonjour")
        async with db.transaction() as session:
            query = select(Person).where(Person.external_id == str(chat))
            person = (await session.execute(query)).scalar_one()
            await enqueue(
                session,
                key=f"{REPLY}:{CHANNEL}:{chat}:0",
                person_id=person.id,
                kind=REPLY,
                due_at=due_at,
                payload=reply_to_payload(Reply(f"Réponse pour {chat}")),
            )


def answered(api: FakeBotApi) -> list[str]:
    """The answers Telegram accepted, in order."""
    return [
        str(call.params.get("text"))
        for call in api.calls
        if call.ok and call.method == "sendMessage" and "Réponse" in call.params.get("text", "")
    ]


async def test_a_failed_answer_is_retried_in_the_pass_even_after_an_early_tick(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    # The answer fails; a tick comes 0.3 s later, before its retry: the pass still
    # retries it a second after the failure (it used to end, leaving it to the next poll).
    db = Database(database_url)
    await replies_to(db, clock, {FIRST_CHAT: NOW})
    await db.dispose()
    api.fail_next("sendMessage", status=500, chat_id=FIRST_CHAT)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        second = timedelta(seconds=1)
        await ticks_at(one.sender, clock, [NOW + 0.3 * second, NOW + 1.1 * second])
        assert answered(api) == [f"Réponse pour {FIRST_CHAT}"]
        assert await statuses(one.db) == {OutboxStatus.SENT: 1}


async def test_answers_failed_at_different_moments_are_all_retried_in_the_pass(
    api: FakeBotApi, database_url: str, clock: FixedClock
) -> None:
    # One answer fails; half a second later another, queued meanwhile, fails too. Once
    # the first one's retry is due the pass goes on until the second one's is: both go
    # (it used to keep only the first retry time, leaving the second to the next poll).
    second = timedelta(seconds=1)
    db = Database(database_url)
    await replies_to(db, clock, {FIRST_CHAT: NOW, FIRST_CHAT + 1: NOW + 0.5 * second})
    await db.dispose()
    api.fail_next("sendMessage", status=500, chat_id=FIRST_CHAT)
    api.fail_next("sendMessage", status=500, chat_id=FIRST_CHAT + 1)
    async with Sending(api, database_url, clock, fast_pacer()) as one:
        await ticks_at(one.sender, clock, [NOW + k * second for k in (0.5, 1.1, 1.6)])
        assert sorted(answered(api)) == [f"Réponse pour {FIRST_CHAT + n}" for n in range(2)]
        assert await statuses(one.db) == {OutboxStatus.SENT: 2}
