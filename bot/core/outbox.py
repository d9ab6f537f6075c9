"""The outbox: every push is a row per recipient, written once, rendered and re-checked at send time.

Whatever creates pushes (reminders, the monthly bulletin, an officer's broadcast) calls `enqueue` with
rows keyed by (source_key, user): a second tick, a restart or a second process cannot create the same
push twice. The text is NOT stored: a `Source` renders it when the row is sent, in the recipient's
locale at that moment, after checking the push still makes sense (still subscribed, date unchanged…).
A new kind of push is a new Source in the registry given to the delivery worker.

Replies (issue 15): on a channel with durable replies every reply is a row of source "reply", written
in the update's own transaction with its rendered text (`encode_message`), `sending` and leased to the
handling process, which sends it right after the commit and settles it; the delivery worker sends what
a killed process left once the lease is over (`queue_leased`, `ReplySource`).

Messages a handler addresses to other users (an officer's notification, the answer to a producer): the
channel that handled the update sends those for its own users right after the commit when it can; the
others (a recipient on another channel, or a channel that cannot reach other users) become outbox rows of
the "direct" source in the same transaction, which the delivery worker sends first: nothing is lost.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.reminders import PUSH_KINDS  # noqa: F401 - kinds a producer can turn off
from bot.core.messages import Attachment, Button, Outgoing, Purpose, Push, Sent
from db.models import OutboxMessage, PushPreference, User, utcnow
from db.repositories import Repositories

log = logging.getLogger(__name__)

PENDING, SENDING, SENT = "pending", "sending", "sent"
BLOCKED, FAILED, SKIPPED, REFUSED = "blocked", "failed", "skipped", "refused"
FINAL = (SENT, BLOCKED, FAILED, SKIPPED, REFUSED)


@dataclass
class Prepared:
    """What to send for one row (parts in order: e.g. a chart, then the text), or why to skip it.

    Two optional hooks for parts that depend on other rows' sends, e.g. an attachment uploaded once and
    then sent to everyone by the platform's id (bot/broadcasts/source.py):
    - `ready()` is awaited after the worker closed its database session, before the first send; it
      may wait for another row's upload, and returns the parts to send.
    - `settled(index, sent)` is told what the platform answered for each part (Sent), or None for the
      first part that did not go out (an error, or the row was left to another worker)."""

    parts: list[Outgoing] = field(default_factory=list)
    skip: str = ""
    ready: Callable[[], Awaitable[list[Outgoing]]] | None = None
    settled: Callable[[int, Sent | None], Awaitable[None]] | None = None


class Source(Protocol):
    name: str

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        """Re-check the push against the database now and render it in the user's locale."""
        ...


def outbox_row(source: str, source_key: str, user: User | Mapping[str, Any], purpose: Purpose, due_at: datetime,
               data: dict[str, Any] | None = None, status: str = PENDING, detail: str | None = None) -> dict[str, Any]:
    """Values for one outbox row; `user` is a User or a mapping with id, channel, channel_user_id."""
    get = user.get if isinstance(user, Mapping) else (lambda key: getattr(user, key))
    return {
        "source": source, "source_key": source_key, "user_id": get("id"), "channel": get("channel"),
        "channel_user_id": get("channel_user_id"), "purpose": str(purpose), "data": data or {},
        "status": status, "due_at": due_at, "attempts": 0, "parts_done": 0, "created_at": utcnow(),
        "outcome_detail": detail, "finished_at": utcnow() if status in FINAL else None,
    }


