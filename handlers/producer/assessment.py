"""Self-assessment questions, declared for the questionnaire runner (bot/core/flows.py): one criterion per
message, built at run time from whichever score sheet the assessment follows; answers saved in the Assessment
row after each step.

The producer can go back one question, pause (status "paused"), leave for days or survive a restart, and
resume at the first unanswered criterion: nothing is asked twice and nothing is lost. Every button carries
the assessment id and the criterion code; a press is only taken for the producer's own open assessment and
for the question they are on, so old buttons and forged payloads change nothing. Diagrams, one per sheet:
docs/flows/assessment-*.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.content import Content
from bot.content.criteria import Sheet
from bot.core import flow_buttons, flows
from bot.core.context import Context, Router
from bot.core.flows import Flow, Opened, Option, Question, Run, Screen, When
from bot.core.i18n import N_
from db.models import Assessment
from handlers.producer import assessment_result
from handlers.producer.menu import show_menu

router = Router()
FLOW = "assessment"
CASE = "case"  # a sheet with branches (set #26) asks first which case the product is in


def sheet_of(ctx: Context, assessment: Assessment) -> Sheet | None:
    return ctx.content.criteria.sheet(assessment.rule_set, assessment.product_set)


# --- what is asked: the score sheet as questions --------------------------------------------------------
def questions(sheet: Sheet) -> list[Question]:
    """One question per criterion, in sheet order, its options the sheet's (a knock-out option ends the
    assessment). Where a sheet says so (the schema of the 26 transcribed sheets): a criterion with
    `applies_when` is asked only after the answer it names; a sheet with `branches` asks the case first
    and offers each criterion only the options of that case (`Option.case`)."""
    found: list[Question] = []
    branches = getattr(sheet, "branches", None)
    if branches is not None:
        found.append(Question(CASE, branches.question, options=tuple(Option(c.code, c.title) for c in branches.cases),
                              counted=False))
    for criterion in sheet.criteria():
        options = tuple(
            Option(str(i), o.text, ends=o.knock_out is not None,
                   when=(When(CASE, (o.case,)),) if getattr(o, "case", None) else ())
            for i, o in enumerate(criterion.options))
        found.append(Question(criterion.code, criterion.question, options=options, when=_applies(sheet, criterion)))
    return found


def _applies(sheet: Sheet, criterion: Any) -> tuple[When, ...]:
    condition = getattr(criterion, "applies_when", None)
    target = sheet.criterion(condition.criterion) if condition is not None else None
    if condition is None or target is None:
        return ()
    chosen = tuple(str(i) for i, o in enumerate(target.options) if getattr(o, "id", None) in condition.options)
    return (When(condition.criterion, chosen, official=condition.official),)


# --- where the answers live: the Assessment row ------------------------------------------------------------
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


async def open_assessment(ctx: Context, scope: str) -> Opened | None:
    found = await own_open(ctx, scope)
    if found is None:
        return None
    assessment, sheet = found
    answers: dict[str, Any] = {code: str(index) for code, index in assessment.answers.items()}
    answers[CASE] = (ctx.data.get(CASE) if ctx.state.flow == FLOW else None) or answered_case(sheet, assessment)
    return Opened(questions(sheet), answers, found)


def answered_case(sheet: Sheet, assessment: Assessment) -> str | None:
    """The case of a branched option already answered (sheets with branches), else None."""
    for code, index in assessment.answers.items():
        criterion = sheet.criterion(code)
        case = getattr(criterion.options[index], "case", None) if criterion and index < len(criterion.options) else None
        if case:
            return str(case)
    return None


async def save_answer(run: Run, question: Question, value: Any) -> None:
    """The chosen option's index for the criterion (the case in the conversation: the sheet's answers hold
    criteria only, and a branched answer tells the case again after a pause)."""
    assessment, _ = run.subject
    if question.id == CASE:
        run.ctx.remember(**{CASE: value})
        return
    assessment.answers = {**assessment.answers, question.id: int(value)}  # reassigned: JSON saves on assignment
    assessment.status, assessment.updated_at = "in_progress", run.ctx.now


async def finish(run: Run) -> None:
    await assessment_result.finish(run.ctx, *run.subject)


def render(run: Run, question: Question, screen: Screen) -> None:
    """Where the criterion sits on the sheet, its points and hints; the saved answer ticked; Pause beside Back."""
    ctx, (assessment, sheet) = run.ctx, run.subject
    criterion, part, section = sheet.criterion(question.id), sheet.part_of(question.id), sheet.section_of(question.id)
    t = ctx.t
    if criterion is not None and part is not None and section is not None:
        screen.lines[1:] = [
            f"{part.code}. {t.content(part.title)} › {section.code}. {t.content(section.title)}",
            "",
            t("assessment.criterion", code=question.id, title=t.content(criterion.title), max=criterion.max),
            t.content(criterion.question),
            *([t("assessment.hint", hint=t.content(criterion.hint))] if criterion.hint else []),
            *(f"• {t.content(o.text)}: {t.content(o.hint)}" for o in criterion.options if o.hint),
        ]
        chosen = assessment.answers.get(question.id)
        offered = run.options(question)
        screen.options = [[run.answer_button(question, o, ("✓ " if o.code == str(chosen) else "") + t.content(o.label))]
                          for o in offered]
        last = (ctx.data.get("last_answers") or {}).get(question.id) if ctx.state.flow == FLOW else None
        earlier = next((o for o in offered if last is not None and o.code == str(last)), None)
        if chosen is None and earlier is not None:  # a new assessment starts from the last one
            keep = t("assessment.keep_last", answer=t.content(earlier.label))
            screen.options.insert(0, [run.answer_button(question, earlier, keep)])
    pause = ctx.button("assessment.pause", "assessment", "pause", assessment.id)
    screen.navigation = [[*(row[0] for row in screen.navigation), pause]]


def diagram(content: Content) -> Iterable[tuple[str, str, Sequence[Question]]]:
    for sheet in content.criteria.sheets:
        yield (f"assessment-{sheet.rule_set}-{sheet.product_set}",
               f"Self-assessment, sheet {sheet.product_set} ({sheet.rule_set})", questions(sheet))


ASSESSMENT = Flow(
    FLOW, open_assessment, save_answer, finish, back=N_("assessment.back"), retype=N_("assessment.use_buttons"),
    stale=N_("assessment.stale_question"), invalid_option=N_("assessment.invalid_choice"), scoped=True,
    render=render, variants=diagram,
)
flow_buttons.register(router, ASSESSMENT)


async def ask_first(ctx: Context, assessment: Assessment) -> None:
    """Asks the first unanswered criterion of a started (or reopened) assessment."""
    run = await flows.open_run(ctx, ASSESSMENT, str(assessment.id))
    if run is not None:
        await run.resume()


# --- what the producer does besides answering ---------------------------------------------------------------
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
    run = await flows.open_run(ctx, ASSESSMENT, ctx.arg)
    if run is None:
        return
    assessment, sheet = run.subject
    assessment.status, assessment.updated_at = "in_progress", ctx.now
    ctx.clear_flow()  # resume where the answers stop, not where an older conversation stood
    if run.first_unanswered() is not None:
        ctx.reply("assessment.resumed", answered=len(assessment.answers), total=sheet.total_count)
    await run.resume()


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
    run = await flows.open_run(ctx, ASSESSMENT, str(assessment.id))
    if run is not None:
        run.ask(run.question(code))  # type: ignore[arg-type]
