"""Mẫu 01, 02 and 03 rendered as DOCX and PDF for two producers of different product sets, read back with
python-docx and tests/pdf_text.py: every Phần, the boxes as the input ticks them, the Phần III points and
totals (checked against bot.domain.scoring), the signature blocks, names with their diacritics, blanks for what is
missing. python-docx's Paragraph.text skips content controls (the check boxes), so the DOCX is read from its
XML here, every w:t and w:tab of a paragraph in order."""

from __future__ import annotations

import io
import re
import unicodedata

import docx
import pytest
from docx.enum.text import WD_TAB_LEADER
from docx.oxml.ns import qn

from bot import forms
from bot.content import load_content
from bot.domain.scoring import score
from tests import forms_samples as s
from tests.pdf_text import pdf_pages, pdf_text

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


# -- reading a DOCX back ------------------------------------------------------------------------------------


def _p_text(p) -> str:
    """A paragraph's text from its runs (a w:tab in the paragraph properties is a tab stop, not text)."""
    return "".join("\t" if el.tag == qn("w:tab") else (el.text or "")
                   for el in p.iter(qn("w:t"), qn("w:tab")) if el.getparent().tag == qn("w:r"))


def docx_paragraphs(data: bytes) -> list:
    """Body paragraphs in order, with the paragraphs inside tables (signature, heading, score table)."""
    return list(docx.Document(io.BytesIO(data)).element.body.iter(qn("w:p")))


def docx_lines(data: bytes) -> list[str]:
    return [_p_text(p) for p in docx_paragraphs(data)]


def docx_text(data: bytes) -> str:
    return " ".join(" ".join(docx_lines(data)).split())


def docx_line(data: bytes, start: str) -> str:
    hits = [line for line in docx_lines(data) if line.startswith(start)]
    assert len(hits) == 1, f"{len(hits)} paragraphs start with {start!r}"
    return hits[0]


def has_dot_leader(data: bytes, start: str) -> bool:
    """The paragraph starting with `start` ends in a tab to a dot-leader stop: the form's dotted blank."""
    for p in docx.Document(io.BytesIO(data)).paragraphs + [
            c.paragraphs[0] for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells]:
        if _p_text(p._p).startswith(start):
            stops = list(p.paragraph_format.tab_stops)
            return _p_text(p._p).endswith("\t") and any(t.leader == WD_TAB_LEADER.DOTS for t in stops)
    raise AssertionError(f"no paragraph starts with {start!r}")


def docx_table(data: bytes, first_header: str) -> list[list[str]]:
    """The rows of the table whose first header cell is `first_header`, each a list of its grid cells' text."""
    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        rows = [[c.text for c in r.cells] for r in table.rows]
        if rows and rows[0][0] == first_header:
            return rows
    raise AssertionError(f"no table headed {first_header!r}")


def pdf_flat(data: bytes) -> str:
    return pdf_text(data)


def in_order(text: str, *parts: str) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


PRODUCERS = {
    "sen": (s.sen_mau01, s.sen_mau02),
    "nem": (s.nem_mau01, s.nem_mau02),
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, bytes]]:
    out = {}
    for key, (m01, m02) in PRODUCERS.items():
        out[key] = {"01.docx": forms.render_mau01_docx(m01()), "01.pdf": forms.render_mau01_pdf(m01()),
                    "02.docx": forms.render_mau02_docx(m02()), "02.pdf": forms.render_mau02_pdf(m02())}
    return out


def texts(rendered, key: str, form: str) -> dict[str, str]:
    return {"docx": docx_text(rendered[key][f"{form}.docx"]), "pdf": pdf_flat(rendered[key][f"{form}.pdf"])}


# -- both formats open and are what they say ---------------------------------------------------------------


def test_outputs_are_a4_docx_and_pdf(rendered):
    for key in PRODUCERS:
        for form in ("01", "02"):
            document = docx.Document(io.BytesIO(rendered[key][f"{form}.docx"]))
            section = document.sections[0]
            assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
            assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
            pdf = rendered[key][f"{form}.pdf"]
            assert pdf.startswith(b"%PDF") and b"/MediaBox [0 0 595.28 841.89]" in pdf


