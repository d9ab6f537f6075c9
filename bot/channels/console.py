"""The console channel: chat with the bot in a terminal, no token and no server.

Buttons are shown as numbered choices; typing the number presses the button (the engine maps it). On a
list whose items carry their own numbers (a dossier page) those numbers are shown, and the other buttons
as "•" lines, pressed by typing (part of) their label.
`/phone 0912345678` plays Telegram's "share contact" button; `/quit` (or Ctrl-D) leaves.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.channels.base import Handle, ReplyOrder, receive
from bot.channels.bounded import MAX_TEXT_CHARS
from bot.channels.limits import CONSOLE as LIMITS
from bot.core.messages import Inbound, Kind, Outgoing, Purpose, Sent, TryLater, numbered


class ConsoleChannel:
    name = "console"
    limits = LIMITS

    def __init__(self, handle: Handle, user_id: str = "console-user", stdin: TextIO | None = None,
                 stdout: TextIO | None = None, try_later_text: str = "") -> None:
        """`try_later_text`: what to print when the database cannot be reached (already translated)."""
        self.handle = handle
        self.try_later_text = try_later_text
        self.user_id = user_id
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.order = ReplyOrder()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, user_id: str, message: Outgoing, purpose: Purpose = Purpose.REPLY) -> Sent:
        self.stdout.write(render(message) + "\n")
        self.stdout.flush()
        return Sent()

    def inbound_for(self, line: str) -> Inbound | None:
        line = line.strip()[:MAX_TEXT_CHARS]  # a pasted megabyte is cut, never handed on whole
        if not line:
            return None
        if line.startswith("/phone"):
            return Inbound(self.name, self.user_id, Kind.CONTACT, phone=line[len("/phone"):].strip())
        if line == "/start":
            return Inbound(self.name, self.user_id, Kind.STARTED)
        return Inbound(self.name, self.user_id, Kind.TEXT, text=line)

    async def run(self) -> None:
        """Start the conversation as Telegram's /start would, then read lines until EOF or /quit."""
        await self._deliver(Inbound(self.name, self.user_id, Kind.STARTED))
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line or line.strip() in ("/quit", "/exit"):
                self.stdout.write("\n")
                return
            inbound = self.inbound_for(line)
            if inbound is not None:
                await self._deliver(inbound)

    async def _deliver(self, inbound: Inbound) -> None:
        try:
            await receive(self, inbound)
        except TryLater:  # nothing was recorded: the user types it again when the database is back
            self.stdout.write("\n" + self.try_later_text + "\n")
            self.stdout.flush()


def render(message: Outgoing) -> str:
    lines = ["", message.text]
    if message.attachment is not None:
        lines.append(f"[{'🖼' if message.attachment.is_image else '📎'} {message.attachment.name}]")
    for number, button in numbered(message.flat_buttons()):  # the numbers typing them takes
        lines.append(f"  {number}. {button.label}" if number is not None else f"  • {button.label}")
    if message.request_contact:
        lines.append(f"  📱 /phone <số điện thoại> — {message.request_contact}")
    return "\n".join(lines)
