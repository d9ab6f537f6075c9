"""Producers: a list filtered by the same segments broadcasts use (commune, group, type, stars, dossier) and
a search over organisation, product and phone; and one producer's page: profile, self-assessments, dossier,
dates, questions and what was sent to them. Officers and admins see the same; producers never get here."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.broadcasts.operations import BroadcastError, check_segment, latest_stars, recipients
from bot.content.documents import checklist
from bot.content.text import fold
from bot.core.i18n import N_
from bot.officer.dossier_text import status_name as dossier_status_name
from bot.officer.labels import commune_name, group_name, type_name
from bot.officer.reports import FIRST_DOSSIER, outbox_label
from bot.web.console import Page, Routes, whole_number
from bot.web.segments import segment_choices, segment_from
from db.dossier_status import for_user as dossiers_of
from db.models import Assessment, DossierItem, OutboxMessage, Profile, Ticket, User, UserDate

LIST_LIMIT = 200
ASSESSMENT_STATUS = {"done": N_("officer_tools.assessment_done"), "knocked_out": N_("officer_tools.assessment_knocked_out"),
                     "in_progress": N_("web.assess_in_progress"), "paused": N_("web.assess_paused")}


async def list_producers(page: Page) -> web.StreamResponse:
    content = page.console.content
    try:
        segment = check_segment(segment_from(page.request.query), content)
    except BroadcastError:
        segment = {}
    users = await recipients(page.db, content, segment)
    profiles = {p.user_id: p for p in (await page.db.execute(
        select(Profile).where(Profile.user_id.in_([u.id for u in users])))).scalars()} if users else {}
    query = fold(page.request.query.get("q", ""))
    rows = []
    for user in users:
        profile = profiles.get(user.id)
        haystack = fold(" ".join(filter(None, [profile.org_name, profile.main_product, profile.phone]))) if profile else ""
        if query and query not in haystack:
            continue
        rows.append((user, profile))
    stars = await latest_stars(page.db, [u.id for u, _ in rows[:LIST_LIMIT]]) if rows else {}
    return page.render("producers.html", rows=rows[:LIST_LIMIT], total=len(rows), stars=stars, segment=segment,
                       q=page.request.query.get("q", ""), choices=segment_choices(page, segment),
                       names={"commune": lambda c: commune_name(content, c), "group": lambda c: group_name(content, page.t, c),
                              "type": lambda c: type_name(content, page.t, c)})


async def show_producer(page: Page) -> web.StreamResponse:
    content = page.console.content
    raw = page.request.match_info["id"]
    user = await page.db.get(User, number) if (number := whole_number(raw)) is not None else None
    if user is None or user.role != "producer":
        return page.render("not_found.html", status=404)
    profile = await page.db.get(Profile, user.id)
    assessments = list((await page.db.execute(select(Assessment).where(Assessment.user_id == user.id)
                                              .order_by(Assessment.started_at.desc()))).scalars())
    marks = {row.item_id: row.has_it for row in (await page.db.execute(
        select(DossierItem).where(DossierItem.user_id == user.id, DossierItem.kind == FIRST_DOSSIER))).scalars()}
    items = checklist(content.documents, FIRST_DOSSIER, profile.producer_type if profile else None,
                      profile.product_group if profile else None)
    dates = list((await page.db.execute(select(UserDate).where(UserDate.user_id == user.id))).scalars())
    tickets = list((await page.db.execute(select(Ticket).where(Ticket.user_id == user.id)
                                          .order_by(Ticket.created_at.desc()))).scalars())
    sent = [(row, outbox_label(page.t, row.source, row.status)) for row in (await page.db.execute(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(30))).scalars()]
    return page.render("producer.html", user=user, profile=profile, assessments=assessments, items=items,
                       status_name=lambda code: page.t(ASSESSMENT_STATUS[code]) if code in ASSESSMENT_STATUS else code,
                       marks=marks, ready=sum(1 for item in items if marks.get(item.id)), dates=dates, tickets=tickets, sent=sent,
                       dossiers=await dossiers_of(page.db, user.id), dossier_status=lambda s: dossier_status_name(page.t, s),
                       commune=commune_name(content, profile.commune_code) if profile and profile.commune_code else "",
                       group=group_name(content, page.t, profile.product_group) if profile and profile.product_group else "",
                       kind=type_name(content, page.t, profile.producer_type) if profile and profile.producer_type else "")


def add_routes(routes: Routes) -> None:
    routes.page("/producers", list_producers)
    routes.page("/producers/{id}", show_producer)
