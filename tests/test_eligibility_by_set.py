"""Eligibility gates, advice and the dossier checklist come from the producer's OWN score sheet (issue 11 item 3),
checked against the real content and the real sheets transcribed from the copy of QĐ 26
(../shared/reference/qd26-2026-copy.txt; line numbers are the copy's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_content
from bot.content.documents import checklist
from bot.content.eligibility import SetFacts, evaluate

ROOT = Path(__file__).resolve().parents[1] / "content"


@pytest.fixture(scope="module")
def content():
    return load_content(ROOT)


def facts(content, code: str) -> SetFacts:
    sheet = content.criteria.sheet("qd26-2026", code)
    assert sheet is not None
    return SetFacts.of(sheet)


def asked(content, code: str) -> list[str]:
    product_set = content.product_sets.by_code[code]
    return [q.id for q in content.eligibility.questions_for(product_set.group, facts(content, code))]


def judge(content, code: str, answers: dict[str, str]):
    return evaluate(content.eligibility, answers, content.product_sets.by_code[code].group, facts(content, code))


def gate_ids(content, code: str) -> list[str]:
    product_set = content.product_sets.by_code[code]
    items = checklist(content.documents, "lan-dau", "hkd", product_set.group, facts(content, code).topics)
    return [i.id for i in items]


def test_flowers_23_have_no_quality_declaration_nor_lab_test(content):
    # Set #23 (copy lines 3821–3956): no "Công bố chất lượng" item; its Part C ends with internal control (item 8).
    questions = asked(content, "V.1")
    assert "quality_declaration" not in questions and "lab_test" not in questions
    assert "product_origin" in questions and "raw_material" not in questions
    ids = gate_ids(content, "V.1")
    assert "cong-bo-chat-luong" not in ids and "phieu-kiem-nghiem" not in ids
    assert "cong-bo-chat-luong" in gate_ids(content, "I.3.c") and "phieu-kiem-nghiem" in gate_ids(content, "I.3.c")
    # an old stored "not declared" answer does not count against a flower grower
    result = judge(content, "V.1", {"quality_declaration": "chua", "lab_test": "chua"})
    assert not {"no-quality-declaration", "no-lab-test"} & {f.id for f in result.findings}


def test_rice_3_asks_rice_grown_in_the_province_and_blocks_otherwise(content):
    # Set #3 item 1.1 (copy line 594): "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh".
    questions = asked(content, "I.2.a")
    assert "product_origin" in questions and "raw_material" not in questions
    result = judge(content, "I.2.a", {"product_origin": "mot-phan"})
    assert result.verdict == "not_eligible"
    assert [f.id for f in result.blockers] == ["product-origin-outside-province"]
    assert judge(content, "I.2.a", {"product_origin": "trong-tinh"}).verdict == "eligible"
    # a processed product is asked for its raw material instead
    assert "raw_material" in asked(content, "I.3.d") and "product_origin" not in asked(content, "I.3.d")


def test_tourism_26_has_no_samples_and_no_product_papers(content):
    ids = gate_ids(content, "VI.1")
    assert "mau-san-pham" not in ids and "cong-bo-chat-luong" not in ids and "phieu-kiem-nghiem" not in ids
    questions = asked(content, "VI.1")
    assert not {"quality_declaration", "lab_test", "label", "raw_material", "product_origin"} & set(questions)
    assert "mau-san-pham" in gate_ids(content, "I.3.d")


def test_set_7_all_raw_material_from_outside_the_province_misses_three_stars(content):
    # Set #7 item 1.1 (copy lines 1261–1265): the 3★ marker is on "Có sử dụng nguyên liệu có nguồn gốc trong tỉnh,
    # nhưng có tỷ lệ dưới 50%***" (line 1262): 100 % from another province meets no printed option.
    result = judge(content, "I.3.c", {"raw_material": "ngoai-tinh"})
    assert result.verdict == "eligible_after_steps"
    (step,) = result.steps
    assert step.id == "raw-material-none-in-province" and step.min_stars == 3
    # some in-province material (under half) only loses points on #7
    result = judge(content, "I.3.c", {"raw_material": "mot-phan"})
    assert result.verdict == "eligible" and [f.id for f in result.findings] == ["raw-material-outside-province"]


@pytest.mark.parametrize(("code", "line"), [("I.3.b", 1095), ("I.5.b", 2103)])
def test_sets_6_and_12_put_the_three_star_marker_on_half_local_raw_material(content, code, line):
    copy = (ROOT.parents[1] / "shared" / "reference" / "qd26-2026-copy.txt")
    if copy.exists():
        assert "từ 50% đến dưới 75%***" in copy.read_text(encoding="utf-8").splitlines()[line - 1]
    result = judge(content, code, {"raw_material": "mot-phan"})
    assert [f.id for f in result.steps] == ["raw-material-under-half"] and result.steps[0].min_stars == 3


def test_under_half_rule_names_exactly_the_sheets_whose_marker_needs_half(content):
    """The rule's only_sets must be the sheets whose 1.1 raw-material 3★ marker sits on the 50–75 % option."""
    rule = next(r for r in content.eligibility.rules if r.id == "raw-material-under-half")
    needing_half = set()
    for sheet in content.criteria.sheets_for("qd26-2026"):
        item = next((c for c in sheet.criteria() if c.topic == "raw-material"), None)
        if item is None:
            continue
        marked = [o for o in item.options if o.min_star == 3]
        if marked and "50%" in (marked[0].official or "") and "dưới 50%" not in (marked[0].official or ""):
            needing_half.add(sheet.product_set)
    assert needing_half == set(rule.only_sets) and {"I.3.b", "I.5.b"} <= needing_half
    other = next(r for r in content.eligibility.rules if r.id == "raw-material-outside-province")
    assert set(other.except_sets) == needing_half


