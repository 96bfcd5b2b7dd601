"""A person chatting privately with the bot: writes, presses buttons, reads the answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from testkit.bot_api.records import BotMessage
from testkit.bot_api.wire import JSON, MESSAGE_METHODS

if TYPE_CHECKING:
    from testkit.bot_api.server import FakeBotApi


class FakeUser:
    """A person chatting privately with the bot (chat id == user id)."""

    def __init__(self, api: FakeBotApi, user_id: int, first_name: str, language_code: str) -> None:
        self.api = api
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_query_id: str | None = None
        api.store.person(user_id, first_name, language_code)

    @property
    def chat_id(self) -> int:
        """Private chat id (the user id)."""
        return self.user_id

    async def say(
        self,
        text: str,
        *,
        min_replies: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - passed on to wait_for_replies
    ) -> list[BotMessage]:
        """Send text and return the bot messages sent or edited in reply."""
        return await self._act(
            lambda: self.api.user_text(
                self.user_id, text, first_name=self.first_name, language_code=self.language_code
            ),
            min_replies,
            quiet,
            timeout,
        )

    async def press(
        self,
        label_or_data: str,
        *,
        min_replies: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - passed on to wait_for_replies
    ) -> list[BotMessage]:
        """Press a button of the latest bot message with inline buttons; return the replies.

        Matches an exact label, else a single label containing the text (any case), else the
        callback_data.
        """
        message = await self._buttons_shown(timeout)
        if message is None:
            raise AssertionError(
                f"{self.first_name} cannot press {label_or_data!r}: no bot message with "
                f"inline buttons in chat {self.chat_id}; bot messages: "
                f"{[m.text for m in self.api.bot_messages(self.chat_id)]}"
            )
        return await self.press_on(
            message, label_or_data, min_replies=min_replies, quiet=quiet, timeout=timeout
        )

    async def press_on(
        self,
        message: BotMessage,
        label_or_data: str,
        *,
        min_replies: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - passed on to wait_for_replies
    ) -> list[BotMessage]:
        """Press a button of ``message`` (an older one, scrolled up to); return the replies."""
        button = self._find(message, label_or_data)
        label, data = button
        if data is None:
            raise AssertionError(f"button {label!r} has no callback_data: {message.raw}")
        since = len(self.api.calls)
        update = self.api.user_press(self.user_id, message.message_id, data)
        self.last_query_id = update["callback_query"]["id"]
        return await self._replies(since, min_replies, quiet, timeout)

    async def send_sticker(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a sticker and return the replies."""
        return await self._act(lambda: self.api.user_sticker(self.user_id), min_replies)

    async def share_location(
        self, latitude: float, longitude: float, *, min_replies: int = 1
    ) -> list[BotMessage]:
        """Share a location and return the replies."""
        return await self._act(
            lambda: self.api.user_location(self.user_id, latitude, longitude), min_replies
        )

    async def send_voice(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a voice note and return the replies."""
        return await self._act(lambda: self.api.user_voice(self.user_id), min_replies)

    async def send_photo(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a photo and return the replies."""
        return await self._act(lambda: self.api.user_photo(self.user_id), min_replies)

    @property
    def last(self) -> BotMessage | None:
        """The latest bot message in the chat, in its current (possibly edited) state."""
        messages = self.api.bot_messages(self.chat_id)
        return messages[-1] if messages else None

    @property
    def messages(self) -> list[BotMessage]:
        """Every bot message still in the chat, current state, oldest first."""
        return self.api.bot_messages(self.chat_id)

    def buttons(self) -> list[str]:
        """Labels of the latest bot message that has inline buttons."""
        message = self._last_with_buttons()
        return message.labels if message else []

    async def _buttons_shown(self, timeout: float) -> BotMessage | None:  # noqa: ASYNC109
        """The latest bot message with inline buttons, waited for as a person waits for the
        buttons to show (the answer before them may arrive a moment earlier)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        message = self._last_with_buttons()
        while message is None and loop.time() < deadline:
            await asyncio.sleep(0.02)
            message = self._last_with_buttons()
        return message

    def _last_with_buttons(self) -> BotMessage | None:
        with_buttons = [m for m in self.api.bot_messages(self.chat_id) if m.buttons]
        return with_buttons[-1] if with_buttons else None

    @staticmethod
    def _find(message: BotMessage, wanted: str) -> tuple[str, str | None]:
        flat = [button for row in message.buttons for button in row]
        exact = [b for b in flat if b[0] == wanted]
        if exact:
            return exact[0]
        partial = [b for b in flat if wanted.casefold() in b[0].casefold()]
        if len(partial) == 1:
            return partial[0]
        by_data = [b for b in flat if b[1] == wanted]
        if by_data:
            return by_data[0]
        why = "matches several buttons" if partial else "matches no button"
        listing = "\n".join(f"  {label!r} -> {data!r}" for label, data in flat)
        raise AssertionError(
            f"{wanted!r} {why} on message {message.message_id} ({message.text!r}):\n{listing}"
        )

    async def _act(
        self,
        action: Callable[[], JSON],
        min_replies: int,
        quiet: float = 0.15,
        within: float = 10.0,
    ) -> list[BotMessage]:
        since = len(self.api.calls)
        action()
        return await self._replies(since, min_replies, quiet, within)

    async def _replies(
        self, since: int, min_replies: int, quiet: float, within: float
    ) -> list[BotMessage]:
        calls = await self.api.wait_for_replies(
            self.chat_id, since=since, min_count=min_replies, quiet=quiet, timeout=within
        )
        store = self.api.store
        return [store.bot_message(c.result) for c in calls if c.ok and c.method in MESSAGE_METHODS]
