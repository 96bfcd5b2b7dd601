"""The HTTP server (Starlette on uvicorn): health, the webhooks of the channels, and the
organisers' dashboard when it is configured."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.metrics import exposition

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]


async def healthz(_: Request) -> Response:
    """The server is up."""
    return PlainTextResponse("ok")


async def metrics_page(_: Request) -> Response:
    """Prometheus metrics of this process."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)


def build_app(webhooks: dict[str, Endpoint], mounts: Sequence[BaseRoute] = ()) -> Starlette:
    """``/healthz``, ``/metrics``, one POST route per webhook path, and ``mounts``
    (the dashboard under ``/admin``)."""
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
    ]
    routes += [Route(path, endpoint, methods=["POST"]) for path, endpoint in webhooks.items()]
    routes += mounts
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
