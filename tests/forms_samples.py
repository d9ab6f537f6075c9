"""Two producers of different product sets, as the chat flow would hand them to bot.forms (tests only).

1. HTX Sen Tháp Mười, dried lotus seeds, set #7 (I.3.c): Phần III built from the loaded qd26-2026 sheet.
2. Hộ kinh doanh Nem Út Tý (Lai Vung), nem Lai Vung, set #8 (I.3.d): Phần III as hand-made rows (how rows that did
   not come from a sheet print), and in one test from set #8's own sheet.
"""

from __future__ import annotations

import datetime

from bot import forms
from bot.content import load_content

DAY = datetime.date(2026, 12, 5)
AT = datetime.datetime(2026, 12, 5, 14, 32)


def _ev(id_: str, name: str) -> forms.EvidenceFile:
    return forms.EvidenceFile(id_, name)


# -- producer 1: HTX Sen Tháp Mười, set #7 -------------------------------------------------------------------

SEN_PRODUCER = forms.Producer(
    name="Hợp tác xã Sen Tháp Mười",
    org_type="Hợp tác xã",
    address="Ấp 3, xã Tháp Mười, tỉnh Đồng Tháp",
    phone="0277 3851 234",
    email="htxsenthapmuoi@example.vn",
    representative=forms.Person(name="Nguyễn Thị Hồng Nhung", title="Giám đốc", gender=forms.Gender.FEMALE,
                                ethnicity="Kinh", permanent_address="Ấp 3, xã Tháp Mười, tỉnh Đồng Tháp"),
    founded_on=datetime.date(2015, 3, 12),
    registration_number="1407000123",
)
SEN_PRODUCT = forms.Product(
    name="Hạt sen sấy Tháp Mười",
    description="Hạt sen tươi bóc vỏ, sấy khô; túi zip 500 g",
    standard="TCCS 01:2024/HTXSTM",
    product_set=forms.product_set("I.3.c"),
)
# Answer index per criterion (options as in content/criteria/qd26-2026/I.3.c.yaml).
SEN_ANSWERS = {
    "1.1": 4, "1.2": 1, "1.3": 2, "1.4": 1, "1.5": 2, "1.6": 1, "1.7": 1,
    "2.1": 4, "2.2": 2, "2.3": 3, "2.4": 1,
    "3.1": 2, "3.2": 1, "3.3": 3, "3.4": 2, "3.5": 2,
    "4.1": 3, "4.2": 2, "4.3": 3,
    "5.1": 4, "5.2": 2, "5.3": 3,
    "6.1": 3, "6.2": 2, "6.3": 2, "6.4": 2, "6.5": 2,
    "7": 2, "8": 2, "9": 1, "10": 2, "11": 0,
}
SEN_EVIDENCE = {
    "e-dkkd": b"%PDF-1.4 giay dang ky kinh doanh",
    "e-attp": b"\xff\xd8\xff\xe0 anh giay chung nhan ATTP",
    "e-hoadon": b"\xff\xd8\xff\xe0 hoa don mua sen",
    "e-hoadon-2": b"\xff\xd8\xff\xe0 hoa don mua sen thang 2",
    "e-laodong": b"danh sach lao dong",
}
SEN_TOPIC_EVIDENCE = {
    "dang-ky-kinh-doanh": (_ev("e-dkkd", "Giấy ĐKKD HTX.pdf"),),
    "co-so-du-dieu-kien": (_ev("e-attp", "photo.jpg"),),
    "nguon-nguyen-lieu": (_ev("e-hoadon", "Hóa đơn: mua sen tháng 1.jpg"),),
}
SEN_ROW_EVIDENCE = {
    "1.1": (_ev("e-hoadon", "Hóa đơn: mua sen tháng 1.jpg"), _ev("e-hoadon-2", "photo.jpg")),
    "3.3": (_ev("e-laodong", "Danh sách lao động.xlsx"),),
}


def sen_assessment() -> forms.SelfAssessment:
    content = load_content()
    sheet = content.criteria.sheet("qd26-2026", "I.3.c")
    assert sheet is not None, "the qd26-2026 sheet of set #7 is part of the content"
    return forms.self_assessment_from_sheet(
        sheet, SEN_ANSWERS,
        descriptions={"1.1": "100% sen mua từ các hộ trồng sen trong xã Tháp Mười, có hợp đồng."},
        evidence=SEN_ROW_EVIDENCE, topic_evidence=SEN_TOPIC_EVIDENCE,
        rule_set_title=content.criteria.rule_set("qd26-2026").title,
    )


def sen_mau01() -> forms.Mau01:
    return forms.Mau01(producer=SEN_PRODUCER, product=SEN_PRODUCT, province="Đồng Tháp", year=2026,
                       kind=forms.RegistrationKind.FIRST, sample_count=5, sample_note="túi 500 g",
                       signing=forms.Signing("Tháp Mười", DAY))


