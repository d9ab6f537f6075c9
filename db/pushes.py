"""Queries for pushes, named for their purpose: a producer's per-kind choices, the bulletin archive."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Bulletin, PushPreference, utcnow


class PushPreferences:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def turned_off(self, user_id: int) -> set[str]:
        query = select(PushPreference.kind).where(PushPreference.user_id == user_id, PushPreference.enabled.is_(False))
        return set((await self.session.execute(query)).scalars())

    async def set(self, user_id: int, kind: str, enabled: bool) -> None:
        row = await self.session.get(PushPreference, (user_id, kind))
        if row is None:
            self.session.add(PushPreference(user_id=user_id, kind=kind, enabled=enabled, updated_at=utcnow()))
        else:
            row.enabled = enabled


class BulletinArchive:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def recent(self, limit: int = 6) -> list[Bulletin]:
        """Bulletins that went out, newest month first."""
        query = select(Bulletin).where(Bulletin.enqueued_at.is_not(None)).order_by(Bulletin.month.desc()).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def sent_for_month(self, month: str) -> Bulletin | None:
        query = select(Bulletin).where(Bulletin.month == month, Bulletin.enqueued_at.is_not(None))
        return (await self.session.execute(query)).scalar_one_or_none()
