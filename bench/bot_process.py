"""The real ``atelier run`` (``python -m bot run``) in a fresh process, watched through /proc."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.fake_bot_api_server import FakeBotApiProcess
from core.config import Settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


@dataclass(slots=True)
class BotProcess:
    """A running ``atelier run``: its process, when it was started, where it logs."""

    process: asyncio.subprocess.Process
    spawned_at: float
    log: Path

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def log_tail(self, lines: int = 15) -> str:
        """The end of what it wrote."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def bot_environment(
    url: str, api: FakeBotApiProcess, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The process environment without any of the bot's settings, then the ones wanted
    (``extra``: more settings, by their environment name)."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    env.update(
        DATABASE_URL=url,
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.base_url,
        LOG_LEVEL="WARNING",
    )
    env.update(extra or {})
    return env


async def start_bot(
    url: str, api: FakeBotApiProcess, directory: Path, extra: dict[str, str] | None = None
) -> BotProcess:
    """``python -m bot run`` against the fake, in ``directory`` (which holds no `.env`)."""
    log = directory / f"atelier-run-{time.monotonic_ns()}.log"
    with log.open("wb") as output:
        spawned_at = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=directory,
            env=bot_environment(url, api, extra),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    return BotProcess(process, spawned_at, log)


async def stop_bot(bot: BotProcess, grace: float = 20.0) -> int:
    """Interrupt the bot as Ctrl-C would; kill it if it does not end in ``grace`` seconds."""
    if bot.process.returncode is None:
        bot.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(bot.process.wait(), grace)
        except TimeoutError:
            bot.process.kill()
            await bot.process.wait()
    return bot.process.returncode or 0


def status_kib(pid: int, key: str) -> int:
    """A ``kB`` value of /proc/<pid>/status, such as ``VmRSS`` or ``VmHWM`` (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process used so far (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True, slots=True)
class Idle:
    """The bot once it had nothing left to send: how long that took, and then its footprint."""

    settled: bool
    waited_s: float
    cpu_share: float
    rss_kib: int
    peak_kib: int


async def wait_until_idle(
    bot: BotProcess,
    api: FakeBotApiProcess,
    *,
    quiet: float = 10.0,
    observe: float = 20.0,
    limit: float = 300.0,
) -> Idle:
    """Wait until the bot sent nothing for ``quiet`` seconds; then watch it ``observe`` more.

    Idle means waiting for people: long polls and scheduler ticks (every 5 s by default)
    still run. The CPU share and the memory are those of the ``observe`` seconds.
    """
    started = time.monotonic()
    last_sent, last_change = -1, started
    settled = False
    while time.monotonic() - started < limit:
        if bot.process.returncode is not None:
            raise RuntimeError(f"atelier run ended early:\n{bot.log_tail()}")
        sent = (await api.progress())["sent"]
        now = time.monotonic()
        if sent != last_sent:
            last_sent, last_change = sent, now
        elif now - last_change >= quiet:
            settled = True
            break
        await asyncio.sleep(1.0)
    waited = time.monotonic() - started
    cpu_before, since = cpu_seconds(bot.pid), time.monotonic()
    await asyncio.sleep(observe)
    share = (cpu_seconds(bot.pid) - cpu_before) / (time.monotonic() - since)
    return Idle(settled, waited, share, status_kib(bot.pid, "VmRSS"), status_kib(bot.pid, "VmHWM"))
