"""The per-channel sending lock (bot/pushes/leader.py) on PostgreSQL: one holder, taken over when released, and
the rows a previous sender left `sending` put back once the new one has settled."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from bot.app import App
from bot.pushes.leader import ChannelLeader
from db.models import OutboxMessage, utcnow
from tests.pushes_support import add_producers, broadcast

pytestmark = pytest.mark.postgres


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def postgres_only(database):  # noqa: ANN001, ANN201 - the conftest fixture, PostgreSQL parameter only
    if database.backend != "postgres":
        pytest.skip("advisory locks are PostgreSQL's")
    return database


async def test_one_holder_per_channel_and_takeover_after_settling(postgres_only, app: App) -> None:  # noqa: ANN001
    channel = f"tg-{uuid.uuid4().hex[:8]}"  # advisory locks are database-wide: a name of this test's own
    users = await add_producers(app.sessions, range(1, 4), channel=channel)
    await broadcast(app.sessions, users, due=utcnow())
    async with app.sessions() as session, session.begin():  # a dead sender's claims
        for row in (await session.execute(select(OutboxMessage))).scalars():
            row.status, row.lease_owner, row.lease_until = "sending", "dead-worker", utcnow()
    clock = Clock()
    first = ChannelLeader(app.db, [channel], "w-first", retry_seconds=1, settle_seconds=5, clock=clock)
    second = ChannelLeader(app.db, [channel], "w-second", retry_seconds=1, settle_seconds=5, clock=clock)
    try:
        assert await first.refresh() == set() and first.held() == [channel]  # holds it, settling
        assert await second.refresh() == set() and second.held() == []
        clock.now = 4.0
        assert await first.refresh() == set()
        clock.now = 5.0
        assert await first.refresh() == {channel}
        async with app.sessions() as session:
            rows = (await session.execute(select(OutboxMessage))).scalars().all()
        assert {(r.status, r.lease_owner) for r in rows} == {("pending", None)}
        await first.release()
        assert first.leading == set()
        clock.now = 6.0
        assert await second.refresh() == set() and second.held() == [channel]
        clock.now = 11.0
        assert await second.refresh() == {channel}
        assert await first.refresh(force=True) == set() and first.held() == []
    finally:
        await first.release()
        await second.release()
