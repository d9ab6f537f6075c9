"""Self-assessment scoring: points, star level, missing minimum items, knock-outs and what to improve first.

Pure functions over a loaded `Sheet` (bot/content/criteria.py) and the producer's answers,
`{criterion_code: option_index}`. An unanswered criterion scores 0 and meets no minimum.

A criterion with `applies_when` counts only when the criterion it names is answered with one of the listed
options; otherwise it scores 0, has no minimum and is not "unanswered" (its answer, if any, is ignored).

A sheet with `branches` is scored in one case: the `case` argument, or else the case of the branched options
answered so far (answers from two different cases are refused). Options of the other case are not offered and
do not count; before any case is known every option is open.

A star level s is awarded when the total reaches the band of s AND every criterion that applies reaches the
option with the highest marker ≤ s (the ***, ****, ***** items of the sheet), unless its answer waives that
minimum; the award is the highest such recognised level. A knock-out answer stops the evaluation: no star,
whatever the points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.content.criteria import Criterion, Sheet

Answers = Mapping[str, int]


@dataclass(frozen=True)
class SectionScore:
    code: str
    points: int
    max: int


@dataclass(frozen=True)
class PartScore:
    code: str
    points: int
    max: int
    sections: tuple[SectionScore, ...]


@dataclass(frozen=True)
class MissingMinimum:
    """A criterion below the minimum for `level` stars, and the lowest option that would meet it."""

    criterion_code: str
    level: int
    current_option: int | None
    current_points: int
    required_points: int
    needed_option: int


@dataclass(frozen=True)
class Result:
    total: int
    max: int
    parts: tuple[PartScore, ...]
    band_stars: int
    """The star band of the total from points alone (1–5), minimum items not considered."""
    stars: int | None
    """The recognised star level awarded (3–5), or None: no star, no certificate."""
    knocked_out: bool
    knock_outs: tuple[str, ...]
    """Codes of the criteria whose knock-out option was chosen."""
    next_stars: int | None
    """The next recognised level above `stars` (3 when there is none yet), or None at the top."""
    points_to_next: int
    """Points still missing to reach the band of `next_stars` (0 when the band is reached)."""
    missing_for_next: tuple[MissingMinimum, ...]
    unanswered: tuple[str, ...]
    not_applicable: tuple[str, ...] = ()
    """Codes of the criteria that do not apply to these answers (their condition is not met)."""
    case: str | None = None
    """The case the sheet was scored in (sheets with branches), or None."""

    @property
    def complete(self) -> bool:
        return not self.unanswered


@dataclass(frozen=True)
class Improvement:
    """One change of answer worth making: from `current_option` to `suggested_option`."""

    criterion_code: str
    current_option: int | None
    suggested_option: int
    points_gained: int
    reason: str
    """"knock_out" (leaves a knock-out answer), "minimum" (meets a missing minimum for the next star)
    or "points" (the most points this criterion can still give)."""
    unlocks_stars: int | None
    """The star level this change alone would award, when higher than the current one."""
    criterion: Criterion = field(compare=False, repr=False)


def case_of(sheet: Sheet, answers: Answers, case: str | None = None) -> str | None:
    """The case the answers are in: `case` when given, else the case of any branched option answered.

    Raises ValueError for an unknown case or for answers from two cases (or from a case other than `case`)."""
    if case is not None and case not in sheet.case_codes:
        raise ValueError(f"sheet {sheet.rule_set}/{sheet.product_set} has no case {case!r}")
    found: dict[str, str] = {}
    for code, index in answers.items():
        criterion = sheet.criterion(code)
        if criterion is None or not isinstance(index, int) or not 0 <= index < len(criterion.options):
            continue
        option_case = criterion.options[index].case
        if option_case is not None:
            found.setdefault(option_case, code)
    if case is not None and set(found) - {case}:
        other = next(c for c in found if c != case)
        raise ValueError(f"criterion {found[other]} is answered in case {other!r}, not {case!r}")
    if len(found) > 1:
        raise ValueError(f"answers come from several cases: {sorted(found)}")
    return case if case is not None else next(iter(found), None)


def check_answers(sheet: Sheet, answers: Answers, case: str | None = None) -> None:
    """Raise ValueError for an unknown criterion code, an option index out of range, or answers from two cases."""
    for code, index in answers.items():
        criterion = sheet.criterion(code)
        if criterion is None:
            raise ValueError(f"no criterion {code!r} in sheet {sheet.rule_set}/{sheet.product_set}")
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(criterion.options):
            raise ValueError(f"criterion {code}: no option {index!r}")
    case_of(sheet, answers, case)


def applies(sheet: Sheet, criterion: Criterion, answers: Answers) -> bool:
    """True unless the criterion's condition names an answer it does not have (unanswered counts as not met)."""
    condition = criterion.applies_when
    if condition is None:
        return True
    target = sheet.criterion(condition.criterion)
    index = answers.get(condition.criterion)
    if target is None or index is None:
        return False
    return target.options[index].id in condition.options and applies(sheet, target, answers)


