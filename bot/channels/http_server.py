"""The HTTP server (Starlette on uvicorn): health, the webhooks of the channels, and the
organisers' dashboard when it is configured."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.outbox.metrics import exposition

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]
Check = Callable[[], Awaitable[bool]]
Refresh = Callable[[], Awaitable[None]]


async def _always() -> bool:
    return True


async def _nothing() -> None:
    return None


def health_page(ready: Check) -> Endpoint:
    """``GET /healthz``: 200 "ok" when the database answers, else 503 (the container is
    then unhealthy and its orchestrator can act)."""

    async def healthz(_: Request) -> Response:
        if await ready():
            return PlainTextResponse("ok")
        return PlainTextResponse("database unreachable", status_code=503)

    return healthz


def metrics_page(token: str | None, refresh: Refresh) -> Endpoint:
    """``GET /metrics``: Prometheus metrics of this process, to the bearer of ``token`` only.

    Without a token configured, or with a wrong one, the page does not exist (404): the
    webhook port faces the Internet and the figures are nobody else's business.
    """

    async def metrics(request: Request) -> Response:
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {token}"
        if token is None or not hmac.compare_digest(given.encode(), expected.encode()):
            return PlainTextResponse("Not Found", status_code=404)
        try:
            await refresh()
        except Exception as error:  # the figures of this process still help
            log.warning("the outbox gauges could not be read (%s)", type(error).__name__)
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return metrics


def build_app(
    channel_routes: Sequence[BaseRoute] = (),
    *,
    ready: Check = _always,
    metrics_token: str | None = None,
    refresh_metrics: Refresh = _nothing,
) -> Starlette:
    """``/healthz``, ``/metrics``, and the channels' routes (their webhooks, the dashboard
    under ``/admin``)."""
    routes: list[BaseRoute] = [
        Route("/healthz", health_page(ready), methods=["GET"]),
        Route("/metrics", metrics_page(metrics_token, refresh_metrics), methods=["GET"]),
    ]
    routes += channel_routes
    return Starlette(routes=routes)


class HttpServer:
    """uvicorn serving an app inside the running event loop; startable and stoppable."""

    def __init__(
        self, app: Starlette, host: str, port: int, trusted_proxies: Sequence[str] = ()
    ) -> None:
        """``trusted_proxies``: the only addresses whose X-Forwarded-For is believed."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            proxy_headers=bool(trusted_proxies),
            forwarded_allow_ips=list(trusted_proxies),
        )
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        sockets = [s for server in self.server.servers for s in server.sockets]
        return int(sockets[0].getsockname()[1]) if sockets else 0

    async def start(self) -> None:
        """Listen, and return once the server accepts connections."""
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()  # raises the start-up error (port taken...)
            await asyncio.sleep(0.02)
        log.info("HTTP server listening on %s:%d", self.server.config.host, self.port)

    async def stop(self) -> None:
        """Finish the requests in hand and stop."""
        if self._task is None:
            return
        self.server.should_exit = True
        await self._task
        self._task = None
