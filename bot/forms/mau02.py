"""Mẫu số 02: Báo cáo tự đánh giá về sản phẩm, Phần I–IV and the appendix listing the evidence.

Wording: /work/shared/reference/qd26-2026-copy.txt lines 4443–4512 (QĐ 26/2026/QĐ-TTg, Phụ lục III, copy):
Phần I 4446–4478, Phần II 4479–4486, Phần III 4487–4508 (guidance table 4491–4506), Phần IV 4509–4512.
The copy prints Mẫu 02 without the national motto, so none is added. What the form leaves to the producer is
filled in after the form's own words: Phần II and IV after each point the form lists, Phần III's score table
after the form's guidance table, and the appendix (numbered as in the dossier ZIP) after the signature.
"""

from __future__ import annotations

from bot.forms.evidence import AppendixEntry, appendix, numbers_by_id
from bot.forms.layout import (
    Block,
    Box,
    Cell,
    Document,
    PageBreak,
    Para,
    Signature,
    Table,
    Text,
    field_line,
    flatten,
    para,
    signing_line,
    text_or_blank,
    value,
)
from bot.forms.model import Mau02, ScoreRow, SelfAssessment
from bot.forms.notice import PDF_NOTICE
from bot.forms.texts import money, short_date
from bot.forms.topics import EVIDENCE_TOPICS

TITLE = "Mẫu số 02: Báo cáo tự đánh giá về sản phẩm"

PHAN_II_REQUIREMENT = (
    "Nội dung yêu cầu: Đánh giá kết quả triển khai phương án sản xuất, kinh doanh của chủ thể theo Phương án "
    "sản xuất, kinh doanh khi tham gia OCOP."
)
PHAN_II_POINTS = (
    "- Tổ chức vùng nguyên liệu, công nghệ sản xuất, sơ chế, chế biến, đóng gói sản phẩm của chủ thể.",
    "- Sự thay đổi về chất lượng sản phẩm: chất lượng, tiêu chuẩn chất lượng, bao bì, nhãn mác, hình thức đóng "
    "gói,...",
    "- Thị trường phân phối sản phẩm.",
    "- Kết quả sản xuất, kinh doanh: doanh thu, lợi nhuận.",
)
PHAN_III_GUIDANCE = (
    "- Căn cứ vào Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP tương ứng với sản phẩm đăng ký, chủ thể tự đánh "
    "giá về kết quả (điểm số) có thể đạt theo thứ tự từng tiêu chí.",
    "- Mô tả, chứng minh về kết quả tương ứng (mô tả, tài liệu minh chứng cho nội dung mô tả, được sắp xếp theo "
    "thứ tự các chỉ tiêu trong Bộ tiêu chí).",
    "- Tài liệu minh chứng kèm theo vào phụ lục của Báo cáo, tham khảo hướng dẫn theo bảng dưới đây:",
)
RE_EVALUATION_NOTE = (
    "Đối với sản phẩm đăng ký đánh giá, phân hạng lại: cần rà soát, cập nhật những nội dung mới và đánh giá về "
    "những thay đổi, kết quả đạt được sau 3 năm được công nhận OCOP: về nguyên liệu, công nghệ sử dụng, bao bì, "
    "nhãn mác, công bố chất lượng, thị trường tiêu thụ, sản lượng, doanh thu; bổ sung các giấy tờ minh chứng "
    "pháp lý có thời hạn;...."
)
PHAN_IV_GUIDANCE = (
    "Trình bày những định hướng, kế hoạch của chủ sở hữu trong thời gian tới về phát triển sản phẩm, tổ chức sản "
    "xuất, thị trường."
)
SCORE_COLUMNS = ("Mã", "Tiêu chí", "Mức đạt được (tự đánh giá)", "Điểm", "Tối đa", "Mô tả, chứng minh",
                 "Minh chứng (số trong phụ lục)")
SCORE_WIDTHS = (11, 29, 37, 13, 13, 35, 27)


