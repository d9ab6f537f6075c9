"""Repositories for questions: FAQ feedback, tickets handed to officers, pushes waiting for a channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FaqFeedback, Ticket

OPEN = "open"
ANSWERED = "answered"


class FaqFeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, user_id: int, entry_id: str, helpful: bool, question: str | None) -> None:
        """Store the user's verdict on one answer; a second press replaces the first."""
        row = await self.session.get(FaqFeedback, (user_id, entry_id))
        if row is None:
            self.session.add(FaqFeedback(user_id=user_id, entry_id=entry_id, helpful=helpful, question=question))
        else:
            row.helpful = helpful
            row.question = question or row.question

    async def for_user(self, user_id: int) -> list[FaqFeedback]:
        query = select(FaqFeedback).where(FaqFeedback.user_id == user_id).order_by(FaqFeedback.entry_id)
        return list((await self.session.execute(query)).scalars())


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_ticket(self, user_id: int, question: str, now: datetime) -> Ticket:
        ticket = Ticket(user_id=user_id, question=question, status=OPEN, created_at=now)
        self.session.add(ticket)
        await self.session.flush()  # the id is the number the producer is given
        return ticket

    async def by_id(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def answer(self, ticket_id: int, officer_id: int, answer: str, now: datetime) -> bool:
        """Mark an open ticket answered; False when it was not open (another officer was quicker)."""
        result = await self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == OPEN)
            .values(status=ANSWERED, answer=answer, answered_by=officer_id, answered_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)

    async def latest(self, status: str, limit: int = 10) -> list[Ticket]:
        """Open tickets oldest first (answer in turn); answered ones newest first."""
        order = Ticket.created_at.asc() if status == OPEN else Ticket.answered_at.desc()
        query = select(Ticket).where(Ticket.status == status).order_by(order, Ticket.id).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def count(self, status: str) -> int:
        query = select(func.count()).select_from(Ticket).where(Ticket.status == status)
        return int((await self.session.execute(query)).scalar_one())

    async def filtered(self, which: str, officer_id: int, limit: int = 10) -> tuple[list[Ticket], int]:
        """The officer inbox: "open" (oldest first), "mine" (answered by this officer) or "answered", newest
        first; with the total count of that filter."""
        condition = [Ticket.status == OPEN] if which == OPEN else [Ticket.status == ANSWERED]
        if which == "mine":
            condition.append(Ticket.answered_by == officer_id)
        order = Ticket.created_at.asc() if which == OPEN else Ticket.answered_at.desc()
        query = select(Ticket).where(*condition).order_by(order, Ticket.id).limit(limit)
        total = select(func.count()).select_from(Ticket).where(*condition)
        return list((await self.session.execute(query)).scalars()), int((await self.session.execute(total)).scalar_one())
