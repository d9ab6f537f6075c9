""""Hồ sơ của tôi" → the dossier's status: for each of the producer's product dossiers, where it is on its
way to the certificate (filed, forwarded, evaluated in round N, the result with stars, decision number and
certificate dates in local time, or returned with the reasons), the stars the product already holds, and the
last changes. Officers set the status (handlers/officer/dossiers.py); the producer gets a push at each change."""

from __future__ import annotations

from bot.core.context import Context, Router
from bot.officer import dossiers as ops
from bot.officer.dossier_text import kind_name, note_suffix, status_lines, status_name
from db import dossier_status as rows
from handlers.producer.menu import back_to_menu_row

router = Router()
SHOWN = 5
HISTORY = 3


@router.on_button("dossier_status", "show")
async def show_status(ctx: Context) -> None:
    """Shows the status of each of the producer's dossiers (newest first), or that none is recorded yet."""
    ctx.clear_flow()
    dossiers = (await rows.for_user(ctx.repos.session, ctx.user.id))[:SHOWN]
    back = [[ctx.button("dossiers.back_to_checklist", "dossier", "open")], back_to_menu_row(ctx)]
    if not dossiers:
        ctx.reply("dossiers.none_yet", buttons=back)
        return
    blocks = [ctx.t("dossiers.mine_title")]
    certified = await rows.certified(ctx.repos.session, ctx.user.id)
    if certified is not None and certified.certificate_date is not None:
        expiry = ctx.content.calendar.certificate_expiry(certified.certificate_date)
        blocks.append(ctx.t("dossiers.holding", product=certified.product, stars=str(certified.stars), day=expiry))
    for dossier in dossiers:
        lines = [ctx.t("dossiers.mine_heading", product=dossier.product, kind=kind_name(ctx.t, dossier.kind))]
        if dossier.certified_stars:
            lines.append(ctx.t("dossiers.line_certified", stars=str(dossier.certified_stars)))
        lines += status_lines(ctx.t, ctx.content, ops.snapshot(dossier))
        for event in await rows.events(ctx.repos.session, dossier.id, limit=HISTORY):
            lines.append(ctx.t("dossiers.history_line", when=event.created_at, status=status_name(ctx.t, event.to_status),
                               note=note_suffix(event.note)))
        blocks.append("\n".join(lines))
    ctx.reply_text("\n\n".join(blocks), buttons=back)
