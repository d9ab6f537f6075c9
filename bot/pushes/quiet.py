"""Quiet hours: no pushes between quiet_start and quiet_end local time (default 21:00–07:00)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def in_quiet_hours(moment: datetime, timezone: str, start: time, end: time) -> bool:
    local = moment.astimezone(ZoneInfo(timezone)).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the quiet period spans midnight


def after_quiet_hours(moment: datetime, timezone: str, start: time, end: time) -> datetime:
    """`moment` itself, or the end of the quiet period it falls in (the next morning's quiet_end)."""
    if not in_quiet_hours(moment, timezone, start, end):
        return moment
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    morning = datetime.combine(local.date(), end, tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return morning.astimezone(moment.tzinfo)
