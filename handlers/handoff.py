"""Hand-off to officers: a question the FAQ could not answer becomes a ticket; every active officer is
told, with a Reply button; the officer types and confirms an answer; the producer receives it.

Everything is in the database (tickets, conversation state, pending pushes), so a restart between the
question and the answer loses nothing. Every officer action checks ctx.is_officer, whatever payload came.
"""

from __future__ import annotations

from bot.context import Context, Router, payload
from bot.i18n import N_, Translator
from bot.messages import Button, Outgoing
from bot.text import clean_user_text
from db.models import Ticket
from db.questions import ANSWERED, OPEN
from handlers.menu import back_to_menu_row, menu_buttons

router = Router()

QUESTION_LIMIT = 1000
ANSWER_LIMIT = 2000
LIST_LIMIT = 10
PREVIEW = 120  # characters of a question or answer shown in the ticket list


# --- the producer ---------------------------------------------------------------------------------


@router.on_button("faq", "ask_officer")
async def ask_officer(ctx: Context) -> None:
    """Asks the producer to type the question for an officer; the next text is that question."""
    ctx.go("faq_handoff", "question")
    ctx.reply("handoff.type_question", buttons=[back_to_menu_row(ctx)])


@router.on_answer("faq_handoff", "question")
async def type_question(ctx: Context) -> None:
    """Keeps the typed question and asks to confirm sending it."""
    question = clean_user_text(ctx.text, QUESTION_LIMIT)
    if len(question) < 3:
        ctx.reply("handoff.type_question", buttons=[back_to_menu_row(ctx)])
        return
    ctx.go("faq_handoff", "confirm", question=question)
    send = ctx.button("faq.handoff_send", "faq", "handoff")
    ctx.reply("handoff.confirm", buttons=[[send], back_to_menu_row(ctx)], question=question)


@router.on_button("faq", "handoff")
async def send_to_officers(ctx: Context) -> None:
    """Stores the question as an open ticket, tells every officer, and gives the producer its number."""
    question = ctx.data.get("question", "") if ctx.state.flow == "faq_handoff" else ""
    if not question:  # an old button: the question was sent already, or never typed
        await ask_officer(ctx)
        return
    ticket = await ctx.repos.tickets.open_ticket(ctx.user.id, question, ctx.now)
    await notify_officers(ctx, ticket)
    ctx.clear_flow()
    ctx.reply("handoff.sent", buttons=menu_buttons(ctx), number=str(ticket.id))


async def notify_officers(ctx: Context, ticket: Ticket) -> None:
    """Pushes the new ticket to every active officer, in the officer's language, with a Reply button."""
    who = (ctx.profile.org_name if ctx.profile else None) or ""
    for officer in await ctx.repos.users.officers():
        if officer.id == ctx.user.id:
            continue
        t = ctx.i18n.translator(officer.locale or ctx.settings.default_locale)
        sender = who or t("handoff.anonymous", user=str(ctx.user.id))
        reply = Button(t("handoff.reply"), payload("faq", "reply", ticket.id))
        listing = Button(t("handoff.list_open"), payload("faq", "tickets", OPEN))
        text = t("handoff.new_ticket", number=str(ticket.id), sender=sender, question=ticket.question)
        ctx.push(officer.id, Outgoing(text=text, buttons=((reply,), (listing,))))


# --- the officer ----------------------------------------------------------------------------------


def refuse_unless_officer(ctx: Context) -> bool:
    """True (and a polite refusal, changing nothing) when the user is not an officer."""
    if ctx.is_officer:
        return False
    ctx.reply("handoff.officers_only", buttons=[back_to_menu_row(ctx)])
    return True


async def open_ticket_from(ctx: Context, raw_id: object) -> Ticket | None:
    """The open ticket a payload or saved state names; None (and why) when it is unknown or answered."""
    ticket = await ctx.repos.tickets.by_id(int(raw_id)) if str(raw_id).isdigit() else None
    if ticket is None:
        ctx.reply("handoff.no_such_ticket", buttons=[back_to_menu_row(ctx)])
    elif ticket.status != OPEN:
        ctx.clear_flow()
        ctx.reply("handoff.already_answered", buttons=[back_to_menu_row(ctx)], number=str(ticket.id))
        return None
    return ticket


@router.on_button("faq", "reply")
async def start_reply(ctx: Context) -> None:
    """Officer pressed Reply: shows the question and waits for the typed answer."""
    if refuse_unless_officer(ctx) or (ticket := await open_ticket_from(ctx, ctx.arg)) is None:
        return
    ctx.go("faq_reply", "text", ticket=ticket.id)
    ctx.reply("handoff.type_answer", buttons=[back_to_menu_row(ctx)], number=str(ticket.id), question=ticket.question)


