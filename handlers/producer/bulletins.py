"""The market bulletin archive: recent monthly bulletins to read again (text and chart), and the
subscription to new ones."""

from __future__ import annotations

import asyncio

from bot.broadcasts.bulletin import MONTH, parse_month, render_chart, render_text
from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Attachment, Button
from db.pushes import BulletinArchive, PushPreferences
from handlers.producer.menu import back_to_menu_row

router = Router()


async def subscription_row(ctx: Context) -> list[Button]:
    subscribed = "bulletin" not in await PushPreferences(ctx.repos.session).turned_off(ctx.user.id)
    if subscribed and ctx.user.notifications:
        return [ctx.button("bulletin.unsubscribe", "bulletin", "sub", "off")]
    return [ctx.button("bulletin.subscribe", "bulletin", "sub", "on")]


@router.on_button("bulletin", "list")
async def list_bulletins(ctx: Context) -> None:
    """Menu → Market bulletin: a button per recent month, and subscribe/unsubscribe."""
    recent = await BulletinArchive(ctx.repos.session).recent()
    months = [Button(ctx.t.date(parse_month(b.month), "MM/yyyy"), f"bulletin:show:{b.month}") for b in recent]
    rows = [months[i : i + 3] for i in range(0, len(months), 3)]
    rows += [await subscription_row(ctx), back_to_menu_row(ctx)]
    intro = N_("bulletin.archive") if recent else N_("bulletin.archive_empty")
    ctx.reply(intro, buttons=rows)


@router.on_button("bulletin", "show")
async def show_bulletin(ctx: Context) -> None:
    """Shows one month's bulletin again: the chart and the text (a forged month shows the list)."""
    bulletin = await BulletinArchive(ctx.repos.session).sent_for_month(ctx.arg) if MONTH.match(ctx.arg) else None
    if bulletin is None:
        await list_bulletins(ctx)
        return
    png = await asyncio.to_thread(render_chart, bulletin, ctx.t)  # ~0.2 s of drawing: off the event loop
    chart = Attachment(f"ban-tin-{bulletin.month}.png", png, is_image=True)
    back = ctx.button("bulletin.back_to_list", "bulletin", "list")
    ctx.reply_text(render_text(bulletin, ctx.t), attachment=chart, buttons=[[back], back_to_menu_row(ctx)])


@router.on_button("bulletin", "sub")
async def change_subscription(ctx: Context) -> None:
    """Subscribes to (on) or leaves (off) the monthly bulletin; then the archive again."""
    if ctx.arg in ("on", "off"):
        await PushPreferences(ctx.repos.session).set(ctx.user.id, "bulletin", enabled=ctx.arg == "on")
        await ctx.repos.session.flush()
        if ctx.arg == "on":
            ctx.user.notifications = True  # subscribing means pushes are wanted again
        ctx.reply(N_("bulletin.subscribed") if ctx.arg == "on" else N_("bulletin.unsubscribed"))
    await list_bulletins(ctx)
