"""Async engine and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from models.sqlite_driver import OneTripConnection, one_trip_dbapi, run_here
from models.wal import WalCheckpoints

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
BUSY_TIMEOUT_OPTION = "sqlite_busy_timeout_ms"
"""An execution option: this transaction's own busy timeout (a webhook's shorter one)."""


def _tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for every transaction.

    BEGIN IMMEDIATE takes the write lock at the start of a transaction, so two writers
    wait for each other (busy timeout) instead of failing with "database is locked"
    when a read lock cannot be upgraded. Through :mod:`models.sqlite_driver` it goes to
    SQLite with the transaction's first statement, in the same trip to its thread.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info[BUSY_TIMEOUT_OPTION] = SQLITE_BUSY_TIMEOUT_MS
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        wanted = connection.get_execution_options().get(BUSY_TIMEOUT_OPTION, SQLITE_BUSY_TIMEOUT_MS)
        if connection.info.get(BUSY_TIMEOUT_OPTION) != wanted:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wanted)}")
            connection.info[BUSY_TIMEOUT_OPTION] = wanted
        driver = connection.connection.dbapi_connection
        if isinstance(driver, OneTripConnection):  # sent with the first statement
            driver.begin_with_next("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _connect_errors_as_database_errors(engine: AsyncEngine) -> None:
    """A connection that cannot be opened raises OperationalError, as a lost one does.

    The drivers raise what they meet at connect time as it is (asyncpg a refused
    connection as ConnectionRefusedError, a server that goes away as OSError), which no
    caller expects from the database; as OperationalError it is asked to try again.
    """

    @event.listens_for(engine.sync_engine, "do_connect")
    def on_connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        dbapi = dialect.loaded_dbapi
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as error:
            if isinstance(error, dbapi.Error):
                raise
            raise dbapi.OperationalError(f"cannot connect ({type(error).__name__})") from error


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be used now (refused, cut, locked, full,
    read-only: OperationalError, InterfaceError, a driver's bare error, OSError), rather
    than that a statement or its data is wrong: the request may be tried again."""
    if isinstance(error, DBAPIError):
        return not isinstance(error, IntegrityError | ProgrammingError | DataError)
    return isinstance(error, OSError)


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine for ``url`` with the settings each database needs.

    A failed statement's parameters (phone numbers, names) stay out of its error
    message, so out of the logs too.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        if make_url(url).get_driver_name() == "aiosqlite":  # one thread trip per statement
            kwargs.setdefault("module", one_trip_dbapi())
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        _connect_errors_as_database_errors(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "handle_error", _hide_details)
    _connect_errors_as_database_errors(engine)
    return engine


def _hide_details(context: ExceptionContext) -> None:
    """Drop PostgreSQL's DETAIL from an error: it repeats the row's values
    ("Key (channel, external_id)=(sms, +336...) already exists")."""
    cause = context.original_exception.__cause__
    if cause is not None and getattr(cause, "detail", None):
        cause.detail = None  # type: ignore[attr-defined]


class Database:
    """The engine and its session factory; the caller that does the work owns the transaction."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.checkpoints = WalCheckpoints.attach(self.engine)
        """On a SQLite file, its WAL checkpoints, off the event loop's thread."""
        self._writers: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite (no row locks; whole-database write lock)."""
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(
        self, *, wait: float | None = None, brief: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """Yield a session inside one transaction, committed on success.

        ``wait``: on SQLite, the most seconds to wait for the write lock before an
        OperationalError (a webhook must answer before its provider gives up); without
        it, the busy timeout. PostgreSQL takes row locks, not a database lock: no wait.
        ``brief``: a few short statements (a conversation's step); on SQLite they run in
        the event loop's thread once the write lock is taken without waiting
        (:func:`models.sqlite_driver.run_here`), instead of a trip to aiosqlite's thread
        each.
        """
        with run_here() if brief and self.is_sqlite else nullcontext():
            if wait is None and brief and self.is_sqlite:
                async with self._turn(), self._closed_here() as session, session.begin():
                    yield session
                return
            if wait is None or not self.is_sqlite:
                async with self._turn(), self.sessions() as session, session.begin():
                    yield session
                return
            started = time.monotonic()
            async with self._bounded_turn(wait):
                left = max(wait - (time.monotonic() - started), 0.1)
                bind = self.engine.execution_options(**{BUSY_TIMEOUT_OPTION: round(left * 1000)})
                async with self.sessions(bind=bind) as session, session.begin():
                    yield session

    @asynccontextmanager
    async def _closed_here(self) -> AsyncIterator[AsyncSession]:
        """A session closed by this task as it leaves, for a brief SQLite transaction.

        ``AsyncSession``'s own ``async with`` closes it in a task of its own, shielded from
        a cancellation (about 0.03 ms and three turns of the event loop per transaction).
        Inside :func:`run_here` the close ends nothing on SQLite's side (the commit or the
        rollback ran here before it) and never waits for aiosqlite's thread, so it runs
        to its end in this task before any cancellation could reach it.
        """
        session = self.sessions()
        try:
            yield session
        finally:
            await session.close()

    @asynccontextmanager
    async def _bounded_turn(self, wait: float) -> AsyncIterator[None]:
        """This process's turn to write, within ``wait`` seconds, or OperationalError."""
        lock = self._writer_lock()
        try:
            async with asyncio.timeout(wait):
                await lock.acquire()
        except TimeoutError as error:
            raise OperationalError("waiting for the write lock", None, error) from error
        try:
            yield
        finally:
            lock.release()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, wait for this process's other transactions first.

        SQLite has one writer at a time, and a writer that finds the database locked
        polls for it, sleeping up to 100 ms between tries. Queueing here instead hands
        the lock over as soon as it is free. Other processes still wait through the busy
        timeout; so does a transaction that waited here that long (it would fail anyway).
        """
        if not self.is_sqlite:
            yield
            return
        lock = self._writer_lock()
        try:
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await lock.acquire()
        except TimeoutError:
            log.warning("a transaction waited for the others too long; it goes ahead")
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def _writer_lock(self) -> asyncio.Lock:
        """The lock of the running event loop (tests run several loops in turn)."""
        loop = asyncio.get_running_loop()
        if self._writers is None or self._writers[0] is not loop:
            self._writers = (loop, asyncio.Lock())
        return self._writers[1]

    async def dispose(self) -> None:
        """Close every pooled connection (and the checkpoints' own, last)."""
        await self.engine.dispose()
        if self.checkpoints is not None:
            await self.checkpoints.close()
