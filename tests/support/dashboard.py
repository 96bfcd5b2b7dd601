"""The organisers' dashboard under test: a running bot, and a client that logs in and posts
forms with the page's CSRF token, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select
from starlette.routing import Mount

from bot.runtime import Runtime
from bot.web import DashboardContext
from core.clock import Clock
from core.config import Settings
from models import Database
from tests.support.factories import make_settings

PASSWORD = "un mot de passe pour les tests"
SECRET_KEY = "a-test-session-key-that-is-long-enough-0123456789"
BOT_USERNAME = "atelier_metz_bot"
# Cheap parameters for fast tests; production hashes come from `atelier hash-password`.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def dashboard_settings(database_url: str, **overrides: object) -> Settings:
    """Settings with the dashboard on, the HTTP server on a free port, and no Telegram."""
    values: dict[str, object] = {
        "dashboard_password_hash": PASSWORD_HASH,
        "dashboard_secret_key": SECRET_KEY,
        "telegram_bot_username": BOT_USERNAME,
        "http_port": 0,
    }
    values.update(overrides)
    return make_settings(database_url, **values)


class Dashboard:
    """A browser stand-in: one cookie jar, talking to the bot's HTTP server."""

    def __init__(self, runtime: Runtime, client: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.client = client

    @property
    def db(self) -> Database:
        """The bot's database."""
        return self.runtime.db

    @property
    def root(self) -> str:
        """The server's address."""
        assert self.runtime.http is not None
        return f"http://127.0.0.1:{self.runtime.http.port}"

    def url(self, path: str) -> str:
        """The address of a dashboard path such as "/sessions"."""
        return f"{self.root}/admin{path}"

    async def get(self, path: str, **options: Any) -> httpx.Response:
        """GET a dashboard page."""
        return await self.client.get(self.url(path), **options)

    async def token(self, path: str = "/login") -> str:
        """The CSRF token of a page's forms."""
        page = await self.get(path)
        found = TOKEN.search(page.text)
        assert found is not None, page.text
        return found.group(1)

    async def login(
        self, password: str = PASSWORD, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """Log in through the login form (``headers``: such as X-Forwarded-For)."""
        token = await self.token("/login")
        return await self.client.post(
            self.url("/login"), data={"csrf_token": token, "password": password}, headers=headers
        )

    async def post(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        token: str | None = "page",
        **options: Any,
    ) -> httpx.Response:
        """POST a form; ``token`` "page" takes the token of the sessions page, None sends none."""
        fields = dict(data or {})
        if token == "page":
            token = await self.token("/sessions")
        if token is not None:
            fields["csrf_token"] = token
        return await self.client.post(self.url(path), data=fields, **options)

    async def count(self, model: type[Any], *conditions: Any) -> int:
        """How many rows of ``model`` match."""
        async with self.db.transaction() as session:
            query = select(func.count()).select_from(model).where(*conditions)
            return int((await session.execute(query)).scalar_one())


class SteppedClock:
    """A monotonic clock for the login throttle that moves only when told."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds


def stepped_throttle(runtime: Runtime) -> SteppedClock:
    """Put the running dashboard's login throttle on a clock the test moves."""
    clock = SteppedClock()
    dashboard_context(runtime).login_limiter.clock = clock
    return clock


def from_address(runtime: Runtime, address: str) -> Dashboard:
    """Another browser, connecting from ``address`` (such as 127.0.0.2)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return Dashboard(runtime, httpx.AsyncClient(transport=transport, timeout=10))


def dashboard_context(runtime: Runtime) -> DashboardContext:
    """The context the running dashboard reads its settings from."""
    assert runtime.http is not None
    app = runtime.http.server.config.app
    mount = next(route for route in app.routes if isinstance(route, Mount))
    context: DashboardContext = mount.app.state.dashboard
    return context


@asynccontextmanager
async def running_dashboard(settings: Settings, clock: Clock) -> AsyncIterator[Dashboard]:
    """Start the bot (HTTP server with the dashboard), yield a client, stop everything."""
    runtime = Runtime(settings, clock, telegram_enabled=False)
    await runtime.start()
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            yield Dashboard(runtime, client)
    finally:
        await runtime.stop()
