"""`ocop-bot calendar import FILE | list`: the province's deadlines from a terminal."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.support import run_in_transaction
from bot.officer.deadlines import DeadlineFileError, import_deadlines, parse_deadlines
from db.models import utcnow


def add_commands(commands: Any) -> None:
    """Add `calendar` and its actions to the `ocop-bot` parser."""
    calendar = commands.add_parser("calendar", help="the province's deadlines (content + officers' changes)")
    actions = calendar.add_subparsers(title="calendar commands", metavar="ACTION")
    load = actions.add_parser("import", help="add or change deadlines from a YAML or CSV file "
                              "(columns/keys: id (optional), date (YYYY-MM-DD or DD/MM/YYYY), title, note, removed)")
    load.add_argument("file")
    load.set_defaults(func=lambda args: _run(_import, args))
    show = actions.add_parser("list", help="list the deadlines in force, soonest first")
    show.set_defaults(func=lambda args: _run(_list, args))


def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (DeadlineFileError,), "ocop-bot calendar")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DeadlineFileError(f"cannot read {path}: {exc.strerror}") from None


async def _import(app: Any, session: Any, args: argparse.Namespace) -> int:
    text = _read(args.file)
    count = await import_deadlines(session, parse_deadlines(text, args.file), utcnow())
    print(f"{count} deadline(s) imported; `ocop-bot calendar list` shows the deadlines in force")
    return 0


async def _list(app: Any, session: Any, args: argparse.Namespace) -> int:
    from db.province_deadlines import merged_deadlines

    for deadline in await merged_deadlines(session, app.content.calendar):
        print(f"{deadline.date.isoformat()}  {deadline.id}  {deadline.title}")
    return 0
