"""A form as a list of blocks, laid out twice: by `docx_render` (Word) and by `pdf_render` (phone PDF).

Each form module (mau01, mau02, mau03) builds its blocks once from the input values, so the DOCX and the PDF
print the same words in the same order; only the page mechanics differ (a dot-leader tab stop in Word, a run of
"…" in the PDF; a clickable check box in Word, a glyph in the PDF).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.forms.texts import nfc

Align = Literal["left", "center", "right", "justify"]
Style = Literal["body", "title", "heading", "small", "note", "header"]


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", nfc(self.text))


@dataclass(frozen=True)
class Box:
    """A form's □: ticked (☒) or not (□)."""

    ticked: bool


@dataclass(frozen=True)
class Blank:
    """A dotted blank from where the text stands to `until` (a fraction of the line width), or, with `dots`,
    that many "…" wherever it stands (inside centred lines, where a tab stop would not work)."""

    until: float = 1.0
    dots: int | None = None


Inline = Text | Box | Blank


@dataclass(frozen=True)
class Para:
    inlines: tuple[Inline, ...]
    align: Align = "left"
    style: Style = "body"
    indent: float = 0.0
    """Left indent in mm."""
    keep_with_next: bool = False
    space_before: float = 0.0
    """Extra space above, in points."""


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "left"
    span: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", nfc(self.text))


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    """Relative column widths (any unit; scaled to the text width)."""
    rows: tuple[tuple[Cell, ...], ...]
    shaded: tuple[int, ...] = ()
    """Indexes of rows printed on grey (part and section headings, totals)."""
    heading: str | None = None
    """Set to give the table a name in the document outline (kept with the table)."""


@dataclass(frozen=True)
class Signature:
    """The right-hand signature block: "…, ngày … tháng … năm …" / TITLE / (note) / space / name."""

    place_date: tuple[Inline, ...]
    title: str
    note: str
    name: str | None = None


@dataclass(frozen=True)
class TwoColumns:
    """Mẫu 03's heading: the issuing body on the left, the national motto on the right."""

    left: tuple[Para, ...]
    right: tuple[Para, ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Para | Table | Signature | TwoColumns | PageBreak


@dataclass(frozen=True)
class Document:
    title: str
    """The document's title property (not printed)."""
    blocks: tuple[Block, ...]
    pdf_notice: str | None = None
    """Printed at the foot of every PDF page; the DOCX keeps it in its properties only."""


# -- building helpers ------------------------------------------------------------------------------------


def para(*inlines: Inline | str, **kw) -> Para:
    return Para(tuple(Text(i) if isinstance(i, str) else i for i in inlines), **kw)


def value(v: str | None, until: float = 1.0, dots: int | None = None, bold: bool = False) -> Inline:
    """The value, or the dotted blank when it is missing."""
    return Text(v.strip(), bold=bold) if v and v.strip() else Blank(until, dots)


def field_line(*pairs: tuple[str, str | None] | tuple[str, str | None, float], indent: float = 0.0) -> Para:
    """"label value  label value": each missing value a dotted blank up to its stop (the last one to the
    line's end), e.g. field_line(("4. Điện thoại: ", phone, 0.5), ("Email: ", email))."""
    inlines: list[Inline] = []
    for i, pair in enumerate(pairs):
        label, v = pair[0], pair[1]
        until = pair[2] if len(pair) > 2 else 1.0  # type: ignore[misc]
        if i:
            inlines.append(Text(" "))
        inlines.append(Text(label))
        inlines.append(value(v, until))
    return Para(tuple(inlines), indent=indent)


def blank_lines(n: int, indent: float = 0.0) -> list[Para]:
    return [Para((Blank(),), indent=indent) for _ in range(n)]


def text_or_blank(v: str | None, lines: int = 2, indent: float = 0.0, justify: bool = True) -> list[Para]:
    """A free text as paragraphs (one per line of the text), or `lines` dotted lines when missing."""
    if not v or not v.strip():
        return blank_lines(lines, indent)
    return [Para((Text(line.strip()),), align="justify" if justify else "left", indent=indent)
            for line in v.strip().splitlines() if line.strip()]


def national_motto(style: Style = "heading") -> list[Para]:
    """"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc / ---------------" (copy line 4409–4411)."""
    return [
        para(Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True), align="center", style=style),
        para(Text("Độc lập - Tự do - Hạnh phúc", bold=True), align="center", style=style),
        para("---------------", align="center", style=style),
    ]


def signing_line(place: str | None, day) -> tuple[Inline, ...]:
    """"Tháp Mười, ngày 05 tháng 12 năm 2026", with the copy's dots for what is missing."""
    from bot.forms.texts import vn_date

    where = place.strip() if place and place.strip() else "........"
    when = vn_date(day) if day else "ngày........tháng........năm......"
    return (Text(f"{where}, {when}", italic=True),)


def flatten(items: Iterable) -> tuple[Block, ...]:
    """Blocks and (nested) lists of blocks, as one flat tuple in order."""
    out: list[Block] = []
    for item in items:
        if isinstance(item, Para | Table | Signature | TwoColumns | PageBreak):
            out.append(item)
        else:
            out.extend(flatten(item))
    return tuple(out)


class Writer(Protocol):
    """What a renderer (docx_render, pdf_render) does with each kind of block."""

    def para(self, block: Para) -> None: ...

    def table(self, block: Table) -> None: ...

    def signature(self, block: Signature) -> None: ...

    def two_columns(self, block: TwoColumns) -> None: ...

    def page_break(self) -> None: ...


def write_blocks(writer: Writer, blocks: Iterable[Block]) -> None:
    """Hand each block of a form to the renderer's method for its kind (the Block union is closed)."""
    for block in blocks:
        if isinstance(block, Para):
            writer.para(block)
        elif isinstance(block, Table):
            writer.table(block)
        elif isinstance(block, Signature):
            writer.signature(block)
        elif isinstance(block, TwoColumns):
            writer.two_columns(block)
        elif isinstance(block, PageBreak):
            writer.page_break()
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")
