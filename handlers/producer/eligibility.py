"""Eligibility check: producer type (confirmed from the profile), product set (suggested from the product
name), then the content questions of content/eligibility.yaml one at a time, then the verdict.

Answers live in the conversation state after every step (a restart resumes at the same question); the
finished check is stored in the Eligibility row only with consent. The verdict is shown by
handlers/producer/eligibility_result.py.

```mermaid
flowchart LR
  start[elig:start] -->|unfinished| resume[same question again]
  start --> type{type from profile?} -->|yes / change| product[sets for the product name]
  product -->|other name / by group| product
  product -->|set chosen| q[question i of n] -->|answer| q
  q -->|back| q
  q -->|last answer| verdict[verdict + stored with consent]
```
"""

from __future__ import annotations

from bot.content.eligibility import Question
from bot.content.text import clean_user_text
from bot.core.context import Context, Router, payload
from bot.core.i18n import N_
from bot.core.messages import Button, Kind
from handlers.producer import eligibility_result
from handlers.producer.menu import back_to_menu_row, show_menu

router = Router()

FLOW = "eligibility"


# --- what to ask ---------------------------------------------------------------------------------------


def type_question(ctx: Context) -> Question:
    """The question answered from the profile's producer type (asked first, as a confirmation)."""
    return next(q for q in ctx.content.eligibility.questions if q.profile_field == "producer_type")


def content_questions(ctx: Context) -> list[Question]:
    """The questions asked one by one for the chosen product's group (progress counts these)."""
    group = ctx.data.get("group")
    return [q for q in ctx.content.eligibility.questions_for(group) if q.profile_field is None]


def prior_answer(ctx: Context, question: Question) -> str | None:
    """This run's answer, else the previous check's, if it is still one of the options."""
    data = ctx.data
    for answers in (data.get("answers") or {}, data.get("prev") or {}):
        if answers.get(question.id) in question.option_codes:
            return str(answers[question.id])
    return None


def option_label(ctx: Context, question: Question, code: str) -> str:
    return next(ctx.t.content(o.label) for o in question.options if o.code == code)


def ask_current(ctx: Context) -> None:
    """Ask again whatever the saved step waits for (resume after a restart, a stale button, typed text)."""
    step = ctx.state.step or "type"
    if step.startswith("q:"):
        ids = [q.id for q in content_questions(ctx)]
        question_id = step[2:]
        ask_question(ctx, ids.index(question_id) if question_id in ids else 0)
    elif step in ("product", "set") and ctx.data.get("answers", {}).get(type_question(ctx).id):
        ask_product(ctx)
    else:
        ask_type(ctx)


def ask_type(ctx: Context) -> None:
    """Confirm the producer type from the profile (or the last check), or ask it with one button per type."""
    ctx.go(FLOW, "type")
    question = type_question(ctx)
    from_profile = ctx.profile.producer_type if ctx.profile else None
    known = from_profile if from_profile in question.option_codes else prior_answer(ctx, question)
    if known and not ctx.data.get("change_type"):
        yes = ctx.button("eligibility.type_yes", FLOW, "type", known)
        change = ctx.button("eligibility.type_change", FLOW, "type_change")
        msgid = N_("eligibility.type_from_profile") if known == from_profile else N_("eligibility.type_from_last")
        ctx.reply(msgid, buttons=[[yes, change], back_to_menu_row(ctx)], label=option_label(ctx, question, known))
        return
    rows = [[Button(ctx.t.content(o.label), payload(FLOW, "type", o.code))] for o in question.options]
    ctx.reply_text(ctx.t.content(question.text), buttons=[*rows, back_to_menu_row(ctx)])


