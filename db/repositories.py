"""Queries named for their purpose, grouped behind one object per database session."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.evidence import delete_all_evidence
from db.file_links import delete_user_files
from db.journey_repositories import DossierRepository, EligibilityRepository, UserDateRepository
from db.models import (
    Assessment,
    ConversationState,
    Eligibility,
    OutboxMessage,
    ProcessedUpdate,
    Profile,
    User,
    utcnow,
)
from db.questions import FaqFeedbackRepository, TicketRepository


def insert_ignoring_conflicts(session: AsyncSession, model: type[Any], **values: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the session's dialect (SQLite or PostgreSQL)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(**values).on_conflict_do_nothing()


# The two statements every update runs, built once: building and cache-keying a statement costs more
# than running it on SQLite (bench/throughput.py).
_LOAD_CONVERSATION = (
    select(User, Profile, ConversationState)
    .outerjoin(Profile, Profile.user_id == User.id)
    .outerjoin(ConversationState, ConversationState.user_id == User.id)
    .where(User.channel == bindparam("channel"), User.channel_user_id == bindparam("channel_user_id"))
    .with_for_update(of=User)
)
_MARK_PROCESSED = {
    name: dialect.insert(ProcessedUpdate.__table__)
    .values(key=bindparam("key"), processed_at=bindparam("processed_at"))
    .on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_channel_id(self, channel: str, channel_user_id: str, *, lock: bool = False) -> User | None:
        query = select(User).where(User.channel == channel, User.channel_user_id == channel_user_id)
        if lock:  # a row lock on PostgreSQL serialises one user's updates across processes
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def load_conversation(
        self, channel: str, channel_user_id: str
    ) -> tuple[User, Profile | None, ConversationState | None] | None:
        """The user (row-locked on PostgreSQL), profile and state in one statement — every update
        needs all three, and on SQLite each statement costs several thread hops."""
        params = {"channel": channel, "channel_user_id": channel_user_id}
        row = (await self.session.execute(_LOAD_CONVERSATION, params)).one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def get_or_create_locked(self, channel: str, channel_user_id: str) -> tuple[User, bool]:
        """The user, created if new, locked for this transaction. Returns (user, created)."""
        user = await self.by_channel_id(channel, channel_user_id, lock=True)
        if user is not None:  # the common case: one statement
            return user, False
        result = await self.session.execute(
            insert_ignoring_conflicts(
                self.session, User, channel=channel, channel_user_id=channel_user_id,
                role="producer", active=True, notifications=True, created_at=utcnow(), last_seen_at=utcnow(),
            )
        )
        user = await self.by_channel_id(channel, channel_user_id, lock=True)
        assert user is not None
        return user, bool(result.rowcount)

    async def by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def officers(self) -> list[User]:
        query = select(User).where(User.role.in_(("officer", "admin")), User.active.is_(True))
        return list((await self.session.execute(query)).scalars())

    async def delete_with_personal_data(self, user: User) -> None:
        """Forget the user entirely: profile, state, answers, tickets, feedback and their own outbox rows go
        with the user row (ON DELETE CASCADE); the messages to others that were about them (an officer told
        of their question, with their organisation name and question text) are deleted here. SQLite
        overwrites what it deletes (PRAGMA secure_delete, db/session.py)."""
        await delete_all_evidence(self.session, user.id)
        await delete_user_files(self.session, user.id)
        for model in (ConversationState, Profile):
            await self.session.execute(delete(model).where(model.user_id == user.id))
        await self.session.execute(delete(OutboxMessage).where(OutboxMessage.about_user_id == user.id))
        await self.session.delete(user)


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_user(self, user_id: int) -> Profile | None:
        return await self.session.get(Profile, user_id)

    async def ensure(self, user_id: int) -> Profile:
        profile = await self.for_user(user_id)
        if profile is None:
            profile = Profile(user_id=user_id)
            self.session.add(profile)
        return profile


class StateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_user(self, user_id: int) -> ConversationState:
        state = await self.session.get(ConversationState, user_id)
        if state is None:
            state = ConversationState(user_id=user_id, flow=None, step=None, data={}, keyboard=[])
            self.session.add(state)
        return state


PROCESSED_KEYS_KEPT = timedelta(days=3)
"""How long a processed update id is kept: past the platforms' redelivery windows (Telegram keeps an
undelivered update 24 h; Zalo retries "for hours", UNCONFIRMED how long, so three days)."""


def processed_key(key: str) -> str:
    """What processed_updates stores for a platform key: its SHA-256, hex (64 characters ≤ the column's 96)."""
    return hashlib.sha256(key.encode()).hexdigest()


class PruneProcessedUpdates:
    """A scheduler source (bot/pushes/scheduler.py) that writes no push: each tick forgets the processed
    update ids older than PROCESSED_KEYS_KEPT, so the table stays small and keeps no history."""

    def __init__(self, kept: timedelta = PROCESSED_KEYS_KEPT) -> None:
        self.kept = kept

    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - self.kept))
        return 0


class UpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark_processed(self, key: str) -> bool:
        """Record a platform update id; False when it was already recorded (a repeat delivery). Stored
        hashed (`processed_key`): a Zalo key can hold the user's id, and deleting a user's data must
        leave nothing that names them."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        result = await self.session.execute(_MARK_PROCESSED[dialect],
                                            {"key": processed_key(key), "processed_at": utcnow()})
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_older_than(self, age: timedelta) -> int:
        cutoff: datetime = utcnow() - age
        result = await self.session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
        return result.rowcount or 0


class AssessmentRepository:
    """Self-assessments: one open at a time per user (in_progress or paused), finished ones kept as history."""

    OPEN = ("in_progress", "paused")
    FINISHED = ("done", "knocked_out")

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, user_id: int, rule_set: str, product_set: str, now: datetime) -> Assessment:
        assessment = Assessment(user_id=user_id, rule_set=rule_set, product_set=product_set, answers={},
                                status="in_progress", part_points={}, started_at=now, updated_at=now)
        self.session.add(assessment)
        await self.session.flush()  # the id goes into button payloads at once
        return assessment

    async def of_user(self, assessment_id: str, user_id: int) -> Assessment | None:
        """The assessment named by a payload's id, only if it belongs to this user: another user's id, or
        anything but 1–9 digits (no overflow of the INTEGER column), finds nothing."""
        if not (assessment_id.isascii() and assessment_id.isdigit() and len(assessment_id) <= 9):
            return None
        query = select(Assessment).where(Assessment.id == int(assessment_id), Assessment.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_for_user(self, user_id: int) -> Assessment | None:
        query = (select(Assessment).where(Assessment.user_id == user_id, Assessment.status.in_(self.OPEN))
                 .order_by(Assessment.updated_at.desc(), Assessment.id.desc()).limit(1))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def finished_for_user(self, user_id: int, limit: int = 10) -> list[Assessment]:
        """Finished assessments, newest first."""
        query = (select(Assessment).where(Assessment.user_id == user_id, Assessment.status.in_(self.FINISHED))
                 .order_by(Assessment.finished_at.desc(), Assessment.id.desc()).limit(limit))
        return list((await self.session.execute(query)).scalars())

    async def discard(self, assessment: Assessment) -> None:
        await self.session.delete(assessment)

    async def eligibility_product_set(self, user_id: int) -> str | None:
        """The product set of the producer's latest eligibility check, if any."""
        check = await self.session.get(Eligibility, user_id)
        return check.product_set if check else None


class Repositories:
    """Every repository over one session: `repos.users.by_channel_id(...)`, `repos.states.for_user(...)`."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.profiles = ProfileRepository(session)
        self.states = StateRepository(session)
        self.updates = UpdateRepository(session)
        # producer journeys (db/journey_repositories.py)
        self.eligibility = EligibilityRepository(session)
        self.dossier = DossierRepository(session)
        self.user_dates = UserDateRepository(session)
        self.assessments = AssessmentRepository(session)
        self.faq_feedback = FaqFeedbackRepository(session)
        self.tickets = TicketRepository(session)