# -- every Phần, in order -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", PRODUCERS)
def test_mau02_prints_every_part_in_order(rendered, key):
    for fmt, text in texts(rendered, key, "02").items():
        assert in_order(text, "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", "(Dành cho chủ thể có sản phẩm đăng ký)",
                        "Phần I", "THÔNG TIN CHUNG", "1. Tên chủ thể:", "Đánh dấu (√) vào mục tương ứng:",
                        "8. Lịch sử hình thành của chủ thể", "9. Cơ cấu tổ chức của chủ thể:",
                        "Phần II", "KẾT QUẢ THỰC HIỆN PHƯƠNG ÁN SẢN XUẤT KINH DOANH", "Nội dung yêu cầu:",
                        "- Thị trường phân phối sản phẩm.", "- Kết quả sản xuất, kinh doanh: doanh thu, lợi nhuận.",
                        "Phần III", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP",
                        "Giấy đăng ký kinh doanh", "Giải thưởng của sản phẩm",
                        "Đối với sản phẩm đăng ký đánh giá, phân hạng lại", "TỔNG CỘNG",
                        "Phần IV", "KẾ HOẠCH SẢN XUẤT, KINH DOANH", "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ",
                        "(Ký, họ tên, đóng dấu)", "PHỤ LỤC", "DANH MỤC TÀI LIỆU MINH CHỨNG"), (key, fmt)


@pytest.mark.parametrize("key", PRODUCERS)
def test_mau01_prints_the_form_and_the_blank_office_part(rendered, key):
    for fmt, text in texts(rendered, key, "01").items():
        assert in_order(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHIẾU ĐĂNG KÝ",
                        "Tham gia đánh giá, phân hạng sản phẩm OCOP", "của tỉnh Đồng Tháp năm 2026",
                        "1. Thông tin về đơn vị đăng ký:", "2. Tên sản phẩm:", "3. Nhóm sản phẩm đăng ký",
                        "4. Lần đăng ký đánh giá:", "5. Tài liệu kèm theo:", "Cam đoan những thông tin",
                        "ĐẠI DIỆN", "(Ký, đóng dấu, ghi rõ họ tên)", "Theo Phụ lục I về Danh mục phân loại",
                        "PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ", "DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ",
                        "Phiếu số: ……-……. /PĐK- (Mã tỉnh) - (Mã xã) - (Năm)", "Cơ quan tiếp nhận",
                        "DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH", "Cơ quan tiếp nhận"), (key, fmt)
    # The office part is left for the officers: its receipt date is a dotted blank in both formats.
    assert has_dot_leader(rendered[key]["01.docx"], "Ngày nhận: ")
    assert "Ngày nhận: ……" in texts(rendered, key, "01")["pdf"]
    # …and it starts on a page of its own.
    pages = pdf_pages(rendered[key]["01.pdf"])
    office = next(i for i, p in enumerate(pages) if "PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ" in p)
    assert office > 0 and "Cam đoan" not in pages[office]


# -- tick boxes ------------------------------------------------------------------------------------------------

SEN_BOXES = {
    "a) Giấy đăng ký kinh doanh: ": "☒",
    "b) Đã công bố chất lượng sản phẩm theo quy định: ": "☒",
    "- Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm": "☒",
    "- Giấy chứng nhận cơ sở đủ điều kiện sản xuất bắt buộc": "□",
    "d) Đã có đăng ký sở hữu trí tuệ: ": "☒",
    "+ Giấy chứng nhận đăng ký nhãn hiệu: ": "☒",
    "+ Văn bản ghi nhận quyền sử dụng chỉ dẫn địa lý": "□",
    "+ Bằng sáng chế ": "□",
    "+ Bằng độc quyền kiểu dáng công nghiệp: ": "□",
    "+ Giấy chứng nhận bản quyền tác giả ": "□",
    "+ Khác (ghi rõ): ": "□",
}
NEM_BOXES = {**SEN_BOXES, "b) Đã công bố chất lượng sản phẩm theo quy định: ": "□",
             "+ Giấy chứng nhận đăng ký nhãn hiệu: ": "□", "+ Văn bản ghi nhận quyền sử dụng chỉ dẫn địa lý": "☒",
             "+ Khác (ghi rõ): ": "☒"}


