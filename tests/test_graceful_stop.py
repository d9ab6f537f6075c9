"""SIGTERM to a real `ocop-bot run` (webhook mode, SQLite): the listener closes first, the webhook request
in flight and the pushes being sent complete and are recorded, then the process exits 0."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.app import App
from db.models import OutboxMessage, ProcessedUpdate, utcnow
from db.repositories import processed_key
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.processes import post, start_bot, stop_bot
from tests.pushes_support import add_producers, broadcast, statuses

SLOW = 1.0  # seconds the stand-in server takes per message: the stop lands while sends are in flight


async def test_sigterm_finishes_work_in_flight_then_exits(sqlite_database: Database, tmp_path: Path) -> None:
    app = await App.create(make_settings(sqlite_database), db=sqlite_database.engine())
    users = await add_producers(app.sessions, range(50_001, 50_021))
    async with FakeBotApi() as api:
        arrived = asyncio.Event()

        async def slow_send(params: dict[str, Any], files: dict[str, Any]) -> Any:
            arrived.set()
            await asyncio.sleep(SLOW)
            return api._send_message(params, files)

        api.on("sendMessage", slow_send)
        bot = await start_bot(sqlite_database.url, api, tmp_path)
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{bot.url}/healthz") as response:
                health = await response.json()
            assert response.status == 200 and set(health["checks"]) >= {"database", "channels", "outbox", "delivery"}
            await broadcast(app.sessions, users, due=utcnow())
            await asyncio.wait_for(arrived.wait(), 30)  # pushes are on the wire
            update = api.text_update(70_001, "/start")
            in_flight = asyncio.create_task(post(client, bot, update))
            await asyncio.sleep(0.3)  # the update is being handled: its reply is on the slow server
            bot.process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            assert await post(client, bot, api.text_update(70_002, "/start")) == 0, "still accepting after SIGTERM"
            assert await in_flight == 200, bot.log()
        assert await stop_bot(bot, signal.SIGTERM, 60) == 0, bot.log()
    async with app.sessions() as session:
        keys = set((await session.execute(select(ProcessedUpdate.key))).scalars())
        sending = (await session.execute(select(OutboxMessage).where(OutboxMessage.status == "sending"))).scalars().all()
    assert processed_key(f"telegram:{update['update_id']}") in keys
    assert processed_key("telegram:" + str(update["update_id"] + 1)) not in keys
    assert api.delivered[70_001] >= 1, "the reply of the update in flight was sent before exiting"
    assert 70_002 not in api.delivered
    assert not sending, "no push left half-done"
    assert await statuses(app.sessions, "reply") == {"sent": 2}, "the replies of the update in flight are settled"
    counts = await statuses(app.sessions, "broadcast")
    assert counts["sent"] == sum(api.delivered[u] for u in range(50_001, 50_021)) > 0
    assert counts["sent"] + counts["pending"] == len(users)
    await app.close()
