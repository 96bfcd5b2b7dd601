"""`atelier run` as a real process, long polling a Bot API server on loopback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.support.bot_api import FakeBotApi


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
            replies = await marie.say("bonjour", timeout=15)
            assert replies[0].text.startswith("Bonjour Marie !")
            listing = await marie.press("Voir les ateliers")
            assert "Il n'y a pas d'atelier prévu" in listing[-1].text
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        log = stderr.decode()
        assert api.token not in log  # never log the token
        assert "the bot is running" in log