@pytest.mark.parametrize(("key", "boxes"), [("sen", SEN_BOXES), ("nem", NEM_BOXES)])
def test_mau02_phan_i_boxes_follow_the_input(rendered, key, boxes):
    data = rendered[key]["02.docx"]
    for label, box in boxes.items():
        line = docx_line(data, label)
        assert line.endswith(box) and line.count("☒") + line.count("□") == 1, (label, line)
    pdf = texts(rendered, key, "02")["pdf"]
    for label, box in boxes.items():
        at = pdf.index(label.strip())
        following = pdf[at:at + 220]
        first = min(following.find(b) for b in "☒□" if following.find(b) >= 0)
        assert following[first] == box, (label, following)


def test_mau02_other_ip_text_is_printed_before_its_box(rendered):
    line = docx_line(rendered["nem"]["02.docx"], "+ Khác (ghi rõ): ")
    assert line == "+ Khác (ghi rõ): Nhãn hiệu tập thể Nem Lai Vung ☒"
    assert "+ Khác (ghi rõ): Nhãn hiệu tập thể Nem Lai Vung ☒" in texts(rendered, "nem", "02")["pdf"]


def test_mau01_registration_kind_boxes(rendered):
    sen = docx_line(rendered["sen"]["01.docx"], "4. Lần đăng ký đánh giá: ")
    assert sen == "4. Lần đăng ký đánh giá: Lần đầu ☒   Nâng hạng: □   Đánh giá lại: □"
    nem = docx_line(rendered["nem"]["01.docx"], "4. Lần đăng ký đánh giá: ")  # kind not given: nothing ticked
    assert nem == "4. Lần đăng ký đánh giá: Lần đầu □   Nâng hạng: □   Đánh giá lại: □"
    assert "Lần đầu ☒ Nâng hạng: □ Đánh giá lại: □" in texts(rendered, "sen", "01")["pdf"]
    assert "Lần đầu □ Nâng hạng: □ Đánh giá lại: □" in texts(rendered, "nem", "01")["pdf"]
    upgrade = forms.Mau01(kind=forms.RegistrationKind.UPGRADE)
    assert "Lần đầu □ Nâng hạng: ☒ Đánh giá lại: □" in pdf_text(forms.render_mau01_pdf(upgrade))


def test_docx_boxes_are_word_check_boxes_in_the_state_they_show(rendered):
    for key in PRODUCERS:
        body = docx.Document(io.BytesIO(rendered[key]["02.docx"])).element.body
        boxes = list(body.iter(qn("w:sdt")))
        assert len(boxes) == 11
        for sdt in boxes:
            checked = sdt.find(f".//{W14}checkbox/{W14}checked").get(f"{W14}val")
            shown = "".join(t.text for t in sdt.iter(qn("w:t")))
            assert (checked, shown) in (("1", "☒"), ("0", "□"))


# -- Phần III: points and totals -----------------------------------------------------------------------------


def test_sen_phan_iii_points_match_the_scoring_of_the_sheet(rendered):
    content = load_content()
    sheet = content.criteria.sheet("qd26-2026", "I.3.c")
    result = score(sheet, s.SEN_ANSWERS)
    table = docx_table(rendered["sen"]["02.docx"], "Mã")
    assert table[0] == ["Mã", "Tiêu chí", "Mức đạt được (tự đánh giá)", "Điểm", "Tối đa", "Mô tả, chứng minh",
                        "Minh chứng (số trong phụ lục)"]
    rows = {r[0]: r for r in table[1:]}
    for criterion in sheet.criteria():
        option = criterion.options[s.SEN_ANSWERS[criterion.code]]
        row = rows[criterion.code]
        assert row[1] == criterion.title and row[2] == option.text
        assert (row[3], row[4]) == (str(option.points), str(criterion.max)), criterion.code
    parts = {r[0]: r for r in docx_table(rendered["sen"]["02.docx"], "Mã")[1:] if r[0][:2] in ("A.", "B.", "C.")}
    for part, scored in zip(sheet.parts, result.parts, strict=True):
        row = parts[f"{part.code}. {part.title}".upper()]
        assert (row[3], row[4]) == (str(scored.points), str(scored.max))
    total = rows["TỔNG CỘNG"]
    assert (total[3], total[4]) == (str(result.total), "100")
    pdf = texts(rendered, "sen", "02")["pdf"]
    for text in (docx_text(rendered["sen"]["02.docx"]), pdf):
        assert f"Tổng số điểm tự đánh giá: {result.total}/100 điểm" in text
        assert f"Hạng sao dự kiến (tự đánh giá): {result.stars} sao" in text
    assert in_order(pdf, "TỔNG CỘNG", str(result.total), "100")
    assert in_order(pdf, "1.1", "Nguồn nguyên liệu", "Từ 75% đến 100% từ trong tỉnh", "3", "3")


