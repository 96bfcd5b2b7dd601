"""`atelier run` as a real process, long polling a Bot API server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.support.bot_api import FakeBotApi
from tests.support.sms_providers import FakeTwilio
from tests.support.webhook import free_port


async def test_atelier_run_answers_on_telegram(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await api.wait_for_call("getUpdates", timeout=30)
            marie = api.user(4242, "Marie")
            replies = await marie.say("bonjour", min_replies=2, timeout=15)
            assert replies[-1].text.startswith("Bonjour Marie !")  # after the keyboard's note
            listing = await marie.press("Voir les ateliers")
            assert "Il n'y a pas d'atelier prévu" in listing[-1].text
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        log = stderr.decode()
        assert api.token not in log  # never log the token
        assert "the bot is running" in log


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    process.terminate()
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    return stderr.decode()


async def test_the_reminder_goes_out_once_across_restarts(tmp_path: Path) -> None:
    """As an organiser tries it: a session tomorrow, REMINDER_TIME just ahead, a restart."""
    zone = zone_far_from_midnight()
    tomorrow = (datetime.now(zone) + timedelta(days=1)).strftime("%Y-%m-%dT14:00")
    schedule = tmp_path / "tomorrow.csv"
    schedule.write_text(
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address,bring\n"
        f"Envoyer des photos,Par message,tous,{tomorrow},90,8,Boutique Orange Metz,"
        "Angle rue Serpenoise,Votre téléphone\n",
        encoding="utf-8",
    )
    async with FakeBotApi() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
            "OUTBOX_POLL_SECONDS": "0.5",
            "TIMEZONE": zone.key,
        }
        imported = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(schedule), env=env, cwd=tmp_path
        )
        assert await imported.wait() == 0
        process = await start_bot(env, tmp_path)
        try:
            await api.wait_for_call("getUpdates", timeout=30)
            marie = api.user(4343, "Marie")
            await marie.say("bonjour", timeout=15)
            await marie.press("Voir les ateliers")
            await marie.press("Envoyer des photos")
            await marie.press("Réserver")
            done = await marie.press("Oui, je réserve")
            assert "C'est réservé" in done[0].text
            assert done[-1].raw["document"]["file_name"].endswith(".ics")
        finally:
            await stop_bot(process)
        # The organiser sets REMINDER_TIME a few seconds ahead and restarts the bot.
        env["REMINDER_TIME"] = (datetime.now(zone) + timedelta(seconds=4)).strftime("%H:%M:%S")
        since = len(api.calls)
        process = await start_bot(env, tmp_path)
        try:
            [reminder] = await reminders_to(api, marie.chat_id, since, within=30)
            assert "votre atelier, c'est demain" in reminder
            assert "À apporter : Votre téléphone." in reminder
        finally:
            await stop_bot(process)
        # Restarted once more after the reminder went out: it is not sent again.
        restart = len(api.calls)
        process = await start_bot(env, tmp_path)
        try:
            await api.wait_for_call("getUpdates", since=restart, timeout=30)
            await asyncio.sleep(2)  # four ticks of the restarted sender
        finally:
            await stop_bot(process)
        assert len(await reminders_to(api, marie.chat_id, since, within=0)) == 1


async def reminders_to(api: FakeBotApi, chat_id: int, since: int, *, within: float) -> list[str]:
    """The reminders sent to a chat after ``calls[since]``, waiting up to ``within`` for one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within

    def found() -> list[str]:
        return [
            str(c.params.get("text", ""))
            for c in api.calls[since:]
            if c.ok and c.chat_id == chat_id and "demain" in str(c.params.get("text", ""))
        ]

    while not found() and (left := deadline - loop.time()) > 0:
        await api.wait_for_call("sendMessage", since=len(api.calls), timeout=left)
    return found()


async def test_atelier_serve_books_and_cancels_by_sms(tmp_path: Path) -> None:
    """As the README says: `atelier serve` for Twilio; requests signed by Twilio's library."""
    async with FakeTwilio("AC" + "1" * 32, "secret-token") as twilio:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'sms.db'}",
            "SMS_PROVIDER": "twilio",
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": "secret-token",
            "TWILIO_FROM_NUMBER": "+33700000000",
            "TWILIO_API_BASE_URL": twilio.base_url,
            "HTTP_PORT": str(port),
            "SMS_RATE_PER_SECOND": "50",
        }
        tomorrow = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=2)).strftime(
            "%Y-%m-%dT14:00"
        )
        schedule = tmp_path / "s.csv"
        schedule.write_text(
            "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
            f"Envoyer des photos,Par message,tous,{tomorrow},90,8,Boutique,Metz\n",
            encoding="utf-8",
        )
        imported = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(schedule), env=env, cwd=tmp_path
        )
        assert await imported.wait() == 0
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/sms/twilio"
        health = f"http://127.0.0.1:{port}/healthz"
        validator = RequestValidator("secret-token")
        try:
            async with httpx.AsyncClient() as client:
                async with asyncio.timeout(30):
                    while True:
                        with contextlib.suppress(httpx.TransportError):
                            if (await client.get(health)).is_success:
                                break
                        await asyncio.sleep(0.2)
                answers: list[str] = []
                for number, body in enumerate(["Bonjour", "1", "1", "OUI", "ANNULER", "OUI"]):
                    params = {"From": "+33612345678", "Body": body, "MessageSid": f"SM{number}"}
                    signature = validator.compute_signature(url, params)
                    response = await client.post(
                        url, data=params, headers={"X-Twilio-Signature": signature}
                    )
                    assert response.status_code == 200
                    answers.append((await twilio.wait_for("+33612345678", number + 1))[-1])
        finally:
            log = await stop_bot(process)
        assert "C'est réservé !" in answers[3]  # the fourth text books the seat
        assert "Voulez-vous vraiment annuler votre place ?" in answers[4]
        assert "C'est annulé." in answers[5]
        assert "+33612345678" not in log  # no phone number in the logs


