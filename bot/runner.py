"""`ocop-bot run`: starts the configured channels on one event loop and stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from bot.app import App
from bot.channels.base import Channel
from bot.core.config import ConfigError, Settings

if TYPE_CHECKING:
    from bot.core.http import HttpServer
    from bot.pushes.scheduler import PushScheduler

log = logging.getLogger(__name__)


async def run_forever(settings: Settings) -> None:
    from bot.channels.telegram import TelegramChannel
    from bot.core.http import HttpServer

    channels: list[Channel] = []
    if settings.telegram_token:
        settings.require_telegram()
    if settings.zalo_app_id:
        settings.require_zalo()
    if not settings.telegram_token and not settings.zalo_app_id:
        raise ConfigError("no channel is configured: set OCOP_TELEGRAM_TOKEN or OCOP_ZALO_APP_ID "
                          "(or use `ocop-bot chat` to try the bot)")
    settings.require_web()
    app = await App.create(settings)
    http = HttpServer(settings.http_host, settings.http_port)
    from bot.file_links import mount_file_links

    mount_file_links(http, app)  # /files/{token}: the dossier ZIP where a platform cannot carry it
    if settings.web_enabled:  # the officers' web console at /web (bot/web/), beside the webhooks
        from bot.web import mount_web_console

        mount_web_console(http, app)
    if settings.telegram_token:
        telegram = app.connect(TelegramChannel(app.engine.handle, settings, http=http, command_texts=app.command_texts()))
        channels.append(telegram)
    if settings.zalo_app_id:
        from bot.zalo_setup import build_zalo_channel

        channels.append(build_zalo_channel(app, http, {c.name: c for c in channels}))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from bot.broadcasts.progress import BroadcastProgress
    from bot.health import register_health_checks
    from bot.push_wiring import start_pushes

    scheduler = None
    sending: asyncio.Task[None] | None = None
    progress: asyncio.Task[None] | None = None
    try:
        for channel in channels:
            await channel.start()
        # Pushes: the scheduler ticks reminders and bulletins into the outbox; the worker sends them
        # (on PostgreSQL only the process holding a channel's lock sends on it: bot/pushes/leader.py).
        scheduler, worker = await start_pushes(app, {c.name: c for c in channels})
        register_health_checks(http, app, [c.name for c in channels], worker)
        sending = asyncio.create_task(worker.run(stop))
        progress = asyncio.create_task(BroadcastProgress.for_app(app, {c.name: c for c in channels}).run(stop))
        await http.start()
        log.info("running: %s", ", ".join(c.name for c in channels))
        await stop.wait()
        log.info("stopping: finishing the updates and sends in flight")
    finally:
        stop.set()
        if progress is not None:  # the officers' broadcast progress ends on the stop event, channels still open
            await asyncio.gather(progress, return_exceptions=True)
        await _stop_gracefully(stop, http, scheduler, sending, channels)
        await app.close()
        log.info("stopped")


async def _stop_gracefully(stop: asyncio.Event, http: HttpServer, scheduler: PushScheduler | None,
                           sending: asyncio.Task[None] | None, channels: list[Channel]) -> None:
    """SIGTERM: no new work, then the work in flight ends, then the connections close. The HTTP server
    stops listening first and waits for the webhook requests it already has (each answered only after
    its update is committed); at the same time the delivery worker stops claiming and finishes the sends
    it holds. Only then do the channels and the database close: nothing is left half-saved."""
    stop.set()
    if scheduler is not None:
        scheduler.stop()
    waits: list[Awaitable[None]] = [http.stop()]
    if sending is not None:
        waits.append(sending)
    results = await asyncio.gather(*waits, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            log.error("while stopping: %r", result)
    for channel in reversed(channels):
        await channel.stop()  # Zalo: events answered with 200 are handled before it returns
