"""`ocop-bot deliver`: a delivery worker on its own (a second process, crash tests, benchmarks).

Settings come from OCOP_* variables like `ocop-bot run`; `--schema` puts a PostgreSQL connection on a
schema (tests give every test its own). Telegram is used send-only: no polling, no webhook.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from bot.core.config import Settings


def add_commands(commands: Any) -> None:
    """Add `deliver` to the `ocop-bot` parser."""
    parser = commands.add_parser("deliver", help="run a delivery worker on its own (no channel receives)",
                                 description=__doc__)
    parser.add_argument("--schema", default="", help="PostgreSQL schema to work in")
    parser.add_argument("--until-idle", action="store_true", help="stop when nothing is due")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--lease", type=float, default=120.0, help="seconds a claimed row stays ours")
    parser.add_argument("--no-quiet-hours", action="store_true", help="send even in quiet hours (tests)")
    parser.set_defaults(func=lambda args: asyncio.run(amain(args)) or 0)


async def amain(args: argparse.Namespace) -> None:
    from bot.app import App
    from bot.channels.telegram import TelegramChannel
    from bot.push_wiring import build_sources
    from bot.pushes.delivery import DeliveryWorker
    from db.session import create_engine

    settings = Settings()
    kwargs = {"connect_args": {"server_settings": {"search_path": args.schema}}} if args.schema else {}
    app = await App.create(settings, db=create_engine(settings.database_url, **kwargs), migrate=False)

    async def no_updates(_inbound: object, _limits: object) -> None:
        raise RuntimeError("a send-only channel receives nothing")

    telegram = TelegramChannel(no_updates, settings)  # type: ignore[arg-type]
    await telegram.application.initialize()
    worker = DeliveryWorker(app.sessions, {"telegram": telegram}, build_sources(app), timezone=settings.timezone,
                            quiet=None if args.no_quiet_hours else (settings.quiet_start, settings.quiet_end),
                            concurrency=args.concurrency, lease_seconds=args.lease)
    try:
        if args.until_idle:
            await worker.run_until_idle()
        else:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await worker.run(stop)
    finally:
        await telegram.application.shutdown()
        await app.close()
    print(dict(worker.stats), flush=True)
