"""The loopback Bot API fake in a process of its own, enforcing Telegram's flood limits.

Its CPU and memory do not count against the bot being measured. Once it listens it prints one
JSON line (``base_url``, ``token``, ``port``); then each line read on stdin is answered with one
JSON line: ``progress`` with a few counters, ``stats`` with everything it received. ``quit`` or
the end of stdin stops it::

    python -m bench.fake_bot_api_server --global-per-second 30 --per-chat-per-second 1

:class:`FakeBotApiProcess` starts it and talks to it from a benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bench.results import peak_rss_kib
from tests.support.bot_api import MESSAGE_METHODS, Call, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
SEND = "sendMessage"
_LINE_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServerStats:
    """What the fake received. Times are ``time.monotonic()``, the same in every process."""

    calls: int
    methods: dict[str, int]
    send_requests: int
    rejected_429: int
    rejected_by_chat: int
    rejected_by_overall: int
    sent_per_chat: dict[int, int]
    first_sent_at: float | None
    last_sent_at: float | None
    min_chat_gap: float | None
    server_errors: int
    peak_rss_kib: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerStats:
        """Read what :meth:`to_json` wrote (JSON keys are strings; chat ids are ints)."""
        sent = {int(chat): int(count) for chat, count in data["sent_per_chat"].items()}
        return cls(**{**data, "sent_per_chat": sent})

    def to_json(self) -> str:
        """One JSON line."""
        return json.dumps(asdict(self), separators=(",", ":"))


class _Window:
    """Successful sends in a sliding window, sized as the fake sizes its own."""

    def __init__(self, rate: float) -> None:
        self.capacity = max(1, math.floor(rate))
        self.span = self.capacity / rate
        self.times: deque[float] = deque()

    def full(self, now: float) -> bool:
        while self.times and now - self.times[0] >= self.span:
            self.times.popleft()
        return len(self.times) >= self.capacity


def collect(api: FakeBotApi, global_per_second: float, per_chat_per_second: float) -> ServerStats:
    """Sum up the calls; a 429 is put down to each window that was full when it came."""
    sends = sorted((c for c in api.calls if c.method in MESSAGE_METHODS), key=lambda c: c.at)
    overall = _Window(global_per_second)
    chats: dict[Any, _Window] = {}
    by_chat = by_overall = 0
    last_at: dict[Any, float] = {}
    min_gap: float | None = None
    ok_sends: list[Call] = []
    for call in sends:
        chat = chats.setdefault(call.chat_id, _Window(per_chat_per_second))
        if call.status == 429:
            by_chat += chat.full(call.at)
            by_overall += overall.full(call.at)
        elif call.ok:
            overall.times.append(call.at)
            chat.times.append(call.at)
            if call.chat_id in last_at:
                gap = call.at - last_at[call.chat_id]
                min_gap = gap if min_gap is None else min(min_gap, gap)
            last_at[call.chat_id] = call.at
            if call.method == SEND:
                ok_sends.append(call)
    per_chat = Counter(int(c.chat_id) for c in ok_sends if isinstance(c.chat_id, int))
    return ServerStats(
        calls=len(api.calls),
        methods=dict(Counter(c.method for c in api.calls)),
        send_requests=sum(c.method == SEND for c in api.calls),
        rejected_429=api.rejected_429,
        rejected_by_chat=by_chat,
        rejected_by_overall=by_overall,
        sent_per_chat=dict(per_chat),
        first_sent_at=ok_sends[0].at if ok_sends else None,
        last_sent_at=ok_sends[-1].at if ok_sends else None,
        min_chat_gap=min_gap,
        server_errors=len(api.errors),
        peak_rss_kib=peak_rss_kib(),
    )


def progress(api: FakeBotApi) -> dict[str, int]:
    """A few cheap counters, for progress lines."""
    sent = sum(c.ok and c.method == SEND for c in api.calls)
    return {"calls": len(api.calls), "sent": sent, "rejected_429": api.rejected_429}


async def _stdin_lines() -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield line.decode().strip()


def _answer(data: str) -> None:
    sys.stdout.write(data + "\n")
    sys.stdout.flush()


async def serve(global_per_second: float, per_chat_per_second: float) -> None:
    """Serve until ``quit`` or the end of stdin, answering ``progress`` and ``stats``."""
    async with FakeBotApi() as api:
        api.limits(global_per_second=global_per_second, per_chat_per_second=per_chat_per_second)
        _answer(json.dumps({"base_url": api.base_url, "token": api.token, "port": api.port}))
        async for command in _stdin_lines():
            if command == "progress":
                _answer(json.dumps(progress(api)))
            elif command == "stats":
                _answer(collect(api, global_per_second, per_chat_per_second).to_json())
            elif command == "quit":
                break
            elif command:
                _answer(json.dumps({"error": f"unknown command {command!r}"}))


class FakeBotApiProcess:
    """The fake server in a child process, seen from the benchmark."""

    def __init__(self, *, global_per_second: float = 30, per_chat_per_second: float = 1) -> None:
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.base_url = ""
        self.token = ""
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Start the server and wait until it listens."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fake_bot_api_server",
            "--global-per-second",
            str(self.global_per_second),
            "--per-chat-per-second",
            str(self.per_chat_per_second),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=_LINE_LIMIT,
        )
        ready = await asyncio.wait_for(self._read(), timeout=30)
        self.base_url = ready["base_url"]
        self.token = ready["token"]

    async def progress(self) -> dict[str, int]:
        """Calls, successful sends and 429 answers so far."""
        async with self._lock:
            self._write("progress")
            return dict(await self._read())

    async def stats(self) -> ServerStats:
        """Everything the server received so far."""
        async with self._lock:
            self._write("stats")
            return ServerStats.from_json(await self._read())

    async def stop(self) -> None:
        """Stop the server and wait for its process to end."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.write(b"quit\n")
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _write(self, command: str) -> None:
        if self._process is None or self._process.stdin is None:
            raise RuntimeError("the fake Bot API server is not running")
        self._process.stdin.write(command.encode() + b"\n")

    async def _read(self) -> dict[str, Any]:
        if self._process is None or self._process.stdout is None:
            raise RuntimeError("the fake Bot API server is not running")
        line = await self._process.stdout.readline()
        if not line:
            code = await self._process.wait()
            raise RuntimeError(f"the fake Bot API server stopped (exit code {code})")
        data = json.loads(line)
        assert isinstance(data, dict)
        return data


def main(argv: list[str] | None = None) -> None:
    """Command line: serve with the given limits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--global-per-second", type=float, default=30.0)
    parser.add_argument("--per-chat-per-second", type=float, default=1.0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.global_per_second, args.per_chat_per_second))


if __name__ == "__main__":
    main()
