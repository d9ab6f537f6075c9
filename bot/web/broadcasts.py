"""Broadcasts from the browser, through the same operations as the chat and the CLI
(bot/broadcasts/operations.py): compose with combined filters and a live count, a photo or document, a
preview per channel cut as the delivery cuts it, a time (with the quiet-hours warning), confirm; then live
progress, the per-recipient report (also as CSV), and cancel. Every create and cancel is audited."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select

from bot.broadcasts.media import MediaError, check_file, load_media, media_info, size_text, store_media
from bot.broadcasts.operations import (
    CANCELLED,
    DONE,
    BroadcastError,
    MediaGone,
    cancel,
    check_segment,
    counts,
    create_broadcast,
    get,
    goes_out_at,
    history,
    recipients,
    source_key,
)
from bot.broadcasts.progress import progress_numbers
from bot.broadcasts.source import broadcast_parts
from bot.core.i18n import N_
from bot.core.messages import Attachment
from bot.officer.labels import segment_value
from bot.officer.reports import outbox_label
from bot.web.console import Page, Routes, whole_number
from bot.web.segments import DIMENSIONS, segment_choices, segment_from
from db.audit import audit
from db.models import OutboxMessage, Profile

CHANNELS = ("telegram", "zalo")
TEXT_LIMIT = 4000
MEDIA_ERRORS = {"too_big": N_("web.bc_file_too_big"), "wrong_type": N_("web.bc_file_wrong_type"),
                "bad_shape": N_("web.bc_file_bad_shape")}


def audience(page: Page, segment: dict[str, str]) -> list[str]:
    content = page.console.content
    return [f"{page.t(DIMENSIONS[k])}: {segment_value(content, page.t, k, v)}" for k, v in segment.items()] \
        or [page.t("broadcast.everyone")]


def percent(numbers: dict[str, int]) -> int:
    total = numbers["total"]
    return 100 if not total else round(100 * (total - numbers["pending"]) / total)


async def list_broadcasts(page: Page) -> web.StreamResponse:
    rows = []
    for broadcast in await history(page.db, limit=30):
        numbers = progress_numbers(broadcast, await counts(page.db, broadcast.id))
        rows.append((broadcast, numbers, percent(numbers)))
    return page.render("broadcasts.html", rows=rows)


async def compose(page: Page, error: str = "", values: dict[str, str] | None = None, status: int = 200) -> web.Response:
    values = values if values is not None else dict(page.request.query)
    segment = segment_from(values)
    try:
        count = len(await recipients(page.db, page.console.content, check_segment(segment, page.console.content)))
    except BroadcastError:
        count = 0
    return page.render("broadcast_new.html", status=status, error=error, text=values.get("text", ""),
                       when=values.get("when", ""), choices=segment_choices(page, segment), count=count)


async def new_broadcast(page: Page) -> web.StreamResponse:
    return await compose(page)


async def live_count(page: Page) -> web.StreamResponse:
    """GET /web/broadcasts/count?commune=…: the recipient count the composer shows as filters change."""
    try:
        segment = check_segment(segment_from(page.request.query), page.console.content)
    except BroadcastError:
        return web.json_response({"count": None})
    count = len(await recipients(page.db, page.console.content, segment))
    return web.json_response({"count": count, "text": page.t("web.bc_count", count=count)})


def parse_when(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    """A datetime-local value ("2026-12-03T08:00", local time) in UTC; empty is now; None when unreadable."""
    if not text.strip():
        return now
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=zone)
    except ValueError:
        return None


async def preview(page: Page) -> web.StreamResponse:
    """POST /web/broadcasts/preview: checks everything, keeps the file (as the chat does while composing) and
    shows what producers will get on each channel, the count, the time and any quiet-hours warning."""
    assert page.form is not None
    form, content, settings = page.form, page.console.content, page.console.settings
    values = dict(form.fields)
    text = form.get("text")[:TEXT_LIMIT]
    try:
        segment = check_segment(segment_from(form.fields), content)
    except BroadcastError:
        return await compose(page, page.t("broadcast.bad_filter"), values, 400)
    if not text:
        return await compose(page, page.t("web.bc_no_text"), values, 400)
    due = parse_when(form.get("when"), ZoneInfo(settings.timezone), page.now)
    if due is None or due < page.now.replace(second=0, microsecond=0):
        return await compose(page, page.t("web.bc_bad_time"), values, 400)
    media, attachment = None, None
    if "attachment" in form.files:
        name, data = form.files["attachment"]
        try:
            file = await asyncio.to_thread(check_file, data, name)
        except MediaError as exc:
            msgid = MEDIA_ERRORS.get(exc.code, N_("web.bc_file_bad_image"))
            return await compose(page, page.t(msgid, **exc.values), values, 400)
        media = media_info(await store_media(page.db, file, created_by=page.officer_id, now=page.now))
        attachment = Attachment(file.name, file.data, is_image=file.is_image)
    elif whole_number(form.get("media")) is not None:  # back from the preview with the file kept
        row = await load_media(page.db, int(form.get("media")))
        if row is not None and row.broadcast_id is None:
            media = media_info(row)
            attachment = Attachment(row.name, row.data, is_image=row.is_image)
    parts = {channel: [(part.text, _shown(part.attachment)) for part in broadcast_parts(text, attachment, channel)]
             for channel in CHANNELS}
    starts = goes_out_at(due, settings)
    count = len(await recipients(page.db, content, segment))
    return page.render("broadcast_preview.html", text=text, segment=segment, audience=audience(page, segment),
                       count=count, due=due, starts=starts if starts != due else None, parts=parts, media=media,
                       size=size_text(media["size"]) if media else "", when=form.get("when"))


def _shown(attachment: Attachment | None) -> dict[str, str] | None:
    """How the preview shows an attachment: a photo inline (data: URL), a document by its name."""
    if attachment is None:
        return None
    if attachment.is_image:
        return {"image": "data:image/jpeg;base64," + base64.b64encode(attachment.data).decode(), "name": attachment.name}
    return {"name": attachment.name}


async def create(page: Page) -> web.StreamResponse:
    """POST /web/broadcasts: the confirmed broadcast, its outbox rows, the audit entry; then its page."""
    assert page.form is not None
    form, content = page.form, page.console.content
    try:
        due = datetime.fromisoformat(form.get("due"))
        media = {"id": media_id} if (media_id := whole_number(form.get("media"))) is not None else None
        broadcast = await create_broadcast(page.db, content, officer_id=page.officer_id, text=form.get("text")[:TEXT_LIMIT],
                                           segment=segment_from(form.fields), due_at=due, media=media, now=page.now)
    except MediaGone:
        return await compose(page, page.t("broadcast.file_gone"), dict(form.fields), 409)
    except (BroadcastError, ValueError):
        return await compose(page, page.t("broadcast.bad_filter"), dict(form.fields), 400)
    details = {"broadcast": broadcast.id, "audience": broadcast.total, "segment": broadcast.segment,
               "due_at": due.isoformat(), "by": "web"}
    if broadcast.media:
        details["media"] = {k: broadcast.media[k] for k in ("name", "mime", "size")}
    await audit(page.db, page.officer_id, "broadcast.create", details)
    return page.redirect(f"/web/broadcasts/{broadcast.id}")


async def _broadcast(page: Page):  # noqa: ANN202 - Broadcast | None
    raw = page.request.match_info["id"]
    return await get(page.db, number) if (number := whole_number(raw)) is not None else None


async def report_rows(page: Page, broadcast_id: int) -> list[tuple[OutboxMessage, str | None, str]]:
    query = (select(OutboxMessage, Profile.org_name).outerjoin(Profile, Profile.user_id == OutboxMessage.user_id)
             .where(OutboxMessage.source_key == source_key(broadcast_id)).order_by(OutboxMessage.id))
    return [(row, name, outbox_label(page.t, "broadcast", row.status)) for row, name in (await page.db.execute(query)).all()]


async def show(page: Page) -> web.StreamResponse:
    broadcast = await _broadcast(page)
    if broadcast is None:
        return page.render("not_found.html", status=404)
    numbers = progress_numbers(broadcast, await counts(page.db, broadcast.id))
    return page.render("broadcast.html", broadcast=broadcast, numbers=numbers, percent=percent(numbers),
                       audience=audience(page, broadcast.segment), rows=await report_rows(page, broadcast.id),
                       active=broadcast.status not in (DONE, CANCELLED), starts=goes_out_at(broadcast.due_at, page.console.settings))


async def progress(page: Page) -> web.StreamResponse:
    """GET /web/broadcasts/{id}/progress: the numbers the page polls while the broadcast runs."""
    broadcast = await _broadcast(page)
    if broadcast is None:
        return web.json_response({}, status=404)
    numbers = progress_numbers(broadcast, await counts(page.db, broadcast.id))
    return web.json_response({**numbers, "percent": percent(numbers), "status": broadcast.status,
                              "summary": page.t("web.bc_progress", **numbers, percent=percent(numbers))})


async def report_csv(page: Page) -> web.StreamResponse:
    """The per-recipient report: organisation, channel, outcome, detail, when (local time)."""
    broadcast = await _broadcast(page)
    if broadcast is None:
        return page.render("not_found.html", status=404)
    zone = ZoneInfo(page.console.settings.timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([page.t("officer_tools.col_org"), page.t("web.col_channel"), page.t("officer_tools.col_status"),
                     page.t("web.col_detail"), page.t("web.col_finished")])
    for row, name, label in await report_rows(page, broadcast.id):
        finished = row.finished_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") if row.finished_at else ""
        writer.writerow([name or f"{row.channel}:{row.channel_user_id}", row.channel, label, row.outcome_detail or "", finished])
    await audit(page.db, page.officer_id, "broadcast.report", {"broadcast": broadcast.id})
    return web.Response(body=buffer.getvalue().encode("utf-8-sig"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="thong-bao-{broadcast.id}.csv"'})


async def cancel_broadcast(page: Page) -> web.StreamResponse:
    broadcast = await _broadcast(page)
    if broadcast is None or broadcast.status in (DONE, CANCELLED):
        return page.render("not_found.html", status=409)
    stopped = await cancel(page.db, broadcast, page.now)
    await audit(page.db, page.officer_id, "broadcast.cancel", {"broadcast": broadcast.id, "stopped": stopped, "by": "web"})
    return page.redirect(f"/web/broadcasts/{broadcast.id}")


def add_routes(routes: Routes) -> None:
    routes.page("/broadcasts", list_broadcasts)
    routes.page("/broadcasts/new", new_broadcast)
    routes.page("/broadcasts/count", live_count)
    routes.action("/broadcasts/preview", preview)
    routes.action("/broadcasts", create)
    routes.page("/broadcasts/{id}", show)
    routes.page("/broadcasts/{id}/progress", progress)
    routes.page("/broadcasts/{id}/report.csv", report_csv)
    routes.action("/broadcasts/{id}/cancel", cancel_broadcast)
