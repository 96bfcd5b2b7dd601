"""Faults a test asks for (errors, delays, a blocked person) and Telegram's flood limits.

Limits as documented in https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this:
about 30 messages a second overall and one a second per chat, else 429 with ``retry_after``.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from testkit.bot_api.records import Signal
from testkit.bot_api.wire import (
    DEFAULT_DESCRIPTIONS,
    LIMITED_METHODS,
    ApiError,
    ChatId,
    chat_key,
)

# Calls refused when the user blocked the bot.
_CHAT_METHODS = LIMITED_METHODS


@dataclass
class _Fault:
    method: str  # lower-case name or "*"
    chat_id: ChatId | None
    status: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _Delay:
    method: str
    chat_id: ChatId | None
    seconds: float
    remaining: int


class _Window:
    """Sliding one-second window enforcing ``rate`` calls per second."""

    def __init__(self, rate: float) -> None:
        self.capacity = max(1, math.floor(rate))
        self.span = self.capacity / rate
        self.times: deque[float] = deque()

    def retry_after(self, now: float) -> float | None:
        while self.times and now - self.times[0] >= self.span:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return None
        return self.span - (now - self.times[0])


class Faults:
    """The faults and limits in force; :meth:`check` raises the error a call must get."""

    def __init__(self) -> None:
        self.rejected_429 = 0
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._hang_ups: list[_Delay] = []
        self._global_window: _Window | None = None
        self._chat_rate: float | None = None
        self._chat_windows: dict[ChatId, _Window] = {}
        self._blocked: set[ChatId] = set()

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: ChatId | None = None,
    ) -> None:
        """Answer the next ``count`` matching calls with an error (see FakeBotApi.fail_next)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or DEFAULT_DESCRIPTIONS.get(status, "Error")
        text = text.format(retry_after=retry_after)
        self._faults.append(
            _Fault(method.lower(), chat_key(chat_id), status, text, retry_after, count)
        )

    def delay_next(
        self, method: str, seconds: float, count: int = 1, *, chat_id: ChatId | None = None
    ) -> None:
        """Hold the next ``count`` matching calls for ``seconds`` before handling them."""
        self._delays.append(_Delay(method.lower(), chat_key(chat_id), seconds, count))

    def hang_up_next(self, method: str, count: int = 1, *, chat_id: ChatId | None = None) -> None:
        """Close the connection of the next ``count`` matching calls, unanswered."""
        self._hang_ups.append(_Delay(method.lower(), chat_key(chat_id), 0.0, count))

    def hangs_up(self, method: str, chat_id: ChatId | None) -> bool:
        """Whether this call's connection is to be closed without an answer (counted)."""
        for hang_up in self._hang_ups:
            if hang_up.method in (method.lower(), "*") and hang_up.chat_id in (None, chat_id):
                hang_up.remaining -= 1
                if hang_up.remaining <= 0:
                    self._hang_ups.remove(hang_up)
                return True
        return False

    def limits(self, global_per_second: float | None, per_chat_per_second: float | None) -> None:
        """Enforce flood limits on sends and edits (None disables)."""
        self._global_window = _Window(global_per_second) if global_per_second else None
        self._chat_rate = per_chat_per_second or None
        self._chat_windows.clear()

    def block(self, chat_id: ChatId) -> None:
        """Sends to that chat answer 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: ChatId) -> None:
        """Sends to that chat work again."""
        self._blocked.discard(chat_id)

    async def delay(
        self, method: str, chat_id: ChatId | None, wake: Signal, closing: Callable[[], bool]
    ) -> None:
        """Wait as long as a matching delay asks (cut short when the server stops)."""
        for delay in self._delays:
            if delay.method in (method.lower(), "*") and delay.chat_id in (None, chat_id):
                delay.remaining -= 1
                if delay.remaining <= 0:
                    self._delays.remove(delay)
                deadline = time.monotonic() + delay.seconds
                while not closing() and (left := deadline - time.monotonic()) > 0:
                    await wake.wait(left)
                return

    def check(self, method: str, chat_id: ChatId | None) -> None:
        """Raise the fault, the 403 or the 429 this call must get, if any."""
        self._apply_faults(method, chat_id)
        self._apply_limits(method, chat_id)

    def _apply_faults(self, method: str, chat_id: ChatId | None) -> None:
        for fault in self._faults:
            if fault.method in (method.lower(), "*") and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                params = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.status, fault.description, params)
        if method in _CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _apply_limits(self, method: str, chat_id: ChatId | None) -> None:
        if method not in LIMITED_METHODS:
            return
        now = time.monotonic()
        windows: list[_Window] = []
        if self._global_window is not None:
            windows.append(self._global_window)
        if self._chat_rate is not None and chat_id is not None:
            if chat_id not in self._chat_windows:
                self._chat_windows[chat_id] = _Window(self._chat_rate)
            windows.append(self._chat_windows[chat_id])
        waits = [w for w in (win.retry_after(now) for win in windows) if w is not None]
        if waits:
            self.rejected_429 += 1
            seconds = max(1, math.ceil(max(waits)))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        for window in windows:
            window.times.append(now)
