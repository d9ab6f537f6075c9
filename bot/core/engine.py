"""The engine: one transaction per update, routed to one handler, replies returned after commit.

Order of routing (ARCHITECTURE.md): the started event and commands → button payloads (pressed, typed
as the number, label, part of a label or yes/no word of a button just shown: bot/core/typed.py; or sent
back as text by Zalo) → the answer the active flow step waits for → free text. One user's updates are handled one at a time: an asyncio lock per
user inside a process and, on PostgreSQL, a row lock on the user across processes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content
from bot.content.text import fold
from bot.core import metrics, typed
from bot.core.config import Settings
from bot.core.context import Context, Handler, Router
from bot.core.i18n import I18n
from bot.core.messages import DEFAULT_LIMITS, Handled, Inbound, Kind, Limits, Outgoing, TryLater
from bot.core.outbox import REPLY_SOURCE, SENDING, queue_leased, route_pushes
from db.errors import is_retryable
from db.models import OutboxMessage, utcnow
from db.repositories import Repositories

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.S)
_PAYLOAD = re.compile(r"^[a-z_]{2,16}:[a-z_]{1,24}(?::\S{0,40})?$")
# Words that always lead back to the menu, folded (typed with or without diacritics).
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
CANCEL_WORDS = frozenset({"huy", "huy bo", "thoat", "menu", "cancel", "quay lai", "ve menu", "trang chu"})


class DatabaseUnavailable(TryLater):
    """The database could not do the work for a while (lost or refused connections, no free connection,
    out of resources): the update was NOT handled or recorded. Channels see the neutral `TryLater` (a
    webhook answers 503 so the platform delivers it again)."""


def is_connectivity_error(exc: BaseException) -> bool:
    """True when `exc` means "the database cannot do it now" (db/errors.py, by SQLSTATE or SQLite code),
    not that a statement was wrong: the transaction was rolled back, so running the update again is safe."""
    return is_retryable(exc)


class UserLocks:
    """One asyncio lock per user, dropped when nobody waits on it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        router: Router,
        content: Content,
        i18n: I18n,
        settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.sessions = sessions
        self.router = router
        self.content = content
        self.i18n = i18n
        self.settings = settings
        self.clock = clock
        self.locks = UserLocks()
        # How long an update waits for a lost database connection to come back before giving up.
        self.db_retry_seconds = 10.0
        self._officers = settings.officer_ids()
        # Updates beyond the pool's connections wait here, on a plain semaphore, rather than in the
        # pool's own queue (a task and a timeout per waiter): with SQLite's one connection and 64
        # concurrent Telegram updates that queue cost more CPU than the transactions themselves.
        slots = pool_capacity(sessions)
        self._transactions = asyncio.Semaphore(slots) if slots else None
        # Durable replies (Limits.durable_replies) are outbox rows leased to this process for the grace.
        self.sender_id = f"r-{uuid.uuid4().hex[:12]}"
        self.reply_grace = float(getattr(settings, "reply_grace_seconds", 20.0))

    async def handle(self, inbound: Inbound, limits: Limits = DEFAULT_LIMITS) -> Handled:
        """Handle one update end to end (the one receive path of every channel): returns the replies to
        send, already committed, and, when the channel `delivers_pushes`, the messages for its other users;
        every other message for another user is an outbox row for the delivery worker. Raises
        DatabaseUnavailable (a TryLater) when nothing could be recorded."""
        started = time.perf_counter()
        async with self.locks.hold((inbound.channel, inbound.user_id)):
            try:
                handled = await self._with_reconnect(inbound, limits)
                outcome = "ok" if handled.replies or inbound.kind is Kind.STOPPED else "duplicate"
            except DatabaseUnavailable:
                metrics.UPDATES.labels(inbound.channel, "unavailable").inc()
                raise
            except Exception:
                log.exception("handler failed for a %s update on %s", inbound.kind, inbound.channel)
                handled, outcome = Handled(await self._after_failure(inbound)), "error"
        metrics.UPDATES.labels(inbound.channel, outcome).inc()
        metrics.HANDLER_SECONDS.labels(inbound.channel).observe(time.perf_counter() - started)
        return handled

    async def _with_reconnect(self, inbound: Inbound, limits: Limits) -> Handled:
        """Run the update's transaction; when the connection drops (server restart, terminated backend)
        it was rolled back, dedup key included, so it is run again with a short backoff."""
        deadline = time.monotonic() + self.db_retry_seconds
        delay = 0.1
        while True:
            try:
                return await self._handle_in_transaction(inbound, limits)
            except Exception as exc:
                if not is_connectivity_error(exc):
                    raise
                left = deadline - time.monotonic()
                if left <= 0:
                    log.error("database unreachable for %.0f s; a %s update was not handled", self.db_retry_seconds,
                              inbound.kind)
                    raise DatabaseUnavailable(str(exc)[:200]) from exc
                log.warning("database connection lost (%s); retrying the update in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(min(delay, left))
                delay = min(delay * 2, 2.0)

    async def _handle_in_transaction(self, inbound: Inbound, limits: Limits) -> Handled:
        if self._transactions is None:
            return await self._transaction(inbound, limits)
        async with self._transactions:
            return await self._transaction(inbound, limits)

    async def _transaction(self, inbound: Inbound, limits: Limits) -> Handled:
        async with self.sessions() as session, session.begin():
            repos = Repositories(session)
            if inbound.dedup_key and not await repos.updates.mark_processed(inbound.dedup_key):
                log.info("dropped a repeated update %s", inbound.dedup_key)
                return Handled()
            loaded = await repos.users.load_conversation(inbound.channel, inbound.user_id)
            if loaded is None:
                user, _created = await repos.users.get_or_create_locked(inbound.channel, inbound.user_id)
                profile, state = None, None
            else:
                user, profile, state = loaded
            now = self.clock()
            if now - user.last_seen_at > LAST_SEEN_RESOLUTION:  # not a write on every message
                user.last_seen_at = now
            if inbound.kind is Kind.STOPPED:
                user.active = False
                return Handled()
            if not user.active:
                user.active = True
            if (inbound.channel, inbound.user_id) in self._officers and user.role == "producer":
                user.role = "officer"
            ctx = Context(
                inbound=inbound,
                user=user,
                profile=profile,
                state=state or await repos.states.for_user(user.id),
                repos=repos,
                t=self.i18n.translator(user.locale or self.settings.default_locale),
                i18n=self.i18n,
                content=self.content,
                settings=self.settings,
                now=now,
                limits=limits,
            )
            await self.route(ctx)
            durable = limits.durable_replies
            pushes = await route_pushes(repos, ctx.pushes, inbound.channel if limits.delivers_pushes else None,
                                        self.sender_id if durable else "", self.reply_grace, about=user.id)
            reply_ids: list[int] = []
            if ctx.forget_user:  # the user's rows are gone, outbox included: the goodbye is sent from memory
                await repos.users.delete_with_personal_data(user)
            else:
                _remember_keyboard(ctx)
                if durable:  # committed with the update: a kill before they leave loses nothing
                    reply_ids = await queue_leased(session, REPLY_SOURCE, user, ctx.replies, self.sender_id,
                                                   self.reply_grace)
            return Handled(ctx.replies, pushes, reply_ids, self.settle if durable else None, self.reply_grace)

    async def settle(self, row_id: int, outcome: str, detail: str = "", message_id: str = "") -> None:
        """Record what became of a reply (or push) row this process sent itself; nothing when the row is no
        longer ours (the delivery worker took it over after the grace)."""
        statement = (update(OutboxMessage)
                     .where(OutboxMessage.id == row_id, OutboxMessage.lease_owner == self.sender_id,
                            OutboxMessage.status == SENDING)
                     .values(status=outcome, finished_at=utcnow(), outcome_detail=detail[:300] or None,
                             message_id=message_id[:64] or None, lease_owner=None, lease_until=None))
        # Not behind the updates waiting for a transaction slot: until this commits, a kill sends the
        # reply again (on SQLite's one connection that queue is the whole residual window). One
        # autocommitted statement: a single round trip, durable when it returns.
        bind = self.sessions.kw.get("bind")
        if bind is None or not hasattr(bind, "connect"):
            async with self.sessions() as session, session.begin():
                await session.execute(statement)
            return
        async with bind.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(statement)

    async def route(self, ctx: Context) -> None:
        inbound = ctx.inbound
        handler = None
        if inbound.kind is Kind.STARTED:
            handler = self.router.commands["start"]
        elif inbound.kind is Kind.TEXT:
            inbound = self._as_button(ctx) or inbound
            ctx.inbound = inbound
            handler = self._command_for(ctx)
            if handler is None and inbound.kind is Kind.TEXT:
                pressed, asked_which = self._loosely_as_button(ctx)
                if asked_which:  # several buttons fit: the reply asks which one; nothing else is routed
                    return
                ctx.inbound = inbound = pressed or inbound
        if handler is None and inbound.kind is Kind.BUTTON:
            parts = inbound.payload.split(":", 2)
            capability_action = ":".join(parts[:2])
            ctx.arg = parts[2] if len(parts) > 2 else ""
            handler = self.router.buttons.get(capability_action) or self.router.commands["stale_button"]
        if handler is None:
            handler = self.router.answer_handler(ctx.state.flow, ctx.state.step)
        if handler is None:
            handler = self.router.kinds.get(inbound.kind)
        if handler is None:
            handler = self.router.fallback or self.router.commands["help"]
        await handler(ctx)

    def _command_for(self, ctx: Context) -> Handler | None:
        match = _COMMAND.match(ctx.text)
        if match:
            name = match.group(1).lower()
            return self.router.commands.get(name) or self.router.commands["help"]
        if fold(ctx.text) in CANCEL_WORDS:
            return self.router.commands["menu"]
        return self.router.words.get(fold(ctx.text))

    def _as_button(self, ctx: Context) -> Inbound | None:
        """Text that stands for a button: the number or whole label of one of the last keyboard's buttons
        (bot/core/typed.py rule 1), or a payload."""
        typed_text = ctx.text
        buttons = typed.keyboard_buttons(ctx.state.keyboard)
        pressed = typed.exact_press(typed_text, buttons, numbers=self.router.takes_text(ctx) != "number")
        if pressed is not None:
            return replace(ctx.inbound, kind=Kind.BUTTON, payload=pressed.payload)
        if _PAYLOAD.match(typed_text) and ":".join(typed_text.split(":", 2)[:2]) in self.router.buttons:
            return replace(ctx.inbound, kind=Kind.BUTTON, payload=typed_text)  # Zalo sends query payloads as text
        return None

    def _loosely_as_button(self, ctx: Context) -> tuple[Inbound | None, bool]:
        """A yes/no word for the button marked so; where the step does not wait for typed text, part of one
        label (typed.py rules 3 and 4). Returns the press, if any, and whether several labels fitting made
        it ask which one (that reply is added here, with those buttons)."""
        buttons = typed.keyboard_buttons(ctx.state.keyboard)
        pressed = typed.yes_no_press(ctx.text, buttons)
        if pressed is None and buttons and not self.router.takes_text(ctx):
            fitting = typed.loose_matches(ctx.text, buttons)
            if len(fitting) > 1:
                ctx.reply("typed.which", buttons=[[button] for button in fitting])
                return None, True
            pressed = fitting[0] if fitting else None
        if pressed is None:
            return None, False
        return replace(ctx.inbound, kind=Kind.BUTTON, payload=pressed.payload), False

    async def _after_failure(self, inbound: Inbound) -> list[Outgoing]:
        """A handler failed: nothing it changed was saved. Record the update id (a redelivery would
        fail the same way) and apologise, leaving the user where they were."""
        locale = self.settings.default_locale
        try:
            async with self.sessions() as session, session.begin():
                repos = Repositories(session)
                if inbound.dedup_key:
                    await repos.updates.mark_processed(inbound.dedup_key)
                user = await repos.users.by_channel_id(inbound.channel, inbound.user_id)
                locale = (user.locale if user else None) or locale
        except Exception:
            log.exception("could not record a failed update")
        t = self.i18n.translator(locale)
        return [Outgoing(text=t("error.generic"))]


def pool_capacity(sessions: async_sessionmaker[AsyncSession]) -> int | None:
    """How many connections the sessions' pool can hand out at once, or None when it does not say."""
    bind = sessions.kw.get("bind")
    pool = getattr(getattr(bind, "sync_engine", None), "pool", None)
    size = getattr(pool, "size", None)
    if pool is None or not callable(size):
        return None
    return max(1, int(size()) + max(0, int(getattr(pool, "_max_overflow", 0))))


def _remember_keyboard(ctx: Context) -> None:
    typed.remember_keyboard(ctx)
