"""Figures for officers: statistics (counts only) and the rows of the yearly-report export.

Everything is read in a few queries and counted in Python: a province has thousands of producers, not
millions. Statistics hold no personal data; the export rows do (names, phones), and only go to an officer
who asked for them or to the CLI's output directory — never to a log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.content.documents import checklist
from db.models import Assessment, DossierItem, OutboxMessage, Profile, User

FINISHED = ("done", "knocked_out")
NONE = "-"  # a profile field the producer did not give
FIRST_DOSSIER = "lan-dau"


@dataclass
class Statistics:
    producers: int = 0
    by_commune: Counter[str] = field(default_factory=Counter)
    by_group: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    assessed: int = 0
    stars: Counter[str] = field(default_factory=Counter)  # "3", "4", "5" or "0" (no star) of the latest assessment
    dossier_started: int = 0
    dossier_ready: int = 0
    outbox: Counter[tuple[str, str]] = field(default_factory=Counter)  # (source, status)


async def producers(session: AsyncSession) -> list[tuple[User, Profile]]:
    """Consenting producers with a profile, in id order."""
    query = (select(User, Profile).join(Profile, Profile.user_id == User.id)
             .where(User.role == "producer", User.consent_at.is_not(None)).order_by(User.id))
    return [(user, profile) for user, profile in (await session.execute(query)).all()]


async def latest_assessments(session: AsyncSession) -> dict[int, Assessment]:
    """Each producer's latest finished self-assessment."""
    query = select(Assessment).where(Assessment.status.in_(FINISHED)).order_by(Assessment.finished_at, Assessment.id)
    return {a.user_id: a for a in (await session.execute(query)).scalars()}  # later ones overwrite earlier


async def dossier_status(session: AsyncSession, content: Content, people: list[tuple[User, Profile]]) -> dict[int, tuple[int, int]]:
    """(items marked "I have it", items in the first-dossier checklist) per producer."""
    query = select(DossierItem.user_id, DossierItem.item_id).where(DossierItem.kind == FIRST_DOSSIER,
                                                                   DossierItem.has_it.is_(True))
    have: dict[int, set[str]] = {}
    for user_id, item_id in (await session.execute(query)).all():
        have.setdefault(user_id, set()).add(item_id)
    status = {}
    for user, profile in people:
        items = {i.id for i in checklist(content.documents, FIRST_DOSSIER, profile.producer_type, profile.product_group)}
        status[user.id] = (len(items & have.get(user.id, set())), len(items))
    return status


async def statistics(session: AsyncSession, content: Content) -> Statistics:
    stats = Statistics()
    people = await producers(session)
    stats.producers = len(people)
    for _user, profile in people:
        stats.by_commune[profile.commune_code or NONE] += 1
        stats.by_group[profile.product_group or NONE] += 1
        stats.by_type[profile.producer_type or NONE] += 1
    ids = {user.id for user, _ in people}
    latest = {uid: a for uid, a in (await latest_assessments(session)).items() if uid in ids}
    stats.assessed = len(latest)
    stats.stars = Counter(str(a.stars or 0) for a in latest.values())
    for done, total in (await dossier_status(session, content, people)).values():
        stats.dossier_started += done > 0
        stats.dossier_ready += total > 0 and done == total
    query = select(OutboxMessage.source, OutboxMessage.status, func.count()).group_by(OutboxMessage.source, OutboxMessage.status)
    stats.outbox = Counter({(source, status): n for source, status, n in (await session.execute(query)).all()})
    return stats


async def export_tables(session: AsyncSession, content: Content) -> dict[str, list[list[Any]]]:
    """The yearly-report tables, header row first: producers, self-assessments, dossiers, broadcasts."""
    people = await producers(session)
    latest = await latest_assessments(session)
    dossiers = await dossier_status(session, content, people)
    parts = sorted({part for a in latest.values() for part in (a.part_points or {})})
    tables: dict[str, list[list[Any]]] = {
        "producers": [["id", "org_name", "phone", "producer_type", "product_group", "commune_code", "main_product"]],
        "assessments": [["producer_id", "org_name", "product_set", "finished_at", *[f"part_{p}" for p in parts],
                         "total", "stars", "status"]],
        "dossiers": [["producer_id", "org_name", "items_ready", "items_total", "ready"]],
        "broadcasts": [["source_key", "status", "count"]],
    }
    for user, profile in people:
        tables["producers"].append([user.id, profile.org_name or "", profile.phone or "",
                                    profile.producer_type or "", profile.product_group or "", profile.commune_code or "",
                                    profile.main_product or ""])
        a = latest.get(user.id)
        if a is not None:
            points = [(a.part_points or {}).get(p, "") for p in parts]
            finished = a.finished_at.date().isoformat() if a.finished_at else ""
            tables["assessments"].append([user.id, profile.org_name or "", a.product_set, finished, *points,
                                          a.total if a.total is not None else "", a.stars or 0, a.status])
        done, total = dossiers[user.id]
        tables["dossiers"].append([user.id, profile.org_name or "", done, total, "yes" if total and done == total else "no"])
    query = (select(OutboxMessage.source_key, OutboxMessage.status, func.count()).where(OutboxMessage.source == "broadcast")
             .group_by(OutboxMessage.source_key, OutboxMessage.status).order_by(OutboxMessage.source_key, OutboxMessage.status))
    tables["broadcasts"] += [[key, status, n] for key, status, n in (await session.execute(query)).all()]
    return tables
