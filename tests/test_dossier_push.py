"""A status change reaches the producer once, also across a restart: officers change dossiers (each change
writes its outbox row in the same transaction), a real delivery worker (`ocop-bot deliver`, a subprocess)
sends to the stand-in Telegram Bot API and is SIGKILLed mid-run; one more change is made while it is down;
a restarted worker sends the rest; a third run sends nothing. The stand-in server counts every message."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.officer import dossiers as ops
from db import dossier_status as rows
from db.models import Dossier, OutboxMessage
from tests.conftest import Database, make_settings
from tests.dossier_support import now, seed_producer
from tests.fakes import FakeBotApi
from tests.fakes.telegram_api import ApiError
from tests.pushes_support import statuses
from tests.test_delivery_crash import LEASE, start_worker, wait_exit

CHATS = (710001, 710002, 710003)
HANG_AT = 4  # the 4th message is never answered: the worker dies with it in flight


async def change(app: App, dossier_id: int, status: str, **fields: object) -> None:
    async with app.sessions() as session, session.begin():
        await ops.change_status(session, app.content, dossier_id, None, ops.Change(status, **fields), now(),
                                app.settings.timezone, by="test")


async def test_each_status_change_reaches_the_producer_once_across_a_killed_worker(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    try:
        async with app.sessions() as session, session.begin():
            users = [await seed_producer(session, app.content, chat, channel="telegram") for chat in CHATS]
            await rows.ensure_drafts(session, now())
        async with app.sessions() as session:
            dossier_ids = {d.user_id: d.id for d in (await session.execute(select(Dossier))).scalars()}
        expected: Counter[int] = Counter()
        for user, chat in zip(users, CHATS, strict=True):
            await change(app, dossier_ids[user.id], "filed")
            await change(app, dossier_ids[user.id], "forwarded")
            expected[chat] += 2
        async with FakeBotApi() as api:
            arrivals = 0
            hang, release = asyncio.Event(), asyncio.Event()

            async def send_or_hang(params: dict[str, Any], files: dict[str, Any]) -> Any:
                nonlocal arrivals
                arrivals += 1
                if arrivals >= HANG_AT and not release.is_set():
                    hang.set()
                    await release.wait()
                    raise ApiError(500, "the worker died before this message was accepted")
                return api._send_message(params, files)

            api.on("sendMessage", send_or_hang)
            first = start_worker(database, api)
            await asyncio.wait_for(hang.wait(), 60)
            for _ in range(60):  # give the worker time to commit the messages the server accepted
                async with app.sessions() as session:
                    sent = len((await session.execute(select(OutboxMessage.id)
                                                      .where(OutboxMessage.status == "sent"))).all())
                if sent >= HANG_AT - 1:
                    break
                await asyncio.sleep(0.05)
            os.kill(first.pid, signal.SIGKILL)
            await wait_exit(first, 10)
            release.set()
            assert sum(api.delivered.values()) == HANG_AT - 1, "the worker died mid-run"

            await change(app, dossier_ids[users[0].id], "evaluated", round_number=1)  # while no worker runs
            expected[CHATS[0]] += 1
            await asyncio.sleep(LEASE + 0.2)  # the dead worker's leases run out
            second = start_worker(database, api)
            assert await wait_exit(second, 120) == 0
            assert dict(api.delivered) == dict(expected), "each change reached its producer exactly once"
            texts = [call.text or "" for call in api.sent(CHATS[0])]
            assert any("UBND cấp xã đã gửi lên tỉnh" in text for text in texts)
            assert any("đợt 1 năm" in text for text in texts)
            assert all("Hồ sơ OCOP của sản phẩm" in text for text in texts)

            third = start_worker(database, api)  # nothing left: a third run sends nothing
            assert await wait_exit(third, 120) == 0
            assert dict(api.delivered) == dict(expected)
        assert await statuses(app.sessions) == {"sent": sum(expected.values())}
    finally:
        await app.close()
