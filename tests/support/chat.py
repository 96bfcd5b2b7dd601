"""Drive the channel-neutral flows directly, as a person on any channel would."""

from __future__ import annotations

import itertools

from core.dialog import Incoming, Kind, Reply, Sender
from handlers.machinery.turns import Conversations

_updates = itertools.count(1)


class Chat:
    """One person talking to the flows; remembers the last screen to press its choices."""

    def __init__(
        self,
        conversations: Conversations,
        external_id: str,
        *,
        name: str = "Marie",
        language: str = "fr",
        channel: str = "test",
    ) -> None:
        self.conversations = conversations
        self.sender = Sender(channel, external_id, name, language)
        self.last: list[Reply] = []

    async def say(self, text: str) -> list[Reply]:
        """Write ``text``."""
        return await self._send(Incoming(self.sender, Kind.TEXT, text=text, update_key=self._key()))

    async def pick(self, data: str) -> list[Reply]:
        """Send choice data as a button would (forged or not)."""
        return await self._send(
            Incoming(self.sender, Kind.CHOICE, choice=data, update_key=self._key())
        )

    async def press(self, label_part: str) -> list[Reply]:
        """Press the choice of the last screen whose label contains ``label_part``."""
        for reply in reversed(self.last):
            for choice in reply.flat_choices():
                if label_part.casefold() in choice.label.casefold():
                    return await self.pick(choice.data)
        labels = [c.label for r in self.last for c in r.flat_choices()]
        raise AssertionError(f"no choice containing {label_part!r} in {labels}")

    async def _send(self, incoming: Incoming) -> list[Reply]:
        self.last = await self.conversations.handle(incoming)
        return self.last

    def _key(self) -> str:
        return f"{self.sender.external_id}:{next(_updates)}"

    @property
    def text(self) -> str:
        """Everything the bot said in its last answer."""
        return "\n".join(reply.text for reply in self.last)
