"""Self-assessment score sheets, versioned by rule set (content/criteria/<rule_set>/<product_set>.yaml).

`rule_sets.yaml` lists the rule sets (the decision each one follows) and their star bands; one file per
product set holds its score sheet: parts A/B/C, sections, criteria and the options a producer picks from;
`questions.yaml` holds the producer-friendly question, hint and evidence of each topic, shared by every
sheet whose items are worded alike (a sheet item names its `topic` and may override any of the three).

What a sheet can say, beyond points and options:
- `official`: the decision's wording, kept in full as printed (Vietnamese, never translated: the dossier is
  filed in Vietnamese); `text`/`title` are the short labels a producer reads, translated in the catalogs.
- `min_star` (***, ****, *****), `knock_out` (the answer stops the evaluation), `on_sheet: false` (an answer the
  bot adds, e.g. "none of these"; a bot-added knock-out must rest on a note or requirement printed on the item),
  `waives_minimum` (a bot-added answer under which the item's star minimum does not apply, because the item's
  printed wording makes it compulsory only for some products).
- `applies_when`: the item counts only when another item's answer is one of the listed options; otherwise it
  scores 0 and is not asked ("Chỉ áp dụng khi có câu chuyện sản phẩm").
- `branches` (sheet) and `case` (option): the producer picks one case for the whole sheet; an item's options
  of the other case do not apply (set #26: community tourism vs a tourist site).
- `rejected_when` (sheet): "Hồ sơ bị loại khi …", rules that reject the dossier before any scoring.

Every arithmetic rule of a sheet is checked at load, each problem reported with its file and key. The numbers the
bot scores with must always add up; where the copy of the decision prints a number that disagrees (a blank or
impossible points cell, a garbled maximum, a part heading with the wrong total), the printed text is kept next to
the consistent number (`printed`, `printed_max`, `official`) and the element must be `confirmed: false` with a
`note` saying why; a disagreement not so marked refuses the sheet.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, StrictInt

from bot.content.base import (
    ContentError,
    ContentErrors,
    ContentModel,
    Sourced,
    UText,
    parse_model,
    read_yaml,
)

NAME = "criteria"
FOLDER = "criteria"
RULE_SETS_FILE = "rule_sets.yaml"
QUESTIONS_FILE = "questions.yaml"

OPTION_TEXT_LIMIT = 60
"""Option texts become buttons: longer text goes into the option's `hint`."""

PART_MAXIMA = {"A": 40, "B": 25, "C": 35}
"""QĐ 26/2026 Điều 3.1 (and QĐ 148): Part A 40, Part B 25, Part C 35 points, 100 in all."""

_HEADING_POINTS = re.compile(r"\((\d+) [Đđ]iểm\)")

