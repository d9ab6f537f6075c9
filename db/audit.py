"""The audit log of officer actions: who did what, when, to how many. Any officer tool writes it with
`audit(...)` in the same transaction as the action, so an action never goes unrecorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, utcnow


async def audit(ctx_or_session: Any, officer_user_id: int | None, action: str, details: dict[str, Any]) -> None:
    """Record one officer action; `ctx_or_session` is a handler's Context or an AsyncSession."""
    session: AsyncSession = ctx_or_session.repos.session if hasattr(ctx_or_session, "repos") else ctx_or_session
    session.add(AuditEntry(officer_id=officer_user_id, action=action, details=dict(details), created_at=utcnow()))
    await session.flush()


async def recent(session: AsyncSession, limit: int = 20) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())