def test_handicraft_21_declaration_only_when_the_law_requires(content):
    # Set #21 item 7 (copy line 3653): "Áp dụng bắt buộc đối với các sản phẩm phải công bố chất lượng theo quy định".
    question = content.eligibility.question_by_id["quality_declaration"]
    offered = [o.code for o in question.options if o.offered_for("IV.1")]
    assert "khong-thuoc-dien" in offered
    assert "khong-thuoc-dien" not in [o.code for o in question.options if o.offered_for("I.3.c")]
    assert judge(content, "IV.1", {"quality_declaration": "khong-thuoc-dien"}).verdict == "eligible"
    assert "no-quality-declaration" in [f.id for f in judge(content, "IV.1", {"quality_declaration": "chua"}).steps]
    # the option exists only where the sheet has an option that waives the minimum
    waiving = {s.product_set for s in content.criteria.sheets_for("qd26-2026")
               for c in s.criteria() if c.topic == "quality-declaration" and any(o.waives_minimum for o in c.options)}
    assert waiving == set(next(o for o in question.options if o.code == "khong-thuoc-dien").only_sets)
    item = next(i for i in content.documents.items if i.id == "cong-bo-chat-luong")
    assert "IV.1" in item.set_notes


def test_rules_with_needs_fire_only_where_the_sheet_item_carries_it(content):
    # Sets #24/#25 print no 3★ marker on 4.1 (distribution): not selling outside the commune is no 3★ step there.
    assert "not-sold-outside-commune" in [f.id for f in judge(content, "I.3.c", {"sales_outside": "chua"}).steps]
    assert "not-sold-outside-commune" not in [f.id for f in judge(content, "V.2", {"sales_outside": "chua"}).findings]
    # #21's raw-material item has no knock-out note: all imported is no knock-out there, but misses 3★
    result = judge(content, "IV.1", {"raw_material": "nhap-khau"})
    assert result.verdict == "eligible_after_steps" and [f.id for f in result.steps] == ["raw-material-none-in-province"]
    assert judge(content, "I.3.d", {"raw_material": "nhap-khau"}).verdict == "not_eligible"


def test_a_scope_naming_an_unknown_topic_or_set_is_refused_with_file_and_key(tmp_path):
    import shutil

    from bot.content.base import ContentErrors

    shutil.copytree(ROOT, tmp_path / "content")
    path = tmp_path / "content" / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("topics: [product-origin]\n    text:", "topics: [no-such-topic]\n    text:", 1)
    text = text.replace("only_sets: [IV.1]", "only_sets: [IX.9]", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_content(tmp_path / "content")
    shown = str(caught.value)
    assert "eligibility.yaml" in shown and "topics.0" in shown and "no-such-topic" in shown
    assert "only_sets.0" in shown and "IX.9" in shown
