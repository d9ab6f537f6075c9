"""Self-assessment questions: one criterion per message, answers saved in the Assessment row after each step.

The producer can go back one question, pause (status "paused"), leave for days or survive a restart, and
resume at the first unanswered criterion: nothing is asked twice and nothing is lost. Every button carries
the assessment id and the criterion code; a press is only taken for the producer's own open assessment and
for the question they are on, so old buttons and forged payloads change nothing.

```mermaid
flowchart LR
  open[asm:open] --> set[asm:set] --> rules[asm:rules] --> q[question n/N]
  q -- asm:ans --> q
  q -- asm:back --> q
  q -- asm:pause --> menu
  menu -- asm:resume --> q
  q -- knock-out / last answer --> result[assessment_result.finish]
```
"""

from __future__ import annotations

from bot.content.criteria import Sheet
from bot.core.context import Context, Router, payload
from bot.core.messages import Button
from bot.domain.scoring import unanswered
from db.models import Assessment
from handlers.producer import assessment_result
from handlers.producer.menu import show_menu

router = Router()
FLOW = "assessment"


def sheet_of(ctx: Context, assessment: Assessment) -> Sheet | None:
    return ctx.content.criteria.sheet(assessment.rule_set, assessment.product_set)


def parse_arg(arg: str, count: int) -> list[str] | None:
    """The `count` colon-separated parts of a payload argument whose first part is an id, or None."""
    parts = arg.split(":")
    return parts if len(parts) == count and parts[0].isdigit() else None


async def own_open(ctx: Context, assessment_id: str) -> tuple[Assessment, Sheet] | None:
    """The user's own unfinished assessment and its sheet; otherwise explain, change nothing, return None."""
    assessment = await ctx.repos.assessments.of_user(assessment_id, ctx.user.id)
    sheet = sheet_of(ctx, assessment) if assessment else None
    if assessment is None or sheet is None:
        show_menu(ctx, "assessment.not_found")
    elif assessment.status not in ctx.repos.assessments.OPEN:
        buttons = [[ctx.button("assessment.history", "assessment", "hist")], [ctx.button("menu.back", "menu", "open")]]
        ctx.reply("assessment.already_finished", buttons=buttons)
    else:
        return assessment, sheet
    return None


def current_code(ctx: Context, assessment: Assessment, sheet: Sheet) -> str | None:
    """The criterion the producer is on: the one last asked in this conversation, else the first unanswered."""
    data = ctx.data
    if ctx.state.flow == FLOW and data.get("id") == assessment.id and sheet.criterion(str(data.get("code"))):
        return str(data["code"])
    missing = unanswered(sheet, assessment.answers)
    return missing[0] if missing else None


def ask_question(ctx: Context, assessment: Assessment, sheet: Sheet, code: str) -> None:
    """Shows one criterion with its options as buttons (the saved answer ticked), Back and Pause."""
    ctx.go(FLOW, "question", id=assessment.id, code=code)
    codes = [c.code for c in sheet.criteria()]
    criterion, part, section = sheet.criterion(code), sheet.part_of(code), sheet.section_of(code)
    assert criterion is not None and part is not None and section is not None
    t = ctx.t
    lines = [
        t("assessment.progress", number=codes.index(code) + 1, total=len(codes)),
        f"{part.code}. {t.content(part.title)} › {section.code}. {t.content(section.title)}",
        "",
        t("assessment.criterion", code=code, title=t.content(criterion.title), max=criterion.max),
        t.content(criterion.question),
    ]
    if criterion.hint:
        lines.append(t("assessment.hint", hint=t.content(criterion.hint)))
    lines += [f"• {t.content(o.text)}: {t.content(o.hint)}" for o in criterion.options if o.hint]
    chosen = assessment.answers.get(code)
    rows = [
        [Button(("✓ " if i == chosen else "") + t.content(o.text), payload("assessment", "ans", assessment.id, code, i))]
        for i, o in enumerate(criterion.options)
    ]
    navigation = [ctx.button("assessment.back", "assessment", "back", assessment.id)] if codes.index(code) else []
    rows.append(navigation + [ctx.button("assessment.pause", "assessment", "pause", assessment.id)])
    ctx.reply_text("\n".join(lines), buttons=rows)


