"""Replies to one user leave in the order that user's updates arrived, even when the first update's
reply is slower to send (bot/channels/base.py ReplyOrder, used by the Telegram and Zalo channels)."""

from __future__ import annotations

import asyncio

from bot.channels.base import ReplyOrder


async def test_a_slow_earlier_reply_is_not_overtaken_and_other_users_do_not_wait() -> None:
    order = ReplyOrder()
    sent: list[str] = []

    async def update(user: str, name: str, handling: float) -> None:
        turn = order.arrive(user)  # when the update arrives, before any await
        try:
            await asyncio.sleep(handling)  # the engine's work (and the network) takes its time
            await turn.wait()
            sent.append(name)
        finally:
            turn.finish()

    await asyncio.gather(update("a", "a1", 0.05), update("a", "a2", 0.0), update("b", "b1", 0.01),
                         update("a", "a3", 0.0))
    assert [name for name in sent if name.startswith("a")] == ["a1", "a2", "a3"]
    assert sent.index("b1") < sent.index("a1")  # another user's reply is not held back
    assert order._last == {}  # nothing kept once every turn has finished


async def test_a_failed_update_does_not_hold_back_the_next() -> None:
    order = ReplyOrder()
    first = order.arrive("a")
    second = order.arrive("a")
    first.finish()  # the first update failed before sending anything
    await asyncio.wait_for(second.wait(), timeout=1)
    second.finish()
