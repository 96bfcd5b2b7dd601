"""Waiting for the bot: its replies to a chat, or one call, with a readable dump on timeout."""

from __future__ import annotations

import asyncio

from testkit.bot_api.records import Call, Signal
from testkit.bot_api.updates import Updates
from testkit.bot_api.wire import REPLY_METHODS, ChatId, chat_key


class Waiting:
    """Waiting helpers of :class:`FakeBotApi` (which provides these attributes)."""

    calls: list[Call]
    errors: list[BaseException]
    updates: Updates
    _calls_signal: Signal
    _closing: bool

    async def wait_for_replies(
        self,
        chat_id: ChatId,
        *,
        since: int,
        min_count: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the helper's contract
    ) -> list[Call]:
        """Wait for ``min_count`` replies to a chat after ``calls[since]``, then for silence.

        Replies are sends, edits and answerCallbackQuery for that chat, refused ones included.
        Returns them all once no new one came for ``quiet`` seconds; raises AssertionError with
        a dump on timeout.
        """
        chat = chat_key(chat_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def replies() -> list[Call]:
            return [
                c for c in self.calls[since:] if c.chat_id == chat and c.method in REPLY_METHODS
            ]

        while len(replies()) < min_count:
            left = deadline - loop.time()
            if left <= 0 or self._closing:
                raise AssertionError(self._report(chat, since, min_count, len(replies()), timeout))
            await self._calls_signal.wait(left)
        count = len(replies())
        quiet_until = loop.time() + quiet
        while (left := min(quiet_until, deadline) - loop.time()) > 0 and not self._closing:
            await self._calls_signal.wait(left)
            if len(replies()) != count:
                count = len(replies())
                quiet_until = loop.time() + quiet
        return replies()

    async def wait_for_call(
        self,
        method: str,
        *,
        since: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
    ) -> Call:
        """Wait until a call of ``method`` (any case) is answered after ``calls[since]``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower()
        while True:
            for call in self.calls[since:]:
                if call.method.lower() == wanted:
                    return call
            left = deadline - loop.time()
            if left <= 0:
                dump = "\n".join(f"  #{i} {c.summary()}" for i, c in enumerate(self.calls))
                raise AssertionError(f"No {method} call after #{since} in {timeout}s:\n{dump}")
            await self._calls_signal.wait(left)

    def _report(
        self, chat: ChatId | None, since: int, wanted: int, got: int, seconds: float
    ) -> str:
        lines = [
            f"Bot did not reply to chat {chat}: wanted {wanted} call(s) after #{since} "
            f"within {seconds}s, got {got}.",
            f"Calls since #{since} (all chats):",
        ]
        lines += [f"  #{i} {c.summary()}" for i, c in enumerate(self.calls) if i >= since]
        if len(self.calls) <= since:
            lines.append("  (none)")
        lines.append(f"Unconfirmed updates: {self.updates.pending_ids()}")
        if self.errors:
            lines.append(f"Fake server errors: {self.errors!r}")
        return "\n".join(lines)
