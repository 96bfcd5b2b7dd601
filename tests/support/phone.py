"""A caller that follows the bot's TwiML as Twilio does, and Twilio's Calls API as a fake.

The caller parses each answer (XML), says out loud what ``<Say>`` holds, and answers a
``<Gather>`` by posting ``Digits`` or ``SpeechResult`` to its action; a silence posts
nothing to the action when ``actionOnEmptyResult`` is set, else follows the verbs after
the Gather. Every request is signed with the official library over the public address
Twilio would call, then sent to the bot's loopback server.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from tests.support.sms_providers import FakeTwilio

_sids = itertools.count(1)


def new_call_sid() -> str:
    return f"CA{next(_sids):032x}"


@dataclass
class PlacedCall:
    """One call the bot asked Twilio to place."""

    to: str
    from_: str
    url: str
    status_callback: str


class FakeTwilioVoice(FakeTwilio):
    """Twilio's Messages and Calls APIs: records every text and every call placed."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__(account_sid, auth_token)
        self.calls: list[PlacedCall] = []

    def routes(self) -> list[Route]:
        path = f"/2010-04-01/Accounts/{self.account_sid}/Calls.json"
        return [*super().routes(), Route(path, self._calls, methods=["POST"])]

    async def _calls(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"code": 20003, "message": "Authenticate"}, status_code=401)
        form = await request.form()
        self.calls.append(
            PlacedCall(
                str(form["To"]), str(form["From"]), str(form["Url"]), str(form["StatusCallback"])
            )
        )
        self._signal.set()
        return JSONResponse({"sid": new_call_sid(), "status": "queued"}, status_code=201)


@dataclass
class Heard:
    """What one answer of the bot said, and what it waits for."""

    sentences: list[str]
    action: str | None = None
    on_empty: bool = False
    after: str | None = None
    """The address the verbs after the Gather lead to (a Redirect)."""
    hung_up: bool = False
    slow: bool = False
    language: str = ""
    timeout: int = 5
    hints: str = ""

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Caller:
    """One phone call to (or from) the bot, driven key by key."""

    client: httpx.AsyncClient
    local_base: str
    public_base: str
    token: str
    number: str
    line: str
    outbound: bool = False
    sid: str = field(default_factory=new_call_sid)
    heard: Heard | None = None
    history: list[Heard] = field(default_factory=list)
    requests: int = 0

    def _params(self, **more: str) -> dict[str, str]:
        caller, called = (self.line, self.number) if self.outbound else (self.number, self.line)
        return {
            "CallSid": self.sid,
            "AccountSid": "AC" + "0" * 32,
            "From": caller,
            "To": called,
            "CallStatus": "in-progress",
            "Direction": "outbound-api" if self.outbound else "inbound",
            **more,
        }

    async def post(
        self, public_url: str, params: dict[str, str], signature: str | None = None
    ) -> httpx.Response:
        """Post as Twilio does: signed over the public address, sent to the loopback one."""
        assert public_url.startswith(self.public_base), public_url
        local_url = self.local_base + public_url.removeprefix(self.public_base)
        if signature is None:
            signature = RequestValidator(self.token).compute_signature(public_url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        self.requests += 1
        return await self.client.post(local_url, data=params, headers=headers)

    async def _follow(self, public_url: str, params: dict[str, str]) -> Heard:
        response = await self.post(public_url, params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        heard = parse(response.text)
        if heard.action is None and heard.after is not None and not heard.hung_up:
            return await self._follow(heard.after, self._params())  # a bare Redirect
        self.heard = heard
        self.history.append(heard)
        return heard

    async def dial(self) -> Heard:
        """The call reaches the bot (its number's webhook)."""
        return await self._follow(f"{self.public_base}/voice/twilio", self._params())

    async def pick_up(self, url: str) -> Heard:
        """The person answers a call the bot placed: Twilio fetches ``url``."""
        return await self._follow(url, self._params())

    async def hang_up(self) -> None:
        """The caller hangs up: Twilio tells the status address."""
        params = self._params(CallStatus="completed")
        response = await self.post(f"{self.public_base}/voice/twilio/status", params)
        assert response.status_code == 204, response.text

    async def press(self, keys: str) -> Heard:
        return await self._answer(Digits=keys)

    async def say(self, words: str) -> Heard:
        return await self._answer(SpeechResult=words, Confidence="0.9")

    async def silence(self) -> Heard:
        """Nothing said within the Gather's timeout."""
        assert self.heard is not None
        assert not self.heard.hung_up
        if self.heard.on_empty:
            assert self.heard.action is not None
            return await self._follow(self.heard.action, self._params())
        assert self.heard.after is not None, "the call would end mid-question"
        return await self._follow(self.heard.after, self._params())

    async def _answer(self, **fields: str) -> Heard:
        assert self.heard is not None, "the call has not begun"
        assert not self.heard.hung_up, "the call is over"
        assert self.heard.action is not None, "no question was asked"
        return await self._follow(self.heard.action, self._params(**fields))


def parse(xml: str) -> Heard:
    """What a TwiML answer says and does, as Twilio reads it."""
    root = ET.fromstring(xml)
    assert root.tag == "Response", xml
    heard = Heard([])
    for verb in root:
        if verb.tag == "Say":
            heard.sentences.append("".join(verb.itertext()).strip())
        elif verb.tag == "Gather":
            assert heard.action is None, "two questions at once"
            assert "dtmf" in verb.get("input", "")
            assert "speech" in verb.get("input", "")
            heard.action = verb.get("action")
            heard.on_empty = verb.get("actionOnEmptyResult") == "true"
            heard.language = verb.get("language", "")
            heard.timeout = int(verb.get("timeout", "5"))
            heard.hints = verb.get("hints", "")
            for said in verb:
                if said.tag == "Say":
                    heard.sentences.append("".join(said.itertext()).strip())
                    heard.slow = heard.slow or said.find("prosody") is not None
        elif verb.tag == "Redirect":
            heard.after = (verb.text or "").strip()
            break
        elif verb.tag == "Hangup":
            heard.hung_up = True
            break
    return heard
