"""A broadcast to 2,000 producers through the real python-telegram-bot and the stand-in Bot API (SQLite
and PostgreSQL): the officer's progress message is sent once and edited in place, the final report's
numbers equal what the server received, and blocked users count as blocked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import App
from bot.broadcasts.operations import create_broadcast
from bot.broadcasts.progress import BroadcastProgress
from bot.officer.roles import set_role
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from db.models import Broadcast, utcnow
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.pushes_support import add_producers, deliver_all, send_only_telegram, set_limit

OFFICER_CHAT = 999
PRODUCERS = range(500_000, 502_000)
BLOCKED = {500_007, 500_700, 501_234, 501_999}


@pytest.fixture
async def push_app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database), db=database.engine())
    yield application
    await application.close()


async def test_broadcast_to_2000_producers_reports_progress_in_place(push_app: App) -> None:
    await add_producers(push_app.sessions, PRODUCERS)
    async with push_app.sessions() as session, session.begin():
        officer = await set_role(session, "telegram", str(OFFICER_CHAT), "officer")
        officer.locale = "en"
        broadcast = await create_broadcast(session, push_app.content, officer_id=officer.id,
                                           text="Hội chợ OCOP mở đăng ký", segment={}, due_at=utcnow())
    assert broadcast.total == 2000
    await set_limit(push_app.sessions, "telegram", 1000)
    async with FakeBotApi(overall_per_second=1000) as api:
        api.blocked_chats.update(BLOCKED)
        channel = await send_only_telegram(api)
        worker = DeliveryWorker(push_app.sessions, {"telegram": channel}, build_sources(push_app), concurrency=32)
        progress = BroadcastProgress(push_app.sessions, {"telegram": channel}, push_app.i18n, interval_seconds=0.2)
        stop = asyncio.Event()
        ticking = asyncio.create_task(progress.run(stop))
        try:
            await deliver_all(worker, push_app.sessions, seconds=120)
        finally:
            stop.set()
            await ticking
        await progress.tick()  # the final report, if the running task had not shown it yet
        assert await status_of(push_app, broadcast.id) == "done"
        producers_got = sum(n for chat, n in api.delivered.items() if chat != OFFICER_CHAT)
        [first] = api.sent(OFFICER_CHAT)
        edits = api.calls_to("editMessageText")
    assert producers_got == 2000 - len(BLOCKED)
    assert set(api.delivered) - {OFFICER_CHAT} == set(PRODUCERS) - BLOCKED
    assert len(edits) >= 2 and all(e.ok for e in edits)
    assert {(e.chat_id, e.params["message_id"]) for e in edits} == {(OFFICER_CHAT, first.result["message_id"])}
    t = push_app.i18n.translator("en")
    final = t("broadcast.report_done", id=broadcast.id, total=2000, sent=producers_got, blocked=len(BLOCKED),
              failed=0, skipped=0, pending=0)
    assert edits[-1].text == final
    assert "sent 1,996 of 2,000, blocked 4" in final
    assert any("sending" in e.text for e in edits[:-1])  # progress shown while it ran


async def status_of(app: App, broadcast_id: int) -> str:
    async with app.sessions() as session:
        return (await session.execute(select(Broadcast.status).where(Broadcast.id == broadcast_id))).scalar_one()
