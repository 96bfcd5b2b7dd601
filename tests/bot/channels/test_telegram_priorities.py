"""A rush on Telegram: a newcomer's first answer does not wait behind the day's reminders,
and those still all go out, once each."""

from __future__ import annotations

from bot.runtime import Runtime
from core.clock import FixedClock
from models import Database
from tests.core.delivery.test_outbox_delivery import DUE, FIRST_CHAT, book_people
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings
from tests.support.settling import sends_settled

PEOPLE = 16


def reminders_sent(api: FakeBotApi) -> list[float]:
    """When each reminder Telegram accepted was sent."""
    return [
        call.at
        for call in api.calls
        if call.ok and call.method == "sendMessage" and "demain" in call.params.get("text", "")
    ]


async def test_a_newcomers_first_answer_goes_before_the_reminders_queued(
    database_url: str, clock: FixedClock
) -> None:
    db = Database(database_url)
    await book_people(db, clock, people=PEOPLE)
    await db.dispose()
    clock.set(DUE)  # every reminder is due: the pacer is full for a while
    async with FakeBotApi() as api:
        settings = make_settings(
            database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.base_url,
            send_rate_per_second=4,
        )
        runtime = Runtime(settings, clock, poll_timeout=1)
        await runtime.start()
        try:
            await api.wait_for_call("sendMessage")  # the first reminder: the rest wait
            newcomer = api.user(FIRST_CHAT + 500, "Nadia")
            replies = await newcomer.say("/start", timeout=15)
            first_answer = min(c.at for c in api.calls if c.chat_id == newcomer.chat_id)
            assert replies
            await sends_settled(runtime, within=15)
        finally:
            await runtime.stop()
    after = [at for at in reminders_sent(api) if at > first_answer]
    assert len(after) >= PEOPLE - 2  # queued before, sent after the newcomer's answer
    counted = [call.chat_id for call in api.calls if call.ok and "demain" in str(call.params)]
    assert sorted(counted) == [FIRST_CHAT + n for n in range(PEOPLE)]  # each once
