"""kill -9 twice in long-polling mode: every update is handled and every reply sent.

Before issue 15, python-telegram-bot's Updater confirmed a batch (by asking for the next offset) while
its updates were still being handled: a kill then lost them. Now the offset moves only once every update
of the batch is committed, and the committed replies are outbox rows. 60 users' updates (/start, then
"menu" three times each) wait on the stand-in Bot API; the polling bot is SIGKILLed when a third and two
thirds of the replies arrived, and restarted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.fakes import FakeBotApi
from tests.faults.support import Killable, database_url, lost_and_duplicated

USERS = 60
MENUS = 3
FIRST_CHAT = 800_001


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_kill_9_twice_while_polling_loses_no_update(backend: str, tmp_path: Path) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + USERS))
    expected = {chat: 2 + MENUS for chat in chats}
    total = sum(expected.values())
    async with database_url(backend, tmp_path) as url, FakeBotApi(record=False, max_poll_timeout=0.5) as api:
        target = Killable(url, api, tmp_path, {"OCOP_REPLY_GRACE_SECONDS": "6", "OCOP_WEBHOOK_URL": ""})
        for chat in chats:
            api.push_command(chat, "/start")
        for _ in range(MENUS):
            for chat in chats:
                api.push_text(chat, "menu")
        await target.start()
        received = lambda: {chat: api.delivered[chat] for chat in chats}  # noqa: E731
        try:
            for share in (1 / 3, 2 / 3):
                await api.wait_until(lambda share=share: sum(received().values()) >= total * share, timeout=60)
                await target.kill_and_restart()
            try:
                await api.wait_until(lambda: all(received()[c] >= expected[c] for c in chats), timeout=30)
            except TimeoutError:
                pass
            await asyncio.sleep(1.0)
            lost, duplicated = lost_and_duplicated(received(), expected)
            print(f"\n[{backend}] polling, kill -9 x2: {total} replies expected, {lost} lost, {duplicated} duplicated; "
                  f"rows unsettled at the kills: {target.unsettled}; updates still queued: {len(api.pending_updates)}")
            assert lost == 0, f"{lost} replies lost\n{target.logs()}"
            assert duplicated <= sum(target.unsettled)
            assert not api.pending_updates, "every update was confirmed"
        finally:
            await target.stop()
