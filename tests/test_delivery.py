"""The delivery worker against the stand-in Bot API through the real python-telegram-bot client:
each row sent once, 429 pauses then delivers, 5xx retried, 403 deactivates, refusals not retried,
and two workers on one PostgreSQL never send the same row."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import App
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from db.models import OutboxMessage, User
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.pushes_support import (
    add_producers,
    broadcast,
    deliver_all,
    send_only_telegram,
    set_limit,
    statuses,
)


@pytest.fixture
async def push_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database), db=database.engine())
    yield application
    await application.close()


async def make_worker(app: App, api: FakeBotApi, **kwargs: object) -> DeliveryWorker:
    channel = await send_only_telegram(api)
    kwargs.setdefault("backoff_seconds", 0.2)
    return DeliveryWorker(app.sessions, {"telegram": channel}, build_sources(app), **kwargs)  # type: ignore[arg-type]


async def test_each_recipient_gets_one_message(push_app: App) -> None:
    users = await add_producers(push_app.sessions, range(1001, 1061))
    await broadcast(push_app.sessions, users)
    await broadcast(push_app.sessions, users)  # the same source again: no second row
    await set_limit(push_app.sessions, "telegram", 200)
    async with FakeBotApi() as api:
        worker = await make_worker(push_app, api)
        await deliver_all(worker, push_app.sessions)
        assert dict(api.delivered) == {chat: 1 for chat in range(1001, 1061)}
        assert api.sent_texts(1001) == ["Thông báo b1 cho 1001"]
    assert await statuses(push_app.sessions) == {"sent": 60}


async def test_429_pauses_the_channel_and_5xx_is_retried_until_everything_arrives(push_app: App) -> None:
    users = await add_producers(push_app.sessions, range(2001, 2021))
    await broadcast(push_app.sessions, users)
    await set_limit(push_app.sessions, "telegram", 100)
    async with FakeBotApi() as api:
        api.fail_next(3, status=429, retry_after=1)
        api.fail_next(4, status=502)
        worker = await make_worker(push_app, api)
        await deliver_all(worker, push_app.sessions)
        assert dict(api.delivered) == {chat: 1 for chat in range(2001, 2021)}
        refused_429 = [c for c in api.sent(include_failed=True) if c.status == 429]
        first_ok_after_429 = min(c.time for c in api.sent() if c.time > refused_429[-1].time)
        assert first_ok_after_429 - refused_429[-1].time >= 0.95  # the whole channel waited retry_after
    assert worker.stats["throttled"] == 3 and worker.stats["retried"] == 4
    assert await statuses(push_app.sessions) == {"sent": 20}
    async with push_app.sessions() as session:
        attempts = sorted((await session.execute(select(OutboxMessage.attempts))).scalars())
    assert sum(attempts) == 4  # 429s are not failures; each 5xx counts once


async def test_blocked_user_is_deactivated_and_gets_nothing_more(push_app: App) -> None:
    users = await add_producers(push_app.sessions, [3001, 3002, 3003])
    await broadcast(push_app.sessions, users, "first")
    async with FakeBotApi() as api:
        api.blocked_chats.add(3002)
        worker = await make_worker(push_app, api)
        await deliver_all(worker, push_app.sessions)
        await broadcast(push_app.sessions, users, "second")
        await deliver_all(worker, push_app.sessions)
        assert dict(api.delivered) == {3001: 2, 3003: 2}
        assert len(api.sent(3002, include_failed=True)) == 1  # one 403, never retried
    async with push_app.sessions() as session:
        blocked = (await session.execute(select(User).where(User.channel_user_id == "3002"))).scalar_one()
        rows = (await session.execute(select(OutboxMessage.status).where(OutboxMessage.user_id == blocked.id))).scalars()
        assert blocked.active is False
        assert sorted(rows) == ["blocked", "skipped"]


async def test_refused_and_repeated_failures_are_recorded_not_retried_forever(push_app: App) -> None:
    users = await add_producers(push_app.sessions, [4001, 4002])
    await broadcast(push_app.sessions, users[:1], "refused")
    async with FakeBotApi() as api:
        api.fail_next(1, status=400, description="Bad Request: message is too long")
        worker = await make_worker(push_app, api, max_attempts=3)
        await deliver_all(worker, push_app.sessions)
        await broadcast(push_app.sessions, users[1:], "failing")
        api.fail_next(3, status=500)
        await deliver_all(worker, push_app.sessions)
        assert not api.delivered
        assert len(api.sent(4002, include_failed=True)) == 3
    assert await statuses(push_app.sessions) == {"refused": 1, "failed": 1}
    async with push_app.sessions() as session:
        details = dict((await session.execute(select(OutboxMessage.status, OutboxMessage.outcome_detail))).all())
    assert details["failed"].startswith("after 3 tries")


async def test_quiet_hours_hold_pushes_until_morning(push_app: App) -> None:
    from datetime import UTC, datetime

    users = await add_producers(push_app.sessions, [5001])
    await broadcast(push_app.sessions, users, due=datetime(2026, 11, 28, 14, 0, tzinfo=UTC))  # 21:00 local
    night = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)  # 23:00 in Đồng Tháp
    async with FakeBotApi() as api:
        worker = await make_worker(push_app, api, quiet=(push_app.settings.quiet_start, push_app.settings.quiet_end),
                                   clock=lambda: night)
        await worker.run_until_idle()
        assert not api.delivered
        worker.clock = lambda: datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # 07:00 local
        await worker.run_until_idle()
        assert dict(api.delivered) == {5001: 1}


@pytest.mark.postgres
async def test_two_workers_on_one_postgres_never_send_the_same_row(tmp_path: object) -> None:
    database = Database("postgres", tmp_path)  # type: ignore[arg-type]
    await database.create()
    apps = []
    try:
        apps = [await App.create(make_settings(database), db=database.engine()) for _ in range(2)]
        users = await add_producers(apps[0].sessions, range(6001, 6401))
        await broadcast(apps[0].sessions, users)
        await set_limit(apps[0].sessions, "telegram", 400)
        async with FakeBotApi() as api:
            workers = [await make_worker(app, api, concurrency=8) for app in apps]
            await asyncio.gather(*(deliver_all(w, app.sessions) for w, app in zip(workers, apps, strict=True)))
            assert dict(api.delivered) == {chat: 1 for chat in range(6001, 6401)}
        assert all(w.stats["sent"] > 50 for w in workers), [w.stats for w in workers]
        assert sum(w.stats["sent"] for w in workers) == 400
        assert await statuses(apps[0].sessions) == {"sent": 400}
    finally:
        for app in apps:
            await app.close()
        await database.drop()
