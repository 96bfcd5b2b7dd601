"""The SMS channel: a verified webhook becomes an event for the flows; replies queue up."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import Request
from starlette.responses import Response

from bot.channels.pacing import Pacer
from bot.channels.sms.providers import SmsProvider
from bot.channels.sms.render import sms_body
from bot.channels.sms_text import segments
from bot.channels.unavailable import try_again_later
from core.config import Settings
from core.delivery.sender import Deliver
from core.dialog import SMS, Incoming, Kind, Reply, Sender
from core.phones import normalise_phone
from handlers.machinery.turns import Conversations
from models import Person

log = logging.getLogger(__name__)

CHANNEL = SMS

DATABASE_WAIT = 4.0
"""Seconds a webhook waits for the database before answering 503: Twilio gives up after
15 s and delivers again; an answer well within lets that retry be the one that counts."""


class SmsChannel:
    """Inbound texts through ``provider``'s webhook; outbound ones paced, through its API."""

    def __init__(
        self,
        settings: Settings,
        conversations: Conversations,
        provider: SmsProvider,
        wake: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.conversations = conversations
        self.provider = provider
        self.wake = wake
        self.pacer = Pacer(settings.sms_rate_per_second)

    async def webhook(self, request: Request) -> Response:
        """Take one inbound text; answer at once (the replies go through the outbox).

        A forged request gets 403 and changes nothing; a database failure answers 503 so
        that the provider delivers the text again (its id makes that harmless).
        """
        inbound = await self.provider.read_webhook(request)
        if isinstance(inbound, Response):
            log.warning("an SMS webhook was refused: %s", inbound.status_code)
            return inbound
        if inbound is None:
            return self.provider.acknowledge()
        number = normalise_phone(inbound.sender, self.settings.sms_default_region)
        if number is None:
            log.info("a text from an address that is not a phone number was ignored")
            return self.provider.acknowledge()
        incoming = Incoming(
            Sender(CHANNEL, number),
            Kind.TEXT if inbound.body.strip() else Kind.OTHER,
            text=inbound.body,
            update_key=f"{self.provider.name}:{inbound.message_id}",
        )
        try:
            await self.conversations.handle(incoming, queue=True, wait=DATABASE_WAIT)
        except (OperationalError, DBAPIError):
            log.exception("database unavailable while taking a text; the provider will retry")
            return try_again_later()
        self.wake()
        return self.provider.acknowledge()

    def deliverer(self) -> Deliver:
        """Send an outbox reply as one SMS; return its segments."""

        async def deliver(person: Person, reply: Reply) -> int:
            body = sms_body(reply, person.language)
            await self.pacer.wait_turn()
            await self.provider.send(person.external_id, body)
            return segments(body)

        return deliver