@pytest.mark.postgres
async def test_two_webhook_processes_share_one_postgresql_database(
    tmp_path: Path, postgres_url: str
) -> None:
    """Two `atelier run` in webhook mode: one conversation served alternately, no seat
    oversold, every reminder sent once."""
    zone = zone_far_from_midnight()
    tomorrow = (datetime.now(zone) + timedelta(days=1)).strftime("%Y-%m-%dT14:00")
    schedule = tmp_path / "s.csv"
    schedule.write_text(
        "title,description,audience,starts_at,duration_minutes,capacity,venue,address\n"
        f"Envoyer des photos,Par message,tous,{tomorrow},90,2,Boutique,Metz\n",
        encoding="utf-8",
    )
    async with FakeBotApi() as api, httpx.AsyncClient() as client:
        ports = [free_port(), free_port()]
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": postgres_url,
            "WEBHOOK_URL": "https://atelier.example.org/telegram/webhook",
            "WEBHOOK_SECRET": "shared-secret",
            "OUTBOX_POLL_SECONDS": "0.5",
            "TIMEZONE": zone.key,
            # Queued at booking for later today; moved to a few seconds ahead below.
            "REMINDER_TIME": (datetime.now(zone) + timedelta(hours=1)).strftime("%H:%M:%S"),
        }
        imported = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "import", str(schedule), env=env, cwd=tmp_path
        )
        assert await imported.wait() == 0
        urls = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
        headers = {"X-Telegram-Bot-Api-Secret-Token": "shared-secret"}
        processes = await start_webhook_bots(client, env, ports, tmp_path)
        try:

            async def push(turn: int, user: int, update: dict[str, object]) -> None:
                """Push ``update``; return once ``user`` has read the answer (it follows the
                webhook's 200): two replies (the keyboard's note and the welcome; a button's
                answer and a message)."""
                since = len(api.calls)
                response = await client.post(urls[turn % 2], json=update, headers=headers)
                assert response.status_code == 200
                await api.wait_for_replies(user, since=since, min_count=2)

            async def press(turn: int, user: int, label: str) -> None:
                message = next(m for m in reversed(api.bot_messages(user)) if m.buttons)
                data = next(d for row in message.buttons for t, d in row if label in t)
                assert data is not None
                await push(turn, user, api.user_press(user, message.message_id, data))

            # One conversation, each step to the other process.
            for user in (901, 902, 903):
                await push(0, user, api.user_text(user, "bonjour"))
                await press(1, user, "Voir les ateliers")
                await press(0, user, "Envoyer des photos")
                await press(1, user, "Réserver")
            # Three confirmations at once, for two seats, across both processes.
            await asyncio.gather(
                press(0, 901, "Oui, je réserve"),
                press(1, 902, "Oui, je réserve"),
                press(0, 903, "Oui, je réserve"),
            )
        finally:
            logs = [await stop_bot(process) for process in processes]
        texts = {
            # A confirmation travels as the calendar file's caption.
            user: " ".join(
                str(c.params.get("text") or c.params.get("caption") or "")
                for c in api.calls_for(user)
            )
            for user in (901, 902, 903)
        }
        assert sum("C'est réservé" in text for text in texts.values()) == 2
        assert sum("complet" in text for text in texts.values()) == 1
        booked = sorted(user for user, text in texts.items() if "C'est réservé" in text)
        # The organiser moves REMINDER_TIME to now and restarts both: both senders run,
        # each reminder goes once.
        env["REMINDER_TIME"] = (datetime.now(zone) + timedelta(seconds=2)).strftime("%H:%M:%S")
        processes = await start_webhook_bots(client, env, ports, tmp_path)
        try:
            deadline = asyncio.get_running_loop().time() + 30
            while len(reminders_sent(api)) < len(booked):
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    break
                with contextlib.suppress(AssertionError):  # no call within the time left
                    await api.wait_for_call("sendMessage", since=len(api.calls), timeout=left)
            # Four more ticks of each sender: a reminder sent twice would show by then.
            await asyncio.sleep(2)
        finally:
            logs = [await stop_bot(process) for process in processes]
        assert sorted(reminders_sent(api)) == booked, logs


async def start_webhook_bots(
    client: httpx.AsyncClient, env: dict[str, str], ports: list[int], cwd: Path
) -> list[asyncio.subprocess.Process]:
    """Start one `atelier run` in webhook mode on each port; return once all are healthy."""
    processes = [await start_bot({**env, "HTTP_PORT": str(port)}, cwd) for port in ports]
    try:
        async with asyncio.timeout(40):
            for port in ports:
                while True:
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(f"http://127.0.0.1:{port}/healthz")).is_success:
                            break
                    await asyncio.sleep(0.2)
    except BaseException:
        for process in processes:
            await stop_bot(process)
        raise
    return processes


def reminders_sent(api: FakeBotApi) -> list[int | None]:
    """The chats each reminder went to, once per reminder sent."""
    return [
        call.chat_id
        for call in api.calls
        if call.ok and call.method == "sendMessage" and "demain" in str(call.params)
    ]


def zone_far_from_midnight() -> ZoneInfo:
    """Paris, or a zone six hours behind when Paris nears midnight: the reminder, due the
    day before the session at a time a few seconds ahead, must not fall past midnight."""
    paris = ZoneInfo("Europe/Paris")
    if datetime.now(paris).hour < 22:
        return paris
    return ZoneInfo("America/New_York")
