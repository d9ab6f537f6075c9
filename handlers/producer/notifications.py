"""Reminder choices: turn each kind of push on or off (from Settings), or stop them all with a word."""

from __future__ import annotations

from bot.content.reminders import PUSH_KINDS
from bot.core.context import Context, Router
from bot.core.i18n import N_
from db.pushes import PushPreferences
from handlers.producer.menu import back_to_menu_row

router = Router()

KIND_LABELS = {
    "deadlines": N_("pushes.kind_deadlines"),
    "certificates": N_("pushes.kind_certificates"),
    "assessment": N_("pushes.kind_assessment"),
    "bulletin": N_("pushes.kind_bulletin"),
}


async def show_choices(ctx: Context) -> None:
    """Lists every kind of push with its state; a button per kind turns it on or off."""
    off = await PushPreferences(ctx.repos.session).turned_off(ctx.user.id)
    rows = []
    for kind in PUSH_KINDS:
        state = N_("pushes.state_off") if kind in off else N_("pushes.state_on")
        rows.append([ctx.button(state, "notifications", "toggle", kind, kind=ctx.t(KIND_LABELS[kind]))])
    rows.append([ctx.button("pushes.back_to_settings", "settings", "open")])
    rows.append(back_to_menu_row(ctx))
    intro = N_("pushes.choices") if ctx.user.notifications else N_("pushes.choices_all_off")
    ctx.reply(intro, buttons=rows)


@router.on_button("notifications", "prefs")
async def open_choices(ctx: Context) -> None:
    """Settings → Reminders: shows the kinds of push and whether each is on."""
    await show_choices(ctx)


@router.on_button("notifications", "toggle")
async def toggle_kind(ctx: Context) -> None:
    """Turns one kind of push on or off (an unknown kind changes nothing); shows the choices again."""
    if ctx.arg in PUSH_KINDS:
        preferences = PushPreferences(ctx.repos.session)
        now_off = ctx.arg not in await preferences.turned_off(ctx.user.id)
        await preferences.set(ctx.user.id, ctx.arg, enabled=not now_off)
        await ctx.repos.session.flush()
    await show_choices(ctx)


@router.command("stop")
@router.on_words("dừng nhắc", "stop", "tắt nhắc")
async def stop_all(ctx: Context) -> None:
    """The stop word: no more reminders or bulletins (replies still come); offers to turn them back on."""
    ctx.user.notifications = False
    again = ctx.button("pushes.turn_back_on", "settings", "notify", "on")
    ctx.reply("pushes.stopped", buttons=[[again], back_to_menu_row(ctx)])
