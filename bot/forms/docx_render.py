"""Lays a form's blocks out as a DOCX with python-docx: A4, Times New Roman 13, ready to edit in Word/LibreOffice.

- Page: A4 with the margins of Nghị định 30/2020/NĐ-CP (top and bottom 20 mm, left 30 mm, right 15 mm).
- Font: Times New Roman on the document defaults, the Normal style and every run, for all four font slots
  (ascii, hAnsi, eastAsia, cs) with the theme fonts removed, so Word never falls back to Calibri or to an
  East-Asian font for a Vietnamese letter; language vi-VN for the spelling checker.
- Dotted blanks: tab stops with a dot leader, so a producer who types after the label pushes the dots along
  instead of deleting them; the dots print.
- Check boxes: Word check-box content controls (w14:checkbox) showing □ or ☒ in MS Gothic, the font Word
  uses for its own check boxes; a click in Word ticks or unticks them. Programs that do not know the control
  show the same character.
"""

from __future__ import annotations

import io
import itertools

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable

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
from bot.forms.notice import DOCX_COMMENT

FONT = "Times New Roman"
BOX_FONT = "MS Gothic"
TICKED, UNTICKED = "☒", "□"
PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # mm
SIZES = {"body": 13, "title": 14, "heading": 13, "small": 11, "note": 11, "header": 12}
TABLE_SIZE = 11
SHADE = "E7E6E6"
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _fonts(rpr, name: str) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), name)