def test_nem_phan_iii_hand_made_rows_and_a_blank_row(rendered):
    rows = {r[0]: r for r in docx_table(rendered["nem"]["02.docx"], "Mã")[1:]}
    assert rows["1.1"][2:5] == ["Từ 75% đến 100% từ trong tỉnh", "3", "3"]
    assert rows["9"][2:5] == ["", "", "5"]  # not assessed yet: blank for the producer to fill
    assert rows["TỔNG CỘNG"][3] == str(3 + 2 + 1 + 3 + 3 + 2)
    assert "Hạng sao dự kiến (tự đánh giá): 3 sao" in texts(rendered, "nem", "02")["pdf"]


def test_score_table_has_no_duplicate_row_for_a_one_criterion_section(rendered):
    codes = [r[0] for r in docx_table(rendered["sen"]["02.docx"], "Mã")[1:]]
    assert codes.count("7") == 1 and codes.count("1.1") == 1


# -- names, blanks, signatures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "product", "producer"), [
    ("sen", "Hạt sen sấy Tháp Mười", "Hợp tác xã Sen Tháp Mười"),
    ("nem", "Nem Lai Vung Út Tý", "Hộ kinh doanh Nem Út Tý"),
])
def test_names_keep_their_diacritics(rendered, key, product, producer):
    for form in ("01", "02"):
        for fmt, text in texts(rendered, key, form).items():
            assert product in text and producer in text, (form, fmt)


def test_decomposed_input_prints_composed_letters():
    decomposed = unicodedata.normalize("NFD", "Hạt sen sấy Tháp Mười")
    assert decomposed != "Hạt sen sấy Tháp Mười"
    form = forms.Mau01(product=forms.Product(name=decomposed))
    assert "2. Tên sản phẩm: Hạt sen sấy Tháp Mười" in pdf_text(forms.render_mau01_pdf(form))
    assert docx_line(forms.render_mau01_docx(form), "2. Tên sản phẩm: ") == "2. Tên sản phẩm: Hạt sen sấy Tháp Mười"


def test_missing_values_print_as_dotted_blanks(rendered):
    m01 = rendered["nem"]["01.docx"]
    assert docx_line(m01, "- Điện thoại: ") == "- Điện thoại: 0909 123 456 Email: \t"
    assert has_dot_leader(m01, "- Điện thoại: ")
    assert has_dot_leader(m01, "- Sản phẩm mẫu (số lượng): ")
    assert not has_dot_leader(rendered["sen"]["01.docx"], "- Tên đơn vị: ")  # given: no blank
    pdf01 = texts(rendered, "nem", "01")["pdf"]
    assert re.search(r"Email: …{10,}", pdf01) and re.search(r"Sản phẩm mẫu \(số lượng\): …{10,}", pdf01)
    pdf02 = texts(rendered, "nem", "02")["pdf"]
    assert re.search(r"- Tiêu chuẩn: …{10,}", pdf02)
    assert re.search(r"8\. Lịch sử hình thành của chủ thể \(nêu các giai đoạn hình thành và phát triển\): …{20,}",
                     pdf02)
    assert "Lai Vung, ngày........tháng........năm......" in pdf02  # place known, date not
    m02 = rendered["nem"]["02.docx"]
    assert has_dot_leader(m02, "- Tiêu chuẩn: ") and has_dot_leader(m02, "- Địa chỉ thường trú: ")
    assert docx_line(m02, "- Giới tính: ") == "- Giới tính: Nam; Dân tộc: Kinh"
    empty = forms.render_mau02_docx(forms.Mau02())
    assert docx_line(empty, "- Giới tính: ") == "- Giới tính: \t (Nam/nữ); Dân tộc: \t"
    assert "........, ngày........tháng........năm......" in docx_text(empty)


