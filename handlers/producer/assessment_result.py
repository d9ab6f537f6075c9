"""The end of a self-assessment: points per part, the star level under the bands AND the minimum items,
knock-outs, the three changes worth most, the history, and the Mẫu 02 Part III draft as a PDF.

The result is the bot's projection only: the provincial council (3–4★) or the ministry (5★) decides.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.content.criteria import Sheet
from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Attachment, Button
from bot.domain.scoring import Result, best_improvements, knock_outs, score
from db.models import Assessment
from handlers.producer.assessment_pdf import render_mau02
from handlers.producer.assessment_text import (
    certified_lines,
    draft_for,
    held_back_lines,
    improvement_lines,
    stars_text,
)
from handlers.producer.certified_state import certified_state
from handlers.producer.menu import back_to_menu_row, show_menu

router = Router()
HISTORY_SIZE = 10
knock_out_codes = knock_outs


def reopen(assessment: Assessment, now: datetime) -> None:
    assessment.status, assessment.updated_at, assessment.finished_at = "in_progress", now, None
    assessment.total, assessment.stars, assessment.part_points = None, None, {}


async def finish(ctx: Context, assessment: Assessment, sheet: Sheet) -> None:
    """Scores the answers and stores total, stars, points per part and the status; shows the result (against
    the certified stars, when the product holds a certificate)."""
    result = score(sheet, assessment.answers)
    assessment.total, assessment.stars = result.total, result.stars
    assessment.part_points = {p.code: p.points for p in result.parts}
    assessment.status = "knocked_out" if result.knocked_out else "done"
    assessment.finished_at = assessment.updated_at = ctx.now
    ctx.clear_flow()
    state = await certified_state(ctx)
    certified = state.stars if state else None
    if result.knocked_out:
        show_knock_out(ctx, assessment, sheet, result, certified)
    else:
        show_result(ctx, assessment, sheet, result, certified)


def show_result(ctx: Context, assessment: Assessment, sheet: Sheet, result: Result, certified: int | None = None) -> None:
    """Points per part and in total, the projected star level and why (and against the `certified` stars);
    then what to improve first."""
    t = ctx.t
    lines = [t("assessment.result_title", set=sheet.product_set, name=t.content(sheet.title)), ""]
    for part, scored in zip(sheet.parts, result.parts, strict=True):
        lines.append(t("assessment.result_part", code=part.code, title=t.content(part.title),
                       points=scored.points, max=scored.max))
    lines += [t("assessment.result_total", total=result.total, max=result.max), ""]
    lines.append(t("assessment.result_stars", stars=stars_text(t, result.stars)))
    band = result.band_stars
    # the band the points reach when minimum items hold it back, else the next level up
    explained = band if band in sheet.stars.recognised_levels and band > (result.stars or 0) else result.next_stars
    if certified:
        lines += certified_lines(t, sheet, result, assessment.answers, certified, explained)
    if explained:
        lines += held_back_lines(t, sheet, result, assessment.answers, explained)
    ctx.reply_text("\n".join(lines))
    improvements = best_improvements(sheet, assessment.answers, 3)
    advice = [t("assessment.improvements_title")] if improvements else [t("assessment.no_improvements")]
    advice += improvement_lines(t, improvements)
    advice += ["", t("assessment.decision_reminder")]
    tries = [[ctx.button("assessment.try_button", "assessment", "try", assessment.id, change.criterion_code,
                         change.suggested_option, number=str(number), code=change.criterion_code)]
             for number, change in enumerate(improvements, start=1)]  # "this change alone gives 3★": try it
    rows = [*tries, [ctx.button("assessment.change_one", "assessment", "chg", assessment.id)],
            [ctx.button("assessment.export", "assessment", "pdf", assessment.id)],
            [ctx.button("assessment.history", "assessment", "hist"), ctx.button("assessment.new", "assessment", "new")],
            back_to_menu_row(ctx)]
    ctx.reply_text("\n".join(advice), buttons=rows)


def show_knock_out(ctx: Context, assessment: Assessment, sheet: Sheet, result: Result,
                   certified: int | None = None) -> None:
    """Explains which answer stops the evaluation and what to do (and that the `certified` stars would be
    lost at re-evaluation); offers to fix a mis-tap."""
    t = ctx.t
    code = result.knock_outs[0]
    criterion = sheet.criterion(code)
    assert criterion is not None
    option = criterion.options[assessment.answers[code]]
    lines = [t("assessment.knocked_out", code=code, title=t.content(criterion.title)),
             t.content(option.knock_out or ""), "", t("assessment.knocked_out_explain"),
             *([t("assessment.certified_knocked_out", certified=str(certified))] if certified else []),
             t("assessment.evidence", evidence="; ".join(t.content(e) for e in criterion.evidence))]
    rows = [[ctx.button("assessment.undo_knock_out", "assessment", "undo", assessment.id)],
            [ctx.button("assessment.new", "assessment", "new")], back_to_menu_row(ctx)]
    ctx.reply_text("\n".join(lines), buttons=rows)


@router.on_button("assessment", "hist")
async def show_history(ctx: Context) -> None:
    """Lists finished self-assessments with date, total, stars and the change since the previous one."""
    t = ctx.t
    past = await ctx.repos.assessments.finished_for_user(ctx.user.id, limit=HISTORY_SIZE + 1)
    if not past:
        show_menu(ctx, "assessment.history_empty")
        return
    lines = [t("assessment.history_title")]
    for index, item in enumerate(past[:HISTORY_SIZE]):
        when = t.date((item.finished_at or item.updated_at).astimezone(t.tz).date())
        if item.status == "knocked_out":
            lines.append(t("assessment.history_knocked_out", date=when, set=item.product_set))
            continue
        lines.append(t("assessment.history_line", date=when, set=item.product_set, total=item.total or 0,
                       stars=stars_text(t, item.stars, short=True)))
        previous = next((p for p in past[index + 1 :] if p.status == "done" and p.product_set == item.product_set), None)
        if previous is not None:
            change = f"{(item.total or 0) - (previous.total or 0):+d}"  # keeps the sign; Babel would drop "+"
            lines.append(t("assessment.history_change", change=change, before=stars_text(t, previous.stars, short=True),
                           after=stars_text(t, item.stars, short=True)))
    done = [p for p in past[:HISTORY_SIZE] if p.status == "done"][:3]
    rows = [[Button(t("assessment.history_export", date=t.date((p.finished_at or p.updated_at).astimezone(t.tz).date()),
                      total=p.total or 0), f"assessment:pdf:{p.id}")] for p in done]
    rows += [[ctx.button("assessment.new", "assessment", "new")], back_to_menu_row(ctx)]
    ctx.reply_text("\n".join(lines), buttons=rows)


@router.on_button("assessment", "pdf")
async def export_mau02(ctx: Context) -> None:
    """Sends the draft of Mẫu 02 Part III for one finished assessment of this producer as a PDF."""
    assessment = await ctx.repos.assessments.of_user(ctx.arg, ctx.user.id)
    sheet = ctx.content.criteria.sheet(assessment.rule_set, assessment.product_set) if assessment else None
    if assessment is None or sheet is None or assessment.status != "done":
        show_menu(ctx, "assessment.export_unavailable")
        return
    draft = draft_for(ctx, assessment, sheet, score(sheet, assessment.answers))
    data = await asyncio.to_thread(render_mau02, draft)  # ~0.3 s of layout: keep the event loop free
    day = (assessment.finished_at or ctx.now).astimezone(ctx.t.tz).date()
    name = f"Mau02-phan-III-{assessment.product_set}-{day:%Y%m%d}.pdf"
    ctx.reply(N_("assessment.export_caption"), attachment=Attachment(name=name, data=data, is_image=False),
              buttons=[back_to_menu_row(ctx)])