def number_label(n: int, total: int) -> str:
    """"01": the number as the ZIP prefixes the file (two digits, more from 100 files)."""
    return f"{n:0{max(2, len(str(total)))}d}"


def _part_heading(number: str, title: str) -> list[Para]:
    return [para(Text(number, bold=True), align="center", style="heading", space_before=10, keep_with_next=True),
            para(Text(title, bold=True), align="center", style="heading", keep_with_next=True)]


def _box_line(label: str, ticked: bool, indent: float = 0.0) -> Para:
    return para(label, Box(ticked), indent=indent)


def _phan_i(r: Mau02) -> list:
    p, rep, product, c = r.producer, r.producer.representative, r.product, r.certificates
    gender = rep.gender.value if rep.gender else None
    return [
        _part_heading("Phần I", "THÔNG TIN CHUNG"),
        field_line(("1. Tên chủ thể: ", p.name)),
        field_line(("2. Loại hình tổ chức: ", p.org_type)),
        field_line(("3. Địa chỉ: ", p.address)),
        field_line(("4. Điện thoại: ", p.phone, 0.45), ("Email: ", p.email)),
        para("5. Tên người đại diện pháp luật:"),
        field_line(("- Họ tên: ", rep.name)),
        para("- Giới tính: ", value(gender, 0.4), *(() if gender else (Text(" (Nam/nữ)"),)), "; Dân tộc: ",
             value(rep.ethnicity)),
        field_line(("- Địa chỉ thường trú: ", rep.permanent_address)),
        field_line(("6. Ngày thành lập/đăng ký kinh doanh: ", short_date(p.founded_on) if p.founded_on else None,
                    0.62), ("Số giấy đăng ký (nếu có): ", p.registration_number)),
        para("7. Tên sản phẩm/dịch vụ, mô tả về quy cách sản phẩm, tiêu chuẩn:"),
        field_line(("- Tên sản phẩm: ", product.name)),
        field_line(("- Mô tả, quy cách: ", product.description)),
        field_line(("- Tiêu chuẩn: ", product.standard)),
        para("Đánh dấu (√) vào mục tương ứng:", space_before=3),
        _box_line("a) Giấy đăng ký kinh doanh: ", c.business_registration),
        _box_line("b) Đã công bố chất lượng sản phẩm theo quy định: ", c.quality_declared),
        para("c) Đã có các điều kiện sản xuất theo quy định:"),
        _box_line("- Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm theo quy định của pháp luật cho "
                  "sản xuất sản phẩm: ", c.food_safety_certificate, indent=5),
        _box_line("- Giấy chứng nhận cơ sở đủ điều kiện sản xuất bắt buộc theo quy định cho sản phẩm (đối với các "
                  "sản phẩm bắt buộc theo quy định) ", c.production_condition_certificate, indent=5),
        _box_line("d) Đã có đăng ký sở hữu trí tuệ: ", c.ip_registered),
        _box_line("+ Giấy chứng nhận đăng ký nhãn hiệu: ", c.trademark, indent=5),
        _box_line("+ Văn bản ghi nhận quyền sử dụng chỉ dẫn địa lý, nhãn hiệu tập thể, nhãn hiệu chứng nhận: ",
                  c.geographical_indication, indent=5),
        _box_line("+ Bằng sáng chế ", c.patent, indent=5),
        _box_line("+ Bằng độc quyền kiểu dáng công nghiệp: ", c.industrial_design, indent=5),
        _box_line("+ Giấy chứng nhận bản quyền tác giả ", c.copyright, indent=5),
        para("+ Khác (ghi rõ): ", value(c.other_ip, 0.9), " ", Box(bool(c.other_ip)), indent=5),
        para("8. Lịch sử hình thành của chủ thể (nêu các giai đoạn hình thành và phát triển):", space_before=3),
        text_or_blank(r.history, lines=2),
        para("9. Cơ cấu tổ chức của chủ thể:"),
        text_or_blank(r.organisation, lines=1),
    ]


