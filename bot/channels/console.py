"""The terminal demo: the same flows, choices shown as numbered lines."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TextIO

from starlette.routing import BaseRoute

from bot.channels.channel import QuietLife, Shows
from core.delivery.sender import Deliver
from core.dialog import Incoming, Kind, Reply, Sender
from core.i18n import Translator
from core.understanding.intents import normalise
from models import Person

CHANNEL = "console"
QUIT_WORDS = {"quitter", "quit", "exit", "q"}


def render(reply: Reply) -> str:
    """A reply as text with numbered choices."""
    lines = [reply.text]
    if reply.attachment is not None:
        lines.append(f"📎 {reply.attachment.filename}: {reply.attachment.caption}")
    choices = reply.flat_choices()
    if choices:
        lines.append("")
        lines.extend(f"  {number}. {choice.label}" for number, choice in enumerate(choices, 1))
    return "\n".join(lines)


SHOWS = Shows(buttons=False, max_length=100_000, markup="plain", documents=False)


class Console(QuietLife):
    """A chat in the terminal for one local person."""

    name = CHANNEL
    shows = SHOWS

    def __init__(
        self,
        handle: Callable[[Incoming], Awaitable[list[Reply]]],
        after_each: Callable[[], Awaitable[object]],
        *,
        language: str,
        name: str = "",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.handle = handle
        self.after_each = after_each
        self.sender = Sender(CHANNEL, "demo", name, language)
        self.t = Translator(language)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def show(self, reply: Reply) -> None:
        """Print one bot message."""
        self.stdout.write("\n" + render(reply) + "\n")
        self.stdout.flush()

    def routes(self) -> Sequence[BaseRoute]:
        """Nothing: the terminal is read directly."""
        return []

    def deliverer(self) -> Deliver:
        """Outbox rows printed in the terminal."""
        return self.deliver

    async def deliver(self, person: Person, reply: Reply) -> None:
        """Outbox delivery to the terminal person."""
        self.show(reply)

    async def run(self) -> None:
        """Read lines until end of input or a quit word."""
        self.stdout.write(self.t("console.intro") + "\n")
        self.stdout.flush()
        while True:
            self.stdout.write("\n> ")
            self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line or normalise(line) in QUIT_WORDS:
                self.stdout.write("\n" + self.t("console.bye") + "\n")
                return
            kind = Kind.TEXT if line.strip() else Kind.OTHER
            for reply in await self.handle(Incoming(self.sender, kind, text=line.rstrip("\n"))):
                self.show(reply)
            await self.after_each()
