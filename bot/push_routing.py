"""Messages a handler addresses to other users (an officer's notification, the answer to a producer).

The channel that handled the update sends those for its own users right after the commit; the others
(a recipient on another channel, or a caller that cannot send to others) become outbox rows of the
"direct" source in the same transaction, which the delivery worker sends first: nothing is lost.
"""

from __future__ import annotations

import logging
import uuid

from bot.messages import Outgoing, Purpose, Push
from bot.outbox import enqueue, outbox_row
from db.models import utcnow
from db.repositories import Repositories

log = logging.getLogger(__name__)


async def route_pushes(repos: Repositories, pushes: list[tuple[int, Outgoing]], channel: str | None) -> list[Push]:
    """The pushes `channel` sends itself now (None: it sends none); queues the rest in the outbox."""
    now: list[Push] = []
    queued = []
    for user_id, message in pushes:
        recipient = await repos.users.by_id(user_id)
        if recipient is None or not recipient.active:
            log.info("push to user %s dropped: no such active user", user_id)
            continue
        if recipient.channel == channel:
            now.append(Push(recipient.channel_user_id, message))
        else:
            buttons = [[[b.label, b.payload] for b in row] for row in message.buttons]
            queued.append(outbox_row("direct", f"direct:{uuid.uuid4().hex}", recipient, Purpose.REPLY, utcnow(),
                                     {"text": message.text, "buttons": buttons}))
    await enqueue(repos.session, queued)
    return now