def _years_table(r: Mau02) -> Table:
    rows = [(Cell(str(y.year), align="center"), Cell(y.output or ""),
             Cell(money(y.revenue_vnd) if y.revenue_vnd is not None else "", align="right"),
             Cell(money(y.profit_vnd) if y.profit_vnd is not None else "", align="right"))
            for y in r.results.years]
    if not rows:
        rows = [(Cell(""), Cell(""), Cell(""), Cell(""))] * 2
    return Table(columns=("Năm", "Sản lượng", "Doanh thu", "Lợi nhuận"), widths=(15, 30, 35, 35),
                 rows=tuple(rows))


def _phan_ii(r: Mau02) -> list:
    res = r.results
    texts = (res.raw_material_and_technology, res.quality_changes, res.markets)
    blocks: list = [
        _part_heading("Phần II", "KẾT QUẢ THỰC HIỆN PHƯƠNG ÁN SẢN XUẤT KINH DOANH"),
        para(Text(PHAN_II_REQUIREMENT, italic=True), align="justify"),
        para(Text("Lưu ý: trình bày rõ một số nội dung sau:", italic=True)),
    ]
    for point, text in zip(PHAN_II_POINTS[:3], texts, strict=True):
        blocks += [para(Text(point, bold=True), keep_with_next=True, space_before=3), text_or_blank(text, lines=2)]
    blocks += [para(Text(PHAN_II_POINTS[3], bold=True), keep_with_next=True, space_before=3)]
    if res.results and res.results.strip():
        blocks += text_or_blank(res.results)
    blocks.append(_years_table(r))
    return blocks


def _files(files, numbers: dict[str, int], total: int) -> str:
    return "\n".join(f"{number_label(numbers[f.id], total)}. {f.name}" for f in files)


def _guidance_table(a: SelfAssessment, numbers: dict[str, int], total: int) -> Table:
    rows = tuple(
        (Cell(str(i), align="center"), Cell(t.content), Cell(t.requirement),
         Cell(_files(a.topic_evidence.get(t.key, ()), numbers, total)))
        for i, t in enumerate(EVIDENCE_TOPICS, 1)
    )
    return Table(columns=("TT", "Nội dung", "Yêu cầu", "Tài liệu kèm theo (số trong phụ lục)"),
                 widths=(10, 40, 70, 45), rows=rows)


def _points(v: int | None) -> str:
    return "" if v is None else str(v)


def _score_row(row: ScoreRow, numbers: dict[str, int], total: int) -> tuple[Cell, ...]:
    return (Cell(row.code), Cell(row.name), Cell(row.option_text or ""), Cell(_points(row.points), align="center"),
            Cell(_points(row.max), align="center"), Cell(row.description or ""),
            Cell(_files(row.evidence, numbers, total)))


def stars_text(a: SelfAssessment) -> str | None:
    if a.projected_stars is not None:
        text = f"{a.projected_stars} sao"
    elif a.total is not None:
        text = "chưa đạt hạng sao được công nhận (từ 3 sao)"
    else:
        return None
    return f"{text} ({a.stars_note.strip()})" if a.stars_note and a.stars_note.strip() else text


