"""Admins manage officers in the browser as in chat: the staff list, add CHANNEL:ID as an officer, make an
officer a producer again (admins themselves only from the command line). Audited; bot/officer/roles.py."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.officer.roles import OFFICER, PRODUCER, RoleError, parse_address, set_role, staff
from bot.web.console import Page, Routes, whole_number
from db.audit import audit
from db.models import Profile, User, WebSession


async def show_officers(page: Page, error: str = "", status: int = 200) -> web.Response:
    people = await staff(page.db)
    names = dict((await page.db.execute(select(Profile.user_id, Profile.org_name)
                                        .where(Profile.user_id.in_([u.id for u in people])))).all()) if people else {}
    return page.render("officers.html", status=status, people=people, names=names, error=error)


async def officers_page(page: Page) -> web.StreamResponse:
    return await show_officers(page)


async def add_officer(page: Page) -> web.StreamResponse:
    assert page.form is not None
    try:
        channel, user_id = parse_address(page.form.get("address"))
    except RoleError:
        return await show_officers(page, page.t("roles.bad_address"), 400)
    await set_role(page.db, channel, user_id, OFFICER)
    await audit(page.db, page.officer_id, "officer.add", {"address": f"{channel}:{user_id}", "by": "web"})
    return page.redirect("/web/officers")


async def remove_officer(page: Page) -> web.StreamResponse:
    raw = page.request.match_info["id"]
    user = await page.db.get(User, number) if (number := whole_number(raw)) is not None else None
    if user is None or user.role != OFFICER:
        return await show_officers(page, page.t("roles.bad_address"), 400)
    user.role = PRODUCER  # their open web sessions are refused from the next request on (role checked each time)
    await page.db.execute(WebSession.__table__.update().where(WebSession.user_id == user.id,
                                                              WebSession.ended_at.is_(None)).values(ended_at=page.now))
    await audit(page.db, page.officer_id, "officer.remove", {"address": f"{user.channel}:{user.channel_user_id}", "by": "web"})
    return page.redirect("/web/officers")


def add_routes(routes: Routes) -> None:
    routes.page("/officers", officers_page, admin=True)
    routes.action("/officers", add_officer, admin=True)
    routes.action("/officers/{id}/remove", remove_officer, admin=True)
