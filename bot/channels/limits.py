"""What each platform allows, in one table: the adapters render by it, the engine reads it with every
update, the delivery worker paces by it when the database names no rates, broadcasts cut by it.

Sources: Telegram Bot API (4096 characters of text, 1024 of caption, 64 bytes of callback_data; about
30 messages/s in bulk and 1/s per chat: Telegram Bot FAQ, PTB telegram.constants.FloodLimit); Zalo OA
API v3 (about 2,000 characters; no caption: a file's text goes as its own message; buttons per template
and rates UNCONFIRMED, the button count is configurable with OCOP_ZALO_MAX_BUTTONS). See
../shared/platforms.md.
"""

from __future__ import annotations

from bot.core.messages import Limits

TELEGRAM = Limits(text=4096, caption=1024, buttons=100, payload_bytes=64, per_second=30, per_chat_per_second=1,
                  durable_replies=True)
ZALO = Limits(text=2000, caption=0, buttons=5, payload_bytes=64, per_second=1, per_chat_per_second=1,
              durable_replies=True)
# A terminal shows any length and any number of (numbered) buttons; it cannot reach other users, so
# messages for them go to the outbox.
CONSOLE = Limits(text=1_000_000, caption=1_000_000, buttons=1_000, payload_bytes=64, per_second=0,
                 per_chat_per_second=0, delivers_pushes=False)

BY_CHANNEL = {"telegram": TELEGRAM, "zalo": ZALO, "console": CONSOLE}


def for_channel(name: str) -> Limits:
    """The platform's limits; an unknown channel gets the console's sizes with Telegram's payload bytes."""
    return BY_CHANNEL.get(name, CONSOLE)


# Files a bot sends: Telegram takes any document up to 50 MB (Bot API sendDocument); a Zalo OA uploads
# PDF/DOC/DOCX files up to 5 MB and images up to 1 MB (integrators' documentation, UNCONFIRMED on Zalo's own
# pages) and no ZIP is documented, so a dossier ZIP goes only where it is known to work.
FILE_SEND_BYTES = {"telegram": 50 * 1024 * 1024, "zalo": 5 * 1024 * 1024, "console": 50 * 1024 * 1024}
ZIP_CHANNELS = frozenset({"telegram", "console"})
# Files a user sends that the bot can fetch: Telegram's getFile serves bots files up to 20 MB; the Zalo
# channel reads at most 20 MB of a file's URL (bot/channels/zalo.py DOWNLOAD_LIMIT).
FILE_RECEIVE_BYTES = {"telegram": 20 * 1024 * 1024, "zalo": 20 * 1024 * 1024}


def file_receive_limit(name: str, ours: int) -> int:
    """The largest file a user may send on the channel: the platform's limit or `ours`, whichever is smaller."""
    return min(ours, FILE_RECEIVE_BYTES.get(name, ours))


def file_send_limit(name: str) -> int:
    """The largest document the bot may send on the channel (bytes)."""
    return FILE_SEND_BYTES.get(name, FILE_SEND_BYTES["console"])


def sends_zip(name: str) -> bool:
    """Whether the channel can send a ZIP document."""
    return name in ZIP_CHANNELS
