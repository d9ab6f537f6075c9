"""The dossier bundle: one ZIP with Mẫu 01 and Mẫu 02 (DOCX + PDF), the Mẫu 03 draft if given, the evidence
files numbered as Mẫu 02's appendix numbers them, and a table of contents in Vietnamese.

Layout of the ZIP (forms first, then the evidence folder). Names are ASCII or NFC UTF-8; zipfile sets the UTF-8
flag (bit 11) on every non-ASCII name, so Windows Explorer, macOS and Android show "Hóa đơn" and not cp437 noise:

    00_MUC-LUC.txt
    Mau01_<producer>_<product>_<yyyymmdd-hhmm>.docx / .pdf
    Mau02_….docx / .pdf
    Mau03_….docx / .pdf                      (when a Mẫu 03 draft is given)
    Tai-lieu-minh-chung/01_<topic or criterion>_<file name as uploaded>
    …

The evidence bytes are looked up by `EvidenceFile.id` in the `evidence` mapping; only the files Mẫu 02 refers
to go in (a mapping holding more is fine: the report decides what the dossier holds).
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from bot.forms.evidence import AppendixEntry, appendix
from bot.forms.mau02 import number_label
from bot.forms.model import Mau01, Mau02, Mau03
from bot.forms.render import (
    render_mau01_docx,
    render_mau01_pdf,
    render_mau02_docx,
    render_mau02_pdf,
    render_mau03_docx,
    render_mau03_pdf,
)
from bot.forms.texts import file_name, slug, vn_date

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Telegram's limit for a file a bot sends; a Zalo OA file is far smaller: pass the channel's own."""
EVIDENCE_FOLDER = "Tai-lieu-minh-chung"
CONTENTS_NAME = "00_MUC-LUC.txt"
_STORED = {"jpg", "jpeg", "png", "gif", "webp", "heic", "mp4", "mov", "mp3", "m4a", "zip", "docx", "xlsx", "pptx"}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.I)
_NAME_LIMIT = 120


class BundleError(ValueError):
    pass


class BundleTooLarge(BundleError):
    """The ZIP would exceed `limit` bytes. `size` is how far it got (at least that much); `largest` names the
    biggest evidence files (name in the ZIP, bytes) so the chat can say which one to replace."""

    def __init__(self, size: int, limit: int, largest: list[tuple[str, int]]) -> None:
        self.size, self.limit, self.largest = size, limit, largest
        biggest = ", ".join(f"{n} ({b} B)" for n, b in largest) or "no evidence files"
        super().__init__(f"dossier ZIP reaches {size} bytes, over the limit of {limit}; largest: {biggest}")


class MissingEvidence(BundleError):
    """Mẫu 02 lists evidence files whose bytes were not given."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        super().__init__(f"no bytes for evidence files {ids}")


@dataclass(frozen=True)
class DossierForms:
    mau01: Mau01
    mau02: Mau02
    mau03: Mau03 | None = None


@dataclass(frozen=True)
class BundleEntry:
    name: str
    """The path inside the ZIP."""
    description: str
    """What it is, in Vietnamese (the table of contents line)."""
    evidence: AppendixEntry | None = None


def safe_name(name: str, limit: int = _NAME_LIMIT) -> str:
    """A file name as uploaded, made safe for Windows: NFC, no <>:"/\\|?* or control characters, no trailing
    dot or space, not a reserved device name, at most `limit` characters with the extension kept."""
    name = _FORBIDDEN.sub("_", unicodedata.normalize("NFC", name)).strip().rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 8 or " " in ext:
        stem, ext = name, ""
    stem = stem.rstrip(". ") or "tep"
    if _RESERVED.match(stem):
        stem = f"_{stem}"
    ext = ext.lower()
    room = limit - (len(ext) + 1 if ext else 0)
    return f"{stem[:room].rstrip('. ')}.{ext}" if ext else stem[:limit]


def _evidence_name(entry: AppendixEntry, total: int) -> str:
    where = entry.topic.key if entry.topic else "tieu-chi-" + slug(entry.row.code.replace(".", "-"), 12)
    return f"{EVIDENCE_FOLDER}/{number_label(entry.number, total)}_{where}_{safe_name(entry.file.name, 80)}"


def bundle_entries(forms: DossierForms, at: datetime.datetime) -> list[BundleEntry]:
    """The ZIP's entries in order, without rendering anything (for the chat to show what a bundle holds)."""
    m2 = forms.mau02
    producer, product = m2.producer.name or forms.mau01.producer.name, m2.product.name or forms.mau01.product.name
    entries = [BundleEntry(CONTENTS_NAME, "Mục lục hồ sơ (tệp này)")]
    listed = [("Mau01", "Mẫu số 01: Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP"),
              ("Mau02", "Mẫu số 02: Báo cáo tự đánh giá về sản phẩm (Phần I–IV và phụ lục)")]
    if forms.mau03 is not None:
        listed.append(("Mau03", "Mẫu số 03 (dự thảo cho UBND xã): Báo cáo đánh giá một số nội dung của hồ sơ"))
    for code, title in listed:
        entries.append(BundleEntry(file_name(code, producer, product, at, "docx"),
                                   f"{title}, bản Word để sửa, in, ký, đóng dấu"))
        entries.append(BundleEntry(file_name(code, producer, product, at, "pdf"), f"{title}, bản PDF để xem"))
    numbered = appendix(m2)
    for e in numbered:
        entries.append(BundleEntry(_evidence_name(e, len(numbered)),
                                   f"Tài liệu số {number_label(e.number, len(numbered))}: {e.file.name} ({e.place})",
                                   e))
    return entries


