"""The dossier ZIP: names and order, the evidence numbered as Mẫu 02's appendix numbers it, Windows-safe
UTF-8 names, the table of contents, and the size limit."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile

import docx
import pytest

from bot import forms
from tests import forms_samples as s
from tests.test_forms_render import docx_table

FORBIDDEN = set('<>:"\\|?*')


def _forms(with_mau03: bool = False) -> forms.DossierForms:
    m02 = s.sen_mau02()
    m03 = forms.draft_from_mau02(m02, "Xã Tháp Mười", "Đồng Tháp") if with_mau03 else None
    return forms.DossierForms(mau01=s.sen_mau01(), mau02=m02, mau03=m03)


@pytest.fixture(scope="module")
def bundle() -> bytes:
    return forms.build_bundle(_forms(with_mau03=True), s.SEN_EVIDENCE, at=s.AT)


def test_names_and_order(bundle):
    names = zipfile.ZipFile(io.BytesIO(bundle)).namelist()
    stem = "htx-sen-thap-muoi_hat-sen-say-thap-muoi_20261205-1432"
    assert names == [
        "00_MUC-LUC.txt",
        f"Mau01_{stem}.docx", f"Mau01_{stem}.pdf",
        f"Mau02_{stem}.docx", f"Mau02_{stem}.pdf",
        f"Mau03_{stem}.docx", f"Mau03_{stem}.pdf",
        "Tai-lieu-minh-chung/01_dang-ky-kinh-doanh_Giấy ĐKKD HTX.pdf",
        "Tai-lieu-minh-chung/02_co-so-du-dieu-kien_photo.jpg",
        "Tai-lieu-minh-chung/03_nguon-nguyen-lieu_Hóa đơn_ mua sen tháng 1.jpg",
        "Tai-lieu-minh-chung/04_tieu-chi-1-1_photo.jpg",
        "Tai-lieu-minh-chung/05_tieu-chi-3-3_Danh sách lao động.xlsx",
    ]


def test_mau03_is_optional():
    names = zipfile.ZipFile(io.BytesIO(forms.build_bundle(_forms(), s.SEN_EVIDENCE, at=s.AT))).namelist()
    assert not any(n.startswith("Mau03") for n in names) and any(n.startswith("Mau02") for n in names)


def test_contents_are_the_rendered_forms_and_the_evidence_bytes(bundle):
    z = zipfile.ZipFile(io.BytesIO(bundle))
    assert z.testzip() is None
    names = z.namelist()
    by_prefix = {n.split("/")[-1][:2]: n for n in names if n.startswith("Tai-lieu")}
    assert z.read(by_prefix["01"]) == s.SEN_EVIDENCE["e-dkkd"]
    assert z.read(by_prefix["03"]) == s.SEN_EVIDENCE["e-hoadon"]  # attached twice, packed once
    assert z.read(by_prefix["04"]) == s.SEN_EVIDENCE["e-hoadon-2"]
    assert len(by_prefix) == 5
    for name in names:
        if name.endswith(".docx"):
            docx.Document(io.BytesIO(z.read(name)))
        if name.endswith(".pdf") and name.startswith("Mau"):
            assert z.read(name).startswith(b"%PDF")


def test_zip_numbers_are_the_appendix_numbers_of_the_mau02_inside(bundle):
    z = zipfile.ZipFile(io.BytesIO(bundle))
    mau02 = next(n for n in z.namelist() if n.startswith("Mau02") and n.endswith(".docx"))
    appendix = docx_table(z.read(mau02), "Số")[1:]
    evidence = [n.split("/", 1)[1] for n in z.namelist() if n.startswith("Tai-lieu")]
    assert len(evidence) == len(appendix) == 5
    for name, row in zip(evidence, appendix, strict=True):
        assert name.startswith(row[0] + "_") and name.endswith(forms.safe_name(row[1], 80))


def test_names_are_windows_safe_utf8(bundle):
    z = zipfile.ZipFile(io.BytesIO(bundle))
    for info in z.infolist():
        # UTF-8 flag on every non-ASCII name (an ASCII name reads the same in cp437 and UTF-8).
        assert info.filename.isascii() or info.flag_bits & 0x800, info.filename
        assert unicodedata.is_normalized("NFC", info.filename)
        for part in info.filename.split("/"):
            assert not FORBIDDEN & set(part) and part == part.rstrip(". ") and len(part) < 150
        assert info.date_time == (2026, 12, 5, 14, 32, 0)
    # The raw central directory holds UTF-8 bytes, not cp437.
    assert "Hóa đơn".encode() in bundle


def test_table_of_contents_lists_everything_in_vietnamese(bundle):
    z = zipfile.ZipFile(io.BytesIO(bundle))
    raw = z.read("00_MUC-LUC.txt")
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    assert text.startswith("HỒ SƠ ĐĂNG KÝ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP")
    assert "Chủ thể: Hợp tác xã Sen Tháp Mười" in text and "Lập ngày 05 tháng 12 năm 2026, lúc 14:32." in text
    for name in z.namelist()[1:]:
        assert name.split("/")[-1] in text, name
    assert "Tài liệu số 04: photo.jpg (Tiêu chí 1.1. Nguồn nguyên liệu)" in text
    assert "bản sao QĐ 26/2026/QĐ-TTg" in text


def test_bundle_entries_without_rendering_match_the_zip(bundle):
    entries = forms.bundle_entries(_forms(with_mau03=True), s.AT)
    assert [e.name for e in entries] == zipfile.ZipFile(io.BytesIO(bundle)).namelist()


def test_two_bundles_on_one_day_have_different_names():
    later = s.AT.replace(hour=16, minute=5)
    first = {e.name for e in forms.bundle_entries(_forms(), s.AT) if e.name.startswith("Mau")}
    second = {e.name for e in forms.bundle_entries(_forms(), later) if e.name.startswith("Mau")}
    assert first.isdisjoint(second)
    assert forms.bundle_name("HTX Sen Tháp Mười", "Hạt sen sấy", s.AT) == (
        "HoSoOCOP_htx-sen-thap-muoi_hat-sen-say_20261205-1432.zip")


def test_size_limit():
    big = dict(s.SEN_EVIDENCE, **{"e-laodong": os.urandom(300_000)})
    with pytest.raises(forms.BundleTooLarge) as caught:
        forms.build_bundle(_forms(), big, at=s.AT, max_bytes=200_000)
    error = caught.value
    assert error.limit == 200_000 and error.size > 200_000
    assert error.largest[0] == ("Tai-lieu-minh-chung/05_tieu-chi-3-3_Danh sách lao động.xlsx", 300_000)
    assert "over the limit of 200000" in str(error)
    # The same bundle fits a larger limit.
    data = forms.build_bundle(_forms(), big, at=s.AT, max_bytes=2_000_000)
    assert 300_000 < len(data) <= 2_000_000
    # A limit below even the forms alone fails too, before any evidence is read.
    with pytest.raises(forms.BundleTooLarge):
        forms.build_bundle(_forms(), s.SEN_EVIDENCE, at=s.AT, max_bytes=10_000)


def test_missing_evidence_bytes_are_an_error():
    evidence = {k: v for k, v in s.SEN_EVIDENCE.items() if k != "e-attp"}
    with pytest.raises(forms.MissingEvidence) as caught:
        forms.build_bundle(_forms(), evidence, at=s.AT)
    assert caught.value.ids == ["e-attp"]


def test_extra_evidence_not_in_the_report_stays_out():
    evidence = dict(s.SEN_EVIDENCE, unrelated=b"not in the report")
    names = zipfile.ZipFile(io.BytesIO(forms.build_bundle(_forms(), evidence, at=s.AT))).namelist()
    assert len([n for n in names if n.startswith("Tai-lieu")]) == 5


@pytest.mark.parametrize(("name", "safe"), [
    ("Hóa đơn: mua sen.jpg", "Hóa đơn_ mua sen.jpg"),
    ('a<b>c|d?e*f"g\\h/i.PDF', "a_b_c_d_e_f_g_h_i.pdf"),
    ("CON.txt", "_CON.txt"),
    ("ghi chú.", "ghi chú"),
    ("   ", "tep"),
    ("x" * 300 + ".jpeg", "x" * 115 + ".jpeg"),
    (unicodedata.normalize("NFD", "Giấy ĐKKD.pdf"), "Giấy ĐKKD.pdf"),
])
def test_safe_name(name, safe):
    assert forms.safe_name(name) == safe
