"""The `sqlite+direct` driver (db/sqlite_direct.py): SQLite on the event loop, the embedded default.

The rest of the suite runs on it through the `database` fixture; these tests pin what is particular to
it: plain `sqlite:///` URLs use it, aiosqlite URLs still work and give the same conversation, and a
write lock held by another writer neither loses an update nor freezes the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text

from bot.app import App
from bot.core.config import Settings
from bot.core.messages import Inbound, Kind
from db.session import create_engine
from tests.transcript import Chat


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, officers=[], _env_file=None)  # type: ignore[call-arg]


async def onboarding_texts(url: str) -> list[str]:
    app = await App.create(settings_for(url))
    try:
        chat = Chat(app.engine)
        await chat.start()
        await chat.click("Tiếng Việt")
        await chat.click("Đồng ý")
        await chat.send("HTX Sen Vàng")
        return [reply.text for reply in chat.history]
    finally:
        await app.close()


async def test_plain_sqlite_url_uses_the_direct_driver(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/plain.db")
    try:
        assert engine.dialect.driver == "direct"
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            # SQLite's own busy handler would block the event loop: the driver waits in asyncio instead.
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 0
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_direct_and_aiosqlite_hold_the_same_conversation(tmp_path: Path) -> None:
    direct = await onboarding_texts(f"sqlite+direct:///{tmp_path}/direct.db")
    threaded = await onboarding_texts(f"sqlite+aiosqlite:///{tmp_path}/threaded.db")
    assert direct == threaded
    assert any("Câu 2/6" in message for message in direct)


async def test_concurrent_updates_keep_each_users_order(tmp_path: Path) -> None:
    """64 updates at once on one connection: every one handled, each user's in the order sent."""
    app = await App.create(settings_for(f"sqlite+direct:///{tmp_path}/many.db"))
    try:
        users = [f"u{n}" for n in range(8)]
        await asyncio.gather(*(app.engine.handle(Inbound("console", u, Kind.STARTED, dedup_key=f"s{u}"))
                               for u in users))
        updates = [Inbound("console", u, Kind.TEXT, text=label, dedup_key=f"{u}-{i}")
                   for i, label in enumerate(["English", "✅ I agree"]) for u in users]
        # The engine takes a user's updates in the order they reach it; gather starts them in list order.
        await asyncio.gather(*(app.engine.handle(update) for update in updates))
        async with app.sessions() as session:
            rows = (await session.execute(text("SELECT locale, consent_at IS NOT NULL FROM users"))).all()
        assert sorted(rows) == [("en", 1)] * len(users)
    finally:
        await app.close()


async def test_a_lock_held_by_another_writer_delays_but_neither_loses_nor_freezes(tmp_path: Path) -> None:
    """Another writer (the CLI, or a second engine in this process) holds SQLite's write lock: the update
    waits for it without blocking the event loop, and is handled once the lock is gone."""
    url = f"sqlite+direct:///{tmp_path}/locked.db"
    app = await App.create(settings_for(url))
    held_for = 1.2
    locked = threading.Event()

    def other_writer() -> None:
        connection = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(held_for)
        connection.execute("COMMIT")
        connection.close()

    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    try:
        writer = threading.Thread(target=other_writer)
        writer.start()
        await asyncio.to_thread(locked.wait)
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(stop))
        started = time.perf_counter()
        replies = (await app.engine.handle(Inbound("console", "late", Kind.STARTED, dedup_key="late-1"))).replies
        waited = time.perf_counter() - started
        stop.set()
        await ticking
        await asyncio.to_thread(writer.join)
        assert replies and "Trợ lý OCOP" in replies[0].text
        assert waited >= held_for * 0.8  # it really waited for the other writer
        assert len(gaps) > 20 and max(gaps) < 0.25  # and the loop kept running meanwhile
        async with app.sessions() as session:
            count = (await session.execute(text("SELECT count(*) FROM users WHERE channel_user_id = 'late'"))).scalar()
        assert count == 1
    finally:
        await app.close()


async def test_a_long_run_of_statements_lets_the_loop_breathe(tmp_path: Path) -> None:
    """Thousands of statements in one transaction (a reminder tick, a big broadcast) must not hold the
    event loop for their whole duration: the driver yields between statements every few milliseconds."""
    engine = create_engine(f"sqlite+direct:///{tmp_path}/long.db")
    ticks: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0)

    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY, label TEXT)"))
        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        started = time.perf_counter()
        async with engine.begin() as connection:
            for n in range(4000):
                await connection.execute(text("INSERT INTO t VALUES (:n, :label)"), {"n": n, "label": f"row {n}"})
        ended = time.perf_counter()
        done.set()
        await ticking
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 4000
        timeline = [started, *(t for t in ticks if started < t < ended), ended]
        longest = max(b - a for a, b in zip(timeline, timeline[1:], strict=False))
        assert ended - started > 0.1, "the run must be long enough to show anything"
        assert longest < 0.06, f"the loop was held {longest * 1000:.0f} ms at once in a {ended - started:.2f} s run"
    finally:
        await engine.dispose()


def test_the_driver_rests_on_public_sqlalchemy_api_only() -> None:
    """Fails when the driver reaches for a private SQLAlchemy name again (sqlalchemy.util.concurrency's
    await_ was renamed between releases and broke installs), or when the public hook it awaits through
    (AdaptedConnection.run_async, raising MissingGreenlet outside the asyncio layer) moves."""
    import ast

    from sqlalchemy.engine import AdaptedConnection
    from sqlalchemy.exc import MissingGreenlet

    import db.sqlite_direct as direct

    tree = ast.parse(Path(direct.__file__).read_text(encoding="utf-8"))
    imported = [(node.module or "", alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names if (node.module or "").startswith("sqlalchemy")]
    assert imported, "the driver imports SQLAlchemy"
    for module, name in imported:
        assert not any(part.startswith("_") or part == "util" for part in module.split(".")), module
        assert not name.startswith("_"), name
    assert callable(AdaptedConnection.run_async) and issubclass(MissingGreenlet, Exception)
    # Outside SQLAlchemy's asyncio layer nothing is awaited and the call still runs, as plain sqlite3.
    connection = sqlite3.connect(":memory:")
    assert direct._patiently(connection.execute, "SELECT 41 + 1").fetchone() == (42,)  # noqa: SLF001
    assert direct._await(direct._nothing) is False  # noqa: SLF001
