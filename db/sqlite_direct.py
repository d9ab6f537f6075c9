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
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.base import SQLiteExecutionContext
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

BUSY_TIMEOUT_SECONDS = 30.0
_FIRST_WAIT, _LONGEST_WAIT = 0.001, 0.05
# A long run of statements (a reminder tick over 100,000 dates, a 5,000-row broadcast) lets the loop
# run other tasks at least this often: webhooks and sends go on, the connection stays with its owner.
YIELD_EVERY_SECONDS = 0.01
_last_yield = time.perf_counter()


async def _nothing() -> None:
    return None


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Locked by another connection, so waiting helps. Not SQLITE_BUSY_SNAPSHOT: a transaction that read
    an older snapshot can never write; it fails at once and the engine runs it again from the start."""
    code = getattr(exc, "sqlite_errorcode", 0)
    return code != sqlite3.SQLITE_BUSY_SNAPSHOT and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _patiently(call: Any, *args: Any) -> Any:
    """Run a sqlite3 call; while the database is locked by another connection, sleep in asyncio (the
    loop runs meanwhile) and try again. Then await a coroutine that finishes at once: SQLAlchemy's
    AsyncConnection checks that a statement awaited something, else it suspects a sync driver."""
    if not in_greenlet():  # called outside SQLAlchemy's asyncio layer: plain sqlite3 behaviour
        return call(*args)
    deadline, wait = time.monotonic() + BUSY_TIMEOUT_SECONDS, _FIRST_WAIT
    while True:
        try:
            result = call(*args)
            break
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() + wait > deadline:
                raise
            await_(asyncio.sleep(wait))
            wait = min(wait * 2, _LONGEST_WAIT)
    global _last_yield
    now = time.perf_counter()
    if now - _last_yield >= YIELD_EVERY_SECONDS:
        await_(asyncio.sleep(0))
        _last_yield = time.perf_counter()
    else:
        await_(_nothing())
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
