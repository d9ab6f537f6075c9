"""`ocop-bot calendar import FILE | list` and `ocop-bot export`: the officers' tools from a terminal."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.cli_support import run_in_transaction
from db.models import utcnow

MAX_ID = 50  # the id goes into a button payload (64 bytes with its prefix)


class DeadlineFileError(Exception):
    """A problem in an imported deadline file; nothing is imported."""


def add_commands(commands: Any) -> None:
    """Add `calendar` and `export` to the `ocop-bot` parser."""
    calendar = commands.add_parser("calendar", help="the province's deadlines (content + officers' changes)")
    actions = calendar.add_subparsers(title="calendar commands", metavar="ACTION")
    load = actions.add_parser("import", help="add or change deadlines from a YAML or CSV file "
                              "(columns/keys: id (optional), date (YYYY-MM-DD or DD/MM/YYYY), title, note, removed)")
    load.add_argument("file")
    load.set_defaults(func=lambda args: _run(_import, args))
    show = actions.add_parser("list", help="list the deadlines in force, soonest first")
    show.set_defaults(func=lambda args: _run(_list, args))
    export = commands.add_parser("export", help="write the yearly-report export (holds names and phone numbers)")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--out", default=".", help="folder for the files (default: here)")
    export.set_defaults(func=lambda args: _run(_export, args))


def _run(action: Any, args: argparse.Namespace) -> int:
    return run_in_transaction(action, args, (DeadlineFileError,), "ocop-bot calendar")


def _day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DeadlineFileError(f"{where}: date {text!r} is not YYYY-MM-DD or DD/MM/YYYY")


def parse_deadlines(text: str, name: str) -> list[dict[str, Any]]:
    """Rows {id, date, title, note, removed} from YAML (a list, or `province_deadlines:`) or CSV with a header."""
    if name.lower().endswith(".csv"):
        raw: Any = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    else:
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DeadlineFileError(f"{name}: not valid YAML ({exc})") from None
        raw = raw.get("province_deadlines") if isinstance(raw, dict) else raw
    if not isinstance(raw, list) or not raw:
        raise DeadlineFileError(f"{name}: no deadlines found")
    from db.province_deadlines import new_id

    rows = []
    for i, item in enumerate(raw, 1):
        where = f"{name}: entry {i}"
        if not isinstance(item, dict) or not str(item.get("title") or "").strip():
            raise DeadlineFileError(f"{where}: a title is needed")
        day = _day(item.get("date"), where)
        title = str(item["title"]).strip()
        deadline_id = str(item.get("id") or "").strip() or new_id(title, day)
        if len(deadline_id) > MAX_ID or ":" in deadline_id:
            raise DeadlineFileError(f"{where}: id {deadline_id!r} is longer than {MAX_ID} characters or has ':'")
        removed = str(item.get("removed") or "").strip().lower() in ("1", "true", "yes", "x")
        rows.append({"id": deadline_id, "date": day, "title": title, "note": str(item.get("note") or "").strip() or None,
                     "removed": removed})
    return rows


async def import_deadlines(session: Any, rows: list[dict[str, Any]], now: datetime) -> int:
    """Save every parsed row (all or nothing: one transaction); returns how many."""
    from db.province_deadlines import ProvinceDeadlineRepository

    repo = ProvinceDeadlineRepository(session)
    for row in rows:
        await repo.save(row["id"], row["date"], row["title"], row["note"], None, now, removed=row["removed"])
    return len(rows)


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


async def _export(app: Any, session: Any, args: argparse.Namespace) -> int:
    from bot.officer_files import write_export
    from bot.officer_reports import export_tables

    tables = await export_tables(session, app.content)
    for path in write_export(tables, Path(args.out), args.format, f"ocop-bao-cao-{utcnow().date().isoformat()}"):
        print(path)  # file names only: the rows (names, phones) never reach a terminal log
    return 0
