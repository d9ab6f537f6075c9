"""Files for officers: the yearly-report export (XLSX, or CSV tables in a ZIP) and the statistics chart."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from bot.core.i18n import Translator
from bot.officer.reports import Statistics

FORMATS = ("xlsx", "csv")


def xlsx_bytes(tables: dict[str, list[list[Any]]]) -> bytes:
    """One sheet per table, header row first."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs on Windows read Vietnamese correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def zip_of_csv(tables: dict[str, list[list[Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", csv_bytes(rows))
    return buffer.getvalue()


def write_export(tables: dict[str, list[list[Any]]], out: Path, fmt: str, stem: str) -> list[Path]:
    """The CLI's files: one workbook, or one CSV per table."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        path.write_bytes(xlsx_bytes(tables))
        return [path]
    paths = []
    for name, rows in tables.items():
        path = out / f"{stem}-{name}.csv"
        path.write_bytes(csv_bytes(rows))
        paths.append(path)
    return paths


def stats_chart(stats: Statistics, t: Translator) -> bytes:
    """A PNG with three panels: producers by product group, projected stars, outbox outcomes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 9), dpi=90)
    panels = figure.subplots(3, 1)
    series = [
        (t("officer_tools.chart_groups"), dict(stats.by_group.most_common())),
        (t("officer_tools.chart_stars"), {f"{k}★" if k != "0" else "0": v for k, v in sorted(stats.stars.items())}),
        (t("officer_tools.chart_outbox"), {f"{s}/{st}": n for (s, st), n in sorted(stats.outbox.items())}),
    ]
    for axes, (title, values) in zip(panels, series, strict=True):
        labels, counts = list(values) or ["-"], list(values.values()) or [0]
        axes.barh(range(len(labels)), counts, color="#2e7d32")
        axes.set_yticks(range(len(labels)), labels, fontsize=8)
        axes.invert_yaxis()
        axes.set_title(title, fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
