"""`ocop-bot run`: starts the configured channels on one event loop and stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import App
from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)


async def run_forever(settings: Settings) -> None:
    from bot.channels.telegram import TelegramChannel
    from bot.http import HttpServer

    channels = []
    if settings.telegram_token:
        settings.require_telegram()
    else:
        raise ConfigError("no channel is configured: set OCOP_TELEGRAM_TOKEN (or use `ocop-bot chat` to try the bot)")
    app = await App.create(settings)
    http = HttpServer(settings.http_host, settings.http_port)
    telegram = TelegramChannel(app.engine.handle, settings, http=http, command_texts=app.command_texts())
    channels.append(telegram)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.pushes import start_pushes

    pushes = None
    try:
        for channel in channels:
            await channel.start()
        await http.start()
        # Pushes: the scheduler ticks reminders and bulletins into the outbox; the worker sends them.
        scheduler, worker = await start_pushes(app, {c.name: c for c in channels})
        pushes = (scheduler, asyncio.create_task(worker.run(stop)))
        log.info("running: %s", ", ".join(c.name for c in channels))
        await stop.wait()
    finally:
        if pushes is not None:
            pushes[0].stop()
            await pushes[1]
        await http.stop()
        for channel in reversed(channels):
            await channel.stop()
        await app.close()
