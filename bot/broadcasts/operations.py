"""Officer broadcasts: who a segment reaches, creating a broadcast (its outbox rows, due when it is
scheduled), cancelling it, and its outcome counts. Shared by the chat flow, the CLI and the progress task.

A segment is a small dict, saved in the conversation state and on the broadcast row:
  {"commune": code, "group": code, "type": code, "stars": "3+", "dossier": "complete"|"incomplete"}
Every key is optional and the keys combine (commune AND group AND stars…); an empty segment is every
producer who agreed to use the bot. Stars are a range, "3+" (3★ and above), or one exact value, "3" (how
broadcasts were stored before ranges; "0" is "no star yet": knocked out or under 3★).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.core.messages import Purpose
from bot.core.outbox import PENDING, SENDING, SKIPPED, enqueue, outbox_row
from bot.pushes.quiet import after_quiet_hours
from bot.pushes.reminders import Reminders
from db.models import Assessment, Broadcast, BroadcastMedia, OutboxMessage, Profile, User, utcnow

SOURCE = "broadcast"
SEGMENT_KEYS = ("commune", "group", "type", "stars", "dossier")
DOSSIER_VALUES = ("complete", "incomplete")
SCHEDULED, RUNNING, DONE, CANCELLED = "scheduled", "running", "done", "cancelled"
FINISHED_ASSESSMENT = ("done", "knocked_out")
STARS_VALUES = ("0", "1", "2", "3", "4", "5", "1+", "2+", "3+", "4+", "5+")


class BroadcastError(Exception):
    """A problem in what the officer asked for (unknown segment key or value)."""


class MediaGone(BroadcastError):
    """The broadcast's photo or document is no longer stored (or already belongs to another broadcast)."""


def source_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def check_segment(segment: dict[str, Any], content: Content) -> dict[str, str]:
    """The segment with known keys and values only; raises BroadcastError naming what is wrong."""
    known = {
        "commune": set(content.communes.by_code), "group": set(content.programme.group_by_code),
        "type": set(content.programme.producer_type_by_code), "stars": set(STARS_VALUES),
        "dossier": set(DOSSIER_VALUES),
    }
    clean: dict[str, str] = {}
    for key, value in segment.items():
        if key not in known:
            raise BroadcastError(f"unknown segment key {key!r}; known: {', '.join(SEGMENT_KEYS)}")
        if str(value) not in known[key]:
            raise BroadcastError(f"unknown {key} {value!r}")
        clean[key] = str(value)
    return clean


def stars_match(stars: int, wanted: str) -> bool:
    """Whether a producer's projected stars fit the filter: "3+" is 3 and above, "3" exactly 3."""
    if wanted.endswith("+"):
        return stars >= int(wanted[:-1])
    return stars == int(wanted)


def goes_out_at(due_at: datetime, settings: Any) -> datetime:
    """When a broadcast due at `due_at` really starts: the delivery worker holds pushes in quiet hours
    (OCOP_QUIET_START–OCOP_QUIET_END local), so one due inside them goes at their end. Compare with
    `due_at` to warn the officer before they confirm."""
    return after_quiet_hours(due_at, settings.timezone, settings.quiet_start, settings.quiet_end)


async def latest_stars(session: AsyncSession, user_ids: list[int]) -> dict[int, int]:
    """Projected stars of each user's latest finished self-assessment (knocked out counts as 0)."""
    query = (select(Assessment.user_id, Assessment.stars, Assessment.finished_at)
             .where(Assessment.user_id.in_(user_ids), Assessment.status.in_(FINISHED_ASSESSMENT),
                    Assessment.finished_at.is_not(None))
             .order_by(Assessment.finished_at, Assessment.id))
    stars: dict[int, int] = {}
    for user_id, value, _finished in (await session.execute(query)).all():
        stars[user_id] = value or 0  # later rows overwrite earlier ones: the latest wins
    return stars


async def recipients(session: AsyncSession, content: Content, segment: dict[str, Any]) -> list[User]:
    """Active producers who agreed to use the bot and match every key of the segment, by id."""
    query = (select(User).join(Profile, Profile.user_id == User.id)
             .where(User.role == "producer", User.active.is_(True), User.consent_at.is_not(None))
             .order_by(User.id))
    columns = {"commune": Profile.commune_code, "group": Profile.product_group, "type": Profile.producer_type}
    for key, column in columns.items():
        if segment.get(key):
            query = query.where(column == segment[key])
    users = list((await session.execute(query)).scalars())
    ids = [u.id for u in users]
    if segment.get("stars") not in (None, "") and ids:
        stars = await latest_stars(session, ids)
        users = [u for u in users if u.id in stars and stars_match(stars[u.id], str(segment["stars"]))]
    if segment.get("dossier") and users:
        incomplete = await Reminders(None, content, None, "UTC", (time(0), time(0))).incomplete_dossiers(  # type: ignore[arg-type]
            session, [u.id for u in users])
        want_incomplete = segment["dossier"] == "incomplete"
        users = [u for u in users if (u.id in incomplete) == want_incomplete]
    return users


