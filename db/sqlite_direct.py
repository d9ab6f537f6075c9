"""`sqlite+direct://`: SQLite for the async engine, run directly on the event loop's thread.

aiosqlite runs every call in a thread of its own and hands the result back through the event loop:
an update of ours (dedup INSERT, joined SELECT, COMMIT) costs about sixteen of those round trips, and
they cost more than the statements. SQLite on a local file answers in microseconds, so this dialect
calls the standard `sqlite3` module in place: the pysqlite dialect, marked async so SQLAlchemy's
asyncio layer accepts it, with the asyncio-aware pool. bench/throughput.py measures the difference.

What that implies, and why it is safe here:
- A statement blocks the event loop while it runs. Ours are short; the long ones (a 5,000-row
  broadcast, an export) take tens of milliseconds. Several processes belong on PostgreSQL anyway.
- Waiting for another process's write lock blocks the loop too, so the busy timeout is short
  (BUSY_TIMEOUT_MS); past it the statement fails with "database is locked", which the engine treats
  like a lost connection and retries asynchronously (bot/engine.py), and the workers retry next tick.
- Within one process the pool has one connection (db/session.py): transactions queue in asyncio and
  never meet SQLite's lock.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.url import URL
from sqlalchemy.util.concurrency import await_, in_greenlet

BUSY_TIMEOUT_MS = 1000


async def _nothing() -> None:
    return None


def _as_async() -> None:
    """Await a coroutine that finishes at once: SQLAlchemy's AsyncConnection checks that a statement
    awaited something (else it assumes a sync driver by mistake). This does not yield to the loop."""
    if in_greenlet():
        await_(_nothing())


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:  # type: ignore[override]
        super().execute(sql, parameters)
        _as_async()
        return self

    def executemany(self, sql: str, parameters: Any, /) -> _Cursor:  # type: ignore[override]
        super().executemany(sql, parameters)
        _as_async()
        return self

    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio layer asks an async driver to close a cursor whose rows it buffered;
        sqlite3 reads rows from the cursor as they are fetched, so there is nothing to do early."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)


class SQLiteDialect_direct(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming for dialects
    driver = "direct"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # Waiting for a connection must suspend the coroutine, not block the thread: the asyncio pool.
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["timeout"] = BUSY_TIMEOUT_MS / 1000
        kwargs["factory"] = _Connection
        return args, kwargs


dialect = SQLiteDialect_direct
