"""Score sheets as content (loading, validation) and the scoring rules: bands, minimum items, knock-outs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import criteria
from bot.content.base import ContentErrors
from bot.content.criteria import Criterion, Sheet
from bot.domain import scoring

CONTENT = Path(__file__).resolve().parents[1] / "content"
SHEET_FILE = Path("criteria/qd26-2026/I.3.c.yaml")


@pytest.fixture(scope="module")
def loaded() -> criteria.Criteria:
    return criteria.load(CONTENT)


@pytest.fixture(scope="module")
def sheet(loaded: criteria.Criteria) -> Sheet:
    found = loaded.sheet("qd26-2026", "I.3.c")
    assert found is not None
    return found


# -- building answer sets, independently of bot.domain.scoring --------------------------------------------


def requirement(criterion: Criterion, level: int) -> int:
    """Points the criterion needs for `level`: the option with the highest marker ≤ level (0 if none)."""
    marked = [(o.min_star, o.points) for o in criterion.options if o.min_star and o.min_star <= level]
    return max(marked)[1] if marked else 0


def scored_options(criterion: Criterion) -> list[int]:
    return [i for i, o in enumerate(criterion.options) if o.knock_out is None]


def answers_reaching(
    sheet: Sheet, level: int, target: int, fixed: dict[str, int] | None = None
) -> dict[str, int]:
    """Answers meeting every minimum of `level` (except the `fixed` ones) whose total is exactly `target`."""
    fixed = fixed or {}
    answers: dict[str, int] = {}
    for c in sheet.criteria():
        ok = [i for i in scored_options(c) if c.options[i].points >= requirement(c, level)]
        answers[c.code] = fixed.get(c.code, min(ok, key=lambda i: c.options[i].points))
    total = sum(c.options[answers[c.code]].points for c in sheet.criteria())
    assert total <= target, f"the {level}★ minimums alone give {total} > {target}"
    for c in sheet.criteria():
        if c.code in fixed:
            continue
        current = c.options[answers[c.code]].points
        room = target - total
        best = max(
            (i for i in scored_options(c) if current <= c.options[i].points <= current + room),
            key=lambda i: c.options[i].points,
        )
        total += c.options[best].points - current
        answers[c.code] = best
    assert total == target, f"could not build exactly {target} points"
    return answers


def top_answers(sheet: Sheet) -> dict[str, int]:
    return {c.code: max(scored_options(c), key=lambda i: c.options[i].points) for c in sheet.criteria()}


def bottom_answers(sheet: Sheet) -> dict[str, int]:
    return {c.code: min(scored_options(c), key=lambda i: c.options[i].points) for c in sheet.criteria()}


def knock_out_index(criterion: Criterion) -> int:
    return next(i for i, o in enumerate(criterion.options) if o.knock_out is not None)


# -- the real content -----------------------------------------------------------------------------


def test_real_content_loads_and_sheet_7_adds_up(loaded: criteria.Criteria, sheet: Sheet) -> None:
    assert loaded.current_rule_set.code == "qd26-2026"
    assert [(p.code, p.max) for p in sheet.parts] == [("A", 40), ("B", 25), ("C", 35)]
    assert sum(c.max for c in sheet.criteria()) == 100
    assert sheet.total_count == len(sheet.criteria()) == 32
    assert [c.code for c in sheet.criteria()][:3] == ["1.1", "1.2", "1.3"]
    assert loaded.sheet("qd148-2023", "I.1.a") is None  # only set #7 is mirrored under QĐ 148


def test_unconfirmed_items_are_marked(loaded: criteria.Criteria, sheet: Sheet) -> None:
    assert sheet.confirmed is False
    assert sheet.criterion("3.1").confirmed is False
    old = loaded.sheet("qd148-2023", "I.3.c")
    assert old is not None and old.confirmed is False
    assert all(not c.confirmed for c in old.criteria())
    assert [p.max for p in old.parts] == [40, 25, 35]


def test_knock_out_options_are_where_the_reference_puts_them(sheet: Sheet) -> None:
    with_knock_out = [c.code for c in sheet.criteria() if any(o.knock_out for o in c.options)]
    assert with_knock_out == ["1.1", "2.1", "6.1"]


# -- points and stars -----------------------------------------------------------------------------


def test_all_top_answers_give_100_and_five_stars(sheet: Sheet) -> None:
    result = scoring.score(sheet, top_answers(sheet))
    assert result.total == 100
    assert [p.points for p in result.parts] == [40, 25, 35]
    assert result.stars == 5
    assert result.next_stars is None and result.missing_for_next == ()
    assert result.complete


def test_all_bottom_answers_give_no_star(sheet: Sheet) -> None:
    result = scoring.score(sheet, bottom_answers(sheet))
    assert result.stars is None
    assert not result.knocked_out
    assert result.total < 30 and result.band_stars == 1
    assert result.next_stars == 3
    assert {m.criterion_code for m in result.missing_for_next} >= {"2.2", "8", "9"}


@pytest.mark.parametrize(
    ("level", "below", "stars_below", "at"),
    [(3, 49, None, 50), (4, 69, 3, 70), (5, 89, 4, 90)],
)
def test_band_boundaries(sheet: Sheet, level: int, below: int, stars_below: int | None, at: int) -> None:
    under = scoring.score(sheet, answers_reaching(sheet, level, below))
    assert under.total == below
    assert under.stars == stars_below
    assert under.missing_for_next == () and under.points_to_next == 1
    reached = scoring.score(sheet, answers_reaching(sheet, level, at))
    assert reached.total == at
    assert reached.stars == level


def test_section_and_part_points_add_up(sheet: Sheet) -> None:
    result = scoring.score(sheet, answers_reaching(sheet, 4, 75))
    for part in result.parts:
        assert part.points == sum(s.points for s in part.sections)
    assert result.total == sum(p.points for p in result.parts) == 75


def test_75_points_missing_a_four_star_minimum_gives_three_stars(sheet: Sheet) -> None:
    food_safety_only = next(i for i, o in enumerate(sheet.criterion("9").options) if o.min_star == 3)
    answers = answers_reaching(sheet, 4, 75, fixed={"9": food_safety_only})
    result = scoring.score(sheet, answers)
    assert result.total == 75
    assert result.band_stars == 4
    assert result.stars == 3
    assert result.next_stars == 4
    assert [m.criterion_code for m in result.missing_for_next] == ["9"]
    missing = result.missing_for_next[0]
    assert sheet.criterion("9").options[missing.needed_option].min_star == 4


def test_75_points_missing_a_three_star_minimum_too_gives_no_star(sheet: Sheet) -> None:
    no_declaration = next(i for i, o in enumerate(sheet.criterion("8").options) if o.points == 0)
    answers = answers_reaching(sheet, 4, 75, fixed={"8": no_declaration})
    result = scoring.score(sheet, answers)
    assert result.total == 75
    assert result.stars is None
    assert [m.criterion_code for m in result.missing_for_next] == ["8"]


def test_best_improvements_put_the_missing_minimum_first(sheet: Sheet) -> None:
    options = sheet.criterion("9").options
    food_safety_only = next(i for i, o in enumerate(options) if o.min_star == 3)
    answers = answers_reaching(sheet, 4, 75, fixed={"9": food_safety_only})
    best = scoring.best_improvements(sheet, answers, n=3)
    assert len(best) == 3
    first = best[0]
    assert (first.criterion_code, first.reason, first.current_option) == ("9", "minimum", food_safety_only)
    assert options[first.suggested_option].min_star == 4
    assert first.points_gained == options[first.suggested_option].points - options[food_safety_only].points
    assert first.unlocks_stars == 4
    assert all(b.reason == "points" and b.points_gained > 0 for b in best[1:])
    assert best[1].points_gained >= best[2].points_gained


def test_a_missing_minimum_ranks_first_even_when_other_changes_gain_more(sheet: Sheet) -> None:
    options = sheet.criterion("9").options
    food_safety_only = next(i for i, o in enumerate(options) if o.min_star == 3)
    answers = answers_reaching(sheet, 4, 60, fixed={"9": food_safety_only})
    result = scoring.score(sheet, answers)
    assert (result.total, result.stars, result.points_to_next) == (60, 3, 10)
    best = scoring.best_improvements(sheet, answers, n=3)
    assert [b.reason for b in best] == ["minimum", "points", "points"]
    assert best[0].criterion_code == "9" and best[0].unlocks_stars is None
    assert best[1].points_gained > best[0].points_gained


@pytest.mark.parametrize("code", ["1.1", "2.1", "6.1"])
def test_knock_out_answer_ends_knocked_out(sheet: Sheet, code: str) -> None:
    answers = top_answers(sheet)
    answers[code] = knock_out_index(sheet.criterion(code))
    result = scoring.score(sheet, answers)
    assert result.knocked_out
    assert result.knock_outs == (code,)
    assert result.stars is None
    assert scoring.best_improvements(sheet, answers, n=1)[0].reason == "knock_out"


def test_completeness_and_bad_answers(sheet: Sheet) -> None:
    answers = top_answers(sheet)
    assert scoring.is_complete(sheet, answers)
    del answers["5.2"]
    assert not scoring.is_complete(sheet, answers)
    assert scoring.unanswered(sheet, answers) == ("5.2",)
    assert scoring.score(sheet, answers).unanswered == ("5.2",)
    with pytest.raises(ValueError):
        scoring.score(sheet, {"99.9": 0})
    with pytest.raises(ValueError):
        scoring.score(sheet, {"1.1": 17})


# -- content validation -----------------------------------------------------------------------------


def copy_content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT / "criteria", tmp_path / "criteria")
    return tmp_path


def edit_sheet(root: Path, change) -> Path:
    path = root / SHEET_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def errors_of(root: Path) -> list:
    with pytest.raises(ContentErrors) as caught:
        criteria.load(root)
    return caught.value.errors


def test_a_section_that_does_not_add_up_fails_with_file_and_key(tmp_path: Path) -> None:
    root = copy_content(tmp_path)

    def break_section(data: dict) -> None:
        data["parts"][0]["sections"][1]["max"] = 11  # section 2 (product development): its criteria give 10

    path = edit_sheet(root, break_section)
    errors = errors_of(root)
    section = [e for e in errors if e.key == "parts.0.sections.1.max"]
    assert len(section) == 1
    assert section[0].file == str(path)
    assert str(path) in str(section[0])
    # every problem is listed: part A's sections no longer add up to its 40 either
    assert {(e.file, e.key) for e in errors} == {
        (str(path), "parts.0.sections.1.max"),
        (str(path), "parts.0.max"),
    }


def test_star_markers_out_of_order_fail(tmp_path: Path) -> None:
    root = copy_content(tmp_path)

    def swap_markers(data: dict) -> None:
        options = data["parts"][0]["sections"][0]["criteria"][4]["options"]  # 1.5: 4★ at 2, 5★ at 3
        options[2]["min_star"], options[3]["min_star"] = 5, 4

    path = edit_sheet(root, swap_markers)
    errors = errors_of(root)
    assert [(e.file, e.key) for e in errors] == [
        (str(path), "parts.0.sections.0.criteria.4.options.3.min_star")
    ]


def test_other_sheet_rules_are_checked_in_every_file(tmp_path: Path) -> None:
    root = copy_content(tmp_path)

    def break_arithmetic(data: dict) -> None:
        data["rule_set"] = "qd148-2023"
        first = data["parts"][0]["sections"][0]["criteria"]
        first[1]["code"] = "1.1"
        first[2]["max"] = 4

    def break_types(data: dict) -> None:
        options = data["parts"][0]["sections"][0]["criteria"][3]["options"]
        options[0]["points"] = -1
        options[1]["min_star"] = 6
        options[2]["points"] = 1.5

    edit_sheet(root, break_arithmetic)
    old = root / "criteria/qd148-2023/I.3.c.yaml"
    data = yaml.safe_load(old.read_text(encoding="utf-8"))
    break_types(data)
    old.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = {(Path(e.file).parent.name, e.key) for e in errors_of(root)}
    assert {
        ("qd26-2026", "rule_set"),
        ("qd26-2026", "parts.0.sections.0.criteria.1.code"),
        ("qd26-2026", "parts.0.sections.0.criteria.2.max"),
        ("qd148-2023", "parts.0.sections.0.criteria.3.options.0.points"),
        ("qd148-2023", "parts.0.sections.0.criteria.3.options.1.min_star"),
        ("qd148-2023", "parts.0.sections.0.criteria.3.options.2.points"),
    } <= found


def test_option_text_too_long_and_unknown_rule_set_fail(tmp_path: Path) -> None:
    root = copy_content(tmp_path)

    def long_text(data: dict) -> None:
        data["parts"][0]["sections"][0]["criteria"][3]["options"][2]["text"] = "Q" * 61

    edit_sheet(root, long_text)
    (root / "criteria" / "qd1048-2019").mkdir()
    keys = {(Path(e.file).name, e.key) for e in errors_of(root)}
    assert ("I.3.c.yaml", "parts.0.sections.0.criteria.3.options.2.text") in keys
    assert ("qd1048-2019", "") in keys
