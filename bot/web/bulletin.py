"""The market bulletin from the browser: any month, the price CSV uploaded (or pasted), the summary in
Vietnamese and English, the groups it is for; then the chart and both languages' text exactly as producers
get them, and schedule or send now. Through bot/broadcasts/bulletin.py, as the chat and the CLI."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import select

from bot.broadcasts.bulletin import (
    BulletinError,
    by_month,
    create_bulletin,
    month_label,
    parse_month,
    render_chart,
    render_text,
    schedule_bulletin,
    subscribers,
)
from bot.web.console import Page, Routes
from bot.web.dashboard import local_today
from db.models import Bulletin
from db.officer_actions import record_officer_action

CSV_LIMIT = 200_000
SUMMARY_LIMIT = 3000


async def show_bulletins(page: Page, error: str = "", status: int = 200) -> web.Response:
    bulletins = list((await page.db.execute(select(Bulletin).order_by(Bulletin.month.desc()).limit(24))).scalars())
    form = page.form.fields if page.form else {}
    return page.render("bulletins.html", status=status, bulletins=bulletins, error=error, month_label=month_label,
                       groups=page.console.content.programme.product_groups.items, form=form,
                       this_month=local_today(page).isoformat()[:7])


async def bulletins_page(page: Page) -> web.StreamResponse:
    return await show_bulletins(page)


async def create(page: Page) -> web.StreamResponse:
    """POST /web/bulletin: create (or replace, before it is sent) the month's bulletin; then its preview."""
    assert page.form is not None
    form = page.form
    prices = form.get("prices")
    if "prices_file" in form.files:
        name, data = form.files["prices_file"]
        try:
            prices = data[:CSV_LIMIT].decode("utf-8-sig")
        except UnicodeDecodeError:
            return await show_bulletins(page, page.t("web.bul_not_text"), 400)
    groups = [g.code for g in page.console.content.programme.product_groups.items if form.get(f"group_{g.code}")]
    try:
        bulletin = await create_bulletin(page.db, form.get("month"), form.get("summary_vi")[:SUMMARY_LIMIT], prices,
                                         summary_en=form.get("summary_en")[:SUMMARY_LIMIT] or None, groups=groups,
                                         prices_name="prices.csv")
    except BulletinError as exc:
        return await show_bulletins(page, exc.explain(page.t), 400)
    record_officer_action(page.db, page.officer_id, "bulletin_saved", {"month": bulletin.month, "by": "web"})
    return page.redirect(f"/web/bulletin/{bulletin.month}")


async def _bulletin(page: Page) -> Bulletin | None:
    month = page.request.match_info["month"]
    try:
        parse_month(month)
    except BulletinError:
        return None
    return await by_month(page.db, month)


async def show_month(page: Page) -> web.StreamResponse:
    bulletin = await _bulletin(page)
    if bulletin is None:
        return page.render("not_found.html", status=404)
    texts = {locale: render_text(bulletin, page.console.i18n.translator(locale)) for locale in ("vi", "en")}
    return page.render("bulletin.html", bulletin=bulletin, texts=texts, label=month_label(bulletin.month),
                       recipients=len(await subscribers(page.db, bulletin)))


async def chart(page: Page) -> web.StreamResponse:
    bulletin = await _bulletin(page)
    locale = page.request.match_info["locale"]
    if bulletin is None or locale not in ("vi", "en"):
        return page.render("not_found.html", status=404)
    png = await asyncio.to_thread(render_chart, bulletin, page.console.i18n.translator(locale))
    return web.Response(body=png, content_type="image/png")


async def send(page: Page) -> web.StreamResponse:
    """POST /web/bulletin/{month}/send: on its usual day (OCOP_BULLETIN_DAY/HOUR) or now."""
    assert page.form is not None
    bulletin = await _bulletin(page)
    if bulletin is None:
        return page.render("not_found.html", status=404)
    try:
        await schedule_bulletin(page.db, page.console.settings, bulletin.month, now=page.now,
                                immediately=page.form.get("when") == "now")
    except BulletinError as exc:
        return await show_bulletins(page, exc.explain(page.t), 409)
    record_officer_action(page.db, page.officer_id, "bulletin_scheduled", {"month": bulletin.month, "by": "web"})
    return page.redirect(f"/web/bulletin/{bulletin.month}")


def add_routes(routes: Routes) -> None:
    routes.page("/bulletin", bulletins_page)
    routes.action("/bulletin", create)
    routes.page("/bulletin/{month}", show_month)
    routes.page("/bulletin/{month}/chart-{locale}.png", chart)
    routes.action("/bulletin/{month}/send", send)
