"""Officers add, change or remove the province's deadlines in chat: a list, then month → day grid →
confirm; the title is typed. Changes go to the `province_deadlines` table (db/province_deadlines.py), which
the deadlines screen and the reminders read, so a moved deadline moves its reminders."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date

from bot.content.calendar import ProvinceDeadline
from bot.content.text import clean_user_text
from bot.core.context import Context
from db.officer_actions import record_officer_action
from db.province_deadlines import ProvinceDeadlineRepository, merged_deadlines, new_id
from handlers.officer.guard import officer_router
from handlers.producer.journey_text import local_today
from handlers.producer.menu import back_to_menu_row

router = officer_router()

TITLE_LIMIT = 200
MONTHS_AHEAD = 12


async def find(ctx: Context, deadline_id: str) -> ProvinceDeadline | None:
    deadlines = await merged_deadlines(ctx.repos.session, ctx.content.calendar)
    found = next((d for d in deadlines if d.id == deadline_id), None)
    if found is None:
        ctx.reply("officer_tools.cal_unknown", buttons=[[ctx.button("officer_tools.calendar", "calendar", "list")],
                                                         back_to_menu_row(ctx)])
    return found


@router.on_button("calendar", "list")
async def list_deadlines(ctx: Context) -> None:
    """The deadlines in force from today, each with an Edit button, and Add."""
    ctx.clear_flow()
    today = local_today(ctx)
    deadlines = [d for d in await merged_deadlines(ctx.repos.session, ctx.content.calendar) if d.date >= today]
    lines = [f"{i}. {ctx.t.date(d.date)} · {ctx.t.content(d.title)}" for i, d in enumerate(deadlines, 1)]
    rows = [[ctx.button("officer_tools.cal_edit", "calendar", "pick", d.id, number=str(i), item_number=i)]
            for i, d in enumerate(deadlines, 1)]
    rows.append([ctx.button("officer_tools.cal_add", "calendar", "add")])
    text = "\n".join([ctx.t("officer_tools.cal_title"), *lines]) if lines else ctx.t("officer_tools.cal_empty")
    ctx.reply_text(text, buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button("calendar", "pick")
async def pick_deadline(ctx: Context) -> None:
    """Shows one deadline with Change date / Change title / Remove."""
    if (deadline := await find(ctx, ctx.arg)) is None:
        return
    ctx.go("calendar", "picked", id=deadline.id, title=str(deadline.title), day=deadline.date.isoformat())
    rows = [[ctx.button("officer_tools.cal_change_date", "calendar", "month", deadline.id),
             ctx.button("officer_tools.cal_change_title", "calendar", "retitle", deadline.id)],
            [ctx.button("officer_tools.cal_remove", "calendar", "rm", deadline.id)]]
    ctx.reply("officer_tools.cal_one", buttons=[*rows, back_to_menu_row(ctx)], day=deadline.date,
              title=ctx.t.content(deadline.title))


@router.on_button("calendar", "add")
async def add_deadline(ctx: Context) -> None:
    """Starts a new deadline: the next typed text is its title."""
    ctx.clear_flow()
    ctx.go("calendar", "title", id="")
    ctx.reply("officer_tools.cal_type_title", buttons=[back_to_menu_row(ctx)])


@router.on_button("calendar", "retitle")
async def retitle_deadline(ctx: Context) -> None:
    """Changing a title: the next typed text replaces it."""
    if (deadline := await find(ctx, ctx.arg)) is not None:
        ctx.clear_flow()
        ctx.go("calendar", "title", id=deadline.id, day=deadline.date.isoformat())
        ctx.reply("officer_tools.cal_type_title", buttons=[back_to_menu_row(ctx)])


@router.on_answer("calendar", "title")
async def type_title(ctx: Context) -> None:
    """Keeps the typed title; a new deadline then asks for its month, a renamed one for confirmation."""
    title = clean_user_text(ctx.text, TITLE_LIMIT)
    if len(title) < 3:
        ctx.reply("officer_tools.cal_type_title", buttons=[back_to_menu_row(ctx)])
        return
    ctx.remember(title=title)
    if ctx.data.get("day"):
        ask_confirm(ctx)
    else:
        ask_month(ctx)


@router.on_button("calendar", "month")
async def change_date(ctx: Context) -> None:
    """Changing a date: the month picker for this deadline."""
    if (deadline := await find(ctx, ctx.arg)) is not None:
        ctx.clear_flow()
        ctx.go("calendar", "date", id=deadline.id, title=str(deadline.title))
        ask_month(ctx)


def ask_month(ctx: Context) -> None:
    today = local_today(ctx)
    firsts = [date(today.year + (today.month - 1 + i) // 12, (today.month - 1 + i) % 12 + 1, 1) for i in range(MONTHS_AHEAD)]
    buttons = [ctx.button("officer_tools.cal_month", "calendar", "m", first.isoformat()[:7], month=first.strftime("%m/%Y"))
               for first in firsts]
    ctx.reply("officer_tools.cal_pick_month", buttons=[*[buttons[i:i + 3] for i in range(0, len(buttons), 3)],
                                                        back_to_menu_row(ctx)])


@router.on_button("calendar", "m")
async def pick_month(ctx: Context) -> None:
    """Month chosen: the day grid of that month."""
    if ctx.state.flow != "calendar" or not ctx.data.get("title"):
        if ctx.is_officer:
            ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    try:
        year, month = (int(part) for part in ctx.arg.split("-"))
        days = month_calendar.monthrange(year, month)[1]
    except (ValueError, month_calendar.IllegalMonthError):
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    buttons = [ctx.button("officer_tools.cal_day", "calendar", "d", date(year, month, d).isoformat(), day=str(d))
               for d in range(1, days + 1)]
    ctx.reply("officer_tools.cal_pick_day", buttons=[*[buttons[i:i + 7] for i in range(0, days, 7)], back_to_menu_row(ctx)],
              month=date(year, month, 1).strftime("%m/%Y"))


@router.on_button("calendar", "d")
async def pick_day(ctx: Context) -> None:
    """Day chosen: asks to confirm the deadline."""
    try:
        day = date.fromisoformat(ctx.arg)
    except ValueError:
        day = None
    if day is None or ctx.state.flow != "calendar" or not ctx.data.get("title"):
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    ctx.remember(day=day.isoformat())
    ask_confirm(ctx)


def ask_confirm(ctx: Context) -> None:
    ctx.go("calendar", "confirm")
    save = ctx.button("officer_tools.cal_save", "calendar", "save")
    ctx.reply("officer_tools.cal_confirm", buttons=[[save], back_to_menu_row(ctx)],
              day=date.fromisoformat(ctx.data["day"]), title=ctx.data["title"])


@router.on_button("calendar", "save")
async def save_deadline(ctx: Context) -> None:
    """Saves the confirmed deadline (new or changed) and shows the list again."""
    data = ctx.data
    if ctx.state.flow != "calendar" or ctx.state.step != "confirm" or not data.get("day") or not data.get("title"):
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    day = date.fromisoformat(data["day"])
    deadline_id = data.get("id") or new_id(data["title"], day)
    await ProvinceDeadlineRepository(ctx.repos.session).save(deadline_id, day, data["title"], None, ctx.user.id, ctx.now)
    record_officer_action(ctx.repos.session, ctx.user.id, "deadline_saved", {"id": deadline_id, "date": day})
    ctx.reply("officer_tools.cal_saved", day=day)
    await list_deadlines(ctx)


@router.on_button("calendar", "rm")
async def ask_remove(ctx: Context) -> None:
    """Asks to confirm removing a deadline."""
    if (deadline := await find(ctx, ctx.arg)) is not None:
        sure = ctx.button("officer_tools.cal_remove_yes", "calendar", "rmok", deadline.id)
        ctx.reply("officer_tools.cal_remove_confirm", buttons=[[sure], back_to_menu_row(ctx)], day=deadline.date,
                  title=ctx.t.content(deadline.title))


@router.on_button("calendar", "rmok")
async def remove_deadline(ctx: Context) -> None:
    """Removes the deadline (its pending reminders are skipped at send time) and shows the list."""
    if (deadline := await find(ctx, ctx.arg)) is not None:
        await ProvinceDeadlineRepository(ctx.repos.session).remove(deadline, ctx.user.id, ctx.now)
        record_officer_action(ctx.repos.session, ctx.user.id, "deadline_removed", {"id": deadline.id})
        ctx.reply("officer_tools.cal_removed")
        await list_deadlines(ctx)
