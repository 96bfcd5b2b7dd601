"""What the fake records: each answered call, and bot messages as a person sees them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from testkit.bot_api.wire import JSON, ChatId, shorten


@dataclass
class Call:
    """One request received by the fake, recorded once answered.

    ``at`` is the ``time.monotonic()`` arrival time; ``calls`` is in answer order.
    """

    method: str
    params: dict[str, Any]
    chat_id: ChatId | None
    at: float
    status: int = 200
    response: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call, else None."""
        return self.response.get("result")

    def summary(self) -> str:
        """One readable line for failure dumps."""
        interesting = ("text", "caption", "callback_query_id", "message_id", "offset", "timeout")
        shown = {k: shorten(self.params[k]) for k in interesting if k in self.params}
        error = "" if self.ok else f" -> {self.response.get('description')!r}"
        return f"{self.method} chat={self.chat_id} status={self.status}{error} {shown}"


@dataclass
class BotMessage:
    """A message the bot sent, as a person would see it.

    ``buttons`` holds the inline keyboard rows as ``(label, callback_data)`` (data is None for
    URL and other non-callback buttons); ``keyboard`` the labels of a reply keyboard, if any.
    """

    message_id: int
    text: str
    buttons: list[list[tuple[str, str | None]]]
    raw: JSON
    keyboard: list[list[str]] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """Labels of all inline buttons, row by row."""
        return [label for row in self.buttons for label, _ in row]

    @classmethod
    def from_message(cls, message: JSON, keyboard: list[list[str]] | None = None) -> BotMessage:
        """Build from a Bot API Message object."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [[(b["text"], b.get("callback_data")) for b in row] for row in rows]
        text = message.get("text")
        if text is None:
            text = message.get("caption", "")
        return cls(message["message_id"], text, buttons, message, keyboard or [])


class Signal:
    """Broadcast wake-up usable from synchronous code (no lock needed, unlike Condition)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every current waiter."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait for the next notify(); False when ``seconds`` elapsed first."""
        event = self._event
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()
        except TimeoutError:
            return False
        return True
