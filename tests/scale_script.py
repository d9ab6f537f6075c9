"""The conversations of the scale tests: every user onboards in ten updates. A reference run through the
engine in this process records the exact Telegram updates (button payloads as the bot offered them) and
the state each user ends in; the same updates are then posted to the bot processes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, Update

from bot.app import App
from bot.channels.telegram import LIMITS as TELEGRAM_LIMITS
from bot.channels.telegram import to_inbound
from db.models import ConversationState, ProcessedUpdate, Profile, User
from tests.fakes import FakeBotApi

UPDATES_PER_USER = 10
Script = list[dict[str, Any]]


def steps(uid: int) -> list[tuple[str, str]]:
    return [("command", "/start"), ("click", "Tiếng Việt"), ("click", "Đồng ý"), ("text", f"HTX số {uid}"),
            ("click", "Hợp tác xã" if uid % 2 else "Doanh nghiệp"), ("text", "cao lanh"),
            ("click", "Phường Cao Lãnh"), ("click", "Thực phẩm"), ("text", f"Sản phẩm {uid}"),
            ("contact", f"09{uid:08d}")]


async def reference_run(app: App, api: FakeBotApi, users: list[int]) -> tuple[dict[int, Script], dict[int, int]]:
    """Play every user's onboarding through `app` (one process); returns each user's updates (JSON) and
    how many replies the user got."""
    bot = Bot(api.token)
    scripts: dict[int, Script] = {}
    answers: dict[int, int] = {}
    for uid in users:
        updates: Script = []
        replies: list[Any] = []
        for kind, value in steps(uid):
            if kind == "click":
                matches = [b.payload for r in replies for b in r.flat_buttons() if value.lower() in b.label.lower()]
                assert len(matches) == 1, f"{value!r} among {[b.label for r in replies for b in r.flat_buttons()]}"
                update = api.callback_update(uid, matches[0])
            elif kind == "command":
                update = api.command_update(uid, value)
            elif kind == "contact":
                update = api.contact_update(uid, value)
            else:
                update = api.text_update(uid, value)
            inbound = to_inbound(Update.de_json(update, bot))
            assert inbound is not None
            replies = (await app.engine.handle(inbound, TELEGRAM_LIMITS)).replies
            assert replies
            answers[uid] = answers.get(uid, 0) + len(replies)
            updates.append(update)
        scripts[uid] = updates
    return scripts, answers


async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[Any, ...]]:
    """What a conversation left behind, per Telegram user (no ids or timestamps)."""
    query = (select(User, Profile, ConversationState)
             .outerjoin(Profile, Profile.user_id == User.id)
             .outerjoin(ConversationState, ConversationState.user_id == User.id))
    result: dict[str, tuple[Any, ...]] = {}
    async with sessions() as session:
        for user, profile, state in (await session.execute(query)).all():
            fields = (profile.org_name, profile.producer_type, profile.commune_code, profile.product_group,
                      profile.main_product, profile.phone, profile.completed_at is not None) if profile else None
            result[user.channel_user_id] = (user.locale, user.role, user.consent_at is not None, user.active, fields,
                                            state.flow if state else None, state.step if state else None,
                                            state.data if state else None, state.keyboard if state else None)
    return result


async def processed_keys(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    """The processed update keys, as stored: hashed (compare with `db.repositories.processed_key`)."""
    async with sessions() as session:
        return set((await session.execute(select(ProcessedUpdate.key))).scalars())
