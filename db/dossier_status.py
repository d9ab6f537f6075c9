"""Queries over product dossiers and their status history (db.models.Dossier, DossierEvent). The rules of
which change is allowed live in bot/officer/dossiers.py; this module only reads and writes rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Dossier, DossierEvent, Profile, User

DRAFT = "draft"
LIST_LIMIT = 50


async def by_id(session: AsyncSession, dossier_id: int) -> Dossier | None:
    return await session.get(Dossier, dossier_id)


async def for_user(session: AsyncSession, user_id: int) -> list[Dossier]:
    """A producer's dossiers, newest first."""
    query = select(Dossier).where(Dossier.user_id == user_id).order_by(Dossier.created_at.desc(), Dossier.id.desc())
    return list((await session.execute(query)).scalars())


async def events(session: AsyncSession, dossier_id: int, limit: int = 20) -> list[DossierEvent]:
    """The dossier's history, newest first."""
    query = (select(DossierEvent).where(DossierEvent.dossier_id == dossier_id)
             .order_by(DossierEvent.created_at.desc(), DossierEvent.id.desc()).limit(limit))
    return list((await session.execute(query)).scalars())


async def ensure_drafts(session: AsyncSession, now: datetime) -> int:
    """A draft dossier for every consenting producer with a main product and no dossier yet, so officers
    find every producer's dossier in the lists. Returns how many were created."""
    has_one = exists().where(Dossier.user_id == User.id)
    query = (select(User.id, Profile.main_product).join(Profile, Profile.user_id == User.id)
             .where(User.role == "producer", User.active.is_(True), User.consent_at.is_not(None),
                    Profile.main_product.is_not(None), Profile.main_product != "", ~has_one))
    rows = (await session.execute(query)).all()
    for user_id, product in rows:
        session.add(Dossier(user_id=user_id, product=product[:200], kind="lan-dau", status=DRAFT,
                            created_at=now, updated_at=now))
    await session.flush()
    return len(rows)


async def listing(session: AsyncSession, status: str | None = None, commune: str | None = None,
                  limit: int = LIST_LIMIT, offset: int = 0) -> tuple[list[tuple[Dossier, Profile | None]], int]:
    """Dossiers (with the producer's profile) of one status (None: all) and commune, latest change first;
    and how many there are in all."""
    conditions = []
    if status:
        conditions.append(Dossier.status == status)
    if commune:
        conditions.append(Profile.commune_code == commune)
    base = select(Dossier, Profile).outerjoin(Profile, Profile.user_id == Dossier.user_id).where(true(), *conditions)
    query = base.order_by(Dossier.updated_at.desc(), Dossier.id.desc()).limit(limit).offset(offset)
    total = select(func.count()).select_from(base.subquery())
    rows = [(dossier, profile) for dossier, profile in (await session.execute(query)).all()]
    return rows, int((await session.execute(total)).scalar_one())


async def counts(session: AsyncSession) -> dict[str, int]:
    """{status: number of dossiers}."""
    rows = await session.execute(select(Dossier.status, func.count()).group_by(Dossier.status))
    return {status: int(count) for status, count in rows.all()}


async def move(session: AsyncSession, dossier: Dossier, expected: str, values: dict[str, object]) -> bool:
    """Set `values` on the dossier only if its status is still `expected` (another officer may have been
    quicker); False when it was not."""
    result = await session.execute(
        update(Dossier).where(Dossier.id == dossier.id, Dossier.status == expected).values(**values)
        .execution_options(synchronize_session="fetch"))
    if result.rowcount:
        await session.refresh(dossier)
    return bool(result.rowcount)


async def certified(session: AsyncSession, user_id: int, product: str | None = None) -> Dossier | None:
    """The producer's latest dossier with a certificate (a result of 3 stars or more), for this product if given."""
    query = select(Dossier).where(Dossier.user_id == user_id, Dossier.status == "result",
                                  Dossier.certificate_date.is_not(None))
    if product:
        query = query.where(Dossier.product == product)
    query = query.order_by(Dossier.certificate_date.desc(), Dossier.id.desc()).limit(1)
    return (await session.execute(query)).scalars().first()
