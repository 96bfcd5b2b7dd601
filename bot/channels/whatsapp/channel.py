"""The WhatsApp channel: Meta's webhook in (verified, recorded, answered at once), the
same flows, replies and notices out through the outbox and the Graph API."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.bodies import (
    BodyTooLarge,
    JsonTooDeep,
    parse_json,
    read_body,
    too_deep,
    too_large,
)
from bot.channels.channel import QuietLife, Shows, Wiring
from bot.channels.pacing import Pacer
from bot.channels.unavailable import try_again_later
from bot.channels.whatsapp import limits, render, templates
from bot.channels.whatsapp.graph import GraphClient, WindowClosed
from bot.channels.whatsapp.signature import HEADER, is_signed
from bot.channels.whatsapp.webhook import InboundMessage, StatusUpdate, read_payload
from core.clock import Clock
from core.config import Settings
from core.delivery.reports import record_status
from core.delivery.sender import Deliver, Delivered, PermanentFailure, RetryLater
from core.dialog import WHATSAPP, Incoming, Notice, Reply, Sender
from core.i18n import Translator
from core.phones import normalise_phone
from core.seats.people import SEEN_PRECISION, find_person
from handlers.machinery.turns import Conversations
from models import Database, Person

log = logging.getLogger(__name__)

CHANNEL = WHATSAPP
WEBHOOK_PATH = "/whatsapp/webhook"
CALENDAR_TYPE = "text/plain"  # see limits.DOCUMENT_TYPES

WINDOW = timedelta(hours=limits.WINDOW_HOURS) - SEEN_PRECISION
"""The window as the bot counts it: a person's last message is known to within
SEEN_PRECISION, so an hour is kept in hand (and Meta's 131047 is the last word)."""


SHOWS = Shows(buttons=True, max_length=limits.TEXT_BODY, markup="whatsapp", documents=True)


class WhatsAppChannel(QuietLife):
    """Meta's webhook (GET handshake, signed POSTs) and the deliverer of outbox rows."""

    name = WHATSAPP
    shows = SHOWS

    def __init__(
        self,
        settings: Settings,
        db: Database,
        conversations: Conversations,
        clock: Clock,
        wake: Callable[[], None],
        graph: GraphClient | None = None,
    ) -> None:
        assert settings.whatsapp_app_secret is not None, "WHATSAPP_APP_SECRET is not set"
        self.settings = settings
        self.db = db
        self.conversations = conversations
        self.clock = clock
        self.wake = wake
        self.graph = graph or GraphClient(settings)
        self.app_secret = settings.whatsapp_app_secret.get_secret_value()
        self.pacer = Pacer(settings.whatsapp_rate_per_second)

    def routes(self) -> Sequence[BaseRoute]:
        """``GET`` and ``POST /whatsapp/webhook``."""
        return [Route(WEBHOOK_PATH, self.endpoint, methods=["GET", "POST"])]

    async def endpoint(self, request: Request) -> Response:
        """The handshake for GET, the webhook for POST."""
        if request.method == "GET":
            return self.verify(request)
        return await self.webhook(request)

    def verify(self, request: Request) -> Response:
        """Meta's subscription handshake: the challenge back when the verify token matches."""
        expected = self.settings.whatsapp_verify_token
        params = request.query_params
        token = params.get("hub.verify_token", "")
        if (
            expected is None
            or params.get("hub.mode") != "subscribe"
            or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
        ):
            log.warning("a WhatsApp webhook handshake was refused")
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(params.get("hub.challenge", ""))

    async def webhook(self, request: Request) -> Response:
        """Check the signature on the raw body, then record what it says and answer 200.

        Forged or unsigned: 403, nothing written. Over 1 MiB: 413, not even read. JSON
        nested too deep: 400, nothing written. Database down: 503, and Meta delivers the
        webhook again (message ids make that harmless).
        """
        try:
            body = await read_body(request, limits.MAX_WEBHOOK_BYTES)
        except BodyTooLarge:
            log.warning("a WhatsApp webhook over %d bytes was refused", limits.MAX_WEBHOOK_BYTES)
            return too_large()
        except ClientDisconnect:
            return PlainTextResponse("gone", status_code=400)
        if not is_signed(self.app_secret, body, request.headers.get(HEADER)):
            log.warning("a WhatsApp webhook with a missing or wrong signature was refused")
            return PlainTextResponse("invalid signature", status_code=403)
        try:
            payload = parse_json(body)
        except JsonTooDeep:
            log.warning("a signed WhatsApp webhook nested too deep was refused")
            return too_deep()
        except ValueError:
            log.warning("a signed WhatsApp webhook was not JSON; ignored")
            return PlainTextResponse("ok")
        messages, statuses = read_payload(payload, self.settings.whatsapp_phone_number_id)
        try:
            for message in messages:
                await self._take(message)
            for status in statuses:
                await self._note(status)
        except (OperationalError, DBAPIError):
            log.exception("database unavailable while taking a WhatsApp webhook; Meta retries")
            return try_again_later()
        if messages or statuses:
            self.wake()
        return PlainTextResponse("ok")

    async def _take(self, message: InboundMessage) -> None:
        number = normalise_phone("+" + message.wa_id.lstrip("+"))
        if number is None:
            log.info("a WhatsApp message from an id that is not a phone number was ignored")
            return
        incoming = Incoming(
            Sender(CHANNEL, number, message.name),
            message.kind,
            text=message.text,
            choice=message.choice,
            update_key=f"wa:{message.message_id}"[:100],  # room for the outbox key around it
            media=message.media,
            latitude=message.latitude,
            longitude=message.longitude,
        )
        await self.conversations.handle(incoming, queue=True)

    async def _note(self, status: StatusUpdate) -> None:
        code = status.error_code
        unreachable = code in limits.UNREACHABLE_CODES
        async with self.db.transaction() as session:
            found = await record_status(
                session,
                status.message_id,
                status.status,
                self.clock.now(),
                error=f"{code} {status.error_title}".strip() if code is not None else None,
                unreachable=unreachable,
                send_as_template=code == limits.RE_ENGAGEMENT,
            )
            number = normalise_phone("+" + status.recipient.lstrip("+"))
            if not found and unreachable and number is not None:
                # The status came before the row knew its message id: mark by the number.
                person = await find_person(session, CHANNEL, number)
                if person is not None and person.channel == CHANNEL:
                    person.unreachable = True

    def window_open(self, person: Person) -> bool:
        """Whether a free-form message may go to ``person`` now (their last message is
        recent enough)."""
        seen = person.last_seen_at
        return seen is not None and self.clock.now() - seen < WINDOW

    def deliverer(self) -> Deliver:
        """Send an outbox row: free form inside the window, its template outside."""

        async def deliver(person: Person, reply: Reply) -> Delivered:
            try:
                return await self._deliver(person, reply)
            except RetryLater as slow_down:  # 130429 and the like: every send waits
                self.pacer.pause(slow_down.seconds)
                raise

        return deliver

    async def _deliver(self, person: Person, reply: Reply) -> Delivered:
        """Free form inside the window, the template outside (or when Meta says 131047)."""
        to = person.external_id.lstrip("+")
        notice = reply.notice
        if notice is not None and (notice.template_only or not self.window_open(person)):
            return await self._template(to, notice, person.language)
        parts = render.messages(reply, Translator(person.language))
        await self.pacer.wait_turn()
        try:
            message_id = await self.graph.send(to, parts[0])
        except WindowClosed:
            if notice is None:
                raise PermanentFailure("131047: the window is closed") from None
            log.info("the window was closed: the notice goes as its template")
            return await self._template(to, notice, person.language)
        if reply.attachment is not None:
            await self._document(to, reply)
        for extra in parts[1:]:
            await self._extra(to, extra)
        return Delivered(message_id or None)

    async def _template(self, to: str, notice: Notice, language: str) -> Delivered:
        message = templates.message(notice, language)
        if message is None:
            raise PermanentFailure(f"no template for {notice.template}")
        await self.pacer.wait_turn()
        return Delivered(await self.graph.send(to, message) or None)

    async def _document(self, to: str, reply: Reply) -> None:
        """The calendar file, uploaded then sent as a document (a failure is logged)."""
        file = reply.attachment
        assert file is not None
        try:
            media_id = await self.graph.upload(file.content, file.filename, CALENDAR_TYPE)
            document = {"id": media_id, "filename": file.filename}
            if file.caption:
                document["caption"] = render.cut(file.caption, limits.CAPTION)
            await self._extra(to, {"type": "document", "document": document})
        except Exception as error:  # the confirmation itself went out
            log.warning("the calendar file was not sent: %s", type(error).__name__)

    async def _extra(self, to: str, message: dict[str, object]) -> None:
        """A message after the main one (file, place): a failure is logged, not retried."""
        await self.pacer.wait_turn()
        try:
            await self.graph.send(to, message)
        except Exception as error:
            log.warning("a WhatsApp %s was not sent: %s", message.get("type"), error)

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.graph.close()


def from_settings(wiring: Wiring) -> WhatsAppChannel | None:
    """The WhatsApp channel when ``WHATSAPP_ACCESS_TOKEN`` is set."""
    if not wiring.settings.whatsapp_enabled:
        return None
    return WhatsAppChannel(
        wiring.settings, wiring.db, wiring.conversations, wiring.clock, wiring.wake
    )