@router.on_button("assessment", "ans")
async def answer_criterion(ctx: Context) -> None:
    """Saves the chosen option for the current criterion; asks the next unanswered one or shows the result."""
    parts = parse_arg(ctx.arg, 3) or ["", "", ""]
    found = await own_open(ctx, parts[0])
    if found is None:
        return
    assessment, sheet = found
    code, (_, answered_code, option) = current_code(ctx, assessment, sheet), parts
    criterion = sheet.criterion(answered_code)
    if code is None or criterion is None or criterion.code != code:
        ctx.reply("assessment.stale_question")  # an old message's button, or a forged one
    elif not option.isdigit() or int(option) >= len(criterion.options):
        ctx.reply("assessment.invalid_choice")
    else:
        assessment.answers = {**assessment.answers, code: int(option)}  # reassigned: JSON saves on assignment
        assessment.status, assessment.updated_at = "in_progress", ctx.now
        await continue_after_answer(ctx, assessment, sheet, criterion.options[int(option)].knock_out is not None)
        return
    if code is not None:
        ask_question(ctx, assessment, sheet, code)
    else:
        await assessment_result.finish(ctx, assessment, sheet)


async def continue_after_answer(ctx: Context, assessment: Assessment, sheet: Sheet, knocked_out: bool) -> None:
    """A knock-out ends the assessment; otherwise the first unanswered criterion, or the result when none is left."""
    missing = unanswered(sheet, assessment.answers)
    if knocked_out or not missing:
        await assessment_result.finish(ctx, assessment, sheet)
    else:
        ask_question(ctx, assessment, sheet, missing[0])


@router.on_button("assessment", "back")
async def go_back(ctx: Context) -> None:
    """Shows the previous criterion again (its saved answer ticked) so the producer can change it."""
    found = await own_open(ctx, ctx.arg)
    if found is None:
        return
    assessment, sheet = found
    codes = [c.code for c in sheet.criteria()]
    code = current_code(ctx, assessment, sheet) or codes[-1]
    ask_question(ctx, assessment, sheet, codes[max(0, codes.index(code) - 1)])


@router.on_button("assessment", "pause")
async def pause(ctx: Context) -> None:
    """Marks the assessment paused (every answer is already saved) and shows the menu."""
    found = await own_open(ctx, ctx.arg)
    if found is None:
        return
    assessment, sheet = found
    assessment.status, assessment.updated_at = "paused", ctx.now
    ctx.reply("assessment.paused", answered=len(assessment.answers), total=sheet.total_count)
    show_menu(ctx)


@router.on_button("assessment", "resume")
async def resume(ctx: Context) -> None:
    """Reopens a paused or interrupted assessment at the first unanswered criterion."""
    found = await own_open(ctx, ctx.arg)
    if found is None:
        return
    assessment, sheet = found
    assessment.status, assessment.updated_at = "in_progress", ctx.now
    ctx.clear_flow()  # resume where the answers stop, not where an older conversation stood
    missing = unanswered(sheet, assessment.answers)
    if not missing:
        await assessment_result.finish(ctx, assessment, sheet)
        return
    ctx.reply("assessment.resumed", answered=len(assessment.answers), total=sheet.total_count)
    ask_question(ctx, assessment, sheet, missing[0])


@router.on_answer(FLOW, "question")
async def typed_instead_of_choosing(ctx: Context) -> None:
    """Text that matches no option: asks to tap a button and shows the same criterion again."""
    found = await own_open(ctx, str(ctx.data.get("id", "")))
    if found is None:
        return
    assessment, sheet = found
    ctx.reply("assessment.use_buttons")
    code = current_code(ctx, assessment, sheet)
    if code is not None:
        ask_question(ctx, assessment, sheet, code)


@router.on_button("assessment", "undo")
async def undo_knock_out(ctx: Context) -> None:
    """Reopens an assessment ended by a knock-out answer (a mis-tap) and asks that criterion again."""
    assessment = await ctx.repos.assessments.of_user(ctx.arg, ctx.user.id)
    sheet = sheet_of(ctx, assessment) if assessment else None
    other = await ctx.repos.assessments.open_for_user(ctx.user.id)
    if assessment is None or sheet is None or assessment.status != "knocked_out" or other is not None:
        show_menu(ctx, "assessment.undo_unavailable")
        return
    code = next(c for c in assessment_result.knock_out_codes(sheet, assessment.answers))
    assessment.answers = {k: v for k, v in assessment.answers.items() if k != code}
    assessment_result.reopen(assessment, ctx.now)
    ask_question(ctx, assessment, sheet, code)
