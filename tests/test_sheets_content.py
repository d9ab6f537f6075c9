"""The 26 QĐ 26 score sheets as content: every sheet loads and validates, carries its source and lines in the copy,
and says what the copy says on the points the domain review raised (issue 11 item 6) and on each set's own rules
(sets #3, #6, #12, #21, #23, #24, #26); the copy's self-contradictions are the items marked unconfirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import criteria, documents, load_content
from bot.content.criteria import Criterion, Sheet

CONTENT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture(scope="module")
def loaded() -> criteria.Criteria:
    return criteria.load(CONTENT)


def sheet_no(loaded: criteria.Criteria, number: int) -> Sheet:
    return next(s for s in loaded.sheets_for("qd26-2026") if s.number == number)


def item(sheet: Sheet, code: str) -> Criterion:
    found = sheet.criterion(code)
    assert found is not None, code
    return found


def printed(criterion: Criterion) -> list:
    return [o for o in criterion.options if o.on_sheet]


def test_all_26_sets_have_a_sheet_with_source_and_lines() -> None:
    content = load_content(CONTENT)
    sheets = content.criteria.sheets_for("qd26-2026")
    assert sorted((s.number, s.product_set) for s in sheets) == sorted(
        (p.number, p.code) for p in content.product_sets.sets)
    previous_end = 0
    for sheet in sorted(sheets, key=lambda s: s.number):
        assert sheet.confirmed is False and not sheet.is_confirmed
        assert sheet.wording == "official"
        assert sheet.lines is not None and sheet.lines[0] > previous_end
        previous_end = sheet.lines[1]
        assert sheet.source == (f"QĐ 26/2026/QĐ-TTg, Phụ lục II, bộ sản phẩm số {sheet.number} (bản sao), "
                                f"dòng {sheet.lines[0]}–{sheet.lines[1]}")
        assert [(p.code, p.max) for p in sheet.parts] == [("A", 40), ("B", 25), ("C", 35)]
        for criterion in sheet.criteria():
            assert criterion.official and criterion.topic and criterion.question and criterion.evidence
            assert all(o.official for o in printed(criterion)), (sheet.number, criterion.code)


def test_every_printed_zero_point_option_is_on_the_sheet(loaded: criteria.Criteria) -> None:
    for sheet in loaded.sheets_for("qd26-2026"):
        for criterion in sheet.criteria():
            for option in criterion.options:
                if not option.on_sheet:  # added by the bot: 0 points, and a knock-out only on a printed note
                    assert option.points == 0 and option.min_star is None
                    assert option.knock_out is None or option.official in criterion.notes + criterion.requirements


def test_set_7_says_what_the_copy_says(loaded: criteria.Criteria) -> None:
    """Issue 11 item 6, set #7 (I.3.c), lines 1248–1408."""
    sheet = sheet_no(loaded, 7)
    raw = item(sheet, "1.1")
    # 100% out-of-province raw material meets no printed option; the 3★ option needs some in-province material
    assert all("trong tỉnh" in o.official for o in printed(raw))
    three_stars = next(o for o in raw.options if o.min_star == 3)
    assert three_stars.official == "Có sử dụng nguyên liệu có nguồn gốc trong tỉnh, nhưng có tỷ lệ dưới 50%"
    outside = next(o for o in raw.options if o.text == "Không có nguyên liệu nào từ trong tỉnh")
    assert (outside.on_sheet, outside.points, outside.knock_out) == (False, 0, None)
    # only all-imported or unknown origin is rejected, as the item's note says
    [knock_out] = [o for o in raw.options if o.knock_out]
    assert knock_out.official == raw.notes[0] == (
        "Ghi chú: Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc")
    # "Hồ sơ bị loại khi" is a rejection of the dossier, not a 0-point answer
    assert sheet.rejected_when is not None and sheet.rejected_when.official.startswith("Hồ sơ bị loại khi:")
    assert [r.id for r in sheet.rejected_when.rules] == [
        "falsified-dossier", "food-safety-certificate", "registration-dossier"]
    assert not any("loại khi" in (o.official or "") or "Giả mạo" in (o.official or "")
                   for c in sheet.criteria() for o in c.options)
    # 3.1: 3 points for an HTX or a joint-stock company with ≥ 51% community capital; TNHH and DNTN lower
    organisation = item(sheet, "3.1")
    top = printed(organisation)[-1]
    assert top.points == 3 and top.official.startswith("HTX") and "công ty cổ phần" in top.official
    assert "≥ 51%" in top.official
    company = printed(organisation)[1]
    assert company.official.startswith("Công ty TNHH; hoặc doanh nghiệp tư nhân;") and "<51%" in company.official
    assert company.points == 1 and organisation.confirmed is False and "25 other sheets" in (organisation.note or "")
    # 2.1: the top option is trade tied to a sign of geographical origin, not a registered GI
    idea = printed(item(sheet, "2.1"))[-1]
    assert "thương mại gắn với chỉ dẫn nguồn gốc địa lý" in idea.official and idea.min_star == 4
    # 1.5 speaks of output sold, not of sales revenue
    linkage = item(sheet, "1.5")
    assert sum("sản lượng tiêu thụ" in o.official for o in printed(linkage)) == 3
    assert not any("doanh số" in t for o in linkage.options for t in (o.text, o.official or ""))
    assert "sản lượng" in (linkage.hint or "") and "doanh số" not in linkage.question
    # 0-point options printed on the sheet are on the sheet
    assert (printed(linkage)[0].points, printed(linkage)[0].official) == (
        0, "Không có liên kết hoặc có liên kết nhưng không rõ ràng")


