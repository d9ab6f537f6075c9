"""Province deadlines from a file (YAML or CSV): parsed all-or-nothing and saved over the content calendar.

Used by `ocop-bot calendar import` and by the officers' screens; every error names the entry to fix."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import yaml

MAX_ID = 50  # the id goes into a button payload (64 bytes with its prefix)


class DeadlineFileError(Exception):
    """A problem in an imported deadline file; nothing is imported."""


def parse_day(value: object, where: str) -> date:
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
        day = parse_day(item.get("date"), where)
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
