"""Province deadlines from the browser: the deadlines in force with the reminders each one brings (from
content/reminders.yaml), the yearly report deadline for officers first, and add / change / remove through
the same table the chat and `ocop-bot calendar import` write (db/province_deadlines.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.content.text import clean_user_text
from bot.web.console import Page, Routes
from bot.web.dashboard import local_today
from db.officer_actions import record_officer_action
from db.province_deadlines import ProvinceDeadlineRepository, merged_deadlines, new_id

TITLE_LIMIT = 200
YEARLY_REPORT = "bao-cao-nam-"  # the province's yearly OCOP report: the officers' own deadline


def reminder_times(page: Page, day: date) -> list[tuple[datetime, int]]:
    """(when, days before) of every province-deadline reminder rule, in local time."""
    zone = ZoneInfo(page.console.settings.timezone)
    rules = [r for r in page.console.content.reminders.rules if r.anchor.type == "province_deadline"]
    return sorted((datetime.combine(day + timedelta(days=r.offset_days), time(r.hour or 8), tzinfo=zone), -r.offset_days)
                  for r in rules)


async def show_calendar(page: Page, error: str = "", status: int = 200) -> web.Response:
    today = local_today(page)
    deadlines = [d for d in await merged_deadlines(page.db, page.console.content.calendar) if d.date >= today]
    yearly = [d for d in deadlines if d.id.startswith(YEARLY_REPORT)][:1]
    # main gives deadlines an audience (`for_producers`: the yearly report is the officers' own and is never
    # pushed to producers); read it where it exists, so this page stays right once both are merged
    rows = [(d, reminder_times(page, d.date) if getattr(d, "for_producers", True) else None) for d in deadlines]
    return page.render("calendar.html", status=status, rows=rows, yearly=yearly, error=error, today=today)


async def calendar_page(page: Page) -> web.StreamResponse:
    return await show_calendar(page)


def _read(page: Page) -> tuple[str, date | None]:
    assert page.form is not None
    title = clean_user_text(page.form.get("title"), TITLE_LIMIT)
    try:
        day = date.fromisoformat(page.form.get("date"))
    except ValueError:
        day = None
    return title, day


async def add_deadline(page: Page) -> web.StreamResponse:
    title, day = _read(page)
    if len(title) < 3 or day is None:
        return await show_calendar(page, page.t("web.cal_bad"), 400)
    deadline_id = new_id(title, day)
    await ProvinceDeadlineRepository(page.db).save(deadline_id, day, title, None, page.officer_id, page.now)
    record_officer_action(page.db, page.officer_id, "deadline_saved", {"id": deadline_id, "date": day, "by": "web"})
    return page.redirect("/web/calendar")


async def _find(page: Page):  # noqa: ANN202
    deadlines = await merged_deadlines(page.db, page.console.content.calendar)
    return next((d for d in deadlines if d.id == page.request.match_info["id"]), None)


async def change_deadline(page: Page) -> web.StreamResponse:
    deadline = await _find(page)
    title, day = _read(page)
    if deadline is None:
        return page.render("not_found.html", status=404)
    if len(title) < 3 or day is None:
        return await show_calendar(page, page.t("web.cal_bad"), 400)
    await ProvinceDeadlineRepository(page.db).save(deadline.id, day, title, deadline.note, page.officer_id, page.now)
    record_officer_action(page.db, page.officer_id, "deadline_saved", {"id": deadline.id, "date": day, "by": "web"})
    return page.redirect("/web/calendar")


async def remove_deadline(page: Page) -> web.StreamResponse:
    deadline = await _find(page)
    if deadline is None:
        return page.render("not_found.html", status=404)
    await ProvinceDeadlineRepository(page.db).remove(deadline, page.officer_id, page.now)
    record_officer_action(page.db, page.officer_id, "deadline_removed", {"id": deadline.id, "by": "web"})
    return page.redirect("/web/calendar")


def add_routes(routes: Routes) -> None:
    routes.page("/calendar", calendar_page)
    routes.action("/calendar", add_deadline)
    routes.action("/calendar/{id}", change_deadline)
    routes.action("/calendar/{id}/remove", remove_deadline)
