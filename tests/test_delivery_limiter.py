"""The shared per-channel budget: even spacing, replies first, per-chat gaps for pushes, pauses on 429."""

from __future__ import annotations

import asyncio
import time

from bot.pushes.ratelimit import HEADROOM, ChannelLimiter


async def test_sends_are_spaced_under_the_rate_and_a_pause_stops_everything() -> None:
    limiter = ChannelLimiter(per_second=50, per_chat_per_second=1000)
    started = time.monotonic()
    for chat in range(11):
        await limiter.acquire_bulk(str(chat))
    assert time.monotonic() - started >= 10 / (50 * HEADROOM) - 0.005
    limiter.pause(0.3)
    paused_at = time.monotonic()
    await limiter.acquire_reply("x")
    assert time.monotonic() - paused_at >= 0.29


async def test_replies_overtake_a_bulk_queue() -> None:
    limiter = ChannelLimiter(per_second=20, per_chat_per_second=1000)
    order: list[str] = []

    async def bulk(chat: str) -> None:
        await limiter.acquire_bulk(chat)
        order.append(chat)

    queue = [asyncio.create_task(bulk(f"b{i}")) for i in range(20)]
    await asyncio.sleep(0.12)  # a few bulk sends are out
    await limiter.acquire_reply("writer")
    order.append("reply")
    await asyncio.gather(*queue)
    assert 1 <= order.index("reply") <= 5, order  # next free slot, not after the other 15+ bulk sends


async def test_per_chat_gap_for_pushes_not_between_replies_of_one_turn() -> None:
    limiter = ChannelLimiter(per_second=1000, per_chat_per_second=5)  # a 0.2 s gap per chat
    started = time.monotonic()
    await limiter.acquire_reply("c")
    await limiter.acquire_reply("c")  # "saved" then the menu: back to back
    assert time.monotonic() - started < 0.05
    await limiter.acquire_bulk("c")  # a push waits for the gap after the replies
    assert time.monotonic() - started >= 0.19
    pushed = time.monotonic()
    await limiter.acquire_reply("c")  # a reply right after a push keeps the gap too
    assert time.monotonic() - pushed >= 0.19
