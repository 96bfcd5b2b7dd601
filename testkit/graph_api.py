"""A loopback fake of Meta's Graph API for WhatsApp, and a phone that writes to the bot.

The fake records every message the bot sends and refuses what Meta refuses, with Meta's
error format and codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes):

- a wrong token (401, code 190); a number that is not on WhatsApp (131026);
- a free-form message outside the 24-hour window the person's last message opened (131047);
- text bodies over 4096 characters; interactive bodies over 1024; more than 3 reply buttons,
  button titles over 20, button ids over 256 or repeated; lists of more than 10 rows or 10
  sections, row titles over 24, descriptions over 72, row ids over 200, a list button over 20
  (131009, "parameter value is not valid");
- a template that was not approved, in that language (132001); the wrong number of values
  (132000); a value with a new line, a tab or more than four spaces in a row (132018); a body
  over 1024 characters once filled in; a button index the template does not have (131009);
- an upload whose type is not one of the documented document types (131053); a document
  whose media id was never uploaded (131053); a location outside the globe (131009).

The person's side is :class:`WhatsAppPhone`: it posts webhooks in Meta's format, signed as
Meta signs them, and opens the window in the fake the way a real message would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Self

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.http_server import HttpServer
from bot.channels.whatsapp.signature import HEADER, signature_of
from core.clock import Clock

DOCUMENT_TYPES = {
    "text/plain",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
WINDOW = timedelta(hours=24)


class Refused(Exception):
    """What Meta answers to a message it does not take."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class SentMessage:
    """One message the bot sent: to whom, the message object, and its id."""

    to: str
    message: dict[str, Any]
    wamid: str

    @property
    def type(self) -> str:
        return str(self.message.get("type"))

    @property
    def body(self) -> str:
        """The text a person reads (text, interactive body, or the filled-in template)."""
        if self.type == "text":
            return str(self.message["text"]["body"])
        if self.type == "interactive":
            return str(self.message["interactive"]["body"]["text"])
        return str(self.message.get("rendered", ""))

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(id, title) of its buttons or list rows, or of a template's quick replies."""
        if self.type == "interactive":
            interactive = self.message["interactive"]
            if interactive["type"] == "button":
                return [
                    (b["reply"]["id"], b["reply"]["title"])
                    for b in interactive["action"]["buttons"]
                ]
            rows = [row for s in interactive["action"]["sections"] for row in s["rows"]]
            return [(row["id"], row["title"]) for row in rows]
        if self.type == "template":
            return list(self.message.get("quick_replies", []))
        return []


def _check(condition: bool, what: str, code: int = 131009) -> None:
    if not condition:
        raise Refused(code, f"(#{code}) Parameter value is not valid: {what}")


