"""The loopback Bot API fake in a process of its own, enforcing Telegram's flood limits.

Its CPU and memory do not count against the bot being measured. Once it listens it prints one
JSON line (``base_url``, ``token``, ``port``); then each line read on stdin is answered with one
JSON line. ``quit`` or the end of stdin stops it::

    python -m bench.fake_bot_api_server --global-per-second 30 --per-chat-per-second 1

A rate of 0 turns that limit off. The commands:

``progress``
    a few counters;
``stats``
    everything it received (:class:`ServerStats`);
``inject <update JSON>``
    queue one raw update for getUpdates; answers the update with its ``update_id``;
``flows <FlowSpec JSON>``
    simulated people each run a scripted conversation, one step after the bot's answer to the
    previous one; answers a :class:`FlowReport` with each update's timing once all are done;
``first_poll_after <monotonic time> <timeout>``
    the arrival time of the first getUpdates request at or after that time (null if none came).

Times are ``time.monotonic()``, which every process on the machine shares.
:class:`FakeBotApiProcess` starts the server and talks to it from a benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import random
import sys
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bench.results import peak_rss_kib
from testkit.bot_api import LIMITED_METHODS, REPLY_METHODS, Call, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
SEND = "sendMessage"
ANSWER = "answerCallbackQuery"
_LINE_LIMIT = 64 * 1024 * 1024
JSON = dict[str, Any]


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
    delivered_per_chat: dict[int, int] = field(default_factory=dict)
    """Successful sends and edits (every call Telegram's limits count) per chat."""
    methods_per_chat: dict[int, dict[str, int]] = field(default_factory=dict)
    """The same, method by method."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerStats:
        """Read what :meth:`to_json` wrote (JSON keys are strings; chat ids are ints)."""
        sent = {int(chat): int(count) for chat, count in data["sent_per_chat"].items()}
        delivered = {
            int(chat): int(count) for chat, count in data.get("delivered_per_chat", {}).items()
        }
        methods = {
            int(chat): dict(counts) for chat, counts in data.get("methods_per_chat", {}).items()
        }
        return cls(
            **{
                **data,
                "sent_per_chat": sent,
                "delivered_per_chat": delivered,
                "methods_per_chat": methods,
            }
        )

    def to_json(self) -> str:
        """One JSON line."""
        return json.dumps(asdict(self), separators=(",", ":"))


# --------------------------------------------------------------------------- scripted people


@dataclass(frozen=True, slots=True)
class Step:
    """One thing a simulated person does: write ``say``, or press a button.

    With ``texts`` person number ``n`` writes ``texts[n % len(texts)]`` instead of ``say``.
    ``press`` is the start of the button's callback data; when several buttons match, person
    number ``n`` presses match ``n % count``. ``replies`` is how many successful reply calls
    end the answer to a written message (learnt from a first person when not given); the
    answer to a button ends with its answerCallbackQuery.
    """

    say: str | None = None
    press: str | None = None
    replies: int | None = None
    texts: list[str] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        """Read a step of a :class:`FlowSpec`."""
        return cls(data.get("say"), data.get("press"), data.get("replies"), data.get("texts"))

    def text_for(self, index: int) -> str | None:
        """What person number ``index`` writes at this step (None: they press a button)."""
        if self.texts:
            return self.texts[index % len(self.texts)]
        return self.say


@dataclass(frozen=True, slots=True)
class Flood:
    """One person (``user``) writing ``messages`` texts evenly over ``seconds``, starting
    ``after`` seconds into the flows, without waiting for any answer."""

    user: int
    messages: int
    seconds: float
    after: float = 0.0
    text: str = "bonjour"

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Flood | None:
        """Read the flood of a :class:`FlowSpec`."""
        return cls(**data) if data else None


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """Who runs which script, and when each person starts.

    With ``arrivals_per_second`` 0 everyone starts at once; otherwise people arrive as a
    Poisson process at that rate. With ``calibrate`` one more person (id ``first_user - 1``)
    runs the script alone first, waiting for ``quiet`` seconds of silence after each step,
    to learn how many reply calls each step gets; their updates are not in the report.
    ``think_seconds`` is how long a person reads before each step after the first (from
    half to one and a half times that, at random); ``flood`` runs beside the people.
    """

    script: list[Step]
    users: int
    first_user: int
    arrivals_per_second: float = 0.0
    calibrate: bool = True
    quiet: float = 0.5
    step_timeout: float = 120.0
    language: str = "fr"
    seed: int = 1
    think_seconds: float = 0.0
    flood: Flood | None = None

    def to_json(self) -> str:
        """One JSON line."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlowSpec:
        """Read what :meth:`to_json` wrote."""
        steps = [Step.from_json(step) for step in data["script"]]
        return cls(**{**data, "script": steps, "flood": Flood.from_json(data.get("flood"))})


@dataclass(slots=True)
class FlowReport:
    """What happened to each update of a :meth:`BenchBotApi.run_flows`.

    ``timings`` holds, per update, ``[person, step, injected_at, first_reply_at,
    last_reply_at]``: monotonic times on the fake's side.
    """

    users: int
    completed_users: int
    replies_per_step: list[int]
    timings: list[list[float]] = field(default_factory=list)
    failed_replies: int = 0
    timeouts: int = 0
    problems: list[str] = field(default_factory=list)
    started_at: float = 0.0
    finished_at: float = 0.0
    flood_injected: list[float] = field(default_factory=list)
    """When each message of the flood was made available to getUpdates."""

    def to_json(self) -> str:
        """One JSON line."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlowReport:
        """Read what :meth:`to_json` wrote."""
        return cls(**data)


class _StepTimeout(Exception):
    """The bot did not answer a step in time."""


class BenchBotApi(FakeBotApi):
    """The fake, plus what benchmarks need: per-chat reply feeds and getUpdates arrivals.

    It uses only the fake's public surface: its hooks (``on_call``, ``on_request``), what
    people do (``user_text``, ``user_press``) and what it recorded (``calls``).
    """

    def __init__(self) -> None:
        super().__init__()
        self._feeds: dict[int, asyncio.Queue[Call]] = {}
        self.poll_arrivals: list[float] = []
        self._polled = asyncio.Event()
        self.on_call(self._feed)
        self.on_request(self._note_poll)

    def _feed(self, call: Call) -> None:
        """Hand each reply call to the feed of its chat's simulated person."""
        if call.method in REPLY_METHODS and isinstance(call.chat_id, int):
            feed = self._feeds.get(call.chat_id)
            if feed is not None:
                feed.put_nowait(call)

    def _note_poll(self, method: str, at: float) -> None:
        """Note when each getUpdates arrives."""
        if method == "getUpdates":
            self.poll_arrivals.append(at)
            self._polled.set()
            self._polled = asyncio.Event()

    async def first_poll_after(self, since: float, within: float) -> float | None:
        """The arrival of the first getUpdates at or after ``since``, waiting for one."""
        deadline = time.monotonic() + within
        while True:
            later = [at for at in self.poll_arrivals if at >= since]
            if later:
                return later[0]
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                await asyncio.wait_for(self._polled.wait(), left)
            except TimeoutError:
                return None

    async def run_flows(self, spec: FlowSpec) -> FlowReport:
        """Every person of ``spec`` runs the script; the report has each update's timing."""
        counts = [step.replies or 0 for step in spec.script]
        report = FlowReport(spec.users, 0, counts)
        if spec.calibrate:
            report.replies_per_step = counts = await self._calibrate(spec)
        rng = random.Random(spec.seed)
        started = report.started_at = time.monotonic()
        offsets = [0.0] * spec.users
        if spec.arrivals_per_second > 0:
            at = 0.0
            for index in range(spec.users):
                offsets[index] = at
                at += rng.expovariate(spec.arrivals_per_second)
        flooding = [self._flood(spec.flood, started, report)] if spec.flood else []
        outcomes = await asyncio.gather(
            *(
                self._run_person(spec, index, counts, started + offsets[index], report)
                for index in range(spec.users)
            ),
            *flooding,
        )
        report.completed_users = sum(outcomes[: spec.users])
        report.finished_at = time.monotonic()
        return report

    async def _flood(self, flood: Flood, started: float, report: FlowReport) -> bool:
        """Inject the flood's messages on schedule, answered or not."""
        first = started + flood.after
        gap = flood.seconds / flood.messages if flood.messages else 0.0
        for number in range(flood.messages):
            await asyncio.sleep(max(0.0, first + number * gap - time.monotonic()))
            self.user_text(flood.user, flood.text, first_name="Flot", language_code="fr")
            report.flood_injected.append(time.monotonic())
        return True

    async def _calibrate(self, spec: FlowSpec) -> list[int]:
        """Run the script once alone; count the reply calls after each step."""
        user = spec.first_user - 1
        feed = self._feeds[user] = asyncio.Queue()
        counts: list[int] = []
        try:
            markup: JSON | None = None
            for step in spec.script:
                self._act(user, step, 0, markup, spec.language)
                calls = await self._collect(feed, spec.step_timeout, quiet=spec.quiet)
                counts.append(step.replies or sum(call.ok for call in calls))
                markup = _last_markup(calls) or markup
        finally:
            del self._feeds[user]
        return counts

    async def _run_person(
        self, spec: FlowSpec, index: int, counts: list[int], start: float, report: FlowReport
    ) -> bool:
        """One person's whole script; whether they got to the end."""
        user = spec.first_user + index
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        feed = self._feeds[user] = asyncio.Queue()
        markup: JSON | None = None
        reading = random.Random(spec.seed * 1_000_003 + index)
        try:
            for number, step in enumerate(spec.script):
                if number and spec.think_seconds:
                    await asyncio.sleep(spec.think_seconds * reading.uniform(0.5, 1.5))
                injected = time.monotonic()
                query = self._act(user, step, index, markup, spec.language)
                calls = await self._collect(
                    feed, spec.step_timeout, count=counts[number], query=query
                )
                failed = [call for call in calls if not call.ok]
                report.failed_replies += len(failed)
                if failed and len(report.problems) < 10:
                    report.problems.append(failed[0].summary())
                answered = next((call.at for call in calls if call.ok), calls[0].at)
                report.timings.append(
                    [index, number, injected, answered, max(call.at for call in calls)]
                )
                markup = _last_markup(calls) or markup
        except _StepTimeout as error:
            report.timeouts += 1
            if len(report.problems) < 10:
                report.problems.append(f"person {index}: {error}")
            return False
        except LookupError as error:
            if len(report.problems) < 10:
                report.problems.append(f"person {index}: {error}")
            return False
        finally:
            del self._feeds[user]
        return True

    def _act(
        self, user: int, step: Step, index: int, markup: JSON | None, language: str
    ) -> str | None:
        """Inject what the person does; the callback query id when a button is pressed."""
        text = step.text_for(index)
        if text is not None:
            self.user_text(user, text, first_name=f"Personne {index}", language_code=language)
            return None
        if step.press is None or markup is None:
            raise LookupError(f"nothing to press for {step}")
        buttons = [
            button["callback_data"]
            for row in markup["reply_markup"]["inline_keyboard"]
            for button in row
            if str(button.get("callback_data", "")).startswith(step.press)
        ]
        if not buttons:
            raise LookupError(f"no button {step.press!r} in {markup.get('text', '')[:80]!r}")
        update = self.user_press(user, markup["message_id"], buttons[index % len(buttons)])
        return str(update["callback_query"]["id"])

    async def _collect(
        self,
        feed: asyncio.Queue[Call],
        within: float,
        *,
        count: int = 0,
        query: str | None = None,
        quiet: float | None = None,
    ) -> list[Call]:
        """Reply calls for one step: up to the query's answer and ``count`` of them, ``count``
        of them, or silence."""
        deadline = time.monotonic() + within
        calls: list[Call] = []
        while True:
            left = deadline - time.monotonic()
            if quiet is not None and calls:
                left = min(left, quiet)
            try:
                call = await asyncio.wait_for(feed.get(), max(left, 0.0))
            except TimeoutError:
                if quiet is not None and calls:
                    return calls
                raise _StepTimeout(f"{len(calls)} reply call(s) in {within:g} s") from None
            calls.append(call)
            if quiet is not None:
                continue
            if query is not None:  # the button's answer, and every reply call the step makes
                answered = any(
                    c.method == ANSWER and c.params.get("callback_query_id") == query for c in calls
                )
                if answered and sum(c.ok for c in calls) >= count:
                    return calls
            elif sum(c.ok for c in calls) >= count:  # refused calls (429) are tried again
                return calls


def _last_markup(calls: list[Call]) -> JSON | None:
    """The last message with inline buttons among the results of ``calls``."""
    for call in reversed(calls):
        result = call.result
        if call.ok and isinstance(result, dict) and "reply_markup" in result:
            return result
    return None


# --------------------------------------------------------------------------- statistics


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
    sends = sorted((c for c in api.calls if c.method in LIMITED_METHODS), key=lambda c: c.at)
    overall = _Window(global_per_second or 1e9)
    chats: dict[Any, _Window] = {}
    by_chat = by_overall = 0
    last_at: dict[Any, float] = {}
    min_gap: float | None = None
    ok_sends: list[Call] = []
    for call in sends:
        chat = chats.setdefault(call.chat_id, _Window(per_chat_per_second or 1e9))
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
    delivered = Counter(int(c.chat_id) for c in sends if c.ok and isinstance(c.chat_id, int))
    methods: dict[int, Counter[str]] = {}
    for call in sends:
        if call.ok and isinstance(call.chat_id, int):
            methods.setdefault(int(call.chat_id), Counter())[call.method] += 1
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
        delivered_per_chat=dict(delivered),
        methods_per_chat={chat: dict(counts) for chat, counts in methods.items()},
    )


