"""The officer's progress message for a running broadcast: sent once by this task through the officer's
channel (its message id stored on the broadcast), then edited in place as the delivery worker works
(sent / of total / blocked / failed), and a final report when every row has an outcome.

A channel without `edit_text` gets only the final report. The task reads outbox counts by
source_key; it never sends to producers (the delivery worker does).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.operations import CANCELLED, DONE, RUNNING, SCHEDULED, counts
from bot.core.i18n import I18n
from bot.core.messages import Outgoing, Purpose
from bot.core.outbox import BLOCKED, FAILED, PENDING, REFUSED, SENT, SKIPPED
from db.models import Broadcast, User, utcnow

log = logging.getLogger(__name__)


def progress_numbers(broadcast: Broadcast, by_status: Counter[str]) -> dict[str, int]:
    return {"id": broadcast.id, "total": broadcast.total, "sent": by_status[SENT], "blocked": by_status[BLOCKED],
            "failed": by_status[FAILED] + by_status[REFUSED], "skipped": by_status[SKIPPED],
            "pending": by_status[PENDING]}


class BroadcastProgress:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], channels: Mapping[str, Any], i18n: I18n, *,
                 clock: Callable[[], datetime] = utcnow, interval_seconds: float = 2.0) -> None:
        self.sessions = sessions
        self.channels = dict(channels)
        self.i18n = i18n
        self.clock = clock
        self.interval_seconds = interval_seconds

    @classmethod
    def for_app(cls, app: Any, channels: Mapping[str, Any]) -> BroadcastProgress:
        return cls(app.sessions, channels, app.i18n)

    async def run(self, stop: asyncio.Event) -> None:
        """Update every due broadcast's progress message until `stop` is set."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("broadcast progress failed; trying again")
            try:
                await asyncio.wait_for(stop.wait(), self.interval_seconds)
            except TimeoutError:
                pass

    async def tick(self) -> int:
        """Show progress of every broadcast that is due and not yet reported as finished."""
        now = self.clock()
        async with self.sessions() as session:
            recently = Broadcast.status.in_((DONE, CANCELLED)) & Broadcast.status_message_id.is_not(None) \
                & (Broadcast.finished_at > now - timedelta(hours=1))  # a final edit that failed is tried again
            query = select(Broadcast.id).where(Broadcast.due_at <= now,
                                               Broadcast.status.in_((SCHEDULED, RUNNING)) | recently)
            ids = list((await session.execute(query)).scalars())
        shown = 0
        for broadcast_id in ids:
            shown += await self.update_one(broadcast_id, now)
        return shown

    async def update_one(self, broadcast_id: int, now: datetime) -> int:
        async with self.sessions() as session, session.begin():
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.progress.get("final"):
                return 0
            numbers = progress_numbers(broadcast, await counts(session, broadcast.id))
            finished = broadcast.status == CANCELLED or numbers["pending"] == 0
            if broadcast.status == SCHEDULED:
                broadcast.status = RUNNING
            if finished and broadcast.status == RUNNING:
                broadcast.status, broadcast.finished_at = DONE, now
            officer = await session.get(User, broadcast.officer_id) if broadcast.officer_id else None
            if officer is None or officer.channel not in self.channels:
                broadcast.progress = {**numbers, "final": finished}
                return 0
            if numbers == {k: v for k, v in broadcast.progress.items() if k != "final"} and not finished:
                return 0
            t = self.i18n.translator(officer.locale)
            msgid = ("broadcast.report_cancelled" if broadcast.status == CANCELLED else
                     "broadcast.report_done" if finished else "broadcast.progress")
            message = Outgoing(text=t(msgid, **numbers))
            channel = self.channels[officer.channel]
            can_edit = hasattr(channel, "edit_text")
            shown = 0
            try:
                if can_edit and broadcast.status_message_id not in (None, "-"):
                    await channel.edit_text(officer.channel_user_id, broadcast.status_message_id, message)
                    shown = 1
                elif finished or (can_edit and broadcast.status_message_id is None):
                    sent = await channel.send(officer.channel_user_id, message, Purpose.REPLY)
                    broadcast.status_message_id, shown = sent.message_id or "-", 1
            except Exception:
                log.warning("progress message for broadcast %s not shown; next tick tries again", broadcast.id)
                return 0
            broadcast.progress = {**numbers, "final": finished}
            return shown
