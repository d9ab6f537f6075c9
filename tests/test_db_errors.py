"""One classification of database errors (db/errors.py): "retry later" for what the database cannot do
now (lost, refused or exhausted connections, servers starting or stopping, serialization failures and
deadlocks, a locked or unopenable SQLite file), "our bug" for the rest. Real errors where this machine can
make them (PostgreSQL refusing a database's connections, a statement timeout, a missing table; SQLite
locked by another connection, a file that cannot be opened), asyncpg's own exception classes for the
codes that need a server in trouble (too many connections, disk full, shutdown)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import asyncpg.exceptions as pg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.errors import is_retryable
from db.session import create_engine
from tests.conftest import PG_URL


def _wrapped(orig: BaseException) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises it: the driver's exception as `orig` and as the cause."""
    error = sa_exc.DBAPIError.instance("SELECT 1", {}, orig, Exception)
    error.__cause__ = orig
    return error


@pytest.mark.parametrize("driver_error", [
    pg.TooManyConnectionsError("sorry, too many clients already"),  # 53300
    pg.ObjectNotInPrerequisiteStateError('database "x" is not currently accepting connections'),  # 55000
    pg.CannotConnectNowError("the database system is starting up"),  # 57P03
    pg.AdminShutdownError("terminating connection due to administrator command"),  # 57P01
    pg.CrashShutdownError("terminating connection because of crash of another server process"),  # 57P02
    pg.ConnectionDoesNotExistError("connection does not exist"),  # 08003
    pg.DiskFullError("could not extend file"),  # 53100
    pg.OutOfMemoryError("out of memory"),  # 53200
    pg.SerializationError("could not serialize access"),  # 40001
    pg.DeadlockDetectedError("deadlock detected"),  # 40P01
    pg.QueryCanceledError("canceling statement due to statement timeout"),  # 57014
    ConnectionRefusedError(111, "Connection refused"),
    TimeoutError("connect timed out"),
])
def test_what_the_database_cannot_do_now_is_retried(driver_error: BaseException) -> None:
    assert is_retryable(_wrapped(driver_error)), driver_error
    assert is_retryable(driver_error)


@pytest.mark.parametrize("driver_error", [
    pg.UniqueViolationError("duplicate key value violates unique constraint"),  # 23505
    pg.UndefinedTableError('relation "nope" does not exist'),  # 42P01
    pg.NumericValueOutOfRangeError("value out of range for type integer"),  # 22003
    pg.InvalidPasswordError("password authentication failed"),  # 28P01: configuration, not a wait
    ValueError("a handler bug"),
])
def test_our_bugs_are_not_retried(driver_error: BaseException) -> None:
    assert not is_retryable(_wrapped(driver_error)), driver_error
    assert not is_retryable(driver_error)


def test_sqlite_locked_or_unopenable_is_retried_a_missing_table_or_a_constraint_is_not(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    errors: dict[str, sqlite3.Error] = {}
    for name, call in {
        "locked": lambda: other.execute("INSERT INTO t VALUES (2)"),
        "missing table": lambda: other.execute("SELECT * FROM nope"),
        "unopenable": lambda: sqlite3.connect(tmp_path / "no" / "such" / "dir.db").execute("SELECT 1"),
    }.items():
        with pytest.raises(sqlite3.Error) as caught:
            call()
        errors[name] = caught.value
    holder.execute("COMMIT")
    with pytest.raises(sqlite3.IntegrityError) as duplicate:
        other.execute("INSERT INTO t VALUES (1)")
    holder.close()
    other.close()
    assert is_retryable(errors["locked"]) and is_retryable(_wrapped(errors["locked"]))
    assert is_retryable(_wrapped(errors["unopenable"]))
    assert not is_retryable(_wrapped(errors["missing table"])), "an OperationalError that is our bug"
    assert not is_retryable(_wrapped(duplicate.value))
    assert is_retryable(sa_exc.OperationalError("x", {}, sqlite3.OperationalError("database is locked")))


@pytest.mark.postgres
async def test_real_postgresql_errors() -> None:
    name = f"ocop_errors_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    refused = create_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    working = create_engine(PG_URL)
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}" ALLOW_CONNECTIONS false')
        with pytest.raises(Exception) as not_accepting:
            async with refused.connect() as connection:
                await connection.execute(text("SELECT 1"))
        assert is_retryable(not_accepting.value), repr(not_accepting.value)
        async with working.connect() as connection:
            await connection.exec_driver_sql("SET statement_timeout = 50")
            with pytest.raises(sa_exc.DBAPIError) as timed_out:
                await connection.exec_driver_sql("SELECT pg_sleep(1)")
            await connection.rollback()
            with pytest.raises(sa_exc.DBAPIError) as missing:
                await connection.exec_driver_sql("SELECT * FROM no_such_table_here")
        assert is_retryable(timed_out.value) and not is_retryable(missing.value)
    finally:
        await refused.dispose()
        await working.dispose()
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.dispose()