async def enqueue(session: AsyncSession, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows, ignoring any whose (source_key, user) already exists. Returns how many were given."""
    batch = list(rows)
    if not batch:
        return 0
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["source_key", "user_id"])
    for start in range(0, len(batch), 1000):
        await session.execute(statement, batch[start : start + 1000])
    return len(batch)


async def disabled_kinds(session: AsyncSession, user_id: int) -> set[str]:
    query = select(PushPreference.kind).where(PushPreference.user_id == user_id, PushPreference.enabled.is_(False))
    return set((await session.execute(query)).scalars())


async def push_allowed(session: AsyncSession, user: User, kind: str, *, needs_consent: bool = True) -> str:
    """'' when the user still wants this kind of push, else the reason to skip it."""
    if not user.active:
        return "inactive"
    if needs_consent and user.consent_at is None:
        return "no consent"
    if not user.notifications:
        return "notifications off"
    if kind in await disabled_kinds(session, user.id):
        return f"{kind} turned off"
    return ""


class DirectSource:
    """A conversation message for another user that the handling channel could not send itself (the
    recipient is on another channel): an officer's new ticket, the answer to a producer. Stored as
    rendered (text and buttons), sent as long as the user is active."""

    name = "direct"

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        if not user.active:
            return Prepared(skip="inactive")
        return Prepared([decode_message(row.data)])


# --- replies: rows written in the update's transaction, sent at once by the handling process ---------

REPLY_SOURCE = "reply"


def encode_message(message: Outgoing) -> dict[str, Any]:
    """A rendered message as JSON for an outbox row (an attachment's bytes as base64)."""
    data: dict[str, Any] = {"text": message.text,
                            "buttons": [[[b.label, b.payload, b.number, b.means] for b in row] for row in message.buttons]}
    if message.request_contact:
        data["request_contact"] = message.request_contact
    if message.attachment is not None:
        item = message.attachment
        data["attachment"] = {"name": item.name, "data": base64.b64encode(item.data).decode("ascii"),
                              "is_image": item.is_image, "remote_id": item.remote_id}
    return data


def decode_message(data: Mapping[str, Any]) -> Outgoing:
    rows = tuple(tuple(_button(b) for b in row) for row in data.get("buttons", []))
    item = data.get("attachment")
    attachment = None
    if isinstance(item, Mapping):
        attachment = Attachment(str(item.get("name", "")), base64.b64decode(str(item.get("data", ""))),
                                bool(item.get("is_image", True)), str(item.get("remote_id", "")))
    return Outgoing(text=str(data.get("text", "")), buttons=rows, request_contact=str(data.get("request_contact", "")),
                    attachment=attachment)


def _button(stored: list[Any]) -> Button:
    """[label, payload, number, means]; rows written before issue 15 hold [label, payload]."""
    number = stored[2] if len(stored) > 2 and stored[2] is not None else None
    means = stored[3] if len(stored) > 3 and stored[3] is not None else None
    return Button(str(stored[0]), str(stored[1]), int(number) if number is not None else None,
                  str(means) if means is not None else None)


async def queue_leased(session: AsyncSession, source: str, recipient: User, messages: list[Outgoing], owner: str,
                       grace: float, about: int | None = None) -> list[int]:
    """Outbox rows for messages the handling process sends itself right after the commit: written
    `sending`, leased to `owner` for `grace` seconds, so the delivery worker takes them over only if that
    process died (or took longer than the grace). Returns the row ids, in order."""
    if not messages:
        return []
    now = utcnow()
    rows = []
    for message in messages:
        values = outbox_row(source, f"{source}:{uuid.uuid4().hex}", recipient, Purpose.REPLY, now,
                            encode_message(message), status=SENDING)
        rows.append(OutboxMessage(**values, lease_owner=owner, lease_until=now + timedelta(seconds=grace),
                                  about_user_id=about))
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows]


SETTLED_REPLIES_KEPT = timedelta(days=1)
"""A reply or a message to another user is kept this long once settled (sent, blocked, refused…): enough to
look into a complaint the same day; the rendered text can hold a phone number, so not longer."""


class PruneSettledReplies:
    """A scheduler source (bot/pushes/scheduler.py) that writes no push: each tick deletes the reply and
    direct rows settled more than SETTLED_REPLIES_KEPT ago (every reply is an outbox row: without this the
    table grows with every message and keeps what people wrote). Pushes, broadcasts and reminders keep
    their rows: the officers' reports count them."""

    def __init__(self, kept: timedelta = SETTLED_REPLIES_KEPT) -> None:
        self.kept = kept

    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status.in_((SENT, BLOCKED, FAILED, SKIPPED, REFUSED)),  # never pending or leased
            OutboxMessage.due_at < now - self.kept,  # the (status, due_at) index
            OutboxMessage.source.in_((REPLY_SOURCE, "direct"))))
        return 0


class ReplySource:
    """A reply left unsent by the process that handled its update (killed, or the platform failed):
    the delivery worker sends it as stored, as long as the user is active."""

    name = REPLY_SOURCE

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        if not user.active:
            return Prepared(skip="inactive")
        return Prepared([decode_message(row.data)])


# --- messages a handler addresses to other users --------------------------------------------------


async def route_pushes(repos: Repositories, pushes: list[tuple[int, Outgoing]], channel: str | None,
                       owner: str = "", grace: float = 0.0, about: int | None = None) -> list[Push]:
    """The pushes `channel` sends itself now (None: it sends none); queues the rest in the outbox. With an
    `owner`, the pushes sent now are outbox rows too, leased to it (`queue_leased`): a kill before
    they leave loses nothing. `about`: the user whose update made them (their "delete my data" deletes
    these rows too: an officer's copy of a question holds the asker's organisation and words)."""
    now: list[Push] = []
    queued = []
    for user_id, message in pushes:
        recipient = await repos.users.by_id(user_id)
        if recipient is None or not recipient.active:
            log.info("push to user %s dropped: no such active user", user_id)
            continue
        if recipient.channel == channel:
            ids = await queue_leased(repos.session, "direct", recipient, [message], owner, grace, about) if owner else [None]
            now.append(Push(recipient.channel_user_id, message, ids[0]))
        else:
            queued.append({**outbox_row("direct", f"direct:{uuid.uuid4().hex}", recipient, Purpose.REPLY, utcnow(),
                                        encode_message(message)), "about_user_id": about})
    await enqueue(repos.session, queued)
    return now
