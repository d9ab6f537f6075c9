"""The delivery worker: claims due outbox rows, sends them under each channel's limits, records outcomes.

Exactly-once as far as a platform allows:
- A row is claimed by marking it `sending` with a lease (owner + expiry) in its own committed
  transaction; on PostgreSQL the claim uses FOR UPDATE SKIP LOCKED, so several workers never take the
  same row. Every later write checks the owner, and a worker renews its lease before each send and
  drops the row if the lease was lost. SQLite: one worker process.
- Each part sent is committed at once (parts_done, then sent), so after a crash the worker resumes at
  the first part not recorded; a `sending` row whose lease expired is taken again.
- RESIDUAL RISK: a crash after the request left us and before our commit of the outcome (the request
  and response on the wire, parsing, one autocommitted UPDATE: ~3 ms median on loopback with SQLite,
  measured) leaves the row `sending` although the platform may have delivered it — a request already
  on the wire is still processed after the sender dies; when the lease expires it is sent again.
  Telegram has no idempotency key, so this window cannot be closed, only kept small: one row per send,
  its outcome written at once. We chose at-least-once there: a repeated reminder is a nuisance, a lost
  deadline reminder can cost a producer a round. tests/test_delivery_crash.py reports any hit by name.
Outcomes: sent; blocked (user stopped the bot: user marked inactive, never retried); refused (the
platform will not deliver it: not retried); failed (transient errors, after `max_attempts`); skipped
(re-checked before sending and no longer wanted). 429: the whole channel pauses for retry_after and
the row is retried without counting an attempt. Quiet hours: no pushes are claimed; they wait.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels import limits
from bot.channels.base import SendError, SendFailure
from bot.core import metrics
from bot.core.engine import UserLocks
from bot.core.messages import Purpose
from bot.core.outbox import BLOCKED, FAILED, PENDING, REFUSED, SENDING, SENT, SKIPPED, Prepared, Source
from bot.pushes.leader import ChannelLeader
from bot.pushes.quiet import in_quiet_hours
from bot.pushes.ratelimit import ChannelLimiter
from db.models import ChannelLimit, OutboxMessage, User, utcnow

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], channels: Mapping[str, Any],
                 sources: Mapping[str, Source], *, timezone: str = "Asia/Ho_Chi_Minh",
                 quiet: tuple[Any, Any] | None = None, limiters: dict[str, ChannelLimiter] | None = None,
                 concurrency: int = 16, lease_seconds: float = 120.0, max_attempts: int = 5,
                 backoff_seconds: float = 1.0, poll_seconds: float = 1.0,
                 clock: Callable[[], datetime] = utcnow, worker_id: str = "",
                 exclusive: bool = False, reply_lease_seconds: float | None = None) -> None:
        """`exclusive`: on PostgreSQL, send on a channel only while holding its lock (bot/pushes/leader.py), so
        several processes keep ONE overall rate per channel; `run()` only."""
        self.sessions = sessions
        self.channels = dict(channels)
        self.sources = dict(sources)
        self.timezone = timezone
        self.quiet = quiet
        self.limiters = limiters if limiters is not None else {}
        self.concurrency = concurrency
        self.lease = timedelta(seconds=lease_seconds)
        # Conversation rows are claimed for a short lease (renewed while sending): a reply this worker
        # claimed and did not send before a kill is taken by the next process soon, not in minutes.
        self.reply_lease = timedelta(seconds=min(lease_seconds, reply_lease_seconds or lease_seconds))
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:12]}"
        self.stats: Counter[str] = Counter()
        self.disabled: set[str] = set()  # channels with a configuration error: nothing more is sent
        self.wake = asyncio.Event()
        engine = sessions.kw.get("bind")
        self.leader = ChannelLeader(engine, self.channels, self.worker_id) if exclusive and engine is not None else None
        self.depth_seconds = 5.0  # how often run() refreshes the outbox depth gauge
        self._leading_only = False  # run() sends only on channels whose lock it holds
        # Conversation rows (replies a dead process left, messages for other users) go out one at a time
        # per chat, in id order: rows are queued in claim order and each takes its chat's lock first.
        self._chat_order = UserLocks()

    async def load_limits(self) -> None:
        """One limiter per channel from the channel_limits table (a given limiter is kept)."""
        async with self.sessions() as session:
            rows = {r.channel: r for r in (await session.execute(select(ChannelLimit))).scalars()}
        for name in self.channels:
            if name not in self.limiters:
                row = rows.get(name)
                platform = getattr(self.channels[name], "limits", None) or limits.for_channel(name)
                self.limiters[name] = ChannelLimiter(row.per_second if row else platform.per_second,
                                                     row.per_chat_per_second if row else platform.per_chat_per_second)

    # --- claiming ----------------------------------------------------------------------------------
    async def claim(self, limit: int) -> list[OutboxMessage]:
        """Take up to `limit` due rows (or rows whose lease expired), marked `sending` for us."""
        now = self.clock()
        quiet = bool(self.quiet and in_quiet_hours(now, self.timezone, *self.quiet))
        channels = [c for c in self.channels if c not in self.disabled
                    and (self.leader is None or not self._leading_only or c in self.leader.leading)]
        if not channels:
            return []
        async with self.sessions() as session, session.begin():
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.channel.in_(channels), or_(
                    (OutboxMessage.status == PENDING) & (OutboxMessage.due_at <= now),
                    (OutboxMessage.status == SENDING) & (OutboxMessage.lease_until < now),
                ))
                # Conversation messages to other users (an officer's answer, a new ticket) go first and
                # are not held by quiet hours; bulk pushes follow in due order.
                .order_by(OutboxMessage.purpose != str(Purpose.REPLY), OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite ignores it (one worker)
            )
            if quiet:
                query = query.where(OutboxMessage.purpose == str(Purpose.REPLY))
            rows = list((await session.execute(query)).scalars())
            for row in rows:
                row.status, row.lease_owner, row.lease_until = SENDING, self.worker_id, now + self._lease_of(row)
        return rows

    # --- running -----------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set: claims as senders free up, sleeps briefly when nothing is due."""
        await self.load_limits()
        queue: asyncio.Queue[OutboxMessage] = asyncio.Queue()
        senders = [asyncio.create_task(self._sender(queue)) for _ in range(self.concurrency)]
        measured = float("-inf")
        self._leading_only = self.leader is not None
        try:
            while not stop.is_set():
                if self.leader is not None:
                    await self.leader.refresh()
                if time.monotonic() - measured >= self.depth_seconds:
                    measured = time.monotonic()
                    await self._measure_depth()
                if queue.qsize() < self.concurrency:
                    try:
                        rows = await self.claim(self.concurrency * 2)
                    except Exception:
                        log.exception("claiming outbox rows failed; retrying")
                        rows = []
                    for row in rows:
                        queue.put_nowait(row)
                    if rows:
                        continue
                self.wake.clear()
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
                await asyncio.wait(waiters, timeout=self.poll_seconds if queue.empty() else 0.05,
                                   return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
            await queue.join()  # graceful stop: the sends already claimed finish and are recorded
        finally:
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)
            if self.leader is not None:
                await self.leader.release()

    async def _measure_depth(self) -> None:
        try:
            due, _oldest = await backlog(self.sessions, self.clock())
            metrics.OUTBOX_DEPTH.set(due)
        except Exception:
            log.warning("could not measure the outbox depth", exc_info=True)

    async def run_until_idle(self) -> Counter[str]:
        """Deliver every row due now (by `clock`), then return the outcome counts (tests, the CLI)."""
        await self.load_limits()
        semaphore = asyncio.Semaphore(self.concurrency)

        async def one(row: OutboxMessage) -> None:
            async with semaphore:
                await self.deliver(row)

        while True:
            rows = await self.claim(self.concurrency * 4)
            if not rows:
                return self.stats
            await asyncio.gather(*(one(row) for row in rows))

    async def _sender(self, queue: asyncio.Queue[OutboxMessage]) -> None:
        while True:
            row = await queue.get()
            try:
                await self.deliver(row)
            except Exception:
                log.exception("delivering outbox row %s failed; its lease will expire and it is retried", row.id)
            finally:
                queue.task_done()

    # --- one row -------------------------------------------------------------------------------------
    async def deliver(self, row: OutboxMessage) -> None:
        if row.purpose != str(Purpose.REPLY):
            await self._deliver(row)
            return
        async with self._chat_order.hold((row.channel, row.channel_user_id)):
            await self._deliver(row)

    async def _deliver(self, row: OutboxMessage) -> None:
        channel = self.channels[row.channel]
        # The session is closed before any outcome is written: on SQLite there is one connection, and
        # writing the outcome through another session while holding it would wait for ever.
        prepared = None
        async with self.sessions() as session:
            user = await session.get(User, row.user_id)
            source = self.sources.get(row.source)
            if user is None or source is None:
                skip = "user deleted" if user is None else f"no source {row.source!r}"
            elif not user.active:
                skip = "inactive"
            else:
                prepared = await source.prepare(session, row, user, self.clock())
                skip = prepared.skip
        if skip or prepared is None:
            await self._finish(row, SKIPPED, skip or "nothing to send")
            return
        if prepared.ready is not None:  # e.g. waits for another row's upload of the same attachment
            prepared.parts = await prepared.ready()
        part = row.parts_done
        try:
            part = await self._send_parts(row, channel, prepared)
        finally:
            if prepared.settled is not None and part < len(prepared.parts):
                await prepared.settled(part, None)  # this part did not go out: whoever waits on it stops

    async def _send_parts(self, row: OutboxMessage, channel: Any, prepared: Prepared) -> int:
        """Send the parts not sent yet, each recorded at once; returns how many are done."""
        limiter = self.limiters[row.channel]
        purpose = Purpose(row.purpose)
        part = row.parts_done
        while part < len(prepared.parts):
            if self._leading_only and self.leader is not None and row.channel not in self.leader.leading:
                self.stats["standby"] += 1  # another process sends on this channel now; it takes the row over
                return part
            if not await self._hold_lease(row):
                self.stats["lease_lost"] += 1
                return part
            if purpose is not Purpose.REPLY or not getattr(channel.send, "shares_budget", False):
                await limiter.acquire_bulk(row.channel_user_id)  # a reply takes the reply slot in channel.send
            try:
                sent = await channel.send(row.channel_user_id, prepared.parts[part], purpose)
            except SendError as exc:
                if exc.failure is SendFailure.THROTTLED:
                    self.stats["throttled"] += 1
                    metrics.PUSHES.labels(row.channel, "throttled").inc()
                    limiter.pause(exc.retry_after or 1.0)
                    continue
                await self._failed(row, exc)
                return part
            # The platform has the message: record it NOW (this commit is the residual window).
            limiter.sent(row.channel_user_id)
            part += 1
            last = part == len(prepared.parts)
            await self._record_part(row, part, last, sent.message_id)
            if prepared.settled is not None:
                await prepared.settled(part - 1, sent)
        return part

    async def _record_part(self, row: OutboxMessage, part: int, last: bool, message_id: str) -> None:
        values: dict[str, Any] = {"parts_done": part}
        if last:
            values.update(status=SENT, finished_at=self.clock(), message_id=message_id[:64] or None,
                          lease_owner=None, lease_until=None)
        await self._update(row, **values)
        self.stats["parts"] += 1
        if last:
            self.stats[SENT] += 1
            metrics.PUSHES.labels(row.channel, SENT).inc()

    async def _failed(self, row: OutboxMessage, exc: SendError) -> None:
        detail = f"{exc.failure}: {exc.detail}"[:300]
        if exc.failure is SendFailure.BLOCKED:
            await self._finish(row, BLOCKED, detail, deactivate=True)
        elif exc.failure is SendFailure.REFUSED:
            await self._finish(row, REFUSED, detail)
        elif exc.failure is SendFailure.CONFIG:
            log.error("channel %s is misconfigured (%s): stopped sending on it", row.channel, exc.detail)
            self.disabled.add(row.channel)
            await self._update(row, status=PENDING, lease_owner=None, lease_until=None, outcome_detail=detail)
        else:
            attempts = row.attempts + 1
            row.attempts = attempts
            if attempts >= self.max_attempts:
                await self._finish(row, FAILED, f"after {attempts} tries: {detail}"[:300], attempts=attempts)
            else:
                retry_at = self.clock() + timedelta(seconds=self.backoff_seconds * 2 ** (attempts - 1))
                self.stats["retried"] += 1
                metrics.PUSHES.labels(row.channel, "retried").inc()
                await self._update(row, status=PENDING, attempts=attempts, due_at=retry_at, lease_owner=None,
                                   lease_until=None, outcome_detail=detail)
                self.wake.set()

    async def _finish(self, row: OutboxMessage, status: str, detail: str, *, deactivate: bool = False,
                      attempts: int | None = None) -> None:
        values: dict[str, Any] = {"status": status, "outcome_detail": detail[:300], "finished_at": self.clock(),
                                  "lease_owner": None, "lease_until": None}
        if attempts is not None:
            values["attempts"] = attempts
        async with self.sessions() as session, session.begin():
            result = await session.execute(self._owned(row).values(**values))
            if deactivate and result.rowcount:
                await session.execute(update(User).where(User.id == row.user_id).values(active=False))
        self.stats[status] += 1
        metrics.PUSHES.labels(row.channel, status).inc()

    def _lease_of(self, row: OutboxMessage) -> timedelta:
        return self.reply_lease if row.purpose == str(Purpose.REPLY) else self.lease

    async def _hold_lease(self, row: OutboxMessage) -> bool:
        """Renew the lease when less than half is left; False if another worker has the row now."""
        now = self.clock()
        lease = self._lease_of(row)
        if row.lease_until is not None and row.lease_until - now > lease / 2:
            return True
        row.lease_until = now + lease
        async with self.sessions() as session, session.begin():
            result = await session.execute(self._owned(row).values(lease_until=row.lease_until))
        return bool(result.rowcount)

    def _owned(self, row: OutboxMessage) -> Any:
        return update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.lease_owner == self.worker_id,
                                           OutboxMessage.status == SENDING)

    async def _update(self, row: OutboxMessage, **values: Any) -> None:
        """One UPDATE in autocommit mode: a single statement, durable when it returns. This is the write
        after each accepted send, so it is kept to one round trip (no BEGIN/COMMIT of its own)."""
        engine = self.sessions.kw.get("bind")
        if engine is None:
            async with self.sessions() as session, session.begin():
                await session.execute(self._owned(row).values(**values))
            return
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(self._owned(row).values(**values))


