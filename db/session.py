"""Async engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

registry.register("sqlite.direct", "db.sqlite_direct", "SQLiteDialect_direct")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine tuned for its backend: SQLite in WAL mode with a busy timeout and foreign keys on.

    A plain `sqlite:///file.db` means our `sqlite+direct` driver (db/sqlite_direct.py);
    `sqlite+aiosqlite` still works, with aiosqlite's thread."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+direct")
    if parsed.get_backend_name() == "sqlite":
        # One connection: SQLite allows one writer at a time, and concurrent transactions on several
        # connections would wait in SQLite's busy handler (sleeping); queueing for the one connection
        # in asyncio is both fairer and much faster.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 120)
        kwargs.setdefault("pool_reset_on_return", None)  # every session ends in commit or rollback already
        # The direct driver waits for another connection's write lock in asyncio, not in SQLite's busy
        # handler, which would block the event loop (see db/sqlite_direct.py).
        busy_ms = 0 if parsed.get_driver_name() == "direct" else 30_000
        engine = create_async_engine(parsed, connect_args={"timeout": busy_ms / 1000}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left readable in the file
            cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(parsed, pool_pre_ping=True, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
