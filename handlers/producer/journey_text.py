"""Small helpers the producer journeys share: today's date in the province, typed dates, legal-basis lines,
and splitting long answers into messages every channel can show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.content.base import Sourced
from bot.core.context import Context
from bot.core.messages import Button

MESSAGE_LIMIT = 1800
"""Zalo shows about 2000 characters per message, Telegram 4096: stay under the smaller with room to spare."""

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})\s*$")


def local_today(ctx: Context) -> date:
    """Today in the province's time zone (a producer's "today" turns at midnight in Đồng Tháp, not UTC)."""
    return ctx.now.astimezone(ZoneInfo(ctx.settings.timezone)).date()


def parse_typed_date(text: str) -> date | None:
    """A day typed the Vietnamese way: 31/12/2027, 31-12-27, 1.2.2028 (day first); None if it is not a date."""
    match = _DATE.match(text or "")
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        year += 2000
    if not 2000 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def basis_line(ctx: Context, fact: Sourced) -> str:
    """"Căn cứ: <source>", saying so when the source was not checked against the original text."""
    unconfirmed = "" if fact.confirmed else " " + ctx.t("journeys.unconfirmed")
    return ctx.t("journeys.basis", source=fact.source) + unconfirmed


def reply_in_parts(ctx: Context, parts: Sequence[str], buttons: Sequence[Sequence[Button]] = ()) -> None:
    """Join text parts into as few messages as fit under MESSAGE_LIMIT; the buttons go with the last one."""
    messages: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + 2 + len(part) > MESSAGE_LIMIT:
            messages.append(current)
            current = part
        else:
            current = f"{current}\n\n{part}" if current else part
    messages.append(current)
    for text in messages[:-1]:
        ctx.reply_text(text)
    ctx.reply_text(messages[-1], buttons=buttons)
