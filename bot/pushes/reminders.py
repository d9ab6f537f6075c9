"""Reminders: a tick finds what is due in the database and writes outbox rows; the source re-checks
and renders each one when it is sent.

No reminder lives in the scheduler's memory: each tick runs one indexed query per rule (personal
dates by kind and day range, unfinished assessments by time range, or, for calendar dates, the
producers without a row yet), so memory does not grow with the number of pending reminders. The row's
key is (rule, anchor date) + user: created once, however many ticks or processes see it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content
from bot.content.calendar import ProvinceDeadline
from bot.content.documents import checklist
from bot.content.reminders import Rule
from bot.core.i18n import I18n
from bot.core.messages import Outgoing, Purpose
from bot.core.outbox import PENDING, SKIPPED, Prepared, enqueue, outbox_row, push_allowed
from bot.pushes.quiet import after_quiet_hours
from db.models import Assessment, DossierItem, OutboxMessage, Profile, PushPreference, User, UserDate
from db.province_deadlines import merged_deadlines

SOURCE = "reminder"
UNFINISHED = ("in_progress", "paused")
CHUNK = 1000


def source_key(rule: Rule, anchor: date, ref: str = "") -> str:
    return f"{SOURCE}:{rule.id}:{anchor.isoformat()}" + (f":{ref}" if ref else "")


class Reminders:
    """The tick (find due reminders, enqueue them) and the outbox source (re-check, render)."""

    name = SOURCE

    def __init__(self, sessions: async_sessionmaker[AsyncSession], content: Content, i18n: I18n,
                 timezone: str, quiet: tuple[time, time]) -> None:
        self.sessions = sessions
        self.content = content
        self.i18n = i18n
        self.zone = ZoneInfo(timezone)
        self.timezone = timezone
        self.quiet = quiet

    # --- when ----------------------------------------------------------------------------------------
    def due_at(self, rule: Rule, fire_day: date, moment: datetime | None = None) -> datetime:
        """The moment a reminder for `fire_day` goes out (UTC), moved out of quiet hours."""
        if rule.hour is None and moment is not None:
            local = moment.astimezone(self.zone) + timedelta(days=rule.offset_days)
        else:
            local = datetime.combine(fire_day, time(rule.hour or 0), tzinfo=self.zone)
        return after_quiet_hours(local.astimezone(ZoneInfo("UTC")), self.timezone, *self.quiet)

    def calendar_anchors(self, rule: Rule, today: date, deadlines: list[ProvinceDeadline]) -> list[tuple[date, str]]:
        """(date, ref) of calendar anchors whose reminder day is in [today - grace, today]; `deadlines` is the
        merged set of province deadlines (db/province_deadlines.py: content overridden by officers)."""
        calendar = self.content.calendar
        if rule.anchor.type == "round_filing":
            dates = [(u.latest_filing, u.round.id) for u in calendar.upcoming_rounds(today, level="tinh")
                     if u.latest_filing is not None]
        else:
            dates = [(d.date, d.id) for d in deadlines if d.date >= today and d.for_producers]
        return [(day, ref) for day, ref in dates
                if day >= today and today - timedelta(days=rule.grace_days) <= day + timedelta(days=rule.offset_days) <= today]

    # --- the tick ------------------------------------------------------------------------------------
    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        """The scheduler's tick (TimedSource)."""
        return await self.tick(now, session)

    async def tick(self, now: datetime, session: AsyncSession | None = None) -> int:
        """Enqueue every reminder due at `now`; returns how many rows were written (pending or skipped).
        One transaction, a handful of indexed queries, whatever the number of pending reminders."""
        if session is None:
            async with self.sessions() as own, own.begin():
                return await self.tick(now, own)
        today = now.astimezone(self.zone).date()
        rules = self.content.reminders.rules
        written = 0
        for date_kind in {r.anchor.date_kind for r in rules if r.anchor.type == "user_date"}:
            same_kind = [r for r in rules if r.anchor.date_kind == date_kind]
            written += await self._personal_dates(session, date_kind, same_kind, today, now)  # type: ignore[arg-type]
        deadlines = await merged_deadlines(session, self.content.calendar)
        for rule in rules:
            if rule.anchor.type == "assessment_paused":
                written += await self._assessments(session, rule, now)
            elif rule.anchor.type in ("round_filing", "province_deadline"):
                for anchor, ref in self.calendar_anchors(rule, today, deadlines):
                    written += await self._everyone(session, rule, anchor, ref, now)
        return written

    def _eligible(self, kind: str) -> list[Any]:
        turned_off = exists().where(PushPreference.user_id == User.id, PushPreference.kind == kind,
                                    PushPreference.enabled.is_(False))
        return [User.active.is_(True), User.notifications.is_(True), User.consent_at.is_not(None), ~turned_off]

    def anchor_range(self, rule: Rule, today: date) -> tuple[date, date]:
        """Anchor dates whose reminder day is in [today - grace, today] and (before-rules) not yet past."""
        low = today - timedelta(days=rule.grace_days + rule.offset_days)
        if rule.offset_days <= 0:
            low = max(low, today)
        return low, today - timedelta(days=rule.offset_days)

    async def _personal_dates(self, session: AsyncSession, date_kind: str, rules: list[Rule], today: date,
                              now: datetime) -> int:
        """All rules on one kind of personal date in one query (an OR of small day ranges on the
        (kind, value) index); then only the few candidates are matched against existing rows."""
        ranges = {rule.id: self.anchor_range(rule, today) for rule in rules}

        def not_written(rule: Rule) -> Any:  # the row's key is built in SQL from the stored date (ISO text)
            key = literal(f"{SOURCE}:{rule.id}:") + cast(UserDate.value, String)
            return ~exists().where(OutboxMessage.source_key == key, OutboxMessage.user_id == UserDate.user_id)

        wanted = [and_(UserDate.value.between(*ranges[rule.id]), not_written(rule)) for rule in rules]
        query = (
            select(User.id, User.channel, User.channel_user_id, UserDate.value)
            .join(UserDate, UserDate.user_id == User.id)
            .where(UserDate.kind == date_kind, or_(*wanted), *self._eligible(rules[0].kind))
        )
        connection = await session.connection()
        written = 0
        result = await connection.stream(query)  # a cursor: memory bounded by the chunk, not by what is due
        async for chunk in result.partitions(CHUNK):
            candidates = []
            for user_id, channel, chat, anchor in chunk:
                for rule in rules:
                    low, high = ranges[rule.id]
                    due = self.due_at(rule, anchor + timedelta(days=rule.offset_days))
                    if low <= anchor <= high and due <= now:
                        user = {"id": user_id, "channel": channel, "channel_user_id": chat}
                        candidates.append(outbox_row(SOURCE, source_key(rule, anchor), user, Purpose.REMINDER, due,
                                                     {"rule": rule.id, "anchor": anchor.isoformat()}))
            written += await enqueue(session, await _not_yet_written(session, candidates))
        return written

    async def _assessments(self, session: AsyncSession, rule: Rule, now: datetime) -> int:
        latest = now - timedelta(days=rule.offset_days)
        earliest = latest - timedelta(days=rule.grace_days + 1)
        query = (
            select(User.id, User.channel, User.channel_user_id, Assessment.id, Assessment.updated_at)
            .join(Assessment, Assessment.user_id == User.id)
            .where(Assessment.status.in_(UNFINISHED), Assessment.updated_at.between(earliest, latest),
                   *self._eligible(rule.kind))
        )
        rows = []
        for user_id, channel, chat, assessment_id, touched in (await (await session.connection()).execute(query)).all():
            anchor = touched.astimezone(self.zone).date()
            due = self.due_at(rule, anchor, touched)
            if due <= now:
                user = {"id": user_id, "channel": channel, "channel_user_id": chat}
                rows.append(outbox_row(SOURCE, source_key(rule, anchor, str(assessment_id)), user, Purpose.REMINDER,
                                       due, {"rule": rule.id, "anchor": anchor.isoformat(), "assessment": assessment_id}))
        return await enqueue(session, await _not_yet_written(session, rows))

    async def _everyone(self, session: AsyncSession, rule: Rule, anchor: date, ref: str, now: datetime) -> int:
        """A calendar date concerns every producer: walk them in chunks, conditions decided per chunk."""
        due = self.due_at(rule, anchor + timedelta(days=rule.offset_days))
        if due > now:
            return 0
        key = source_key(rule, anchor, ref)
        done = exists().where(OutboxMessage.user_id == User.id, OutboxMessage.source_key == key)
        written = 0
        async for users in _chunks(session, select(User.id, User.channel, User.channel_user_id)
                                   .where(~done, *self._eligible(rule.kind))):
            wanted = await self.conditions_hold(session, rule, [u["id"] for u in users])
            rows = [outbox_row(SOURCE, key, u, Purpose.REMINDER, due, {"rule": rule.id, "anchor": anchor.isoformat(), "ref": ref},
                               status=PENDING if u["id"] in wanted else SKIPPED,
                               detail=None if u["id"] in wanted else "condition no longer true")
                    for u in users]
            written += await enqueue(session, rows)
        return written

    # --- conditions ----------------------------------------------------------------------------------
    async def conditions_hold(self, session: AsyncSession, rule: Rule, user_ids: list[int]) -> set[int]:
        """The users (of `user_ids`) for whom every condition of the rule holds."""
        wanted = set(user_ids)
        if "dossier_incomplete" in rule.conditions and wanted:
            wanted &= await self.incomplete_dossiers(session, list(wanted))
        return wanted

    async def incomplete_dossiers(self, session: AsyncSession, user_ids: list[int]) -> set[int]:
        """Users whose dossier checklist (the kind they worked on last; first-time by default) has an
        item not marked as in hand."""
        profiles = {p.user_id: p for p in (await session.execute(
            select(Profile).where(Profile.user_id.in_(user_ids)))).scalars()}
        items: dict[int, list[DossierItem]] = {}
        for item in (await session.execute(select(DossierItem).where(DossierItem.user_id.in_(user_ids)))).scalars():
            items.setdefault(item.user_id, []).append(item)
        incomplete = set()
        for user_id in user_ids:
            marks = items.get(user_id, [])
            kind = max(marks, key=lambda i: i.updated_at).kind if marks else "lan-dau"
            profile = profiles.get(user_id)
            needed = checklist(self.content.documents, kind, profile.producer_type if profile else None,
                               profile.product_group if profile else None)
            have = {i.item_id for i in marks if i.kind == kind and i.has_it}
            if any(item.id not in have for item in needed):
                incomplete.add(user_id)
        return incomplete

    # --- the outbox source -----------------------------------------------------------------------------
    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        rule = self.content.reminders.by_id(str(row.data.get("rule")))
        if rule is None:
            return Prepared(skip="rule removed")
        reason = await push_allowed(session, user, rule.kind)
        if reason:
            return Prepared(skip=reason)
        anchor = date.fromisoformat(row.data["anchor"])
        title = ""
        if rule.anchor.type == "user_date":
            current = await session.get(UserDate, (user.id, rule.anchor.date_kind))
            if current is None or current.value != anchor:
                return Prepared(skip="date changed")
        elif rule.anchor.type == "assessment_paused":
            assessment = await session.get(Assessment, row.data.get("assessment"))
            if assessment is None or assessment.status not in UNFINISHED \
                    or assessment.updated_at.astimezone(self.zone).date() != anchor:
                return Prepared(skip="assessment finished or resumed")
        else:
            deadlines = await merged_deadlines(session, self.content.calendar)
            found = [ref for day, ref in self._calendar_dates(rule, anchor, deadlines)
                     if day == anchor and ref == row.data.get("ref")]
            if not found:
                return Prepared(skip="calendar date changed")
            title = self._calendar_title(rule, found[0], deadlines)
        if user.id not in await self.conditions_hold(session, rule, [user.id]):
            return Prepared(skip="condition no longer true")
        t = self.i18n.translator(user.locale)
        closes = anchor - timedelta(days=self.content.calendar.certificate.reevaluation_closes_days_before)
        text = t(rule.message, date=anchor, days=abs(rule.offset_days), title=t.content(title) if title else "",
                 closes=closes)
        footer = t("reminders.footer")
        return Prepared([Outgoing(text=f"{text}\n\n{footer}")])

    def _calendar_dates(self, rule: Rule, anchor: date, deadlines: list[ProvinceDeadline]) -> list[tuple[date, str]]:
        calendar = self.content.calendar
        if rule.anchor.type == "round_filing":
            return [(u.latest_filing, u.round.id) for u in calendar.upcoming_rounds(anchor - timedelta(days=1), level="tinh")
                    if u.latest_filing is not None]
        return [(d.date, d.id) for d in deadlines if d.for_producers]  # an officers' deadline is never pushed

    def _calendar_title(self, rule: Rule, ref: str, deadlines: list[ProvinceDeadline]) -> str:
        calendar = self.content.calendar
        items: list[Any] = calendar.rounds if rule.anchor.type == "round_filing" else deadlines
        return next((str(item.title) for item in items if item.id == ref), "")


async def _not_yet_written(session: AsyncSession, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose (source_key, user) is not in the outbox yet (a later tick sees the same candidates)."""
    if not rows:
        return rows
    keys = {row["source_key"] for row in rows}
    query = select(OutboxMessage.source_key, OutboxMessage.user_id).where(OutboxMessage.source_key.in_(keys))
    existing = set((await (await session.connection()).execute(query)).all())
    return [row for row in rows if (row["source_key"], row["user_id"]) not in existing]


async def _chunks(session: AsyncSession, query: Any) -> AsyncIterator[list[dict[str, Any]]]:
    """Rows of (User.id, channel, channel_user_id) in id order, CHUNK at a time (keyset pagination)."""
    last = 0
    while True:
        rows = (await session.execute(query.where(User.id > last).order_by(User.id).limit(CHUNK))).all()
        if not rows:
            return
        yield [{"id": r[0], "channel": r[1], "channel_user_id": r[2]} for r in rows]
        last = rows[-1][0]
        if len(rows) < CHUNK:
            return

