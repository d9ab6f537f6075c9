"""Figures for officers: statistics (counts only), shared by the chat, the web console's dashboard and the
summary sheet of the yearly-report export, so the three always agree.

Everything is read in a few queries and counted in Python: a province has thousands of producers, not
millions. Statistics hold no personal data; the export rows (bot/officer/yearly.py) do, and only go to an
officer who asked for them or to the CLI's output directory — never to a log.

A year (the yearly report) narrows the figures: producers who had joined by the end of that year, the
latest self-assessment finished in it, pushes created in it — the year in local time (OCOP_TIMEZONE).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.content.documents import checklist
from bot.core.i18n import N_, Translator
from bot.officer.labels import NONE, commune_name, group_name, stars_label, type_name
from db.models import Assessment, DossierItem, OutboxMessage, Profile, User

FINISHED = ("done", "knocked_out")
FIRST_DOSSIER = "lan-dau"
SOURCE_LABELS = {"reminder": N_("officer_tools.source_reminder"), "bulletin": N_("officer_tools.source_bulletin"),
                 "broadcast": N_("officer_tools.source_broadcast"), "direct": N_("officer_tools.source_direct")}
STATUS_LABELS = {"pending": N_("officer_tools.status_pending"), "sending": N_("officer_tools.status_pending"),
                 "sent": N_("officer_tools.status_sent"), "blocked": N_("officer_tools.status_blocked"),
                 "failed": N_("officer_tools.status_failed"), "skipped": N_("officer_tools.status_skipped"),
                 "refused": N_("officer_tools.status_refused")}


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
    year: int | None = None


@dataclass(frozen=True)
class Period:
    """A local calendar year as UTC bounds, or everything (year None)."""

    year: int | None = None
    timezone: str = "Asia/Ho_Chi_Minh"

    def bounds(self) -> tuple[datetime, datetime] | None:
        if self.year is None:
            return None
        zone = ZoneInfo(self.timezone)
        return datetime(self.year, 1, 1, tzinfo=zone), datetime(self.year + 1, 1, 1, tzinfo=zone)


async def producers(session: AsyncSession, period: Period | None = None) -> list[tuple[User, Profile]]:
    """Consenting producers with a profile (joined by the end of the period), in id order."""
    period = period or Period()
    query = (select(User, Profile).join(Profile, Profile.user_id == User.id)
             .where(User.role == "producer", User.consent_at.is_not(None)).order_by(User.id))
    if (bounds := period.bounds()) is not None:
        query = query.where(User.consent_at < bounds[1])
    return [(user, profile) for user, profile in (await session.execute(query)).all()]


async def latest_assessments(session: AsyncSession, period: Period | None = None) -> dict[int, Assessment]:
    """Each producer's latest finished self-assessment (finished within the period)."""
    period = period or Period()
    query = select(Assessment).where(Assessment.status.in_(FINISHED)).order_by(Assessment.finished_at, Assessment.id)
    if (bounds := period.bounds()) is not None:
        query = query.where(Assessment.finished_at >= bounds[0], Assessment.finished_at < bounds[1])
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


def dossier_ready(done: int, total: int) -> bool:
    return total > 0 and done == total


async def statistics(session: AsyncSession, content: Content, period: Period | None = None) -> Statistics:
    period = period or Period()
    stats = Statistics(year=period.year)
    people = await producers(session, period)
    stats.producers = len(people)
    for _user, profile in people:
        stats.by_commune[profile.commune_code or NONE] += 1
        stats.by_group[profile.product_group or NONE] += 1
        stats.by_type[profile.producer_type or NONE] += 1
    ids = {user.id for user, _ in people}
    latest = {uid: a for uid, a in (await latest_assessments(session, period)).items() if uid in ids}
    stats.assessed = len(latest)
    stats.stars = Counter(str(a.stars or 0) for a in latest.values())
    for done, total in (await dossier_status(session, content, people)).values():
        stats.dossier_started += done > 0
        stats.dossier_ready += dossier_ready(done, total)
    query = select(OutboxMessage.source, OutboxMessage.status, func.count()).group_by(OutboxMessage.source, OutboxMessage.status)
    if (bounds := period.bounds()) is not None:
        query = query.where(OutboxMessage.created_at >= bounds[0], OutboxMessage.created_at < bounds[1])
    stats.outbox = Counter({(source, status): n for source, status, n in (await session.execute(query)).all()})
    return stats


def named(stats: Statistics, content: Content, t: Translator) -> dict[str, list[tuple[str, int]]]:
    """The statistics with names instead of codes, most first: {"communes": [("Phường Sa Đéc", 2), …], …}.
    Chat, chart, dashboard and export summary all read these."""
    def rows(counter: Counter[str], name) -> list[tuple[str, int]]:  # noqa: ANN001
        return [(t("officer_tools.not_given") if code == NONE else name(code), n) for code, n in counter.most_common()]

    stars = sorted(stats.stars.items(), key=lambda item: -int(item[0]))
    return {
        "communes": rows(stats.by_commune, lambda c: commune_name(content, c)),
        "groups": rows(stats.by_group, lambda c: group_name(content, t, c)),
        "types": rows(stats.by_type, lambda c: type_name(content, t, c)),
        "stars": [(stars_label(t, k), n) for k, n in stars],
        "outbox": [(outbox_label(t, source, status), n) for (source, status), n in sorted(stats.outbox.items())],
    }


def outbox_label(t: Translator, source: str, status: str) -> str:
    """"Thông báo · đã gửi" for ("broadcast", "sent"): the kind of push and its outcome, in words."""
    return t("officer_tools.outbox_label", source=t(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source,
             status=t(STATUS_LABELS[status]) if status in STATUS_LABELS else status)