async def create_broadcast(session: AsyncSession, content: Content, *, officer_id: int | None, text: str,
                           segment: dict[str, Any], due_at: datetime, media: dict[str, Any] | None = None,
                           now: datetime | None = None) -> Broadcast:
    """The broadcast row and one outbox row per recipient now, due at `due_at` (the delivery worker
    does not take them earlier); the recipient list is fixed when the officer confirms. `media`: the
    description of a stored photo or document (its "id" is what counts), given to this broadcast.
    Raises BroadcastError before writing anything when the input is wrong."""
    if not text.strip():
        raise BroadcastError("the text is empty")
    segment = check_segment(segment, content)
    now = now or utcnow()
    described = await unused_media(session, int(media.get("id", 0))) if media else {}
    broadcast = Broadcast(officer_id=officer_id, text=text.strip(), media=described, segment=segment,
                          status=SCHEDULED, due_at=due_at, created_at=now, total=0, progress={})
    session.add(broadcast)
    await session.flush()
    data: dict[str, Any] = {"text": broadcast.text}
    if described:
        await session.execute(update(BroadcastMedia).where(BroadcastMedia.id == described["id"])
                              .values(broadcast_id=broadcast.id))
        data["media"] = described["id"]
    users = await recipients(session, content, segment)
    key = source_key(broadcast.id)
    await enqueue(session, [outbox_row(SOURCE, key, u, Purpose.BROADCAST, due_at, data) for u in users])
    broadcast.total = len(users)
    return broadcast


async def unused_media(session: AsyncSession, media_id: int) -> dict[str, Any]:
    """The description (for Broadcast.media) of a stored file no broadcast has yet (bot/broadcasts/media.py);
    MediaGone when it was removed (abandoned too long) or already given to a broadcast."""
    query = (select(BroadcastMedia.id, BroadcastMedia.name, BroadcastMedia.mime, BroadcastMedia.is_image,
                    BroadcastMedia.size)  # not the bytes
             .where(BroadcastMedia.id == media_id, BroadcastMedia.broadcast_id.is_(None)))
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise MediaGone(f"the photo or document {media_id} is no longer stored; send it again")
    return {"id": row.id, "name": row.name, "mime": row.mime, "is_image": row.is_image, "size": row.size}


async def counts(session: AsyncSession, broadcast_id: int) -> Counter[str]:
    """Outbox rows of the broadcast by status (pending includes rows being sent)."""
    query = (select(OutboxMessage.status, func.count()).where(OutboxMessage.source_key == source_key(broadcast_id))
             .group_by(OutboxMessage.status))
    result: Counter[str] = Counter()
    for status, number in (await session.execute(query)).all():
        result[PENDING if status == SENDING else status] += number
    return result


async def cancel(session: AsyncSession, broadcast: Broadcast, now: datetime | None = None) -> int:
    """Stop a scheduled or running broadcast: its pending rows become skipped "cancelled". Returns how many."""
    now = now or utcnow()
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.source_key == source_key(broadcast.id),
                                    OutboxMessage.status == PENDING)
        .values(status=SKIPPED, outcome_detail="cancelled", finished_at=now))
    broadcast.status, broadcast.finished_at = CANCELLED, now
    return int(result.rowcount or 0)


async def failed_recipients(session: AsyncSession, broadcast_id: int) -> list[tuple[str, str]]:
    """(organisation name or channel id, status) of recipients blocked, failed or refused."""
    query = (select(OutboxMessage.status, OutboxMessage.channel_user_id, Profile.org_name)
             .outerjoin(Profile, Profile.user_id == OutboxMessage.user_id)
             .where(OutboxMessage.source_key == source_key(broadcast_id),
                    OutboxMessage.status.in_(("blocked", "failed", "refused")))
             .order_by(OutboxMessage.id))
    return [(name or chat, status) for status, chat, name in (await session.execute(query)).all()]


async def get(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def history(session: AsyncSession, limit: int = 10) -> list[Broadcast]:
    query = select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())