@dataclass
class FakeGraphApi:
    """``POST /{phone_number_id}/messages`` and ``/media``, enforcing Meta's limits."""

    phone_number_id: str
    token: str
    clock: Clock
    templates: list[dict[str, Any]] = field(default_factory=list)
    on_whatsapp: set[str] = field(default_factory=set)
    sent: list[SentMessage] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)
    uploads: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    window_opened: dict[str, datetime] = field(default_factory=dict)
    faults: list[tuple[int, int]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _signal: asyncio.Event = field(default_factory=asyncio.Event)
    _server: HttpServer | None = None

    # --- what the tests see -------------------------------------------------------------

    def to(self, number: str) -> list[SentMessage]:
        """What was sent to ``number`` (digits, as the bot addresses it), in order."""
        return [message for message in self.sent if message.to == number.lstrip("+")]

    async def wait_for(self, number: str, count: int, within: float = 20.0) -> list[SentMessage]:
        """Wait until ``count`` messages went to ``number``; return them all."""
        async with asyncio.timeout(within):
            while len(self.to(number)) < count:
                self._signal.clear()
                await self._signal.wait()
        return self.to(number)

    def fail_next(self, status: int, code: int, count: int = 1) -> None:
        """Answer the next ``count`` sends with this error."""
        self.faults += [(status, code)] * count

    def close_window(self, number: str) -> None:
        """As if the person's last message were more than 24 hours old."""
        self.window_opened.pop(number.lstrip("+"), None)

    # --- Meta's side ----------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def _refusal(self, error: Refused, to: str) -> Response:
        self.refused.append((to, error.code))
        self._signal.set()
        body = {
            "error": {
                "message": str(error),
                "type": "OAuthException",
                "code": error.code,
                "error_data": {"messaging_product": "whatsapp", "details": str(error)},
                "fbtrace_id": "AbCdEf",
            }
        }
        return JSONResponse(body, status_code=error.status)

    async def _messages(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._refusal(Refused(190, "Invalid OAuth access token", 401), "")
        body = await request.json()
        to = str(body.get("to", ""))
        try:
            if self.faults:
                status, code = self.faults.pop(0)
                raise Refused(code, "injected", status)
            _check(body.get("messaging_product") == "whatsapp", "messaging_product", 100)
            if to not in self.on_whatsapp:
                raise Refused(131026, "(#131026) Message Undeliverable.")
            message = {k: v for k, v in body.items() if k not in ("messaging_product", "to")}
            message.pop("recipient_type", None)
            kind = message.get("type")
            if kind != "template":
                opened = self.window_opened.get(to)
                if opened is None or self.clock.now() - opened >= WINDOW:
                    raise Refused(
                        131047,
                        "(#131047) Re-engagement message: more than 24 hours have passed "
                        "since the recipient last replied to the sender number.",
                    )
            self._validate(message)
        except Refused as error:
            return self._refusal(error, to)
        wamid = f"wamid.HBgL{next(self._ids):08d}"
        self.sent.append(SentMessage(to, message, wamid))
        self._signal.set()
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            }
        )

    def _validate(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        content = message.get(str(kind))
        _check(isinstance(content, dict), f"{kind} object", 100)
        assert isinstance(content, dict)
        if kind == "text":
            body = str(content.get("body", ""))
            _check(0 < len(body) <= 4096, "text.body length")
        elif kind == "interactive":
            self._interactive(content)
        elif kind == "document":
            _check(str(content.get("id")) in self.uploads, "unknown media id", 131053)
            _check(len(str(content.get("caption", ""))) <= 1024, "caption length")
        elif kind == "location":
            _check(-90 <= float(content["latitude"]) <= 90, "latitude")
            _check(-180 <= float(content["longitude"]) <= 180, "longitude")
        elif kind == "template":
            self._template(message, content)
        else:
            raise Refused(131051, f"(#131051) Unsupported message type {kind}")

    def _interactive(self, content: dict[str, Any]) -> None:
        body = str(content.get("body", {}).get("text", ""))
        _check(0 < len(body) <= 1024, "interactive body length")
        action = content.get("action", {})
        if content.get("type") == "button":
            buttons = action.get("buttons", [])
            _check(1 <= len(buttons) <= 3, "at most 3 buttons")
            titles = [str(b["reply"]["title"]) for b in buttons]
            ids = [str(b["reply"]["id"]) for b in buttons]
            _check(all(0 < len(t) <= 20 for t in titles), "button title length")
            _check(all(0 < len(i) <= 256 for i in ids), "button id length")
            _check(len(set(titles)) == len(titles) and len(set(ids)) == len(ids), "unique")
        elif content.get("type") == "list":
            _check(0 < len(str(action.get("button", ""))) <= 20, "list button length")
            sections = action.get("sections", [])
            _check(1 <= len(sections) <= 10, "sections count")
            rows = [row for section in sections for row in section.get("rows", [])]
            _check(1 <= len(rows) <= 10, "at most 10 rows")
            _check(all(0 < len(str(r["title"])) <= 24 for r in rows), "row title length")
            _check(all(len(str(r.get("description", ""))) <= 72 for r in rows), "description")
            _check(all(0 < len(str(r["id"])) <= 200 for r in rows), "row id length")
            _check(len({r["id"] for r in rows}) == len(rows), "unique row ids")
            _check(all(len(str(s.get("title", ""))) <= 24 for s in sections), "section title")
            _check(len(sections) == 1 or all(s.get("title") for s in sections), "titles")
        else:
            raise Refused(131009, "interactive type")

    def _template(self, message: dict[str, Any], content: dict[str, Any]) -> None:
        name = content.get("name")
        language = content.get("language", {}).get("code")
        approved = next(
            (t for t in self.templates if t["name"] == name and t["language"] == language), None
        )
        if approved is None:
            raise Refused(132001, f"(#132001) Template name does not exist in {language}")
        body = next(c for c in approved["components"] if c["type"] == "BODY")["text"]
        expected = len(set(re.findall(r"\{\{(\d+)\}\}", body)))
        components = content.get("components", [])
        values = [
            str(p["text"])
            for c in components
            if c.get("type") == "body"
            for p in c.get("parameters", [])
        ]
        if len(values) != expected:
            raise Refused(132000, "(#132000) Number of parameters does not match")
        for value in values:
            if re.search(r"[\n\t]| {5,}", value) or not value:
                raise Refused(132018, "(#132018) Issue with parameters in template")
        rendered = re.sub(r"\{\{(\d+)\}\}", lambda m: values[int(m.group(1)) - 1], body)
        _check(len(rendered) <= 1024, "template body length")
        buttons = next((c["buttons"] for c in approved["components"] if c["type"] == "BUTTONS"), [])
        replies = []
        for component in components:
            if component.get("type") != "button":
                continue
            index = int(component.get("index", -1))
            _check(0 <= index < len(buttons), "button index")
            _check(component.get("sub_type") == "quick_reply", "quick_reply")
            payload = str(component["parameters"][0]["payload"])
            replies.append((payload, buttons[index]["text"]))
        message["rendered"] = rendered
        message["quick_replies"] = replies

    async def _media(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._refusal(Refused(190, "Invalid OAuth access token", 401), "")
        async with request.form() as form:
            upload = form.get("file")
            kind = str(form.get("type", ""))
            if (
                form.get("messaging_product") != "whatsapp"
                or upload is None
                or isinstance(upload, str)
            ):
                return self._refusal(Refused(100, "(#100) Invalid parameter"), "")
            if kind not in DOCUMENT_TYPES:
                return self._refusal(Refused(131053, "(#131053) Media upload error"), "")
            media_id = f"{next(self._ids):015d}"
            self.uploads[media_id] = (str(upload.filename), kind, await upload.read())
        return JSONResponse({"id": media_id})

    # --- running ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}/v23.0"

    async def __aenter__(self) -> Self:
        routes = [
            Route(f"/v23.0/{self.phone_number_id}/messages", self._messages, methods=["POST"]),
            Route(f"/v23.0/{self.phone_number_id}/media", self._media, methods=["POST"]),
        ]
        self._server = HttpServer(Starlette(routes=routes), "127.0.0.1", 0)
        await self._server.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        await self._server.stop()


# --- the person's side: webhooks in Meta's format --------------------------------------

_message_ids = itertools.count(1)


def envelope(phone_number_id: str, value: dict[str, Any]) -> dict[str, Any]:
    """A webhook payload around one change ``value``."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "33700000000",
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


@dataclass
class WhatsAppPhone:
    """One person's WhatsApp: writes and taps, as webhooks signed with the app secret."""

    number: str  # digits, as WhatsApp gives them (wa_id)
    name: str
    url: str
    app_secret: str
    fake: FakeGraphApi
    client: httpx.AsyncClient
    phone_number_id: str
    settled: Callable[[], Awaitable[None]] | None = None
    """Returns once the bot has sent all it had to; without it, a fixed 0.3 s wait."""

    def message_payload(
        self, content: dict[str, Any], message_id: str | None = None
    ) -> dict[str, Any]:
        message = {
            "from": self.number,
            "id": message_id or f"wamid.IN{next(_message_ids):010d}",
            "timestamp": str(int(self.fake.clock.now().timestamp())),
            **content,
        }
        value = {
            "contacts": [{"profile": {"name": self.name}, "wa_id": self.number}],
            "messages": [message],
        }
        return envelope(self.phone_number_id, value)

    async def post(
        self, payload: dict[str, Any], *, signature: str | None = None, opens_window: bool = True
    ) -> httpx.Response:
        raw = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        signed = signature if signature is not None else signature_of(self.app_secret, raw)
        if signed:
            headers[HEADER] = signed
        changes = [c["value"] for e in payload.get("entry", []) for c in e.get("changes", [])]
        if opens_window and any("messages" in value for value in changes):
            self.fake.window_opened[self.number] = self.fake.clock.now()
        return await self.client.post(self.url, content=raw, headers=headers)

    async def _exchange(self, content: dict[str, Any]) -> list[SentMessage]:
        before = len(self.fake.to(self.number))
        response = await self.post(self.message_payload(content))
        assert response.status_code == 200, response.text
        await self.fake.wait_for(self.number, before + 1)
        if self.settled is not None:
            await self.settled()
        else:
            await asyncio.sleep(0.3)  # a file and a place may follow the reply
        return self.fake.to(self.number)[before:]

    async def write(self, text: str) -> list[SentMessage]:
        """Write ``text``; return what the bot answered."""
        return await self._exchange({"type": "text", "text": {"body": text}})

    async def tap(self, answer: SentMessage, label: str) -> list[SentMessage]:
        """Tap the button or list row of ``answer`` whose title contains ``label``."""
        picked = [(i, t) for i, t in answer.choices if label.lower() in t.lower()]
        assert picked, (label, answer.choices)
        choice_id, title = picked[0]
        if answer.type == "template":
            content = {"type": "button", "button": {"payload": choice_id, "text": title}}
        elif answer.message["interactive"]["type"] == "button":
            reply = {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}}
            content = {"type": "interactive", "interactive": reply}
        else:
            reply = {"type": "list_reply", "list_reply": {"id": choice_id, "title": title}}
            content = {"type": "interactive", "interactive": reply}
        return await self._exchange(content)

    async def status(
        self, wamid: str, status: str, errors: list[dict[str, Any]] | None = None
    ) -> httpx.Response:
        """Meta reporting what became of a message the bot sent."""
        entry: dict[str, Any] = {
            "id": wamid,
            "status": status,
            "timestamp": str(int(self.fake.clock.now().timestamp())),
            "recipient_id": self.number,
        }
        if errors:
            entry["errors"] = errors
        return await self.post(envelope(self.phone_number_id, {"statuses": [entry]}))
