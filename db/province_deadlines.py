"""Province deadlines: calendar.yaml is the default, the `province_deadlines` table overrides and extends it.

`merged_deadlines` is the one function the deadlines screen and the reminders read: a row with the id of a
content entry replaces it (a moved date, a new title), `removed` hides it, other rows add deadlines.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.base import UText
from bot.content.calendar import Calendar, ProvinceDeadline
from db.models import ProvinceDeadlineRow

OFFICER_SOURCE = "Cán bộ OCOP tỉnh cập nhật"  # an officer of the province entered it: the province's own word


def _from_row(row: ProvinceDeadlineRow, content: ProvinceDeadline | None) -> ProvinceDeadline:
    """An officer's version of a deadline; whose duty it is stays what the content says (producers for a
    deadline the officers added)."""
    return ProvinceDeadline(id=row.id, date=row.due_date, title=UText(row.title),
                            note=UText(row.note) if row.note else None, source=OFFICER_SOURCE, confirmed=True,
                            audience=content.audience if content is not None else "producers")


async def merged_deadlines(session: AsyncSession, calendar: Calendar) -> list[ProvinceDeadline]:
    """Every province deadline in force (content overridden by the table), soonest first."""
    rows = {row.id: row for row in (await session.execute(select(ProvinceDeadlineRow))).scalars()}
    merged = [d for d in calendar.province_deadlines if d.id not in rows]
    in_content = {d.id: d for d in calendar.province_deadlines}
    merged += [_from_row(row, in_content.get(row.id)) for row in rows.values() if not row.removed]
    return sorted(merged, key=lambda d: (d.date, d.id))


async def upcoming_deadlines(session: AsyncSession, calendar: Calendar, today: date, *,
                             officer: bool = False) -> list[ProvinceDeadline]:
    """Province deadlines from `today` on, soonest first (the merged set); only the producers' own unless
    `officer`."""
    return [d for d in await merged_deadlines(session, calendar) if d.date >= today and (officer or d.for_producers)]


def new_id(title: str, day: date) -> str:
    """An id for a new deadline: the title's ASCII words and the date ("han-nop-bao-cao-2027-03-01")."""
    ascii_title = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower()).strip("-")
    return f"{words[:40].strip('-') or 'han'}-{day.isoformat()}"


class ProvinceDeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, deadline_id: str, day: date, title: str, note: str | None, by: int | None,
                   now: datetime, *, removed: bool = False) -> None:
        """Add a deadline, or change the one with this id (content or table); `removed` hides it."""
        row = await self.session.get(ProvinceDeadlineRow, deadline_id)
        if row is None:
            row = ProvinceDeadlineRow(id=deadline_id)
            self.session.add(row)
        row.due_date, row.title, row.note, row.removed = day, title, note, removed
        row.updated_by, row.updated_at = by, now

    async def remove(self, deadline: ProvinceDeadline, by: int | None, now: datetime) -> None:
        """Hide a deadline (a content one stays hidden: the row remembers it was removed)."""
        note = str(deadline.note) if deadline.note else None
        await self.save(deadline.id, deadline.date, str(deadline.title), note, by, now, removed=True)