def not_applicable(sheet: Sheet, answers: Answers) -> tuple[str, ...]:
    """Codes of the criteria whose condition these answers do not meet, in sheet order."""
    return tuple(c.code for c in sheet.criteria() if not applies(sheet, c, answers))


def unanswered(sheet: Sheet, answers: Answers) -> tuple[str, ...]:
    """Codes of the criteria that apply and have no answer yet, in sheet order."""
    return tuple(c.code for c in sheet.criteria() if c.code not in answers and applies(sheet, c, answers))


def is_complete(sheet: Sheet, answers: Answers) -> bool:
    """True when every criterion that applies has an answer."""
    return not unanswered(sheet, answers)


def open_options(sheet: Sheet, criterion: Criterion, answers: Answers, case: str | None = None) -> list[int]:
    """Indexes of the options to offer for this criterion: those of the answers' case (all when none is known)."""
    return criterion.options_for(case_of(sheet, answers, case))


def points_of(criterion: Criterion, answers: Answers, sheet: Sheet | None = None) -> int:
    """Points of the chosen option; 0 when unanswered or (given the sheet) when the criterion does not apply."""
    index = answers.get(criterion.code)
    if index is None or (sheet is not None and not applies(sheet, criterion, answers)):
        return 0
    return criterion.options[index].points


def knock_outs(sheet: Sheet, answers: Answers) -> tuple[str, ...]:
    """Codes of the criteria that apply and are answered with a knock-out option, in sheet order."""
    return tuple(
        c.code
        for c in sheet.criteria()
        if c.code in answers and c.options[answers[c.code]].knock_out is not None and applies(sheet, c, answers)
    )


def missing_minimums(
    sheet: Sheet, answers: Answers, level: int, case: str | None = None
) -> tuple[MissingMinimum, ...]:
    """The criteria that apply and are below the minimum for `level` stars, in sheet order."""
    chosen_case = case_of(sheet, answers, case)
    missing = []
    for criterion in sheet.criteria():
        if not applies(sheet, criterion, answers):
            continue
        index = answers.get(criterion.code)
        if index is not None and criterion.options[index].waives_minimum:
            continue
        required = criterion.required_points(level, chosen_case)
        current = points_of(criterion, answers)
        if required is not None and current < required:
            missing.append(
                MissingMinimum(
                    criterion_code=criterion.code,
                    level=level,
                    current_option=index,
                    current_points=current,
                    required_points=required,
                    needed_option=_lowest_option_reaching(criterion, required, chosen_case),
                )
            )
    return tuple(missing)


