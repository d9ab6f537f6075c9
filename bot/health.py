"""Health checks for /healthz: the database answers, which channels run, how deep the outbox is, and
which channels this process sends pushes on (one process per channel, bot/pushes/leader.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import text

from bot.app import App
from bot.core.http import HttpServer
from bot.pushes.delivery import DeliveryWorker, backlog
from db.models import utcnow


def register_health_checks(http: HttpServer, app: App, channel_names: Sequence[str],
                           worker: DeliveryWorker | None = None) -> None:
    settings = app.settings

    async def database() -> tuple[bool, Any]:
        async with app.db.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True, app.db.dialect.name

    async def channels() -> tuple[bool, Any]:
        return bool(channel_names), list(channel_names)

    async def outbox() -> tuple[bool, Any]:
        """Unhealthy when too much is due, or something due waits too long (a stuck or absent sender)."""
        now = utcnow()
        due, oldest = await backlog(app.sessions, now, (settings.quiet_start, settings.quiet_end), settings.timezone)
        if oldest is not None and oldest.tzinfo is None:  # SQLite returns naive UTC
            oldest = oldest.replace(tzinfo=UTC)
        waited = (now - oldest).total_seconds() if oldest is not None else 0.0
        ok = due <= settings.outbox_backlog_max and waited <= timedelta(minutes=settings.outbox_backlog_minutes).total_seconds()
        return ok, {"due": due, "oldest_due_seconds": round(waited)}

    http.add_health_check("database", database)
    http.add_health_check("channels", channels)
    http.add_health_check("outbox", outbox)
    if worker is not None:
        async def delivery() -> tuple[bool, Any]:
            """Which channels this process sends pushes on; a standby process is healthy too."""
            leader = worker.leader
            sending = sorted(leader.held()) if leader is not None else sorted(worker.channels)
            return True, {"sending_on": sending, "standby_on": sorted(set(worker.channels) - set(sending))}

        http.add_health_check("delivery", delivery)
