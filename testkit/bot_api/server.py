"""The loopback HTTP server: routes ``/bot<token>/<method>`` to the methods, records each call."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Awaitable, Callable, MutableMapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from testkit.bot_api.faults import Faults
from testkit.bot_api.methods import Methods
from testkit.bot_api.records import BotMessage, Call, Signal
from testkit.bot_api.store import MessageStore
from testkit.bot_api.updates import Updates
from testkit.bot_api.waiting import Waiting
from testkit.bot_api.wire import (
    DEFAULT_DESCRIPTIONS,
    JSON,
    MESSAGE_METHODS,
    ApiError,
    ChatId,
    UploadedFile,
    chat_key,
    read_params,
)

if TYPE_CHECKING:
    from testkit.bot_api.fake_user import FakeUser

CallListener = Callable[[Call], None]
RequestListener = Callable[[str, float], None]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

KEEP_ALIVE_SECONDS = 75.0
"""How long an idle connection is kept open: longer than the client keeps one (aiohttp, 15
s), as Telegram's servers do, so that a call never goes out on a connection the server is
closing (uvicorn's default, 5 s, made a reply call fail now and then in the benchmarks)."""
HANG_UP = "fake_bot_api.hang_up"
"""In a request's ASGI scope: what closes its connection, unanswered."""
HUNG_UP = 0
"""The status recorded for a call whose connection was closed without an answer."""


class FakeBotApi(Waiting):
    """Loopback Bot API server recording calls and injecting what people do.

    ``faults`` sets errors, delays and limits; ``store`` holds every chat's messages; ``updates``
    queues what people do; ``methods`` holds the webhook, commands and descriptions set.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "atelier_test_bot",
        bot_first_name: str = "Atelier",
    ) -> None:
        self._token = token
        prefix = token.split(":", 1)[0]
        bot_user: JSON = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[Call] = []
        self.errors: list[BaseException] = []
        self.faults = Faults()
        self.store = MessageStore(bot_user)
        self.updates = Updates(self.store)
        self.methods = Methods(self.store, self.updates, lambda: self._closing)
        self._table = self.methods.table()
        self._call_listeners: list[CallListener] = []
        self._request_listeners: list[RequestListener] = []
        self._calls_signal = Signal()
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
            _with_hang_up(app),
            host="127.0.0.1",
            port=0,
            http="h11",
            ws="none",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
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
        self.updates.signal.notify()
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

    @property
    def closing(self) -> bool:
        """Whether the server is stopping."""
        return self._closing

    # ------------------------------------------------------------------ hooks

    def on_call(self, listener: CallListener) -> None:
        """Call ``listener(call)`` as each call is answered (after it is recorded)."""
        self._call_listeners.append(listener)

    def on_request(self, listener: RequestListener) -> None:
        """Call ``listener(method, monotonic arrival time)`` as each request arrives."""
        self._request_listeners.append(listener)

    # ------------------------------------------------------------------ HTTP

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        description = DEFAULT_DESCRIPTIONS.get(status, "Error")
        body = {"ok": False, "error_code": status, "description": description}
        return JSONResponse(body, status_code=status)

    async def _endpoint(self, request: Request) -> Response:
        arrived = time.monotonic()
        name = request.path_params["method"]
        spec = self._table.get(name.lower())
        call = Call(spec[0] if spec else name, {}, None, arrived)
        for listener in self._request_listeners:
            listener(call.method, arrived)
        try:
            call.params = await read_params(request)
            if request.path_params["token"] != self._token:
                raise ApiError(401, "Unauthorized")
            if spec is None:
                raise ApiError(404, "Not Found")
            call.chat_id = self._chat_of(call.method, call.params)
            if self.faults.hangs_up(call.method, call.chat_id):
                return await self._hang_up(request, call)
            await self.faults.delay(
                call.method, call.chat_id, self.updates.signal, lambda: self._closing
            )
            self.faults.check(call.method, call.chat_id)
            result = await spec[1](call.params)
        except ApiError as exc:
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

    async def _hang_up(self, request: Request, call: Call) -> Response:
        """Close the call's connection without answering (the call is not carried out),
        as a server closing an idle keep-alive connection does while a request comes."""
        self._finish(call, HUNG_UP, {"ok": False, "description": "connection closed"})
        request.scope[HANG_UP]()
        await asyncio.sleep(0)  # the connection is lost: nothing more is written to it
        return Response(status_code=500)

    def _finish(self, call: Call, status: int, body: JSON) -> Response:
        call.status = status
        call.response = copy.deepcopy(body)
        self.calls.append(call)
        self._calls_signal.notify()
        for listener in self._call_listeners:
            listener(call)
        return JSONResponse(body, status_code=status)

    def _chat_of(self, method: str, params: JSON) -> ChatId | None:
        if method == "answerCallbackQuery":
            return self.updates.queries.get(str(params.get("callback_query_id")))
        scope = params.get("scope")
        if method == "setMyCommands" and isinstance(scope, dict):  # a menu for one chat
            return chat_key(scope.get("chat_id"))
        return chat_key(params.get("chat_id"))

    # ------------------------------------------------------------------ faults (shortcuts)

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
        self.faults.fail_next(
            method,
            status=status,
            description=description,
            retry_after=retry_after,
            count=count,
            chat_id=chat_id,
        )

    def delay_next(
        self, method: str, seconds: float, count: int = 1, *, chat_id: ChatId | None = None
    ) -> None:
        """Hold the next ``count`` matching calls for ``seconds`` before handling them.

        The call is still carried out afterwards (as Telegram may do after the client gave up).
        """
        self.faults.delay_next(method, seconds, count, chat_id=chat_id)

    def hang_up_next(self, method: str, count: int = 1, *, chat_id: ChatId | None = None) -> None:
        """Close the connection of the next ``count`` matching calls (``method`` or "*")
        without answering them: the client meets a network error, the call is not carried
        out. Each is recorded with the status ``HUNG_UP`` (0)."""
        self.faults.hang_up_next(method, count, chat_id=chat_id)

    def limits(
        self, global_per_second: float | None = 30, per_chat_per_second: float | None = 1
    ) -> None:
        """Enforce flood limits on sends and edits (None disables; disabled by default).

        Refused calls answer 429 with retry_after and are counted in ``rejected_429``.
        """
        self.faults.limits(global_per_second, per_chat_per_second)

    @property
    def rejected_429(self) -> int:
        """Calls refused by the flood limits."""
        return self.faults.rejected_429

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to that chat answer 403."""
        self.faults.block(user_id)

    def unblock(self, user_id: int) -> None:
        """The user restarts the bot."""
        self.faults.unblock(user_id)

    # ------------------------------------------------------------------ what people do

    def user(self, user_id: int, first_name: str = "Marie", language_code: str = "fr") -> FakeUser:
        """A person in a private chat with the bot, for scenario tests."""
        from testkit.bot_api.fake_user import FakeUser

        return FakeUser(self, user_id, first_name, language_code)

    def inject(self, update: JSON) -> JSON:
        """Queue a raw update (its update_id is kept when present)."""
        return self.updates.inject(update)

    def redeliver(self, update: JSON) -> JSON:
        """Queue an already delivered update again, even below the confirmed offset."""
        return self.updates.redeliver(update)

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
        return self.updates.text(
            user_id, text, first_name=first_name, language_code=language_code, reply_to=reply_to
        )

    def user_sticker(self, user_id: int, *, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        return self.updates.sticker(user_id, emoji=emoji)

    def user_location(self, user_id: int, latitude: float, longitude: float) -> JSON:
        """The user shares a location."""
        return self.updates.location(user_id, latitude, longitude)

    def user_voice(self, user_id: int, *, duration: int = 3) -> JSON:
        """The user sends a voice note."""
        return self.updates.voice(user_id, duration=duration)

    def user_photo(self, user_id: int, *, caption: str | None = None) -> JSON:
        """The user sends a photo (two sizes, as Telegram does)."""
        return self.updates.photo(user_id, caption=caption)

    def user_press(self, user_id: int, message_id: int, data: str) -> JSON:
        """The user presses an inline button with ``data`` on a bot message in their chat."""
        return self.updates.press(user_id, message_id, data)

    # ------------------------------------------------------------------ inspection

    @property
    def delivered(self) -> list[JSON]:
        """Every update handed out by getUpdates, in order."""
        return self.updates.delivered

    @property
    def files(self) -> dict[str, UploadedFile]:
        """Files the bot uploaded, by file_id."""
        return self.store.files

    @property
    def callback_answers(self) -> dict[str, JSON]:
        """answerCallbackQuery parameters, by callback query id."""
        return self.methods.callback_answers

    @property
    def webhook_url(self) -> str:
        """The webhook set (empty: none)."""
        return self.methods.webhook_url

    @property
    def commands(self) -> dict[tuple[str, str], list[JSON]]:
        """Command menus set, by (scope JSON with sorted keys, language code or "")."""
        return self.methods.commands

    @property
    def descriptions(self) -> dict[str, str]:
        """setMyDescription texts, by language code ("" for the default)."""
        return self.methods.descriptions

    @property
    def short_descriptions(self) -> dict[str, str]:
        """setMyShortDescription texts, by language code ("" for the default)."""
        return self.methods.short_descriptions

    @property
    def allowed_updates(self) -> set[str] | None:
        """The update types the bot last asked for (None: never asked)."""
        return self.updates.allowed_updates

    def unanswered_queries(self) -> list[str]:
        """Callback query ids the bot never answered."""
        return [q for q in self.updates.queries if q not in self.methods.callback_answers]

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates."""
        return self.updates.pending()

    def calls_for(self, chat_id: ChatId) -> list[Call]:
        """All calls addressed to a chat (answerCallbackQuery counts for its query's chat)."""
        chat = chat_key(chat_id)
        return [c for c in self.calls if c.chat_id == chat]

    def sent_to(self, chat_id: ChatId) -> list[BotMessage]:
        """Messages the bot sent or edited in a chat, one per successful call, in order."""
        chat = chat_key(chat_id)
        return [
            self.store.bot_message(c.result)
            for c in self.calls
            if c.chat_id == chat and c.ok and c.method in MESSAGE_METHODS
        ]

    def message(self, chat_id: ChatId, message_id: int) -> JSON | None:
        """Current state of a stored message (None when unknown or deleted)."""
        return self.store.message(chat_id, message_id)

    def bot_messages(self, chat_id: ChatId) -> list[BotMessage]:
        """Current state of the bot's messages still in a chat, oldest first."""
        return self.store.bot_messages(chat_id)


def _with_hang_up(app: Starlette) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """``app``, each request's scope given what closes its connection (:data:`HANG_UP`):
    uvicorn's ``send`` is a method of the request's cycle, which knows its transport."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            scope[HANG_UP] = transport.close if transport is not None else _cannot_hang_up
        await app(scope, receive, send)

    return asgi


def _cannot_hang_up() -> None:
    raise RuntimeError("the server's protocol does not let the fake close a connection")
