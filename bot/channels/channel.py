"""One shape for every channel: what it listens on, how it delivers, what it shows, its life.

The runtime wires channels in one loop (:mod:`bot.runtime`): each is made from the settings
by its package's ``from_settings`` (None when it is not set up), hands the HTTP server its
routes and the outbox sender its deliverer, and is started and stopped with the others.
A new channel is a package of its own, its settings, and one line in ``bot.runtime.CHANNELS``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from starlette.routing import BaseRoute

from core.clock import Clock
from core.config import Settings
from core.delivery.sender import Deliver
from handlers.machinery.turns import Conversations
from models import Database


@dataclass(frozen=True, slots=True)
class Shows:
    """What a channel can show a person."""

    buttons: bool
    """Choices as buttons to press (else as numbered lines to answer with a digit)."""
    max_length: int
    """The longest text one message carries."""
    markup: Literal["plain", "html", "whatsapp"]
    """How emphasis is written."""
    documents: bool
    """Whether a file (a calendar file) can travel beside a message."""
    voice: bool = False
    """Whether what is said is heard rather than read."""


@dataclass(frozen=True, slots=True)
class Wiring:
    """What the runtime gives every channel: the settings, the database, the flows, the time,
    and the outbox sender's wake-up (for replies queued by an inbound message)."""

    settings: Settings
    db: Database
    conversations: Conversations
    clock: Clock
    wake: Callable[[], None]


class Channel(Protocol):
    """A way people reach the bot, and the bot reaches them."""

    name: str
    """The channel's name in the database (``Person.channel``, ``OutboxMessage.channel``)."""
    shows: Shows

    def routes(self) -> Sequence[BaseRoute]:
        """The HTTP routes it listens on (webhooks); none for a polling or outbound channel."""
        ...

    def deliverer(self) -> Deliver | None:
        """What sends an outbox row to a person of this channel; None if it never sends."""
        ...

    async def start(self) -> None:
        """Connect and begin taking messages (after the HTTP server is up)."""
        ...

    async def stop_taking(self) -> None:
        """Take no new messages; those in hand go on."""
        ...

    async def finish(self) -> None:
        """Answer the messages already taken (before the sender settles)."""
        ...

    async def close(self) -> None:
        """Release connections, once nothing is being sent any more."""
        ...


class QuietLife:
    """The life of a channel with nothing to start or stop: mixed in by such channels."""

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop_taking(self) -> None:
        """Webhooks stop with the HTTP server."""

    async def finish(self) -> None:
        """Webhook messages are answered within their request."""

    async def close(self) -> None:
        """Nothing to release."""


__all__ = ["Channel", "QuietLife", "Shows", "Wiring"]
