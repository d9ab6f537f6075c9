"""Wiring: settings → database → content → catalogs → engine; `connect` plugs a channel into what the
handlers use of it (file downloads). Which channels run is decided in bot/runner.py."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.content import Content, load_content
from bot.core.config import ConfigError, Settings
from bot.core.downloads import register_downloader
from bot.core.engine import Engine
from bot.core.i18n import I18n
from db.errors import is_retryable
from db.migrate import upgrade
from db.session import create_engine, session_factory
from handlers import build_router

log = logging.getLogger(__name__)


class DatabaseNotReady(ConfigError):
    """The database could not be reached at start-up within OCOP_DB_STARTUP_WAIT_SECONDS, or refused us
    for a reason waiting does not fix (a wrong password, a database that does not exist)."""


async def wait_for_database(db: AsyncEngine, seconds: float, *, pause: float = 1.0) -> None:
    """Start-up: wait until the database answers, one clear line per try (no traceback), and give up
    after `seconds` with DatabaseNotReady (the command exits non-zero with its message). An error that
    waiting does not fix (db/errors.py: not "retry later") gives up at once."""
    deadline = time.monotonic() + seconds
    tries = 0
    while True:
        tries += 1
        try:
            async with db.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
            if tries > 1:
                log.warning("the database answers now (after %d tries)", tries)
            return
        except Exception as exc:  # noqa: BLE001 - classified below
            reason = _one_line(exc)
            if not is_retryable(exc):
                raise DatabaseNotReady(f"the database refused the connection: {reason} (check OCOP_DATABASE_URL)") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise DatabaseNotReady(f"the database was not reachable for {seconds:.0f} s: {reason} "
                                       "(is it running? OCOP_DATABASE_URL, OCOP_DB_STARTUP_WAIT_SECONDS)") from None
            log.warning("waiting for the database (%s); trying again, %.0f s left", reason, left)
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 5.0)


def _one_line(exc: BaseException) -> str:
    """The innermost reason, on one line, without the SQL or a URL's password."""
    inner = getattr(exc, "orig", None) or exc.__cause__ or exc
    text = " ".join(str(inner).split())[:200]
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__


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
        await wait_for_database(db, settings.db_startup_wait_seconds)
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