def test_every_other_sheet_gives_2_points_to_a_company_under_51_percent(loaded: criteria.Criteria) -> None:
    for sheet in loaded.sheets_for("qd26-2026"):
        company = next(o for o in item(sheet, "3.1").options if o.official.startswith("Công ty TNHH"))
        assert company.points == (1 if sheet.number == 7 else 2), sheet.number


def test_sets_23_and_24_have_no_quality_declaration_or_lab_test(loaded: criteria.Criteria) -> None:
    for number in (23, 24, 25):
        sheet = sheet_no(loaded, number)
        topics = {c.topic for c in sheet.criteria()}
        assert not topics & {"quality-declaration", "nutrition", "periodic-testing", "herbal-declaration",
                             "supplement-declaration", "quality-assurance"}
        assert not any("CÔNG BỐ" in (c.official or "") or "kiểm nghiệm" in (c.official or "")
                       for c in sheet.criteria())
        control = item(sheet, "8")
        assert control.topic == "internal-control" and "kế hoạch tự kiểm soát" in (control.hint or "")
        assert sheet.rejected_when is not None
        assert [r.id for r in sheet.rejected_when.rules] == ["falsified-dossier", "registration-dossier"]


def test_set_21_needs_the_declaration_only_where_the_law_requires_it(loaded: criteria.Criteria) -> None:
    declaration = item(sheet_no(loaded, 21), "7")
    assert "Áp dụng bắt buộc đối với các sản phẩm phải công bố chất lượng theo quy định" in (declaration.official or "")
    [waiver] = [o for o in declaration.options if o.waives_minimum]
    assert waiver.points == 0 and not waiver.on_sheet
    assert "khi luật yêu cầu" in (declaration.hint or "")
    assert next(o for o in declaration.options if o.min_star == 3).official == "Có công bố chất lượng sản phẩm"


@pytest.mark.parametrize("number", [6, 12])
def test_sets_6_and_12_put_three_stars_on_half_local_raw_material(loaded: criteria.Criteria, number: int) -> None:
    raw = item(sheet_no(loaded, number), "1.1")
    marked = next(o for o in raw.options if o.min_star == 3)
    assert marked.official == "Sử dụng nguyên liệu có nguồn gốc trong tỉnh từ 50% đến dưới 75%"
    assert "từ 50% nguyên liệu trở lên" in (raw.hint or "")


