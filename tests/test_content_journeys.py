"""Content for the producer journeys: product sets, eligibility, dossier checklists, calendar."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.content import calendar, documents, eligibility, product_sets
from bot.content.base import ContentErrors, collect_texts

ROOT = Path(__file__).resolve().parent.parent / "content"
PARTS = (product_sets, eligibility, documents, calendar)
D = datetime.date


@pytest.fixture(scope="module")
def sets() -> product_sets.ProductSets:
    return product_sets.load(ROOT)


@pytest.fixture(scope="module")
def rules() -> eligibility.Eligibility:
    return eligibility.load(ROOT)


@pytest.fixture(scope="module")
def dossier() -> documents.Documents:
    return documents.load(ROOT)


@pytest.fixture(scope="module")
def dates() -> calendar.Calendar:
    return calendar.load(ROOT)


def test_all_four_load_with_their_names():
    assert [m.NAME for m in PARTS] == ["product_sets", "eligibility", "documents", "calendar"]
    for module in PARTS:
        assert module.load(ROOT) is not None


# -- product sets --------------------------------------------------------------------------------------------


def test_26_product_sets_numbered_in_order_and_unconfirmed(sets):
    assert [s.number for s in sets.sets] == list(range(1, 27))
    assert sets.by_code["I.3.c"].number == 7
    assert sets.by_code["VI.1"].group == "du-lich"
    assert all(s.confirmed is False and "Phụ lục I" in s.source for s in sets.sets)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("xoài sấy", "I.3.c"),
        ("xoai say", "I.3.c"),
        ("Sản phẩm XOÀI SẤY dẻo của em", "I.3.c"),
        ("xoai tuoi", "I.1.a"),
        ("gao", "I.2.a"),
        ("nuoc mam", "I.4.a"),
        ("nước mắm cá linh", "I.4.a"),
        ("sen say", "I.3.c"),
        ("mít sấy", "I.3.c"),
        ("hủ tiếu", "I.3.b"),
        ("banh phong", "I.3.b"),
        ("trà sen", "I.5.b"),
        ("mat ong", "I.2.b"),
        ("khô cá lóc", "I.3.d"),
        ("nem Lai Vung", "I.3.d"),
        ("hoa kiểng", "V.1"),
        ("luc binh", "IV.1"),
        ("tỏi", "I.4.b"),
        ("nuoc mamm", "I.4.a"),  # a typo
        # typical Đồng Tháp products, typed any way (issue 11 item 4), and in English
        ("kho ca", "I.3.d"), ("nuoc mam ca linh", "I.4.a"), ("bánh phồng tôm", "I.3.b"), ("hu tieu Sa Dec", "I.3.b"),
        ("gạo ST25", "I.2.a"), ("trà tim sen", "I.5.b"), ("hat sen say", "I.3.c"), ("xoai say deo", "I.3.c"),
        ("mật ong tràm", "I.2.b"), ("thảm lục bình", "IV.1"), ("hoa kieng sa dec", "V.1"), ("cay kieng", "V.2"),
        ("homestay", "VI.1"), ("diem du lich sinh thai", "VI.1"),
        ("dried lotus seeds", "I.3.c"), ("dried mango", "I.3.c"), ("fish sauce", "I.4.a"),
        ("ornamental flowers", "V.1"), ("homestay farm", "VI.1"), ("rice", "I.2.a"), ("honey", "I.2.b"),
        ("lotus tea", "I.5.b"), ("water hyacinth handicraft", "IV.1"), ("fermented pork roll", "I.3.d"),
    ],
)
def test_find_sets_ranks_the_expected_set_first(sets, typed, code):
    found = sets.find_sets(typed)
    assert found, typed
    assert found[0].code == code


def test_find_sets_limit_alternatives_and_nothing(sets):
    assert [s.code for s in sets.find_sets("hoa kiểng")][:2] == ["V.1", "V.2"]
    assert [s.code for s in product_sets.find_sets(sets, "xoài sấy", limit=1)] == ["I.3.c"]
    assert sets.find_sets("lục bình") == [sets.by_code["IV.1"]]  # no noise from "nước đóng bình"
    assert sets.find_sets("xyz qwv") == []
    assert sets.find_sets("  ") == []


# -- eligibility ---------------------------------------------------------------------------------------------

ALL_GOOD = {
    "producer_type": "hkd",
    "product_origin": "trong-tinh",
    "raw_material": "trong-tinh",
    "idea_origin": "rieng",
    "sales_outside": "co",
    "food_safety_certificate": "co",
    "quality_declaration": "co",
    "lab_test": "co",
    "label": "dung",
    "trademark": "chap-nhan",
    "story": "co",
}


def test_everything_in_order_is_eligible(rules):
    result = eligibility.evaluate(rules, ALL_GOOD, group="thuc-pham")
    assert result.verdict == "eligible"
    assert result.findings == ()
    assert result.complete


def test_unregistered_household_is_eligible_after_registering(rules):
    result = eligibility.evaluate(rules, {**ALL_GOOD, "producer_type": "chua-dang-ky"}, group="thuc-pham")
    assert result.verdict == "eligible_after_steps"
    (step,) = result.steps
    assert step.gate and "Đăng ký hộ kinh doanh tại UBND cấp xã" in step.next_step
    assert "Điều 2" in step.source and step.confirmed is False


def test_all_imported_raw_material_is_not_eligible_and_blockers_come_first(rules):
    answers = {**ALL_GOOD, "producer_type": "chua-dang-ky", "label": "chua", "raw_material": "nhap-khau"}
    result = eligibility.evaluate(rules, answers, group="thuc-pham")
    assert result.verdict == "not_eligible"
    assert [f.level for f in result.findings] == ["blocker", "step", "step", "step"]  # + no 3★ without local material
    assert result.findings[0].id == "raw-material-knockout" and "Phụ lục II" in result.findings[0].source
    assert result.findings[1].gate  # the registration gate before the label step
    assert eligibility.evaluate(rules, {**ALL_GOOD, "idea_origin": "sao-chep"}).verdict == "not_eligible"


def test_three_star_minimums_are_steps(rules):
    answers = {**ALL_GOOD, "sales_outside": "chua", "trademark": "chua", "quality_declaration": "chua"}
    result = eligibility.evaluate(rules, answers, group="thuc-pham")
    assert result.verdict == "eligible_after_steps"
    assert {f.id for f in result.steps} == {
        "not-sold-outside-commune",
        "no-trademark-application",
        "no-quality-declaration",
    }
    assert all(f.min_stars == 3 for f in result.steps)


def test_group_skips_questions_and_unknown_answers_are_ignored(rules):
    tourism = [q.id for q in rules.questions_for("du-lich")]
    assert "food_safety_certificate" not in tourism and "producer_type" in tourism
    answers = {**ALL_GOOD, "food_safety_certificate": "chua", "story": "gone-code", "nope": "x"}
    result = eligibility.evaluate(rules, answers, group="du-lich")
    assert result.verdict == "eligible"
    assert set(result.ignored) >= {"food_safety_certificate", "story", "nope"}
    assert "story" in result.missing
    assert rules.question_by_id["producer_type"].profile_field == "producer_type"


# -- documents -----------------------------------------------------------------------------------------------


def test_first_time_checklist_forms_then_gates_first_then_samples_and_submission(dossier):
    items = documents.checklist(dossier, "lan-dau", "hkd", "thuc-pham")
    ids = [i.id for i in items]
    assert ids[:2] == ["mau-01", "mau-02"]
    gates = [n for n, i in enumerate(items) if i.gate]
    evidence = [n for n, i in enumerate(items) if i.section == "evidence"]
    assert [items[n].id for n in gates] == [
        "dang-ky-kinh-doanh",
        "chung-nhan-attp",
        "cong-bo-chat-luong",
        "phieu-kiem-nghiem",
    ]
    assert max(gates) < min(evidence)
    assert ids[-2:] == ["mau-san-pham", "nop-ho-so"]
    samples = items[-2]
    assert "5 mẫu" in samples.title
    assert "1 bộ giấy và 1 bộ điện tử" in items[-1].title
    by_id = {i.id: i for i in items}
    assert by_id["so-huu-tri-tue"].supports == ["3.5"]
    assert by_id["chung-nhan-attp"].expires and not by_id["mau-01"].expires
    assert "giay-chung-nhan-ocop" not in ids


def test_supported_criteria_exist_on_the_set_7_score_sheet(dossier):
    from bot.content import criteria

    sheet = criteria.load(ROOT).sheet("qd26-2026", "I.3.c")
    assert sheet is not None
    assert [c for c in dossier.criteria.codes if sheet.criterion(c) is None] == []
    assert [c for i in dossier.items for c in i.supports if sheet.criterion(c) is None] == []


def test_checklist_filters_by_kind_type_and_group(dossier):
    tourism = [i.id for i in documents.checklist(dossier, "lan-dau", "dn", "du-lich")]
    assert "mau-san-pham" not in tourism and "chung-nhan-attp" not in tourism
    cooperative = [i.id for i in documents.checklist(dossier, "lan-dau", "htx", "thuc-pham")]
    assert "xep-loai-htx" in cooperative and "bao-cao-tai-chinh" not in cooperative
    again = {i.id: i for i in documents.checklist(dossier, "danh-gia-lai", "hkd", "thuc-pham")}
    assert again["giay-chung-nhan-ocop"].expires
    assert again["mau-02"].note_for("danh-gia-lai") is not None
    with pytest.raises(ValueError):
        documents.checklist(dossier, "first-time", "hkd", "thuc-pham")


# -- calendar ------------------------------------------------------------------------------------------------


def test_latest_filing_date_is_15_working_days_before():
    # 30/04/2027 is a Friday: 15 working days back is three whole weeks, Friday 09/04/2027.
    assert calendar.latest_filing_date(D(2027, 4, 30)) == D(2027, 4, 9)
    # A holiday in the span pushes it one working day earlier (Thursday 08/04).
    assert calendar.latest_filing_date(D(2027, 4, 30), holidays=[D(2027, 4, 16)]) == D(2027, 4, 8)
    # A deadline on a Monday: the weekend does not count.
    assert calendar.latest_filing_date(D(2026, 11, 30), working_days=1) == D(2026, 11, 27)


def test_upcoming_rounds(dates):
    upcoming = dates.upcoming_rounds(D(2026, 5, 1))
    assert [u.round.id for u in upcoming] == [
        "trung-uong-dot-2",
        "tinh-dot-2",
        "trung-uong-dot-1",
        "tinh-dot-1",
    ]
    round_two = upcoming[1]
    assert (round_two.forward_deadline, round_two.ends_before) == (D(2026, 10, 30), D(2026, 12, 30))
    assert round_two.latest_filing == D(2026, 10, 9) and not round_two.late
    assert upcoming[0].latest_filing is None  # 5★ rounds are sent up by the province
    assert upcoming[-1].forward_deadline == D(2027, 4, 30) and upcoming[-1].latest_filing == D(2027, 4, 9)
    late = dates.upcoming_rounds(D(2026, 4, 20), level="tinh")[0]
    assert late.round.id == "tinh-dot-1" and late.late


def test_certificate_expiry_handles_month_ends(dates):
    assert dates.certificate_expiry(D(2024, 2, 29)) == D(2027, 2, 28)
    assert dates.certificate_expiry(D(2023, 3, 15)) == D(2026, 3, 15)
    assert calendar.certificate_expiry(D(2023, 12, 31), months=2) == D(2024, 2, 29)
    assert calendar.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


def test_reevaluation_window_is_180_to_120_days_before_expiry(dates):
    expiry = D(2027, 2, 28)
    opens, closes = dates.reevaluation_window(expiry)
    assert (expiry - opens).days == 180 and (expiry - closes).days == 120
    assert (opens, closes) == (D(2026, 9, 1), D(2026, 10, 31))


def test_province_deadlines_are_from_the_2021_plan_and_unconfirmed(dates):
    deadlines = dates.upcoming_deadlines(D(2026, 1, 1))
    assert [d.date for d in deadlines] == [D(2026, 12, 15), D(2027, 12, 15)]
    assert all(d.confirmed is False and "2021" in d.source for d in deadlines)
    assert dates.filing_advice.confirmed is False and dates.filing_advice.source.startswith("Trợ lý OCOP")


# -- broken files, catalog -----------------------------------------------------------------------------------


def _copy_content(tmp_path: Path) -> Path:
    for name in ("programme.yaml", "eligibility.yaml", "documents.yaml", "product_sets.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_rule_referring_to_a_missing_question_names_file_and_key(tmp_path):
    root = _copy_content(tmp_path)
    data = yaml.safe_load((root / "eligibility.yaml").read_text(encoding="utf-8"))
    data["rules"][1]["when"][0]["question"] = "no_such_question"
    (root / "eligibility.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        eligibility.load(root)
    (error,) = caught.value.errors
    assert error.file.endswith("eligibility.yaml")
    assert error.key == "rules.1.when.0.question"
    assert "no_such_question" in error.message


def test_other_broken_files_name_file_and_key(tmp_path):
    root = _copy_content(tmp_path)
    data = yaml.safe_load((root / "eligibility.yaml").read_text(encoding="utf-8"))
    data["rules"][0]["when"][0]["answers"] = ["maybe"]
    (root / "eligibility.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        eligibility.load(root)
    assert [e.key for e in caught.value.errors] == ["rules.0.when.0.answers.0"]

    data = yaml.safe_load((root / "documents.yaml").read_text(encoding="utf-8"))
    data["items"][3]["supports"] = ["99.9"]
    data["items"][4]["except_groups"] = ["do-an"]
    (root / "documents.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        documents.load(root)
    assert {e.key for e in caught.value.errors} == {"items.3.supports.0", "items.4.except_groups.0"}

    data = yaml.safe_load((root / "product_sets.yaml").read_text(encoding="utf-8"))
    data["sets"][2]["group"] = "gao"
    data["sets"][5]["examples"].append("xoài sấy")
    (root / "product_sets.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        product_sets.load(root)
    keys = {e.key for e in caught.value.errors}
    assert "sets.2.group" in keys and any(k.startswith("sets.6.examples.") for k in keys)


def test_english_catalog_translates_every_journey_text():
    with (ROOT / "locale/en/LC_MESSAGES/content_journeys.po").open("rb") as handle:
        catalog = read_po(handle)
    assert str(catalog.locale) == "en"
    translated = {m.id: m.string for m in catalog if m.id}
    texts: set[str] = set()
    for module in PARTS:
        collect_texts(module.load(ROOT), texts)
    missing = sorted(t for t in texts if not translated.get(t, "").strip())
    assert not missing, missing
    assert all(translated[t] != t for t in texts)
