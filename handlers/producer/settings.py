"""Settings: language, profile, notifications, and deleting everything we hold about the user."""

from __future__ import annotations

from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import NO
from handlers.producer import profile
from handlers.producer.language import ask_language, set_language
from handlers.producer.menu import back_to_menu_row

router = Router()


def show_settings(ctx: Context) -> None:
    ctx.go("settings", None)
    notify = N_("settings.notifications_off") if ctx.user.notifications else N_("settings.notifications_on")
    rows = [
        [ctx.button("settings.language", "settings", "change_language")],
        [ctx.button("settings.profile", "settings", "profile")],
        [ctx.button(notify, "settings", "notify", "off" if ctx.user.notifications else "on")],
        [ctx.button("pushes.settings_button", "notifications", "prefs")],  # each kind of reminder, the bulletin
        [ctx.button("settings.delete", "settings", "delete")],
        back_to_menu_row(ctx),
    ]
    ctx.reply("settings.title", buttons=rows)


@router.on_button("settings", "open")
async def open_settings(ctx: Context) -> None:
    """Shows the settings choices."""
    show_settings(ctx)


@router.on_button("settings", "change_language")
async def change_language(ctx: Context) -> None:
    """Asks the language again; the choice returns to choose_language below."""
    ask_language(ctx, "settings")


@router.on_button("settings", "language")
async def choose_language(ctx: Context) -> None:
    """Stores the language chosen from settings, then shows the settings again (in that language)."""
    if set_language(ctx):
        ctx.reply("settings.language_saved")
        show_settings(ctx)
    else:
        ask_language(ctx, "settings")


@router.on_button("settings", "profile")
async def view_profile(ctx: Context) -> None:
    """Shows the stored profile with a button per field to edit it."""
    profile.show_summary(ctx)


@router.on_button("settings", "notify")
async def toggle_notifications(ctx: Context) -> None:
    """Turns reminders and bulletins on or off; then the settings again."""
    ctx.user.notifications = ctx.arg == "on"
    saved = N_("settings.notifications_saved_on") if ctx.user.notifications else N_("settings.notifications_saved_off")
    ctx.reply(saved)
    show_settings(ctx)


@router.on_button("settings", "delete")
async def ask_delete(ctx: Context) -> None:
    """Explains what deleting removes and asks to confirm."""
    ctx.go("settings", "delete")
    confirm = ctx.button("settings.delete_yes", "settings", "delete_yes")
    back = ctx.button("settings.delete_no", "settings", "open", means=NO)  # never YES: deleting takes its label
    ctx.reply("settings.delete_confirm", buttons=[[confirm], [back]])


@router.on_button("settings", "delete_yes")
async def delete_my_data(ctx: Context) -> None:
    """Deletes the user, profile, answers and state; keeps no personal field. /start begins afresh."""
    if ctx.state.step != "delete":  # only right after the confirmation question
        show_settings(ctx)
        return
    ctx.forget_user = True
    ctx.reply("settings.deleted")
