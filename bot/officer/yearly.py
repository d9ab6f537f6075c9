"""The rows of the yearly-report export: producers, self-assessments, dossiers, broadcasts, and a summary
sheet whose figures are the statistics themselves (bot/officer/reports.py), so the file and the chat agree.

Headers are catalog texts in the officer's language (Vietnamese by default), values are names rather than
codes, and dates are local (OCOP_TIMEZONE) dates and times. Rows hold names and phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.operations import counts
from bot.broadcasts.progress import progress_numbers
from bot.content import Content
from bot.core.i18n import N_, Translator
from bot.officer.labels import commune_name, group_name, segment_value, type_name
from bot.officer.reports import (
    Period,
    dossier_ready,
    dossier_status,
    latest_assessments,
    named,
    producers,
    statistics,
)
from db.evidence import counts_by_user as evidence_counts
from db.models import Broadcast

SHEETS = {"summary": N_("officer_tools.sheet_summary"), "producers": N_("officer_tools.sheet_producers"),
          "assessments": N_("officer_tools.sheet_assessments"), "dossiers": N_("officer_tools.sheet_dossiers"),
          "broadcasts": N_("officer_tools.sheet_broadcasts")}
BROADCAST_STATUS = {"scheduled": N_("broadcast.status_scheduled"), "running": N_("broadcast.status_running"),
                    "done": N_("broadcast.status_done"), "cancelled": N_("broadcast.status_cancelled")}
ASSESSMENT_STATUS = {"done": N_("officer_tools.assessment_done"), "knocked_out": N_("officer_tools.assessment_knocked_out")}


@dataclass
class Export:
    """Tables by key (also the CSV file names), each a header row then data rows; `titles` are sheet names."""

    tables: dict[str, list[list[Any]]]
    titles: dict[str, str]

    def count(self, key: str) -> int:
        return len(self.tables[key]) - 1


def local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def local_time(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A naive local datetime: spreadsheets have no time zones, so the cell shows the local clock."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment else None


async def export_tables(session: AsyncSession, content: Content, t: Translator, period: Period | None = None) -> Export:
    period = period or Period()
    zone = ZoneInfo(period.timezone)
    stats = await statistics(session, content, period)
    people = await producers(session, period)
    latest = await latest_assessments(session, period)
    dossiers = await dossier_status(session, content, people)
    evidence = await evidence_counts(session)  # counts only: the files never leave the database here
    parts = sorted({part for a in latest.values() for part in (a.part_points or {})})
    yes, no = t("officer_tools.yes"), t("officer_tools.no")
    col = t
    tables: dict[str, list[list[Any]]] = {
        "summary": summary_rows(stats, content, t),
        "producers": [[col("officer_tools.col_id"), col("officer_tools.col_org"), col("officer_tools.col_phone"),
                       col("officer_tools.col_type"), col("officer_tools.col_group"), col("officer_tools.col_commune"),
                       col("officer_tools.col_product"), col("officer_tools.col_joined")]],
        "assessments": [[col("officer_tools.col_id"), col("officer_tools.col_org"), col("officer_tools.col_product_set"),
                         col("officer_tools.col_finished"),
                         *[col("officer_tools.col_part", part=p) for p in parts],
                         col("officer_tools.col_total"), col("officer_tools.col_stars"), col("officer_tools.col_status")]],
        "dossiers": [[col("officer_tools.col_id"), col("officer_tools.col_org"), col("officer_tools.col_commune"),
                      col("officer_tools.col_items_ready"), col("officer_tools.col_items_total"),
                      col("officer_tools.col_ready"), col("officer_tools.col_evidence_files")]],
        "broadcasts": [[col("officer_tools.col_id"), col("officer_tools.col_created"), col("officer_tools.col_due"),
                        col("officer_tools.col_text"), col("officer_tools.col_audience"), col("officer_tools.col_recipients"),
                        col("officer_tools.col_sent"), col("officer_tools.col_blocked"), col("officer_tools.col_failed"),
                        col("officer_tools.col_skipped"), col("officer_tools.col_pending"), col("officer_tools.col_status")]],
    }
    for user, profile in people:
        commune = commune_name(content, profile.commune_code) if profile.commune_code else ""
        tables["producers"].append([user.id, profile.org_name or "", profile.phone or "",
                                    type_name(content, t, profile.producer_type) if profile.producer_type else "",
                                    group_name(content, t, profile.product_group) if profile.product_group else "",
                                    commune, profile.main_product or "", local_day(user.consent_at, zone)])
        if (a := latest.get(user.id)) is not None:
            points = [(a.part_points or {}).get(p, "") for p in parts]
            tables["assessments"].append([user.id, profile.org_name or "", a.product_set,
                                          local_day(a.finished_at, zone), *points,
                                          a.total if a.total is not None else "", a.stars or 0,
                                          t(ASSESSMENT_STATUS.get(a.status, a.status))])
        done, total = dossiers[user.id]
        tables["dossiers"].append([user.id, profile.org_name or "", commune, done, total,
                                   yes if dossier_ready(done, total) else no, evidence.get(user.id, 0)])
    query = select(Broadcast).order_by(Broadcast.created_at, Broadcast.id)
    if (bounds := period.bounds()) is not None:
        query = query.where(Broadcast.created_at >= bounds[0], Broadcast.created_at < bounds[1])
    for broadcast in (await session.execute(query)).scalars():
        numbers = progress_numbers(broadcast, await counts(session, broadcast.id))
        audience = "; ".join(segment_value(content, t, k, str(v)) for k, v in broadcast.segment.items()) \
            or t("broadcast.everyone")
        tables["broadcasts"].append([broadcast.id, local_time(broadcast.created_at, zone),
                                     local_time(broadcast.due_at, zone), broadcast.text[:200], audience,
                                     numbers["total"], numbers["sent"], numbers["blocked"], numbers["failed"],
                                     numbers["skipped"], numbers["pending"],
                                     t(BROADCAST_STATUS.get(broadcast.status, broadcast.status))])
    return Export(tables, {key: t(msgid) for key, msgid in SHEETS.items()})


def summary_rows(stats: Any, content: Content, t: Translator) -> list[list[Any]]:
    """The statistics as (what, how many) rows: the same figures the chat and the dashboard show."""
    names = named(stats, content, t)
    rows: list[list[Any]] = [[t("officer_tools.col_what"), t("officer_tools.col_count")]]
    if stats.year is not None:
        rows.append([t("officer_tools.sum_year"), stats.year])
    rows.append([t("officer_tools.sum_producers"), stats.producers])
    for key, heading in (("communes", N_("officer_tools.sum_commune")), ("groups", N_("officer_tools.sum_group")),
                         ("types", N_("officer_tools.sum_type"))):
        rows += [[t(heading, name=name), n] for name, n in names[key]]
    rows.append([t("officer_tools.sum_assessed"), stats.assessed])
    rows += [[t("officer_tools.sum_stars", stars=label), n] for label, n in names["stars"]]
    rows.append([t("officer_tools.sum_dossier_started"), stats.dossier_started])
    rows.append([t("officer_tools.sum_dossier_ready"), stats.dossier_ready])
    return rows
