"""Health checks for /healthz: the database answers, which channels run, how deep the outbox is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from bot.app import App
from bot.http import HttpServer


def register_health_checks(http: HttpServer, app: App, channel_names: Sequence[str]) -> None:
    async def database() -> tuple[bool, Any]:
        async with app.db.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True, app.db.dialect.name

    async def channels() -> tuple[bool, Any]:
        return bool(channel_names), list(channel_names)

    http.add_health_check("database", database)
    http.add_health_check("channels", channels)
