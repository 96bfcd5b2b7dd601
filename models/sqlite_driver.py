"""SQLite through aiosqlite, one trip to its thread per statement instead of four.

aiosqlite runs each sqlite3 call in a thread of its own, and SQLAlchemy's adapter makes
one call per cursor operation: open a cursor, execute, fetch the rows, close. Each trip
hands the GIL to that thread and back, and on a busy machine those hand-overs were most of
the CPU of a conversation step (about 30 trips a step). Here a statement is one call: the
cursor opened, executed, its rows fetched and closed in the thread, and what SQLAlchemy
reads afterwards (the rows, ``description``, ``rowcount``, ``lastrowid``) kept. The same
SQL reaches the same driver; only the trips between threads are fewer.

A transaction's ``BEGIN IMMEDIATE`` (:func:`models.db._tune_sqlite`) is not a trip of its
own either: the connection holds it back (:meth:`OneTripConnection.begin_with_next`) and
the transaction's first statement runs it, in the same call, just before itself. It still
takes the write lock before anything is read, and waits for it (the busy timeout) or fails
as it did alone: the statement that carries it raises what it raised. A commit or a
rollback with no transaction open on SQLite's side (the pool's reset of a connection given
back after its commit) makes no trip at all.

A transaction opened inside :func:`run_here` (a conversation's step: a few statements of
well under a millisecond each) makes no trip at all: once its ``BEGIN IMMEDIATE`` has taken
the write lock without waiting, its statements, COMMIT and ROLLBACK run in the event loop's
own thread. On a busy machine each trip waited for the other thread to be scheduled, a few
milliseconds each, five times a step, all of it with the write lock held while the other
steps waited behind it. When the lock is taken (another process writes), ``BEGIN`` and the
statement go to aiosqlite's thread, to wait there through the busy timeout as before; the
event loop never waits for the lock. Anything else (the dashboard's longer queries, the
scheduler's work) keeps to aiosqlite's thread.

Used through :func:`models.db.create_engine` (the ``module`` of a ``sqlite+aiosqlite`` URL).
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from threading import Thread
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

Outcome = tuple[Any, list[Any], int, int | None]
"""What a statement leaves: its description, its rows, its rowcount and lastrowid."""


_HERE: ContextVar[bool] = ContextVar("sqlite_here", default=False)


@contextmanager
def run_here() -> Iterator[None]:
    """Transactions opened in this block run in the event loop's thread once their write
    lock is taken without waiting (see the module's docstring)."""
    token = _HERE.set(True)
    try:
        yield
    finally:
        _HERE.reset(token)


def _begun_here(sqlite: sqlite3.Connection, begin: str) -> bool:
    """Run ``begin`` in this thread if the write lock is free now (no wait: the busy timeout
    set to 0 for it, then put back); whether the transaction is open."""
    cursor = sqlite.cursor()
    try:
        (timeout,) = cursor.execute("PRAGMA busy_timeout").fetchone()
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            cursor.execute(begin)
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    finally:
        cursor.close()
    return True


def _run(
    connection: aiosqlite.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
    many: bool,
) -> Outcome:
    """In aiosqlite's thread: the transaction's ``begin`` held back if any, then the whole
    statement, its cursor closed."""
    return _statement(connection._conn, begin, operation, parameters, many)


def _statement(
    sqlite: sqlite3.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
    many: bool,
) -> Outcome:
    """``begin`` if any, then the whole statement, its cursor closed."""
    cursor = sqlite.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _Finished:
    """Stands for the sqlite3 cursor once its statement has run (nothing left open)."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def close(self) -> None:
        """Nothing to close: the cursor was closed in the thread."""


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement is one call in aiosqlite's thread."""

    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: Any) -> Any:
        return _Finished()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        """Run the statement here when its transaction does (see :func:`run_here`), else
        in one trip to aiosqlite's thread."""
        if not self._here(operation, parameters, False):
            super().execute(operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        """As :meth:`execute`, with many rows of parameters."""
        if not self._here(operation, seq_of_parameters, True):
            super().executemany(operation, seq_of_parameters)

    def _here(self, operation: Any, parameters: Any, many: bool) -> bool:
        """Run the statement in this thread if it may; whether it did."""
        adapted = cast(OneTripConnection, self._adapt_connection)
        try:
            outcome = adapted.here(operation, parameters, many)
        except Exception as error:
            adapted._handle_exception(error)
        if outcome is None:
            return False
        self._keep(outcome)
        return True

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_trip(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_trip(operation, seq_of_parameters, True)

    async def _one_trip(self, operation: Any, parameters: Any, many: bool) -> None:
        connection: Any = self._connection
        adapted = cast(OneTripConnection, self._adapt_connection)
        async with adapted._execute_mutex:
            begin, adapted.held_begin = adapted.held_begin, None
            outcome: Outcome = await connection._execute(
                _run, connection, begin, operation, parameters, many
            )
        self._keep(outcome)

    def _keep(self, outcome: Outcome) -> None:
        """What the statement left, for SQLAlchemy to read as from a cursor."""
        description, rows, rowcount, lastrowid = outcome
        finished = cast(_Finished, self._cursor)
        finished.description = description
        finished.rowcount = rowcount
        finished.lastrowid = lastrowid
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's connection as SQLAlchemy adapts it, with :class:`OneTripCursor`."""

    __slots__ = ("held_begin",)
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.held_begin: str | None = None
        """The BEGIN that the next statement runs first (see :meth:`begin_with_next`)."""

    def begin_with_next(self, begin: str) -> None:
        """Open the transaction with ``begin``, run in the same trip as the next statement."""
        self.held_begin = begin

    def here(self, operation: str, parameters: Any, many: bool) -> Outcome | None:
        """Run a statement in this thread if its transaction runs here (see
        :func:`run_here`): opened by it, the write lock taken without waiting, or opened
        so already; None when it must go to aiosqlite's thread."""
        sqlite = self._here_connection()
        if sqlite is None:
            return None
        begin = self.held_begin
        if begin is not None:
            if not _begun_here(sqlite, begin):
                return None  # the lock is taken: wait for it in the thread
            self.held_begin = None
        elif not sqlite.in_transaction:
            return None
        return _statement(sqlite, None, operation, parameters, many)

    def _here_connection(self) -> sqlite3.Connection | None:
        """The sqlite3 connection, when this statement or commit may run in this thread
        (in :func:`run_here`, no statement of this connection under way in the other)."""
        if not _HERE.get() or self._execute_mutex.locked():
            return None
        sqlite = getattr(self._connection, "_connection", None)
        return sqlite if isinstance(sqlite, sqlite3.Connection) else None

    def commit(self) -> None:
        """Commit; nothing to do (no trip) when no transaction is open: one that sent no
        statement was never opened. In :func:`run_here`, in this thread."""
        self._end(sqlite3.Connection.commit, super().commit)

    def rollback(self) -> None:
        """Roll back; nothing to do when no transaction is open, as after a commit when
        the pool resets the connection it is given back (sqlite3 would do nothing either,
        after a trip to the thread). In :func:`run_here`, in this thread."""
        self._end(sqlite3.Connection.rollback, super().rollback)

    def _end(
        self, here: Callable[[sqlite3.Connection], None], in_thread: Callable[[], None]
    ) -> None:
        """End the transaction, if one is open: in this thread when it may, else with a trip."""
        self.held_begin = None
        if not self._open():
            return
        sqlite = self._here_connection()
        if sqlite is None:
            in_thread()
            return
        try:
            here(sqlite)
        except Exception as error:
            self._handle_exception(error)

    def _open(self) -> bool:
        """Whether SQLite has a transaction open on this connection (read without a trip:
        no statement of this connection is running while SQLAlchemy ends a transaction);
        a connection already closed goes on as before, to its own error."""
        sqlite = getattr(self._connection, "_connection", None)
        return sqlite is None or bool(sqlite.in_transaction)


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given in place of its own."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """Open an aiosqlite connection (its thread a daemon), adapted."""
        creator_fn = kw.pop("async_creator_fn", None)
        if creator_fn:
            connection = creator_fn(*arg, **kw)
        else:
            kw["check_same_thread"] = False  # a transaction may run here (run_here)
            connection = self.aiosqlite.connect(*arg, **kw)
            thread = connection if isinstance(connection, Thread) else connection._thread
            thread.daemon = True
        return OneTripConnection(self, await_(connection))


def one_trip_dbapi() -> OneTripDbapi:
    """A fresh module object for an engine."""
    return OneTripDbapi(aiosqlite, sqlite3)
