"""bot.forms helpers: Vietnamese dates and money, file names, the diacritics check, fonts and the copy notice,
the Phụ lục I classification and the evidence topics against the content."""

from __future__ import annotations

import datetime
import io
import unicodedata
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from bot import forms
from bot.content import load_content
from bot.forms.pdf_render import covered
from tests import forms_samples as s
from tests.pdf_text import pdf_pages, pdf_text

# -- dates and money -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "text"), [
    (datetime.date(2026, 12, 5), "ngày 05 tháng 12 năm 2026"),
    (datetime.date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),   # months 1 and 2 with a zero (NĐ 30/2020)
    (datetime.date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
    (datetime.date(2026, 5, 22), "ngày 22 tháng 5 năm 2026"),     # as the decision dates itself
    (datetime.date(2026, 10, 9), "ngày 09 tháng 10 năm 2026"),
])
def test_vn_date(day, text):
    assert forms.vn_date(day) == text


def test_short_date_and_money():
    assert forms.short_date(datetime.date(2015, 3, 12)) == "12/03/2015"
    assert forms.money(1_250_000_000) == "1.250.000.000 đồng"
    assert forms.money(0) == "0 đồng" and forms.money(-5_000) == "-5.000 đồng"


# -- file names ----------------------------------------------------------------------------------------------

AT = datetime.datetime(2026, 12, 5, 14, 32)


def test_file_name_example():
    assert (forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", AT, "docx")
            == "Mau02_htx-sen-thap-muoi_hat-sen-say_20261205-1432.docx")
    assert (forms.file_name("Mau01", "Hợp tác xã Sen Tháp Mười", "Hạt sen sấy", AT, ".pdf")
            == "Mau01_htx-sen-thap-muoi_hat-sen-say_20261205-1432.pdf")


def test_two_drafts_on_one_day_get_different_names():
    later = AT.replace(hour=16, minute=5)
    first = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", AT, "docx")
    second = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", later, "docx")
    assert first != second and second.endswith("_20261205-1605.docx")
    same_minute = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", AT, "docx", taken={first})
    assert same_minute == first.replace(".docx", "-2.docx")
    third = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", AT, "docx", taken={first, same_minute})
    assert third == first.replace(".docx", "-3.docx")
    # Another product of the same producer on the same minute: a different name without help.
    other = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Trà sen", AT, "docx")
    assert other not in (first, same_minute)


@pytest.mark.parametrize(("text", "expected"), [
    ("Hộ kinh doanh Nem Út Tý", "hkd-nem-ut-ty"),
    ("Công ty TNHH Đồng Tháp Xanh", "cty-tnhh-dong-thap-xanh"),
    ("Cơ sở Bánh phồng Sơn Đốc!", "cs-banh-phong-son-doc"),
    ("Đặc sản: Khô cá lóc / 500g", "dac-san-kho-ca-loc-500g"),
    (None, "khong-ten"),
    ("🙂", "khong-ten"),
])
def test_slug(text, expected):
    assert forms.slug(text) == expected


def test_file_names_are_ascii_and_short():
    name = forms.file_name("Mau02", "Hợp tác xã Nông nghiệp Dịch vụ Thương mại Sen Hồng Tháp Mười Đồng Tháp",
                           "Hạt sen sấy giòn vị mật ong hoa tràm Tháp Mười", AT, "docx")
    assert name.isascii() and len(name) <= 90 and not any(c in name for c in '<>:"/\\|?* ')


# -- lacks_diacritics ------------------------------------------------------------------------------------------

TYPED_WITHOUT = [
    "Hop tac xa Sen Thap Muoi", "HTX Sen Thap Muoi", "Hat sen say Thap Muoi", "Nguyen Thi Hong Nhung",
    "Nguyen Van An", "Tran Thi Tuyet", "Dong Thap", "Sa Dec", "Banh pia Tan Hue Vien", "Xoai cat Hoa Loc",
    "Mat ong hoa xoai", "Nuoc mam ca linh", "Ho kinh doanh Nem Ut Ty", "HAT SEN SAY THAP MUOI",
    "Nong nghiep Dich vu Green Lotus", "Kho ca loc Tam Nong", "Tuan Anh",
]
FINE = [
    # Vietnamese with its diacritics, even partly.
    "Hợp tác xã Sen Tháp Mười", "Hạt sen sấy", "Khô cá lóc", "Mango sấy dẻo", "Đồng Thap",
    # Vietnamese names that have no diacritics at all.
    "Nem Lai Vung", "Ban Mai", "Sen Hoa",
    # English brands and words, codes and acronyms.
    "Green Lotus", "Dried Lotus Seeds", "Lotus Tea Premium", "Mekong Delta Rice", "Hot Pot", "Top Rice",
    "The Lotus Hat", "Happy Farm", "Coconut Candy", "Big Mac", "Top Hit", "ST25", "VD20", "OCOP",
    "TCCS 01:2024/HTXSTM", "HTX", "", "   ", "123 456", "Cafe",
]