def test_an_empty_form_is_all_blanks_and_still_complete():
    """Every field optional: forms with nothing filled in render and keep the whole form for handwriting."""
    for render in (forms.render_mau01_pdf, forms.render_mau01_docx):
        data = render(forms.Mau01())
        text = pdf_text(data) if data.startswith(b"%PDF") else docx_text(data)
        assert "của tỉnh ………" in text and "- Tên đơn vị:" in text and "Lần đầu □" in text
    pdf = pdf_text(forms.render_mau02_pdf(forms.Mau02()))
    assert in_order(pdf, "Phần I", "Phần II", "Phần III", "TỔNG CỘNG", "Phần IV", "PHỤ LỤC")
    assert "Tổng số điểm tự đánh giá: ……" in pdf


def test_signature_blocks_carry_date_title_and_name(rendered):
    for fmt, text in texts(rendered, "sen", "02").items():
        assert in_order(text, "Tháp Mười, ngày 05 tháng 12 năm 2026", "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ",
                        "(Ký, họ tên, đóng dấu)", "Nguyễn Thị Hồng Nhung"), fmt
    for fmt, text in texts(rendered, "sen", "01").items():
        assert in_order(text, "Tháp Mười, ngày 05 tháng 12 năm 2026", "ĐẠI DIỆN", "(Ký, đóng dấu, ghi rõ họ tên)",
                        "Nguyễn Thị Hồng Nhung"), fmt


def test_phan_ii_results_table_and_phan_iv_plans(rendered):
    years = docx_table(rendered["sen"]["02.docx"], "Năm")
    assert years[1:] == [["2024", "10 tấn", "1.250.000.000 đồng", "180.000.000 đồng"],
                         ["2025", "12 tấn", "1.500.000.000 đồng", "240.000.000 đồng"]]
    text = texts(rendered, "sen", "02")["pdf"]
    assert in_order(text, "- Phát triển sản phẩm:", "Ra thêm dòng hạt sen sấy giòn.", "- Tổ chức sản xuất: ……",
                    "- Thị trường:", "Xuất khẩu sang Nhật Bản.")


def test_appendix_and_guidance_table_number_the_evidence_alike(rendered):
    data = rendered["sen"]["02.docx"]
    appendix = docx_table(data, "Số")[1:]
    assert [r[0] for r in appendix] == ["01", "02", "03", "04", "05"]
    assert [r[1] for r in appendix] == ["Giấy ĐKKD HTX.pdf", "photo.jpg", "Hóa đơn: mua sen tháng 1.jpg",
                                        "photo.jpg", "Danh sách lao động.xlsx"]
    assert appendix[3][2] == "Tiêu chí 1.1. Nguồn nguyên liệu"
    guidance = {r[1]: r[3] for r in docx_table(data, "TT")[1:]}
    assert len(guidance) == len(forms.EVIDENCE_TOPICS) == 15
    assert guidance["Giấy đăng ký kinh doanh"] == "01. Giấy ĐKKD HTX.pdf"
    # The purchase invoice is attached to a topic and to criterion 1.1: one number, referred to twice.
    assert guidance["Nguồn gốc nguyên liệu, vùng nguyên liệu, liên kết chuỗi"] == "03. Hóa đơn: mua sen tháng 1.jpg"
    rows = {r[0]: r for r in docx_table(data, "Mã")[1:]}
    assert rows["1.1"][6] == "03. Hóa đơn: mua sen tháng 1.jpg\n04. photo.jpg"


# -- Mẫu 03 ----------------------------------------------------------------------------------------------------


