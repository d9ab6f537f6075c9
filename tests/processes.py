"""Real `ocop-bot run` processes (webhook mode) on one PostgreSQL database, for the scale tests and
bench/scale.py: a fresh database per run (CREATE DATABASE: each process connects by URL alone, as in
production), processes on their own ports, the stand-in Bot API in the calling process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy.engine import make_url

from db.session import create_engine
from tests.fakes import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
SECRET = "scale-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def fresh_database(base_url: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database on the server of `base_url`; dropped afterwards."""
    name = f"ocop_scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


@dataclass
class BotProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    statuses: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook(self) -> str:
        return f"{self.url}/telegram/webhook"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    async def health(self, client: aiohttp.ClientSession) -> dict[str, Any]:
        async with client.get(f"{self.url}/healthz") as response:
            return await response.json()


def bot_env(database_url: str, api: FakeBotApi, port: int, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OCOP_")}
    env.update({
        "OCOP_DATABASE_URL": database_url, "OCOP_TELEGRAM_TOKEN": api.token,
        "OCOP_TELEGRAM_API_URL": api.base_url, "OCOP_TELEGRAM_FILE_URL": api.file_base_url,
        "OCOP_WEBHOOK_URL": f"http://127.0.0.1:{port}", "OCOP_WEBHOOK_SECRET": SECRET,
        "OCOP_HTTP_HOST": "127.0.0.1", "OCOP_HTTP_PORT": str(port),
        # no quiet hours: the tests run at any time of day
        "OCOP_QUIET_START": "00:00", "OCOP_QUIET_END": "00:00",
    })
    env.update(extra)
    return env


def spawn(log_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start `ocop-bot run` (a quick fork: the waiting for it to serve is asynchronous)."""
    with open(log_path, "wb") as log_file:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "-v", "run"], cwd=ROOT, env=env,
                                stdout=log_file, stderr=log_file)


async def start_bot(database_url: str, api: FakeBotApi, log_dir: Path, **extra: str) -> BotProcess:
    """`python -m bot.cli run` in webhook mode; returns once /healthz answers."""
    port = free_port()
    log_path = log_dir / f"bot-{port}.log"
    process = spawn(log_path, bot_env(database_url, api, port, **extra))
    bot = BotProcess(process, port, log_path)
    async with aiohttp.ClientSession() as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"the bot exited with {process.returncode}:\n{bot.log()}")
            try:
                await bot.health(client)
                return bot
            except (aiohttp.ClientError, ValueError):
                await asyncio.sleep(0.1)
    raise RuntimeError(f"the bot did not start:\n{bot.log()}")


async def stop_bot(bot: BotProcess, sig: int = signal.SIGTERM, seconds: float = 60.0) -> int:
    if bot.process.poll() is None:
        bot.process.send_signal(sig)
    return await asyncio.wait_for(asyncio.to_thread(bot.process.wait), seconds)


async def post(client: aiohttp.ClientSession, bot: BotProcess, update: dict[str, Any]) -> int:
    """POST an update as Telegram does (with the secret); the status (0 when the connection failed)."""
    try:
        async with client.post(bot.webhook, json=update,
                               headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            await response.read()
            return response.status
    except aiohttp.ClientError:
        return 0
