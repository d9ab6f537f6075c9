"""Transcript tests read like conversations: `await chat.send("...")`, `await chat.click("label")`,
then assert on `chat.last` (the last reply) — against the real engine and a real database."""

from __future__ import annotations

from dataclasses import replace
from itertools import count

from bot.core.engine import Engine
from bot.core.messages import DEFAULT_LIMITS, Inbound, Kind, Outgoing, Push

_update_ids = count(1)
# Like Telegram and Zalo, the transcript's channel takes the messages for its other users itself.
DELIVERS_PUSHES = replace(DEFAULT_LIMITS, delivers_pushes=True)


class Chat:
    def __init__(self, engine: Engine, user_id: str = "u1", channel: str = "console") -> None:
        self.engine = engine
        self.user_id = user_id
        self.channel = channel
        self.replies: list[Outgoing] = []
        self.history: list[Outgoing] = []
        self.pushes: list[Push] = []  # what the last update sent to other users of the channel

    async def _deliver(self, inbound: Inbound) -> list[Outgoing]:
        handled = await self.engine.handle(inbound, DELIVERS_PUSHES)
        self.replies, self.pushes = handled.replies, handled.pushes
        self.history.extend(self.replies)
        return self.replies

    def _inbound(self, kind: Kind, **fields: object) -> Inbound:
        return Inbound(self.channel, self.user_id, kind, dedup_key=f"test:{next(_update_ids)}", **fields)  # type: ignore[arg-type]

    async def start(self) -> list[Outgoing]:
        return await self._deliver(self._inbound(Kind.STARTED))

    async def send(self, text: str) -> list[Outgoing]:
        return await self._deliver(self._inbound(Kind.TEXT, text=text))

    async def share_phone(self, phone: str) -> list[Outgoing]:
        return await self._deliver(self._inbound(Kind.CONTACT, phone=phone))

    async def press(self, payload: str) -> list[Outgoing]:
        """Press a button by its payload, shown or not (a forged payload is just this)."""
        return await self._deliver(self._inbound(Kind.BUTTON, payload=payload))

    async def click(self, label_part: str) -> list[Outgoing]:
        """Press the button of the last replies whose label contains `label_part` (exactly one must)."""
        matches = [b for r in self.replies for b in r.flat_buttons() if label_part.lower() in b.label.lower()]
        labels = [b.label for r in self.replies for b in r.flat_buttons()]
        assert len(matches) == 1, f"{len(matches)} buttons match {label_part!r} in {labels}"
        return await self.press(matches[0].payload)

    @property
    def last(self) -> Outgoing:
        assert self.replies, "the bot sent no reply"
        return self.replies[-1]

    @property
    def text(self) -> str:
        """All texts of the last replies, joined."""
        return "\n".join(r.text for r in self.replies)

    def labels(self) -> list[str]:
        return [b.label for r in self.replies for b in r.flat_buttons()]
