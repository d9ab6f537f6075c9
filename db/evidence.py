"""Evidence files producers send for their dossier, and their answers for Mẫu 01/02: queries named for
their purpose. The bytes are read only where a file is bundled; lists and usage never load them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DossierForm, EvidenceUpload, User


@dataclass(frozen=True)
class EvidenceInfo:
    """One stored file without its bytes."""

    id: int
    target: str
    name: str
    mime: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class Usage:
    """What one producer stores: files and bytes."""

    user_id: int
    channel: str
    channel_user_id: str
    files: int
    bytes: int


_INFO = (EvidenceUpload.id, EvidenceUpload.target, EvidenceUpload.name, EvidenceUpload.mime, EvidenceUpload.size,
         EvidenceUpload.created_at)


async def list_evidence(session: AsyncSession, user_id: int) -> list[EvidenceInfo]:
    """The producer's files, oldest first (the order they are numbered in within one item)."""
    query = select(*_INFO).where(EvidenceUpload.user_id == user_id).order_by(EvidenceUpload.id)
    return [EvidenceInfo(*row) for row in (await session.execute(query)).all()]


async def usage(session: AsyncSession, user_id: int) -> tuple[int, int]:
    """(files, bytes) the producer stores now."""
    query = select(func.count(EvidenceUpload.id), func.coalesce(func.sum(EvidenceUpload.size), 0)).where(
        EvidenceUpload.user_id == user_id)
    files, size = (await session.execute(query)).one()
    return int(files), int(size)


async def add_evidence(session: AsyncSession, user_id: int, target: str, name: str, mime: str, data: bytes,
                       now: datetime) -> EvidenceUpload:
    row = EvidenceUpload(user_id=user_id, target=target, name=name[:120], mime=mime[:100], size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), data=data, created_at=now)
    session.add(row)
    await session.flush()
    return row


async def remove_evidence(session: AsyncSession, user_id: int, evidence_id: int) -> bool:
    """Deletes one of the producer's own files; False when it is not theirs (or gone already)."""
    result = await session.execute(delete(EvidenceUpload).where(EvidenceUpload.id == evidence_id,
                                                                EvidenceUpload.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def evidence_bytes(session: AsyncSession, user_id: int) -> dict[int, bytes]:
    """Every file's bytes by id, for the bundle."""
    query = select(EvidenceUpload.id, EvidenceUpload.data).where(EvidenceUpload.user_id == user_id)
    return {row[0]: bytes(row[1]) for row in (await session.execute(query)).all()}


async def delete_all_evidence(session: AsyncSession, user_id: int) -> None:
    """"Delete my data": the files and the form answers (also removed by ON DELETE CASCADE; explicit so
    SQLite without foreign keys enforced forgets them too)."""
    await session.execute(delete(EvidenceUpload).where(EvidenceUpload.user_id == user_id))
    await session.execute(delete(DossierForm).where(DossierForm.user_id == user_id))


async def usage_by_producer(session: AsyncSession) -> list[Usage]:
    """Files and bytes per producer who stores any, largest first (`ocop-bot evidence`)."""
    query = (select(User.id, User.channel, User.channel_user_id, func.count(EvidenceUpload.id),
                    func.sum(EvidenceUpload.size))
             .join(EvidenceUpload, EvidenceUpload.user_id == User.id)
             .group_by(User.id, User.channel, User.channel_user_id)
             .order_by(func.sum(EvidenceUpload.size).desc(), User.id))
    return [Usage(r[0], r[1], r[2], int(r[3]), int(r[4] or 0)) for r in (await session.execute(query)).all()]


async def counts_by_user(session: AsyncSession) -> dict[int, int]:
    """Evidence files per user id (the officers' export lists the count, never the files)."""
    query = select(EvidenceUpload.user_id, func.count(EvidenceUpload.id)).group_by(EvidenceUpload.user_id)
    return {int(r[0]): int(r[1]) for r in (await session.execute(query)).all()}


async def form_answers(session: AsyncSession, user_id: int) -> dict[str, Any]:
    row = await session.get(DossierForm, user_id)
    return dict(row.answers or {}) if row is not None else {}


async def save_form_answer(session: AsyncSession, user_id: int, question_id: str, value: Any) -> None:
    """Stores one answer (JSON columns are saved only when reassigned, so the dict is replaced)."""
    row = await session.get(DossierForm, user_id)
    if row is None:
        row = DossierForm(user_id=user_id, answers={})
        session.add(row)
    row.answers = {**(row.answers or {}), question_id: value}
