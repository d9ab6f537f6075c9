"""Mẫu số 01: Phiếu đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP.

Wording: /work/shared/reference/qd26-2026-copy.txt lines 4408–4442 (QĐ 26/2026/QĐ-TTg, Phụ lục III, copy).
The producer's part ends with the copy's footnote 1 (Phụ lục I); "PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ" starts on
a new page and is printed blank, for the commune and the province to fill on receipt.
"""

from __future__ import annotations

from bot.forms.classification import classification_text
from bot.forms.layout import (
    Blank,
    Box,
    Document,
    PageBreak,
    Signature,
    Text,
    field_line,
    flatten,
    national_motto,
    para,
    signing_line,
    value,
)
from bot.forms.model import Mau01, RegistrationKind
from bot.forms.notice import PDF_NOTICE

TITLE = "Mẫu số 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP"
COMMITMENT = (
    "Cam đoan những thông tin trong Phiếu đăng ký là đúng sự thật, chúng tôi xin cam kết tuân thủ các quy định "
    "về đánh giá, phân hạng sản phẩm OCOP, chịu trách nhiệm trước Hội đồng và pháp luật về Hồ sơ đăng ký đánh "
    "giá, phân hạng sản phẩm."
)
FOOTNOTE = "Theo Phụ lục I về Danh mục phân loại sản phẩm tham gia đánh giá, phân hạng sản phẩm OCOP."
RECEIPT_NUMBER = "Phiếu số: ……-……. /PĐK- (Mã tỉnh) - (Mã xã) - (Năm)"


def _samples(form: Mau01) -> str | None:
    if form.sample_count is None:
        return None
    return f"{form.sample_count:02d}" + (f" ({form.sample_note.strip()})" if form.sample_note else "")


def _receipt(heading: str) -> list:
    return [
        para(Text(heading, bold=True), keep_with_next=True, space_before=6),
        para(RECEIPT_NUMBER),
        field_line(("Ngày nhận: ", None)),
        field_line(("Người tiếp nhận: ", None, 0.62), ("Chữ ký: ", None)),
        Signature(place_date=(), title="Cơ quan tiếp nhận", note="(Ký, đóng dấu và ghi rõ họ tên)"),
    ]


def build(form: Mau01) -> Document:
    producer, rep, product = form.producer, form.producer.representative, form.product
    group = classification_text(product.product_set) if product.product_set else None
    kind = form.kind
    blocks = [
        national_motto(),
        para(Text("PHIẾU ĐĂNG KÝ", bold=True), align="center", style="title", space_before=6),
        para(Text("Tham gia đánh giá, phân hạng sản phẩm OCOP", bold=True), align="center", style="heading"),
        para(Text("của tỉnh ", bold=True), value(form.province, dots=8, bold=True), Text(" năm ", bold=True),
             value(str(form.year) if form.year else None, dots=6, bold=True), align="center", style="heading"),
        para(Text("1. Thông tin về đơn vị đăng ký:", bold=True), space_before=6),
        field_line(("- Tên đơn vị: ", producer.name)),
        field_line(("- Họ tên người đại diện pháp lý: ", rep.name)),
        field_line(("- Chức vụ: ", rep.title)),
        field_line(("- Địa chỉ liên hệ: ", producer.address)),
        field_line(("- Điện thoại: ", producer.phone, 0.5), ("Email: ", producer.email)),
        field_line(("2. Tên sản phẩm: ", product.name)),
        para("3. Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm", Text("1", superscript=True), "): ",
             value(group)),
        *([para(Blank())] if group is None else []),
        para("4. Lần đăng ký đánh giá: ",
             "Lần đầu ", Box(kind is RegistrationKind.FIRST), "   ",
             "Nâng hạng: ", Box(kind is RegistrationKind.UPGRADE), "   ",
             "Đánh giá lại: ", Box(kind is RegistrationKind.RE_EVALUATION)),
        para("5. Tài liệu kèm theo:"),
        para("- Báo cáo đánh giá về sản phẩm theo Bộ tiêu chí (bản gốc, bản điện tử)."),
        field_line(("- Sản phẩm mẫu (số lượng): ", _samples(form))),
        para(COMMITMENT, align="justify", space_before=4),
        Signature(place_date=signing_line(form.signing.place, form.signing.on), title="ĐẠI DIỆN",
                  note="(Ký, đóng dấu, ghi rõ họ tên)", name=rep.name),
        para("_____________________", style="small", space_before=6),
        para(Text("1", superscript=True), " " + FOOTNOTE, style="small"),
        PageBreak(),
        para(Text("PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ", bold=True), align="center", style="heading"),
        _receipt("DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ"),
        _receipt("DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH"),
    ]
    return Document(title=TITLE, blocks=flatten(blocks), pdf_notice=PDF_NOTICE)
