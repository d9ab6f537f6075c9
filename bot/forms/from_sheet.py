"""Phần III of Mẫu 02 from a loaded score sheet and the producer's answers (`{criterion_code: option_index}`).

Points, subtotals and the star level come from `bot.domain.scoring`, so the form prints what the chat showed. The
option texts are the sheet's (content/criteria/…): where the content paraphrases the decision, so does the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.content.criteria import Sheet
from bot.domain.scoring import score
from bot.forms.model import EvidenceFile, ScorePart, ScoreRow, ScoreSection, SelfAssessment


def _stars_note(sheet: Sheet, answers: Mapping[str, int]) -> tuple[int | None, str | None]:
    result = score(sheet, answers)
    if result.knocked_out:
        return None, "sản phẩm bị loại ở tiêu chí " + ", ".join(result.knock_outs)
    if result.unanswered:
        return None, f"còn {len(result.unanswered)} tiêu chí chưa tự đánh giá"
    if result.stars is None and result.missing_for_next:
        codes = ", ".join(m.criterion_code for m in result.missing_for_next)
        return None, f"chưa đạt mức tối thiểu của tiêu chí {codes} cho hạng {result.next_stars} sao"
    if result.stars is not None and result.band_stars > result.stars:
        missing = ", ".join(m.criterion_code for m in result.missing_for_next)
        return result.stars, (f"điểm đạt mức {result.band_stars} sao nhưng chưa đạt mức tối thiểu của tiêu chí "
                              f"{missing}")
    return result.stars, None


def self_assessment_from_sheet(
    sheet: Sheet,
    answers: Mapping[str, int],
    *,
    descriptions: Mapping[str, str] | None = None,
    evidence: Mapping[str, Sequence[EvidenceFile]] | None = None,
    topic_evidence: Mapping[str, Sequence[EvidenceFile]] | None = None,
    rule_set_title: str | None = None,
) -> SelfAssessment:
    """Every criterion of `sheet` in sheet order; an unanswered one prints blank for the producer to fill.

    `descriptions` and `evidence` are keyed by criterion code, `topic_evidence` by the guidance-table topic key
    (`bot.forms.evidence.EVIDENCE_TOPICS`). Raises ValueError for an answer the sheet does not have."""
    descriptions, evidence = descriptions or {}, evidence or {}
    parts = []
    for part in sheet.parts:
        sections = []
        for section in part.sections:
            rows = []
            for criterion in section.criteria:
                index = answers.get(criterion.code)
                option = criterion.options[index] if index is not None else None
                rows.append(ScoreRow(
                    code=criterion.code, name=criterion.title,
                    option_text=option.text if option else None,
                    points=option.points if option else None, max=criterion.max,
                    description=descriptions.get(criterion.code),
                    evidence=tuple(evidence.get(criterion.code, ())),
                ))
            sections.append(ScoreSection(section.code, section.title, section.max, tuple(rows)))
        parts.append(ScorePart(part.code, part.title, part.max, tuple(sections)))
    stars, note = _stars_note(sheet, answers)
    title = f"Bộ sản phẩm số {sheet.number} ({sheet.product_set}): {sheet.title}"
    if rule_set_title:
        title = f"{rule_set_title}, {title[0].lower()}{title[1:]}"
    return SelfAssessment(
        parts=tuple(parts), projected_stars=stars, stars_note=note, sheet_title=title,
        topic_evidence={k: tuple(v) for k, v in (topic_evidence or {}).items()},
    )
