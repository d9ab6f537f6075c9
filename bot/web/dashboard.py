"""The dashboard: producers by commune, group, type, projected stars and dossier status (the statistics the
chat shows, with names), the rounds and deadlines coming up, the outbox backlog and the last deliveries."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import func, select

from bot.officer.files import stats_chart
from bot.officer.reports import named, outbox_label, statistics
from bot.web.console import Page, Routes
from db.models import OutboxMessage, Profile
from db.province_deadlines import merged_deadlines

LAST_DELIVERIES = 10


def local_today(page: Page):  # noqa: ANN201 - a date
    return page.now.astimezone(ZoneInfo(page.console.settings.timezone)).date()


async def dashboard(page: Page) -> web.StreamResponse:
    content = page.console.content
    stats = await statistics(page.db, content)
    today = local_today(page)
    deadlines = [d for d in await merged_deadlines(page.db, content.calendar) if d.date >= today][:5]
    due = (select(func.count(), func.min(OutboxMessage.due_at))
           .where(OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.due_at <= page.now))
    backlog, oldest = (await page.db.execute(due)).one()
    later = (await page.db.execute(select(func.count()).where(OutboxMessage.status == "pending",
                                                              OutboxMessage.due_at > page.now))).scalar_one()
    recent = (select(OutboxMessage, Profile.org_name).outerjoin(Profile, Profile.user_id == OutboxMessage.user_id)
              .where(OutboxMessage.finished_at.is_not(None))
              .order_by(OutboxMessage.finished_at.desc(), OutboxMessage.id.desc()).limit(LAST_DELIVERIES))
    deliveries = [(row, name, outbox_label(page.t, row.source, row.status))
                  for row, name in (await page.db.execute(recent)).all()]
    return page.render("dashboard.html", stats=stats, names=named(stats, content, page.t),
                       rounds=content.calendar.upcoming_rounds(today)[:4], deadlines=deadlines,
                       backlog=backlog, oldest=oldest, later=later, deliveries=deliveries)


async def chart(page: Page) -> web.StreamResponse:
    """The statistics chart, the same PNG the chat sends, in the officer's language."""
    stats = await statistics(page.db, page.console.content)
    png = await asyncio.to_thread(stats_chart, stats, page.console.content, page.t)
    return web.Response(body=png, content_type="image/png")


def add_routes(routes: Routes) -> None:
    routes.page("/", dashboard)
    routes.page("/stats.png", chart)
