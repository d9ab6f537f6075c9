"""The inbox from the browser: each question with who asked (organisation, commune, phone if shared) and a
reply box. Answering goes through `bot.officer.inbox.answer_ticket`, the same as the chat; the answer reaches
the producer through the outbox (the delivery worker sends it first, before bulk pushes)."""

from __future__ import annotations

from aiohttp import web

from bot.core.i18n import N_
from bot.core.outbox import route_pushes
from bot.officer.inbox import AnswerRefused, answer_ticket, askers
from bot.web.console import Page, Routes, whole_number
from db.officer_actions import record_officer_action
from db.questions import ANSWERED, OPEN, TicketRepository
from db.repositories import Repositories

FILTERS = {OPEN: N_("officer_tools.inbox_filter_open"), "mine": N_("officer_tools.inbox_filter_mine"),
           ANSWERED: N_("officer_tools.inbox_filter_answered")}
REFUSALS = {"empty": N_("web.inbox_empty_answer"), "unknown": N_("web.not_found"), "answered": N_("web.inbox_already")}
LIMIT = 50


async def inbox(page: Page, notice: str = "", status: int = 200) -> web.Response:
    which = page.request.query.get("show", OPEN)
    which = which if which in FILTERS else OPEN
    tickets, total = await TicketRepository(page.db).filtered(which, page.officer_id, LIMIT)
    who = await askers(page.db, page.console.content, tickets)
    return page.render("inbox.html", status=status, tickets=tickets, total=total, who=who, which=which,
                       filters=FILTERS, notice=notice)


async def show_inbox(page: Page) -> web.StreamResponse:
    notice = page.t("web.inbox_sent", number=page.request.query["sent"]) if page.request.query.get("sent", "").isdecimal() else ""
    return await inbox(page, notice)


async def reply(page: Page) -> web.StreamResponse:
    """POST /web/inbox/{id}/reply: the ticket answered, the answer queued for the producer."""
    assert page.form is not None
    raw = page.request.match_info["id"]
    try:
        ticket, producer_id, message = await answer_ticket(
            page.db, page.console.i18n, page.console.settings.default_locale, whole_number(raw) or 0,
            page.officer_id, page.form.get("answer"), page.now)
    except AnswerRefused as refused:
        return await inbox(page, page.t(REFUSALS[refused.reason]), 409 if refused.reason == "answered" else 400)
    await route_pushes(Repositories(page.db), [(producer_id, message)], channel=None)  # via the outbox
    record_officer_action(page.db, page.officer_id, "ticket_answered", {"ticket": ticket.id, "by": "web"})
    return page.redirect(f"/web/inbox?sent={ticket.id}")


def add_routes(routes: Routes) -> None:
    routes.page("/inbox", show_inbox)
    routes.action("/inbox/{id}/reply", reply)
