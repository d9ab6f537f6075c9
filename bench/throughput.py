"""Updates per second through the whole pipeline, against a bare python-telegram-bot echo bot.

Both run in this process against the same stand-in Bot API server (tests/fakes/telegram_api.py)
with the same long polling and the same number of concurrent updates; the ratio is what our
engine (dedup, user row, state, routing, catalogs, SQLite commit per update) costs.

    python -m bench.throughput [--users 50] [--messages 20] [--rounds 3] [--database sqlite|sqlite-both|URL]

`--database sqlite-both` runs the pipeline on both SQLite drivers (sqlite+direct, the default, and
sqlite+aiosqlite) in every round beside the same echo run, and prints each driver's ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.core.config import Settings
from tests.fakes import FakeBotApi

CONCURRENT_UPDATES = 64


async def run_echo(users: int, messages: int) -> float:
    async with FakeBotApi(record=False, max_poll_timeout=0.2) as api:
        async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None
            await update.message.reply_text(update.message.text or "")

        app = (ApplicationBuilder().token(api.token).base_url(api.base_url).concurrent_updates(CONCURRENT_UPDATES)
               .job_queue(None).build())
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            started = time.perf_counter()
            _push(api, users, messages)
            await api.wait_until(lambda: sum(api.delivered.values()) >= users * messages, timeout=600)
            elapsed = time.perf_counter() - started
            await app.updater.stop()
            await app.stop()
    return users * messages / elapsed


async def run_pipeline(users: int, messages: int, database_url: str) -> float:
    async with FakeBotApi(record=False, max_poll_timeout=0.2) as api:
        settings = Settings(_env_file=None, database_url=database_url, telegram_token=api.token,  # type: ignore[call-arg]
                            telegram_api_url=api.base_url, telegram_file_url=api.file_base_url)
        app = await App.create(settings)
        channel = TelegramChannel(app.engine.handle, settings, concurrent_updates=CONCURRENT_UPDATES)
        await channel.start()
        started = time.perf_counter()
        _push(api, users, messages)
        # Each user: /start (greeting + language question = 2 replies), then "menu" (1 reply each).
        expected = users * (2 + messages - 1)
        await api.wait_until(lambda: sum(api.delivered.values()) >= expected, timeout=600)
        elapsed = time.perf_counter() - started
        await channel.stop()
        await app.close()
    return users * messages / elapsed


def _push(api: FakeBotApi, users: int, messages: int) -> None:
    """Interleave users as real traffic does: round r holds one message from every user."""
    for round_ in range(messages):
        for user in range(users):
            uid = 10_000 + user
            if round_ == 0:
                api.push_command(uid, "/start")
            else:
                api.push_text(uid, "menu")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="updates per user")
    parser.add_argument("--rounds", type=int, default=3, help="echo/pipeline pairs; medians are reported")
    parser.add_argument("--database", default="sqlite", help="'sqlite' (a temporary file) or a database URL")
    args = parser.parse_args()
    os.environ.pop("OCOP_WEBHOOK_URL", None)
    total = args.users * args.messages
    print(f"updates: {total} ({args.users} users x {args.messages}), concurrent updates: {CONCURRENT_UPDATES}, "
          f"rounds: {args.rounds}")
    drivers = {"sqlite": ["direct"], "sqlite-both": ["direct", "aiosqlite"]}.get(args.database, [""])
    echoes: list[float] = []
    ours: dict[str, list[float]] = {driver: [] for driver in drivers}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            # Alternate which runs first, so a machine getting busier or quieter favours neither.
            order = ["echo", *drivers] if round_ % 2 == 0 else [*reversed(drivers), "echo"]
            for what in order:
                if what == "echo":
                    echoes.append(await run_echo(args.users, args.messages))
                else:
                    url = f"sqlite+{what}:///{Path(folder) / f'bench-{round_}-{what}.db'}" if what else args.database
                    ours[what].append(await run_pipeline(args.users, args.messages, url))
            print(f"  round {round_ + 1}: echo {echoes[-1]:7.1f}  " + "  ".join(
                f"pipeline{'[' + d + ']' if d else ''} {ours[d][-1]:7.1f} (ratio {ours[d][-1] / echoes[-1]:.2f})"
                for d in drivers))
    echo = statistics.median(echoes)
    print(f"bare PTB echo bot:        {echo:8.1f} updates/s (median)")
    for driver in drivers:
        pipeline = statistics.median(ours[driver])
        ratios = sorted(o / e for o, e in zip(ours[driver], echoes, strict=True))
        label = f"sqlite+{driver}" if driver else "database"
        print(f"full pipeline ({label}):  {pipeline:8.1f} updates/s (median); ratio {pipeline / echo:.2f} "
              f"(aim >= 0.6; per round {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    asyncio.run(main())
