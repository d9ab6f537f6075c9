"""`ocop-bot run`: starts the configured channels on one event loop and stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import App
from bot.channels.base import Channel
from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)


async def run_forever(settings: Settings) -> None:
    from bot.channels.telegram import TelegramChannel
    from bot.http import HttpServer

    channels: list[Channel] = []
    if settings.telegram_token:
        settings.require_telegram()
    if settings.zalo_app_id:
        settings.require_zalo()
    if not settings.telegram_token and not settings.zalo_app_id:
        raise ConfigError("no channel is configured: set OCOP_TELEGRAM_TOKEN or OCOP_ZALO_APP_ID "
                          "(or use `ocop-bot chat` to try the bot)")
    app = await App.create(settings)
    http = HttpServer(settings.http_host, settings.http_port)
    if settings.telegram_token:
        telegram = TelegramChannel(app.engine.handle_all, settings, http=http, command_texts=app.command_texts())
        channels.append(telegram)
    if settings.zalo_app_id:
        from bot.zalo_setup import build_zalo_channel

        channels.append(build_zalo_channel(app, http, {c.name: c for c in channels}))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.broadcast_progress import BroadcastProgress
    from bot.pushes import start_pushes

    pushes = None
    try:
        for channel in channels:
            await channel.start()
        await http.start()
        # Pushes: the scheduler ticks reminders and bulletins into the outbox; the worker sends them.
        scheduler, worker = await start_pushes(app, {c.name: c for c in channels})
        pushes = (scheduler, asyncio.create_task(worker.run(stop)))
        progress = asyncio.create_task(BroadcastProgress.for_app(app, {c.name: c for c in channels}).run(stop))  # noqa: F841
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