def progress(api: FakeBotApi) -> dict[str, int]:
    """A few cheap counters, for progress lines."""
    sent = sum(c.ok and c.method == SEND for c in api.calls)
    return {"calls": len(api.calls), "sent": sent, "rejected_429": api.rejected_429}


# --------------------------------------------------------------------------- the server process


async def _stdin_lines() -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=_LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield line.decode().strip()


def settle_records() -> None:
    """Keep what the fake holds so far (every call and update of the earlier runs, kept for
    ``stats``) out of the garbage collector's full passes, before people start talking.

    Those records only grow: by the last run of the conversation benchmark a full pass
    walked all of them and stopped this process for 0.25 to 0.8 s (measured with
    ``gc.callbacks`` on a busy 2-core machine), while the bot waited for its getUpdates and
    its replies went unread, and the people due to arrive meanwhile all came at once after
    it: the harness, not the bot, made a good part of the tail it measured."""
    gc.collect()
    gc.freeze()


def _answer(data: str) -> None:
    sys.stdout.write(data + "\n")
    sys.stdout.flush()


async def _command(
    api: BenchBotApi, command: str, global_per_second: float, per_chat_per_second: float
) -> str:
    """The answer line to one command line."""
    name, _, argument = command.partition(" ")
    if name == "progress":
        return json.dumps(progress(api))
    if name == "stats":
        return collect(api, global_per_second, per_chat_per_second).to_json()
    if name == "inject":
        return json.dumps(api.inject(json.loads(argument)))
    if name == "flows":
        settle_records()
        report = await api.run_flows(FlowSpec.from_json(json.loads(argument)))
        return report.to_json()
    if name == "first_poll_after":
        since, within = (float(part) for part in argument.split())
        return json.dumps({"at": await api.first_poll_after(since, within)})
    return json.dumps({"error": f"unknown command {command!r}"})


