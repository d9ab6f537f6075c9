"""Sends an officer's broadcast to one recipient: its text, and its photo or document when it has one.

A broadcast with a file goes to thousands of producers on more than one platform, so:
- the bytes are read from the database once per broadcast and kept while it is sent, not per recipient;
- each platform gets the bytes ONCE. The first recipient on a channel gets them uploaded; the id the
  platform answers with (Telegram file_id, Zalo attachment id or token) is kept on the media row and
  used for every other recipient, by this process, by others, and after a restart. While that first
  upload is on its way, the other rows of that channel wait for it (at most UPLOAD_WAIT) rather than
  upload the same megabytes too. An id the platform no longer knows makes the channel send the bytes
  again (bot/channels/*: `Attachment.remote_id`), and the new id is kept.
- parts: where the platform shows a text under the photo (Telegram: a caption of up to 1,024
  characters) a short text is the caption, one message; otherwise the file, then the text, as two parts,
  each recorded as soon as it is sent (bot/pushes/delivery.py), so a retry never sends the file twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.broadcasts.media import load_media, remember_remote_id
from bot.channels import limits
from bot.core.messages import Attachment, Outgoing, Sent
from bot.core.outbox import Prepared, push_allowed
from db.models import OutboxMessage, User, utcnow

log = logging.getLogger(__name__)

SOURCE = "broadcast"
# Platform ids not reused after this long: Zalo keeps uploaded images about 7 days (UNCONFIRMED,
# third-party SDK docs). Telegram's file ids do not expire for the bot that got them.
REMOTE_ID_MAX_AGE = {"zalo": timedelta(days=6)}
UPLOAD_WAIT = 60.0  # seconds a row waits for another row's upload before sending the bytes itself
CACHED_FILES = 4  # broadcasts' files kept in memory (each at most a few MB)


def broadcast_parts(text: str, attachment: Attachment | None, channel: str) -> list[Outgoing]:
    """The messages one producer gets on `channel` (the officer's preview shows the same): the text goes
    WITH the file when the platform's caption takes it, else after it."""
    if attachment is None:
        return [Outgoing(text=text)]
    if len(text) <= limits.for_channel(channel).caption:
        return [Outgoing(text=text, attachment=attachment)]
    return [Outgoing(text="", attachment=attachment), Outgoing(text=text)]


@dataclass
class MediaBytes:
    """A broadcast's file as this process keeps it: the bytes and each channel's id for them."""

    id: int
    name: str
    is_image: bool
    data: bytes
    remote: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    without_ids: set[str] = field(default_factory=set)  # channels that gave no id back (console): no waiting

    def remote_id(self, channel: str, now: datetime) -> str:
        found = self.remote.get(channel)
        if found is None:
            return ""
        remote_id, at = found
        max_age = REMOTE_ID_MAX_AGE.get(channel)
        return "" if max_age is not None and now - at > max_age else remote_id

    def attachment(self, remote_id: str = "") -> Attachment:
        return Attachment(self.name, self.data, is_image=self.is_image, remote_id=remote_id)


def read_remote_ids(stored: dict[str, Any]) -> dict[str, tuple[str, datetime]]:
    found: dict[str, tuple[str, datetime]] = {}
    for channel, value in (stored or {}).items():
        try:
            at = datetime.fromisoformat(value["at"])
            found[channel] = (str(value["id"]), at if at.tzinfo else at.replace(tzinfo=UTC))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed entry is just not reused
    return found


class BroadcastSource:
    """A text written by an officer, with its photo or document, sent as it is. Rows carry
    {"text": ..., "media": broadcast_media id (optional)}."""

    name = SOURCE

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock
        self._files: OrderedDict[int, MediaBytes] = OrderedDict()
        self._loading = asyncio.Lock()
        self._uploads: dict[tuple[int, str], asyncio.Future[None]] = {}  # (media, channel): upload under way
        self.loads = 0  # files read from the database (tests: once per broadcast)

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        reason = await push_allowed(session, user, "broadcast", needs_consent=False)
        if reason:
            return Prepared(skip=reason)
        text = str(row.data.get("text", ""))
        media_id = row.data.get("media")
        if not media_id:
            return Prepared([Outgoing(text=text)])
        media = await self.media(session, int(media_id))
        if media is None:
            return Prepared(skip="attachment missing")
        sending = _RowWithFile(self, media, row.channel, text, row.parts_done, session.bind)  # type: ignore[arg-type]
        return Prepared(broadcast_parts(text, media.attachment(), row.channel), ready=sending.ready,
                        settled=sending.settled)

    async def media(self, session: AsyncSession, media_id: int) -> MediaBytes | None:
        """The file, read once (one row's session at a time reads it; the others find it cached)."""
        async with self._loading:
            media = self._files.get(media_id)
            if media is None:
                row = await load_media(session, media_id)
                if row is None:
                    return None
                self.loads += 1
                media = MediaBytes(row.id, row.name, row.is_image, bytes(row.data), read_remote_ids(row.remote_ids))
                self._files[media_id] = media
                while len(self._files) > CACHED_FILES:
                    self._files.popitem(last=False)
            self._files.move_to_end(media_id)
            return media

    async def id_or_turn(self, media: MediaBytes, channel: str) -> tuple[str, bool]:
        """(the platform's id to send by, False) — or ("", True): this row uploads and the others wait
        for it. ("", False) when waiting took too long: this row sends the bytes without holding others."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + UPLOAD_WAIT
        key = (media.id, channel)
        while True:
            remote_id = media.remote_id(channel, self.clock())
            if remote_id or channel in media.without_ids:
                return remote_id, False
            under_way = self._uploads.get(key)
            if under_way is None:
                self._uploads[key] = loop.create_future()
                return "", True
            try:
                await asyncio.wait_for(asyncio.shield(under_way), max(0.0, deadline - loop.time()))
            except TimeoutError:
                return "", False

    def upload_done(self, media: MediaBytes, channel: str) -> None:
        """The uploading row is done (its id kept, or it failed: then the next row waiting uploads)."""
        under_way = self._uploads.pop((media.id, channel), None)
        if under_way is not None and not under_way.done():
            under_way.set_result(None)

    async def keep_id(self, media: MediaBytes, channel: str, remote_id: str, engine: AsyncEngine | None) -> None:
        """Remember the platform's id for the file here and in the database (for other processes)."""
        now = self.clock()
        media.remote[channel] = (remote_id, now)
        if engine is None:
            return
        try:
            async with AsyncSession(engine) as session, session.begin():
                await remember_remote_id(session, media.id, channel, remote_id, now)
        except Exception:  # only a saving is lost: another process would upload once more
            log.warning("could not store the %s id of broadcast file %s", channel, media.id, exc_info=True)


@dataclass
class _RowWithFile:
    """One row's file: sent by the platform's id when known, else uploaded by this row or the first
    row of its channel (the others wait for that upload's id)."""

    source: BroadcastSource
    media: MediaBytes
    channel: str
    text: str
    parts_done: int
    engine: AsyncEngine | None
    uploads: bool = False

    async def ready(self) -> list[Outgoing]:
        if self.parts_done > 0:  # the file went out before a crash or retry: only the text is left
            return broadcast_parts(self.text, self.media.attachment(), self.channel)
        remote_id, self.uploads = await self.source.id_or_turn(self.media, self.channel)
        return broadcast_parts(self.text, self.media.attachment(remote_id), self.channel)

    async def settled(self, index: int, sent: Sent | None) -> None:
        new_id = sent.extra.get("file_id", "") if sent is not None and index == 0 else ""
        if new_id:  # the bytes were uploaded (first time, or the old id was refused): keep the new id
            await self.source.keep_id(self.media, self.channel, new_id, self.engine)
        elif sent is not None and index == 0 and self.uploads:  # sent, but this channel has no ids to reuse
            self.media.without_ids.add(self.channel)
        if self.uploads:
            self.uploads = False
            self.source.upload_done(self.media, self.channel)
