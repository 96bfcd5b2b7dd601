"""Huge webhook bodies against the real ``atelier serve``: refused early, memory flat.

A fresh ``python -m bot serve`` per SMS provider (Android gateway, Twilio); each huge POST
goes over a raw socket, declared with Content-Length or chunked, and sending stops as soon
as the server answers. Reported: the status, how much was sent before the answer, the
time to answer, and the server's resident memory and peak (from /proc) against its own
figures before::

    python -m bench.webhook_bodies [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from bench.bot_process import status_kib
from bench.results import Metric, Options, Result, machine, table, write_json
from core.config import Settings
from testkit.huge_posts import MB, post_huge

NAME = "webhook_bodies"
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
MEMORY_CEILING_MB = 20
ANSWER_WITHIN_S = 1.0


@dataclass(frozen=True, slots=True)
class Attempt:
    """One huge POST: what came back, how much had gone, the server's memory after."""

    case: str
    status: int
    sent_mb: float
    seconds: float
    rss_growth_mb: float
    peak_growth_mb: float


def free_port() -> int:
    """A port the kernel just handed out (the server binds it right after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(provider: str, port: int, directory: Path) -> dict[str, str]:
    """``atelier serve`` with one SMS provider on a fresh SQLite file; nothing else set."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{directory / 'bench.db'}",
        "HTTP_PORT": str(port),
        "SMS_PROVIDER": provider,
        "LOG_LEVEL": "WARNING",
    }
    if provider == "twilio":
        env |= {
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "bench-token",
            "TWILIO_FROM_NUMBER": "+33700000000",
        }
    else:
        env |= {"ANDROID_SMS_SIGNING_KEY": "bench-key", "ANDROID_SMS_API_URL": "http://127.0.0.1:9"}
    return env


def cases(provider: str, size: int) -> list[tuple[str, str, dict[str, str], int, bool]]:
    """Name, path, headers, size and framing of each huge POST for ``provider``."""
    if provider == "android":
        stamp = str(int(time.time()))
        signature = hmac.new(b"bench-key", b"{}" + stamp.encode(), hashlib.sha256).hexdigest()
        signed = {"X-Timestamp": stamp, "X-Signature": signature}
        return [
            ("android, unsigned, declared", "/sms/android", {}, size, False),
            ("android, signed, chunked", "/sms/android", signed, size, True),
        ]
    form = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    return [
        ("twilio, 300 fields of 1 MB, declared", "/sms/twilio", form, 300 * MB, False),
        ("twilio, 300 fields of 1 MB, chunked", "/sms/twilio", form, 300 * MB, True),
    ]


async def measure_provider(provider: str, size: int) -> list[Attempt]:
    """Start ``atelier serve`` for ``provider``; send it each huge POST."""
    with TemporaryDirectory(prefix="atelier-bench-") as directory:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=directory,
            env=environment(provider, port, Path(directory)),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await wait_for_health(port)
            attempts = []
            for case, path, headers, total, chunked in cases(provider, size):
                rss, peak = status_kib(process.pid, "VmRSS"), status_kib(process.pid, "VmHWM")
                status, sent, seconds = await asyncio.to_thread(
                    post_huge, port, path, headers, total, chunked=chunked
                )
                await asyncio.sleep(0.3)
                attempts.append(
                    Attempt(
                        case,
                        status,
                        round(sent / MB, 1),
                        round(seconds, 3),
                        round((status_kib(process.pid, "VmRSS") - rss) / 1024, 1),
                        round((status_kib(process.pid, "VmHWM") - peak) / 1024, 1),
                    )
                )
            return attempts
        finally:
            process.terminate()
            await process.wait()


async def wait_for_health(port: int, within: float = 60.0) -> None:
    """Until ``/healthz`` answers."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("atelier serve did not start")


def benchmark(options: Options) -> Result:
    """Both providers; 200 MB bodies (50 MB with ``quick``)."""
    size = (50 if options.quick else 200) * MB
    attempts = [
        attempt
        for provider in ("android", "twilio")
        for attempt in asyncio.run(measure_provider(provider, size))
    ]
    metrics = []
    for attempt in attempts:
        metrics += [
            Metric.exactly(f"{attempt.case}: status", attempt.status, 413),
            Metric(f"{attempt.case}: sent before the answer", attempt.sent_mb, "MB"),
            Metric.below(f"{attempt.case}: answer", attempt.seconds, ANSWER_WITHIN_S, "s"),
            Metric.at_most(
                f"{attempt.case}: peak memory growth",
                attempt.peak_growth_mb,
                MEMORY_CEILING_MB,
                "MB",
            ),
        ]
    return Result(NAME, metrics, {"body_mb": size // MB}, "sqlite")


def main() -> None:
    """Run it alone: print the table, write ``bench/webhook_bodies.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = benchmark(Options(quick=args.quick))
    printed = table([result])
    print(printed)
    path = Path(__file__).resolve().parent / f"{NAME}.json"
    write_json(path, [result], {"quick": args.quick}, machine(), printed)


if __name__ == "__main__":
    main()
