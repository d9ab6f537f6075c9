"""What the forms print: frozen, typed input values, every field optional.

A field left `None` (or empty) prints as the form's dotted blank, so the producer can write it by hand on the
printed copy or type it into the DOCX. Texts are printed as given (after Unicode NFC normalisation): the chat
flow decides what to ask, these values only carry the answers.

Nothing here knows about the database, the chat or a channel; the caller builds these from what the bot
stored and hands them to the renderers in `bot.forms.render` and the bundle in `bot.forms.bundle`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from bot.forms.topics import TOPIC_BY_KEY


class RegistrationKind(StrEnum):
    """Mẫu 01 item 4 "Lần đăng ký đánh giá"; the values are the dossier checklist kinds of documents.yaml."""

    FIRST = "lan-dau"
    UPGRADE = "nang-hang"
    RE_EVALUATION = "danh-gia-lai"


class Gender(StrEnum):
    """Mẫu 02 Phần I item 5 and Mẫu 03 item I.4 "Giới tính: … (Nam/nữ)"."""

    MALE = "Nam"
    FEMALE = "Nữ"


@dataclass(frozen=True)
class Person:
    """The legal representative (người đại diện theo pháp luật)."""

    name: str | None = None
    title: str | None = None
    """Chức vụ, e.g. "Giám đốc", "Chủ hộ kinh doanh" (Mẫu 01 item 1)."""
    gender: Gender | None = None
    ethnicity: str | None = None
    """Dân tộc, e.g. "Kinh", "Khmer", "Hoa"."""
    permanent_address: str | None = None


@dataclass(frozen=True)
class Producer:
    """The registering unit (đơn vị đăng ký, chủ thể OCOP)."""

    name: str | None = None
    org_type: str | None = None
    """Loại hình tổ chức as printed, e.g. "Hợp tác xã", "Hộ kinh doanh" (programme.yaml labels fit)."""
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    representative: Person = field(default_factory=Person)
    founded_on: datetime.date | None = None
    """Ngày thành lập/đăng ký kinh doanh (Mẫu 02 Phần I item 6)."""
    registration_number: str | None = None
    """Số giấy đăng ký kinh doanh, if any."""


@dataclass(frozen=True)
class ProductSetRef:
    """The product set as Phụ lục I classifies it (Ngành, Nhóm, Phân nhóm); see `classification.product_set`."""

    code: str | None = None
    """"I.3.c" (the bot's set code)."""
    number: int | None = None
    """Bộ sản phẩm số 1–26 (Phụ lục II)."""
    industry: str | None = None
    """Ngành, e.g. "Sản phẩm thực phẩm"."""
    group: str | None = None
    """Nhóm, e.g. "Thực phẩm chế biến"."""
    subgroup: str | None = None
    """Phân nhóm, e.g. "Chế biến từ rau, củ, quả, hạt"; None where the group has no sub-groups."""


@dataclass(frozen=True)
class Product:
    name: str | None = None
    description: str | None = None
    """Mô tả, quy cách: what it is, packaging, weight (Mẫu 02 Phần I item 7)."""
    standard: str | None = None
    """Tiêu chuẩn, e.g. "TCCS 01:2024/HTXSTM"."""
    product_set: ProductSetRef | None = None


@dataclass(frozen=True)
class Signing:
    """Place and local date of signing, printed "Tháp Mười, ngày 05 tháng 12 năm 2026" above the signature."""

    place: str | None = None
    on: datetime.date | None = None
    """A local date: the caller converts from UTC; nothing here knows a time zone."""


# -- Mẫu 01 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mau01:
    """Phiếu đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP."""

    producer: Producer = field(default_factory=Producer)
    product: Product = field(default_factory=Product)
    province: str | None = None
    """"của tỉnh …… năm ……" in the title, e.g. "Đồng Tháp"."""
    year: int | None = None
    """The evaluation year in the title."""
    kind: RegistrationKind | None = None
    sample_count: int | None = None
    """Sản phẩm mẫu (số lượng): 5 under QĐ 26 (not for tourism)."""
    sample_note: str | None = None
    """Printed after the count in parentheses, e.g. "hộp 500 g"."""
    signing: Signing = field(default_factory=Signing)


# -- Mẫu 02 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    """The tick boxes of Mẫu 02 Phần I item 7 (a–d); False prints an empty □, True a ticked ☒."""

    business_registration: bool = False
    """a) Giấy đăng ký kinh doanh."""
    quality_declared: bool = False
    """b) Đã công bố chất lượng sản phẩm theo quy định."""
    food_safety_certificate: bool = False
    """c) Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm."""
    production_condition_certificate: bool = False
    """c) Giấy chứng nhận cơ sở đủ điều kiện sản xuất bắt buộc (where the law requires one)."""
    trademark: bool = False
    """d) + Giấy chứng nhận đăng ký nhãn hiệu."""
    geographical_indication: bool = False
    """d) + Văn bản ghi nhận quyền sử dụng chỉ dẫn địa lý, nhãn hiệu tập thể, nhãn hiệu chứng nhận."""
    patent: bool = False
    industrial_design: bool = False
    copyright: bool = False
    other_ip: str | None = None
    """d) + Khác (ghi rõ): the text; ticked when given."""

    @property
    def ip_registered(self) -> bool:
        """d) Đã có đăng ký sở hữu trí tuệ: ticked when any of its sub-boxes is."""
        return any((self.trademark, self.geographical_indication, self.patent, self.industrial_design,
                    self.copyright, bool(self.other_ip)))


@dataclass(frozen=True)
class YearResult:
    """One year of production and business results (Phần II "doanh thu, lợi nhuận"), printed as a table row."""

    year: int
    output: str | None = None
    """Sản lượng with its unit, e.g. "12 tấn"."""
    revenue_vnd: int | None = None
    profit_vnd: int | None = None


@dataclass(frozen=True)
class BusinessResults:
    """Phần II: the four points the form asks to present."""

    raw_material_and_technology: str | None = None
    """Tổ chức vùng nguyên liệu, công nghệ sản xuất, sơ chế, chế biến, đóng gói."""
    quality_changes: str | None = None
    """Sự thay đổi về chất lượng sản phẩm: tiêu chuẩn, bao bì, nhãn mác, hình thức đóng gói."""
    markets: str | None = None
    """Thị trường phân phối sản phẩm."""
    results: str | None = None
    """Kết quả sản xuất, kinh doanh in words; the figures go in `years`."""
    years: tuple[YearResult, ...] = ()


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file as the report names it. `id` is the caller's stable key (the bundle looks the bytes up
    by it: two phone photos may both be called "photo.jpg"); `name` is what the form and the ZIP show."""

    id: str
    name: str


@dataclass(frozen=True)
class ScoreRow:
    """One criterion of the producer's own score sheet, as self-assessed."""

    code: str
    name: str
    option_text: str | None = None
    """The chosen option as the sheet words it; None = not assessed yet (prints a blank)."""
    points: int | None = None
    max: int | None = None
    description: str | None = None
    """Mô tả, chứng minh: the producer's own words for this criterion."""
    evidence: tuple[EvidenceFile, ...] = ()


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class ScoreSection:
    code: str
    name: str
    max: int | None = None
    rows: tuple[ScoreRow, ...] = ()

    @property
    def points(self) -> int | None:
        """The sum of the assessed rows (None when no row is assessed): computed, so it cannot disagree."""
        return _sum([r.points for r in self.rows])


