"""The officers' inbox, shared by the chat and the web console: who asked each question (organisation,
commune, phone if they shared it) and answering one — the ticket marked answered and the answer addressed
to the producer, in the producer's language — in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.content.text import clean_user_text
from bot.core.i18n import I18n, Translator
from bot.core.messages import Button, Outgoing
from bot.officer.labels import commune_name
from db.models import Profile, Ticket, User
from db.questions import OPEN, TicketRepository

ANSWER_LIMIT = 2000


@dataclass(frozen=True)
class Asker:
    """Who asked a question, as far as the producer told us."""

    user_id: int
    org_name: str | None
    commune: str | None  # the commune's name
    phone: str | None
    channel: str

    def line(self, t: Translator) -> str:
        """"HTX Sen Vàng · Phường Sa Đéc · 0912 345 678" (what is known), or "a producer on Zalo"."""
        parts = [p for p in (self.org_name, self.commune, self.phone) if p]
        return " · ".join(parts) if parts else t("officer_tools.asker_unknown", channel=self.channel)


async def askers(session: AsyncSession, content: Content, tickets: list[Ticket]) -> dict[int, Asker]:
    """{ticket id: Asker} for these tickets, in one query."""
    user_ids = {ticket.user_id for ticket in tickets}
    if not user_ids:
        return {}
    query = (select(User.id, User.channel, Profile.org_name, Profile.commune_code, Profile.phone)
             .outerjoin(Profile, Profile.user_id == User.id).where(User.id.in_(user_ids)))
    people = {row.id: Asker(row.id, row.org_name, commune_name(content, row.commune_code) if row.commune_code else None,
                            row.phone, row.channel) for row in (await session.execute(query)).all()}
    return {ticket.id: people[ticket.user_id] for ticket in tickets if ticket.user_id in people}


class AnswerRefused(Exception):
    """Why an answer was not sent: "empty", "unknown" (no such ticket) or "answered" (someone was quicker)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def answer_ticket(session: AsyncSession, i18n: I18n, default_locale: str, ticket_id: int, officer_id: int,
                        text: str, now: datetime) -> tuple[Ticket, int, Outgoing]:
    """Marks the open ticket answered by `officer_id` and returns (ticket, producer's users.id, the message
    for the producer). The caller sends that message: the chat with `ctx.push`, the web console through the
    outbox (`bot.core.outbox.route_pushes`). Raises AnswerRefused and changes nothing otherwise."""
    answer = clean_user_text(text, ANSWER_LIMIT)
    if not answer:
        raise AnswerRefused("empty")
    tickets = TicketRepository(session)
    ticket = await tickets.by_id(ticket_id)
    if ticket is None:
        raise AnswerRefused("unknown")
    if ticket.status != OPEN or not await tickets.answer(ticket.id, officer_id, answer, now):
        raise AnswerRefused("answered")
    producer = await session.get(User, ticket.user_id)
    t = i18n.translator((producer.locale if producer else None) or default_locale)
    message = t("handoff.answer_for_producer", number=str(ticket.id), question=ticket.question, answer=answer)
    return ticket, ticket.user_id, Outgoing(text=message, buttons=((Button(t("menu.back"), "menu:open"),),))
