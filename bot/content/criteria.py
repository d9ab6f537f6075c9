"""Self-assessment score sheets, versioned by rule set (content/criteria/<rule_set>/<product_set>.yaml).

`rule_sets.yaml` lists the rule sets (the decision each one follows) and their star bands; one file per
product set holds its score sheet: parts A/B/C, sections, criteria and the options a producer picks from.
Every arithmetic rule of a sheet is checked at load, and every problem is reported with its file and key.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

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

OPTION_TEXT_LIMIT = 60
"""Option texts become buttons: longer text goes into the option's `hint`."""

Points = Annotated[StrictInt, Field(ge=0)]


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


# -- score sheets -------------------------------------------------------------------------------


class Option(ContentModel):
    text: UText
    points: Points
    min_star: Literal[3, 4, 5] | None = None
    """Marked ***/****/***** on the sheet: the least a product needs on this criterion for that level."""
    knock_out: UText | None = None
    """Set when choosing this option stops the evaluation; the text says why."""
    on_sheet: bool = True
    """False for a 0-point "none of these" answer the bot offers where the sheet lists no 0-point level
    (not meeting any listed level scores nothing); it is not an official option."""
    hint: UText | None = None


class Criterion(ContentModel):
    code: str
    title: UText
    max: Points
    question: UText
    hint: UText | None = None
    evidence: list[UText] = Field(min_length=1)
    """What to attach in Mẫu 02 to claim the points."""
    options: list[Option] = Field(min_length=2)
    confirmed: bool = True
    note: str | None = None
    """For maintainers: why an item is unconfirmed."""

    def required_points(self, level: int) -> int | None:
        """Points needed on this criterion for `level` stars: the option with the highest marker ≤ level."""
        marked = [o for o in self.options if o.min_star is not None and o.min_star <= level]
        return max(marked, key=lambda o: o.min_star or 0).points if marked else None


class Section(ContentModel):
    code: str
    title: UText
    max: Points
    criteria: list[Criterion] = Field(min_length=1)


class Part(ContentModel):
    code: Literal["A", "B", "C"]
    title: UText
    max: Points
    sections: list[Section] = Field(min_length=1)


class Sheet(Sourced):
    rule_set: str
    product_set: str
    number: Annotated[StrictInt, Field(ge=1, le=26)]
    title: UText
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

    @property
    def is_confirmed(self) -> bool:
        """True only when the sheet and every criterion were checked against the official text."""
        return self.confirmed and all(c.confirmed for c in self.criteria())

    def _walk(self) -> Iterator[tuple[Part, Section, Criterion]]:
        for part in self.parts:
            for section in part.sections:
                for criterion in section.criteria:
                    yield part, section, criterion

    @cached_property
    def _index(self) -> dict[str, tuple[Part, Section, Criterion]]:
        return {c.code: (p, s, c) for p, s, c in self._walk()}


class Criteria(ContentModel):
    """All rule sets and all score sheets."""

    rule_sets: RuleSets
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
    if sheet.max != 100:
        error("parts", f"part maxima add up to {sheet.max}, not 100")
    seen: set[str] = set()
    for p, part in enumerate(sheet.parts):
        part_key = f"parts.{p}"
        section_sum = sum(s.max for s in part.sections)
        if part.max != section_sum:
            error(f"{part_key}.max", f"part {part.code} max {part.max} ≠ sum of its sections {section_sum}")
        for s, section in enumerate(part.sections):
            section_key = f"{part_key}.sections.{s}"
            criteria_sum = sum(c.max for c in section.criteria)
            if section.max != criteria_sum:
                error(
                    f"{section_key}.max",
                    f"section {section.code} max {section.max} ≠ sum of its criteria {criteria_sum}",
                )
            for c, criterion in enumerate(section.criteria):
                criterion_key = f"{section_key}.criteria.{c}"
                if criterion.code in seen:
                    error(
                        f"{criterion_key}.code",
                        f"criterion code {criterion.code!r} is used twice in this sheet",
                    )
                seen.add(criterion.code)
                _check_criterion(criterion, criterion_key, error)
    return errors


def _check_criterion(criterion: Criterion, key: str, error: Callable[[str, str], None]) -> None:
    label = f"criterion {criterion.code}"
    top = max(o.points for o in criterion.options)
    if criterion.max != top:
        error(f"{key}.max", f"{label}: max {criterion.max} ≠ highest option {top}")
    scored = [(i, o) for i, o in enumerate(criterion.options) if o.knock_out is None]
    if not scored:
        error(f"{key}.options", f"{label}: every option is a knock-out")
    for (_, low), (i, high) in zip(scored, scored[1:], strict=False):
        if high.points < low.points:
            error(f"{key}.options.{i}.points", f"{label}: options must be listed from fewest to most points")
    for i, option in enumerate(criterion.options):
        option_key = f"{key}.options.{i}"
        if len(option.text) > OPTION_TEXT_LIMIT:
            error(
                f"{option_key}.text",
                f"{label}: option text has {len(option.text)} characters "
                f"(at most {OPTION_TEXT_LIMIT}; put the rest in `hint`)",
            )
        if option.knock_out is not None and (option.points != 0 or option.min_star is not None):
            error(option_key, f"{label}: a knock-out option scores 0 and carries no star marker")
        if not option.on_sheet and (option.points, option.min_star, option.knock_out) != (0, None, None):
            error(
                option_key, f"{label}: an option not on the sheet scores 0, with no marker and no knock-out"
            )
    marked = sorted((o.points, o.min_star, i) for i, o in enumerate(criterion.options) if o.min_star)
    for (low_points, low_star, _), (high_points, high_star, i) in zip(marked, marked[1:], strict=False):
        if high_points <= low_points or high_star <= low_star:
            error(
                f"{key}.options.{i}.min_star",
                f"{label}: star markers must rise with points "
                f"({low_star}★ at {low_points} points, {high_star}★ at {high_points})",
            )


# -- loading --------------------------------------------------------------------------------------


def load(root: Path) -> Criteria:
    """Load rule_sets.yaml and every sheet under criteria/<rule_set>/; raise ContentErrors listing all problems."""
    folder = root / FOLDER
    rules_path = folder / RULE_SETS_FILE
    rule_sets = parse_model(RuleSets, read_yaml(rules_path), rules_path)
    errors = check_rule_sets(rule_sets, rules_path)
    sheets: list[Sheet] = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if sub.name not in rule_sets.by_code:
            errors.append(ContentError(sub, "", f"folder {sub.name!r} is not a rule set in {RULE_SETS_FILE}"))
        for path in sorted(sub.glob("*.yaml")):
            try:
                sheet = parse_model(Sheet, read_yaml(path), path)
            except ContentErrors as exc:
                errors.extend(exc.errors)
                continue
            problems = check_sheet(sheet, path, rule_sets)
            errors.extend(problems)
            if not problems:
                sheet._stars = rule_sets.by_code[sheet.rule_set].stars
                sheets.append(sheet)
    if errors:
        raise ContentErrors(errors)
    return Criteria(rule_sets=rule_sets, sheets=sheets)