@dataclass(frozen=True)
class ScorePart:
    code: str
    """"A", "B", "C"."""
    name: str
    max: int | None = None
    sections: tuple[ScoreSection, ...] = ()

    @property
    def points(self) -> int | None:
        return _sum([s.points for s in self.sections])


@dataclass(frozen=True)
class SelfAssessment:
    """Phần III: the score sheet item by item, and the evidence per topic of the form's guidance table."""

    parts: tuple[ScorePart, ...] = ()
    projected_stars: int | None = None
    """The star level the self-assessment reaches (3–5), minimum items considered; None = none or unknown."""
    stars_note: str | None = None
    """Printed after the stars, e.g. why no star is reached ("tiêu chí 1.1 bị loại")."""
    sheet_title: str | None = None
    """Which score sheet, e.g. "Bộ sản phẩm số 7 – Chế biến từ rau, củ, quả, hạt"."""
    topic_evidence: Mapping[str, tuple[EvidenceFile, ...]] = field(default_factory=dict)
    """Evidence per topic key of `evidence.EVIDENCE_TOPICS` ("dang-ky-kinh-doanh", …)."""

    def __post_init__(self) -> None:

        unknown = sorted(set(self.topic_evidence) - set(TOPIC_BY_KEY))
        if unknown:
            raise ValueError(f"unknown evidence topics {unknown}; known: {sorted(TOPIC_BY_KEY)}")
        object.__setattr__(self, "topic_evidence", MappingProxyType(dict(self.topic_evidence)))

    @property
    def rows(self) -> tuple[ScoreRow, ...]:
        return tuple(r for p in self.parts for s in p.sections for r in s.rows)

    @property
    def total(self) -> int | None:
        return _sum([p.points for p in self.parts])

    @property
    def max(self) -> int | None:
        return _sum([p.max for p in self.parts])


@dataclass(frozen=True)
class Plans:
    """Phần IV: định hướng, kế hoạch về phát triển sản phẩm, tổ chức sản xuất, thị trường."""

    product_development: str | None = None
    production: str | None = None
    market: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class Mau02:
    """Báo cáo tự đánh giá về sản phẩm, Phần I–IV and the evidence appendix."""

    producer: Producer = field(default_factory=Producer)
    product: Product = field(default_factory=Product)
    certificates: Certificates = field(default_factory=Certificates)
    history: str | None = None
    """Phần I item 8: lịch sử hình thành (các giai đoạn hình thành và phát triển)."""
    organisation: str | None = None
    """Phần I item 9: cơ cấu tổ chức."""
    results: BusinessResults = field(default_factory=BusinessResults)
    assessment: SelfAssessment = field(default_factory=SelfAssessment)
    plans: Plans = field(default_factory=Plans)
    signing: Signing = field(default_factory=Signing)


# -- Mẫu 03 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mau03Point:
    """One of the four points: what the producer describes, and the commune's own assessment of it."""

    described: str | None = None
    """Mô tả của chủ thể (prefilled from the producer's answers)."""
    assessment: str | None = None
    """Đánh giá của UBND xã (the officer's; usually left for the officer to write)."""


@dataclass(frozen=True)
class Mau03:
    """The commune's report on four points of the dossier: a draft the officer completes, signs and stamps."""

    commune: str | None = None
    """With its kind, as communes.yaml names it: "Xã Tháp Mười", "Phường Sa Đéc"."""
    province: str | None = None
    producer: Producer = field(default_factory=Producer)
    product: Product = field(default_factory=Product)
    local_raw_material: Mau03Point = field(default_factory=Mau03Point)
    local_labour: Mau03Point = field(default_factory=Mau03Point)
    idea_origin: Mau03Point = field(default_factory=Mau03Point)
    local_identity: Mau03Point = field(default_factory=Mau03Point)
