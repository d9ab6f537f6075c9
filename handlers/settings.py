"""Settings: language, profile, notifications, and deleting everything we hold about the user."""

from __future__ import annotations

from bot.context import Context, Router
from bot.i18n import N_
from handlers import onboarding, profile
from handlers.menu import back_to_menu_row

router = Router()


def show_settings(ctx: Context) -> None:
    ctx.go("settings", None)
    notify = N_("settings.notifications_off") if ctx.user.notifications else N_("settings.notifications_on")
    rows = [
        [ctx.button("settings.language", "set", "lang")],
        [ctx.button("settings.profile", "set", "profile")],
        [ctx.button(notify, "set", "notify", "off" if ctx.user.notifications else "on")],
        [ctx.button("pushes.settings_button", "push", "prefs")],  # each kind of reminder, the bulletin
        [ctx.button("settings.delete", "set", "delete")],
        back_to_menu_row(ctx),
    ]
    ctx.reply("settings.title", buttons=rows)


@router.on_button("set", "open")
async def open_settings(ctx: Context) -> None:
    """Shows the settings choices."""
    show_settings(ctx)


@router.on_button("set", "lang")
async def change_language(ctx: Context) -> None:
    """Asks the language again; the choice returns here."""
    onboarding.ask_language(ctx, flow="settings")


@router.on_button("set", "profile")
async def view_profile(ctx: Context) -> None:
    """Shows the stored profile with a button per field to edit it."""
    profile.show_summary(ctx)


@router.on_button("set", "notify")
async def toggle_notifications(ctx: Context) -> None:
    """Turns reminders and bulletins on or off; then the settings again."""
    ctx.user.notifications = ctx.arg == "on"
    saved = N_("settings.notifications_saved_on") if ctx.user.notifications else N_("settings.notifications_saved_off")
    ctx.reply(saved)
    show_settings(ctx)


@router.on_button("set", "delete")
async def ask_delete(ctx: Context) -> None:
    """Explains what deleting removes and asks to confirm."""
    ctx.go("settings", "delete")
    confirm = ctx.button("settings.delete_yes", "set", "delete_yes")
    back = ctx.button("settings.delete_no", "set", "open")
    ctx.reply("settings.delete_confirm", buttons=[[confirm], [back]])


@router.on_button("set", "delete_yes")
async def delete_my_data(ctx: Context) -> None:
    """Deletes the user, profile, answers and state; keeps no personal field. /start begins afresh."""
    if ctx.state.step != "delete":  # only right after the confirmation question
        show_settings(ctx)
        return
    ctx.forget_user = True
    ctx.reply("settings.deleted")
