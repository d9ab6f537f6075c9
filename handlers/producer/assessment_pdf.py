"""The printable draft of Mẫu 02 Part III (self-scoring item by item, with the evidence to attach) as a PDF.

Pure rendering: the handler hands in texts already chosen and formatted (`Mau02Draft`); this module only
lays them out with fpdf2. The font is DejaVu Sans from matplotlib's bundled fonts: it has every Vietnamese
glyph, so nothing else is bundled with the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT = "DejaVu"
_WIDTHS = (13, 44, 56, 14, 63)  # code, criterion, chosen option, points, evidence (mm; A4 minus margins)


@dataclass(frozen=True)
class Mau02Row:
    code: str
    title: str
    chosen: str
    points: str
    evidence: list[str]


@dataclass(frozen=True)
class Mau02Section:
    heading: str
    rows: list[Mau02Row]


@dataclass(frozen=True)
class Mau02Draft:
    """Everything printed, in the order printed: title, disclaimer, header lines, column names, sections."""

    title: str
    subtitle: str
    disclaimer: str
    header: list[tuple[str, str]]  # (label, value)
    columns: tuple[str, str, str, str, str]
    sections: list[Mau02Section]
    totals: list[tuple[str, str]]
    footer: list[str] = field(default_factory=list)


@cache
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold from matplotlib's data folder (imported only when a PDF is made)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def render_mau02(draft: Mau02Draft) -> bytes:
    """The draft as PDF bytes (A4 portrait, Vietnamese text, page numbers)."""
    regular, bold = font_files()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(draft.title)
    pdf.set_creator("Trợ lý OCOP Đồng Tháp")
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(10, 12, 10)
    pdf.add_page()
    _heading(pdf, draft)
    _key_values(pdf, draft.header)
    pdf.ln(2)
    for section in draft.sections:
        _section(pdf, section, draft.columns)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    _key_values(pdf, draft.totals)
    pdf.set_font(FONT, "", 8)
    for line in draft.footer:
        pdf.multi_cell(0, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _heading(pdf: FPDF, draft: Mau02Draft) -> None:
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, draft.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, draft.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(170, 0, 0)  # the "draft, not an official result" line must not be missed
    pdf.multi_cell(0, 5, draft.disclaimer, border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def _key_values(pdf: FPDF, pairs: list[tuple[str, str]]) -> None:
    for label, value in pairs:
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(52, 5.5, label)
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, section: Mau02Section, columns: tuple[str, ...]) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 6, section.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8)
    # The heading row repeats on each page the table runs onto.
    with pdf.table(col_widths=_WIDTHS, text_align=("LEFT", "LEFT", "LEFT", "CENTER", "LEFT"),
                   line_height=4, headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))) as table:
        header = table.row()
        for name in columns:
            header.cell(name)
        for item in section.rows:
            row = table.row()
            for value in (item.code, item.title, item.chosen, item.points, "\n".join(f"• {e}" for e in item.evidence)):
                row.cell(value)
    pdf.ln(2)
