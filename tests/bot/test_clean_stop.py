"""`atelier run` stopped by SIGTERM (systemctl stop, docker stop) in the middle of a fan-out."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.dialog import Reply, reply_to_payload
from core.outbox.queue import REPLY, enqueue
from models import Database, OutboxMessage, OutboxStatus, Person
from models.migrate import upgrade
from tests.support.bot_api import FakeBotApi

PEOPLE = 90
FIRST_CHAT = 5000


async def queue_a_fan_out(url: str) -> None:
    """One message due now for each of ``PEOPLE`` people on Telegram."""
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            for n in range(PEOPLE):
                person = Person(
                    channel="telegram",
                    external_id=str(FIRST_CHAT + n),
                    name="Marie",
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(person)
                await session.flush()
                await enqueue(
                    session,
                    key=f"fan-out:{n}",
                    person_id=person.id,
                    kind=REPLY,
                    due_at=now - timedelta(minutes=1),
                    payload=reply_to_payload(Reply(f"Message {n}")),
                )
    finally:
        await db.dispose()


async def statuses(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            return {str(status): int(count) for status, count in await session.execute(query)}
    finally:
        await db.dispose()


def received(api: FakeBotApi) -> Counter[int]:
    """Fan-out messages that reached each chat."""
    return Counter(
        int(c.chat_id)
        for c in api.calls
        if c.ok and c.method == "sendMessage" and c.chat_id is not None
        if int(c.chat_id) >= FIRST_CHAT
    )


async def wait_until(api: FakeBotApi, condition: Callable[[], bool], within: float) -> None:
    """Wait, call after call to the fake, until ``condition`` holds."""
    async with asyncio.timeout(within):
        while not condition():
            await api.wait_for_call("sendMessage", since=len(api.calls), timeout=within)


async def test_sigterm_during_a_fan_out_stops_cleanly(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    await queue_a_fan_out(url)
    async with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": url,
            "OUTBOX_POLL_SECONDS": "0.2",
            "SEND_RATE_PER_SECOND": "20",
            "SHUTDOWN_GRACE_SECONDS": "5",  # a send in hand finishes even on a busy machine
        }

        async def start() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                env=env, cwd=tmp_path,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip

        process = await start()
        try:
            await wait_until(api, lambda: sum(received(api).values()) >= 10, within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=45)
        log = stderr.decode()
        assert process.returncode == 0, log
        assert "SIGTERM received: stopping" in log
        assert "put back in the queue" in log
        counts = await statuses(url)
        assert OutboxStatus.SENDING not in counts  # nothing waits for its lease to lapse
        assert counts[OutboxStatus.PENDING] > 0  # the fan-out was stopped in its middle
        assert counts[OutboxStatus.SENT] == len(received(api))  # each sent row went out
        assert set(received(api).values()) == {1}

        # Started again, it sends the rest: every person gets their message exactly once.
        process = await start()
        try:
            await wait_until(api, lambda: len(received(api)) == PEOPLE, within=30)
            await asyncio.sleep(0.5)  # two more ticks: nothing goes out twice
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.communicate(), timeout=45)
        assert process.returncode == 0
        assert set(received(api).values()) == {1}
        assert await statuses(url) == {OutboxStatus.SENT: PEOPLE}
