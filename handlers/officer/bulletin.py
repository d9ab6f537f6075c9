"""The market bulletin from chat: month → prices (CSV pasted as text: product,market,unit,price,last_price)
(sent as a document where the channel can download it, Telegram; or pasted as text) → summary → the bulletin
exactly as producers will see it → schedule or send now. Uses the same functions as
`ocop-bot bulletin create|send` (bot/cli/bulletin.py)."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from bot.broadcasts.bulletin import (
    BulletinError,
    create_bulletin,
    month_label,
    parse_month,
    parse_prices,
    render_chart,
    render_parts,
    schedule_bulletin,
)
from bot.core.context import Context
from bot.core.downloads import download
from bot.core.messages import Kind
from db.officer_actions import record_officer_action
from handlers.officer.guard import officer_router
from handlers.producer.journey_text import local_today
from handlers.producer.menu import back_to_menu_row

router = officer_router()

SUMMARY_LIMIT = 3000
UPLOAD_LIMIT = 200_000  # a month's price table is a few kilobytes


MONTHS_BACK, MONTHS_AHEAD = 2, 9  # the buttons: two months back to nine ahead; any other month is typed
TYPED_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def month_firsts(today: date) -> list[date]:
    start = today.year * 12 + today.month - 1 - MONTHS_BACK
    return [date((start + i) // 12, (start + i) % 12 + 1, 1) for i in range(MONTHS_BACK + 1 + MONTHS_AHEAD)]


@router.on_button("officer_bulletin", "start")
async def start_bulletin(ctx: Context) -> None:
    """Asks which month the bulletin is for: a button per month around this one, or any month typed MM/YYYY."""
    ctx.clear_flow()
    ctx.go("officer_bulletin", "month")
    buttons = [ctx.button("officer_tools.bul_month", "officer_bulletin", "month", first.isoformat()[:7],
                          month=first.strftime("%m/%Y")) for first in month_firsts(local_today(ctx))]
    ctx.reply("officer_tools.bul_pick_month", buttons=[*[buttons[i:i + 3] for i in range(0, len(buttons), 3)],
                                                        back_to_menu_row(ctx)])


@router.on_answer("officer_bulletin", "month")
async def type_month(ctx: Context) -> None:
    """A month typed as MM/YYYY (any month); asked again when it is not one."""
    match = TYPED_MONTH.match(ctx.text)
    if not match or not 1 <= int(match.group(1)) <= 12:
        ctx.reply("officer_tools.bul_bad_month", buttons=[back_to_menu_row(ctx)])
        return
    ask_prices(ctx, f"{match.group(2)}-{int(match.group(1)):02d}")


@router.on_button("officer_bulletin", "month")
async def pick_month(ctx: Context) -> None:
    """Keeps the month; the next text is the price table."""
    try:
        ask_prices(ctx, parse_month(ctx.arg).isoformat()[:7])
    except BulletinError:
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])


def ask_prices(ctx: Context, month: str) -> None:
    ctx.go("officer_bulletin", "prices", month=month)
    ctx.reply("officer_tools.bul_prices", buttons=[back_to_menu_row(ctx)], month=month_label(month))


@router.on_answer("officer_bulletin", "prices")
async def type_prices(ctx: Context) -> None:
    """Checks the pasted CSV; a mistake is explained and the prices are asked again."""
    text = await uploaded_text(ctx) if ctx.inbound.kind is Kind.FILE else ctx.text
    if text is None:
        ctx.reply("officer_tools.bul_paste_please", buttons=[back_to_menu_row(ctx)])
        return
    try:
        parse_prices(text, "chat")
    except BulletinError as exc:
        ctx.reply("officer_tools.bul_bad_prices", buttons=[back_to_menu_row(ctx)], error=exc.explain(ctx.t))
        return
    ctx.go("officer_bulletin", "summary", prices=text)
    ctx.reply("officer_tools.bul_summary", buttons=[back_to_menu_row(ctx)])


async def uploaded_text(ctx: Context) -> str | None:
    """The text of a small CSV document sent through a channel that can download; None otherwise."""
    ref = ctx.inbound.file
    if ref is None or ref.is_image:
        return None
    data = await download(ctx.inbound.channel, ref.file_id)
    if data is None or len(data) > UPLOAD_LIMIT:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@router.on_answer("officer_bulletin", "summary")
async def type_summary(ctx: Context) -> None:
    """Saves the bulletin (replacing an unsent one of that month) and shows it as producers will see it."""
    summary = ctx.text.strip()[:SUMMARY_LIMIT]
    try:
        bulletin = await create_bulletin(ctx.repos.session, ctx.data.get("month", ""), summary, ctx.data.get("prices", ""),
                                         prices_name="chat")
    except BulletinError as exc:
        ctx.clear_flow()
        ctx.reply("officer_tools.bul_bad_prices", buttons=[back_to_menu_row(ctx)], error=exc.explain(ctx.t))
        return
    chart = await asyncio.to_thread(render_chart, bulletin, ctx.t)
    for part in render_parts(bulletin, ctx.t, chart):
        ctx.reply_text(part.text, attachment=part.attachment)
    ctx.go("officer_bulletin", "ready", month=bulletin.month)
    rows = [[ctx.button("officer_tools.bul_schedule", "officer_bulletin", "send", "plan"),
             ctx.button("officer_tools.bul_send_now", "officer_bulletin", "send", "now")]]
    ctx.reply("officer_tools.bul_ready", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button("officer_bulletin", "send")
async def send_bulletin(ctx: Context) -> None:
    """Schedules the previewed bulletin (its usual day, or at once with Send now)."""
    if ctx.state.flow != "officer_bulletin" or ctx.state.step != "ready":
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    try:
        bulletin = await schedule_bulletin(ctx.repos.session, ctx.settings, ctx.data["month"], now=ctx.now,
                                           immediately=ctx.arg == "now")
    except BulletinError as exc:
        ctx.clear_flow()
        ctx.reply("officer_tools.bul_bad_prices", buttons=[back_to_menu_row(ctx)], error=exc.explain(ctx.t))
        return
    record_officer_action(ctx.repos.session, ctx.user.id, "bulletin_scheduled", {"month": bulletin.month})
    ctx.clear_flow()
    ctx.reply("officer_tools.bul_scheduled", buttons=[back_to_menu_row(ctx)], month=month_label(bulletin.month),
              when=bulletin.scheduled_at)
