"""The SMS channel: a verified webhook becomes an event for the flows; replies queue up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.channels.channel import QuietLife, Shows, Wiring
from bot.channels.pacing import Pacer
from bot.channels.sms.providers import SmsProvider
from bot.channels.sms.render import sms_body
from bot.channels.sms.text import MAX_SEPTETS, segments
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


SHOWS = Shows(buttons=False, max_length=MAX_SEPTETS, markup="plain", documents=False)


class SmsChannel(QuietLife):
    """Inbound texts through ``provider``'s webhook; outbound ones paced, through its API."""

    name = CHANNEL
    shows = SHOWS

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

    def routes(self) -> Sequence[BaseRoute]:
        """``POST /sms/<provider>``."""
        return [Route(f"/sms/{self.provider.name}", self.webhook, methods=["POST"])]

    async def close(self) -> None:
        """Release the provider's HTTP client."""
        await self.provider.close()

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
            return Response("try again", status_code=503)
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


def provider_for(settings: Settings) -> SmsProvider | None:
    """The configured SMS provider, if any."""
    if settings.sms_provider == "twilio":
        from bot.channels.sms.twilio import TwilioProvider

        return TwilioProvider(settings)
    if settings.sms_provider == "android":
        from bot.channels.sms.android import AndroidGatewayProvider

        return AndroidGatewayProvider(settings)
    return None


def from_settings(wiring: Wiring) -> SmsChannel | None:
    """The SMS channel when ``SMS_PROVIDER`` names a provider."""
    provider = provider_for(wiring.settings)
    if provider is None:
        return None
    return SmsChannel(wiring.settings, wiring.conversations, provider, wiring.wake)
