"""One sending budget per channel, shared by conversation replies and bulk pushes; replies go first.

Telegram counts every message against ~30/s overall and ~1/s per chat, and a 429 pauses the whole bot.
So replies and the delivery worker must draw on ONE budget per channel, or a big bulletin makes the bot
feel stuck (PTB issues #3689, #4003). Sends get evenly spaced slots; a reply takes the next free slot at
once, while bulk sends queue one at a time behind a lock and reserve only one slot ahead, so a reply
waits at most about two slots (~70 ms at Telegram's rate) however long the bulk queue is. The per-chat
spacing (1/s on Telegram) applies to bulk sends, and to a reply that follows a bulk send to the same
chat; the replies of one conversation turn go back to back (Telegram tolerates short bursts in a private
chat, and a 1-second pause between "saved" and the menu would make the bot feel slow).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bot.channels.base import SendError, SendFailure
from bot.core.messages import Outgoing, Purpose, Sent

# Stay a little under the platform's rate: requests leave evenly spaced but reach the server with
# jitter, and the server counts a sliding one-second window.
HEADROOM = 0.97


class ChannelLimiter:
    def __init__(self, per_second: float, per_chat_per_second: float, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.spacing = 1.0 / (per_second * HEADROOM) if per_second > 0 else 0.0
        self.chat_gap = 1.0 / per_chat_per_second if per_chat_per_second > 0 else 0.0
        self.clock = clock
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._bulk_lock = asyncio.Lock()
        self._last_send: dict[str, float] = {}
        self._bulk_chats: set[str] = set()  # chats whose last send was a push
        self.replies_waiting = 0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """The platform said "retry after": nothing on this channel is sent before then."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _reserve(self) -> float:
        slot = max(self.clock(), self._next_slot, self._paused_until)
        self._next_slot = slot + self.spacing
        return slot

    async def _wait_for_slot(self) -> None:
        while True:
            slot = self._reserve()
            delay = slot - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.clock() >= self._paused_until:  # a pause may have started while we slept
                return

    async def acquire_reply(self, chat: str) -> None:
        self.replies_waiting += 1
        try:
            last = self._last_send.get(chat)
            if last is not None and chat in self._bulk_chats:  # a push just went to this chat: keep the gap
                gap = last + self.chat_gap - self.clock()
                if gap > 0:
                    await asyncio.sleep(gap)
            self._bulk_chats.discard(chat)
            self._last_send[chat] = self.clock()  # bulk to this chat now waits for the gap
            await self._wait_for_slot()
        finally:
            self.replies_waiting -= 1
        self._last_send[chat] = self.clock()

    async def acquire_bulk(self, chat: str) -> None:
        while True:
            last = self._last_send.get(chat)
            gap = (last + self.chat_gap - self.clock()) if last is not None else 0.0
            if gap > 0:
                await asyncio.sleep(gap)
            async with self._bulk_lock:
                last = self._last_send.get(chat)
                if last is not None and self.clock() - last < self.chat_gap:
                    continue  # a reply went to this chat meanwhile
                await self._wait_for_slot()
                self._last_send[chat] = self.clock()
                self._bulk_chats.add(chat)
                self._forget_old()
                return

    def sent(self, chat: str) -> None:
        """A send to `chat` finished: count the per-chat gap from now (an upload can reach the server
        well after its slot, and the next small message must not arrive within the gap)."""
        self._last_send[chat] = max(self._last_send.get(chat, 0.0), self.clock())

    def _forget_old(self) -> None:
        if len(self._last_send) > 20_000:
            cutoff = self.clock() - max(self.chat_gap, 1.0)
            self._last_send = {c: t for c, t in self._last_send.items() if t >= cutoff}
            self._bulk_chats &= set(self._last_send)


def share_budget(channel: Any, limiter: ChannelLimiter) -> None:
    """Make the channel's own replies draw on the limiter with priority.

    Channels send replies through `self.send(user_id, message)` (purpose REPLY); wrapping `send` on the
    instance covers every channel without touching its module. The delivery worker sends with a bulk
    purpose after taking its own bulk slot, so it passes straight through."""
    original = channel.send

    async def send(user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        if purpose is not Purpose.REPLY:
            return await original(user_id, message, purpose)
        await limiter.acquire_reply(str(user_id))
        try:
            sent = await original(user_id, message, purpose)
            limiter.sent(str(user_id))
            return sent
        except SendError as exc:
            if exc.failure is SendFailure.THROTTLED:
                limiter.pause(exc.retry_after or 1.0)  # Telegram throttles the bot, not one conversation
            raise

    send.shares_budget = True  # type: ignore[attr-defined]  # the delivery worker lets replies take this path
    channel.send = send
