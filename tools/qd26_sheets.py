"""Checks the QĐ 26/2026 score sheets in content/criteria/qd26-2026/ against the copy of the decision they were
transcribed from, item by item: headings, maxima, printed notes and requirements, conditions, case headings, and
every printed option (wording, points, star marker, case), in order.

    .venv/bin/python tools/qd26_sheets.py check [--copy PATH] [--content DIR]

Run it after editing a sheet, and again when the copy is replaced (e.g. by the text of the official portal):
every difference is listed with the sheet, the item and the copy's line number, and the exit status is 1.
What the check allows: options the bot adds (`on_sheet: false`); a points cell or maximum the sheet scores
otherwise than printed, when the sheet keeps the printed text in `printed`/`printed_max` (the loader then
requires `confirmed: false` and a `note`); an item printed without options, whose single printed-level option
carries the item's name as `official`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qd26_copy import DEFAULT_COPY, Item, Sheet, parse  # noqa: E402

from bot.content import criteria  # noqa: E402
from bot.content.criteria import Criterion, Section  # noqa: E402

RULE_SET = "qd26-2026"
CASES = {"a": "1", "b": "2"}


def _condition_rows(notes: list[str]) -> list[str]:
    return [n for n in notes if n.startswith("Chỉ áp dụng")]


def _requirement_rows(notes: list[str]) -> list[str]:
    return [n for n in notes if n.startswith("Yêu cầu")]


def check_item(printed: Item, criterion: Criterion, where: str, problems: list[str]) -> None:
    def differ(what: str, copy: object, sheet: object) -> None:
        if copy != sheet:
            problems.append(f"{where} (line {printed.line}): {what}: copy {copy!r}, sheet {sheet!r}")

    differ("heading", printed.heading, criterion.official)
    if criterion.printed_max is not None:
        differ("maximum as printed", printed.max, criterion.printed_max)
    else:
        differ("maximum", printed.max, str(criterion.max))
    differ("requirements", _requirement_rows(printed.notes), criterion.requirements)
    conditions = _condition_rows(printed.notes)
    differ("condition", conditions[0] if conditions else None,
           criterion.applies_when.official if criterion.applies_when else None)
    other_notes = [n for n in printed.notes if n not in conditions and not n.startswith("Yêu cầu")]
    differ("notes", other_notes, criterion.notes)
    differ("case headings", {CASES[c[0]]: c for c in printed.cases}, criterion.case_headings)
    on_sheet = [o for o in criterion.options if o.on_sheet]
    if not printed.options:
        title = printed.title
        if len(on_sheet) != 1 or on_sheet[0].official != title or on_sheet[0].points != criterion.max:
            problems.append(f"{where} (line {printed.line}): printed without options: the sheet needs one printed "
                            f"option worth {criterion.max} whose official text is the item's name")
        return
    if len(on_sheet) != len(printed.options):
        problems.append(f"{where} (line {printed.line}): {len(printed.options)} printed options, "
                        f"{len(on_sheet)} on the sheet")
    for n, (copy, option) in enumerate(zip(printed.options, on_sheet, strict=False)):
        at = f"{where} option {n + 1} (line {copy.line})"
        if copy.official != option.official:
            problems.append(f"{at}: wording: copy {copy.official!r}, sheet {option.official!r}")
        cell = option.printed if option.printed is not None else str(option.points)
        if copy.points != cell:
            problems.append(f"{at}: points: copy {copy.points!r}, sheet {cell!r}")
        if copy.min_star != option.min_star:
            problems.append(f"{at}: star marker: copy {copy.min_star}, sheet {option.min_star}")
        if (CASES[copy.case] if copy.case else None) != option.case:
            problems.append(f"{at}: case: copy {copy.case}, sheet {option.case}")


def check_section(printed: Item, section: Section, where: str, problems: list[str]) -> None:
    if printed.heading != section.official:
        problems.append(f"{where} (line {printed.line}): heading: copy {printed.heading!r}, sheet {section.official!r}")
    if printed.max.isdigit() and int(printed.max) != section.max:
        problems.append(f"{where} (line {printed.line}): maximum: copy {printed.max}, sheet {section.max}")
    if not printed.children:  # a section printed as one item (Part C)
        if len(section.criteria) != 1:
            problems.append(f"{where}: printed as one item, the sheet has {len(section.criteria)}")
            return
        check_item(printed, section.criteria[0], f"{where} item {printed.code}", problems)
        return
    expected: list[Item] = []
    groups = {g.code: g for g in section.groups}
    for child in printed.children:
        if child.children:
            group = groups.get(child.code)
            if group is None:
                problems.append(f"{where} (line {child.line}): no group {child.code} in the sheet")
            else:
                if group.official != child.heading or str(group.max) != child.max:
                    problems.append(f"{where} group {child.code} (line {child.line}): heading or maximum differ")
                if group.criteria != [c.code for c in child.children]:
                    problems.append(f"{where} group {child.code}: items differ")
            expected += child.children
        else:
            expected.append(child)
    codes = [c.code for c in section.criteria]
    if [e.code for e in expected] != codes:
        problems.append(f"{where}: items: copy {[e.code for e in expected]}, sheet {codes}")
    for item in expected:
        criterion = next((c for c in section.criteria if c.code == item.code), None)
        if criterion is not None:
            check_item(item, criterion, f"{where} item {item.code}", problems)


def check_sheet(printed: Sheet, sheet: criteria.Sheet, problems: list[str]) -> None:
    where = f"set #{printed.number} ({sheet.product_set})"
    if sheet.lines != (printed.first_line, printed.last_line):
        problems.append(f"{where}: lines: copy {printed.first_line}–{printed.last_line}, sheet {sheet.lines}")
    if f"bộ sản phẩm số {printed.number} " not in sheet.source or f"{printed.first_line}–{printed.last_line}" \
            not in sheet.source:
        problems.append(f"{where}: source must name set {printed.number} and lines "
                        f"{printed.first_line}–{printed.last_line}")
    copy_rejection = printed.rejected_when[0] if printed.rejected_when else None
    sheet_rejection = sheet.rejected_when.official if sheet.rejected_when else None
    if copy_rejection != sheet_rejection:
        problems.append(f"{where}: rejection line: copy {copy_rejection!r}, sheet {sheet_rejection!r}")
    elif sheet.rejected_when:
        for rule in sheet.rejected_when.rules:
            if rule.official not in copy_rejection:
                problems.append(f"{where}: rejection rule {rule.id}: {rule.official!r} is not in the printed line")
    if [p.code for p in printed.parts] != [p.code for p in sheet.parts]:
        problems.append(f"{where}: parts differ")
        return
    for copy_part, part in zip(printed.parts, sheet.parts, strict=True):
        at = f"{where} part {part.code}"
        if copy_part.heading != part.official or copy_part.max != str(part.max):
            problems.append(f"{at} (line {copy_part.line}): heading or maximum: copy {copy_part.heading!r} "
                            f"{copy_part.max}, sheet {part.official!r} {part.max}")
        codes = [s.code for s in part.sections]
        if [s.code for s in copy_part.sections] != codes:
            problems.append(f"{at}: sections: copy {[s.code for s in copy_part.sections]}, sheet {codes}")
            continue
        for copy_section, section in zip(copy_part.sections, part.sections, strict=True):
            check_section(copy_section, section, f"{at} section {section.code}", problems)


def check(copy: Path, content: Path) -> list[str]:
    loaded = criteria.load(content)
    sheets = {s.number: s for s in loaded.sheets_for(RULE_SET)}
    problems: list[str] = []
    printed_sheets = parse(copy)
    for printed in printed_sheets:
        sheet = sheets.get(printed.number)
        if sheet is None:
            problems.append(f"set #{printed.number}: no sheet in {content / 'criteria' / RULE_SET}")
            continue
        check_sheet(printed, sheet, problems)
    for number in sorted(set(sheets) - {p.number for p in printed_sheets}):
        problems.append(f"set #{number}: the copy has no such sheet")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check"])
    parser.add_argument("--copy", type=Path, default=DEFAULT_COPY, help="the plain-text copy of the decision")
    parser.add_argument("--content", type=Path, default=Path(__file__).resolve().parents[1] / "content")
    args = parser.parse_args(argv)
    problems = check(args.copy, args.content)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} difference(s) between the sheets and {args.copy}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
