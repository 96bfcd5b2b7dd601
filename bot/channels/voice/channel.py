"""The phone line's channel: Twilio's signed voice webhooks in, TwiML out; reminders by call.

Routes (every one checked with ``X-Twilio-Signature`` over the public address):
``POST /voice/twilio`` a call comes in; ``POST /voice/twilio/step?turn=N`` an answer (keys,
words or a silence); ``POST /voice/twilio/reminder?booking=ID`` a reminder call the bot
placed is answered; ``POST /voice/twilio/status`` a call ended.

Outbound, a person of the phone line gets their messages in writing by SMS when their
number is a mobile and SMS is set up; a reminder to a fixed line is a call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from twilio.request_validator import RequestValidator

from bot.channels.bodies import (
    SMS_WEBHOOK_LIMIT,
    BodyTooLarge,
    declared_too_large,
    read_body,
    too_large,
)
from bot.channels.channel import Shows, Wiring
from bot.channels.pacing import Pacer
from bot.channels.sms.channel import provider_for
from bot.channels.sms.providers import SmsProvider
from bot.channels.sms.render import sms_body
from bot.channels.sms.text import segments
from bot.channels.voice.calls import CallPlacer, wait_for_hours
from bot.channels.voice.twiml import twiml
from core.clock import Clock
from core.config import Settings
from core.delivery.sender import Deliver, Delivered, NotNow, PermanentFailure
from core.dialog import VOICE, Reply
from core.i18n import Translator
from core.phones import may_call, may_text, normalise_phone
from handlers.machinery.choices import ChoiceData, WillCome
from handlers.voice.line import PhoneLine
from handlers.voice.prompts import Prompt
from models import Person

log = logging.getLogger(__name__)

CHANNEL = VOICE
SHOWS = Shows(buttons=False, max_length=1000, markup="plain", documents=False, voice=True)
MAX_FIELDS = 60
"""A voice webhook has about 25 fields; speech adds a few."""
CALL_ID = re.compile(r"[A-Za-z0-9]{2,64}")
KEYS = re.compile(r"[0-9*#]{1,20}")
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
UNANSWERED = frozenset({"busy", "failed", "no-answer"})


class VoiceChannel:
    """Calls answered through Twilio's webhooks; reminders placed through its REST API."""

    name = CHANNEL
    shows = SHOWS

    def __init__(
        self,
        settings: Settings,
        line: PhoneLine,
        clock: Clock,
        wake: Callable[[], None],
        sms: SmsProvider | None,
    ) -> None:
        self.settings = settings
        self.line = line
        self.clock = clock
        self.wake = wake
        self.sms = sms
        token = settings.twilio_auth_token
        assert token is not None, "TWILIO_AUTH_TOKEN is not set"
        self.validator = RequestValidator(token.get_secret_value())
        self.placer = CallPlacer(settings)
        self.pacer = Pacer(settings.sms_rate_per_second)
        """Texts and calls through one Twilio account, spaced as the SMS channel's texts."""
        self.base = (
            settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}"
        ).rstrip("/")

    def routes(self) -> Sequence[BaseRoute]:
        """The four voice webhooks."""
        return [
            Route("/voice/twilio", self.incoming, methods=["POST"]),
            Route("/voice/twilio/step", self.step, methods=["POST"]),
            Route("/voice/twilio/reminder", self.reminder, methods=["POST"]),
            Route("/voice/twilio/status", self.status, methods=["POST"]),
        ]

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop_taking(self) -> None:
        """Webhooks stop with the HTTP server."""

    async def finish(self) -> None:
        """Calls are answered within their request."""

    async def close(self) -> None:
        """Release the HTTP clients."""
        await self.placer.close()
        if self.sms is not None:
            await self.sms.close()

    # Webhooks.

    async def incoming(self, request: Request) -> Response:
        """A call comes in: the welcome and the menu."""
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        return await self._answering(form, lambda: self._answer(form))

    async def step(self, request: Request) -> Response:
        """An answer to a question: keys, words, or nothing (a silence)."""
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        turn = request.query_params.get("turn", "")
        return await self._answering(form, lambda: self._take(form, turn))

    async def reminder(self, request: Request) -> Response:
        """A reminder call is answered: the reminder, with 1 to come and 2 to cancel."""
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        booking = request.query_params.get("booking", "")
        return await self._answering(form, lambda: self._remind(form, booking))

    async def status(self, request: Request) -> Response:
        """A call ended: its number may call again at once."""
        form = await self._signed_form(request)
        if isinstance(form, Response):
            return form
        sid = form.get("CallSid", "")
        status = form.get("CallStatus", "")
        booking = request.query_params.get("booking", "")
        if CALL_ID.fullmatch(sid) and status in ENDED:
            try:
                await self.line.hung_up(sid)
                again = status in UNANSWERED and booking.isdigit() and len(booking) < 10
                if again and await self.line.unanswered(sid, int(booking)):
                    self.wake()
            except (OperationalError, DBAPIError):
                return Response("try again", status_code=503)
        return Response(status_code=204)

    async def _answer(self, form: dict[str, str]) -> Prompt:
        number = normalise_phone(form.get("From", ""), self.settings.sms_default_region)
        sid = form.get("CallSid", "")
        if number is None or not CALL_ID.fullmatch(sid):
            return self._said("voice.hidden_number")
        return await self.line.answer(sid, number)

    async def _take(self, form: dict[str, str], turn: str) -> Prompt:
        sid = form.get("CallSid", "")
        if not CALL_ID.fullmatch(sid):
            return self._said("voice.lost")
        digits = form.get("Digits", "").strip()
        if digits and not KEYS.fullmatch(digits):
            digits = "?"  # not a key: heard, and wrong
        speech = form.get("SpeechResult", "")[:300]
        number = int(turn) if turn.isdigit() and len(turn) < 9 else -1
        prompt = await self.line.take(sid, number, digits, speech)
        if prompt is not None:
            self.wake()  # a booking made may have a text to send
            return prompt
        if form.get("Direction", "inbound") == "inbound":  # a call the line forgot: start again
            return await self._answer(form)
        return self._said("voice.lost")

    async def _remind(self, form: dict[str, str], booking: str) -> Prompt:
        sid = form.get("CallSid", "")
        number = normalise_phone(form.get("To", ""), self.settings.sms_default_region)
        if not CALL_ID.fullmatch(sid) or not booking.isdigit() or len(booking) > 9:
            return self._said("voice.lost")
        if number is None:
            return self._said("voice.lost")
        machine = form.get("AnsweredBy", "").startswith("machine")
        return await self.line.remind(sid, int(booking), number, voicemail=machine)

    async def _answering(
        self, form: dict[str, str], make: Callable[[], Awaitable[Prompt]]
    ) -> Response:
        """The TwiML of a prompt; a sorry and goodbye when the database does not answer."""
        try:
            prompt = await make()
        except (OperationalError, DBAPIError):
            log.exception("database unavailable during a call")
            prompt = self._said("voice.try_later")
        except Exception:
            log.exception("unexpected error during a call")
            prompt = self._said("voice.try_later")
        action = f"{self.base}/voice/twilio/step?turn={prompt.turn}"
        return Response(twiml(prompt, action), media_type="text/xml")

    def _said(self, key: str) -> Prompt:
        t = Translator(self.settings.default_language)
        return Prompt((t(key), t("voice.goodbye")), listen=False, language=t.language)

    async def _signed_form(self, request: Request) -> dict[str, str] | Response:
        """The form of a request Twilio signed; 403 (nothing read further) otherwise."""
        if declared_too_large(request, SMS_WEBHOOK_LIMIT):
            return too_large()
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            log.warning("a voice webhook without a signature was refused")
            return Response("invalid signature", status_code=403)
        try:
            await read_body(request, SMS_WEBHOOK_LIMIT)
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        except BodyTooLarge:
            return too_large()
        except (HTTPException, MultiPartException):
            return Response("malformed form", status_code=400)
        params = {key: str(value) for key, value in form.items()}
        url = self.base + request.url.path
        if request.url.query:
            url += f"?{request.url.query}"
        if not self.validator.validate(url, params, signature):
            log.warning("a voice webhook with a wrong signature was refused")
            return Response("invalid signature", status_code=403)
        return params

    # Outbound.

    def deliverer(self) -> Deliver:
        """A message to a person of the phone line: a text to a mobile of the allowed regions
        when SMS is set up, a call for a reminder otherwise (within calling hours); anything
        else fails for good, so that the organisers are alerted and can phone the person."""

        async def deliver(person: Person, reply: Reply) -> int | Delivered | None:
            number = person.external_id
            allowed = self.settings.sms_allowed_regions
            if self.sms is not None and may_text(number, allowed):
                body = sms_body(reply, person.language)
                await self.pacer.wait_turn()
                await self.sms.send(number, body)
                return segments(body)
            booking = _reminded_booking(reply)
            if booking is None:  # a fixed line cannot read it: the organisers are alerted
                raise PermanentFailure("a message the phone line cannot say")
            if not may_call(number, allowed):
                raise PermanentFailure("a number outside the regions the bot may call")
            wait = wait_for_hours(self.clock.now(), self.settings)
            if wait:
                raise NotNow(wait)
            await self.pacer.wait_turn()
            sid = await self.placer.place(
                number,
                f"{self.base}/voice/twilio/reminder?booking={booking}",
                f"{self.base}/voice/twilio/status?booking={booking}",
            )
            return Delivered(provider_message_id=sid or None)

        return deliver


def _reminded_booking(reply: Reply) -> int | None:
    """The booking a reminder is about (from its "I will come" button), if it is one."""
    if reply.notice is None or reply.notice.template != "reminder" or not reply.notice.buttons:
        return None
    choice = ChoiceData.parse(reply.notice.buttons[0])
    return choice.booking_id if isinstance(choice, WillCome) else None


def from_settings(wiring: Wiring) -> VoiceChannel | None:
    """The phone line when ``TWILIO_VOICE_NUMBER`` is set."""
    settings = wiring.settings
    if not settings.voice_enabled:
        return None
    sms = provider_for(settings)
    line = PhoneLine(wiring.db, settings, wiring.clock, writes_sms=sms is not None)
    return VoiceChannel(settings, line, wiring.clock, wiring.wake, sms)
