"""Expiry dates of dossier papers: asked after "have it" for items with `expires: true`, stored in UserDate
(where reminders and the deadlines list find them). For the OCOP certificate the decision date is asked,
since that is what the paper shows, and the expiry computed with calendar.certificate_expiry."""

from __future__ import annotations

from datetime import date

from bot.content.documents import Item
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.messages import NO, Button
from handlers.producer.journey_text import local_today, parse_typed_date
from handlers.producer.menu import back_to_menu_row

FLOW = "dossier"
OCOP_CERTIFICATE = "giay-chung-nhan-ocop"
DATE_KINDS = {
    "chung-nhan-attp": "food_safety_expiry",
    OCOP_CERTIFICATE: "ocop_certificate_expiry",
}
"""UserDate kinds for the expiring items; any other expiring item is stored as "expiry:<item id>"."""


def date_kind(item: Item) -> str:
    return DATE_KINDS.get(item.id, f"expiry:{item.id}")[:48]


def ask_date(ctx: Context, kind: str, item: Item) -> None:
    """Asks the expiry date (the decision date for the OCOP certificate); "skip" stores nothing."""
    ctx.go(FLOW, "date", kind=kind, item=item.id)
    msgid = N_("dossier.ask_decision_date") if item.id == OCOP_CERTIFICATE else N_("dossier.ask_expiry_date")
    ctx.reply(msgid, buttons=date_buttons(ctx, kind), title=ctx.t.content(item.title))


def date_buttons(ctx: Context, kind: str) -> list[list[Button]]:
    return [[ctx.button("dossier.skip_date", FLOW, "skip", kind, means=NO)], back_to_menu_row(ctx)]  # "không": skip


async def save_typed_date(ctx: Context, item: Item) -> bool:
    """Parses and stores the typed date; on a bad date says why and stores nothing. True when stored."""
    typed = parse_typed_date(ctx.text)
    today = local_today(ctx)
    kind = str(ctx.data.get("kind"))
    if typed is None:
        ctx.reply("dossier.date_invalid", buttons=date_buttons(ctx, kind))
        return False
    if item.id == OCOP_CERTIFICATE:
        if typed > today:
            ctx.reply("dossier.decision_in_future", buttons=date_buttons(ctx, kind))
            return False
        calendar = ctx.content.calendar
        expiry = calendar.certificate_expiry(typed)
        opens, closes = calendar.reevaluation_window(expiry)
        await ctx.repos.user_dates.put(ctx.user.id, date_kind(item), expiry)
        ctx.reply("dossier.certificate_saved", expiry=expiry, opens=opens, closes=closes)
        return True
    await ctx.repos.user_dates.put(ctx.user.id, date_kind(item), typed)
    ctx.reply(N_("dossier.expiry_passed") if typed < today else N_("dossier.expiry_saved"), day=typed)
    return True


async def stored_date_line(ctx: Context, item: Item) -> str:
    """"Expiry date saved: …" for an expiring item whose date we hold; else empty."""
    if not item.expires or ctx.user.consent_at is None:
        return ""
    value: date | None = await ctx.repos.user_dates.get(ctx.user.id, date_kind(item))
    return ctx.t("dossier.stored_expiry", day=value) if value else ""
