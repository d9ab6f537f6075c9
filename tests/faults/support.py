"""Shared by the fault suite: a bot process that can be SIGKILLed and restarted on the same database
while simulated users keep talking to it as Telegram or Zalo would (an update is posted again until
it gets a 200), and the count of what each user received."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.app import App
from bot.core.config import Settings
from db.models import OutboxMessage
from db.session import create_engine
from tests.conftest import PG_URL
from tests.fakes import FakeBotApi
from tests.processes import BotProcess, bot_env, free_port, fresh_database, spawn, stop_bot
from tests.pushes_support import set_limit


@contextlib.asynccontextmanager
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A URL alone (each process connects by it, as in production): a SQLite file or a fresh PostgreSQL
    database, migrated, with the channels' rates raised so the run is quick (still paced)."""
    if backend == "sqlite":
        url = f"sqlite+direct:///{tmp_path}/faults.db"
        await prepare(url)
        yield url
        return
    async with fresh_database(PG_URL) as url:
        await prepare(url)
        yield url


async def prepare(url: str) -> None:
    app = await App.create(Settings(database_url=url, officers=[], _env_file=None))  # type: ignore[call-arg]
    try:
        await set_limit(app.sessions, "telegram", 1000, per_chat=0)
        await set_limit(app.sessions, "zalo", 1000, per_chat=0)
    finally:
        await app.close()


@dataclass
class Killable:
    """The current bot process, replaced by `kill_and_restart`; `acked` counts 200 answers."""

    url: str
    api: FakeBotApi
    log_dir: Path
    env: dict[str, str]
    bot: BotProcess | None = None
    acked: int = 0
    kills: list[int] = field(default_factory=list)  # acked count at each kill
    unsettled: list[int] = field(default_factory=list)  # outbox rows still `sending` right after each kill
    progressed: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        """`ocop-bot run` in webhook mode; returns once /healthz answers (a loaded CI machine can take a
        while to import and migrate, hence the long wait)."""
        port = free_port()
        log_path = self.log_dir / f"bot-{port}.log"
        bot = BotProcess(spawn(log_path, bot_env(self.url, self.api, port, **self.env)), port, log_path)
        async with aiohttp.ClientSession() as client:
            for _ in range(1200):
                if bot.process.poll() is not None:
                    raise RuntimeError(f"the bot exited with {bot.process.returncode}:\n{bot.log()}")
                try:
                    await bot.health(client)
                    self.bot = bot
                    return
                except (aiohttp.ClientError, ValueError):
                    await asyncio.sleep(0.1)
        raise RuntimeError(f"the bot did not start:\n{bot.log()}")

    async def kill_and_restart(self) -> None:
        assert self.bot is not None
        os.kill(self.bot.process.pid, signal.SIGKILL)
        await asyncio.wait_for(asyncio.to_thread(self.bot.process.wait), 10)
        self.kills.append(self.acked)
        self.unsettled.append(await count_sending(self.url))
        self.bot = None
        await self.start()

    async def stop(self) -> None:
        if self.bot is not None:
            await stop_bot(self.bot)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in sorted(self.log_dir.glob("bot-*.log")))


async def until_acked(target: Killable, post: Callable[[BotProcess], Awaitable[int]]) -> None:
    """Post one update as the platform does: again (after a short wait) until it is answered 200."""
    for _ in range(600):
        bot = target.bot
        status = await post(bot) if bot is not None else 0
        if status == 200:
            target.acked += 1
            target.progressed.set()
            return
        await asyncio.sleep(0.1)
    raise AssertionError("an update was never acknowledged")


async def kill_twice(target: Killable, total: int, shares: tuple[float, ...] = (1 / 3, 2 / 3)) -> None:
    """SIGKILL the bot when a third, then two thirds, of the updates have been answered (or at the given
    `shares`); restart it each time."""
    for share in shares:
        while target.acked < total * share:
            target.progressed.clear()
            await target.progressed.wait()
        await target.kill_and_restart()


async def count_sending(url: str) -> int:
    """Rows a killed process had committed and not settled: sent again after the restart, so only these
    can arrive twice (those the platform had accepted just before the kill: the residual window)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(select(func.count()).select_from(OutboxMessage)
                                              .where(OutboxMessage.status == "sending"))
            return int(result.scalar_one())
    finally:
        await engine.dispose()


async def outbox_statuses(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(OutboxMessage.status, OutboxMessage.lease_owner, func.count())
                                            .group_by(OutboxMessage.status, OutboxMessage.lease_owner))
            return {f"{status}/{owner}": int(count) for status, owner, count in rows}
    finally:
        await engine.dispose()


def lost_and_duplicated(received: dict[Any, int], expected: dict[Any, int]) -> tuple[int, int]:
    lost = sum(max(0, want - received.get(chat, 0)) for chat, want in expected.items())
    duplicated = sum(max(0, received.get(chat, 0) - want) for chat, want in expected.items())
    return lost, duplicated
