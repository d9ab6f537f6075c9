"""Exports for the province's yearly report, sent as a document to the officer who asked for it: the
only place names and phone numbers leave the database (never written to a log). The officer picks the
year (this one, the last one, or everything) and the format; headers are in the officer's language."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import Attachment
from bot.officer.files import FORMATS, xlsx_bytes, zip_of_csv
from bot.officer.reports import Period
from bot.officer.yearly import export_tables
from db.officer_actions import record_officer_action
from handlers.officer.guard import officer_router
from handlers.producer.journey_text import local_today
from handlers.producer.menu import back_to_menu_row

router = officer_router()
ALL = "all"


@router.on_button("export", "ask")
async def ask_format(ctx: Context) -> None:
    """Offers the export as XLSX or CSV, for this year, last year or everything."""
    year = local_today(ctx).year
    years = [("xlsx-" + str(y), str(y)) for y in (year, year - 1)]
    rows = [[ctx.button("officer_tools.export_xlsx_year", "export", "make", arg, year=y) for arg, y in years],
            [ctx.button("officer_tools.export_xlsx", "export", "make", "xlsx-" + ALL),
             ctx.button("officer_tools.export_csv", "export", "make", "csv-" + ALL)]]
    ctx.reply("officer_tools.export_ask", buttons=[*rows, back_to_menu_row(ctx)])


def parse_choice(arg: str) -> tuple[str, int | None]:
    """"xlsx-2026" → ("xlsx", 2026); "csv-all" or an old "csv" button → ("csv", None)."""
    fmt, _, year = arg.partition("-")
    return (fmt if fmt in FORMATS else "xlsx"), (int(year) if year.isascii() and year.isdecimal() and 2000 <= int(year) <= 2100 else None)


@router.on_button("export", "make")
async def send_export(ctx: Context) -> None:
    """Builds the export in the chosen format (and year) and sends it as a document."""
    fmt, year = parse_choice(ctx.arg)
    export = await export_tables(ctx.repos.session, ctx.content, ctx.t, Period(year, ctx.settings.timezone))
    stem = f"ocop-bao-cao-{year or local_today(ctx).isoformat()}"
    data, name = (xlsx_bytes(export), f"{stem}.xlsx") if fmt == "xlsx" else (zip_of_csv(export), f"{stem}-csv.zip")
    record_officer_action(ctx.repos.session, ctx.user.id, "export",
                          {"format": fmt, "year": year, "producers": export.count("producers")})
    ctx.reply("officer_tools.export_ready", buttons=[back_to_menu_row(ctx)], attachment=Attachment(name, data, is_image=False),
              count=export.count("producers"))
