"""Channel-neutral message types: what a channel hands the engine, and what the engine hands back.

A channel turns a platform update into an `Inbound` and an `Outgoing` into platform calls; it never
knows what OCOP is. Texts in `Outgoing` are already rendered in the user's language by the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    STARTED = "started"  # Telegram /start, Zalo follow: a new conversation
    STOPPED = "stopped"  # Zalo unfollow: the user left; mark inactive
    TEXT = "text"
    BUTTON = "button"  # a button press; `payload` holds its namespaced data
    CONTACT = "contact"  # the user shared a phone number
    LOCATION = "location"
    FILE = "file"  # a document or image the user sent


class Purpose(StrEnum):
    """Why a message is sent: platforms treat them differently (Zalo: consultation / transaction /
    promotion messages with different windows and quotas); delivery sends replies before bulk."""

    REPLY = "reply"
    REMINDER = "reminder"
    BULLETIN = "bulletin"
    BROADCAST = "broadcast"


@dataclass(frozen=True)
class FileRef:
    """A file the user sent: the platform's id for it, plus what we know of it."""

    file_id: str
    name: str = ""
    mime: str = ""
    is_image: bool = False
    size: int = 0  # bytes, when the platform says (0: unknown), to refuse a big file before downloading it


@dataclass(frozen=True)
class Inbound:
    """One thing a user did, as every channel reports it."""

    channel: str
    user_id: str  # the user's id on that channel, always a string (Zalo ids overflow 64-bit JS numbers)
    kind: Kind
    dedup_key: str | None = None  # platform update id: a repeat with the same key is dropped
    text: str = ""
    payload: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None
    file: FileRef | None = None
    language_hint: str = ""  # the platform's language for the user, if it says (Telegram language_code)
    callback_id: str = ""  # Telegram callback query id, answered by the channel


YES = "yes"
NO = "no"


@dataclass(frozen=True)
class Button:
    """One choice. Two optional markers say what typing can stand for it (bot/core/typed.py):
    `number`: the number the screen itself shows for this choice (item 9 of a paged list, ticket 12),
    so typing "9" presses it whatever its position; `means`: YES or NO, so "ok", "có rồi", "chưa", "ko"…
    press it on a screen that asks a yes/no question."""

    label: str
    payload: str
    number: int | None = None
    means: str | None = None


@dataclass(frozen=True)
class Attachment:
    """An image or document to send, as bytes with a file name.

    `remote_id`: the platform's own id for these bytes on the channel it is sent through (an id from
    an earlier upload there): the channel sends that instead of uploading again, and falls back to the
    bytes if the platform no longer knows it. A channel that uploads the bytes reports the id it got
    in `Sent.extra["file_id"]`."""

    name: str
    data: bytes
    is_image: bool = True
    remote_id: str = ""


@dataclass(frozen=True)
class Outgoing:
    """One message to show, rendered: the text, optional button rows, optional attachment.

    `request_contact` asks the platform to offer a "share my phone" button where it has one
    (Telegram's reply keyboard); other buttons still work as typed or numbered choices."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    request_contact: str = ""  # label of the share-phone button; empty = none
    attachment: Attachment | None = None

    def flat_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


def numbered(buttons: Sequence[Button]) -> list[tuple[int | None, Button]]:
    """The number that presses each button when typed, as every channel shows it: the button's own
    `number` where the screen numbers its items (a paged list: item 9 on page 2 is 9, not 1), else its
    position (1, 2, …). On a screen with numbered items the other buttons (paging, menu) have no number:
    they are pressed by their label, so a typed number is always an item the user can see."""
    if any(button.number is not None for button in buttons):
        return [(button.number, button) for button in buttons]
    return list(enumerate(buttons, start=1))


@dataclass
class Sent:
    """What a channel reports after sending one Outgoing: the platform message id, if any."""

    message_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Push:
    """A message for another user than the sender, on the sender's channel (`user_id` is their id there)."""

    user_id: str
    message: Outgoing
    outbox_id: int | None = None  # its outbox row, leased to the sending process (see Handled.settle)


@dataclass(frozen=True)
class Limits:
    """What one platform allows, declared by its channel adapter and read by the engine (button payloads,
    whether the channel sends an update's messages for other users itself), the renderers (text and
    caption length, buttons per message) and the delivery worker (rates, when the database names none)."""

    text: int  # characters per message; longer text is split
    caption: int  # characters of text sent with a photo or document (0: the platform takes none)
    buttons: int  # buttons per message; the rest become numbered lines
    payload_bytes: int  # bytes of one button payload
    per_second: float  # messages per second over all chats (0: no limit)
    per_chat_per_second: float  # messages per second to one chat (0: no limit)
    delivers_pushes: bool = True
    """True when the channel sends an update's messages for its other users right after the commit
    (Telegram, Zalo); False (the console) puts them in the outbox for the delivery worker."""
    durable_replies: bool = False
    """True: the engine writes the replies as outbox rows in the update's own transaction, leased to this
    process for a short grace; the channel sends them at once and settles each row, and the delivery
    worker sends what a dead process left (Telegram, Zalo). False (the console): replies only in memory."""


# The engine's default for a caller that names no channel limits (tests, the console): Telegram's sizes,
# the strictest of our platforms for payloads, and pushes for other users through the outbox.
DEFAULT_LIMITS = Limits(text=4096, caption=1024, buttons=100, payload_bytes=64, per_second=0, per_chat_per_second=0,
                        delivers_pushes=False)


class TryLater(Exception):  # noqa: N818 - it says what the caller must do
    """The update was neither handled nor recorded (the database could not be reached for a while): a
    webhook answers 503 so the platform delivers it again; nothing of it was saved."""


# Records what became of one outbox row the handling process sent itself: (row id, outcome, detail,
# platform message id); outcome is "sent", "blocked" or "refused" (a row not settled is sent again by
# the delivery worker once its lease runs out).
Settle = Callable[[int, str, str, str], Awaitable[None]]


@dataclass
class Handled:
    """What one update produced: replies to the sender, and pushes to other users of the same channel.

    `reply_ids[i]` is the committed outbox row of `replies[i]` (durable replies; shorter or empty when a
    reply has no row, e.g. the apology after a handler failed); `settle` records each send's outcome.
    A row is sent by this process only in the first half of its lease: the delivery worker takes it
    over only after the whole lease, so the two never send the same row (bar a send slower than that)."""

    replies: list[Outgoing] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    reply_ids: list[int] = field(default_factory=list)
    settle: Settle | None = None
    lease_seconds: float = 0.0  # how long the rows stay this process's: past half of it, leave them to the worker
