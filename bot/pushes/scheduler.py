"""APScheduler is only the clock: one periodic job runs `tick`, which asks every source of timed pushes
(reminders, bulletins: anything with `enqueue_due`) to write the outbox rows now due, then wakes the
delivery worker.

There is never one scheduler job per reminder (those would live in memory and be lost on restart, PTB
#974): the database is the schedule. Ticks are idempotent (unique outbox keys), so several processes on
one PostgreSQL may all tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import utcnow

log = logging.getLogger(__name__)


class TimedSource(Protocol):
    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        """Write the outbox rows due at `now` (once: keys are unique); returns how many."""
        ...


class PushScheduler:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *sources: TimedSource,
                 interval_seconds: int = 300, on_enqueued: Callable[[], None] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sessions = sessions
        self.sources = sources
        self.interval_seconds = interval_seconds
        self.on_enqueued = on_enqueued
        self.clock = clock
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self, now: datetime | None = None) -> int:
        """Enqueue everything due at `now` (default: the clock). Returns rows written."""
        now = now or self.clock()
        async with self.sessions() as session, session.begin():
            written = 0
            for source in self.sources:
                written += await source.enqueue_due(session, now)
        if written and self.on_enqueued:
            self.on_enqueued()
        return written

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:
            log.exception("push tick failed; the next tick tries again")

    def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(self._safe_tick, "interval", seconds=self.interval_seconds, id="push-tick",
                                next_run_time=datetime.now().astimezone() + timedelta(seconds=1),
                                max_instances=1, coalesce=True, misfire_grace_time=self.interval_seconds)
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
