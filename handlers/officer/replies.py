"""Officers answer hand-off tickets: Reply on a ticket, type and confirm the answer, the producer receives it;
/tickets and the ticket lists. The router checks the officer role before every handler
(`officer_router`), whatever payload came; a producer gets the hand-off's own polite refusal."""

from __future__ import annotations

from bot.content.text import clean_user_text
from bot.core.context import Context
from bot.core.i18n import N_, Translator
from bot.core.typed import payload_id
from bot.officer.inbox import ANSWER_LIMIT, AnswerRefused, Asker, answer_ticket, askers
from db.models import Ticket
from db.questions import ANSWERED, OPEN
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

LIST_LIMIT = 10
PREVIEW = 120  # characters of a question or answer shown in the ticket list


def officers_only(ctx: Context) -> bool:
    """True for an officer; otherwise a polite refusal, changing nothing."""
    if not ctx.is_officer:
        ctx.reply("handoff.officers_only", buttons=[back_to_menu_row(ctx)])
    return ctx.is_officer


router = officer_router(officers_only)


async def open_ticket_from(ctx: Context, raw_id: object) -> Ticket | None:
    """The open ticket a payload or saved state names; None (and why) when it is unknown or answered."""
    ticket = await ctx.repos.tickets.by_id(number) if (number := payload_id(str(raw_id))) is not None else None
    if ticket is None:
        ctx.reply("handoff.no_such_ticket", buttons=[back_to_menu_row(ctx)])
    elif ticket.status != OPEN:
        ctx.clear_flow()
        ctx.reply("handoff.already_answered", buttons=[back_to_menu_row(ctx)], number=str(ticket.id))
        return None
    return ticket


@router.on_button("inbox", "reply")
async def start_reply(ctx: Context) -> None:
    """Officer pressed Reply: shows the question and waits for the typed answer."""
    if (ticket := await open_ticket_from(ctx, ctx.arg)) is None:
        return
    ctx.go("faq_reply", "text", ticket=ticket.id)
    ctx.reply("handoff.type_answer", buttons=[back_to_menu_row(ctx)], number=str(ticket.id), question=ticket.question)


@router.on_answer("faq_reply", "text", "confirm")
async def type_answer(ctx: Context) -> None:
    """Keeps the officer's typed answer (typing again replaces the draft) and asks to confirm sending it."""
    if (ticket := await open_ticket_from(ctx, ctx.data.get("ticket"))) is None:
        return
    answer = clean_user_text(ctx.text, ANSWER_LIMIT)
    if not answer:
        ctx.reply("handoff.type_answer", buttons=[back_to_menu_row(ctx)], number=str(ticket.id), question=ticket.question)
        return
    ctx.go("faq_reply", "confirm", answer=answer)
    send = ctx.button("handoff.send_answer", "inbox", "reply_send")
    edit = ctx.button("handoff.edit_answer", "inbox", "reply", ticket.id)
    ctx.reply("handoff.confirm_answer", buttons=[[send, edit], back_to_menu_row(ctx)], number=str(ticket.id), answer=answer)


@router.on_button("inbox", "reply_send")
async def send_answer(ctx: Context) -> None:
    """Marks the ticket answered and pushes the answer to the producer; then the open tickets."""
    answer = ctx.data.get("answer", "") if ctx.state.flow == "faq_reply" else ""
    if not answer:  # an old confirmation button: nothing typed to send
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    ticket = await open_ticket_from(ctx, ctx.data.get("ticket"))
    if ticket is None:
        return
    try:
        ticket, producer_id, message = await answer_ticket(ctx.repos.session, ctx.i18n, ctx.settings.default_locale,
                                                           ticket.id, ctx.user.id, answer, ctx.now)
    except AnswerRefused:
        ctx.reply("handoff.already_answered", buttons=[back_to_menu_row(ctx)], number=str(ticket.id))
        return
    ctx.push(producer_id, message)
    ctx.clear_flow()
    ctx.reply("handoff.answer_sent", number=str(ticket.id))
    await list_tickets(ctx, OPEN)


@router.command("tickets")
async def tickets_command(ctx: Context) -> None:
    """/tickets: the open tickets (officers only)."""
    await list_tickets(ctx, OPEN)


@router.on_button("inbox", "tickets")
async def press_tickets(ctx: Context) -> None:
    """The ticket list button: open or answered tickets (officers only)."""
    await list_tickets(ctx, ANSWERED if ctx.arg == ANSWERED else OPEN)


async def list_tickets(ctx: Context, status: str) -> None:
    """Shows up to ten tickets of one status; open ones with a Reply button each."""
    tickets = await ctx.repos.tickets.latest(status, LIST_LIMIT)
    total = await ctx.repos.tickets.count(status)
    who = await askers(ctx.repos.session, ctx.content, tickets)
    lines = [ticket_line(ctx.t, ticket, who.get(ticket.id)) for ticket in tickets] or [ctx.t("handoff.no_tickets")]
    title = ctx.t(N_("handoff.open_title") if status == OPEN else N_("handoff.answered_title"), count=total)
    rows = [[ctx.button("handoff.reply_to", "inbox", "reply", tk.id, number=str(tk.id), item_number=tk.id)]
            for tk in tickets if status == OPEN]  # "#12 · …": typing 12 answers ticket 12
    other = ANSWERED if status == OPEN else OPEN
    switch = N_("handoff.list_answered") if other == ANSWERED else N_("handoff.list_open")
    rows.append([ctx.button(switch, "inbox", "tickets", other)])
    ctx.reply_text("\n\n".join([title, *lines]), buttons=[*rows, back_to_menu_row(ctx)])


def ticket_line(t: Translator, ticket: Ticket, asker: Asker | None = None) -> str:
    """One ticket in a list: number, time, who asked (organisation, commune, phone), the question."""
    question = _shorten(ticket.question)
    if ticket.status == OPEN:
        line = t("handoff.line_open", number=str(ticket.id), when=ticket.created_at, question=question)
    else:
        line = t("handoff.line_answered", number=str(ticket.id), when=ticket.answered_at or ticket.created_at,
                 question=question, answer=_shorten(ticket.answer or ""))
    if asker is None:
        return line
    first, _, rest = line.partition("\n")
    return "\n".join([first, t("officer_tools.asked_by", who=asker.line(t)), rest]) if rest else \
        f"{first}\n{t('officer_tools.asked_by', who=asker.line(t))}"


def _shorten(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"
