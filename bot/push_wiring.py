"""Wiring of pushes: the outbox sources, the scheduler's ticks and the delivery worker, for `ocop-bot run`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.app import App
from bot.broadcasts.bulletin import BulletinSource
from bot.broadcasts.source import BroadcastSource
from bot.core.outbox import DirectSource, PruneSettledReplies, ReplySource, Source
from bot.officer.dossier_push import DossierSource
from bot.pushes.delivery import DeliveryWorker, release_dead_leases
from bot.pushes.ratelimit import share_budget
from bot.pushes.reminders import Reminders
from bot.pushes.scheduler import PushScheduler


def build_sources(app: App) -> dict[str, Source]:
    """{source name: renderer}: every kind of push the delivery worker can send."""
    settings = app.settings
    reminders = app.extras.get("reminders") or Reminders(app.sessions, app.content, app.i18n, settings.timezone,
                                                         (settings.quiet_start, settings.quiet_end))
    bulletins = app.extras.get("bulletins") or BulletinSource(app.i18n)
    app.extras.update(reminders=reminders, bulletins=bulletins)
    return {"reminder": reminders, "bulletin": bulletins, "broadcast": BroadcastSource(), "direct": DirectSource(),
            "reply": ReplySource(), "dossier": DossierSource(app.i18n, app.content)}


async def start_pushes(app: App, channels: Mapping[str, Any]) -> tuple[PushScheduler, DeliveryWorker]:
    """The delivery worker over these channels (their replies share its rate budget, replies first) and
    the scheduler ticking into the outbox. Run the worker with `worker.run(stop)`."""
    settings = app.settings
    sources = build_sources(app)
    worker = DeliveryWorker(app.sessions, channels, sources, timezone=settings.timezone,
                            quiet=(settings.quiet_start, settings.quiet_end),
                            concurrency=settings.delivery_concurrency, exclusive=True,
                            reply_lease_seconds=settings.reply_grace_seconds)
    await worker.load_limits()
    if app.db.dialect.name == "sqlite":  # one process: replies a killed process left are due now
        released = await release_dead_leases(app.sessions, app.engine.sender_id, worker.clock())
        if released:
            logging.getLogger(__name__).warning("%d replies left unsent by a stopped process: sending them now", released)
    for name, channel in channels.items():
        share_budget(channel, worker.limiters[name])
    from db.file_links import PruneExpiredFiles
    from db.repositories import PruneProcessedUpdates

    # each tick also forgets processed keys past redelivery, settled replies past a day and download links a
    # day past their expiry

    scheduler = PushScheduler(app.sessions, sources["reminder"], sources["bulletin"],  # type: ignore[arg-type]
                              PruneProcessedUpdates(), PruneSettledReplies(), PruneExpiredFiles(),
                              interval_seconds=settings.push_tick_seconds, on_enqueued=worker.wake.set)
    scheduler.start()
    return scheduler, worker
