"""The contract every channel keeps, and the typed send errors the core decides on (courier's lesson)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol

from bot import metrics
from bot.messages import Handled, Inbound, Outgoing, Purpose, Sent

# Engine.handle (replies only) or Engine.handle_all (replies, and pushes to other users of the channel).
Handle = Callable[[Inbound], Awaitable[list[Outgoing] | Handled]]


class SendFailure(StrEnum):
    BLOCKED = "blocked"  # the user stopped the bot / unfollowed: mark inactive, never retry
    THROTTLED = "throttled"  # rate limited: wait retry_after, then retry (not a failure)
    TRANSIENT = "transient"  # network or 5xx: retry with backoff
    REFUSED = "refused"  # the platform will not deliver this one (quota, window, bad request): record, do not retry
    CONFIG = "config"  # our token or settings are wrong: stop sending, tell the operator


class SendError(Exception):
    def __init__(self, failure: SendFailure, detail: str = "", retry_after: float = 0.0) -> None:
        self.failure = failure
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(f"{failure}: {detail}")


class Channel(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        """Send one message; raises SendError with its classification on failure."""
        ...


def split_text(text: str, limit: int) -> list[str]:
    """Split a long text at the platform's limit, preferring paragraph, then line, then word breaks."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), -1)
        if cut < limit // 2:
            cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


log = logging.getLogger(__name__)


async def send_reply_with_retries(channel: Channel, user_id: str, message: Outgoing, attempts: int = 3) -> None:
    """Send a conversation reply now, waiting out a short rate limit or network failure; count the
    outcome and log what still fails (the code only, never the text)."""
    for attempt in range(attempts):
        try:
            await channel.send(user_id, message)
            metrics.REPLIES.labels(channel.name, "sent").inc()
            return
        except SendError as exc:
            if exc.failure in (SendFailure.THROTTLED, SendFailure.TRANSIENT) and attempt + 1 < attempts:
                await asyncio.sleep(exc.retry_after or 0.5 * (attempt + 1))
                continue
            log.warning("reply on %s not delivered: %s (%s)", channel.name, exc.failure, exc.detail)
            metrics.REPLIES.labels(channel.name, str(exc.failure)).inc()
            return


class ReplyOrder:
    """Replies to one user leave in the order that user's updates arrived.

    The engine handles a user's updates one at a time, in order, but a channel sends the replies after
    the engine is done: two quick updates (a double tap, then an answer) would race to the platform and
    the second reply could overtake the first. A channel takes a `Turn` when an update arrives, before
    its first await, and waits for it before sending."""

    def __init__(self) -> None:
        self._last: dict[str, asyncio.Future[None]] = {}

    def arrive(self, user_id: str) -> Turn:
        previous = self._last.get(user_id)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[user_id] = done
        return Turn(self, user_id, previous, done)

    def _finished(self, user_id: str, done: asyncio.Future[None]) -> None:
        if not done.done():
            done.set_result(None)
        if self._last.get(user_id) is done:
            del self._last[user_id]


class Turn:
    """One update's place in its user's queue of replies: `await wait()` before sending, `finish()`
    always (a failed or cancelled update must not hold back the next one)."""

    def __init__(self, order: ReplyOrder, user_id: str, previous: asyncio.Future[None] | None,
                 done: asyncio.Future[None]) -> None:
        self._order, self._user_id, self._previous, self._done = order, user_id, previous, done

    async def wait(self) -> None:
        if self._previous is not None:
            await asyncio.shield(self._previous)

    def finish(self) -> None:
        self._order._finished(self._user_id, self._done)
