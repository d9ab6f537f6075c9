"""Exports and the audit log: the yearly-report XLSX (or CSV in a ZIP) for a chosen year, built by
bot/officer/yearly.py like the chat's and the CLI's, with the totals the dashboard shows; every download is
audited. The audit log is for admins, as in the chat."""

from __future__ import annotations

from aiohttp import web

from bot.officer.files import xlsx_bytes, zip_of_csv
from bot.officer.reports import Period, statistics
from bot.officer.yearly import export_tables
from bot.web.console import Page, Routes, whole_number
from bot.web.dashboard import local_today
from db.audit import recent
from db.officer_actions import record_officer_action

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_year(page: Page) -> int | None:
    raw = page.request.query.get("year", "")
    year = whole_number(raw)
    return year if year is not None and 2000 <= year <= 2100 else None


async def exports_page(page: Page) -> web.StreamResponse:
    year = chosen_year(page)
    stats = await statistics(page.db, page.console.content, Period(year, page.console.settings.timezone))
    this_year = local_today(page).year
    return page.render("exports.html", stats=stats, year=year, years=list(range(this_year, this_year - 5, -1)))


async def download(page: Page) -> web.StreamResponse:
    """GET /web/exports/ocop-bao-cao.xlsx?year=2026 (or .zip): the file, in the officer's language."""
    fmt = page.request.match_info["format"]
    year = chosen_year(page)
    export = await export_tables(page.db, page.console.content, page.t, Period(year, page.console.settings.timezone))
    stem = f"ocop-bao-cao-{year or local_today(page).isoformat()}"
    record_officer_action(page.db, page.officer_id, "export",
                          {"format": fmt, "year": year, "producers": export.count("producers"), "by": "web"})
    if fmt == "xlsx":
        body, name, kind = xlsx_bytes(export), f"{stem}.xlsx", XLSX
    else:
        body, name, kind = zip_of_csv(export), f"{stem}-csv.zip", "application/zip"
    return web.Response(body=body, content_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def audit_log(page: Page) -> web.StreamResponse:
    return page.render("audit.html", entries=await recent(page.db, limit=100))


def add_routes(routes: Routes) -> None:
    routes.page("/exports", exports_page)
    routes.page("/exports/ocop-bao-cao.{format:xlsx|zip}", download)
    routes.page("/audit", audit_log, admin=True)
