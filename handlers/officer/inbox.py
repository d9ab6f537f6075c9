"""The officers' inbox of hand-off tickets: filters open / mine (answered by me) / answered, and a Reply
button on every open ticket that reuses the hand-off reply flow (handlers/officer/replies.py, payload inbox:reply)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.officer.inbox import askers
from db.questions import ANSWERED, OPEN
from handlers.officer.guard import officer_router
from handlers.officer.replies import LIST_LIMIT, ticket_line
from handlers.producer.menu import back_to_menu_row

router = officer_router()

MINE = "mine"
FILTERS = {OPEN: N_("officer_tools.inbox_filter_open"), MINE: N_("officer_tools.inbox_filter_mine"), ANSWERED: N_("officer_tools.inbox_filter_answered")}
TITLES = {OPEN: N_("officer_tools.inbox_title_open"), MINE: N_("officer_tools.inbox_title_mine"), ANSWERED: N_("officer_tools.inbox_title_answered")}


@router.on_button("inbox", "list")
async def show_inbox(ctx: Context) -> None:
    """Lists the tickets of the chosen filter (open when unknown) with Reply buttons and the other filters."""
    which = ctx.arg if ctx.arg in FILTERS else OPEN
    tickets, total = await ctx.repos.tickets.filtered(which, ctx.user.id, LIST_LIMIT)
    who = await askers(ctx.repos.session, ctx.content, tickets)
    lines = [ticket_line(ctx.t, ticket, who.get(ticket.id)) for ticket in tickets] or [ctx.t("handoff.no_tickets")]
    rows = [[ctx.button("handoff.reply_to", "inbox", "reply", tk.id, number=str(tk.id), item_number=tk.id)]
            for tk in tickets if tk.status == OPEN]
    rows.append([ctx.button(label, "inbox", "list", key) for key, label in FILTERS.items() if key != which])
    title = ctx.t(TITLES[which], count=total)
    ctx.reply_text("\n\n".join([title, *lines]), buttons=[*rows, back_to_menu_row(ctx)])
