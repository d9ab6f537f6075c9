"""Mẫu 03 for the commune officer: the commune's report on four points of a dossier (QĐ 26 Điều 7 khoản 2
điểm a–b: local raw material, local labour, origin of the idea, local identity), drafted from what the
producer told the bot: the profile (name, type, commune, product), the latest self-assessment (the
criterion of each point, found by its topic on the producer's own score sheet) and the eligibility check
(where the raw material comes from, whose idea it is, whether the product has its own story).

The form is Vietnamese as the decision prints it, whatever the officer's language. The officer writes the
commune's own assessment on the dotted lines, signs and stamps it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import forms
from bot.content import Content
from bot.officer.labels import commune_name
from db.models import Assessment, Dossier, Eligibility, Profile

TOPICS = {"raw_material": "raw-material", "labour": "local-labour", "idea_origin": "idea-origin",
          "identity": "local-identity"}
"""Mau03Codes field → the score-sheet topic of that point (content/criteria/questions.yaml)."""
ELIGIBILITY = {"raw_material": ("raw_material", "Nguyên liệu chính"), "idea_origin": ("idea_origin", "Ý tưởng sản phẩm"),
               "identity": ("story", "Câu chuyện sản phẩm")}
"""Point → (eligibility question id, how the report names the answer)."""


async def latest_assessment(session: AsyncSession, user_id: int) -> Assessment | None:
    """The latest finished self-assessment, else the latest one at all."""
    query = select(Assessment).where(Assessment.user_id == user_id)
    done = query.where(Assessment.status.in_(("done", "knocked_out"))).order_by(Assessment.finished_at.desc(),
                                                                                 Assessment.id.desc())
    found = (await session.execute(done.limit(1))).scalars().first()
    return found or (await session.execute(query.order_by(Assessment.updated_at.desc()).limit(1))).scalars().first()


def _eligibility_line(content: Content, check: Eligibility | None, point: str) -> str | None:
    if check is None or point not in ELIGIBILITY:
        return None
    question_id, label = ELIGIBILITY[point]
    question = content.eligibility.question_by_id.get(question_id)
    code = (check.answers or {}).get(question_id)
    option = next((o for o in question.options if o.code == code), None) if question else None
    return f"{label} (chủ thể trả lời khi kiểm tra điều kiện tham gia): {option.label}." if option else None


async def build_mau03(session: AsyncSession, content: Content, dossier: Dossier) -> forms.Mau03:
    """The Mẫu 03 draft of this dossier, prefilled from the producer's answers."""
    profile = await session.get(Profile, dossier.user_id)
    assessment = await latest_assessment(session, dossier.user_id)
    check = await session.get(Eligibility, dossier.user_id)
    product_kind = content.programme.producer_type_by_code.get(profile.producer_type or "") if profile else None
    commune = commune_name(content, profile.commune_code) if profile and profile.commune_code else None
    producer = forms.Producer(name=profile.org_name if profile else None,
                              org_type=str(product_kind.label) if product_kind else None,
                              address=f"{commune}, tỉnh {content.communes.province}" if commune else None,
                              phone=profile.phone if profile else None)
    product_set = None
    assessment_part = forms.SelfAssessment()
    codes = forms.Mau03Codes()
    if assessment is not None:
        sheet = content.criteria.sheet(assessment.rule_set, assessment.product_set)
        if sheet is not None:
            assessment_part = forms.self_assessment_from_sheet(sheet, {k: int(v) for k, v in assessment.answers.items()})
            by_topic = {c.topic: c.code for part in sheet.parts for s in part.sections for c in s.criteria if c.topic}
            codes = forms.Mau03Codes(**{name: by_topic[topic] for name, topic in TOPICS.items() if topic in by_topic})
        if assessment.product_set in forms.PRODUCT_SETS:
            product_set = forms.product_set(assessment.product_set)
    product = forms.Product(name=dossier.product, product_set=product_set)
    report = forms.Mau02(producer=producer, product=product, assessment=assessment_part)
    draft = forms.draft_from_mau02(report, commune, content.communes.province, codes)
    points = {"raw_material": "local_raw_material", "labour": "local_labour", "idea_origin": "idea_origin",
              "identity": "local_identity"}
    for point, attribute in points.items():
        extra = _eligibility_line(content, check, point)
        if extra:
            current: forms.Mau03Point = getattr(draft, attribute)
            described = f"{current.described} {extra}" if current.described else extra
            draft = replace(draft, **{attribute: replace(current, described=described)})
    return draft


def file_names(draft: forms.Mau03, local_now: datetime) -> tuple[str, str]:
    return tuple(forms.file_name("Mau03", draft.producer.name or "", draft.product.name or "", local_now, ext)
                 for ext in ("docx", "pdf"))  # type: ignore[return-value]


async def render_mau03(draft: forms.Mau03) -> tuple[bytes, bytes]:
    """(DOCX, PDF) bytes; rendering takes about a second, so it runs in a thread."""
    return await asyncio.to_thread(forms.render_mau03_docx, draft), await asyncio.to_thread(forms.render_mau03_pdf, draft)
