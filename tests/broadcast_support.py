"""Seeded producers for the broadcast tests: communes, groups, types, assessments and dossiers chosen so
each segment's recipients can be worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content
from bot.content.documents import checklist
from db.models import Assessment, DossierItem, Profile, User
from tests.pushes_support import T0, add_producer

A, B = "phuong-an-binh", "phuong-binh-xuan"

# name: (commune, group, type, [(status, stars, days after T0)], dossier complete?, extra user fields)
SEED: dict[str, tuple[str, str, str, list[tuple[str, int | None, int]], bool, dict[str, Any]]] = {
    "p1": (A, "thuc-pham", "htx", [("done", 3, 1)], True, {}),
    "p2": (A, "do-uong", "dn", [("done", 4, 1), ("done", 2, 5)], False, {}),
    "p3": (B, "thuc-pham", "htx", [], False, {}),
    "p4": (B, "thuc-pham", "hkd", [("done", 4, 1), ("in_progress", None, 6)], True, {}),
    "p5": (A, "thuc-pham", "htx", [("done", 3, 1)], True, {"consent": False}),
    "p6": (A, "thuc-pham", "htx", [("done", 3, 1)], True, {"active": False}),
    "p7": (A, "thuc-pham", "htx", [("done", 3, 1)], True, {"role": "officer"}),
    "p8": (A, "thuc-pham", "htx", [("knocked_out", None, 1), ("done", 3, 2)], False, {}),
    "p9": (B, "do-uong", "dn", [("done", 3, 1), ("knocked_out", None, 3)], False, {}),
}


async def seed(sessions: async_sessionmaker[AsyncSession], content: Content) -> dict[str, int]:
    """The producers of SEED (channel ids = their names); returns {name: users.id}."""
    ids: dict[str, int] = {}
    async with sessions() as session, session.begin():
        for name, (commune, group, kind, assessments, complete, extra) in SEED.items():
            user = await add_producer(session, name, channel="console", group=group, producer_type=kind,
                                      consent=True)
            await session.flush()
            profile = await session.get(Profile, user.id)
            profile.commune_code = commune
            user.consent_at = None if extra.get("consent") is False else user.consent_at
            user.active = extra.get("active", True)
            user.role = extra.get("role", "producer")
            for status, stars, days in assessments:
                at = T0 + timedelta(days=days)
                session.add(Assessment(user_id=user.id, rule_set="qd148-2023", product_set="1", status=status,
                                       stars=stars, started_at=at, updated_at=at,
                                       finished_at=None if status == "in_progress" else at))
            items = checklist(content.documents, "lan-dau", kind, group)
            for index, item in enumerate(items):
                has_it = complete or index > 0  # an incomplete dossier misses its first item only
                session.add(DossierItem(user_id=user.id, kind="lan-dau", item_id=item.id, has_it=has_it, updated_at=T0))
            ids[name] = user.id
    return ids


async def names(sessions: async_sessionmaker[AsyncSession], users: list[User]) -> set[str]:
    return {u.channel_user_id for u in users}
