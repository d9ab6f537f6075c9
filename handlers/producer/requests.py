"""Requests that are not questions, routed to where they are served before the FAQ is searched:
"cho tôi gặp cán bộ", "đổi sang tiếng Anh", "dừng nhắc", "hạn chót của tôi", "hồ sơ của tôi", "tự chấm điểm",
"sản phẩm tôi được mấy sao", "bản tin giá"… (bot/domain/intents.py tells them apart from questions).

Each intent leads to the same screen its menu button opens; greetings, thanks and acknowledgements get a
short kind answer; an angry message gets an apology and a way to a person, never "Vâng ạ."."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.context import Context
from bot.core.i18n import N_
from bot.domain.intents import Intent, classify
from handlers.producer import assessment_start, bulletins, deadlines, dossier, handoff, notifications
from handlers.producer.language import set_language
from handlers.producer.menu import menu_buttons, show_menu

Serve = Callable[[Context, Intent], Awaitable[None]]


async def talk_to_officer(ctx: Context, _intent: Intent) -> None:
    """An officer is asked for: first the question itself (the request is not the question)."""
    await handoff.ask_officer(ctx)


async def change_language(ctx: Context, intent: Intent) -> None:
    """Switches to the language named (or the other one) and says so in it."""
    ctx.arg = intent.arg or ("en" if (ctx.user.locale or ctx.settings.default_locale) == "vi" else "vi")
    if set_language(ctx):
        show_menu(ctx, "settings.language_saved")


async def notifications_on(ctx: Context, _intent: Intent) -> None:
    ctx.user.notifications = True
    show_menu(ctx, "settings.notifications_saved_on")


async def estimate_stars(ctx: Context, _intent: Intent) -> None:
    """Stars come from the product's own score sheet: says so, then opens the self-assessment."""
    ctx.reply("faq.request_stars")
    await assessment_start.open_assessment(ctx)


def chatter(msgid: str) -> Serve:
    async def answer(ctx: Context, _intent: Intent) -> None:
        ctx.clear_flow()
        ctx.reply(msgid, buttons=menu_buttons(ctx))

    return answer


async def calm_down(ctx: Context, _intent: Intent) -> None:
    """An angry message: an apology and a person to talk to, with the menu."""
    ctx.clear_flow()
    officer = ctx.button("faq.ask_officer", "faq", "ask_officer")
    ctx.reply("faq.request_angry", buttons=[[officer], *menu_buttons(ctx)])


SERVES: dict[str, Serve] = {
    "officer": talk_to_officer,
    "language": change_language,
    "notifications_off": lambda ctx, _i: notifications.stop_all(ctx),
    "notifications_on": notifications_on,
    "deadlines": lambda ctx, _i: deadlines.show_deadlines(ctx),
    "dossier": lambda ctx, _i: dossier.open_dossier(ctx),
    "assessment": lambda ctx, _i: assessment_start.open_assessment(ctx),
    "stars": estimate_stars,
    "bulletin": lambda ctx, _i: bulletins.list_bulletins(ctx),
    "greeting": chatter(N_("faq.chatter_hello")),
    "thanks": chatter(N_("faq.chatter_thanks")),
    "ack": chatter(N_("faq.chatter_ok")),
    "angry": calm_down,
    "emoji": chatter(N_("faq.request_emoji")),
}


async def serve_request(ctx: Context) -> bool:
    """Serves the typed text when it is a request (True); False leaves it to the FAQ."""
    intent = classify(ctx.text, ctx.user.locale or ctx.settings.default_locale)
    serve = SERVES.get(intent.id) if intent is not None else None
    if serve is None:
        return False
    await serve(ctx, intent)  # type: ignore[arg-type]
    return True
