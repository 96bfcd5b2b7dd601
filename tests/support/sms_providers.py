"""Loopback fakes of the SMS providers' outbound APIs (Twilio, SMS Gateway for Android).

They record every text the bot sends, check its credentials, and answer errors on demand.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from dataclasses import dataclass, field
from typing import Any, Self

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.http_server import HttpServer


@dataclass
class SentSms:
    """One text the bot asked the provider to send."""

    to: str
    body: str


@dataclass
class _Fault:
    status: int
    body: dict[str, Any]
    count: int


@dataclass
class FakeSmsApi:
    """Shared recording, credentials check and fault injection."""

    username: str
    password: str
    sent: list[SentSms] = field(default_factory=list)
    faults: list[_Fault] = field(default_factory=list)
    refused_auth: int = 0
    _signal: asyncio.Event = field(default_factory=asyncio.Event)
    _server: HttpServer | None = None

    def fail_next(self, status: int, body: dict[str, Any] | None = None, count: int = 1) -> None:
        """Answer the next ``count`` sends with ``status``."""
        self.faults.append(_Fault(status, body or {"message": "error"}, count))

    def to(self, number: str) -> list[str]:
        """The bodies sent to ``number``, in order."""
        return [sms.body for sms in self.sent if sms.to == number]

    async def wait_for(self, number: str, count: int, within: float = 10.0) -> list[str]:
        """Wait until ``count`` texts went to ``number``; return them all."""
        async with asyncio.timeout(within):
            while len(self.to(number)) < count:
                self._signal.clear()
                await self._signal.wait()
        return self.to(number)

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            self.refused_auth += 1
            return False
        return True

    def _fault(self) -> Response | None:
        if not self.faults:
            return None
        fault = self.faults[0]
        fault.count -= 1
        if fault.count <= 0:
            self.faults.pop(0)
        return JSONResponse(fault.body, status_code=fault.status)

    def _record(self, to: str, body: str) -> None:
        self.sent.append(SentSms(to, body))
        self._signal.set()

    def routes(self) -> list[Route]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"

    async def __aenter__(self) -> Self:
        self._server = HttpServer(Starlette(routes=self.routes()), "127.0.0.1", 0)
        await self._server.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        await self._server.stop()


class FakeTwilio(FakeSmsApi):
    """Twilio's Messages API: form-encoded POST, HTTP basic auth with the account SID."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__(account_sid, auth_token)
        self.account_sid = account_sid
        self._ids = itertools.count(1)

    def routes(self) -> list[Route]:
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return [Route(path, self._messages, methods=["POST"])]

    async def _messages(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"code": 20003, "message": "Authenticate"}, status_code=401)
        if (fault := self._fault()) is not None:
            return fault
        form = await request.form()
        self._record(str(form["To"]), str(form["Body"]))
        sid = f"SM{next(self._ids):032d}"
        return JSONResponse({"sid": sid, "status": "queued"}, status_code=201)


class FakeAndroidGateway(FakeSmsApi):
    """SMS Gateway for Android's REST API: JSON POST /message, HTTP basic auth."""

    def routes(self) -> list[Route]:
        return [Route("/message", self._message, methods=["POST"])]

    async def _message(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"message": "Unauthorized"}, status_code=401)
        if (fault := self._fault()) is not None:
            return fault
        body = await request.json()
        for number in body["phoneNumbers"]:
            self._record(number, body["textMessage"]["text"])
        return JSONResponse({"id": "x", "state": "Pending"}, status_code=202)
