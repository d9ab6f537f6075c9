"""Updates per second with one and with two `ocop-bot run` processes (webhook mode) on one PostgreSQL.

Each run gets a fresh database; the processes send their replies to the stand-in Bot API
(tests/fakes/telegram_api.py) running here, with the channel's rate limit lifted so the limiter does not
cap the figure. The bench posts the updates to the processes' webhooks like Telegram does (with a secret),
each user's updates one after another (each answered before the next), `--users` users at once, spread
over the processes at random (a load balancer).

    python -m bench.scale [--users 64] [--messages 20] [--database postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

import aiohttp

from bot.app import App
from bot.core.config import Settings
from tests.fakes import FakeBotApi
from tests.processes import fresh_database, post, start_bot, stop_bot
from tests.pushes_support import set_limit


async def run(base_url: str, processes: int, users: int, messages: int, log_dir: Path) -> float:
    async with fresh_database(base_url) as url, FakeBotApi(record=False) as api:
        app = await App.create(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
        await set_limit(app.sessions, "telegram", 1_000_000, 1_000_000)
        bots = [await start_bot(url, api, log_dir) for _ in range(processes)]
        updates = {uid: [api.command_update(uid, "/start")] + [api.text_update(uid, "menu") for _ in range(messages - 1)]
                   for uid in range(20_001, 20_001 + users)}
        failures = 0
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:
                async def user(uid: int) -> None:
                    nonlocal failures
                    for update in updates[uid]:
                        if await post(client, random.choice(bots), update) != 200:
                            failures += 1

                started = time.perf_counter()
                await asyncio.gather(*(user(uid) for uid in updates))
                elapsed = time.perf_counter() - started
        finally:
            for bot in bots:
                await stop_bot(bot)
            await app.close()
        if failures:
            raise RuntimeError(f"{failures} updates were not answered 200")
    return users * messages / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=64, help="users talking at once")
    parser.add_argument("--messages", type=int, default=20, help="updates per user")
    parser.add_argument("--database", default=os.environ.get("OCOP_TEST_DATABASE_URL", ""),
                        help="PostgreSQL URL of a server where databases may be created")
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        parser.error("needs a PostgreSQL URL (--database or OCOP_TEST_DATABASE_URL)")
    with tempfile.TemporaryDirectory() as folder:
        one = await run(args.database, 1, args.users, args.messages, Path(folder))
        two = await run(args.database, 2, args.users, args.messages, Path(folder))
    print(f"updates: {args.users * args.messages} ({args.users} users x {args.messages}), webhook, PostgreSQL, "
          f"{os.cpu_count()} CPUs")
    print(f"1 process:    {one:8.1f} updates/s")
    print(f"2 processes:  {two:8.1f} updates/s")
    print(f"ratio (2 / 1): {two / one:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