def test_mau03_draft_has_the_four_points_prefilled_from_mau02():
    draft = forms.draft_from_mau02(s.sen_mau02(), "Xã Tháp Mười", "Đồng Tháp")
    assert draft.local_raw_material.described.startswith(
        "Tự đánh giá tiêu chí 1.1 (Nguồn nguyên liệu): Từ 75% đến 100% từ trong tỉnh (3/3 điểm); 100% sen")
    assert "3.3" in draft.local_labour.described and "2.1" in draft.idea_origin.described
    assert "5.3" in draft.local_identity.described
    assert all(p.assessment is None for p in (draft.local_raw_material, draft.local_labour, draft.idea_origin,
                                               draft.local_identity))
    for data in (forms.render_mau03_docx(draft), forms.render_mau03_pdf(draft)):
        text = pdf_text(data) if data.startswith(b"%PDF") else docx_text(data)
        assert in_order(text, "ỦY BAN NHÂN DÂN XÃ THÁP MƯỜI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO",
                        "I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM", "1. Tên chủ thể: Hợp tác xã Sen Tháp Mười",
                        "5. Sản phẩm đăng ký đánh giá: Hạt sen sấy Tháp Mười",
                        "II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM",
                        "1. Về sử dụng nguyên liệu địa phương:", "Tự đánh giá tiêu chí 1.1",
                        "- Đánh giá của Ủy ban nhân dân xã:",
                        "2. Về sử dụng lao động địa phương:", "Tự đánh giá tiêu chí 3.3",
                        "3. Nguồn gốc ý tưởng sản phẩm:", "Tự đánh giá tiêu chí 2.1",
                        "4. Bản sắc/trí tuệ địa phương:", "Tự đánh giá tiêu chí 5.3",
                        "Ủy ban nhân dân xã Tháp Mười đề nghị Ủy ban nhân dân tỉnh Đồng Tháp đánh giá, phân hạng sản "
                        "phẩm OCOP cho sản phẩm Hạt sen sấy Tháp Mười của Hợp tác xã Sen Tháp Mười.",
                        "T.M ỦY BAN NHÂN DÂN XÃ THÁP MƯỜI", "(Ký tên và đóng dấu)")


def test_mau03_without_data_keeps_the_forms_blanks():
    for data in (forms.render_mau03_docx(forms.Mau03()), forms.render_mau03_pdf(forms.Mau03())):
        text = pdf_text(data) if data.startswith(b"%PDF") else docx_text(data)
        assert in_order(text, "ỦY BAN NHÂN DÂN XÃ/PHƯỜNG…", "Ủy ban nhân dân ……", "đề nghị Ủy ban nhân dân tỉnh ……",
                        "T.M ỦY BAN NHÂN DÂN XÃ....")
        assert text.count("- Mô tả của chủ thể:") == 4


def test_mau03_for_a_ward_and_an_unmatched_code():
    form = forms.draft_from_mau02(s.nem_mau02(), "Phường Sa Đéc", "Đồng Tháp", forms.Mau03Codes(identity="9.9"))
    assert form.local_identity == forms.Mau03Point()
    text = pdf_text(forms.render_mau03_pdf(form))
    assert "ỦY BAN NHÂN DÂN PHƯỜNG SA ĐÉC" in text and "Ủy ban nhân dân phường Sa Đéc đề nghị" in text


# -- LibreOffice opens the DOCX (where it is installed) ----------------------------------------------------------


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_docx(rendered, tmp_path):
    import subprocess

    draft = forms.draft_from_mau02(s.sen_mau02(), "Xã Tháp Mười", "Đồng Tháp")
    files = {"sen01": rendered["sen"]["01.docx"], "sen02": rendered["sen"]["02.docx"],
             "nem02": rendered["nem"]["02.docx"], "sen03": forms.render_mau03_docx(draft)}
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *[str(tmp_path / f"{n}.docx") for n in files]],
                   check=True, capture_output=True, timeout=180)
    for name in files:
        pdf = (tmp_path / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2, name



def test_nem_phan_iii_from_set_8s_own_sheet_matches_its_scoring():
    """The second producer's Phần III from its own sheet (#8 I.3.d), not set #7's: every item of that sheet,
    its points, and the total the scoring gives."""
    from tests.forms_samples import (
        NEM_PRODUCER,
        NEM_PRODUCT,
        nem_answers_by_points,
        nem_assessment_from_sheet,
    )

    sheet = load_content().criteria.sheet("qd26-2026", "I.3.d")
    result = score(sheet, nem_answers_by_points())
    report = forms.Mau02(producer=NEM_PRODUCER, product=NEM_PRODUCT, assessment=nem_assessment_from_sheet())
    rows = {r[0]: r for r in docx_table(forms.render_mau02_docx(report), "Mã")[1:]}
    for criterion in sheet.criteria():
        assert criterion.code in rows, criterion.code
    assert rows["TỔNG CỘNG"][3] == str(result.total)
    assert f"Tổng số điểm tự đánh giá: {result.total}/100 điểm" in pdf_text(forms.render_mau02_pdf(report))
