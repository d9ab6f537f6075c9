"""Dossiers in the browser: the list by status (and commune), one dossier's page with its status fields, its
history and a form for the next step (or a correction), and its Mẫu 03 draft as DOCX or PDF. Every change
goes through bot/officer/dossiers.py, the same as the chat tool: validated, recorded, audited, and pushed to
the producer through the outbox. The console's frame checks the session, the role and the CSRF token."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.officer import dossiers as ops
from bot.officer.dossier_text import STATUS_LABEL, kind_name, status_lines, status_name
from bot.officer.labels import commune_name
from bot.officer.mau03_draft import build_mau03, file_names, render_mau03
from bot.web.console import Page, Routes, whole_number
from db import dossier_status as rows
from db.models import Profile
from db.officer_actions import record_officer_action

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def list_dossiers(page: Page) -> web.StreamResponse:
    query = page.request.query
    status = query.get("status", "")
    status = status if status in ops.STATUSES else ""
    communes = page.console.content.communes.by_code
    commune = query.get("commune", "")
    commune = commune if commune in communes else ""
    await rows.ensure_drafts(page.db, page.now)
    found, total = await rows.listing(page.db, status or None, commune or None, limit=200)
    return page.render("dossiers.html", found=found, total=total, chosen=status, commune=commune,
                       counts=await rows.counts(page.db), statuses=[(s, page.t(STATUS_LABEL[s])) for s in ops.STATUSES],
                       communes=sorted(((c.code, c.name) for c in communes.values()), key=lambda pair: pair[1]),
                       status_name=lambda s: status_name(page.t, s),
                       commune_name=lambda code: commune_name(page.console.content, code))


async def dossier_page(page: Page, dossier_id: int, notice: str = "", status: int = 200) -> web.Response:
    dossier = await rows.by_id(page.db, dossier_id)
    if dossier is None:
        return page.render("not_found.html", status=404)
    profile = await page.db.get(Profile, dossier.user_id)
    content = page.console.content
    return page.render(
        "dossier.html", status=status, dossier=dossier, profile=profile, notice=notice,
        commune=commune_name(content, profile.commune_code) if profile and profile.commune_code else "",
        kind=kind_name(page.t, dossier.kind), lines=status_lines(page.t, content, ops.snapshot(dossier)),
        history=await rows.events(page.db, dossier.id, limit=50), status_name=lambda s: status_name(page.t, s),
        next_steps=[(s, page.t(STATUS_LABEL[s])) for s in ops.NEXT[dossier.status]],
        undoable=await ops.undoable(page.db, dossier), certified=dossier.certificate_date is not None,
        this_year=page.now.astimezone(page.t.tz).year)


async def show_dossier(page: Page) -> web.StreamResponse:
    dossier_id = whole_number(page.request.match_info["id"])
    if dossier_id is None:
        return page.render("not_found.html", status=404)
    changed = page.request.query.get("changed", "")
    return await dossier_page(page, dossier_id, page.t("web.dossier_changed") if changed == "1" else "")


def _number(text: str) -> int | None:
    return whole_number(text) if text else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def change_status(page: Page) -> web.StreamResponse:
    """POST /web/dossiers/{id}/status: the next step, with the fields it needs; refused → the page says why."""
    assert page.form is not None
    form = page.form
    dossier_id = whole_number(page.request.match_info["id"]) or 0
    bad_date = bool(form.get("certificate_date")) and _day(form.get("certificate_date")) is None
    change = ops.Change(form.get("status"), round_number=_number(form.get("round_number")),
                        round_year=_number(form.get("round_year")), stars=_number(form.get("stars")),
                        decision_number=form.get("decision_number"), certificate_date=_day(form.get("certificate_date")),
                        reasons=form.get("reasons"), note=form.get("note"))
    try:
        if bad_date:
            raise ops.DossierRefused("dossiers.date_invalid")
        await ops.change_status(page.db, page.console.content, dossier_id, page.officer_id, change, page.now,
                                page.console.settings.timezone, by="web", expected=form.get("expected") or None)
    except ops.DossierRefused as refused:
        return await dossier_page(page, dossier_id, page.t(refused.reason), 409)
    return page.redirect(f"/web/dossiers/{dossier_id}?changed=1")


async def undo(page: Page) -> web.StreamResponse:
    """POST /web/dossiers/{id}/undo: the latest change corrected (the event id shown guards a stale page)."""
    assert page.form is not None
    dossier_id = whole_number(page.request.match_info["id"]) or 0
    try:
        await ops.undo_last(page.db, dossier_id, page.officer_id, page.now, by="web",
                            expected_event=whole_number(page.form.get("event")), note=page.form.get("note"))
    except ops.DossierRefused as refused:
        return await dossier_page(page, dossier_id, page.t(refused.reason), 409)
    return page.redirect(f"/web/dossiers/{dossier_id}?changed=1")


async def start_next(page: Page) -> web.StreamResponse:
    """POST /web/dossiers/{id}/next: an upgrade or re-evaluation dossier from a certified one."""
    assert page.form is not None
    dossier_id = whole_number(page.request.match_info["id"]) or 0
    try:
        follow = await ops.start_next(page.db, dossier_id, page.form.get("kind"), page.officer_id, page.now, by="web")
    except ops.DossierRefused as refused:
        return await dossier_page(page, dossier_id, page.t(refused.reason), 409)
    return page.redirect(f"/web/dossiers/{follow.id}")


async def mau03(page: Page) -> web.StreamResponse:
    """GET /web/dossiers/{id}/mau03.docx (or .pdf): the commune's report draft, prefilled; audited."""
    dossier_id = whole_number(page.request.match_info["id"])
    dossier = await rows.by_id(page.db, dossier_id) if dossier_id is not None else None
    if dossier is None:
        return page.render("not_found.html", status=404)
    fmt = page.request.match_info["format"]
    draft = await build_mau03(page.db, page.console.content, dossier)
    docx, pdf = await render_mau03(draft)
    docx_name, pdf_name = file_names(draft, page.now.astimezone(page.t.tz))
    record_officer_action(page.db, page.officer_id, "mau03_draft", {"dossier": dossier.id, "format": fmt, "by": "web"})
    body, name, kind = (docx, docx_name, DOCX) if fmt == "docx" else (pdf, pdf_name, "application/pdf")
    return web.Response(body=body, content_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def add_routes(routes: Routes) -> None:
    routes.page("/dossiers", list_dossiers)
    routes.page("/dossiers/{id}", show_dossier)
    routes.page("/dossiers/{id}/mau03.{format:docx|pdf}", mau03)
    routes.action("/dossiers/{id}/status", change_status)
    routes.action("/dossiers/{id}/undo", undo)
    routes.action("/dossiers/{id}/next", start_next)
