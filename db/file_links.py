"""Files a user downloads by a short-lived link from the bot's own HTTP server (bot/file_links.py): stored
with the SHA-256 of the link's random token, never the token itself; refused once expired or fetched
`max_fetches` times; removed when they expire and with the user."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FileLink

KEPT_AFTER_EXPIRY = timedelta(days=1)
"""An expired link's row (and bytes) is deleted this long after it expires: meanwhile the page can still say
"expired, ask again" rather than "unknown link"."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Fetched:
    """What a link gives now: the file (name, mime, bytes) or, when `reason` is set, why not: "unknown",
    "expired" or "used_up". `locale` is the user's language when the link was made, for the page."""

    reason: str = ""
    name: str = ""
    mime: str = ""
    data: bytes = b""
    locale: str = ""


async def store_file(session: AsyncSession, user_id: int, name: str, mime: str, data: bytes, *, now: datetime,
                     minutes: int, locale: str) -> tuple[str, datetime]:
    """A new link for these bytes: (the token to put in the URL, when it expires)."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(minutes=minutes)
    session.add(FileLink(token_hash=digest(token), user_id=user_id, name=name[:200], mime=mime[:100],
                         size=len(data), data=data, locale=locale[:8], fetches=0, created_at=now, expires_at=expires))
    await session.flush()
    return token, expires


async def fetch_file(session: AsyncSession, token: str, *, now: datetime, max_fetches: int,
                     count: bool = True) -> Fetched:
    """The file behind `token`, counting this fetch (`count=False` for a HEAD request or a link preview)."""
    if not token or len(token) > 100:
        return Fetched("unknown")
    head = select(FileLink.id, FileLink.expires_at, FileLink.fetches, FileLink.locale).where(
        FileLink.token_hash == digest(token))
    row = (await session.execute(head)).one_or_none()
    if row is None:
        return Fetched("unknown")
    link_id, expires_at, fetches, locale = row
    if expires_at <= now:
        return Fetched("expired", locale=locale)
    if fetches >= max_fetches:
        return Fetched("used_up", locale=locale)
    if count:
        taken = await session.execute(update(FileLink).where(FileLink.id == link_id, FileLink.fetches < max_fetches)
                                      .values(fetches=FileLink.fetches + 1))
        if not taken.rowcount:
            return Fetched("used_up", locale=locale)  # other requests took the last fetches meanwhile
    name, mime, data = (await session.execute(
        select(FileLink.name, FileLink.mime, FileLink.data).where(FileLink.id == link_id))).one()
    return Fetched("", name, mime, data, locale)


async def delete_user_files(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(FileLink).where(FileLink.user_id == user_id))


class PruneExpiredFiles:
    """A scheduler source (bot/pushes/scheduler.py) that writes no push: each tick deletes the links expired
    more than KEPT_AFTER_EXPIRY ago, with their bytes."""

    def __init__(self, kept: timedelta = KEPT_AFTER_EXPIRY) -> None:
        self.kept = kept

    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        await session.execute(delete(FileLink).where(FileLink.expires_at < now - self.kept))
        return 0
