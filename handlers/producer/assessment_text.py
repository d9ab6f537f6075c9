"""Texts of the self-assessment result: star levels, missing minimum items, advice, and the Mẫu 02 draft."""

from __future__ import annotations

from collections.abc import Iterable

from bot.content.criteria import Sheet
from bot.core.context import Context
from bot.core.i18n import Translator
from bot.domain.scoring import Answers, Improvement, MissingMinimum, Result, missing_minimums
from db.models import Assessment
from handlers.producer.assessment_pdf import Mau02Draft, Mau02Row, Mau02Section


def stars_text(t: Translator, stars: int | None, *, short: bool = False) -> str:
    """"⭐⭐⭐ 3 sao", or the no-star wording (short in lists)."""
    if stars:
        return t("assessment.stars", stars=stars, icons="⭐" * stars)
    return t("assessment.no_star_short") if short else t("assessment.no_star")


def stars_plain(t: Translator, stars: int | None) -> str:
    """The star level without emoji: the PDF font has no ⭐ glyph."""
    return t("assessment.pdf.stars_n", stars=stars) if stars else t("assessment.no_star")


def missing_lines(t: Translator, sheet: Sheet, missing: Iterable[MissingMinimum]) -> list[str]:
    """One line per criterion below a minimum: what it has and the option that would meet it."""
    lines = []
    for item in missing:
        criterion = sheet.criterion(item.criterion_code)
        assert criterion is not None
        lines.append(t("assessment.missing_item", code=item.criterion_code, title=t.content(criterion.title),
                       needed=t.content(criterion.options[item.needed_option].text),
                       required=item.required_points, current=item.current_points))
    return lines


def held_back_lines(t: Translator, sheet: Sheet, result: Result, answers: Answers, level: int) -> list[str]:
    """What keeps the result below `level` stars: the points short of its band, or, when the points reach it,
    that the minimum items hold it back; then each item below its minimum for `level`."""
    band = sheet.stars.band(level)
    if result.total >= band.min_points:
        lines = [t("assessment.minimum_missing", band=level, min_points=band.min_points,
                   outcome=stars_text(t, result.stars))]
    else:
        lines = [t("assessment.next_level", stars=level, min_points=band.min_points,
                   missing=band.min_points - result.total)]
    return lines + missing_lines(t, sheet, missing_minimums(sheet, answers, level))


def certified_lines(t: Translator, sheet: Sheet, result: Result, answers: Answers, certified: int,
                    explained: int | None) -> list[str]:
    """The result against the certified stars: keeps them, could move up (an upgrade), or would fall below
    them at re-evaluation, with what holds it back (unless `explained`, the level the screen explains, is it)."""
    stars = result.stars or 0
    if stars == certified:
        return [t("assessment.certified_keep", stars=str(certified))]
    if stars > certified:
        return [t("assessment.certified_up", certified=str(certified), stars=str(stars))]
    lines = [t("assessment.certified_down", certified=str(certified))]
    if explained != certified and certified in sheet.stars.recognised_levels:
        lines += held_back_lines(t, sheet, result, answers, certified)
    return lines


def improvement_lines(t: Translator, improvements: Iterable[Improvement]) -> list[str]:
    """Each change: from which option to which, the points, the star it unlocks, and what to prepare."""
    lines = []
    for number, change in enumerate(improvements, start=1):
        criterion = change.criterion
        target = criterion.options[change.suggested_option]
        current = criterion.options[change.current_option].text if change.current_option is not None else "—"
        lines += ["", t("assessment.improvement", number=number, code=criterion.code,
                        title=t.content(criterion.title), current=t.content(current),
                        target=t.content(target.text), points=change.points_gained)]
        if change.reason == "knock_out":
            lines.append(t("assessment.improvement_knock_out"))
        elif change.unlocks_stars:
            lines.append(t("assessment.improvement_unlocks", stars=change.unlocks_stars))
        elif change.reason == "minimum":
            lines.append(t("assessment.improvement_minimum"))
        hint = target.hint or criterion.hint
        if hint:
            lines.append(t("assessment.improvement_hint", hint=t.content(hint)))
        lines.append(t("assessment.evidence", evidence="; ".join(t.content(e) for e in criterion.evidence)))
    return lines


def draft_for(ctx: Context, assessment: Assessment, sheet: Sheet, result: Result) -> Mau02Draft:
    """The Mẫu 02 Part III draft, in Vietnamese whatever the chat language: the dossier is filed in Vietnamese."""
    t = ctx.i18n.translator("vi")
    profile = ctx.profile
    product_set = ctx.content.product_sets.by_code.get(sheet.product_set)
    rules = ctx.content.criteria.rule_set(sheet.rule_set)
    day = (assessment.finished_at or ctx.now).astimezone(t.tz).date()
    set_number = t("assessment.pdf.set_number", number=sheet.number)
    header = [
        (t("assessment.pdf.org"), (profile.org_name if profile else None) or "—"),
        (t("assessment.pdf.product"), (profile.main_product if profile else None) or "—"),
        (t("assessment.pdf.product_set"), f"{sheet.product_set} – {product_set.name if product_set else sheet.title}"
                                           f" ({set_number})"),
        (t("assessment.pdf.rules"), rules.title if rules else sheet.rule_set),
        (t("assessment.pdf.date"), t.date(day)),
        (t("assessment.pdf.total"), t("assessment.pdf.points_of", points=result.total, max=result.max)),
        (t("assessment.pdf.stars"), stars_plain(t, result.stars)),
    ]
    sections = []
    for part, scored in zip(sheet.parts, result.parts, strict=True):
        rows = []
        for section in part.sections:
            for criterion in section.criteria:
                chosen = assessment.answers.get(criterion.code)
                option = criterion.options[chosen] if chosen is not None else None
                rows.append(Mau02Row(criterion.code, criterion.title, option.text if option else "—",
                                     f"{option.points if option else 0}/{criterion.max}", list(criterion.evidence)))
        heading = t("assessment.pdf.part", code=part.code, title=part.title, points=scored.points, max=scored.max)
        sections.append(Mau02Section(heading, rows))
    totals = [(t("assessment.pdf.part_total", code=p.code), t("assessment.pdf.points_of", points=p.points, max=p.max))
              for p in result.parts]
    totals += [(t("assessment.pdf.total"), t("assessment.pdf.points_of", points=result.total, max=result.max)),
               (t("assessment.pdf.stars"), stars_plain(t, result.stars))]
    footer = [t("assessment.pdf.decides")]
    if not sheet.is_confirmed:
        footer.append(t("assessment.pdf.unconfirmed"))
    return Mau02Draft(
        title=t("assessment.pdf.title"), subtitle=t("assessment.pdf.subtitle"),
        disclaimer=t("assessment.pdf.disclaimer"), header=header,
        columns=(t("assessment.pdf.col_code"), t("assessment.pdf.col_criterion"), t("assessment.pdf.col_choice"),
                 t("assessment.pdf.col_points"), t("assessment.pdf.col_evidence")),
        sections=sections, totals=totals, footer=footer,
    )