def score(sheet: Sheet, answers: Answers, case: str | None = None) -> Result:
    """Points per section, part and total; the star awarded; what is missing for the next star."""
    check_answers(sheet, answers, case)
    chosen_case = case_of(sheet, answers, case)
    parts = _part_scores(sheet, answers)
    total = sum(p.points for p in parts)
    bands = sheet.stars
    knocked = knock_outs(sheet, answers)
    levels = bands.recognised_levels
    stars = None
    if not knocked:
        stars = next(
            (
                level
                for level in reversed(levels)
                if total >= bands.band(level).min_points
                and not missing_minimums(sheet, answers, level, chosen_case)
            ),
            None,
        )
    higher = [level for level in levels if stars is None or level > stars]
    next_stars = higher[0] if higher else None
    return Result(
        total=total,
        max=sheet.max,
        parts=parts,
        band_stars=bands.band_for(total).stars,
        stars=stars,
        knocked_out=bool(knocked),
        knock_outs=knocked,
        next_stars=next_stars,
        points_to_next=max(0, bands.band(next_stars).min_points - total) if next_stars else 0,
        missing_for_next=missing_minimums(sheet, answers, next_stars, chosen_case) if next_stars else (),
        unanswered=unanswered(sheet, answers),
        not_applicable=not_applicable(sheet, answers),
        case=chosen_case,
    )


def best_improvements(
    sheet: Sheet, answers: Answers, n: int = 3, case: str | None = None
) -> tuple[Improvement, ...]:
    """The `n` answer changes worth most, one per answered criterion that applies.

    Order: leaving a knock-out answer; then meeting a missing minimum for the next star (the lowest
    option that meets it); then the most points a criterion can still give. Within each group a change
    that alone awards a higher star comes first, then the larger gain. Unanswered criteria are skipped,
    and only options of the answers' case are suggested."""
    base = score(sheet, answers, case)
    chosen_case = base.case
    target = base.next_stars
    candidates: list[tuple[tuple[int, int, int, int], Improvement]] = []
    for order, criterion in enumerate(sheet.criteria()):
        current = answers.get(criterion.code)
        if current is None or not applies(sheet, criterion, answers):
            continue
        current_points = criterion.options[current].points
        waived = criterion.options[current].waives_minimum
        required = criterion.required_points(target, chosen_case) if target and not waived else None
        if criterion.options[current].knock_out is not None:
            reason = "knock_out"
            suggested = _lowest_option_reaching(criterion, required or 0, chosen_case)
        elif required is not None and current_points < required:
            reason, suggested = "minimum", _lowest_option_reaching(criterion, required, chosen_case)
        else:
            reason, suggested = "points", _top_option(criterion, chosen_case)
            if criterion.options[suggested].points <= current_points:
                continue
        gained = criterion.options[suggested].points - current_points
        changed = score(sheet, {**answers, criterion.code: suggested}, chosen_case).stars
        unlocks = changed if changed is not None and (base.stars is None or changed > base.stars) else None
        improvement = Improvement(
            criterion_code=criterion.code,
            current_option=current,
            suggested_option=suggested,
            points_gained=gained,
            reason=reason,
            unlocks_stars=unlocks,
            criterion=criterion,
        )
        rank = ("knock_out", "minimum", "points").index(reason)
        candidates.append(((rank, 0 if unlocks else 1, -gained, order), improvement))
    candidates.sort(key=lambda pair: pair[0])
    return tuple(improvement for _, improvement in candidates[:n])


def _part_scores(sheet: Sheet, answers: Answers) -> tuple[PartScore, ...]:
    parts = []
    for part in sheet.parts:
        sections = tuple(
            SectionScore(section.code, sum(points_of(c, answers, sheet) for c in section.criteria), section.max)
            for section in part.sections
        )
        parts.append(PartScore(part.code, sum(s.points for s in sections), part.max, sections))
    return tuple(parts)


def _lowest_option_reaching(criterion: Criterion, points: int, case: str | None = None) -> int:
    """Index of the cheapest scored (non-knock-out) option of `case` worth at least `points`."""
    return min(
        (
            i
            for i in criterion.options_for(case)
            if criterion.options[i].knock_out is None and criterion.options[i].points >= points
        ),
        key=lambda i: criterion.options[i].points,
    )


def _top_option(criterion: Criterion, case: str | None = None) -> int:
    return max(criterion.options_for(case), key=lambda i: criterion.options[i].points)
