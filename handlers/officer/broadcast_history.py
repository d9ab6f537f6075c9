"""Broadcast history for officers: the last broadcasts with their outcome counts, one broadcast's
details (who was blocked or not reached), and cancelling one that is scheduled or running."""

from __future__ import annotations

from typing import Any

from bot.broadcasts.operations import CANCELLED, DONE, cancel, counts, failed_recipients, get, history
from bot.broadcasts.progress import progress_numbers
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.typed import payload_id
from db.audit import audit
from handlers.officer.broadcast_file import attached_line
from handlers.officer.guard import officer_router
from handlers.producer.menu import back_to_menu_row

router = officer_router()
STATUS_IDS = {"scheduled": N_("broadcast.status_scheduled"), "running": N_("broadcast.status_running"),
              "done": N_("broadcast.status_done"), "cancelled": N_("broadcast.status_cancelled")}
OUTCOME_IDS = {"blocked": N_("broadcast.outcome_blocked"), "failed": N_("broadcast.outcome_failed"),
               "refused": N_("broadcast.outcome_refused")}


def media_mark(media: dict[str, Any] | None) -> str:
    """📷 or 📄 before the text of a broadcast with a photo or a document."""
    return "" if not media else "📷 " if media.get("is_image") else "📄 "


@router.on_button("broadcast", "history")
async def show_history(ctx: Context) -> None:
    """Lists the last 10 broadcasts with their counts; a button opens each."""
    lines, buttons = [ctx.t("broadcast.history_title")], []
    for broadcast in await history(ctx.repos.session):
        numbers = progress_numbers(broadcast, await counts(ctx.repos.session, broadcast.id))
        lines.append(ctx.t("broadcast.history_line", status=ctx.t(STATUS_IDS[broadcast.status]),
                           when=broadcast.due_at, text=media_mark(broadcast.media) + broadcast.text[:40], **numbers))
        buttons.append([ctx.button("broadcast.open", "broadcast", "show", broadcast.id, id=broadcast.id,
                                   item_number=broadcast.id)])  # "• Số 12 …": typing 12 opens it
    if len(lines) == 1:
        lines.append(ctx.t("broadcast.history_empty"))
    ctx.reply_text("\n".join(lines), buttons=[*buttons, back_to_menu_row(ctx)])


@router.on_button("broadcast", "show")
async def show_broadcast(ctx: Context) -> None:
    """One broadcast: counts by outcome and the organisations not reached; cancel while it is active."""
    broadcast = await get(ctx.repos.session, number) if (number := payload_id(ctx.arg)) is not None else None
    if broadcast is None:
        ctx.reply("broadcast.not_found", buttons=[back_to_menu_row(ctx)])
        return
    numbers = progress_numbers(broadcast, await counts(ctx.repos.session, broadcast.id))
    lines = [ctx.t("broadcast.detail", status=ctx.t(STATUS_IDS[broadcast.status]), when=broadcast.due_at, **numbers)]
    if broadcast.media:
        lines.append(attached_line(ctx, broadcast.media))
    for name, status in await failed_recipients(ctx.repos.session, broadcast.id):
        lines.append(f"• {name} ({ctx.t(OUTCOME_IDS[status])})")
    rows = [] if broadcast.status in (DONE, CANCELLED) else [[ctx.button("broadcast.cancel", "broadcast", "cancel", broadcast.id)]]
    ctx.reply_text("\n".join(lines), buttons=[*rows, [ctx.button("broadcast.history", "broadcast", "history")],
                                              back_to_menu_row(ctx)])


@router.on_button("broadcast", "cancel")
async def cancel_broadcast(ctx: Context) -> None:
    """Cancels a scheduled or running broadcast: rows not yet sent are skipped; audited."""
    broadcast = await get(ctx.repos.session, number) if (number := payload_id(ctx.arg)) is not None else None
    if broadcast is None or broadcast.status in (DONE, CANCELLED):
        ctx.reply("broadcast.cannot_cancel", buttons=[back_to_menu_row(ctx)])
        return
    stopped = await cancel(ctx.repos.session, broadcast, ctx.now)
    await audit(ctx, ctx.user.id, "broadcast.cancel", {"broadcast": broadcast.id, "stopped": stopped})
    ctx.reply("broadcast.cancelled", buttons=[back_to_menu_row(ctx)], id=broadcast.id, stopped=stopped)
