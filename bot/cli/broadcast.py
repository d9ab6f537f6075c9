"""`ocop-bot broadcast send|status|cancel`: announcements to producers from a terminal, audited like the
chat ones (officer None: the command line)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.broadcasts.media import MediaError, describe_media, media_info, read_file, size_text, store_media
from bot.broadcasts.operations import (
    CANCELLED,
    DONE,
    BroadcastError,
    cancel,
    counts,
    create_broadcast,
    get,
    goes_out_at,
)
from bot.broadcasts.progress import progress_numbers
from bot.cli.support import run_in_transaction
from db.audit import audit
from db.models import utcnow


def add_commands(commands: Any) -> None:
    """Add `broadcast` and its actions to the `ocop-bot` parser."""
    broadcast = commands.add_parser("broadcast", help="announcements to producers (send, status, cancel)")
    b_actions = broadcast.add_subparsers(title="broadcast commands", metavar="ACTION")
    send = b_actions.add_parser("send", help="create a broadcast; the running bot sends it")
    send.add_argument("--text", required=True)
    # "extend": `--segment a=1 --segment b=2` and `--segment a=1 b=2` both keep every filter (they combine).
    send.add_argument("--segment", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                      help="commune=CODE group=CODE type=CODE stars=N+ (N stars and above) or stars=N (exactly N) "
                      "dossier=complete|incomplete; repeat it or list several: they all apply")
    send.add_argument("--at", help="local time YYYY-MM-DD HH:MM (default: now)")
    attach = send.add_mutually_exclusive_group()
    attach.add_argument("--photo", metavar="FILE", help="send this JPG or PNG photo with the text (up to 10 MB; "
                        "made smaller than 1 MB if needed, Zalo's limit)")
    attach.add_argument("--document", metavar="FILE", help="send this PDF, DOCX or DOC document with the text "
                        "(up to 5 MB, Zalo's limit)")
    send.set_defaults(func=lambda args: _run(_send, args))
    status = b_actions.add_parser("status", help="counts by outcome")
    status.add_argument("id", type=int)
    status.set_defaults(func=lambda args: _run(_status, args))
    stop = b_actions.add_parser("cancel", help="stop a scheduled or running broadcast")
    stop.add_argument("id", type=int)
    stop.set_defaults(func=lambda args: _run(_cancel, args))




def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (BroadcastError, MediaError), "ocop-bot broadcast")


def parse_at(text: str | None, timezone: str) -> datetime:
    if not text:
        return utcnow()
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        raise BroadcastError(f"--at {text!r} must look like 2026-12-01 08:00 (local time)") from None


def parse_segment(items: list[str]) -> dict[str, str]:
    """KEY=VALUE items into one segment (every key applies); a key given twice is an error, not a silent pick."""
    segment: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise BroadcastError(f"--segment {item!r} must be KEY=VALUE")
        if key.strip() in segment:
            raise BroadcastError(f"--segment {key.strip()} is given twice; a filter takes one value")
        segment[key.strip()] = value.strip()
    return segment


def local(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} ({timezone})"


async def _send(app: Any, session: Any, args: argparse.Namespace) -> int:
    segment = parse_segment(args.segment)
    due = parse_at(args.at, app.settings.timezone)
    media, note = None, ""
    if args.photo or args.document:  # checked before anything is written: a bad file creates nothing
        kind = "photo" if args.photo else "document"
        file = await asyncio.to_thread(read_file, args.photo or args.document, kind)
        media = media_info(await store_media(session, file, created_by=None))
        note = f" (made smaller, {size_text(file.size)}, so every channel takes it)" if file.reencoded else ""
    broadcast = await create_broadcast(session, app.content, officer_id=None, text=args.text, segment=segment,
                                       due_at=due, media=media)
    details = {"broadcast": broadcast.id, "audience": broadcast.total, "segment": broadcast.segment, "by": "cli"}
    if media:
        details["media"] = {k: media[k] for k in ("name", "mime", "size")}
    await audit(session, None, "broadcast.create", details)
    with_file = f", with {describe_media(media)}{note}" if media else ""
    zone = app.settings.timezone
    print(f"broadcast {broadcast.id}: {broadcast.total} recipients, due {local(due, zone)}{with_file}; "
          "the running bot (`ocop-bot run`) sends it")
    starts = goes_out_at(due, app.settings)
    if starts != due:
        print(f"note: that is in quiet hours ({app.settings.quiet_start:%H:%M}-{app.settings.quiet_end:%H:%M}); "
              f"it will start going out at {local(starts, zone)}")
    return 0


async def _status(app: Any, session: Any, args: argparse.Namespace) -> int:
    broadcast = await get(session, args.id)
    if broadcast is None:
        raise BroadcastError(f"no broadcast {args.id}")
    numbers = progress_numbers(broadcast, await counts(session, broadcast.id))
    with_file = f" with {describe_media(broadcast.media)}" if broadcast.media else ""
    print(f"broadcast {broadcast.id} ({broadcast.status}){with_file}: total {numbers['total']}, sent {numbers['sent']}, "
          f"blocked {numbers['blocked']}, failed {numbers['failed']}, skipped {numbers['skipped']}, "
          f"pending {numbers['pending']}")
    return 0


async def _cancel(app: Any, session: Any, args: argparse.Namespace) -> int:
    broadcast = await get(session, args.id)
    if broadcast is None or broadcast.status in (DONE, CANCELLED):
        raise BroadcastError(f"broadcast {args.id} is not scheduled or running")
    stopped = await cancel(session, broadcast)
    await audit(session, None, "broadcast.cancel", {"broadcast": broadcast.id, "stopped": stopped, "by": "cli"})
    print(f"broadcast {broadcast.id} cancelled: {stopped} messages will not be sent")
    return 0
