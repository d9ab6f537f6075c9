"""The contract every channel keeps (courier's lesson): one receive path, one deliver step, typed send errors.

A channel turns a platform update into an `Inbound` and calls `receive(channel, inbound)`: the engine
handles it (`Handle`: Inbound and the channel's `Limits` in, `Handled` out), then the replies go to the
user in the order the user's updates arrived, then the messages for the channel's other users. Send
errors are classified here (blocked, throttled, transient, refused, config); the core decides.
A channel imports only the neutral types (bot/core/messages.py), this module and its platform library.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, Protocol

from bot.core import metrics
from bot.core.messages import Handled, Inbound, Limits, Outgoing, Purpose, Sent, Settle

# The engine's side of the contract (Engine.handle): raises TryLater when nothing could be recorded.
Handle = Callable[[Inbound, Limits], Awaitable[Handled]]
RouteHandler = Callable[[Any], Awaitable[Any]]


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


class Routes(Protocol):
    """The bot's own HTTP server as a channel sees it: where to mount a webhook (bot/core/http.py)."""

    def add_post(self, path: str, handler: RouteHandler) -> None: ...

    def add_get(self, path: str, handler: RouteHandler) -> None: ...


class Inbox(Protocol):
    """Where a channel keeps an event before acknowledging it (bot/core/inbox.py): `keep` commits it and
    returns its id, `done` forgets it once handled, `left` lists what a stopped process did not handle."""

    async def keep(self, inbound: Inbound) -> int: ...

    async def done(self, event_id: int) -> None: ...

    async def left(self, channel: str) -> list[tuple[int, Inbound]]: ...


class Channel(Protocol):
    name: str
    limits: Limits

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


async def send_reply_with_retries(channel: Channel, user_id: str, message: Outgoing,
                                  attempts: int = 3) -> tuple[str, str, str]:
    """Send a conversation reply now, waiting out a short rate limit or network failure; count the
    outcome and log what still fails (the code only, never the text). Returns (outcome, detail, message
    id): outcome "sent", "blocked" or "refused" (final), or "pending" when it may still go out later
    (throttled, transient, our configuration): a durable reply's row is then left to the delivery worker."""
    for attempt in range(attempts):
        try:
            sent = await channel.send(user_id, message)
            metrics.REPLIES.labels(channel.name, "sent").inc()
            return "sent", "", sent.message_id if isinstance(sent, Sent) else ""
        except SendError as exc:
            if exc.failure in (SendFailure.THROTTLED, SendFailure.TRANSIENT) and attempt + 1 < attempts:
                await asyncio.sleep(exc.retry_after or 0.5 * (attempt + 1))
                continue
            log.warning("reply on %s not delivered: %s (%s)", channel.name, exc.failure, exc.detail)
            metrics.REPLIES.labels(channel.name, str(exc.failure)).inc()
            final = exc.failure in (SendFailure.BLOCKED, SendFailure.REFUSED)
            return (str(exc.failure) if final else "pending"), f"{exc.failure}: {exc.detail}"[:300], ""
    return "pending", "", ""


async def _deliver(channel: Any, user_id: str, message: Outgoing, row_id: int | None, settle: Settle | None,
                   deadline: float = float("inf")) -> bool:
    """Send one message of an update now and, when it has an outbox row, record the outcome at once: the
    time between the platform accepting it and that commit is the residual duplicate window (a kill
    inside it sends the message again), measured as ocop_reply_settle_seconds. False: not sent (yet).
    Past `deadline` (monotonic) a row is left to the delivery worker unsent."""
    if row_id is not None and settle is not None and time.monotonic() > deadline:
        log.info("a %s reply waited past half its lease: left to the delivery worker", channel.name)
        return False
    outcome, detail, message_id = await send_reply_with_retries(channel, user_id, message)
    if row_id is None or settle is None:
        return outcome == "sent"
    if outcome == "pending":
        return False  # still leased: the delivery worker sends it once the grace is over
    accepted = time.perf_counter()
    try:
        await settle(row_id, outcome, detail, message_id)
    except Exception:  # the row stays leased and is sent again after the grace: at least once
        log.warning("could not record a %s reply as %s; it will be sent again", channel.name, outcome, exc_info=True)
        return outcome == "sent"
    metrics.REPLY_SETTLE_SECONDS.labels(channel.name).observe(time.perf_counter() - accepted)
    return outcome == "sent"


async def receive(channel: Any, inbound: Inbound, before_delivery: Callable[[], Awaitable[None]] | None = None) -> None:
    """The one receive path: handle `inbound`, then deliver what it produced. `channel` has `handle`,
    `limits`, `order` (a ReplyOrder) and `send`. `before_delivery` runs once the update is committed, before
    anything is sent (Telegram answers the button's callback there; polling confirms the update there).
    With durable replies the replies are already committed outbox rows: they are sent here at once, in
    the user's order, and each is settled; what is not (a kill, a platform failure) the delivery worker
    sends after the grace. After a reply that could not go out, the user's later replies are left to the
    worker too, so they cannot overtake it. TryLater propagates: the caller decides (webhook 503, retry,
    or log the loss)."""
    # handle() must be the first await: updates run concurrently, and one user's updates keep their
    # order only if each reaches the engine's per-user lock in the order the platform delivered them.
    turn = channel.order.arrive(inbound.user_id)
    try:
        handled = await channel.handle(inbound, channel.limits)
        deadline = time.monotonic() + handled.lease_seconds / 2 if handled.settle else float("inf")
        if before_delivery is not None:
            await before_delivery()
        await turn.wait()  # the replies to this user's earlier updates have left
        for index, message in enumerate(handled.replies):
            row_id = handled.reply_ids[index] if index < len(handled.reply_ids) else None
            if not await _deliver(channel, inbound.user_id, message, row_id, handled.settle, deadline) and row_id:
                break  # the rest keep their rows, in order, for the delivery worker
    finally:
        turn.finish()
    for push in handled.pushes:  # the channel's other users (an officer, the producer an officer answered)
        await _deliver(channel, push.user_id, push.message, push.outbox_id, handled.settle, deadline)


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
