"""Lays a form's blocks out as a PDF with fpdf2, for reading on a phone (A4, the DOCX's margins).

The font is DejaVu Sans from matplotlib's bundled fonts (as handlers/assessment_pdf.py does): it has every
Vietnamese letter and the □ ☒ glyphs (DejaVu Serif lacks ☒, so Sans is used throughout). A character the font
lacks (an emoji in a typed name) prints as "?" rather than as an invisible box. Each page's foot carries the
copy notice and "Trang n/N".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.forms.docx_render import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP
from bot.forms.layout import (
    Blank,
    Box,
    Cell,
    Document,
    Para,
    Signature,
    Table,
    Text,
    TwoColumns,
    write_blocks,
)

FONT = "DejaVu"
TICKED, UNTICKED = "☒", "□"
SIZES = {"body": 11, "title": 13, "heading": 11, "small": 8.5, "note": 8.5, "header": 10}
TABLE_SIZE = 8.5
SHADE = (231, 230, 230)
_LINE = 0.5  # line height per point of font size, mm
_MIN_BLANK = 12.0  # mm: a dotted blank shorter than this moves to the next line


@cache
def font_files() -> dict[str, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf",
            "I": folder / "DejaVuSans-Oblique.ttf", "BI": folder / "DejaVuSans-BoldOblique.ttf"}


@cache
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    sets = [set(TTFont(path).getBestCmap()) for path in font_files().values()]
    return frozenset(set.intersection(*sets))


def covered(text: str) -> str:
    """`text` with every character the font cannot draw replaced by "?" (line breaks kept)."""
    glyphs = _glyphs()
    return "".join(ch if ch == "\n" or ord(ch) in glyphs else ("" if ord(ch) < 32 else "?") for ch in text)


class _PDF(FPDF):
    notice: str | None = None

    def footer(self) -> None:
        self.set_y(-MARGIN_BOTTOM + 6)
        self.set_font(FONT, "I", 7)
        self.set_text_color(110, 110, 110)
        if self.notice:
            self.multi_cell(0, 3.2, covered(self.notice), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 3.2, f"Trang {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _style(bold: bool, italic: bool) -> str:
    return ("B" if bold else "") + ("I" if italic else "")


class _Writer:
    def __init__(self, pdf: _PDF) -> None:
        self.pdf = pdf

    def page_break(self) -> None:
        self.pdf.add_page()

    # -- paragraphs ------------------------------------------------------------------------------------

    def _simple(self, para: Para) -> bool:
        texts = [i for i in para.inlines if isinstance(i, Text)]
        return (len(texts) == len(para.inlines) and len({(t.bold, t.italic) for t in texts}) == 1
                and not any(t.superscript for t in texts))

    def _width_of(self, para: Para, size: float) -> float:
        pdf, total = self.pdf, 0.0
        for inline in para.inlines:
            if isinstance(inline, Text):
                pdf.set_font(FONT, _style(inline.bold, inline.italic), size * (0.6 if inline.superscript else 1))
                total += pdf.get_string_width(covered(inline.text))
            elif isinstance(inline, Box):
                pdf.set_font(FONT, "", size)
                total += pdf.get_string_width(TICKED)
            elif inline.dots is not None:
                pdf.set_font(FONT, "", size)
                total += pdf.get_string_width("…" * inline.dots)
            else:
                return float("inf")
        return total

    def para(self, para: Para, left: float | None = None, width: float | None = None) -> None:
        pdf = self.pdf
        size = SIZES[para.style]
        h = size * _LINE
        left = (pdf.l_margin if left is None else left) + para.indent
        width = (pdf.epw if width is None else width) - para.indent
        if para.space_before:
            pdf.ln(para.space_before * 0.3528)
        if para.keep_with_next and pdf.get_y() + 3 * h > pdf.page_break_trigger:
            pdf.add_page()
        if self._simple(para):
            first = para.inlines[0]
            assert isinstance(first, Text)
            pdf.set_font(FONT, _style(first.bold, first.italic), size)
            pdf.set_x(left)
            text = covered("".join(i.text for i in para.inlines if isinstance(i, Text)))
            # Justified text is set ragged-right: easier to read on a narrow phone screen.
            align = "L" if para.align == "justify" else para.align[0].upper()
            pdf.multi_cell(width, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        old_margin, old_right = pdf.l_margin, pdf.r_margin
        pdf.set_left_margin(left)
        pdf.set_right_margin(pdf.w - left - width)
        try:
            start = left
            if para.align == "center":
                start = left + max(0.0, (width - self._width_of(para, size)) / 2)
            pdf.set_x(start)
            self._flow(para, size, h, left, width)
            pdf.ln(h)
        finally:
            pdf.set_left_margin(old_margin)
            pdf.set_right_margin(old_right)
            pdf.set_x(old_margin)

    def _flow(self, para: Para, size: float, h: float, left: float, width: float) -> None:
        pdf = self.pdf
        for inline in para.inlines:
            if isinstance(inline, Text):
                pdf.set_font(FONT, _style(inline.bold, inline.italic), size)
                if inline.superscript:
                    pdf.char_vpos = "SUP"
                pdf.write(h, covered(inline.text))
                pdf.char_vpos = "LINE"
            elif isinstance(inline, Box):
                pdf.set_font(FONT, "", size)
                pdf.write(h, TICKED if inline.ticked else UNTICKED)
            elif inline.dots is not None:
                pdf.set_font(FONT, "", size)
                pdf.write(h, "…" * inline.dots)
            else:
                self._blank(inline, size, h, left, width)

    def _blank(self, blank: Blank, size: float, h: float, left: float, width: float) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", size)
        end = left + width
        stop = left + width * min(blank.until, 1.0)
        if stop - pdf.get_x() < _MIN_BLANK:
            stop = min(end, pdf.get_x() + 2 * _MIN_BLANK) if blank.until < 1.0 else end
        if stop - pdf.get_x() < _MIN_BLANK:  # no room left on this line: the blank takes the next one
            pdf.ln(h)
            pdf.set_x(left)
            stop = left + width * min(blank.until, 1.0) if blank.until < 1.0 else end
        room = stop - pdf.get_x()
        dots = "…" * max(1, int(room / pdf.get_string_width("…")))
        pdf.cell(room, h, dots)

    # -- other blocks ----------------------------------------------------------------------------------

    def table(self, t: Table) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", TABLE_SIZE)
        scale = pdf.epw / sum(t.widths)
        heading = FontFace(emphasis="BOLD", fill_color=SHADE)
        with pdf.table(col_widths=tuple(w * scale for w in t.widths), line_height=TABLE_SIZE * 0.45,
                       headings_style=heading, text_align="LEFT", padding=0.8, align="LEFT") as table:
            head = table.row()
            for name in t.columns:
                head.cell(covered(name), align="CENTER")
            for index, items in enumerate(t.rows):
                row = table.row()
                for item in items:
                    row.cell(covered(item.text), align=item.align.upper(), colspan=item.span,
                             style=self._face(item, index in t.shaded))
        pdf.ln(2)

    @staticmethod
    def _face(item: Cell, shaded: bool) -> FontFace | None:
        emphasis = " ".join(name for name, on in (("BOLD", item.bold), ("ITALICS", item.italic)) if on) or None
        if not emphasis and not shaded:
            return None
        return FontFace(emphasis=emphasis, fill_color=SHADE if shaded else None)

    def signature(self, s: Signature) -> None:
        pdf = self.pdf
        lines = ([Para(s.place_date, align="center")] if s.place_date else []) + [
            Para((Text(s.title, bold=True),), align="center"), Para((Text(s.note, italic=True),), align="center")]
        needed = (len(lines) + 5) * SIZES["body"] * _LINE + 4
        if pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(3)
        left, width = pdf.l_margin + pdf.epw * 0.42, pdf.epw * 0.58
        for line in lines:
            self.para(line, left, width)
        pdf.ln(SIZES["body"] * _LINE * 3.5)
        if s.name:
            self.para(Para((Text(s.name, bold=True),), align="center"), left, width)

    def two_columns(self, t: TwoColumns) -> None:
        pdf = self.pdf
        top = pdf.get_y()
        split = pdf.epw * 0.38
        for p in t.left:
            self.para(p, pdf.l_margin, split)
        bottom = pdf.get_y()
        pdf.set_y(top)
        for p in t.right:
            self.para(p, pdf.l_margin + split, pdf.epw - split)
        pdf.set_y(max(bottom, pdf.get_y()))


def render_pdf(document: Document) -> bytes:
    fonts = font_files()
    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.notice = document.pdf_notice
    pdf.set_title(document.title)
    pdf.set_lang("vi-VN")
    pdf.set_creator("Trợ lý OCOP Đồng Tháp")
    for style, path in fonts.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM + 2)
    pdf.add_page()
    w = _Writer(pdf)
    write_blocks(w, document.blocks)
    return bytes(pdf.output())