def test_set_3_requires_rice_grown_in_the_province(loaded: criteria.Criteria) -> None:
    origin = item(sheet_no(loaded, 3), "1.1")
    assert origin.requirements == ["Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"]
    [knock_out] = [o for o in origin.options if o.knock_out]
    assert knock_out.official == origin.requirements[0] and not knock_out.on_sheet
    assert "100% sản phẩm được trồng trong tỉnh" in knock_out.knock_out


def test_set_26_has_its_own_part_c_two_cases_and_no_samples(loaded: criteria.Criteria) -> None:
    sheet = sheet_no(loaded, 26)
    part_c = sheet.parts[2]
    codes = [c.code for s in part_c.sections for c in s.criteria]
    assert codes == [str(n) for n in range(6, 18)]  # 12 items, 6 to 17
    assert all(c.topic.startswith("tourism-") for s in part_c.sections for c in s.criteria)
    assert sheet.rejected_when is None  # the tourism sheet prints no "Hồ sơ bị loại khi"
    assert sheet.branches is not None and sheet.case_codes == ["1", "2"]
    assert [c.code for c in sheet.criteria() if c.cases] == ["8", "9", "15"]
    assert item(sheet, "8").case_headings["2"] == "b. Trường hợp 2: Điểm dịch vụ du lịch"
    assert sheet.parts[0].confirmed is False and "35 Điểm" in (sheet.parts[0].official or "")
    content = load_content(CONTENT)
    tourism = content.product_sets.by_code["VI.1"].group
    checklist = documents.checklist(content.documents, "lan-dau", group=tourism)
    assert "mau-san-pham" not in [i.id for i in checklist]  # Điều 6.2.d: no product samples for tourism


def test_tea_is_scored_on_the_brew_and_handicraft_on_finesse(loaded: criteria.Criteria) -> None:
    tea = sheet_no(loaded, 11)
    brew = next(g for s in tea.parts[2].sections for g in s.groups if g.code == "6.2")
    assert brew.official == "6.2 Nước pha" and brew.criteria == ["6.2.1", "6.2.2", "6.2.3"]
    for code in brew.criteria:
        assert "nước pha" in (item(tea, code).hint or "").lower()
    assert item(sheet_no(loaded, 12), "6.5").topic == "tea-brew-taste"
    finesse = item(sheet_no(loaded, 21), "6.1")
    assert finesse.topic == "finesse" and "tinh xảo" in finesse.question
    assert "Tinh xảo" in (finesse.hint or "")


def test_items_worded_alike_share_one_question(loaded: criteria.Criteria) -> None:
    sheets = loaded.sheets_for("qd26-2026")
    questions = {item(s, "3.2").question for s in sheets}
    assert len(questions) == 1  # the legal representative: one text for all 26 sheets
    topics = {c.topic for s in sheets for c in s.criteria()}
    assert len(topics) == len(loaded.questions.topics) < sum(s.total_count for s in sheets) // 5


def test_the_copys_contradictions_are_the_unconfirmed_items(loaded: criteria.Criteria) -> None:
    unconfirmed = {(s.number, c.code) for s in loaded.sheets_for("qd26-2026") for c in s.criteria() if not c.confirmed}
    assert unconfirmed == {
        (7, "3.1"), (4, "7"), (11, "6.1.1"), (4, "1.2"), (7, "1.2"), (10, "1.2"), (11, "1.2"), (23, "9"),
        (10, "8"), (10, "3.5"), (1, "8"), (19, "2.3"), (24, "2.2"), (23, "6.2"),
    }
    parts = {(s.number, p.code) for s in loaded.sheets_for("qd26-2026") for p in s.parts if not p.confirmed}
    assert parts == {(26, "A")}
    for sheet in loaded.sheets_for("qd26-2026"):
        for criterion in sheet.criteria():
            if not criterion.confirmed:
                assert criterion.note and "line" in criterion.note
    nutrition = item(sheet_no(loaded, 4), "7")
    assert [(o.printed, o.points) for o in nutrition.options if o.printed is not None] == [("13", 3)]
    assert item(sheet_no(loaded, 23), "9").printed_max == "4 / 1"
