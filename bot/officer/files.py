"""Files for officers: the yearly-report export (XLSX, or CSV tables in a ZIP) and the statistics chart."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.content import Content
from bot.core.i18n import Translator
from bot.officer.reports import Statistics, named
from bot.officer.yearly import Export

FORMATS = ("xlsx", "csv")


def xlsx_bytes(export: Export) -> bytes:
    """One sheet per table, header row first (bold, frozen), dates shown as local dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for key, rows in export.tables.items():
        sheet = book.create_sheet(export.titles.get(key, key)[:31])  # Excel's limit on sheet names
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 50)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs on Windows read Vietnamese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def zip_of_csv(export: Export) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in export.tables.items():
            archive.writestr(f"{name}.csv", csv_bytes(rows))
    return buffer.getvalue()


def write_export(export: Export, out: Path, fmt: str, stem: str) -> list[Path]:
    """The CLI's files: one workbook, or one CSV per table."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        path.write_bytes(xlsx_bytes(export))
        return [path]
    paths = []
    for name, rows in export.tables.items():
        path = out / f"{stem}-{name}.csv"
        path.write_bytes(csv_bytes(rows))
        paths.append(path)
    return paths


def stats_chart(stats: Statistics, content: Content, t: Translator) -> bytes:
    """A PNG with four panels, names not codes: producers by commune and by product group, projected
    stars, outbox outcomes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    names = named(stats, content, t)
    figure = Figure(figsize=(8, 11), dpi=90)
    panels = figure.subplots(4, 1)
    series = [
        (t("officer_tools.chart_communes"), names["communes"][:10]),
        (t("officer_tools.chart_groups"), names["groups"]),
        (t("officer_tools.chart_stars"), names["stars"]),
        (t("officer_tools.chart_outbox"), names["outbox"]),
    ]
    for axes, (title, values) in zip(panels, series, strict=True):
        axes.set_title(title, fontsize=10)
        if not values:  # an empty panel says so, rather than draw one bar of 0 on an axis running below zero
            axes.set_axis_off()
            axes.text(0.5, 0.5, t("officer_tools.chart_empty"), ha="center", va="center", fontsize=9,
                      transform=axes.transAxes)
            continue
        labels, numbers = [n for n, _ in values], [c for _, c in values]
        axes.barh(range(len(labels)), numbers, color="#2e7d32")
        axes.set_yticks(range(len(labels)), labels, fontsize=8)
        axes.invert_yaxis()
        axes.xaxis.get_major_locator().set_params(integer=True)  # counts: no 0.5 producers
        for y, n in enumerate(numbers):
            axes.text(n, y, f" {t.number(n)}", va="center", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
