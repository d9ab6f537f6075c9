"""Small formatting helpers of the forms: Vietnamese dates and money, ASCII slugs and the file names."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Container

DOTS = "…"
"""The dotted blank's character, as the copy prints it (U+2026)."""


def nfc(text: str) -> str:
    """NFC: a phone keyboard may send "ệ" as e + two combining marks; fonts and Word want the composed letter."""
    return unicodedata.normalize("NFC", text)


def _two(n: int) -> str:
    return f"{n:02d}"


def vn_date(day: datetime.date) -> str:
    """"ngày 05 tháng 12 năm 2026": as Nghị định 30/2020/NĐ-CP writes dates in documents, days below 10 and
    months 1 and 2 with a leading zero ("ngày 15 tháng 02", "ngày 22 tháng 5")."""
    month = _two(day.month) if day.month < 3 else str(day.month)
    return f"ngày {_two(day.day)} tháng {month} năm {day.year}"


def short_date(day: datetime.date) -> str:
    """"05/12/2015", for dates printed in a field (founding date)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def money(amount: int) -> str:
    """"1.250.000.000 đồng" (dots between thousands, as Vietnamese writes numbers)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " đồng"


# -- slugs and file names ------------------------------------------------------------------------------

_ABBREVIATIONS = (
    # Longest first; matched on the folded text at word boundaries.
    ("cong ty trach nhiem huu han", "cty tnhh"),
    ("cong ty co phan", "ctcp"),
    ("cong ty tnhh", "cty tnhh"),
    ("doanh nghiep tu nhan", "dntn"),
    ("hop tac xa", "htx"),
    ("to hop tac", "tht"),
    ("ho kinh doanh", "hkd"),
    ("cong ty", "cty"),
    ("co so", "cs"),
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold_ascii(text: str) -> str:
    """Lowercase ASCII: diacritics dropped, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode().lower()


def slug(text: str | None, limit: int = 40, fallback: str = "khong-ten") -> str:
    """"HTX Sen Tháp Mười" → "htx-sen-thap-muoi"; "Hợp tác xã …" → "htx-…"; cut at a word within `limit`."""
    folded = " ".join(_NOT_SLUG.sub(" ", fold_ascii(text or "")).split())
    for long, short in _ABBREVIATIONS:
        folded = re.sub(rf"\b{long}\b", short, folded)
    words = folded.split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    if not out and words:
        out = words[0][:limit]
    return out or fallback


FORM_CODES = ("Mau01", "Mau02", "Mau03")


def file_name(form: str, producer: str | None, product: str | None, at: datetime.datetime, ext: str,
              taken: Container[str] = ()) -> str:
    """"Mau02_htx-sen-thap-muoi_hat-sen-say_20261205-1432.docx": form, producer, product, local date-time.

    `at` is the caller's local time (naive or aware, printed as is). Two drafts made in the same minute get
    "-2", "-3"… when the caller passes the names already given out in `taken`. ASCII only: safe on every
    platform, in a Telegram caption and inside a ZIP."""
    stem = f"{form}_{slug(producer, 30)}_{slug(product, 30)}_{at:%Y%m%d-%H%M}"
    ext = ext.lstrip(".")
    name, n = f"{stem}.{ext}", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.{ext}"
    return name


def bundle_name(producer: str | None, product: str | None, at: datetime.datetime,
                taken: Container[str] = ()) -> str:
    """"HoSoOCOP_htx-sen-thap-muoi_hat-sen-say_20261205-1432.zip"."""
    return file_name("HoSoOCOP", producer, product, at, "zip", taken)
