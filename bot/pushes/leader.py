"""One sender of pushes per channel across processes: a PostgreSQL session-level advisory lock per channel.

Telegram's overall limit (~30 messages/s) is per bot, not per process: N processes each pacing itself at
the limit would send N times too fast and get the whole bot paused. So only the process holding a
channel's lock claims and sends that channel's outbox rows; the others stand by and try to take the lock
every `retry_seconds`. The lock lives on a dedicated connection held while leading; PostgreSQL drops it
the moment that connection ends (process killed, network gone), so a standby takes over within seconds.

A new leader waits `settle_seconds` before sending: a previous leader that merely lost its lock
connection notices within `retry_seconds` and stops claiming, and the platform's one-second rate window
of the old leader has passed. Then the rows the previous leader left `sending` are put back to `pending`
at once instead of waiting for their leases (up to minutes) to expire.

SQLite runs in one process: no lock, every channel is led by the one worker.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable, Iterable

from sqlalchemy import or_, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.messages import Purpose
from bot.core.outbox import PENDING, SENDING
from db.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

LOCK_NAMESPACE = 4242002  # first key of pg_try_advisory_lock(int, int); migrations use 4242001


def channel_key(channel: str) -> int:
    return zlib.crc32(channel.encode()) & 0x7FFFFFFF


class ChannelLeader:
    def __init__(self, engine: AsyncEngine, channels: Iterable[str], worker_id: str, *,
                 retry_seconds: float = 2.0, settle_seconds: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.channels = list(channels)
        self.worker_id = worker_id
        self.retry_seconds = retry_seconds
        self.settle_seconds = settle_seconds
        self.clock = clock
        self.exclusive = engine.dialect.name == "postgresql"
        self._held: dict[str, AsyncConnection] = {}
        self._since: dict[str, float] = {}
        self._ready: set[str] = set()  # settled and stranded rows released: sending allowed
        self._checked = float("-inf")

    @property
    def leading(self) -> set[str]:
        """Channels this process may send pushes on now."""
        return set(self.channels) if not self.exclusive else set(self._ready)

    def held(self) -> list[str]:
        """Channels whose lock this process holds (settling or sending), for /healthz."""
        return list(self.channels) if not self.exclusive else sorted(self._held)

    async def refresh(self, force: bool = False) -> set[str]:
        """Check held locks are still ours, try to take the others; at most every `retry_seconds`."""
        if not self.exclusive:
            return self.leading
        now = self.clock()
        if not force and now - self._checked < self.retry_seconds:
            await self._settle(now)
            return self.leading
        self._checked = now
        for channel in list(self._held):
            try:
                await self._held[channel].execute(text("SELECT 1"))
            except Exception as exc:  # the connection died: PostgreSQL has released the lock already
                log.warning("lost the %s sending lock (%s); standing by", channel, type(exc).__name__)
                await self._drop(channel)
        for channel in self.channels:
            if channel not in self._held:
                await self._try_take(channel, now)
        await self._settle(now)
        return self.leading

    async def _try_take(self, channel: str, now: float) -> None:
        connection: AsyncConnection | None = None
        try:
            connection = await self.engine.connect()
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = (await connection.execute(text("SELECT pg_try_advisory_lock(:ns, :key)"),
                                              {"ns": LOCK_NAMESPACE, "key": channel_key(channel)})).scalar()
        except Exception as exc:
            log.warning("could not try the %s sending lock: %s", channel, type(exc).__name__)
            taken = False
        if not taken:
            if connection is not None:
                await _close_quietly(connection)
            return
        assert connection is not None
        log.info("this process now sends pushes on %s (after %.0f s settling)", channel, self.settle_seconds)
        self._held[channel] = connection
        self._since[channel] = now

    async def _settle(self, now: float) -> None:
        for channel, since in list(self._since.items()):
            if channel in self._ready or now - since < self.settle_seconds:
                continue
            # Rows a previous leader left `sending` (dead, or it lost its lock): send them again now. Not
            # the replies a process is sending itself right after its commit (leased for the reply
            # grace, any process may hold them, this one included): those only once their lease is over.
            async with self.engine.begin() as connection:
                result = await connection.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.channel == channel, OutboxMessage.status == SENDING,
                           OutboxMessage.lease_owner != self.worker_id,
                           or_(OutboxMessage.purpose != str(Purpose.REPLY), OutboxMessage.lease_until < utcnow()))
                    .values(status=PENDING, lease_owner=None, lease_until=None))
            if result.rowcount:
                log.warning("took over %d %s message(s) a previous sender left unfinished", result.rowcount, channel)
            self._ready.add(channel)

    async def _drop(self, channel: str) -> None:
        connection = self._held.pop(channel, None)
        self._since.pop(channel, None)
        self._ready.discard(channel)
        if connection is not None:
            await _close_quietly(connection)

    async def release(self) -> None:
        """Give up every lock (closing the connection ends the session and its advisory locks)."""
        for channel in list(self._held):
            connection = self._held.get(channel)
            if connection is not None:
                try:
                    await connection.execute(text("SELECT pg_advisory_unlock_all()"))
                except Exception:
                    pass
            await self._drop(channel)


async def _close_quietly(connection: AsyncConnection) -> None:
    try:
        await connection.close()
    except Exception:
        try:
            await connection.invalidate()
        except Exception:
            log.debug("closing a dead lock connection failed", exc_info=True)