def ask_product(ctx: Context) -> None:
    """Suggest product sets for the product name (from this run, else the profile); or ask the name."""
    name = ctx.data.get("product") or (ctx.profile.main_product if ctx.profile else None)
    matches = ctx.content.product_sets.find_sets(name) if name else []
    if not matches:
        ctx.go(FLOW, "product")
        groups = ctx.button("eligibility.by_group", FLOW, "groups")
        ctx.reply("eligibility.ask_product", buttons=[[groups], back_row(ctx), back_to_menu_row(ctx)])
        return
    ctx.go(FLOW, "set", product=name)
    rows = [[set_button(ctx, s.code)] for s in matches]
    previous = ctx.data.get("prev_set")
    if previous in ctx.content.product_sets.by_code and previous not in [s.code for s in matches]:
        rows.append([set_button(ctx, previous, N_("eligibility.set_previous"))])
    rows.append([ctx.button("eligibility.retype", FLOW, "retype"), ctx.button("eligibility.by_group", FLOW, "groups")])
    ctx.reply("eligibility.set_suggest", buttons=[*rows, back_row(ctx), back_to_menu_row(ctx)], product=name)


def set_button(ctx: Context, code: str, msgid: str = N_("eligibility.set_label")) -> Button:
    product_set = ctx.content.product_sets.by_code[code]
    return ctx.button(msgid, FLOW, "set", code, number=str(product_set.number), name=ctx.t.content(product_set.name))


def ask_question(ctx: Context, index: int) -> None:
    """Ask content question `index` with its options, "keep previous answer", Back and Menu."""
    questions = content_questions(ctx)
    question = questions[index]
    ctx.go(FLOW, f"q:{question.id}")
    rows = [[Button(ctx.t.content(o.label), payload(FLOW, "ans", question.id, o.code))] for o in question.options]
    earlier = prior_answer(ctx, question)
    if earlier:
        keep = ctx.button("eligibility.keep", FLOW, "ans", question.id, earlier,
                          answer=option_label(ctx, question, earlier))
        rows.insert(0, [keep])
    progress = ctx.t("eligibility.progress", step=str(index + 1), total=str(len(questions)))
    ctx.reply_text(f"{progress}\n{ctx.t.content(question.text)}", buttons=[*rows, back_row(ctx), back_to_menu_row(ctx)])


def back_row(ctx: Context) -> list[Button]:
    return [ctx.button("eligibility.back", FLOW, "back")]


def in_check(ctx: Context) -> bool:
    """A check is under way; buttons of an old, finished check change nothing."""
    if ctx.state.flow == FLOW:
        return True
    show_menu(ctx, "menu.stale_button")
    return False


# --- what the producer does ------------------------------------------------------------------------------


@router.on_button(FLOW, "start")
async def open_eligibility(ctx: Context) -> None:
    """Menu → "Check eligibility": resumes an unfinished check at its question, else starts a new one."""
    if ctx.state.flow == FLOW and ctx.state.step:
        ctx.reply("eligibility.resuming")
        ask_current(ctx)
    else:
        await start_check(ctx)


@router.on_button(FLOW, "restart")
async def restart_check(ctx: Context) -> None:
    """"Check again": a new run, pre-filled from the last stored check."""
    await start_check(ctx)


async def start_check(ctx: Context) -> None:
    """Loads the last stored check (with consent) as suggestions; asks the producer type first."""
    previous = await ctx.repos.eligibility.latest(ctx.user.id) if ctx.user.consent_at else None
    ctx.clear_flow()
    ctx.go(FLOW, "type", answers={}, prev=dict(previous.answers) if previous else {},
           prev_set=previous.product_set if previous else None)
    ctx.reply("eligibility.intro")
    if ctx.user.consent_at is None:
        ctx.reply("eligibility.not_stored")
    elif previous is not None:
        ctx.reply("eligibility.prefilled")
    ask_type(ctx)


@router.on_button(FLOW, "type")
async def choose_type(ctx: Context) -> None:
    """Saves the producer type in the state; asks for the product set next."""
    question = type_question(ctx)
    if not in_check(ctx):
        return
    if ctx.arg not in question.option_codes:
        ask_current(ctx)
        return
    ctx.remember(answers={**ctx.data.get("answers", {}), question.id: ctx.arg}, change_type=False)
    ask_product(ctx)


@router.on_button(FLOW, "type_change")
async def change_type(ctx: Context) -> None:
    """"No, change it": asks the producer type with one button per type."""
    if in_check(ctx):
        ctx.remember(change_type=True)
        ask_type(ctx)


