"""A loopback fake of the Telegram Bot API HTTP server, for tests.

The real python-telegram-bot client talks to it over HTTP on 127.0.0.1::

    async with FakeBotApi() as api:
        bot = telegram.Bot(api.token, base_url=api.base_url)
        ...

It follows the documented Bot API (https://core.telegram.org/bots/api): response envelope
``{"ok", "result"}`` / ``{"ok": false, "error_code", "description", "parameters"}``, object
shapes, getUpdates offsets and long polling, case-insensitive method names, parameters sent as
JSON, query string, urlencoded or multipart forms. Only the methods the project uses exist.
"""

from __future__ import annotations

import asyncio
import copy
import email.message
import email.parser
import html
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["BotMessage", "Call", "FakeBotApi", "FakeUser", "UploadedFile"]

JSON = dict[str, Any]
ChatId = int | str

# Methods whose successful result is a Message the bot sent or edited.
MESSAGE_METHODS = frozenset(
    [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendDocument",
        "sendVenue",
        "sendLocation",
    ]
)
# Calls that count as the bot answering a chat (for wait_for_replies).
REPLY_METHODS = MESSAGE_METHODS | {"answerCallbackQuery"}
# Calls refused when the user blocked the bot.
_CHAT_METHODS = MESSAGE_METHODS | {"deleteMessage", "sendChatAction"}

_METHOD_NAMES = [
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "logOut",
    "close",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "sendDocument",
    "sendVenue",
    "sendLocation",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "setChatMenuButton",
    "getChatMenuButton",
    "deleteMessage",
    "sendChatAction",
]

# Parameters whose form value is a plain string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "url",
        "title",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "action",
        "language_code",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "emoji",
        "query",
        "file_id",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "sticker",
        "animation",
        "thumbnail",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
    ]
)

_BUTTON_ACTIONS = [
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
]

# Update types delivered when allowed_updates was never given (as documented).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class UploadedFile:
    """A file part received in a multipart/form-data request."""

    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclass
class Call:
    """One request received by the fake, recorded once answered.

    ``at`` is the ``time.monotonic()`` arrival time; ``calls`` is in answer order.
    """

    method: str
    params: dict[str, Any]
    chat_id: ChatId | None
    at: float
    status: int = 200
    response: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call, else None."""
        return self.response.get("result")

    def summary(self) -> str:
        """One readable line for failure dumps."""
        interesting = ("text", "caption", "callback_query_id", "message_id", "offset", "timeout")
        shown = {k: _shorten(self.params[k]) for k in interesting if k in self.params}
        error = "" if self.ok else f" -> {self.response.get('description')!r}"
        return f"{self.method} chat={self.chat_id} status={self.status}{error} {shown}"


@dataclass
class BotMessage:
    """A message the bot sent, as a person would see it.

    ``buttons`` holds the inline keyboard rows as ``(label, callback_data)`` (data is None for
    URL and other non-callback buttons); ``keyboard`` the labels of a reply keyboard, if any.
    """

    message_id: int
    text: str
    buttons: list[list[tuple[str, str | None]]]
    raw: JSON
    keyboard: list[list[str]] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """Labels of all inline buttons, row by row."""
        return [label for row in self.buttons for label, _ in row]

    @classmethod
    def from_message(cls, message: JSON, keyboard: list[list[str]] | None = None) -> BotMessage:
        """Build from a Bot API Message object."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [[(b["text"], b.get("callback_data")) for b in row] for row in rows]
        text = message.get("text")
        if text is None:
            text = message.get("caption", "")
        return cls(message["message_id"], text, buttons, message, keyboard or [])


@dataclass
class _Pending:
    update: JSON
    forced: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class _Fault:
    method: str  # lower-case name or "*"
    chat_id: ChatId | None
    status: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _Delay:
    method: str
    chat_id: ChatId | None
    seconds: float
    remaining: int


class _ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


class _Signal:
    """Broadcast wake-up usable from synchronous code (no lock needed, unlike Condition)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait for the next notify(); False when ``seconds`` elapsed first."""
        event = self._event
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()
        except TimeoutError:
            return False
        return True


class _Window:
    """Sliding one-second window enforcing ``rate`` calls per second."""

    def __init__(self, rate: float) -> None:
        self.capacity = max(1, math.floor(rate))
        self.span = self.capacity / rate
        self.times: deque[float] = deque()

    def retry_after(self, now: float) -> float | None:
        while self.times and now - self.times[0] >= self.span:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return None
        return self.span - (now - self.times[0])


# --------------------------------------------------------------------------- parsing helpers


