"""Phụ lục I of QĐ 26/2026/QĐ-TTg (copy, /work/shared/reference/qd26-2026-copy.txt lines 170–211): the
classification Mẫu 01 item 3 asks for, "Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm)".

The names are the decision's own (content/product_sets.yaml shortens a few of them, e.g. set #8); the ngành
are printed in sentence case where the copy prints them in capitals. Numbers are the Phụ lục II sheet numbers.
"""

from __future__ import annotations

from bot.forms.model import ProductSetRef

_INDUSTRIES = {
    "I": "Sản phẩm thực phẩm",
    "II": "Sản phẩm đồ uống",
    "III": "Sản phẩm dược liệu và sản phẩm từ dược liệu",
    "IV": "Sản phẩm hàng thủ công mỹ nghệ",
    "V": "Sản phẩm sinh vật cảnh",
    "VI": "Sản phẩm dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
}

_GROUPS = {
    "I.1": "Thực phẩm tươi sống",
    "I.2": "Thực phẩm thô, sơ chế",
    "I.3": "Thực phẩm chế biến",
    "I.4": "Gia vị",
    "I.5": "Chè",
    "I.6": "Cà phê, ca cao",
    "II.1": "Đồ uống có cồn",
    "II.2": "Đồ uống không cồn",
    "III.1": "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền",
    "III.2": "Mỹ phẩm có thành phần từ dược liệu",
    "III.3": "Tinh dầu và dược liệu khác",
    "IV.1": "Thủ công mỹ nghệ gia dụng, trang trí",
    "IV.2": "Vải, may mặc",
    "V.1": "Hoa",
    "V.2": "Cây cảnh",
    "V.3": "Động vật cảnh",
    "VI.1": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
}

# (code, sheet number, phân nhóm or None), in the order of Phụ lục I.
_SETS: tuple[tuple[str, int, str | None], ...] = (
    ("I.1.a", 1, "Rau, củ, quả, hạt tươi"),
    ("I.1.b", 2, "Thịt, thủy sản, trứng, sữa tươi"),
    ("I.2.a", 3, "Gạo, ngũ cốc, hạt sơ chế khác"),
    ("I.2.b", 4, "Mật ong, mật khác và nông sản thực phẩm khác"),
    ("I.3.a", 5, "Đồ ăn nhanh"),
    ("I.3.b", 6, "Chế biến từ gạo, ngũ cốc"),
    ("I.3.c", 7, "Chế biến từ rau, củ, quả, hạt"),
    ("I.3.d", 8, "Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác và nông sản "
                 "thực phẩm khác"),
    ("I.4.a", 9, "Tương, nước mắm, gia vị dạng lỏng khác"),
    ("I.4.b", 10, "Gia vị khác"),
    ("I.5.a", 11, "Chè tươi, chế biến"),
    ("I.5.b", 12, "Sản phẩm chè từ thực vật khác"),
    ("I.6", 13, None),
    ("II.1.a", 14, "Rượu trắng"),
    ("II.1.b", 15, "Đồ uống có cồn khác"),
    ("II.2.a", 16, "Nước khoáng thiên nhiên, nước uống đóng chai"),
    ("II.2.b", 17, "Đồ uống không cồn"),
    ("III.1", 18, None),
    ("III.2", 19, None),
    ("III.3", 20, None),
    ("IV.1", 21, None),
    ("IV.2", 22, None),
    ("V.1", 23, None),
    ("V.2", 24, None),
    ("V.3", 25, None),
    ("VI.1", 26, None),
)


def _ref(code: str, number: int, subgroup: str | None) -> ProductSetRef:
    industry, group_no = code.split(".")[:2]
    return ProductSetRef(code=code, number=number, industry=_INDUSTRIES[industry],
                         group=_GROUPS[f"{industry}.{group_no}"], subgroup=subgroup)


PRODUCT_SETS: dict[str, ProductSetRef] = {code: _ref(code, n, sub) for code, n, sub in _SETS}
"""Every product set of Phụ lục I by its code."""


def product_set(code: str) -> ProductSetRef:
    """The classification of a product set code ("I.3.c"); KeyError for an unknown code."""
    return PRODUCT_SETS[code]


def classification_text(ref: ProductSetRef) -> str | None:
    """"Ngành: …; Nhóm: …; Phân nhóm: … (bộ sản phẩm số 7, mã I.3.c)" from what is known; None when nothing is."""
    parts = [f"{label}: {value}" for label, value in
             (("Ngành", ref.industry), ("Nhóm", ref.group), ("Phân nhóm", ref.subgroup)) if value]
    tail = [t for t in (f"bộ sản phẩm số {ref.number}" if ref.number else None,
                        f"mã {ref.code}" if ref.code else None) if t]
    if not parts and not tail:
        return None
    text = "; ".join(parts)
    if tail:
        text = f"{text} ({', '.join(tail)})" if text else ", ".join(tail).capitalize()
    return text
