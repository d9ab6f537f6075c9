"""Queries for the producer journeys: eligibility checks, dossier marks and personal dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DossierItem, Eligibility, UserDate


class EligibilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest(self, user_id: int) -> Eligibility | None:
        return await self.session.get(Eligibility, user_id)

    async def save(
        self, user_id: int, product_set: str | None, answers: dict[str, Any], verdict: str, checked_at: datetime
    ) -> Eligibility:
        """Replace the user's check with this one (only the latest is kept)."""
        row = await self.latest(user_id)
        if row is None:
            row = Eligibility(user_id=user_id)
            self.session.add(row)
        row.product_set, row.answers, row.verdict, row.checked_at = product_set, dict(answers), verdict, checked_at
        return row


class DossierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def marks(self, user_id: int, kind: str) -> dict[str, bool]:
        """{item_id: has_it} for one kind of dossier; unmarked items are absent."""
        query = select(DossierItem).where(DossierItem.user_id == user_id, DossierItem.kind == kind)
        return {row.item_id: row.has_it for row in (await self.session.execute(query)).scalars()}

    async def mark(self, user_id: int, kind: str, item_id: str, has_it: bool) -> None:
        row = await self.session.get(DossierItem, (user_id, kind, item_id))
        if row is None:
            self.session.add(DossierItem(user_id=user_id, kind=kind, item_id=item_id, has_it=has_it))
        else:
            row.has_it = has_it


class UserDateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all_for(self, user_id: int) -> dict[str, date]:
        query = select(UserDate).where(UserDate.user_id == user_id)
        return {row.kind: row.value for row in (await self.session.execute(query)).scalars()}

    async def get(self, user_id: int, kind: str) -> date | None:
        row = await self.session.get(UserDate, (user_id, kind))
        return row.value if row else None

    async def put(self, user_id: int, kind: str, value: date) -> None:
        row = await self.session.get(UserDate, (user_id, kind))
        if row is None:
            self.session.add(UserDate(user_id=user_id, kind=kind, value=value))
        else:
            row.value = value
