"""Reads the 26 score sheets of QĐ 26/2026/QĐ-TTg Phụ lục II from the plain-text copy of the decision.

The copy (`../shared/reference/qd26-2026-copy.txt`) holds each sheet as table rows, one per line:

    | 1.1. Nguồn gốc sản phẩm | 3 |                  an item and its maximum
    | □ option text***** | 3 |                         an option, its points, a minimum-star marker
    | Yêu cầu: ... |  |   | Ghi chú: ... |  |         the item's requirement, its notes
    | Chỉ áp dụng khi có câu chuyện sản phẩm |  |     a condition on the item
    | Lựa chọn một trong hai trường hợp sau: |  |     set #26: the item's options come in two cases
    | a. Trường hợp 1: ... |  |                        the heading of one case

This module only reads: it turns the rows into plain dictionaries, keeping every text as printed (whitespace
collapsed) and every points cell as printed (a string). `tools/qd26_sheets.py` uses it to compare the content
files with the copy. Nothing here decides what a glitch means; that is written, with a note, in the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_COPY = Path(__file__).resolve().parents[2] / "shared" / "reference" / "qd26-2026-copy.txt"

SHEET_START = re.compile(r"^(\d{1,2})\. (?:Bộ sản phẩm: |Sản phẩm )(.+?)\s*$")
HEADING = re.compile(r"^((\d+(?:\.\d+)*)\.?)\s+(.*)$")
PART = re.compile(r"^(?:Phần|PHẦN) ([ABC]):? / (.*)$")
MARKER = re.compile(r"\s*((?:\*\s*){3,5})$")
OPTION = re.compile(r"^(?:□|o) ?(.*)$")
CASE = re.compile(r"^([ab])\. (Trường hợp \d+: .*)$")


def clean(text: str) -> str:
    """Whitespace collapsed, ends trimmed: the form every official text is compared in."""
    return " ".join(text.split())


@dataclass
class Option:
    official: str
    points: str
    """The points cell as printed ("3", "", "11")."""
    min_star: int | None
    line: int
    case: str | None = None


@dataclass
class Item:
    code: str
    title: str
    """The heading as printed after its number, explanations (" / (...)") included."""
    max: str
    line: int
    numbering: str = ""
    """The item's number as printed ("1.1.", "6.2", "8")."""
    options: list[Option] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Every "Yêu cầu", "Ghi chú", "Chú ý", "Chỉ áp dụng …" and "(Gồm: …)" row under the item, as printed."""
    cases: list[str] = field(default_factory=list)
    """Set #26: the case headings ("a. Trường hợp 1: …"), in order."""
    children: list[Item] = field(default_factory=list)
    """Items numbered under this one (6.1.1 under 6.1): this one is then a group, not an item."""

    @property
    def heading(self) -> str:
        """The heading as printed: number and title (explanation rows joined with " / ")."""
        return f"{self.numbering} {self.title}"


@dataclass
class Part:
    code: str
    heading: str
    max: str
    line: int
    sections: list[Item] = field(default_factory=list)


@dataclass
class Sheet:
    number: int
    title: str
    first_line: int
    last_line: int
    """The line of "| TỔNG CỘNG | 100 |"."""
    group_line: str = ""
    rejected_when: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    def items(self) -> list[Item]:
        """Every scored item (groups replaced by their children), in sheet order."""
        found: list[Item] = []

        def walk(item: Item) -> None:
            if item.children:
                for child in item.children:
                    walk(child)
            elif item.options or not item.children:
                found.append(item)

        for part in self.parts:
            for section in part.sections:
                if section.children:
                    for child in section.children:
                        walk(child)
                else:
                    found.append(section)
        return found


def cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [clean(c) for c in inner.split("|")]


def parse(path: Path = DEFAULT_COPY) -> list[Sheet]:
    """Every sheet of Phụ lục II, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC II")
    end = next(i for i, line in enumerate(lines) if line.strip() == "PHỤ LỤC III")
    sheets: list[Sheet] = []
    sheet: Sheet | None = None
    part: Part | None = None
    section: Item | None = None
    item: Item | None = None  # the item options attach to
    group: Item | None = None
    case: str | None = None
    for index in range(start, end):
        number = index + 1
        raw = lines[index]
        text = clean(raw)
        found = SHEET_START.match(text)
        if found and not raw.startswith("|") and (not sheets or int(found[1]) == sheets[-1].number + 1):
            sheet = Sheet(int(found[1]), found[2], number, 0)
            sheets.append(sheet)
            part = section = item = group = None
            continue
        if sheet is None or sheet.last_line:
            continue
        if not raw.startswith("|"):
            if text.startswith("(Sản phẩm:"):
                sheet.group_line = text
            elif "loại khi:" in text and text not in sheet.rejected_when:
                sheet.rejected_when.append(text)
            continue
        row = cells(raw)
        first, points = row[0], (row[1] if len(row) > 1 else "")
        if first == "TỔNG CỘNG":
            sheet.last_line = number
            continue
        if first in ("Các tiêu chí", ""):
            continue
        found = PART.match(first)
        if found:
            part = Part(found[1], found[2], points, number)
            sheet.parts.append(part)
            section = item = group = None
            continue
        found = OPTION.match(first)
        if found and item is not None:
            body, _, glued = found[1].partition(" / Ghi chú:")
            if glued:  # a note printed in the option's cell (sets #21, #22 item 6.2)
                item.notes.append(f"Ghi chú:{glued}")
            marker = MARKER.search(body)
            stars = marker[1].count("*") if marker else None
            official = clean(body[: marker.start()]) if marker else clean(body)
            item.options.append(Option(official, points, stars, number, case))
            continue
        found = CASE.match(first)
        if found and item is not None:
            item.cases.append(first)
            case = found[1]
            continue
        found = HEADING.match(first)
        if found and part is not None:
            number_as_printed, code, title = found[1], found[2], found[3]
            title, _, requirement = title.partition(" / Yêu cầu:")
            depth = code.count(".") + 1
            new = Item(code, title, points, number, number_as_printed)
            if requirement:  # a requirement printed in the heading's cell (item 5.3)
                new.notes.append(f"Yêu cầu:{requirement}")
            case = None
            if depth == 1:
                section = item = new
                group = None
                part.sections.append(section)
            elif depth == 2 and section is not None:
                section.children.append(new)
                group = item = new
            elif depth == 3 and group is not None:
                group.children.append(new)
                item = new
            continue
        target = item or section
        if target is not None:
            if first.startswith("(") and not target.options:  # a heading's explanation on a row of its own
                target.title = f"{target.title} / {first}"
            else:
                target.notes.append(first)
    return sheets
