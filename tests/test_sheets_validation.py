"""A broken score sheet is refused at load, every problem with its file and key: points above the maximum,
sections or parts that do not add up, star markers where they cannot be, conditions on missing items, the copy's
glitches left unmarked, knock-outs the sheet does not print, topics, cases and set numbers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.content import DEFAULT_ROOT, criteria
from bot.content.base import ContentErrors

CONTENT = Path(__file__).resolve().parents[1] / "content"
SET_7 = Path("criteria/qd26-2026/I.3.c.yaml")  # 1.1 is parts.0.sections.0.criteria.0; 5.2 is parts.1.sections.1.criteria.1
SET_23 = Path("criteria/qd26-2026/V.1.yaml")
SET_26 = Path("criteria/qd26-2026/VI.1.yaml")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT / "criteria", tmp_path / "criteria")
    return tmp_path


def edit(root: Path, sheet: Path, change: Callable[[dict], None]) -> str:
    path = root / sheet
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def refused(root: Path) -> set[tuple[str, str]]:
    with pytest.raises(ContentErrors) as caught:
        criteria.load(root)
    return {(e.file, e.key) for e in caught.value.errors}


def item(data: dict, part: int, section: int, criterion: int) -> dict:
    return data["parts"][part]["sections"][section]["criteria"][criterion]


def test_the_real_sheets_load(root: Path) -> None:
    loaded = criteria.load(root)
    assert sorted(s.number for s in loaded.sheets_for("qd26-2026")) == list(range(1, 27))


def test_points_over_the_maximum_are_refused(root: Path) -> None:
    def over(data: dict) -> None:
        item(data, 0, 0, 0)["options"][4]["points"] = 4  # 1.1 "75% to 100%": 3 of 3 → 4

    path = edit(root, SET_7, over)
    key = "parts.0.sections.0.criteria.0"
    assert {(path, f"{key}.options.4.points"), (path, f"{key}.max")} <= refused(root)


def test_a_section_that_does_not_add_up_is_refused(root: Path) -> None:
    def widen(data: dict) -> None:
        data["parts"][0]["sections"][1]["max"] = 11  # section 2: its items give 10

    path = edit(root, SET_7, widen)
    assert refused(root) == {(path, "parts.0.sections.1.max"), (path, "parts.0.max")}


def test_parts_that_do_not_make_40_25_35_are_refused(root: Path) -> None:
    def shift(data: dict) -> None:
        data["parts"][2]["max"] = 36  # Part C is 35 (Điều 3.1)

    path = edit(root, SET_7, shift)
    assert {(path, "parts.2.max"), (path, "parts")} <= refused(root)


def test_a_part_missing_is_refused(root: Path) -> None:
    def drop(data: dict) -> None:
        del data["parts"][1]

    path = edit(root, SET_7, drop)
    assert (path, "parts") in refused(root)


def test_a_star_marker_on_an_option_the_sheet_does_not_print_is_refused(root: Path) -> None:
    def mark(data: dict) -> None:
        item(data, 0, 0, 0)["options"][1]["min_star"] = 3  # the bot's "no raw material from the province"

    path = edit(root, SET_7, mark)
    assert (path, "parts.0.sections.0.criteria.0.options.1") in refused(root)


def test_star_markers_that_do_not_rise_with_points_are_refused(root: Path) -> None:
    def swap(data: dict) -> None:
        options = item(data, 0, 0, 4)["options"]  # 1.5: **** at 2 points, ***** at 3
        options[2]["min_star"], options[3]["min_star"] = 5, 4

    path = edit(root, SET_7, swap)
    assert refused(root) == {(path, "parts.0.sections.0.criteria.4.options.3.min_star")}


def test_a_condition_on_a_missing_item_or_option_is_refused(root: Path) -> None:
    def missing_item(data: dict) -> None:
        item(data, 1, 1, 1)["applies_when"]["criterion"] = "5.9"

    path = edit(root, SET_7, missing_item)
    assert refused(root) == {(path, "parts.1.sections.1.criteria.1.applies_when.criterion")}

    def missing_option(data: dict) -> None:
        condition = item(data, 1, 1, 1)["applies_when"]
        condition["criterion"] = "5.1"
        condition["options"] = ["story", "podcast"]

    edit(root, SET_7, missing_option)
    assert refused(root) == {(path, "parts.1.sections.1.criteria.1.applies_when.options.1")}


def test_a_condition_on_a_later_item_is_refused(root: Path) -> None:
    def forward(data: dict) -> None:
        item(data, 1, 1, 1)["applies_when"]["criterion"] = "5.3"

    path = edit(root, SET_7, forward)
    errors = refused(root)
    assert (path, "parts.1.sections.1.criteria.1.applies_when.criterion") in errors


def test_a_glitch_of_the_copy_must_be_marked_unconfirmed_with_a_note(root: Path) -> None:
    def unmark_blank_cell(data: dict) -> None:  # set #7 1.2: a blank points cell scored 0
        criterion = item(data, 0, 0, 1)
        del criterion["confirmed"], criterion["note"]

    def unmark_heading(data: dict) -> None:  # set #26 Part A: "(35 Điểm)" for a part of 40
        del data["parts"][0]["confirmed"], data["parts"][0]["note"]

    def unmark_maximum(data: dict) -> None:  # set #23 item 9: maximum printed "4 / 1"
        criterion = item(data, 2, 3, 0)
        assert criterion["printed_max"] == "4 / 1"
        criterion["note"] = " "

    blank = edit(root, SET_7, unmark_blank_cell)
    heading = edit(root, SET_26, unmark_heading)
    maximum = edit(root, SET_23, unmark_maximum)
    assert refused(root) == {
        (blank, "parts.0.sections.0.criteria.1.options.0.printed"),
        (heading, "parts.0.official"),
        (maximum, "parts.2.sections.3.criteria.0.printed_max"),
    }


def test_a_printed_cell_equal_to_the_points_is_refused(root: Path) -> None:
    def fake(data: dict) -> None:
        item(data, 0, 0, 1)["options"][1]["printed"] = "1"  # 1.2 national certificate: printed 1, scored 1

    path = edit(root, SET_7, fake)
    assert refused(root) == {(path, "parts.0.sections.0.criteria.1.options.1.printed")}


def test_a_knock_out_the_sheet_does_not_print_is_refused(root: Path) -> None:
    def invent(data: dict) -> None:
        options = item(data, 0, 0, 2)["options"]  # 1.3 value added: no note prints a knock-out there
        options.insert(0, {"text": "Không chế biến", "official": "Ghi chú: sản phẩm không chế biến bị loại",
                           "points": 0, "on_sheet": False, "knock_out": "Bị loại."})

    path = edit(root, SET_7, invent)
    assert refused(root) == {(path, "parts.0.sections.0.criteria.2.options.0.official")}


def test_a_printed_option_without_its_wording_is_refused(root: Path) -> None:
    def strip(data: dict) -> None:
        del item(data, 0, 0, 2)["options"][0]["official"]

    path = edit(root, SET_7, strip)
    assert refused(root) == {(path, "parts.0.sections.0.criteria.2.options.0.official")}


def test_duplicate_codes_and_set_numbers_are_refused(root: Path) -> None:
    def twice(data: dict) -> None:
        item(data, 0, 0, 1)["code"] = "1.1"

    def renumber(data: dict) -> None:
        data["number"] = 7

    sheet_7 = edit(root, SET_7, twice)
    sheet_1 = edit(root, Path("criteria/qd26-2026/I.1.a.yaml"), renumber)
    errors = refused(root)
    assert (sheet_7, "parts.0.sections.0.criteria.1.code") in errors
    assert (sheet_7, "number") in errors or (sheet_1, "number") in errors


def test_unknown_and_unused_topics_are_refused(root: Path) -> None:
    def unknown(data: dict) -> None:
        item(data, 0, 0, 2)["topic"] = "no-such-topic"

    path = edit(root, SET_7, unknown)
    questions = root / "criteria" / "questions.yaml"
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    data["topics"]["spare"] = {"question": "Câu hỏi thừa?", "evidence": ["Không có"]}
    questions.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    errors = refused(root)
    # the item has no question or evidence of its own either: those are reported at their keys too
    assert {(path, "parts.0.sections.0.criteria.2.topic"), (str(questions), "topics.spare")} <= errors
    assert {key for file, key in errors if file == path} <= {
        "parts.0.sections.0.criteria.2.topic", "parts.0.sections.0.criteria.2.question",
        "parts.0.sections.0.criteria.2.evidence"}


def test_cases_must_be_defined_and_cover_every_branched_item(root: Path) -> None:
    def drop_branches(data: dict) -> None:
        del data["branches"]

    path = edit(root, SET_26, drop_branches)
    assert (path, "branches") in refused(root)

    def one_case_only(data: dict) -> None:
        options = item(data, 2, 2, 0)["options"]  # item 8: cases 1 and 2
        item(data, 2, 2, 0)["options"] = [o for o in options if o.get("case") != "2"]

    shutil.copy(CONTENT / SET_26, root / SET_26)
    edit(root, SET_26, one_case_only)
    errors = refused(root)
    assert (path, "parts.2.sections.2.criteria.0.options") in errors
    assert (path, "parts.2.sections.2.criteria.0.case_headings.2") in errors


def test_content_check_names_the_broken_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, broken)

    def over(data: dict) -> None:
        item(data, 2, 0, 0)["options"][-1]["points"] = 9  # set #7 6.1 "Sạch, không phát hiện tạp chất": 2 → 9

    edit(broken, SET_7, over)
    assert main(["content", "check", "--dir", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "I.3.c.yaml" in err and "parts.2.sections.0.criteria.0.options.3.points" in err
