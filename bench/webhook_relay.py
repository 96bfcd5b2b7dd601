"""Telegram's webhook in front of several instances: updates pushed, spread between them.

The loopback Bot API only answers getUpdates; in production Telegram pushes each update to
``WEBHOOK_URL``, behind which a load balancer picks an instance. The relay does both: it
takes the updates with getUpdates and POSTs each one, with the secret token, to the next
instance in turn, at most ``CONNECTIONS`` at once (Telegram's default ``max_connections``).
An update refused (5xx, or no answer) is pushed again, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx

CONNECTIONS = 40
"""Telegram's default ``max_connections`` for a webhook."""
RETRY_SECONDS = 1.0

log = logging.getLogger(__name__)


class WebhookRelay:
    """Pull updates from the fake; push them to ``webhooks`` in turn."""

    def __init__(self, api_base_url: str, token: str, webhooks: list[str], secret: str) -> None:
        self.api = f"{api_base_url.rstrip('/')}{token}"
        self.webhooks = webhooks
        self.secret = secret
        self.pushed = 0
        self.refused = 0
        self._client = httpx.AsyncClient(timeout=60.0)
        self._slots = asyncio.Semaphore(CONNECTIONS)
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._turn = 0

    async def start(self) -> None:
        """Take the webhook over (the instances set it) and start relaying."""
        await self._client.post(f"{self.api}/deleteWebhook", json={})
        self._loop = asyncio.create_task(self._relay())

    async def stop(self) -> None:
        """Stop taking updates; let the pushes in hand end."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.aclose()

    async def _relay(self) -> None:
        offset = 0
        while True:
            try:
                answer = await self._client.post(
                    f"{self.api}/getUpdates", json={"offset": offset, "timeout": 10}
                )
                updates: list[dict[str, Any]] = answer.json().get("result", [])
            except (httpx.HTTPError, ValueError) as error:
                log.warning("relay: getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for update in updates:
                offset = max(offset, int(update["update_id"]) + 1)
                await self._slots.acquire()
                task = asyncio.create_task(self._push(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _push(self, update: dict[str, Any]) -> None:
        try:
            while True:
                url = self.webhooks[self._turn % len(self.webhooks)]
                self._turn += 1
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
                with contextlib.suppress(httpx.HTTPError):
                    answer = await self._client.post(url, json=update, headers=headers)
                    if answer.status_code < 300:
                        self.pushed += 1
                        return
                self.refused += 1
                await asyncio.sleep(RETRY_SECONDS)
        finally:
            self._slots.release()