def _shorten(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _chat_key(value: Any) -> ChatId | None:
    """Normalise a chat_id parameter: ints stay ints, '-42' becomes -42, '@name' stays."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"-?\d+", stripped):
            return int(stripped)
        return stripped or None
    return None


def _number(params: JSON, key: str, default: float) -> float:
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _ApiError(400, f"Bad Request: wrong parameter {key}")
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _decode_value(key: str, value: str) -> Any:
    """JSON-decode a form value where the Bot API expects a non-string type."""
    if key in _STRING_PARAMS or value.startswith("attach://"):
        return value
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError:
        return value


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    header = email.message.Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _ApiError(400, "Bad Request: multipart boundary is missing")
    out: dict[str, Any] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = email.parser.HeaderParser().parsestr(head.decode("utf-8", "replace") + "\r\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = headers.get_param("filename", header="content-disposition")
        if isinstance(filename, str):
            out[name] = UploadedFile(
                filename.replace("%22", '"'), content, headers.get_content_type()
            )
        else:
            out[name] = content.decode("utf-8", "replace")
    return out


async def _read_params(request: Request) -> dict[str, Any]:
    """Decode query string, JSON, urlencoded and multipart parameters into one plain dict."""
    raw: dict[str, Any] = dict(request.query_params.items())
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    body = await request.body()
    if body and media_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise _ApiError(400, "Bad Request: can't parse JSON body") from exc
        if not isinstance(data, dict):
            raise _ApiError(400, "Bad Request: JSON body must be an object")
        raw.update(data)
    elif media_type == "application/x-www-form-urlencoded":
        raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif media_type == "multipart/form-data":
        raw.update(_parse_multipart(body, content_type))
    params = {k: _decode_value(k, v) if isinstance(v, str) else v for k, v in raw.items()}
    for key, value in params.items():  # files sent as attach://<part name>
        if isinstance(value, str) and value.startswith("attach://"):
            part = raw.get(value.removeprefix("attach://"))
            if isinstance(part, UploadedFile):
                params[key] = part
    return params


_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z_:-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_SPECIAL_RE = re.compile(r"[<&]")
_CHARREF_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _parse_html(source: str) -> tuple[str, list[JSON]]:
    """Apply parse_mode HTML: plain text and MessageEntity list (offsets in UTF-16 units)."""

    def fail(reason: str, index: int) -> _ApiError:
        offset = len(source[:index].encode())
        return _ApiError(
            400, f"Bad Request: can't parse entities: {reason} at byte offset {offset}"
        )

    parts: list[str] = []
    pos = 0
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(source):
        if source[i] == "<":
            match = _TAG_RE.match(source, i)
            if match is None:
                raise fail("Unsupported start tag", i)
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if closing:
                if not stack or stack[-1][0] != tag:
                    expected = f'"</{stack[-1][0]}>"' if stack else "no end tag"
                    raise fail(f'Unmatched end tag, expected {expected}, found "</{tag}>"', i)
                _, start, entity = stack.pop()
                if tag == "code" and stack and stack[-1][0] == "pre" and "language" in entity:
                    stack[-1][2]["language"] = entity["language"]
                elif pos > start:
                    entities.append({**entity, "offset": start, "length": pos - start})
            else:
                attrs = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _ATTR_RE.finditer(match.group(3))
                }
                kind = _HTML_ENTITY_TYPES.get(tag)
                if kind is None or (tag == "span" and attrs.get("class") != "tg-spoiler"):
                    raise fail(f'Unsupported start tag "{tag}"', i)
                opened: JSON = {"type": kind}
                if tag == "a":
                    opened["url"] = html.unescape(attrs.get("href", ""))
                elif tag == "tg-emoji":
                    opened["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif tag == "code" and attrs.get("class", "").startswith("language-"):
                    opened["language"] = attrs["class"].removeprefix("language-")
                elif tag == "blockquote" and "expandable" in attrs:
                    opened["type"] = "expandable_blockquote"
                stack.append((tag, pos, opened))
            i = match.end()
            continue
        if source[i] == "&" and (ref := _CHARREF_RE.match(source, i)):
            chunk, i = html.unescape(ref.group(0)), ref.end()
        else:
            special = _SPECIAL_RE.search(source, i + 1)
            end = special.start() if special else len(source)
            chunk, i = source[i:end], end
        parts.append(chunk)
        pos += _utf16_len(chunk)
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"', len(source))
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(parts), entities


def _inline_markup(value: Any) -> tuple[JSON | None, list[list[str]] | None]:
    """Validate reply_markup: (inline keyboard to attach or None, reply keyboard labels)."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "keyboard" in value:
        rows = value["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        labels = [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]
        return None, labels
    rows = value.get("inline_keyboard")
    if rows is None:
        return None, None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _ApiError(400, "Bad Request: can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _ApiError(400, "Bad Request: can't parse inline keyboard button")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif not any(key in button for key in _BUTTON_ACTIONS):
                raise _ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
    if not any(rows):
        return None, None
    return {"inline_keyboard": rows}, None


def _update_kind(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


# --------------------------------------------------------------------------- the server


class FakeBotApi:
    """Loopback Bot API server recording calls and injecting what people do."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "atelier_test_bot",
        bot_first_name: str = "Atelier",
    ) -> None:
        self._token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: JSON = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[Call] = []
        self.delivered: list[JSON] = []
        self.errors: list[BaseException] = []
        self.rejected_429 = 0
        self.files: dict[str, UploadedFile] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[ChatId | None, JSON] = {}
        self._methods: dict[str, tuple[str, Callable[[JSON], Awaitable[Any]]]] = {
            name.lower(): (name, getattr(self, "_m_" + name)) for name in _METHOD_NAMES
        }
        self._messages: dict[ChatId, dict[int, JSON]] = {}
        self._keyboards: dict[tuple[ChatId, int], list[list[str]]] = {}
        self._next_message_id: dict[ChatId, int] = {}
        self._people: dict[int, JSON] = {}
        self._queries: dict[str, ChatId] = {}
        self._pending: list[_Pending] = []
        self._next_update_id = 100_000_001
        self._next_query = 1
        self._next_file = 1
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._global_window: _Window | None = None
        self._chat_rate: float | None = None
        self._chat_windows: dict[ChatId, _Window] = {}
        self._blocked: set[ChatId] = set()
        self._calls_signal = _Signal()
        self._updates_signal = _Signal()
        self._closing = False
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._port = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 on a free port, in the running event loop."""
        if self._task is not None:
            raise RuntimeError("FakeBotApi already started")
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])],
            exception_handlers={HTTPException: self._http_error},
        )
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            http="h11",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._closing = False
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(), name="fake-bot-api")
        while not self._server.started:
            if self._task.done():
                exc = self._task.exception()
                raise RuntimeError("FakeBotApi failed to start") from exc
            await asyncio.sleep(0.005)
        sockets = self._server.servers[0].sockets
        self._port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop promptly: pending long polls and delays return at once."""
        if self._server is None or self._task is None:
            return
        self._closing = True
        self._updates_signal.notify()
        self._calls_signal.notify()
        self._server.should_exit = True
        try:
            await self._task
        finally:
            self._server = None
            self._task = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (0 before start)."""
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``telegram.Bot(base_url=...)``."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def token(self) -> str:
        """The only token accepted."""
        return self._token

    # ------------------------------------------------------------------ HTTP

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        description = _DEFAULT_DESCRIPTIONS.get(status, "Error")
        body = {"ok": False, "error_code": status, "description": description}
        return JSONResponse(body, status_code=status)

    async def _endpoint(self, request: Request) -> Response:
        arrived = time.monotonic()
        name = request.path_params["method"]
        spec = self._methods.get(name.lower())
        call = Call(spec[0] if spec else name, {}, None, arrived)
        try:
            call.params = await _read_params(request)
            if request.path_params["token"] != self._token:
                raise _ApiError(401, "Unauthorized")
            if spec is None:
                raise _ApiError(404, "Not Found")
            call.chat_id = self._chat_of(call.method, call.params)
            await self._apply_delay(call.method, call.chat_id)
            self._apply_faults(call.method, call.chat_id)
            self._apply_limits(call.method, call.chat_id)
            result = await spec[1](call.params)
        except _ApiError as exc:
            return self._finish(call, exc.status, exc.body())
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test
            self.errors.append(exc)
            body = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {exc!r}",
            }
            return self._finish(call, 500, body)
        return self._finish(call, 200, {"ok": True, "result": result})

    def _finish(self, call: Call, status: int, body: JSON) -> Response:
        call.status = status
        call.response = copy.deepcopy(body)
        self.calls.append(call)
        self._calls_signal.notify()
        return JSONResponse(body, status_code=status)

    def _chat_of(self, method: str, params: JSON) -> ChatId | None:
        if method == "answerCallbackQuery":
            return self._queries.get(str(params.get("callback_query_id")))
        return _chat_key(params.get("chat_id"))

    # ------------------------------------------------------------------ faults and limits

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: ChatId | None = None,
    ) -> None:
        """Answer the next ``count`` matching calls (``method`` or "*") with an error.

        Without ``description`` the usual Telegram text for ``status`` is used; a 429 always
        carries ``parameters.retry_after`` (default 1 second).
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or _DEFAULT_DESCRIPTIONS.get(status, "Error")
        text = text.format(retry_after=retry_after)
        self._faults.append(
            _Fault(method.lower(), _chat_key(chat_id), status, text, retry_after, count)
        )

    def delay_next(
        self, method: str, seconds: float, count: int = 1, *, chat_id: ChatId | None = None
    ) -> None:
        """Hold the next ``count`` matching calls for ``seconds`` before handling them.

        The call is still carried out afterwards (as Telegram may do after the client gave up).
        """
        self._delays.append(_Delay(method.lower(), _chat_key(chat_id), seconds, count))

    def limits(
        self, global_per_second: float | None = 30, per_chat_per_second: float | None = 1
    ) -> None:
        """Enforce flood limits on sends and edits (None disables; disabled by default).

        Refused calls answer 429 with retry_after and are counted in ``rejected_429``.
        """
        self._global_window = _Window(global_per_second) if global_per_second else None
        self._chat_rate = per_chat_per_second or None
        self._chat_windows.clear()

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to that chat answer 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user restarts the bot."""
        self._blocked.discard(user_id)

    async def _apply_delay(self, method: str, chat_id: ChatId | None) -> None:
        for delay in self._delays:
            if delay.method in (method.lower(), "*") and delay.chat_id in (None, chat_id):
                delay.remaining -= 1
                if delay.remaining <= 0:
                    self._delays.remove(delay)
                deadline = time.monotonic() + delay.seconds
                while not self._closing and (left := deadline - time.monotonic()) > 0:
                    await self._updates_signal.wait(left)
                return

    def _apply_faults(self, method: str, chat_id: ChatId | None) -> None:
        for fault in self._faults:
            if fault.method in (method.lower(), "*") and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                params = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise _ApiError(fault.status, fault.description, params)
        if method in _CHAT_METHODS and chat_id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")

    def _apply_limits(self, method: str, chat_id: ChatId | None) -> None:
        if method not in MESSAGE_METHODS:
            return
        now = time.monotonic()
        windows: list[_Window] = []
        if self._global_window is not None:
            windows.append(self._global_window)
        if self._chat_rate is not None and chat_id is not None:
            if chat_id not in self._chat_windows:
                self._chat_windows[chat_id] = _Window(self._chat_rate)
            windows.append(self._chat_windows[chat_id])
        waits = [w for w in (win.retry_after(now) for win in windows) if w is not None]
        if waits:
            self.rejected_429 += 1
            seconds = max(1, math.ceil(max(waits)))
            raise _ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        for window in windows:
            window.times.append(now)

    # ------------------------------------------------------------------ inspection

    def calls_for(self, chat_id: ChatId) -> list[Call]:
        """All calls addressed to a chat (answerCallbackQuery counts for its query's chat)."""
        chat = _chat_key(chat_id)
        return [c for c in self.calls if c.chat_id == chat]

    def sent_to(self, chat_id: ChatId) -> list[BotMessage]:
        """Messages the bot sent or edited in a chat, one per successful call, in order."""
        chat = _chat_key(chat_id)
        return [
            self._bot_message(c.result)
            for c in self.calls
            if c.chat_id == chat and c.ok and c.method in MESSAGE_METHODS
        ]

    def message(self, chat_id: ChatId, message_id: int) -> JSON | None:
        """Current state of a stored message (None when unknown or deleted)."""
        chat = _chat_key(chat_id)
        found = self._messages.get(chat, {}).get(message_id) if chat is not None else None
        return copy.deepcopy(found)

    def bot_messages(self, chat_id: ChatId) -> list[BotMessage]:
        """Current state of the bot's messages still in a chat, oldest first."""
        chat = _chat_key(chat_id)
        stored = self._messages.get(chat, {}) if chat is not None else {}
        return [self._bot_message(m) for _, m in sorted(stored.items()) if m["from"]["is_bot"]]

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates."""
        return [copy.deepcopy(p.update) for p in self._pending]

    def _bot_message(self, message: JSON) -> BotMessage:
        key = (message["chat"]["id"], message["message_id"])
        return BotMessage.from_message(copy.deepcopy(message), self._keyboards.get(key))

    async def wait_for_replies(
        self,
        chat_id: ChatId,
        *,
        since: int,
        min_count: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the helper's contract
    ) -> list[Call]:
        """Wait for ``min_count`` replies to a chat after ``calls[since]``, then for silence.

        Replies are sends, edits and answerCallbackQuery for that chat, refused ones included.
        Returns them all once no new one came for ``quiet`` seconds; raises AssertionError with
        a dump on timeout.
        """
        chat = _chat_key(chat_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def replies() -> list[Call]:
            return [
                c for c in self.calls[since:] if c.chat_id == chat and c.method in REPLY_METHODS
            ]

        while len(replies()) < min_count:
            left = deadline - loop.time()
            if left <= 0 or self._closing:
                raise AssertionError(self._report(chat, since, min_count, len(replies()), timeout))
            await self._calls_signal.wait(left)
        count = len(replies())
        quiet_until = loop.time() + quiet
        while (left := min(quiet_until, deadline) - loop.time()) > 0 and not self._closing:
            await self._calls_signal.wait(left)
            if len(replies()) != count:
                count = len(replies())
                quiet_until = loop.time() + quiet
        return replies()

    async def wait_for_call(
        self,
        method: str,
        *,
        since: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
    ) -> Call:
        """Wait until a call of ``method`` (any case) is answered after ``calls[since]``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        wanted = method.lower()
        while True:
            for call in self.calls[since:]:
                if call.method.lower() == wanted:
                    return call
            left = deadline - loop.time()
            if left <= 0:
                dump = "\n".join(f"  #{i} {c.summary()}" for i, c in enumerate(self.calls))
                raise AssertionError(f"No {method} call after #{since} in {timeout}s:\n{dump}")
            await self._calls_signal.wait(left)

    def _report(
        self, chat: ChatId | None, since: int, wanted: int, got: int, seconds: float
    ) -> str:
        lines = [
            f"Bot did not reply to chat {chat}: wanted {wanted} call(s) after #{since} "
            f"within {seconds}s, got {got}.",
            f"Calls since #{since} (all chats):",
        ]
        lines += [f"  #{i} {c.summary()}" for i, c in enumerate(self.calls) if i >= since]
        if len(self.calls) <= since:
            lines.append("  (none)")
        lines.append(f"Unconfirmed updates: {[p.update_id for p in self._pending]}")
        if self.errors:
            lines.append(f"Fake server errors: {self.errors!r}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ people

    def user(self, user_id: int, first_name: str = "Marie", language_code: str = "fr") -> FakeUser:
        """A person in a private chat with the bot, for scenario tests."""
        return FakeUser(self, user_id, first_name, language_code)

    def inject(self, update: JSON) -> JSON:
        """Queue a raw update (its update_id is kept when present)."""
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        self._pending.append(_Pending(update))
        self._updates_signal.notify()
        return copy.deepcopy(update)

    def redeliver(self, update: JSON) -> JSON:
        """Queue an already delivered update again, even below the confirmed offset."""
        update = copy.deepcopy(update)
        self._pending.append(_Pending(update, forced=True))
        self._updates_signal.notify()
        return copy.deepcopy(update)

    def user_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Marie",
        language_code: str = "fr",
        reply_to: int | None = None,
    ) -> JSON:
        """The user sends text; a leading /command gets its bot_command entity."""
        extra: JSON = {"text": text}
        command = _COMMAND_RE.match(text)
        if command:
            extra["entities"] = [
                {"offset": 0, "length": _utf16_len(command.group(0)), "type": "bot_command"}
            ]
        if reply_to is not None:
            replied = self.message(user_id, reply_to)
            if replied is None:
                raise LookupError(f"no message {reply_to} in chat {user_id} to reply to")
            replied.pop("reply_to_message", None)
            extra["reply_to_message"] = replied
        return self._user_message(user_id, extra, first_name, language_code)

    def user_sticker(self, user_id: int, *, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        file_id, unique = self._file_ids("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(user_id, {"sticker": sticker})

    def user_voice(self, user_id: int, *, duration: int = 3) -> JSON:
        """The user sends a voice note."""
        file_id, unique = self._file_ids("voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self._user_message(user_id, {"voice": voice})

    def user_photo(self, user_id: int, *, caption: str | None = None) -> JSON:
        """The user sends a photo (two sizes, as Telegram does)."""
        sizes = []
        for side in (90, 320):
            file_id, unique = self._file_ids("photo")
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "width": side,
                    "height": side,
                    "file_size": side * 40,
                }
            )
        extra: JSON = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self._user_message(user_id, extra)

    def user_location(self, user_id: int, latitude: float, longitude: float) -> JSON:
        """The user shares a location."""
        return self._user_message(
            user_id, {"location": {"latitude": latitude, "longitude": longitude}}
        )

    def user_contact(self, user_id: int, phone_number: str) -> JSON:
        """The user shares their own contact (as a request_contact button does)."""
        person = self._person(user_id, None, None)
        contact = {
            "phone_number": phone_number,
            "first_name": person["first_name"],
            "user_id": user_id,
        }
        return self._user_message(user_id, {"contact": contact})

    def user_press(self, user_id: int, message_id: int, data: str) -> JSON:
        """The user presses an inline button with ``data`` on a bot message in their chat."""
        stored = self._messages.get(user_id, {}).get(message_id)
        if stored is None or not stored["from"]["is_bot"]:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        query_id = str(4_000_000_000_000_000_000 + self._next_query)
        self._next_query += 1
        self._queries[query_id] = user_id
        query = {
            "id": query_id,
            "from": dict(self._person(user_id, None, None)),
            "message": copy.deepcopy(stored),
            "chat_instance": str(-(7_000_000_000_000_000_000 + user_id)),
            "data": data,
        }
        return self.inject({"callback_query": query})

    def unanswered_queries(self) -> list[str]:
        """Callback query ids the bot never answered."""
        return [q for q in self._queries if q not in self.callback_answers]

    def _person(self, user_id: int, first_name: str | None, language_code: str | None) -> JSON:
        person = self._people.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": "Marie", "language_code": "fr"},
        )
        if first_name is not None:
            person["first_name"] = first_name
        if language_code is not None:
            person["language_code"] = language_code
        return person

    def _user_message(
        self,
        user_id: int,
        content: JSON,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        person = self._person(user_id, first_name, language_code)
        message = {
            "message_id": self._take_message_id(user_id),
            "from": dict(person),
            "chat": self._chat(user_id),
            "date": int(time.time()),
            **content,
        }
        self._messages.setdefault(user_id, {})[message["message_id"]] = message
        return self.inject({"message": copy.deepcopy(message)})

    def _file_ids(self, kind: str) -> tuple[str, str]:
        number = self._next_file
        self._next_file += 1
        return f"{kind}-file-{number:06d}", f"{kind}-uniq-{number:06d}"

    def _take_message_id(self, chat: ChatId) -> int:
        number = self._next_message_id.get(chat, 1)
        self._next_message_id[chat] = number + 1
        return number

    def _chat(self, chat: ChatId) -> JSON:
        if isinstance(chat, int) and chat > 0:
            name = self._people.get(chat, {}).get("first_name", "User")
            return {"id": chat, "first_name": name, "type": "private"}
        kind = "supergroup" if str(chat).startswith(("-100", "@")) else "group"
        return {"id": chat, "title": str(chat), "type": kind}

    # ------------------------------------------------------------------ method helpers

    @staticmethod
    def _require(params: JSON, name: str) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise _ApiError(400, f"Bad Request: {name} is empty")
        return value

    def _require_chat(self, params: JSON) -> ChatId:
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        return chat

    def _stored(self, params: JSON, *, missing: str) -> JSON:
        chat = self._require_chat(params)
        message_id = params.get("message_id")
        stored = (
            self._messages.get(chat, {}).get(message_id) if isinstance(message_id, int) else None
        )
        if stored is None:
            raise _ApiError(400, f"Bad Request: {missing}")
        return stored

    @staticmethod
    def _formatted(params: JSON, key: str, entities_key: str) -> tuple[str, list[JSON]]:
        text = params.get(key)
        text = "" if text is None else str(text)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            return _parse_html(text)
        given = params.get(entities_key)
        return text, given if isinstance(given, list) else []

    def _reply_target(self, chat: ChatId, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        target: Any = reply.get("message_id") if isinstance(reply, dict) else None
        target = target if target is not None else params.get("reply_to_message_id")
        if target is None:
            return None
        stored = self._messages.get(chat, {}).get(target)
        if stored is None:
            lenient = params.get("allow_sending_without_reply") or (
                isinstance(reply, dict) and reply.get("allow_sending_without_reply")
            )
            if lenient:
                return None
            raise _ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(stored)
        replied.pop("reply_to_message", None)
        return replied

    def _send(self, params: JSON, content: JSON) -> JSON:
        chat = self._require_chat(params)
        inline, keyboard = _inline_markup(params.get("reply_markup"))
        replied = self._reply_target(chat, params)
        message: JSON = {
            "message_id": self._take_message_id(chat),
            "from": dict(self.bot_user),
            "chat": self._chat(chat),
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        message.update(content)
        if inline is not None:
            message["reply_markup"] = inline
        self._messages.setdefault(chat, {})[message["message_id"]] = message
        if keyboard is not None:
            self._keyboards[(chat, message["message_id"])] = keyboard
        return copy.deepcopy(message)

    def _caption(self, params: JSON) -> JSON:
        caption, entities = self._formatted(params, "caption", "caption_entities")
        if len(caption) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        out: JSON = {}
        if caption:
            out["caption"] = caption
        if entities:
            out["caption_entities"] = entities
        return out

    # ------------------------------------------------------------------ methods

    async def _m_getMe(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise _ApiError(409, _WEBHOOK_CONFLICT)
        offset = int(_number(params, "offset", 0))
        limit = min(max(int(_number(params, "limit", 100)), 1), 100)
        timeout = max(_number(params, "timeout", 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(kind) for kind in allowed} or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # an older long poll is terminated by this one
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(409, _POLL_CONFLICT)
            batch = self._take(limit)
            left = deadline - time.monotonic()
            if batch or left <= 0 or self._closing:
                return batch
            await self._updates_signal.wait(left)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or (p.forced and not p.delivered)
            ]
        elif offset < 0:
            keep = sorted(self._pending, key=lambda p: p.update_id)[offset:]
            self._pending = [p for p in self._pending if any(p is k for k in keep)]

    def _take(self, limit: int) -> list[JSON]:
        allowed = self._allowed_updates
        wanted: list[_Pending] = []
        for pending in sorted(self._pending, key=lambda p: (not p.forced, p.update_id)):
            kind = _update_kind(pending.update)
            ok = kind in allowed if allowed else kind not in _DEFAULT_EXCLUDED_UPDATES
            if not ok:
                self._pending.remove(pending)
            elif len(wanted) < limit:
                wanted.append(pending)
        for pending in wanted:
            pending.delivered = True
            self.delivered.append(copy.deepcopy(pending.update))
        return [copy.deepcopy(p.update) for p in wanted]

    async def _m_setWebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if url and urlsplit(url).scheme != "https":
            raise _ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook_url = url
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_deleteWebhook(self, params: JSON) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_getWebhookInfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._allowed_updates:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    async def _m_logOut(self, params: JSON) -> bool:
        return True

    async def _m_close(self, params: JSON) -> bool:
        return True

    async def _m_sendMessage(self, params: JSON) -> JSON:
        self._require_chat(params)
        if not str(params.get("text") or "").strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        text, entities = self._formatted(params, "text", "entities")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._send(params, content)

    async def _m_editMessageText(self, params: JSON) -> JSON:
        stored = self._stored(params, missing="message to edit not found")
        if not stored["from"]["is_bot"]:
            raise _ApiError(400, "Bad Request: message can't be edited")
        if "text" not in stored:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        if not str(params.get("text") or "").strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        text, entities = self._formatted(params, "text", "entities")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        inline, _ = _inline_markup(params.get("reply_markup"))
        before = (stored["text"], stored.get("entities", []), stored.get("reply_markup"))
        if before == (text, entities, inline):
            raise _ApiError(400, _NOT_MODIFIED)
        stored["text"] = text
        stored.pop("entities", None)
        if entities:
            stored["entities"] = entities
        self._set_markup(stored, inline)
        return copy.deepcopy(stored)

    async def _m_editMessageReplyMarkup(self, params: JSON) -> JSON:
        stored = self._stored(params, missing="message to edit not found")
        if not stored["from"]["is_bot"]:
            raise _ApiError(400, "Bad Request: message can't be edited")
        inline, _ = _inline_markup(params.get("reply_markup"))
        if stored.get("reply_markup") == inline:
            raise _ApiError(400, _NOT_MODIFIED)
        self._set_markup(stored, inline)
        return copy.deepcopy(stored)

    @staticmethod
    def _set_markup(stored: JSON, inline: JSON | None) -> None:
        stored.pop("reply_markup", None)
        if inline is not None:
            stored["reply_markup"] = inline
        stored["edit_date"] = int(time.time())

    async def _m_deleteMessage(self, params: JSON) -> bool:
        stored = self._stored(params, missing="message to delete not found")
        del self._messages[stored["chat"]["id"]][stored["message_id"]]
        return True

    async def _m_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(self._require(params, "callback_query_id"))
        if query_id not in self._queries:
            raise _ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(params)
        return True

    async def _m_sendDocument(self, params: JSON) -> JSON:
        self._require_chat(params)
        document = self._require(params, "document")
        if isinstance(document, UploadedFile):
            file_id, unique = self._file_ids("document")
            self.files[file_id] = document
            name = document.filename or "document"
            mime = document.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            info = {
                "file_id": file_id,
                "file_unique_id": unique,
                "file_name": name,
                "mime_type": mime,
                "file_size": len(document.content),
            }
        elif isinstance(document, str) and document.startswith(("http://", "https://")):
            file_id, unique = self._file_ids("document")
            name = urlsplit(document).path.rsplit("/", 1)[-1] or "document"
            info = {"file_id": file_id, "file_unique_id": unique, "file_name": name}
        elif isinstance(document, str) and document in self.files:
            known = self.files[document]
            info = {
                "file_id": document,
                "file_unique_id": document.replace("-file-", "-uniq-"),
                "file_name": known.filename or "document",
                "file_size": len(known.content),
            }
        else:
            raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return self._send(params, {"document": info, **self._caption(params)})

    @staticmethod
    def _location(params: JSON) -> JSON:
        try:
            latitude = float(FakeBotApi._require(params, "latitude"))
            longitude = float(FakeBotApi._require(params, "longitude"))
        except (TypeError, ValueError) as exc:
            raise _ApiError(400, "Bad Request: wrong latitude or longitude") from exc
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise _ApiError(400, "Bad Request: wrong latitude or longitude")
        return {"latitude": latitude, "longitude": longitude}

    async def _m_sendVenue(self, params: JSON) -> JSON:
        self._require_chat(params)
        location = self._location(params)
        venue: JSON = {
            "location": location,
            "title": str(self._require(params, "title")),
            "address": str(self._require(params, "address")),
        }
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key):
                venue[key] = params[key]
        return self._send(params, {"venue": venue, "location": dict(location)})

    async def _m_sendLocation(self, params: JSON) -> JSON:
        self._require_chat(params)
        return self._send(params, {"location": self._location(params)})

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _m_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _BOT_COMMAND_RE.fullmatch(name):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _ApiError(400, "Bad Request: command description is empty")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def _m_getMyCommands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _m_deleteMyCommands(self, params: JSON) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_setChatMenuButton(self, params: JSON) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        self.menu_buttons[_chat_key(params.get("chat_id"))] = copy.deepcopy(button)
        return True

    async def _m_getChatMenuButton(self, params: JSON) -> JSON:
        chat = _chat_key(params.get("chat_id"))
        button = self.menu_buttons.get(chat) or self.menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "default"})

    async def _m_sendChatAction(self, params: JSON) -> bool:
        self._require_chat(params)
        self._require(params, "action")
        return True


# --------------------------------------------------------------------------- scenario helper


class FakeUser:
    """A person chatting privately with the bot (chat id == user id)."""

    def __init__(self, api: FakeBotApi, user_id: int, first_name: str, language_code: str) -> None:
        self.api = api
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.last_query_id: str | None = None
        api._person(user_id, first_name, language_code)

    @property
    def chat_id(self) -> int:
        """Private chat id (the user id)."""
        return self.user_id

    async def say(
        self,
        text: str,
        *,
        min_replies: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - passed on to wait_for_replies
    ) -> list[BotMessage]:
        """Send text and return the bot messages sent or edited in reply."""
        return await self._act(
            lambda: self.api.user_text(
                self.user_id, text, first_name=self.first_name, language_code=self.language_code
            ),
            min_replies,
            quiet,
            timeout,
        )

    async def press(
        self,
        label_or_data: str,
        *,
        min_replies: int = 1,
        quiet: float = 0.15,
        timeout: float = 10.0,  # noqa: ASYNC109 - passed on to wait_for_replies
    ) -> list[BotMessage]:
        """Press a button of the latest bot message with inline buttons; return the replies.

        Matches an exact label, else a single label containing the text (any case), else the
        callback_data.
        """
        message = self._last_with_buttons()
        if message is None:
            raise AssertionError(
                f"{self.first_name} cannot press {label_or_data!r}: no bot message with "
                f"inline buttons in chat {self.chat_id}; bot messages: "
                f"{[m.text for m in self.api.bot_messages(self.chat_id)]}"
            )
        button = self._find(message, label_or_data)
        label, data = button
        if data is None:
            raise AssertionError(f"button {label!r} has no callback_data: {message.raw}")
        since = len(self.api.calls)
        update = self.api.user_press(self.user_id, message.message_id, data)
        self.last_query_id = update["callback_query"]["id"]
        return await self._replies(since, min_replies, quiet, timeout)

    async def send_sticker(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a sticker and return the replies."""
        return await self._act(lambda: self.api.user_sticker(self.user_id), min_replies)

    async def send_voice(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a voice note and return the replies."""
        return await self._act(lambda: self.api.user_voice(self.user_id), min_replies)

    async def send_photo(self, *, min_replies: int = 1) -> list[BotMessage]:
        """Send a photo and return the replies."""
        return await self._act(lambda: self.api.user_photo(self.user_id), min_replies)

    @property
    def last(self) -> BotMessage | None:
        """The latest bot message in the chat, in its current (possibly edited) state."""
        messages = self.api.bot_messages(self.chat_id)
        return messages[-1] if messages else None

    @property
    def messages(self) -> list[BotMessage]:
        """Every bot message still in the chat, current state, oldest first."""
        return self.api.bot_messages(self.chat_id)

    def buttons(self) -> list[str]:
        """Labels of the latest bot message that has inline buttons."""
        message = self._last_with_buttons()
        return message.labels if message else []

    def _last_with_buttons(self) -> BotMessage | None:
        with_buttons = [m for m in self.api.bot_messages(self.chat_id) if m.buttons]
        return with_buttons[-1] if with_buttons else None

    @staticmethod
    def _find(message: BotMessage, wanted: str) -> tuple[str, str | None]:
        flat = [button for row in message.buttons for button in row]
        exact = [b for b in flat if b[0] == wanted]
        if exact:
            return exact[0]
        partial = [b for b in flat if wanted.casefold() in b[0].casefold()]
        if len(partial) == 1:
            return partial[0]
        by_data = [b for b in flat if b[1] == wanted]
        if by_data:
            return by_data[0]
        why = "matches several buttons" if partial else "matches no button"
        listing = "\n".join(f"  {label!r} -> {data!r}" for label, data in flat)
        raise AssertionError(
            f"{wanted!r} {why} on message {message.message_id} ({message.text!r}):\n{listing}"
        )

    async def _act(
        self,
        action: Callable[[], JSON],
        min_replies: int,
        quiet: float = 0.15,
        within: float = 10.0,
    ) -> list[BotMessage]:
        since = len(self.api.calls)
        action()
        return await self._replies(since, min_replies, quiet, within)

    async def _replies(
        self, since: int, min_replies: int, quiet: float, within: float
    ) -> list[BotMessage]:
        calls = await self.api.wait_for_replies(
            self.chat_id, since=since, min_count=min_replies, quiet=quiet, timeout=within
        )
        return _messages_of(self.api, calls)


def _messages_of(api: FakeBotApi, calls: Iterable[Call]) -> list[BotMessage]:
    return [api._bot_message(c.result) for c in calls if c.ok and c.method in MESSAGE_METHODS]