@pytest.mark.parametrize("text", TYPED_WITHOUT)
def test_lacks_diacritics_flags_vietnamese_typed_without_marks(text):
    assert forms.lacks_diacritics(text)


@pytest.mark.parametrize("text", FINE)
def test_lacks_diacritics_leaves_the_rest_alone(text):
    assert not forms.lacks_diacritics(text)


def test_lacks_diacritics_known_misses():
    """A name whose every syllable also exists without marks is not flagged (bot/forms/names.py, point 4):
    "Nem Lai Vung" is right as typed, and "Le Thi Hoa" (Lê Thị Hoa) looks the same to a program."""
    assert not forms.lacks_diacritics("Le Thi Hoa")
    assert not forms.lacks_diacritics("Go Cong")


# -- fonts, glyphs, the notice -----------------------------------------------------------------------------------

VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ")


def test_the_pdf_font_draws_every_vietnamese_letter_and_the_boxes():
    letters = VIETNAMESE + VIETNAMESE.upper() + "☒□√…"
    assert covered(letters) == letters
    assert covered("Sen 🙂 Tháp") == "Sen ? Tháp"
    words = " ".join(letters[i:i + 12] for i in range(0, len(letters), 12))
    data = forms.render_mau01_pdf(forms.Mau01(product=forms.Product(name=words)))
    assert f"2. Tên sản phẩm: {words}" in pdf_text(data)


def test_docx_runs_are_times_new_roman_for_every_script():
    data = forms.render_mau02_docx(s.sen_mau02())
    document = docx.Document(io.BytesIO(data))
    runs = [r for r in document.element.body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    assert len(runs) > 200
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        in_box = run.getparent().tag == qn("w:sdtContent")
        expected = "MS Gothic" if in_box else "Times New Roman"
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {expected}
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = defaults.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "Times New Roman" and rfonts.get(qn("w:asciiTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    body_sizes = {r.font.size.pt for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert 13 in body_sizes


def test_copy_notice_on_every_pdf_page_and_only_in_the_docx_properties():
    notice_start = "Mẫu chép từ bản sao QĐ 26/2026/QĐ-TTg"
    pdf = forms.render_mau02_pdf(s.sen_mau02())
    pages = pdf_pages(pdf)
    assert len(pages) >= 4
    assert all(notice_start in " ".join(p.split()) for p in pages)
    assert all(f"Trang {i}/" in " ".join(p.split()) for i, p in enumerate(pages, 1))
    data = forms.render_mau02_docx(s.sen_mau02())
    document = docx.Document(io.BytesIO(data))
    assert "bản sao" in document.core_properties.comments
    assert document.core_properties.language == "vi-VN"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "bản sao QĐ" not in z.read("word/document.xml").decode()


def test_text_is_nfc_in_both_outputs():
    name = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    form = forms.Mau01(producer=forms.Producer(representative=forms.Person(name=name)))
    pdf = pdf_text(forms.render_mau01_pdf(form))
    assert "Nguyễn Thị Hồng Nhung" in pdf and unicodedata.is_normalized("NFC", pdf)


# -- classification and evidence topics against the content -------------------------------------------------------


def test_phu_luc_i_covers_every_product_set_of_the_content():
    content = load_content()
    for product_set in content.product_sets.sets:
        ref = forms.product_set(product_set.code)
        assert ref.number == product_set.number and ref.industry and ref.group
    assert len(forms.PRODUCT_SETS) == 26
    assert forms.classification_text(forms.product_set("I.3.c")) == (
        "Ngành: Sản phẩm thực phẩm; Nhóm: Thực phẩm chế biến; Phân nhóm: Chế biến từ rau, củ, quả, hạt "
        "(bộ sản phẩm số 7, mã I.3.c)")
    assert forms.classification_text(forms.product_set("VI.1")).startswith(
        "Ngành: Sản phẩm dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch; Nhóm: Dịch vụ du lịch")
    assert forms.classification_text(forms.ProductSetRef()) is None


def test_evidence_topics_follow_the_copy_and_map_to_checklist_items():
    content = load_content()
    ids = {item.id for item in content.documents.items}
    assert [t.content for t in forms.EVIDENCE_TOPICS][:3] == [
        "Giấy đăng ký kinh doanh", "Giấy chứng nhận cơ sở đủ điều kiện sản xuất",
        "Nguồn gốc nguyên liệu, vùng nguyên liệu, liên kết chuỗi"]
    assert forms.EVIDENCE_TOPICS[-1].content.startswith("Giải thưởng của sản phẩm")
    for topic in forms.EVIDENCE_TOPICS:
        assert set(topic.checklist_ids) <= ids, topic.key
    assert forms.topic_for_checklist_item("bao-cao-tai-chinh").key == "tang-truong"
    assert forms.topic_for_checklist_item("mau-01") is None
    with pytest.raises(ValueError, match="unknown evidence topics"):
        forms.SelfAssessment(topic_evidence={"giay-phep-lai-xe": ()})
