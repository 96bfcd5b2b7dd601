"""The HTTP client under python-telegram-bot: aiohttp, for less CPU per Bot API call.

With python-telegram-bot's own client (httpx), the Bot API calls took about half of the
bot's CPU in the conversation benchmark (bench/conversation) on a busy machine.
This client keeps python-telegram-bot's contract (:class:`BaseRequest`): the same
parameters (sent as a JSON body, which the Bot API reads as it reads a form, and multipart
with files), a timeout raising ``TimedOut``, any other failure of the connection raising
``NetworkError``, the status and the body returned as they came.
"""

from __future__ import annotations

import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_POOL_SIZE = 256
"""Connections open at once to the Bot API (python-telegram-bot's default)."""

Timeout = float | None
JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Bot API calls through one aiohttp session, opened in :meth:`initialize`."""

    def __init__(
        self,
        *,
        timeout: Timeout = 5.0,
        pool_size: int = DEFAULT_POOL_SIZE,
        media_timeout: Timeout = 20.0,
    ) -> None:
        self._timeout = timeout
        self._media_timeout = media_timeout
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call names none."""
        return self._timeout

    async def initialize(self) -> None:
        """Open the session (in the running event loop)."""
        self._open()

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )
        return self._session

    def _timeouts(
        self,
        read: object,
        write: object,
        connect: object,
        pool: object,
        media: bool,
    ) -> aiohttp.ClientTimeout:
        """python-telegram-bot's four timeouts in aiohttp's terms: waiting for a connection
        and making it, then each read; a write has no timeout of its own in aiohttp, so a
        file upload gets the longer media timeout as its read timeout."""
        default = self._media_timeout if media else self._timeout
        read_s = _given(read, default)
        write_s = _given(write, default)
        connect_s = _given(connect, self._timeout)
        pool_s = _given(pool, 1.0)
        waiting = None if connect_s is None or pool_s is None else connect_s + pool_s
        longest = None if read_s is None or write_s is None else max(read_s, write_s)
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect_s, sock_read=longest
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the call, return the status and the body (see :meth:`BaseRequest.do_request`)."""
        session = self._open()
        files = request_data.multipart_data if request_data else None
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, part in files.items():
                filename, content, *kind = part
                form.add_field(
                    name, content, filename=filename, content_type=kind[0] if kind else None
                )
            body = form
        elif request_data is not None:  # JSON: no form to encode character by character
            body = json.dumps(request_data.parameters, separators=(",", ":")).encode()
            headers = JSON_HEADERS
        timeout = self._timeouts(
            read_timeout, write_timeout, connect_timeout, pool_timeout, bool(files)
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _given(value: object, default: Timeout) -> Timeout:
    """A timeout a call named (None: none), else ``default``."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return float(value) if isinstance(value, int | float) else None