async def serve(global_per_second: float, per_chat_per_second: float) -> None:
    """Serve until ``quit`` or the end of stdin, answering each command line."""
    async with BenchBotApi() as api:
        api.limits(
            global_per_second=global_per_second or None,
            per_chat_per_second=per_chat_per_second or None,
        )
        _answer(json.dumps({"base_url": api.base_url, "token": api.token, "port": api.port}))
        async for command in _stdin_lines():
            if command == "quit":
                break
            if command:
                try:
                    _answer(await _command(api, command, global_per_second, per_chat_per_second))
                except Exception as error:  # a malformed command: say so, keep serving
                    _answer(json.dumps({"error": f"{type(error).__name__}: {error}"}))


class FakeBotApiProcess:
    """The fake server in a child process, seen from the benchmark (0: no such limit)."""

    def __init__(self, *, global_per_second: float = 30, per_chat_per_second: float = 1) -> None:
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.base_url = ""
        self.token = ""
        self.pid = 0
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
        self.pid = self._process.pid
        ready = await asyncio.wait_for(self._read(), timeout=30)
        self.base_url = ready["base_url"]
        self.token = ready["token"]

    async def progress(self) -> dict[str, int]:
        """Calls, successful sends and 429 answers so far."""
        return dict(await self._ask("progress"))

    async def stats(self) -> ServerStats:
        """Everything the server received so far."""
        return ServerStats.from_json(await self._ask("stats"))

    async def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue one raw update; return it with its ``update_id``."""
        return await self._ask("inject " + json.dumps(update, separators=(",", ":")))

    async def flows(self, spec: FlowSpec) -> FlowReport:
        """Run scripted people against the bot (see :meth:`BenchBotApi.run_flows`)."""
        return FlowReport.from_json(await self._ask("flows " + spec.to_json()))

    async def first_poll_after(self, since: float, within: float) -> float | None:
        """When the first getUpdates at or after ``since`` arrived (None: none in time)."""
        answer = await self._ask(f"first_poll_after {since!r} {within!r}")
        at = answer["at"]
        return None if at is None else float(at)

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

    async def _ask(self, command: str) -> dict[str, Any]:
        async with self._lock:
            self._write(command)
            answer = await self._read()
        if "error" in answer and len(answer) == 1:
            raise RuntimeError(f"the fake Bot API server refused {command[:60]!r}: {answer}")
        return answer

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
