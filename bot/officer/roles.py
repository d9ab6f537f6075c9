"""Roles: producer, officer, admin. Officers come from OCOP_OFFICERS (applied at start to users already
known; the engine promotes the others on their first message), from `ocop-bot officer add`, and from an
admin in chat. Every role change is in the audit log."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import User, utcnow

PRODUCER, OFFICER, ADMIN = "producer", "officer", "admin"


class RoleError(Exception):
    """A channel:id that cannot be used."""


def parse_address(text: str) -> tuple[str, str]:
    """"telegram:12345" → ("telegram", "12345"); raises RoleError."""
    channel, _, user_id = text.strip().partition(":")
    if not channel or not user_id or " " in text.strip() or len(channel) > 16 or len(user_id) > 64:
        raise RoleError(f"{text!r} is not CHANNEL:ID (e.g. telegram:123456789)")
    return channel.lower(), user_id


async def apply_configured_officers(sessions: async_sessionmaker[AsyncSession], addresses: set[tuple[str, str]]) -> int:
    """Promote known users listed in OCOP_OFFICERS who are still producers. Returns how many."""
    if not addresses:
        return 0
    promoted = 0
    async with sessions() as session, session.begin():
        for channel, user_id in addresses:
            result = await session.execute(update(User).where(User.channel == channel, User.channel_user_id == user_id,
                                                              User.role == PRODUCER).values(role=OFFICER))
            promoted += int(result.rowcount or 0)
    return promoted


async def set_role(session: AsyncSession, channel: str, user_id: str, role: str) -> User:
    """Give the user on channel:id this role; an officer the bot does not know yet is created (their first
    message then finds them). Taking a role from an unknown user is an error."""
    user = (await session.execute(select(User).where(User.channel == channel, User.channel_user_id == user_id))
            ).scalar_one_or_none()
    if user is None and role == PRODUCER:
        raise RoleError(f"{channel}:{user_id} is not known to the bot")
    if user is None:
        now = utcnow()
        user = User(channel=channel, channel_user_id=user_id, role=role, active=True, notifications=True,
                    created_at=now, last_seen_at=now)
        session.add(user)
    user.role = role
    await session.flush()
    return user


async def staff(session: AsyncSession) -> list[User]:
    query = select(User).where(User.role.in_((OFFICER, ADMIN))).order_by(User.channel, User.channel_user_id)
    return list((await session.execute(query)).scalars())
