"""Hand-off to officers: a question the FAQ could not answer becomes a ticket; every active officer is
told, with a Reply button (the officer's side: handlers/officer/replies.py).

Everything is in the database (tickets, conversation state, pending pushes), so a restart between the
question and the answer loses nothing.
"""

from __future__ import annotations

from bot.content.text import clean_user_text
from bot.core.context import Context, Router, payload
from bot.core.messages import Button, Outgoing
from db.models import Ticket
from db.questions import OPEN
from handlers.producer.menu import back_to_menu_row, menu_buttons

router = Router()

QUESTION_LIMIT = 1000


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
        reply = Button(t("handoff.reply"), payload("inbox", "reply", ticket.id))
        listing = Button(t("handoff.list_open"), payload("inbox", "tickets", OPEN))
        text = t("handoff.new_ticket", number=str(ticket.id), sender=sender, question=ticket.question)
        ctx.push(officer.id, Outgoing(text=text, buttons=((reply,), (listing,))))
