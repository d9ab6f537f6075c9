"""Exports for the province's yearly report, sent as a document to the officer who asked for it: the
only place names and phone numbers leave the database (never written to a log)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import Attachment
from bot.officer.files import FORMATS, xlsx_bytes, zip_of_csv
from bot.officer.reports import export_tables
from db.officer_actions import record_officer_action
from handlers.officer.guard import officer_router
from handlers.producer.journey_text import local_today
from handlers.producer.menu import back_to_menu_row

router = officer_router()


@router.on_button("export", "ask")
async def ask_format(ctx: Context) -> None:
    """Offers the export as XLSX or CSV."""
    buttons = [ctx.button("officer_tools.export_xlsx", "export", "make", "xlsx"),
               ctx.button("officer_tools.export_csv", "export", "make", "csv")]
    ctx.reply("officer_tools.export_ask", buttons=[buttons, back_to_menu_row(ctx)])


@router.on_button("export", "make")
async def send_export(ctx: Context) -> None:
    """Builds the export in the chosen format and sends it as a document."""
    fmt = ctx.arg if ctx.arg in FORMATS else "xlsx"
    tables = await export_tables(ctx.repos.session, ctx.content)
    stem = f"ocop-bao-cao-{local_today(ctx).isoformat()}"
    data, name = (xlsx_bytes(tables), f"{stem}.xlsx") if fmt == "xlsx" else (zip_of_csv(tables), f"{stem}-csv.zip")
    record_officer_action(ctx.repos.session, ctx.user.id, "export", {"format": fmt, "producers": len(tables["producers"]) - 1})
    ctx.reply("officer_tools.export_ready", buttons=[back_to_menu_row(ctx)], attachment=Attachment(name, data, is_image=False),
              count=len(tables["producers"]) - 1)
