"""A producer who writes during a big bulk send gets the answer at once, not after the queue drains:
replies and bulk share one budget per channel, and replies take the next slot."""

from __future__ import annotations

import asyncio
import time

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.ratelimit import share_budget
from tests.conftest import Database, make_settings
from tests.fakes import FakeBotApi
from tests.pushes_support import add_producers, broadcast

BULK = 150
WRITER = 777


async def test_reply_goes_out_before_the_bulk_queue_drains(database: Database) -> None:
    async with FakeBotApi(overall_per_second=30, per_chat_per_second=1.0) as api:
        settings = make_settings(database, telegram_token=api.token, telegram_api_url=api.base_url,
                                 telegram_file_url=api.file_base_url)
        app = await App.create(settings, db=database.engine())
        users = await add_producers(app.sessions, range(20_001, 20_001 + BULK))
        await broadcast(app.sessions, users)
        await add_producers(app.sessions, [WRITER])  # a producer who gets no push, and writes meanwhile
        telegram = TelegramChannel(app.engine.handle, settings)
        worker = DeliveryWorker(app.sessions, {"telegram": telegram}, build_sources(app), concurrency=8)
        await worker.load_limits()  # Telegram: 30/s overall, 1/s per chat (channel_limits)
        share_budget(telegram, worker.limiters["telegram"])
        await telegram.start()
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            await api.wait_until(lambda: sum(api.delivered.values()) >= 30, timeout=10)
            bulk_before = sum(api.delivered.values())
            written_at = time.monotonic()
            api.push_text(WRITER, "menu")  # answered with one message: the menu
            reply = await api.wait_for(ok=True, chat_id=WRITER, method="sendMessage", timeout=10)
            waited = reply.time - written_at
            bulk_meanwhile = sum(n for chat, n in api.delivered.items() if chat != WRITER) - bulk_before
            print(f"\nreply after {waited * 1000:.0f} ms; {bulk_meanwhile} bulk messages went out meanwhile; "
                  f"{BULK - bulk_before - bulk_meanwhile} still queued")
            assert BULK - bulk_before - bulk_meanwhile > 60, "the bulk queue had not drained"
            # getUpdates returns at once on a new update; the engine needs a few ms; the reply then takes
            # the next free slot (33 ms apart): a handful of bulk messages, not the queue's remaining 100+.
            assert waited < 1.0 and bulk_meanwhile <= 20
            await api.wait_until(lambda: sum(api.delivered.values()) >= BULK + 1, timeout=20)
            # Replies and bulk together stay within Telegram's limits; one 429 is tolerated: on a loaded
            # two-core test machine a request can reach the server late enough to crowd a 1-second window.
            assert api.rate_violations <= 1, api.rate_violations
            assert all(api.delivered[chat] == 1 for chat in range(20_001, 20_001 + BULK))
        finally:
            stop.set()
            await running
            await telegram.stop()
            await app.close()