async def release_dead_leases(sessions: async_sessionmaker[AsyncSession], alive: str, now: datetime) -> int:
    """SQLite runs one process: at start, every conversation row still `sending` under another owner was
    left by a process that died (kill -9 between commit and send): make it due now rather than after its
    grace. Returns how many."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == SENDING, OutboxMessage.purpose == str(Purpose.REPLY),
                   or_(OutboxMessage.lease_owner.is_(None), OutboxMessage.lease_owner != alive))
            .values(lease_until=now - timedelta(seconds=1)))
    return int(result.rowcount or 0)


async def backlog(sessions: async_sessionmaker[AsyncSession], now: datetime,
                  quiet: tuple[Any, Any] | None = None, timezone: str = "Asia/Ho_Chi_Minh") -> tuple[int, datetime | None]:
    """(rows due and not sent, due time of the oldest). In quiet hours pushes wait by design: only
    conversation messages (purpose reply) count then."""
    query = select(func.count(), func.min(OutboxMessage.due_at)).where(
        OutboxMessage.status.in_((PENDING, SENDING)), OutboxMessage.due_at <= now)
    if quiet and in_quiet_hours(now, timezone, *quiet):
        query = query.where(OutboxMessage.purpose == str(Purpose.REPLY))
    async with sessions() as session:
        count, oldest = (await session.execute(query)).one()
    return int(count or 0), oldest