def _score_table(a: SelfAssessment, numbers: dict[str, int], total: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    shaded: list[int] = []
    for part in a.parts:
        shaded.append(len(rows))
        rows.append((Cell(f"{part.code}. {part.name}".upper(), bold=True, span=3),
                     Cell(_points(part.points), bold=True, align="center"),
                     Cell(_points(part.max), bold=True, align="center"), Cell("", span=2)))
        for section in part.sections:
            if len(section.rows) == 1 and section.rows[0].code == section.code:
                rows.append(_score_row(section.rows[0], numbers, total))  # "7 Tính độc đáo": one row, not two
                continue
            rows.append((Cell(section.code, bold=True), Cell(section.name, bold=True, span=2),
                         Cell(_points(section.points), bold=True, align="center"),
                         Cell(_points(section.max), bold=True, align="center"), Cell("", span=2)))
            rows += [_score_row(r, numbers, total) for r in section.rows]
    if not a.parts:
        rows += [tuple(Cell("") for _ in SCORE_COLUMNS)] * 3
    shaded.append(len(rows))
    rows.append((Cell("TỔNG CỘNG", bold=True, span=3), Cell(_points(a.total), bold=True, align="center"),
                 Cell(_points(a.max) or "100", bold=True, align="center"), Cell("", span=2)))
    return Table(columns=SCORE_COLUMNS, widths=SCORE_WIDTHS, rows=tuple(rows), shaded=tuple(shaded))


def _phan_iii(r: Mau02, entries: tuple[AppendixEntry, ...]) -> list:
    a = r.assessment
    numbers, total = numbers_by_id(entries), len(entries)
    total_text = None if a.total is None else f"{a.total}/{a.max or 100} điểm"
    return [
        _part_heading("Phần III", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP"),
        [para(line, align="justify") for line in PHAN_III_GUIDANCE],
        _guidance_table(a, numbers, total),
        para(Text(RE_EVALUATION_NOTE, italic=True), align="justify", space_before=3),
        para(Text("Kết quả tự đánh giá theo Bộ tiêu chí", bold=True), space_before=6, keep_with_next=True),
        field_line(("Bộ tiêu chí áp dụng: ", a.sheet_title)),
        _score_table(a, numbers, total),
        field_line(("Tổng số điểm tự đánh giá: ", total_text)),
        field_line(("Hạng sao dự kiến (tự đánh giá): ", stars_text(a))),
    ]


def _phan_iv(r: Mau02) -> list:
    pl = r.plans
    blocks: list = [_part_heading("Phần IV", "KẾ HOẠCH SẢN XUẤT, KINH DOANH"),
                    para(Text(PHAN_IV_GUIDANCE, italic=True), align="justify")]
    for label, text in (("- Phát triển sản phẩm:", pl.product_development), ("- Tổ chức sản xuất:", pl.production),
                        ("- Thị trường:", pl.market)):
        blocks += [para(Text(label, bold=True), keep_with_next=True, space_before=3), text_or_blank(text, lines=2)]
    if pl.other and pl.other.strip():
        blocks += [para(Text("- Kế hoạch khác:", bold=True), keep_with_next=True), text_or_blank(pl.other)]
    return blocks


def _appendix(entries: tuple[AppendixEntry, ...]) -> list[Block]:
    total = len(entries)
    rows = tuple((Cell(number_label(e.number, total), align="center"), Cell(e.file.name), Cell(e.place))
                 for e in entries) or ((Cell(""), Cell(""), Cell("")),) * 3
    return [
        PageBreak(),
        para(Text("PHỤ LỤC", bold=True), align="center", style="heading"),
        para(Text("DANH MỤC TÀI LIỆU MINH CHỨNG KÈM THEO BÁO CÁO", bold=True), align="center", style="heading"),
        para(Text("(Số thứ tự theo bảng hướng dẫn tài liệu minh chứng của Phần III, sau đó theo thứ tự các tiêu "
                  "chí; tệp trong hồ sơ điện tử mang cùng số ở đầu tên.)", italic=True), align="center",
             style="small"),
        Table(columns=("Số", "Tài liệu", "Minh chứng cho"), widths=(12, 75, 78), rows=rows),
    ]


def build(report: Mau02) -> Document:
    entries = appendix(report)
    rep = report.producer.representative
    blocks = [
        para(Text("BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM", bold=True), align="center", style="title"),
        para(Text("(Dành cho chủ thể có sản phẩm đăng ký)", italic=True), align="center"),
        _phan_i(report),
        _phan_ii(report),
        _phan_iii(report, entries),
        _phan_iv(report),
        Signature(place_date=signing_line(report.signing.place, report.signing.on),
                  title="ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ", note="(Ký, họ tên, đóng dấu)", name=rep.name),
        _appendix(entries),
    ]
    return Document(title=TITLE, blocks=flatten(blocks), pdf_notice=PDF_NOTICE)

