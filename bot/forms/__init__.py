"""The OCOP dossier forms of QĐ 26/2026/QĐ-TTg, Phụ lục III (copy): Mẫu 01, Mẫu 02 (Phần I–IV with the
evidence appendix) and Mẫu 03, as DOCX (to edit, print, sign and file) and PDF (to read on a phone), and the
dossier ZIP. Pure: no database, handlers or channels. The chat builds the input values from what it stored.

    from bot import forms
    report = forms.Mau02(producer=forms.Producer(name="HTX Sen Tháp Mười"), ...)
    docx_bytes = forms.render_mau02_docx(report)
    name = forms.file_name("Mau02", "HTX Sen Tháp Mười", "Hạt sen sấy", local_now, "docx")
"""

from bot.forms.bundle import (
    DEFAULT_MAX_BYTES,
    BundleEntry,
    BundleError,
    BundleTooLarge,
    DossierForms,
    MissingEvidence,
    build_bundle,
    bundle_entries,
    safe_name,
)
from bot.forms.classification import PRODUCT_SETS, classification_text, product_set
from bot.forms.evidence import AppendixEntry, appendix, topic_for_checklist_item
from bot.forms.from_sheet import self_assessment_from_sheet
from bot.forms.mau03 import Mau03Codes, draft_from_mau02
from bot.forms.model import (
    BusinessResults,
    Certificates,
    EvidenceFile,
    Gender,
    Mau01,
    Mau02,
    Mau03,
    Mau03Point,
    Person,
    Plans,
    Producer,
    Product,
    ProductSetRef,
    RegistrationKind,
    ScorePart,
    ScoreRow,
    ScoreSection,
    SelfAssessment,
    Signing,
    YearResult,
)
from bot.forms.names import lacks_diacritics
from bot.forms.render import (
    render_mau01_docx,
    render_mau01_pdf,
    render_mau02_docx,
    render_mau02_pdf,
    render_mau03_docx,
    render_mau03_pdf,
)
from bot.forms.texts import bundle_name, file_name, money, short_date, slug, vn_date
from bot.forms.topics import EVIDENCE_TOPICS, TOPIC_BY_KEY, TOPIC_LABELS, EvidenceTopic

__all__ = [
    "DEFAULT_MAX_BYTES", "EVIDENCE_TOPICS", "PRODUCT_SETS", "TOPIC_BY_KEY", "TOPIC_LABELS",
    "AppendixEntry", "BundleEntry", "BundleError", "BundleTooLarge", "BusinessResults", "Certificates",
    "DossierForms", "EvidenceFile", "EvidenceTopic", "Gender", "Mau01", "Mau02", "Mau03", "Mau03Codes",
    "Mau03Point", "MissingEvidence", "Person", "Plans", "Producer", "Product", "ProductSetRef",
    "RegistrationKind", "ScorePart", "ScoreRow", "ScoreSection", "SelfAssessment", "Signing", "YearResult",
    "appendix", "build_bundle", "bundle_entries", "bundle_name", "classification_text", "draft_from_mau02",
    "file_name", "lacks_diacritics", "money", "product_set", "render_mau01_docx", "render_mau01_pdf",
    "render_mau02_docx", "render_mau02_pdf", "render_mau03_docx", "render_mau03_pdf", "safe_name",
    "self_assessment_from_sheet", "short_date", "slug", "topic_for_checklist_item", "vn_date",
]
