"""Helpers for the dossier-status tests: a producer with a profile, eligibility answers and a finished
self-assessment straight into the database, and reading what the status changes wrote."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.content import Content
from db.models import Assessment, AuditEntry, Dossier, DossierEvent, Eligibility, OutboxMessage, Profile, User
from tests.conftest import Database, make_settings
from tests.pushes_support import T0, add_producer

PRODUCT = "Bánh phồng tôm Sa Giang"
# I.3.c answers (option index per criterion) for the four Mẫu 03 points: 1.1 raw material, 3.3 local labour,
# 2.1 idea origin, 5.3 local identity.
POINT_ANSWERS = {"1.1": 3, "3.3": 2, "2.1": 2, "5.3": 1}


async def seed_producer(session: AsyncSession, content: Content, chat_id: int | str, *, channel: str = "console",
                        locale: str = "vi") -> User:
    """A consenting producer (HTX, commune Phường Sa Đéc) whose main product is PRODUCT, with an eligibility
    check and a finished I.3.c self-assessment."""
    user = await add_producer(session, chat_id, channel=channel, locale=locale)
    await session.execute(update(Profile).where(Profile.user_id == user.id).values(
        commune_code="phuong-sa-dec", main_product=PRODUCT, phone="0912345678"))
    session.add(Eligibility(user_id=user.id, product_set="I.3.c", verdict="eligible", checked_at=T0,
                            answers={"raw_material": "trong-tinh", "idea_origin": "rieng", "story": "co"}))
    session.add(Assessment(user_id=user.id, rule_set="qd26-2026", product_set="I.3.c", answers=dict(POINT_ANSWERS),
                           status="done", total=60, stars=3, part_points={}, started_at=T0, updated_at=T0,
                           finished_at=T0))
    await session.flush()
    return user


def option_text(content: Content, code: str) -> str:
    sheet = content.criteria.sheet("qd26-2026", "I.3.c")
    assert sheet is not None
    criterion = next(c for p in sheet.parts for s in p.sections for c in s.criteria if c.code == code)
    return criterion.options[POINT_ANSWERS[code]].text


async def dossier_of(sessions: async_sessionmaker[AsyncSession], user_id: int) -> Dossier:
    async with sessions() as session:
        return (await session.execute(select(Dossier).where(Dossier.user_id == user_id)
                                      .order_by(Dossier.id.desc()))).scalars().first()


async def counted(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    """(history rows, dossier outbox rows, dossier audit rows)."""
    async with sessions() as session:
        events = (await session.execute(select(func.count()).select_from(DossierEvent))).scalar_one()
        pushes = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.source == "dossier"))).scalar_one()
        audits = (await session.execute(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.action.like("dossier_%")))).scalar_one()
        return int(events), int(pushes), int(audits)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def officer_app(database: Database) -> AsyncIterator[App]:
    """The bot with one officer on the console channel ("off1")."""
    application = await App.create(make_settings(database, officers=["console:off1"]), db=database.engine())
    yield application
    await application.close()