Points = Annotated[StrictInt, Field(ge=0)]
Code = Annotated[str, Field(pattern=r"^\d+(\.\d+)*$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


# -- rule sets and star bands -------------------------------------------------------------------


class StarBand(ContentModel):
    stars: Literal[1, 2, 3, 4, 5]
    min_points: Points
    """Lowest total in this band; the band ends below the next band's `min_points` (the top band at 100)."""
    recognised: bool
    """Only recognised levels (3★–5★) get a decision and a certificate."""
    certified_by: UText | None = None


class StarBands(Sourced):
    bands: list[StarBand]

    def band_for(self, total: int) -> StarBand:
        """The band a total falls in from points alone (minimum items not considered)."""
        return max((b for b in self.bands if b.min_points <= total), key=lambda b: b.min_points)

    def band(self, stars: int) -> StarBand:
        return next(b for b in self.bands if b.stars == stars)

    @property
    def recognised_levels(self) -> list[int]:
        return sorted(b.stars for b in self.bands if b.recognised)


class RuleSet(Sourced):
    code: str
    title: UText
    decision: str
    date: datetime.date
    status: Literal["current", "previous"]
    note: str | None = None
    stars: StarBands


class RuleSets(ContentModel):
    current: str
    rule_sets: list[RuleSet]

    @cached_property
    def by_code(self) -> dict[str, RuleSet]:
        return {r.code: r for r in self.rule_sets}


# -- the shared question library ----------------------------------------------------------------


class Topic(ContentModel):
    """What the bot asks about items worded alike on several sheets, and what to gather to prove it."""

    question: UText
    hint: UText | None = None
    evidence: list[UText] = Field(min_length=1)
    """What to attach in Mẫu 02 Phần III (its evidence table, Phụ lục III) to claim the points."""


class Questions(ContentModel):
    topics: dict[Slug, Topic]


# -- score sheets -------------------------------------------------------------------------------


class Option(ContentModel):
    text: UText
    """The button label (at most OPTION_TEXT_LIMIT characters)."""
    official: str | None = None
    """The option exactly as printed, in full. For an option the bot adds: the printed note or requirement
    it rests on (required for a bot-added knock-out)."""
    points: Points
    printed: str | None = None
    """The points cell as printed, only where it cannot be scored as printed (blank, above the maximum);
    `points` is then what the bot scores, and the criterion must be `confirmed: false` with a `note`."""
    min_star: Literal[3, 4, 5] | None = None
    """Marked ***/****/***** on the sheet: the least a product needs on this criterion for that level."""
    knock_out: UText | None = None
    """Set when choosing this option stops the evaluation; the text says why."""
    on_sheet: bool = True
    """False for an answer the bot offers that the sheet does not print: a 0-point "none of these", or a
    knock-out resting on a printed note or requirement."""
    waives_minimum: bool = False
    """A bot-added 0-point answer under which this criterion's star minimum does not apply."""
    case: str | None = None
    """For a sheet with `branches`: the case this option belongs to (None: every case)."""
    id: Slug | None = None
    """A name for `applies_when` to refer to."""
    hint: UText | None = None


class Condition(ContentModel):
    """The criterion counts only when `criterion` is answered with one of `options` (their `id`s)."""

    criterion: Code
    options: list[Slug] = Field(min_length=1)
    official: str
    """The printed condition, e.g. "Chỉ áp dụng khi có câu chuyện sản phẩm"."""


class Criterion(ContentModel):
    code: Code
    title: UText
    official: str | None = None
    """The heading as printed, number and explanations included."""
    max: Points
    printed_max: str | None = None
    """The maximum as printed, only where it is garbled (then `confirmed: false` and a `note`)."""
    topic: Slug | None = None
    """The entry of questions.yaml this item's question, hint and evidence come from."""
    question: UText
    hint: UText | None = None
    evidence: list[UText] = Field(min_length=1)
    """What to attach in Mẫu 02 to claim the points."""
    options: list[Option] = Field(min_length=2)
    requirements: list[str] = []
    """Printed "Yêu cầu: …" rows of the item."""
    notes: list[str] = []
    """Printed "Ghi chú: …", "Chú ý: …" and other rows under the item."""
    applies_when: Condition | None = None
    case_headings: dict[str, str] = {}
    """For options with a `case`: the printed heading of each case ("a. Trường hợp 1: …")."""
    confirmed: bool = True
    note: str | None = None
    """For maintainers: why an item is unconfirmed."""

    def options_for(self, case: str | None) -> list[int]:
        """Indexes of the options open in `case` (all of them when no case is chosen)."""
        return [i for i, o in enumerate(self.options) if case is None or o.case in (None, case)]

    def required_points(self, level: int, case: str | None = None) -> int | None:
        """Points needed on this criterion for `level` stars: the option with the highest marker ≤ level
        (among the options of `case`, when the sheet has branches)."""
        open_options = [self.options[i] for i in self.options_for(case)]
        marked = [o for o in open_options if o.min_star is not None and o.min_star <= level]
        return max(marked, key=lambda o: o.min_star or 0).points if marked else None

    @property
    def cases(self) -> list[str]:
        """The cases this criterion's options are split into (empty when it has no branches)."""
        return sorted({o.case for o in self.options if o.case is not None})


class Group(ContentModel):
    """Items numbered under a heading of their own inside a section (6.1 "Ngoại hình": 6.1.1, 6.1.2, …)."""

    code: Code
    title: UText
    official: str | None = None
    max: Points
    criteria: list[Code] = Field(min_length=1)


class Section(ContentModel):
    code: Code
    title: UText
    official: str | None = None
    max: Points
    criteria: list[Criterion] = Field(min_length=1)
    groups: list[Group] = []
    confirmed: bool = True
    note: str | None = None


class Part(ContentModel):
    code: Literal["A", "B", "C"]
    title: UText
    official: str | None = None
    """The part heading as printed, e.g. "SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)"."""
    max: Points
    sections: list[Section] = Field(min_length=1)
    confirmed: bool = True
    note: str | None = None


class Case(ContentModel):
    code: str
    title: UText
    hint: UText | None = None


class Branches(ContentModel):
    """Choose one of several cases once for the whole sheet; each branched item then scores that case only."""

    official: str
    question: UText
    cases: list[Case] = Field(min_length=2)


class RejectionRule(ContentModel):
    id: Slug
    official: str
    """The printed clause, e.g. "Giả mạo hồ sơ"."""
    text: UText
    """What it means for the producer, in plain words."""
    question: UText | None = None
    """A yes/no question whose "yes" means the rule is met (the dossier is not rejected on it)."""
    documents: list[str] = []
    """Ids of documents.yaml items that show the rule is met."""
    note: str | None = None
    """For maintainers: how a garbled clause was read."""


class RejectedWhen(ContentModel):
    official: str
    """The "Hồ sơ bị loại khi: …" line as printed."""
    rules: list[RejectionRule] = Field(min_length=1)
    note: str | None = None


class Sheet(Sourced):
    rule_set: str
    product_set: str
    number: Annotated[StrictInt, Field(ge=1, le=26)]
    title: UText
    wording: Literal["official", "paraphrase"] = "official"
    """"official": every printed option carries its `official` text; "paraphrase": a sheet not transcribed."""
    lines: tuple[int, int] | None = None
    """First and last line of the sheet in the copy the sheet was transcribed from."""
    rejected_when: RejectedWhen | None = None
    branches: Branches | None = None
    parts: list[Part]

    _stars: StarBands | None = PrivateAttr(None)

    @property
    def stars(self) -> StarBands:
        """The star bands of this sheet's rule set (attached by `load`)."""
        if self._stars is None:
            raise LookupError(
                f"sheet {self.rule_set}/{self.product_set} was not loaded through criteria.load"
            )
        return self._stars

    @property
    def max(self) -> int:
        return sum(p.max for p in self.parts)

    def criteria(self) -> list[Criterion]:
        """Every criterion, in sheet order."""
        return [c for _, _, c in self._walk()]

    @property
    def total_count(self) -> int:
        return len(self.criteria())

    def criterion(self, code: str) -> Criterion | None:
        return self._index.get(code, (None, None, None))[2]

    def section_of(self, code: str) -> Section | None:
        return self._index.get(code, (None, None, None))[1]

    def part_of(self, code: str) -> Part | None:
        return self._index.get(code, (None, None, None))[0]

    def group_of(self, code: str) -> Group | None:
        section = self.section_of(code)
        return next((g for g in section.groups if code in g.criteria), None) if section else None

    @property
    def case_codes(self) -> list[str]:
        return [c.code for c in self.branches.cases] if self.branches else []

    @property
    def is_confirmed(self) -> bool:
        """True only when the sheet and every part, section and criterion were checked against the official text."""
        return (
            self.confirmed
            and all(p.confirmed and all(s.confirmed for s in p.sections) for p in self.parts)
            and all(c.confirmed for c in self.criteria())
        )

    def _walk(self) -> Iterator[tuple[Part, Section, Criterion]]:
        for part in self.parts:
            for section in part.sections:
                for criterion in section.criteria:
                    yield part, section, criterion

    @cached_property
    def _index(self) -> dict[str, tuple[Part, Section, Criterion]]:
        return {c.code: (p, s, c) for p, s, c in self._walk()}


class Criteria(ContentModel):
    """All rule sets, the question library and all score sheets."""

    rule_sets: RuleSets
    questions: Questions
    sheets: list[Sheet]

    def sheet(self, rule_set: str, product_set: str) -> Sheet | None:
        return self._by_key.get((rule_set, product_set))

    def sheets_for(self, rule_set: str) -> list[Sheet]:
        return [s for s in self.sheets if s.rule_set == rule_set]

    def rule_set(self, code: str) -> RuleSet | None:
        return self.rule_sets.by_code.get(code)

    @property
    def current_rule_set(self) -> RuleSet:
        return self.rule_sets.by_code[self.rule_sets.current]

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Sheet]:
        return {(s.rule_set, s.product_set): s for s in self.sheets}


# -- checks the models alone cannot express -----------------------------------------------------


def check_rule_sets(rule_sets: RuleSets, path: Path) -> list[ContentError]:
    errors: list[ContentError] = []
    codes = [r.code for r in rule_sets.rule_sets]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(ContentError(path, "rule_sets", f"duplicate rule set code {code!r}"))
    if rule_sets.current not in codes:
        errors.append(ContentError(path, "current", f"{rule_sets.current!r} is not a listed rule set"))
    for i, rule_set in enumerate(rule_sets.rule_sets):
        if (rule_set.status == "current") != (rule_set.code == rule_sets.current):
            errors.append(
                ContentError(path, f"rule_sets.{i}.status", "only the `current` rule set has status current")
            )
        errors.extend(_check_bands(rule_set.stars, path, f"rule_sets.{i}.stars.bands"))
    return errors


def _check_bands(stars: StarBands, path: Path, key: str) -> list[ContentError]:
    errors: list[ContentError] = []
    levels = [b.stars for b in stars.bands]
    if sorted(levels) != [1, 2, 3, 4, 5]:
        return [ContentError(path, key, f"need each star level 1–5 exactly once, got {levels}")]
    ordered = sorted(stars.bands, key=lambda b: b.stars)
    if ordered[0].min_points != 0:
        errors.append(ContentError(path, key, "the 1★ band must start at 0 points"))
    for low, high in zip(ordered, ordered[1:], strict=False):
        if high.min_points <= low.min_points:
            errors.append(ContentError(path, key, f"{high.stars}★ must start above {low.stars}★"))
    if ordered[-1].min_points > 100:
        errors.append(ContentError(path, key, "the 5★ band starts above 100 points"))
    return errors


Report = Callable[[str, str], None]


def _marked_glitch(element: Part | Section | Criterion) -> bool:
    """A printed number that disagrees is accepted only on an unconfirmed element with a note saying why."""
    return not element.confirmed and bool(element.note and element.note.strip())


def check_sheet(sheet: Sheet, path: Path, rule_sets: RuleSets) -> list[ContentError]:
    """Every arithmetic and consistency rule of one sheet; an empty list when it is sound."""
    errors: list[ContentError] = []

    def error(key: str, message: str) -> None:
        errors.append(ContentError(path, key, message))

    if sheet.rule_set != path.parent.name:
        error("rule_set", f"{sheet.rule_set!r} does not match the folder {path.parent.name!r}")
    if sheet.rule_set not in rule_sets.by_code:
        error("rule_set", f"{sheet.rule_set!r} is not in {RULE_SETS_FILE}")
    if sheet.product_set != path.stem:
        error("product_set", f"{sheet.product_set!r} does not match the file name {path.name!r}")
    if [p.code for p in sheet.parts] != list(PART_MAXIMA):
        error("parts", f"parts must be {list(PART_MAXIMA)} in this order, got {[p.code for p in sheet.parts]}")
    if sheet.max != 100:
        error("parts", f"part maxima add up to {sheet.max}, not 100")
    if sheet.lines is not None and sheet.lines[0] >= sheet.lines[1]:
        error("lines", f"the first line {sheet.lines[0]} must come before the last {sheet.lines[1]}")
    _check_branches(sheet, error)
    if sheet.rejected_when is not None:
        ids = [r.id for r in sheet.rejected_when.rules]
        for i, rule_id in enumerate(ids):
            if rule_id in ids[:i]:
                error(f"rejected_when.rules.{i}.id", f"rejection rule id {rule_id!r} is used twice")
    seen: set[str] = set()
    for p, part in enumerate(sheet.parts):
        _check_part(sheet, part, f"parts.{p}", seen, error)
    return errors


def _check_part(sheet: Sheet, part: Part, key: str, seen: set[str], error: Report) -> None:
    expected = PART_MAXIMA.get(part.code)
    if expected is not None and part.max != expected:
        error(f"{key}.max", f"part {part.code} max {part.max} ≠ {expected} (Điều 3.1)")
    section_sum = sum(s.max for s in part.sections)
    if part.max != section_sum:
        error(f"{key}.max", f"part {part.code} max {part.max} ≠ sum of its sections {section_sum}")
    printed = _HEADING_POINTS.search(part.official or "")
    if printed and int(printed[1]) != part.max and not _marked_glitch(part):
        error(
            f"{key}.official",
            f"part {part.code} heading prints {printed[1]} points, max is {part.max}: mark the part "
            "`confirmed: false` with a `note` if the copy says so",
        )
    for s, section in enumerate(part.sections):
        section_key = f"{key}.sections.{s}"
        criteria_sum = sum(c.max for c in section.criteria)
        if section.max != criteria_sum:
            error(
                f"{section_key}.max",
                f"section {section.code} max {section.max} ≠ sum of its criteria {criteria_sum}",
            )
        _check_groups(section, section_key, error)
        for c, criterion in enumerate(section.criteria):
            criterion_key = f"{section_key}.criteria.{c}"
            if criterion.code in seen:
                error(f"{criterion_key}.code", f"criterion code {criterion.code!r} is used twice in this sheet")
            seen.add(criterion.code)
            if criterion.code != section.code and not criterion.code.startswith(f"{section.code}."):
                error(f"{criterion_key}.code", f"criterion {criterion.code} is not numbered under section {section.code}")
            _check_criterion(sheet, criterion, criterion_key, error)


def _check_groups(section: Section, key: str, error: Report) -> None:
    codes = [c.code for c in section.criteria]
    by_code = {c.code: c for c in section.criteria}
    grouped: set[str] = set()
    for g, group in enumerate(section.groups):
        group_key = f"{key}.groups.{g}"
        for code in group.criteria:
            if code not in by_code:
                error(f"{group_key}.criteria", f"group {group.code}: no criterion {code!r} in section {section.code}")
            elif code in grouped:
                error(f"{group_key}.criteria", f"group {group.code}: criterion {code} is in two groups")
            elif not code.startswith(f"{group.code}."):
                error(f"{group_key}.criteria", f"group {group.code}: criterion {code} is not numbered under it")
            grouped.add(code)
        total = sum(by_code[c].max for c in group.criteria if c in by_code)
        if group.max != total:
            error(f"{group_key}.max", f"group {group.code} max {group.max} ≠ sum of its criteria {total}")
        if not set(group.criteria) <= set(codes):
            continue
        positions = [codes.index(c) for c in group.criteria]
        if positions != list(range(positions[0], positions[0] + len(positions))):
            error(f"{group_key}.criteria", f"group {group.code}: list its criteria in sheet order, together")


def _check_branches(sheet: Sheet, error: Report) -> None:
    used = {case for c in sheet.criteria() for case in c.cases}
    defined = sheet.case_codes
    if sheet.branches is not None:
        for i, code in enumerate(defined):
            if code in defined[:i]:
                error(f"branches.cases.{i}.code", f"case {code!r} is defined twice")
        if not used:
            error("branches", "no option belongs to a case: drop `branches`")
    for code in sorted(used - set(defined)):
        error("branches", f"options use case {code!r}, which `branches` does not define")


def _check_criterion(sheet: Sheet, criterion: Criterion, key: str, error: Report) -> None:
    label = f"criterion {criterion.code}"
    glitch_ok = _marked_glitch(criterion)
    if criterion.printed_max is not None:
        if criterion.printed_max == str(criterion.max):
            error(f"{key}.printed_max", f"{label}: printed_max equals max; drop it")
        elif not glitch_ok:
            error(f"{key}.printed_max", f"{label}: a garbled maximum needs `confirmed: false` and a `note`")
    cases = criterion.cases
    for case in cases or [None]:
        _check_options_of_case(criterion, case, key, error)
    if cases:
        if set(cases) != set(sheet.case_codes):
            error(f"{key}.options", f"{label}: options cover cases {cases}, the sheet has {sheet.case_codes}")
        for case in cases:
            if case not in criterion.case_headings:
                error(f"{key}.case_headings", f"{label}: no printed heading for case {case!r}")
    for case in criterion.case_headings:
        if case not in cases:
            error(f"{key}.case_headings.{case}", f"{label}: no option belongs to case {case!r}")
    printed_texts = set(criterion.notes) | set(criterion.requirements)
    ids = [o.id for o in criterion.options if o.id is not None]
    for i, option in enumerate(criterion.options):
        option_key = f"{key}.options.{i}"
        if len(option.text) > OPTION_TEXT_LIMIT:
            error(
                f"{option_key}.text",
                f"{label}: option text has {len(option.text)} characters "
                f"(at most {OPTION_TEXT_LIMIT}; put the rest in `hint`)",
            )
        if option.id is not None and ids.count(option.id) > 1:
            error(f"{option_key}.id", f"{label}: option id {option.id!r} is used twice")
        if option.points > criterion.max:
            error(f"{option_key}.points", f"{label}: {option.points} points is above the maximum {criterion.max}")
        if option.knock_out is not None and (option.points != 0 or option.min_star is not None):
            error(option_key, f"{label}: a knock-out option scores 0 and carries no star marker")
        if option.on_sheet:
            if sheet.wording == "official" and not option.official:
                error(f"{option_key}.official", f"{label}: an option printed on the sheet needs its `official` text")
            if option.waives_minimum:
                error(f"{option_key}.waives_minimum", f"{label}: only an option the bot adds can waive a minimum")
        else:
            if option.points != 0 or option.min_star is not None:
                error(option_key, f"{label}: an option not on the sheet scores 0 and carries no star marker")
            if option.knock_out is not None and option.official not in printed_texts:
                error(
                    f"{option_key}.official",
                    f"{label}: a knock-out the bot adds must quote, in `official`, a printed note or requirement "
                    "of this criterion",
                )
            if option.waives_minimum and option.knock_out is not None:
                error(option_key, f"{label}: a knock-out cannot waive a minimum")
        if option.printed is not None:
            if option.printed == str(option.points):
                error(f"{option_key}.printed", f"{label}: printed equals points; drop it")
            elif not glitch_ok:
                error(f"{option_key}.printed", f"{label}: a points cell scored otherwise than printed needs "
                      "`confirmed: false` and a `note` on the criterion")
    if criterion.applies_when is not None:
        _check_condition(sheet, criterion, key, error)


def _check_options_of_case(criterion: Criterion, case: str | None, key: str, error: Report) -> None:
    label = f"criterion {criterion.code}" + (f" (case {case})" if case else "")
    indexes = criterion.options_for(case)
    scored = [(i, criterion.options[i]) for i in indexes if criterion.options[i].knock_out is None]
    if not scored:
        error(f"{key}.options", f"{label}: every option is a knock-out")
        return
    top = max(o.points for _, o in scored)
    if criterion.max != top:
        error(f"{key}.max", f"{label}: max {criterion.max} ≠ highest option {top}")
    for (_, low), (i, high) in zip(scored, scored[1:], strict=False):
        if high.points < low.points:
            error(f"{key}.options.{i}.points", f"{label}: options must be listed from fewest to most points")
    marked = sorted((o.points, o.min_star, i) for i, o in scored if o.min_star)
    for (low_points, low_star, _), (high_points, high_star, i) in zip(marked, marked[1:], strict=False):
        if high_points <= low_points or high_star <= low_star:
            error(
                f"{key}.options.{i}.min_star",
                f"{label}: star markers must rise with points "
                f"({low_star}★ at {low_points} points, {high_star}★ at {high_points})",
            )


def _check_condition(sheet: Sheet, criterion: Criterion, key: str, error: Report) -> None:
    condition = criterion.applies_when
    assert condition is not None
    codes = [c.code for c in sheet.criteria()]
    target = sheet.criterion(condition.criterion)
    if target is None:
        error(f"{key}.applies_when.criterion", f"criterion {criterion.code}: no criterion {condition.criterion!r}")
        return
    if codes.index(condition.criterion) >= codes.index(criterion.code):
        error(
            f"{key}.applies_when.criterion",
            f"criterion {criterion.code}: its condition must be on a criterion asked before it",
        )
    ids = {o.id for o in target.options if o.id}
    for j, option_id in enumerate(condition.options):
        if option_id not in ids:
            error(
                f"{key}.applies_when.options.{j}",
                f"criterion {criterion.code}: criterion {target.code} has no option {option_id!r}",
            )


# -- loading --------------------------------------------------------------------------------------


def _resolve_topics(data: Any, topics: dict[str, Topic], path: Path, used: set[str]) -> list[ContentError]:
    """Fill each item's question, hint and evidence from its topic where the sheet does not set them;
    add the topics named to `used`."""
    errors: list[ContentError] = []
    if not isinstance(data, dict):
        return errors
    for p, part in enumerate(data.get("parts") or []):
        for s, section in enumerate((part or {}).get("sections") or []):
            for c, item in enumerate((section or {}).get("criteria") or []):
                if not isinstance(item, dict) or "topic" not in item:
                    continue
                used.add(str(item["topic"]))
                topic = topics.get(item["topic"])
                if topic is None:
                    key = f"parts.{p}.sections.{s}.criteria.{c}.topic"
                    errors.append(ContentError(path, key, f"no topic {item['topic']!r} in {QUESTIONS_FILE}"))
                    continue
                for field in ("question", "hint", "evidence"):
                    value = getattr(topic, field)
                    if field not in item and value is not None:
                        item[field] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return errors


def topic_names_or_none(root: Path) -> set[str] | None:
    """The topic names of criteria/questions.yaml (for other content naming sheet topics); None if broken."""
    path = root / FOLDER / QUESTIONS_FILE
    try:
        return set(parse_model(Questions, read_yaml(path), path).topics)
    except ContentErrors:
        return None


def load(root: Path) -> Criteria:
    """Load rule_sets.yaml, questions.yaml and every sheet under criteria/<rule_set>/; raise ContentErrors
    listing all problems."""
    folder = root / FOLDER
    rules_path = folder / RULE_SETS_FILE
    rule_sets = parse_model(RuleSets, read_yaml(rules_path), rules_path)
    questions_path = folder / QUESTIONS_FILE
    questions = parse_model(Questions, read_yaml(questions_path), questions_path)
    errors = check_rule_sets(rule_sets, rules_path)
    sheets: list[Sheet] = []
    used_topics: set[str] = set()
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if sub.name not in rule_sets.by_code:
            errors.append(ContentError(sub, "", f"folder {sub.name!r} is not a rule set in {RULE_SETS_FILE}"))
        numbers: dict[int, str] = {}
        for path in sorted(sub.glob("*.yaml")):
            data = read_yaml(path)
            problems = _resolve_topics(data, questions.topics, path, used_topics)
            try:
                sheet = parse_model(Sheet, data, path)
            except ContentErrors as exc:
                errors.extend(problems + exc.errors)
                continue
            problems += check_sheet(sheet, path, rule_sets)
            if sheet.number in numbers:
                problems.append(ContentError(path, "number", f"set #{sheet.number} is also {numbers[sheet.number]}"))
            numbers[sheet.number] = path.name
            errors.extend(problems)
            if not problems:
                sheet._stars = rule_sets.by_code[sheet.rule_set].stars
                sheets.append(sheet)
    for topic in sorted(set(questions.topics) - used_topics):
        errors.append(ContentError(questions_path, f"topics.{topic}", "no sheet uses this topic"))
    if errors:
        raise ContentErrors(errors)
    return Criteria(rule_sets=rule_sets, questions=questions, sheets=sheets)
