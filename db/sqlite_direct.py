"""`sqlite+direct://`: SQLite for the async engine, run directly on the event loop's thread.

aiosqlite runs every call in a thread of its own and hands the result back through the event loop:
an update of ours (dedup INSERT, joined SELECT, COMMIT) costs about sixteen of those round trips, and
they cost more than the statements. SQLite on a local file answers in microseconds, so this dialect
calls the standard `sqlite3` module in place: the pysqlite dialect, marked async so SQLAlchemy's
asyncio layer accepts it, with the asyncio-aware pool. bench/throughput.py measures the difference
(pipeline/echo ratio 0.37-0.49 with aiosqlite, 0.6-0.8 with this, on the same machine and run).

What that implies, and why it is safe here:
- A statement blocks the event loop while it runs. Ours are short, and a long run of them yields to
  the loop every YIELD_EVERY_SECONDS, so other tasks wait at most one statement plus that: bench/
  reminders.py prints the longest stall. Several bot processes belong on PostgreSQL anyway.
- Waiting for a write lock held by another connection must NOT block the loop: that connection may be
  a transaction of this very process waiting for the loop (say, for an HTTP answer). So SQLite's own
  busy handler is off (timeout 0) and a statement refused with SQLITE_BUSY is retried here after an
  asyncio sleep, up to BUSY_TIMEOUT_SECONDS — SQLite's busy handler does the same, only sleeping the
  thread. Retrying the statement is what SQLite documents for SQLITE_BUSY; with Python's implicit
  BEGIN before the first write no read snapshot is held then, so the retry cannot loop on a stale one.
- Within one process the pool has one connection (db/session.py): transactions queue in asyncio.

Public SQLAlchemy API only: the dialect is the stock pysqlite one (subclassed, as third-party dialects
are written), the pool is `AsyncAdaptedQueuePool`, and the only way it awaits from inside a statement
(the busy wait, the yield to the loop) is `AdaptedConnection.run_async`, the documented hook for sync-style
DBAPI code to await in SQLAlchemy's asyncio layer (since 1.4.30); outside that layer it raises
`MissingGreenlet`, and the driver then behaves as plain sqlite3. tests/test_sqlite_direct.py fails if
either moves. SQLAlchemy calls `_async_soft_close()` on the cursors of every async dialect; ours has it.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.base import SQLiteExecutionContext
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import AdaptedConnection
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import MissingGreenlet

BUSY_TIMEOUT_SECONDS = 30.0
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.05
# A long run of statements (a reminder tick over 100,000 dates, a 5,000-row broadcast) lets the loop
# run other tasks at least this often: webhooks and sends go on, the connection stays with its owner.
YIELD_EVERY_SECONDS = 0.01
_last_yield = time.perf_counter()


async def _nothing() -> None:
    return None


class _LoopBridge(AdaptedConnection):
    """Only for `run_async`: SQLAlchemy's public way to await a coroutine from a sync-style DBAPI method."""

    __slots__ = ()

    def __init__(self) -> None:
        self._connection = None


_BRIDGE = _LoopBridge()


def _await(make: Callable[[], Awaitable[Any]]) -> bool:
    """Await `make()` on the event loop from inside SQLAlchemy's asyncio layer; False (nothing awaited)
    when called outside it, e.g. from a plain sync engine."""
    made: list[Any] = []

    def start(_driver_connection: object) -> Awaitable[Any]:
        made.append(make())
        return made[0]

    try:
        _BRIDGE.run_async(start)
    except MissingGreenlet:
        for awaitable in made:
            close = getattr(awaitable, "close", None)
            if close is not None:
                close()  # never awaited: say so to nobody (no "never awaited" warning)
        return False
    return True


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Locked by another connection, so waiting helps. Not SQLITE_BUSY_SNAPSHOT: a transaction that read
    an older snapshot can never write; it fails at once and the engine runs it again from the start."""
    code = getattr(exc, "sqlite_errorcode", 0)
    return code != sqlite3.SQLITE_BUSY_SNAPSHOT and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _patiently(call: Any, *args: Any) -> Any:
    """Run a sqlite3 call; while the database is locked by another connection, sleep in asyncio (the
    loop runs meanwhile) and try again. Then await a coroutine that finishes at once (or, every
    YIELD_EVERY_SECONDS, one that lets the loop run): SQLAlchemy's AsyncConnection checks that a
    statement awaited something, else it suspects a sync driver. Outside SQLAlchemy's asyncio layer
    nothing can be awaited: a busy database raises at once, as plain sqlite3 with timeout 0 does."""
    deadline, wait = time.monotonic() + BUSY_TIMEOUT_SECONDS, _FIRST_WAIT
    while True:
        try:
            result = call(*args)
            break
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() + wait > deadline or not _await(functools.partial(asyncio.sleep, wait)):
                raise
            wait = min(wait * 2, _LONGEST_WAIT)
    global _last_yield
    now = time.perf_counter()
    if now - _last_yield >= YIELD_EVERY_SECONDS:
        if _await(lambda: asyncio.sleep(0)):
            _last_yield = time.perf_counter()
    else:
        _await(_nothing)
    return result


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:  # type: ignore[override]
        _patiently(super().execute, sql, parameters)
        return self

    def executemany(self, sql: str, parameters: Any, /) -> _Cursor:  # type: ignore[override]
        _patiently(super().executemany, sql, parameters)
        return self

    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio layer asks an async driver to close a cursor whose rows it buffered;
        sqlite3 reads rows from the cursor as they are fetched, so there is nothing to do early."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def commit(self) -> None:
        _patiently(super().commit)


class _ExecutionContext(SQLiteExecutionContext):
    def create_server_side_cursor(self) -> Any:
        # sqlite3 cursors already read rows as they are fetched: `stream()` gets a plain one.
        return self._dbapi_connection.cursor()


class SQLiteDialect_direct(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming for dialects
    driver = "direct"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = _ExecutionContext

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # Waiting for a connection must suspend the coroutine, not block the thread: the asyncio pool.
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["timeout"] = 0  # no blocking busy handler: _patiently waits in asyncio instead
        kwargs["factory"] = _Connection
        return args, kwargs


dialect = SQLiteDialect_direct
