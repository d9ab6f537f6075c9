"""Inbound events stored before they are acknowledged (issue 15).

A channel that must answer the platform before it can handle an event (Zalo: 200 within ~2 s) keeps the
event here first, answers, then handles it and calls `done`; a kill in between leaves the row, and the
channel's start handles what is `left`. The engine's dedup key makes handling twice harmless, so a row is
deleted after its update committed (a kill between the two only re-runs a dropped duplicate).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.messages import FileRef, Inbound, Kind
from db.models import InboundEvent


def encode_inbound(inbound: Inbound) -> dict[str, Any]:
    return dataclasses.asdict(inbound)


def decode_inbound(data: dict[str, Any]) -> Inbound:
    fields = {f.name for f in dataclasses.fields(Inbound)}
    values = {key: value for key, value in data.items() if key in fields}
    values["kind"] = Kind(values["kind"])
    if isinstance(values.get("file"), dict):
        file_fields = {f.name for f in dataclasses.fields(FileRef)}
        values["file"] = FileRef(**{k: v for k, v in values["file"].items() if k in file_fields})
    return Inbound(**values)


class Inbox:
    """The `Inbox` a channel is given (bot/channels/base.py), over the inbound_events table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def keep(self, inbound: Inbound) -> int:
        async with self.sessions() as session, session.begin():
            row = InboundEvent(channel=inbound.channel, dedup_key=inbound.dedup_key, data=encode_inbound(inbound))
            session.add(row)
            await session.flush()
            return row.id

    async def done(self, event_id: int) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(delete(InboundEvent).where(InboundEvent.id == event_id))

    async def left(self, channel: str) -> list[tuple[int, Inbound]]:
        """Events of `channel` stored and not yet handled, oldest first."""
        async with self.sessions() as session:
            rows = (await session.execute(select(InboundEvent).where(InboundEvent.channel == channel)
                                          .order_by(InboundEvent.id))).scalars().all()
        return [(row.id, decode_inbound(row.data)) for row in rows]
