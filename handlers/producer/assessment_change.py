"""Changing one answer of a finished self-assessment from its result screen, without redoing every question:
try an advised change ("this change alone gives 3★") and see the result it would give, keep it, or pick any one
criterion and give it another answer; the result is recomputed at once (bot/domain/scoring).

Every payload names the assessment, the criterion and the option, and all three are checked: the producer's own
finished assessment, a criterion that applies on its sheet, an option open in its case; anything else changes
nothing."""

from __future__ import annotations

from bot.content.criteria import Criterion, Sheet
from bot.core.context import Context, Router, payload
from bot.core.messages import Button
from bot.core.typed import typed_number
from bot.domain.scoring import applies, open_options, score
from db.models import Assessment
from handlers.producer.assessment_result import finish
from handlers.producer.assessment_text import stars_text
from handlers.producer.menu import back_to_menu_row, page_of, paging_row, show_menu

router = Router()
FLOW = "assessment"
PAGE = 8


async def finished(ctx: Context, assessment_id: str) -> tuple[Assessment, Sheet] | None:
    """The producer's own finished assessment and its sheet; otherwise the menu (an old or forged button)."""
    assessment = await ctx.repos.assessments.of_user(assessment_id, ctx.user.id)
    sheet = ctx.content.criteria.sheet(assessment.rule_set, assessment.product_set) if assessment else None
    if assessment is None or sheet is None or assessment.status != "done":
        show_menu(ctx, "menu.stale_button")
        return None
    return assessment, sheet


def changed_option(ctx: Context, assessment: Assessment, sheet: Sheet, code: str, option: str
                   ) -> tuple[Criterion, int] | None:
    """The criterion and option a payload names, if the criterion applies and the option is open in its case."""
    criterion = sheet.criterion(code)
    index = typed_number(option)
    answers = dict(assessment.answers)
    if criterion is None or index is None or not applies(sheet, criterion, answers):
        return None
    return (criterion, index) if index in open_options(sheet, criterion, answers) else None


async def pressed_change(ctx: Context) -> tuple[Assessment, Sheet, str, Criterion, int] | None:
    """The one change a "try" or "keep" button stands for ("<assessment>:<criterion>:<option>"): the finished
    assessment, its sheet, the criterion's code, the criterion and the option; None (the menu shown) when
    the button is stale or forged."""
    assessment_id, _, rest = ctx.arg.partition(":")
    code, _, option = rest.partition(":")
    found = await finished(ctx, assessment_id)
    if found is None:
        return None
    assessment, sheet = found
    picked = changed_option(ctx, assessment, sheet, code, option)
    if picked is None:
        show_menu(ctx, "menu.stale_button")
        return None
    return assessment, sheet, code, picked[0], picked[1]


@router.on_button(FLOW, "try")
async def try_change(ctx: Context) -> None:
    """Shows what the result would be with one answer changed, and offers to keep that change."""
    change = await pressed_change(ctx)
    if change is None:
        return
    assessment, sheet, code, criterion, index = change
    before = score(sheet, assessment.answers)
    after = score(sheet, {**assessment.answers, code: index})
    t = ctx.t
    text = t("assessment.try_result", code=code, title=t.content(criterion.title),
             option=t.content(criterion.options[index].text), before=before.total, after=after.total,
             stars_before=stars_text(t, before.stars), stars_after=stars_text(t, after.stars))
    rows = [[ctx.button("assessment.try_keep", FLOW, "apply", assessment.id, code, index)],
            [ctx.button("assessment.change_one", FLOW, "chg", assessment.id)], back_to_menu_row(ctx)]
    ctx.reply_text(text, buttons=rows)


@router.on_button(FLOW, "apply")
async def keep_change(ctx: Context) -> None:
    """Stores the one changed answer and shows the recomputed result (scored and stored again)."""
    change = await pressed_change(ctx)
    if change is None:
        return
    assessment, sheet, code, _, index = change
    assessment.answers = {**assessment.answers, code: index}  # a new dict: the JSON column sees the change
    ctx.reply("assessment.change_saved", code=code)
    await finish(ctx, assessment, sheet)


@router.on_button(FLOW, "chg")
async def choose_criterion(ctx: Context) -> None:
    """One numbered button per criterion that applies (a page at a time): which answer to change."""
    assessment_id, _, page_arg = ctx.arg.partition(":")
    found = await finished(ctx, assessment_id)
    if found is None:
        return
    assessment, sheet = found
    answers = dict(assessment.answers)
    shown = [c for c in sheet.criteria() if applies(sheet, c, answers) and c.code in answers]
    page, pages = page_of(len(shown), typed_number(page_arg) or 0, PAGE)
    lines = [ctx.t("assessment.change_which", page=str(page + 1), pages=str(pages))]
    rows = []
    for criterion in shown[page * PAGE : (page + 1) * PAGE]:
        current = criterion.options[answers[criterion.code]]
        lines.append(f"• {criterion.code} {ctx.t.content(criterion.title)}: {ctx.t.content(current.text)}")
        rows.append([ctx.button("assessment.change_item", FLOW, "opt", assessment.id, criterion.code,
                                code=criterion.code)])
    paging = paging_row(ctx, page, pages, FLOW, "chg", assessment.id)
    ctx.reply_text("\n".join(lines), buttons=[*rows, paging, back_to_menu_row(ctx)])


@router.on_button(FLOW, "opt")
async def choose_option(ctx: Context) -> None:
    """The options of one criterion (the current one marked); pressing one shows the result it would give."""
    assessment_id, _, code = ctx.arg.partition(":")
    found = await finished(ctx, assessment_id)
    if found is None:
        return
    assessment, sheet = found
    answers = dict(assessment.answers)
    criterion = sheet.criterion(code)
    if criterion is None or code not in answers or not applies(sheet, criterion, answers):
        show_menu(ctx, "menu.stale_button")
        return
    rows = []
    for index in open_options(sheet, criterion, answers):
        option = criterion.options[index]
        mark = "✔ " if index == answers[code] else ""
        label = ctx.t("assessment.change_option", mark=mark, text=ctx.t.content(option.text), points=option.points)
        rows.append([Button(label, payload(FLOW, "try", assessment.id, code, index, limit=ctx.limits.payload_bytes))])
    ctx.reply_text(ctx.t("assessment.change_options", code=code, title=ctx.t.content(criterion.title)),
                   buttons=[*rows, [ctx.button("assessment.change_one", FLOW, "chg", assessment.id)],
                            back_to_menu_row(ctx)])