@router.on_answer(FLOW, "product", "set")
async def type_product_name(ctx: Context) -> None:
    """A typed product name ("xoai say"): suggests the sets that fit; asks again if none does."""
    name = clean_user_text(ctx.text, 200) if ctx.inbound.kind is Kind.TEXT else ""
    if len(name) < 2 or not ctx.content.product_sets.find_sets(name):
        groups = ctx.button("eligibility.by_group", FLOW, "groups")
        ctx.reply("eligibility.product_not_found", buttons=[[groups], back_to_menu_row(ctx)], typed=name[:60])
        return
    ctx.remember(product=name)
    ask_product(ctx)


@router.on_button(FLOW, "retype")
async def retype_product(ctx: Context) -> None:
    """"Another product": asks to type the product name again."""
    if in_check(ctx):
        ctx.go(FLOW, "product")
        ctx.reply("eligibility.ask_product", buttons=[back_row(ctx), back_to_menu_row(ctx)])


@router.on_button(FLOW, "groups")
async def list_groups(ctx: Context) -> None:
    """"Choose by group": one button per product group; the sets of the chosen group come next."""
    if in_check(ctx):
        ctx.go(FLOW, "set")
        rows = [[Button(ctx.t.content(g.label), payload(FLOW, "grp", g.code))]
                for g in ctx.content.programme.product_groups.items]
        ctx.reply("eligibility.choose_group", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button(FLOW, "grp")
async def list_sets_of_group(ctx: Context) -> None:
    """Shows the product sets of one group as buttons."""
    sets = ctx.content.product_sets.in_group(ctx.arg)
    if not in_check(ctx):
        return
    if not sets:
        ask_current(ctx)
        return
    rows = [[set_button(ctx, s.code)] for s in sets]
    ctx.reply("eligibility.choose_set", buttons=[*rows, back_row(ctx), back_to_menu_row(ctx)])


@router.on_button(FLOW, "set")
async def choose_set(ctx: Context) -> None:
    """Saves the product set and its group in the state; asks the first content question."""
    product_set = ctx.content.product_sets.by_code.get(ctx.arg)
    if not in_check(ctx):
        return
    if product_set is None or not ctx.data.get("answers"):
        ask_current(ctx)
        return
    ctx.remember(set=product_set.code, group=product_set.group)
    ask_question(ctx, 0)


@router.on_button(FLOW, "ans")
async def answer_question(ctx: Context) -> None:
    """Saves one answer in the state; asks the next question, or shows the verdict after the last."""
    question_id, _, code = ctx.arg.partition(":")
    if not in_check(ctx):
        return
    questions = content_questions(ctx)
    ids = [q.id for q in questions]
    known = question_id in ids and code in questions[ids.index(question_id)].option_codes
    if ctx.state.step != f"q:{question_id}" or not known:
        ask_current(ctx)  # an older question's button, or a forged answer: nothing changes
        return
    ctx.remember(answers={**ctx.data.get("answers", {}), question_id: code})
    index = ids.index(question_id) + 1
    if index < len(questions):
        ask_question(ctx, index)
    else:
        await eligibility_result.finish(ctx, FLOW)


@router.on_button(FLOW, "back")
async def go_back(ctx: Context) -> None:
    """Back one step: previous question, the product set, or the producer type."""
    if not in_check(ctx):
        return
    step = ctx.state.step or ""
    ids = [q.id for q in content_questions(ctx)]
    if step.startswith("q:") and step[2:] in ids and ids.index(step[2:]) > 0:
        ask_question(ctx, ids.index(step[2:]) - 1)
    elif step.startswith("q:"):
        ask_product(ctx)
    else:
        ctx.remember(change_type=True)
        ask_type(ctx)


@router.on_answer(FLOW, "*")
async def expected_a_button(ctx: Context) -> None:
    """Typed text where an answer button was expected: asks the same question again."""
    ctx.reply("eligibility.choose_button")
    ask_current(ctx)