def _setup(d: docx.document.Document, title: str) -> None:
    section = d.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    defaults = d.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(SIZES["body"] * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(SIZES["body"] * 2))
    lang = rpr.find(qn("w:lang"))
    for attr in ("val", "eastAsia"):
        lang.set(qn(f"w:{attr}"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "60")
    spacing.set(qn("w:line"), "264")
    normal = d.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(SIZES["body"])
    _fonts(normal.element.get_or_add_rPr(), FONT)
    props = d.core_properties
    props.title = title
    props.author = props.last_modified_by = "Trợ lý OCOP Đồng Tháp"
    props.comments = DOCX_COMMENT
    props.language = "vi-VN"
    props.subject = "Hồ sơ đánh giá, phân hạng sản phẩm OCOP"
    props.keywords = "OCOP; QĐ 26/2026/QĐ-TTg; Phụ lục III"


class _Writer:
    def __init__(self, d: docx.document.Document) -> None:
        self.d = d
        self.ids = itertools.count(1001)

    # -- runs ------------------------------------------------------------------------------------------

    def run(self, p, text: str, *, size: float, bold=False, italic=False, superscript=False):
        r = p.add_run(text)
        r.font.name = FONT
        _fonts(r._r.get_or_add_rPr(), FONT)
        r.font.size = Pt(size)
        r.font.bold = bold or None
        r.font.italic = italic or None
        if superscript:
            r.font.superscript = True
        return r

    def box(self, p, ticked: bool, size: float) -> None:
        char = TICKED if ticked else UNTICKED
        rfonts = f'<w:rFonts w:ascii="{BOX_FONT}" w:eastAsia="{BOX_FONT}" w:hAnsi="{BOX_FONT}" w:cs="{BOX_FONT}" w:hint="eastAsia"/>'
        sdt = parse_xml(
            f"<w:sdt {nsdecls('w', 'w14')}><w:sdtPr><w:rPr>{rfonts}</w:rPr><w:id w:val=\"{next(self.ids)}\"/>"
            f"<w14:checkbox><w14:checked w14:val=\"{int(ticked)}\"/>"
            f"<w14:checkedState w14:val=\"{ord(TICKED):04X}\" w14:font=\"{BOX_FONT}\"/>"
            f"<w14:uncheckedState w14:val=\"{ord(UNTICKED):04X}\" w14:font=\"{BOX_FONT}\"/></w14:checkbox>"
            f"</w:sdtPr><w:sdtContent><w:r><w:rPr>{rfonts}<w:sz w:val=\"{int(size * 2)}\"/>"
            f"<w:szCs w:val=\"{int(size * 2)}\"/></w:rPr><w:t>{char}</w:t></w:r></w:sdtContent></w:sdt>"
        )
        p._p.append(sdt)

    def inlines(self, p, para: Para, size: float) -> None:
        stops: dict[float, bool] = {}
        for inline in para.inlines:
            if isinstance(inline, Text):
                self.run(p, inline.text, size=size, bold=inline.bold, italic=inline.italic,
                         superscript=inline.superscript)
            elif isinstance(inline, Box):
                self.box(p, inline.ticked, size)
            elif isinstance(inline, Blank):
                if inline.dots is not None:
                    self.run(p, "…" * inline.dots, size=size)
                else:
                    self.run(p, "\t", size=size)
                    stops[inline.until] = True
        width = TEXT_W - para.indent
        for until in sorted(stops):
            align = WD_TAB_ALIGNMENT.RIGHT if until >= 1.0 else WD_TAB_ALIGNMENT.LEFT
            p.paragraph_format.tab_stops.add_tab_stop(Mm(width * min(until, 1.0)), align, WD_TAB_LEADER.DOTS)

    # -- blocks ----------------------------------------------------------------------------------------

    def para(self, para: Para, container=None) -> None:
        p = (container or self.d).add_paragraph()
        pf = p.paragraph_format
        pf.alignment = _ALIGN[para.align]
        if para.indent:
            pf.left_indent = Mm(para.indent)
        if para.space_before:
            pf.space_before = Pt(para.space_before)
        if para.keep_with_next:
            pf.keep_with_next = True
        self.inlines(p, para, SIZES[para.style])

    def _cell_text(self, cell, item: Cell, size: float, header: bool = False) -> None:
        lines = item.text.split("\n") if item.text else [""]
        first = cell.paragraphs[0]
        for i, line in enumerate(lines):
            p = first if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.alignment = _ALIGN["center" if header else item.align]
            if line:
                self.run(p, line, size=size, bold=item.bold or header, italic=item.italic)

    @staticmethod
    def _shade(cell) -> None:
        cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                                                    f'w:fill="{SHADE}"/>'))

    @staticmethod
    def _widths(table: DocxTable, widths: tuple[float, ...]) -> list[Mm]:
        scale = TEXT_W / sum(widths)
        mm = [Mm(w * scale) for w in widths]
        for column, w in zip(table.columns, mm, strict=True):
            column.width = w
        return mm

    def table(self, t: Table) -> None:
        n = len(t.columns)
        table = self.d.add_table(rows=1, cols=n)
        table.style = self.d.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = self._widths(table, t.widths)
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))  # repeats on each page
        for cell, name, w in zip(header.cells, t.columns, widths, strict=True):
            cell.width = w
            self._cell_text(cell, Cell(name), TABLE_SIZE, header=True)
            self._shade(cell)
        for index, items in enumerate(t.rows):
            row = table.add_row()
            cells = row.cells
            for cell, w in zip(cells, widths, strict=True):
                cell.width = w
            col = 0
            for item in items:
                cell = cells[col]
                if item.span > 1:
                    cell = cell.merge(cells[col + item.span - 1])
                self._cell_text(cell, item, TABLE_SIZE)
                if index in t.shaded:
                    self._shade(cell)
                col += item.span
            if col != n:
                raise ValueError(f"table row {index} spans {col} columns, the table has {n}")
        self.d.add_paragraph().paragraph_format.space_after = Pt(2)

    def _borderless(self, widths: tuple[float, float]):
        table = self.d.add_table(rows=1, cols=2)
        table.autofit = False
        mm = self._widths(table, widths)
        for cell, w in zip(table.rows[0].cells, mm, strict=True):
            cell.width = w
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        return table.rows[0].cells

    def signature(self, s: Signature) -> None:
        self.d.add_paragraph().paragraph_format.keep_with_next = True
        _, right = self._borderless((45, 55))
        lines = []
        if s.place_date:
            lines.append(Para(s.place_date, align="center"))
        lines += [Para((Text(s.title, bold=True),), align="center"), Para((Text(s.note, italic=True),), align="center")]
        lines += [Para((Text(""),), align="center")] * 4
        if s.name:
            lines.append(Para((Text(s.name, bold=True),), align="center"))
        right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
        for line in lines:
            self.para(line, right)
            right.paragraphs[-1].paragraph_format.space_after = Pt(0)
            right.paragraphs[-1].paragraph_format.keep_with_next = True

    def two_columns(self, t: TwoColumns) -> None:
        left, right = self._borderless((38, 62))
        for cell, paras in ((left, t.left), (right, t.right)):
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            for p in paras:
                self.para(p, cell)
                cell.paragraphs[-1].paragraph_format.space_after = Pt(0)

    def page_break(self) -> None:
        self.d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(document: Document) -> bytes:
    d = docx.Document()
    _setup(d, document.title)
    w = _Writer(d)
    write_blocks(w, document.blocks)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()