@router.on_answer("faq_reply", "text", "confirm")
async def type_answer(ctx: Context) -> None:
    """Keeps the officer's typed answer (typing again replaces the draft) and asks to confirm sending it."""
    if refuse_unless_officer(ctx) or (ticket := await open_ticket_from(ctx, ctx.data.get("ticket"))) is None:
        return
    answer = clean_user_text(ctx.text, ANSWER_LIMIT)
    if not answer:
        ctx.reply("handoff.type_answer", buttons=[back_to_menu_row(ctx)], number=str(ticket.id), question=ticket.question)
        return
    ctx.go("faq_reply", "confirm", answer=answer)
    send = ctx.button("handoff.send_answer", "faq", "reply_send")
    edit = ctx.button("handoff.edit_answer", "faq", "reply", ticket.id)
    ctx.reply("handoff.confirm_answer", buttons=[[send, edit], back_to_menu_row(ctx)], number=str(ticket.id), answer=answer)


@router.on_button("faq", "reply_send")
async def send_answer(ctx: Context) -> None:
    """Marks the ticket answered and pushes the answer to the producer; then the open tickets."""
    if refuse_unless_officer(ctx):
        return
    answer = ctx.data.get("answer", "") if ctx.state.flow == "faq_reply" else ""
    if not answer:  # an old confirmation button: nothing typed to send
        ctx.reply("menu.stale_button", buttons=[back_to_menu_row(ctx)])
        return
    ticket = await open_ticket_from(ctx, ctx.data.get("ticket"))
    if ticket is None:
        return
    if not await ctx.repos.tickets.answer(ticket.id, ctx.user.id, answer, ctx.now):
        ctx.reply("handoff.already_answered", buttons=[back_to_menu_row(ctx)], number=str(ticket.id))
        return
    producer = await ctx.repos.users.by_id(ticket.user_id)
    if producer is not None:
        t = ctx.i18n.translator(producer.locale or ctx.settings.default_locale)
        text = t("handoff.answer_for_producer", number=str(ticket.id), question=ticket.question, answer=answer)
        ctx.push(producer.id, Outgoing(text=text, buttons=((Button(t("menu.back"), "menu:open"),),)))
    ctx.clear_flow()
    ctx.reply("handoff.answer_sent", number=str(ticket.id))
    await list_tickets(ctx, OPEN)


@router.command("tickets")
async def tickets_command(ctx: Context) -> None:
    """/tickets: the open tickets (officers only)."""
    if not refuse_unless_officer(ctx):
        await list_tickets(ctx, OPEN)


@router.on_button("faq", "tickets")
async def press_tickets(ctx: Context) -> None:
    """The ticket list button: open or answered tickets (officers only)."""
    if not refuse_unless_officer(ctx):
        await list_tickets(ctx, ANSWERED if ctx.arg == ANSWERED else OPEN)


async def list_tickets(ctx: Context, status: str) -> None:
    """Shows up to ten tickets of one status; open ones with a Reply button each."""
    tickets = await ctx.repos.tickets.latest(status, LIST_LIMIT)
    total = await ctx.repos.tickets.count(status)
    lines = [ticket_line(ctx.t, ticket) for ticket in tickets] or [ctx.t("handoff.no_tickets")]
    title = ctx.t(N_("handoff.open_title") if status == OPEN else N_("handoff.answered_title"), count=total)
    rows = [[ctx.button("handoff.reply_to", "faq", "reply", tk.id, number=str(tk.id))] for tk in tickets if status == OPEN]
    other = ANSWERED if status == OPEN else OPEN
    switch = N_("handoff.list_answered") if other == ANSWERED else N_("handoff.list_open")
    rows.append([ctx.button(switch, "faq", "tickets", other)])
    ctx.reply_text("\n\n".join([title, *lines]), buttons=[*rows, back_to_menu_row(ctx)])


def ticket_line(t: Translator, ticket: Ticket) -> str:
    question = _shorten(ticket.question)
    if ticket.status == OPEN:
        return t("handoff.line_open", number=str(ticket.id), when=ticket.created_at, question=question)
    return t("handoff.line_answered", number=str(ticket.id), when=ticket.answered_at or ticket.created_at,
             question=question, answer=_shorten(ticket.answer or ""))


def _shorten(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"
