"""/web and "🖥️ Web console" in the officer section: a single-use sign-in link to the officers' web
console (bot/web/), valid a few minutes. Officers only (the router's guard); a few links per quarter hour;
every link asked for is in the audit log (never the link itself)."""

from __future__ import annotations

from bot.core.context import Context
from bot.web.access import TooManyLinks, issue_link
from db.audit import audit
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()


async def send_link(ctx: Context) -> None:
    settings = ctx.settings
    if not settings.web_enabled:
        ctx.reply("web.link_disabled", buttons=[back_to_menu_row(ctx)])
        return
    try:
        token = await issue_link(ctx.repos.session, ctx.user, ctx.now, settings.web_link_minutes)
    except TooManyLinks:
        ctx.reply("web.link_too_many", buttons=[back_to_menu_row(ctx)])
        return
    await audit(ctx, ctx.user.id, "web.link", {"channel": ctx.user.channel})  # never the token
    url = settings.web_url + "/login/" + token
    ctx.reply("web.link", buttons=[back_to_menu_row(ctx)], url=url, minutes=settings.web_link_minutes)


@router.command("web")
async def web_command(ctx: Context) -> None:
    """/web: a sign-in link to the web console (officers only)."""
    await send_link(ctx)


@router.on_button("web", "link")
async def press_web(ctx: Context) -> None:
    """The officer section's web console button: a sign-in link."""
    await send_link(ctx)