def contents_text(forms: DossierForms, entries: list[BundleEntry], at: datetime.datetime) -> str:
    """The table of contents (00_MUC-LUC.txt), in Vietnamese."""
    m2 = forms.mau02
    lines = [
        "HỒ SƠ ĐĂNG KÝ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
        "",
        f"Chủ thể: {m2.producer.name or forms.mau01.producer.name or '(chưa ghi)'}",
        f"Sản phẩm: {m2.product.name or forms.mau01.product.name or '(chưa ghi)'}",
        f"Lập {vn_date(at.date())}, lúc {at:%H:%M}.",
        "",
        "MỤC LỤC",
    ]
    forms_part = [e for e in entries if e.evidence is None]
    evidence_part = [e for e in entries if e.evidence is not None]
    lines += [f"- {e.name}: {e.description}" for e in forms_part]
    lines += ["", f"TÀI LIỆU MINH CHỨNG (thư mục {EVIDENCE_FOLDER}, theo thứ tự phụ lục của Mẫu số 02):"]
    lines += [f"- {e.name.split('/', 1)[1]}: {e.description}" for e in evidence_part] or ["- (chưa có tài liệu)"]
    lines += [
        "",
        "Ghi chú: bản Word (DOCX) là bản để hoàn thiện, in, ký, đóng dấu và nộp tại UBND cấp xã (1 bộ giấy, "
        "1 bộ điện tử); bản PDF để xem trên điện thoại. Các mẫu được chép từ bản sao QĐ 26/2026/QĐ-TTg, "
        "Phụ lục III, chưa đối chiếu với bản chính thức.",
    ]
    return "\r\n".join(lines) + "\r\n"


def _info(name: str, at: datetime.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    info.compress_type = zipfile.ZIP_STORED if ext in _STORED else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def build_bundle(forms: DossierForms, evidence: Mapping[str, bytes], *, at: datetime.datetime,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The dossier ZIP. `at` is the local date-time printed in the names and the contents (the caller's clock).

    Raises MissingEvidence when a file Mẫu 02 lists has no bytes in `evidence`, and BundleTooLarge as soon as
    the ZIP passes `max_bytes` (checked while writing, so a huge bundle stops early)."""
    entries = bundle_entries(forms, at)
    missing = [e.evidence.file.id for e in entries if e.evidence and e.evidence.file.id not in evidence]
    if missing:
        raise MissingEvidence(missing)
    sizes = sorted(((e.name, len(evidence[e.evidence.file.id])) for e in entries if e.evidence),
                   key=lambda pair: -pair[1])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for entry in entries:
            data = _data(forms, entry, entries, evidence, at)
            zf.writestr(_info(entry.name, at), data)
            if out.tell() > max_bytes:
                raise BundleTooLarge(out.tell(), max_bytes, sizes[:3])
    data = out.getvalue()
    if len(data) > max_bytes:
        raise BundleTooLarge(len(data), max_bytes, sizes[:3])
    return data


def _data(forms: DossierForms, entry: BundleEntry, entries: list[BundleEntry], evidence: Mapping[str, bytes],
          at: datetime.datetime) -> bytes:
    if entry.evidence is not None:
        return evidence[entry.evidence.file.id]
    if entry.name == CONTENTS_NAME:
        return "\ufeff".encode() + contents_text(forms, entries, at).encode("utf-8")
    renderers = {
        ("Mau01", "docx"): lambda: render_mau01_docx(forms.mau01),
        ("Mau01", "pdf"): lambda: render_mau01_pdf(forms.mau01),
        ("Mau02", "docx"): lambda: render_mau02_docx(forms.mau02),
        ("Mau02", "pdf"): lambda: render_mau02_pdf(forms.mau02),
        ("Mau03", "docx"): lambda: render_mau03_docx(forms.mau03),
        ("Mau03", "pdf"): lambda: render_mau03_pdf(forms.mau03),
    }
    return renderers[(entry.name.split("_", 1)[0], entry.name.rsplit(".", 1)[1])]()
