"""Mẫu số 03: the commune's report on four points of a producer's dossier, as a draft for the officer.

Wording: /work/shared/reference/qd26-2026-copy.txt lines 4513–4532 (QĐ 26/2026/QĐ-TTg, Phụ lục III, copy).
The copy opens point 4's guidance without its parenthesis ("…địa phương: Đánh giá … của sản phẩm)."); it is
printed here in parentheses like the other three. `draft_from_mau02` prefills the four points from the
producer's own self-assessment ("Mô tả của chủ thể"), leaving "Đánh giá của Ủy ban nhân dân xã" to the officer
(dotted lines when empty). Those two sub-headings are ours: the form asks for both in each point's guidance.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.forms.layout import (
    Document,
    Signature,
    Text,
    TwoColumns,
    field_line,
    flatten,
    national_motto,
    para,
    text_or_blank,
    value,
)
from bot.forms.model import Mau02, Mau03, Mau03Point, ScoreRow
from bot.forms.notice import PDF_NOTICE

TITLE = "Mẫu số 03: Báo cáo đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP"

POINTS = (
    ("1. Về sử dụng nguyên liệu địa phương: ",
     "(Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng nguyên liệu thực tế của chủ thể "
     "trên địa bàn xã)."),
    ("2. Về sử dụng lao động địa phương: ",
     "(Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng thực tế về lao động địa phương "
     "của chủ thể trên địa bàn xã)."),
    ("3. Nguồn gốc ý tưởng sản phẩm: ",
     "(Nhận xét về nguồn gốc sản phẩm (truyền thống, sản phẩm mới) của chủ thể dựa trên thực tế của địa "
     "phương)."),
    ("4. Bản sắc/trí tuệ địa phương: ",
     "(Đánh giá các giá trị văn hóa, tri thức bản địa (giống, nguyên liệu, điều kiện sản xuất), kinh nghiệm sản "
     "xuất của cộng đồng và phương thức sản xuất đặc trưng của địa phương, tạo nên sự khác biệt của sản phẩm)."),
)
DESCRIBED = "- Mô tả của chủ thể:"
COMMUNE_VIEW = "- Đánh giá của Ủy ban nhân dân xã:"
_KINDS = ("xã", "phường", "thị trấn", "đặc khu")


def _commune_parts(commune: str | None) -> tuple[str, str] | None:
    """("xã", "Tháp Mười") from "Xã Tháp Mười"; ("", name) when the kind is not given."""
    if not commune or not commune.strip():
        return None
    name = " ".join(commune.split())
    for kind in _KINDS:
        if name.lower().startswith(kind + " "):
            return kind, name[len(kind) + 1:]
    return "", name


def _commune_upper(commune: str | None, missing: str) -> str:
    parts = _commune_parts(commune)
    if parts is None:
        return missing
    return " ".join(p for p in parts if p).upper()


def build(form: Mau03) -> Document:
    p, rep = form.producer, form.producer.representative
    gender = rep.gender.value if rep.gender else None
    parts = _commune_parts(form.commune)
    commune_lower = " ".join(x for x in (parts[0], parts[1]) if x) if parts else None
    points = (form.local_raw_material, form.local_labour, form.idea_origin, form.local_identity)
    heading = TwoColumns(
        left=(para(Text(f"ỦY BAN NHÂN DÂN {_commune_upper(form.commune, 'XÃ/PHƯỜNG…')}", bold=True),
                   align="center", style="header"),
              para("-------", align="center", style="header")),
        right=tuple(national_motto("header")),
    )
    proposal = para(
        "Ủy ban nhân dân ", value(commune_lower, dots=6), " đề nghị Ủy ban nhân dân tỉnh ",
        value(form.province, dots=6), " đánh giá, phân hạng sản phẩm OCOP cho sản phẩm ",
        value(form.product.name, dots=6), " của ", value(p.name, dots=6), ".", align="justify", space_before=6,
    )
    blocks = [
        heading,
        para(Text("BÁO CÁO", bold=True), align="center", style="title", space_before=10),
        para(Text("Đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP",
                  bold=True), align="center", style="heading"),
        para(Text("I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM", bold=True), space_before=8),
        field_line(("1. Tên chủ thể: ", p.name)),
        field_line(("2. Loại hình tổ chức: ", p.org_type)),
        field_line(("3. Địa chỉ: ", p.address)),
        para("4. Tên người đại diện pháp luật:"),
        field_line(("- Họ tên: ", rep.name)),
        para("- Giới tính: ", value(gender, 0.4), *(() if gender else (Text(" (Nam/nữ)"),)), "; Dân tộc: ",
             value(rep.ethnicity)),
        field_line(("- Địa chỉ thường trú: ", rep.permanent_address)),
        field_line(("5. Sản phẩm đăng ký đánh giá: ", form.product.name)),
        para(Text("II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM", bold=True), space_before=8),
    ]
    for (label, guidance), point in zip(POINTS, points, strict=True):
        blocks += [para(Text(label, bold=True), Text(guidance, italic=True), align="justify", keep_with_next=True,
                        space_before=3),
                   para(Text(DESCRIBED, italic=True), keep_with_next=True), text_or_blank(point.described, lines=2),
                   para(Text(COMMUNE_VIEW, italic=True), keep_with_next=True),
                   text_or_blank(point.assessment, lines=2)]
    blocks += [
        proposal,
        Signature(place_date=(), title=f"T.M ỦY BAN NHÂN DÂN {_commune_upper(form.commune, 'XÃ....')}",
                  note="(Ký tên và đóng dấu)"),
    ]
    return Document(title=TITLE, blocks=flatten(blocks), pdf_notice=PDF_NOTICE)


# -- prefilling from the producer's Mẫu 02 ----------------------------------------------------------------


@dataclass(frozen=True)
class Mau03Codes:
    """Which score-sheet criteria speak to the four points. The defaults are the food sheets' numbering
    (set #7 I.3.c: 1.1 raw material, 3.3 local labour, 2.1 origin of the idea, 5.3 local identity); a sheet
    numbered otherwise (tourism, #26) passes its own codes."""

    raw_material: str = "1.1"
    labour: str = "3.3"
    idea_origin: str = "2.1"
    identity: str = "5.3"


def _prefill(row: ScoreRow | None) -> Mau03Point:
    if row is None or (row.option_text is None and not row.description):
        return Mau03Point()
    said = []
    if row.option_text:
        points = f" ({row.points}/{row.max} điểm)" if row.points is not None and row.max is not None else ""
        said.append(f"tự đánh giá tiêu chí {row.code} ({row.name}): {row.option_text}{points}")
    if row.description:
        said.append(row.description.strip().rstrip("."))
    text = "; ".join(said)
    return Mau03Point(described=text[0].upper() + text[1:] + ".")


def draft_from_mau02(report: Mau02, commune: str | None, province: str | None,
                     codes: Mau03Codes = Mau03Codes()) -> Mau03:
    """A Mẫu 03 draft: general information copied from Mẫu 02, each point prefilled with what the producer
    assessed on the matching criterion (the officer adds the commune's own assessment on the dotted lines)."""
    rows = {r.code: r for r in report.assessment.rows}
    return Mau03(
        commune=commune, province=province, producer=report.producer, product=report.product,
        local_raw_material=_prefill(rows.get(codes.raw_material)),
        local_labour=_prefill(rows.get(codes.labour)),
        idea_origin=_prefill(rows.get(codes.idea_origin)),
        local_identity=_prefill(rows.get(codes.identity)),
    )


