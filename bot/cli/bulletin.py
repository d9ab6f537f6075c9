"""`ocop-bot bulletin create|preview|send`: the officer's side of the monthly market bulletin."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.bulletin import (
    BulletinError,
    by_month,
    create_bulletin,
    render_chart,
    render_text,
    schedule_bulletin,
    subscribers,
)
from bot.cli.support import run_in_transaction
from db.models import utcnow


def add_commands(commands: Any) -> None:
    """Add `bulletin` and its actions to the `ocop-bot` parser."""
    bulletin = commands.add_parser("bulletin", help="the monthly market bulletin (create, preview, send)")
    actions = bulletin.add_subparsers(title="bulletin commands", metavar="ACTION")
    create = actions.add_parser("create", help="create (or replace, before it is sent) a month's bulletin")
    create.add_argument("--month", required=True, help="YYYY-MM")
    create.add_argument("--summary", required=True, help="text file: the summary in Vietnamese")
    create.add_argument("--summary-en", help="text file: the summary in English (default: the Vietnamese one)")
    create.add_argument("--prices", required=True,
                        help="CSV: product,market,unit,price,last_price (VND; lines starting with # are comments)")
    create.add_argument("--groups", default="", help="only producers of these product groups, comma separated "
                        "(programme.yaml codes, e.g. thuc-pham,do-uong); default: everyone subscribed")
    create.set_defaults(func=lambda args: _run(_create, args))
    preview = actions.add_parser("preview", help="write the message (vi, en) and the chart PNGs to files")
    preview.add_argument("--month", required=True)
    preview.add_argument("--out", default=".", help="folder for the files (default: here)")
    preview.set_defaults(func=lambda args: _run(_preview, args))
    send = actions.add_parser("send", help="schedule the bulletin: day OCOP_BULLETIN_DAY of its month at "
                              "OCOP_BULLETIN_HOUR local (at once if that has passed), or --now")
    send.add_argument("--month", required=True)
    send.add_argument("--now", action="store_true", help="send at the next tick instead")
    send.set_defaults(func=lambda args: _run(_send, args))


def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (BulletinError,), "ocop-bot bulletin")


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BulletinError(f"cannot read the {what} file {path}: {exc.strerror}") from None


def _write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


async def _create(app: Any, session: AsyncSession, args: argparse.Namespace) -> int:
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    bulletin = await create_bulletin(
        session, args.month, _read(args.summary, "summary"), _read(args.prices, "prices"),
        summary_en=_read(args.summary_en, "English summary") if args.summary_en else None, groups=groups,
        prices_name=args.prices, known_groups=set(app.content.programme.group_by_code))
    print(f"bulletin {bulletin.month}: {len(bulletin.prices)} prices; preview it with "
          f"`ocop-bot bulletin preview --month {bulletin.month}`, then `ocop-bot bulletin send`")
    return 0


async def _preview(app: Any, session: AsyncSession, args: argparse.Namespace) -> int:
    bulletin = await by_month(session, args.month)
    if bulletin is None:
        raise BulletinError(f"no bulletin for {args.month}")
    files: dict[str, bytes] = {}
    for locale in ("vi", "en"):
        t = app.i18n.translator(locale)
        files[f"bulletin-{bulletin.month}.{locale}.txt"] = (render_text(bulletin, t) + "\n").encode("utf-8")
        files[f"bulletin-{bulletin.month}.{locale}.png"] = render_chart(bulletin, t)
    for path in _write_files(Path(args.out), files):
        print(path)
    print(f"recipients now: {len(await subscribers(session, bulletin))}")
    return 0


async def _send(app: Any, session: AsyncSession, args: argparse.Namespace) -> int:
    bulletin = await schedule_bulletin(session, app.settings, args.month, now=utcnow(), immediately=args.now)
    count = len(await subscribers(session, bulletin))
    when = bulletin.scheduled_at.astimezone(ZoneInfo(app.settings.timezone))  # type: ignore[union-attr]
    print(f"bulletin {bulletin.month} goes out at {when:%Y-%m-%d %H:%M} ({app.settings.timezone}) to the producers "
          f"subscribed then (now: {count}); the running bot (`ocop-bot run`) sends it")
    return 0
