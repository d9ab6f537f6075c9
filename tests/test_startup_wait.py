"""Start-up waits for the database (issue 15, item 7): a real `ocop-bot run` whose database is down
retries with one clear line per try and no traceback, then gives up after OCOP_DB_STARTUP_WAIT_SECONDS
with a clear message and a non-zero exit; a database that comes up during the wait is used."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.fakes import FakeBotApi
from tests.processes import ROOT, BotProcess, bot_env, free_port, spawn, stop_bot
from tests.test_db_refusing import OwnDatabase

NOWHERE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"


async def test_a_database_that_stays_down_ends_the_start_with_a_clear_message(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        env = bot_env(NOWHERE, api, free_port(), OCOP_DB_STARTUP_WAIT_SECONDS="3")
        started = time.monotonic()
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                                       capture_output=True, text=True, timeout=60)
        took = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in output, output
    assert "not reachable for 3 s" in done.stderr and "OCOP_DATABASE_URL" in done.stderr, output
    assert 3 <= took < 30


@pytest.mark.postgres
async def test_a_database_that_comes_up_during_the_wait_is_used(tmp_path: Path) -> None:
    database = OwnDatabase()
    await database.create()
    await database.refuse(True)  # 55000 "not accepting connections", as a database starting up would
    log_path = tmp_path / "bot.log"
    try:
        async with FakeBotApi() as api:
            port = free_port()
            env = bot_env(database.url, api, port, OCOP_DB_STARTUP_WAIT_SECONDS="60")
            process = spawn(log_path, env)  # `ocop-bot -v run`
            bot = BotProcess(process, port, log_path)
            for _ in range(600):  # the interpreter starts slowly on a busy machine: wait for its first try
                if "waiting for the database" in bot.log():
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2)
            assert process.poll() is None and "waiting for the database" in bot.log(), bot.log()
            await database.refuse(False)
            async with aiohttp.ClientSession() as client:
                for _ in range(300):
                    try:
                        await bot.health(client)
                        break
                    except (aiohttp.ClientError, ValueError):
                        await asyncio.sleep(0.1)
                else:
                    raise AssertionError(bot.log())
            assert await stop_bot(bot) == 0
        log = log_path.read_text()
        assert "waiting for the database" in log and "Traceback" not in log, log
    finally:
        await database.drop()
