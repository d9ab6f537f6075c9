"""One classification of database errors, by what the caller can do about them.

- **retry later** (`is_retryable`): the database could not do the work *now* — the connection was lost
  or refused, the server is starting, stopping or not accepting connections, it is out of connections,
  memory or disk, or the transaction lost a serialization race or a deadlock. The transaction was rolled
  back, so nothing of it was saved and running it again is safe. The engine retries for a while, then
  raises TryLater: a webhook answers 503 (the platform delivers again), polling does not advance its
  offset, the console says "try again".
- **our bug** (everything else: a constraint, a missing table, bad SQL, a value that does not fit): it
  would fail the same way again; the engine logs it with its traceback and tells the user politely.

PostgreSQL is classified by SQLSTATE (asyncpg's `sqlstate`, SQLAlchemy's wrapped `pgcode`), SQLite by
its primary result code (busy, locked, out of memory, disk I/O, disk full, cannot open, protocol).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

# SQLSTATE classes (two characters) and codes (five) after which trying again later can succeed.
RETRY_SQLSTATE_CLASSES = frozenset({
    "08",  # connection exception: 08000, 08003 no connection, 08006 failure, 08001 cannot establish, 08004 rejected
    "53",  # insufficient resources: 53000, 53100 disk full, 53200 out of memory, 53300 too many connections,
           # 53400 configuration limit exceeded
    "58",  # system error (external to PostgreSQL): 58000, 58030 I/O error
})
RETRY_SQLSTATES = frozenset({
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55000",  # object_not_in_prerequisite_state: "database ... is not currently accepting connections"
    "55006",  # object_in_use (e.g. the database is being dropped/altered by another session)
    "55P03",  # lock_not_available (lock_timeout)
    "57014",  # query_canceled (statement_timeout under load, or a cancel)
    "57P01",  # admin_shutdown (backend terminated)
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (the server is starting up or in recovery)
    "57P05",  # idle_session_timeout
})
# SQLite primary result codes after which trying again later can succeed.
RETRY_SQLITE_CODES = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL,
})
# The same by message, for a wrapper that lost the code (aiosqlite, an old sqlite3).
_RETRY_SQLITE_WORDS = ("database is locked", "database is busy", "database table is locked", "disk i/o error",
                       "unable to open database", "database or disk is full", "out of memory")


def sqlstate(error: BaseException) -> str:
    """The SQLSTATE an exception carries, or ""."""
    return str(getattr(error, "sqlstate", None) or getattr(error, "pgcode", None) or "")


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc`, the driver's exception it wraps, and their causes (a few levels, no loops)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 8:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return seen


def _verdict(error: BaseException) -> bool | None:
    """True (retry) or False (bug) when this one exception decides, None when it does not say."""
    state = sqlstate(error)
    if state:
        return state[:2] in RETRY_SQLSTATE_CLASSES or state in RETRY_SQLSTATES
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code:
            return code & 0xFF in RETRY_SQLITE_CODES
        return any(word in str(error).lower() for word in _RETRY_SQLITE_WORDS)
    if isinstance(error, (ConnectionError, TimeoutError)):  # refused, reset, a connect or pool timeout
        return True
    if isinstance(error, OSError):  # host unreachable, name not resolved, too many open files
        return True
    if isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return None


def is_retryable(exc: BaseException) -> bool:
    """True when `exc` means "the database cannot do it now, try again later"; False for our bugs.

    The most specific answer wins: a SQLSTATE or a SQLite result code anywhere in the chain decides;
    else a lost or refused connection; else a driver-level OperationalError/InterfaceError with nothing
    more said (asyncpg's "connection is closed") counts as a lost connection."""
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
    verdicts = [v for v in (_verdict(error) for error in chain) if v is not None]
    if verdicts:
        return verdicts[0] if not any(verdicts) or all(verdicts) else _specific(chain)
    return any(isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)) for error in chain)


def _specific(chain: list[BaseException]) -> bool:
    """Verdicts disagree: the driver's own code (SQLSTATE, SQLite code) beats a generic wrapper."""
    for error in chain:
        if sqlstate(error) or (isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", None)):
            return bool(_verdict(error))
    return bool(next(v for v in (_verdict(error) for error in chain) if v is not None))
