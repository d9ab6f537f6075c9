"""Helpers shared by the reminder, bulletin and delivery tests: producers straight into the database, a
send-only Telegram channel on the stand-in Bot API, outbox counts, and running a worker until done."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.core.config import Settings
from bot.core.messages import Outgoing, Purpose, Sent
from bot.core.outbox import PENDING, SENDING, enqueue, outbox_row
from bot.pushes.delivery import DeliveryWorker
from db.models import ChannelLimit, OutboxMessage, Profile, User
from tests.fakes import FakeBotApi

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


async def add_producer(session: AsyncSession, chat_id: int | str, *, channel: str = "telegram", locale: str = "vi",
                       consent: bool = True, group: str | None = "thuc-pham", producer_type: str | None = "htx",
                       notifications: bool = True) -> User:
    user = User(channel=channel, channel_user_id=str(chat_id), locale=locale, role="producer",
                consent_at=T0 if consent else None, active=True, notifications=notifications,
                created_at=T0, last_seen_at=T0)
    session.add(user)
    await session.flush()
    if consent:
        session.add(Profile(user_id=user.id, org_name=f"HTX {chat_id}", producer_type=producer_type,
                            product_group=group, updated_at=T0))
    return user


async def add_producers(sessions: async_sessionmaker[AsyncSession], chat_ids: range | list[int], **kwargs: Any) -> list[User]:
    async with sessions() as session, session.begin():
        return [await add_producer(session, chat, **kwargs) for chat in chat_ids]


async def broadcast(sessions: async_sessionmaker[AsyncSession], users: list[User], key: str = "b1",
                    due: datetime = T0) -> None:
    """One officer broadcast row per user (the simplest source), due at `due`."""
    async with sessions() as session, session.begin():
        await enqueue(session, [outbox_row("broadcast", f"broadcast:{key}", u, Purpose.BROADCAST, due,
                                           {"text": f"Thông báo {key} cho {u.channel_user_id}"}) for u in users])


async def set_limit(sessions: async_sessionmaker[AsyncSession], channel: str, per_second: float,
                    per_chat: float = 1.0) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(ChannelLimit).where(ChannelLimit.channel == channel)
                              .values(per_second=per_second, per_chat_per_second=per_chat))


async def statuses(sessions: async_sessionmaker[AsyncSession], source: str | None = None) -> Counter[str]:
    """Outbox rows by status (of one `source` only, e.g. "broadcast": replies are outbox rows too)."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if source is not None:
        query = query.where(OutboxMessage.source == source)
    async with sessions() as session:
        rows = await session.execute(query)
        return Counter({status: count for status, count in rows.all()})


async def send_only_telegram(api: FakeBotApi) -> TelegramChannel:
    settings = Settings(telegram_token=api.token, telegram_api_url=api.base_url,
                        telegram_file_url=api.file_base_url, _env_file=None)  # type: ignore[call-arg]

    async def no_updates(_inbound: object) -> list[Outgoing]:
        return []

    channel = TelegramChannel(no_updates, settings)
    await channel.application.initialize()
    return channel


async def deliver_all(worker: DeliveryWorker, sessions: async_sessionmaker[AsyncSession], seconds: float = 30.0) -> None:
    """Run the worker's real loop until no row is pending or sending (retries and pauses included)."""
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(seconds):
            while True:
                left = await statuses(sessions)
                if not left[PENDING] and not left[SENDING]:
                    break
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task


@dataclass
class RecordingChannel:
    """An in-process channel for clock-driven tests: records what was sent, when (by the test's clock)."""

    clock: Any
    name: str = "telegram"
    sent: list[tuple[str, str, datetime]] = field(default_factory=list)

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        self.sent.append((user_id, message.text, self.clock()))
        return Sent(message_id=str(len(self.sent)))