def sen_mau02() -> forms.Mau02:
    return forms.Mau02(
        producer=SEN_PRODUCER, product=SEN_PRODUCT,
        certificates=forms.Certificates(business_registration=True, quality_declared=True,
                                        food_safety_certificate=True, trademark=True),
        history="2015: thành lập với 12 thành viên.\n2020: xây xưởng sấy.",
        organisation="Hội đồng quản trị, Ban kiểm soát, Giám đốc, tổ sản xuất.",
        results=forms.BusinessResults(
            raw_material_and_technology="Vùng sen 40 ha của thành viên; sấy bằng máy sấy nhiệt.",
            markets="Siêu thị trong tỉnh, sàn thương mại điện tử.",
            years=(forms.YearResult(2024, "10 tấn", 1_250_000_000, 180_000_000),
                   forms.YearResult(2025, "12 tấn", 1_500_000_000, 240_000_000)),
        ),
        assessment=sen_assessment(),
        plans=forms.Plans(product_development="Ra thêm dòng hạt sen sấy giòn.", market="Xuất khẩu sang Nhật Bản."),
        signing=forms.Signing("Tháp Mười", DAY),
    )


# -- producer 2: Hộ kinh doanh Nem Út Tý, set #8 ----------------------------------------------------------------

NEM_PRODUCER = forms.Producer(
    name="Hộ kinh doanh Nem Út Tý",
    org_type="Hộ kinh doanh",
    address="Khóm 1, xã Lai Vung, tỉnh Đồng Tháp",
    phone="0909 123 456",
    representative=forms.Person(name="Trần Văn Tý", title="Chủ hộ kinh doanh", gender=forms.Gender.MALE,
                                ethnicity="Kinh"),
)
NEM_PRODUCT = forms.Product(name="Nem Lai Vung Út Tý", description="Nem chua gói lá chuối; chục 10 cái",
                            product_set=forms.product_set("I.3.d"))


def _row(code: str, name: str, option: str | None, points: int | None, max_: int) -> forms.ScoreRow:
    return forms.ScoreRow(code=code, name=name, option_text=option, points=points, max=max_)


def nem_assessment() -> forms.SelfAssessment:
    """Hand-made rows (a few items of each part, one left blank): how the renderer prints rows that did not come
    from a loaded sheet. `nem_assessment_from_sheet` is the same producer scored on set #8's own sheet."""
    return forms.SelfAssessment(
        sheet_title="Bộ sản phẩm số 8 (I.3.d): Chế biến từ thịt, trứng, sữa, thủy sản, mật ong, nông sản khác",
        projected_stars=3,
        parts=(
            forms.ScorePart("A", "Sản phẩm và sức mạnh cộng đồng", 40, (
                forms.ScoreSection("1", "Tổ chức sản xuất", 18, (
                    _row("1.1", "Nguồn nguyên liệu", "Từ 75% đến 100% từ trong tỉnh", 3, 3),
                    _row("1.3", "Gia tăng giá trị qua chế biến", "Có chế biến", 2, 3),
                )),
                forms.ScoreSection("3", "Sức mạnh cộng đồng", 12, (
                    _row("3.1", "Loại hình tổ chức sản xuất", "Hộ kinh doanh, trang trại hoặc tổ hợp tác", 1, 3),
                    _row("3.3", "Sử dụng lao động địa phương", "Từ 75% trở lên", 3, 3),
                )),
            )),
            forms.ScorePart("B", "Khả năng tiếp thị", 25, (
                forms.ScoreSection("5", "Câu chuyện sản phẩm", 12, (
                    _row("5.3", "Bản sắc địa phương", "Thể hiện văn hóa địa phương", 3, 5),
                )),
            )),
            forms.ScorePart("C", "Chất lượng sản phẩm", 35, (
                forms.ScoreSection("8", "Công bố chất lượng sản phẩm", 5, (
                    _row("8", "Công bố chất lượng sản phẩm", "Đã công bố chất lượng", 2, 5),
                )),
                forms.ScoreSection("9", "Hệ thống đảm bảo chất lượng", 5, (
                    _row("9", "Hệ thống đảm bảo chất lượng", None, None, 5),
                )),
            )),
        ),
    )


def nem_mau01() -> forms.Mau01:
    # No e-mail, no registration kind, no sample count, no signing date: these print as blanks.
    return forms.Mau01(producer=NEM_PRODUCER, product=NEM_PRODUCT, province="Đồng Tháp", year=2026)


def nem_mau02() -> forms.Mau02:
    return forms.Mau02(
        producer=NEM_PRODUCER, product=NEM_PRODUCT,
        certificates=forms.Certificates(business_registration=True, food_safety_certificate=True,
                                        geographical_indication=True, other_ip="Nhãn hiệu tập thể Nem Lai Vung"),
        assessment=nem_assessment(),
        signing=forms.Signing("Lai Vung", None),
    )


def nem_answers_by_points() -> dict[str, int]:
    """For every item of set #8's sheet, the on-sheet option with the second-highest points (or the highest
    where there is one level only): a plausible household's answers, chosen by points, not by position."""
    sheet = load_content().criteria.sheet("qd26-2026", "I.3.d")
    answers = {}
    for criterion in sheet.criteria():
        scored = sorted({o.points for o in criterion.options if o.knock_out is None and o.on_sheet})
        wanted = scored[-2] if len(scored) > 1 else scored[-1]
        answers[criterion.code] = next(i for i, o in enumerate(criterion.options)
                                       if o.points == wanted and o.knock_out is None and o.on_sheet)
    return answers


def nem_assessment_from_sheet() -> forms.SelfAssessment:
    sheet = load_content().criteria.sheet("qd26-2026", "I.3.d")
    return forms.self_assessment_from_sheet(sheet, nem_answers_by_points())
