"""Wiring: settings → database → content → catalogs → engine; `connect` plugs a channel into what the
handlers use of it (file downloads). Which channels run is decided in bot/runner.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.content import Content, load_content
from bot.core.config import Settings
from bot.core.downloads import register_downloader
from bot.core.engine import Engine
from bot.core.i18n import I18n
from db.migrate import upgrade
from db.session import create_engine, session_factory
from handlers import build_router

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    content: Content
    i18n: I18n
    engine: Engine
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    async def create(cls, settings: Settings, *, migrate: bool = True, db: AsyncEngine | None = None,
                     **engine_kwargs: Any) -> App:
        """Build everything and create/upgrade the schema first (unless `migrate=False`).

        `db` lets tests hand in an engine bound to their own PostgreSQL schema."""
        content = load_content(settings.content_dir)
        i18n = I18n(Path(content.root) / "locale", settings.timezone)
        db = db or create_engine(settings.database_url)
        if migrate:
            await upgrade(db)
        sessions = session_factory(db)
        if migrate:  # OCOP_OFFICERS already in the database become officers now, not at their next message
            from bot.officer.roles import apply_configured_officers

            await apply_configured_officers(sessions, settings.officer_ids())
        engine = Engine(sessions, build_router(), content, i18n, settings, **engine_kwargs)
        return cls(settings, db, sessions, content, i18n, engine)

    def command_texts(self) -> dict[str, dict[str, str]]:
        """Telegram's command menu in each language (default = the default locale)."""
        from handlers.producer.menu import COMMANDS

        texts = {loc: {name: self.i18n.translator(loc)(msgid) for name, msgid in COMMANDS.items()} for loc in ("vi", "en")}
        texts["default"] = texts[self.settings.default_locale]
        return texts

    def connect(self, channel: Any) -> Any:
        """Let handlers read files users send on `channel` (a channel with `download(file_id)`); returns it."""
        download = getattr(channel, "download", None)
        if download is not None:
            register_downloader(channel.name, download)
        return channel

    async def close(self) -> None:
        await self.db.dispose()
