"""Eligibility check, declared for the questionnaire runner (bot/core/flows.py): the producer type (confirmed
from the profile), the product set (suggested from the product name), then the content questions of
content/eligibility.yaml one at a time (those of other product groups skipped), then the verdict.

Answers live in the conversation state after every step (a restart resumes at the same question); the
finished check is stored in the Eligibility row only with consent. The verdict is shown by
handlers/producer/eligibility_result.py. Diagram: docs/flows/eligibility.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.content import Content
from bot.content.eligibility import Question as ContentQuestion
from bot.content.eligibility import SetFacts
from bot.content.text import clean_user_text
from bot.core import flow_buttons, flows
from bot.core.context import Context, Router, payload
from bot.core.flows import Flow, Msg, Opened, Option, Question, Run, Screen, When
from bot.core.i18n import N_
from bot.core.messages import NO, YES, Button, Kind
from handlers.producer import eligibility_result
from handlers.producer import product_set as own
from handlers.producer.menu import back_to_menu_row, show_menu

router = Router()

FLOW = "eligibility"
TYPE, SET = "producer_type", "set"


# --- what is asked ----------------------------------------------------------------------------------------
FIXED = "set_fixed"
"""A fact beside the answers: the product set came from the profile, so its question is not on the path."""


def questions(content: Content, facts: SetFacts | None = None) -> list[Question]:
    """The producer type and the product set (not counted in "Câu i/n"; the set is skipped when the profile
    keeps it), then the content questions for the product group and for the producer's own sheet (`facts`:
    its topics; None = set not known yet, every question of the group)."""
    eligibility = content.eligibility
    asked_by_type = next(q for q in eligibility.questions if q.profile_field == TYPE)
    return [
        Question(TYPE, asked_by_type.text, options=_options(asked_by_type), counted=False, screen=ask_type,
                 note="confirmed from the profile (or the last check): Đúng / Đổi"),
        Question(SET, Msg(N_("eligibility.ask_product")), counted=False, screen=ask_product, on_text=type_product_name,
                 accepts=known_set,
                 when=(When(FIXED, ("yes",), negate=True, official="the profile keeps no product set"),),
                 note="sets suggested for the product name (typed, or the profile's); or chosen by group"),
        *(Question(q.id, q.text, options=_options(q, facts), when=_for_groups(q))
          for q in eligibility.questions_for(None, facts) if q.profile_field is None),
    ]


def known_set(run: Run, code: str) -> bool:
    """A module-level function (not a lambda) so the questions rebuilt for the chosen set equal the old ones."""
    return code in run.ctx.content.product_sets.by_code


def _options(question: ContentQuestion, facts: SetFacts | None = None) -> tuple[Option, ...]:
    code = facts.code if facts else None
    return tuple(Option(o.code, o.label, means={"yes": YES, "no": NO}.get(o.means or ""))
                 for o in question.options if o.offered_for(code))


def _for_groups(question: ContentQuestion) -> tuple[When, ...]:
    only = (When("group", tuple(question.only_groups)),) if question.only_groups else ()
    return only + ((When("group", tuple(question.except_groups), negate=True),) if question.except_groups else ())


def prior_answer(ctx: Context, question: Question) -> str | None:
    """This run's answer, else the previous check's, if it is still one of the options."""
    data = ctx.data
    codes = [o.code for o in question.options]
    for answers in (data.get("answers") or {}, data.get("prev") or {}):
        if answers.get(question.id) in codes:
            return str(answers[question.id])
    return None


def option_label(ctx: Context, question: Question, code: str) -> str:
    return next(flows.show(ctx.t, o.label) for o in question.options if o.code == code)


# --- where the answers live: the conversation state ---------------------------------------------------------
async def open_check(ctx: Context, scope: str) -> Opened | None:
    """The check under way; buttons of an old, finished check change nothing."""
    if ctx.state.flow != FLOW:
        show_menu(ctx, "menu.stale_button")
        return None
    data = ctx.data
    return Opened(questions(ctx.content, own.facts(ctx, data.get("set"))),
                  {**(data.get("answers") or {}), SET: data.get("set"), "group": data.get("group"),
                   FIXED: "yes" if data.get(FIXED) else None})


async def save_answer(run: Run, question: Question, value: Any) -> None:
    """The product set (and its group) beside the answers; every other answer into the answers."""
    ctx = run.ctx
    if question.id == SET:
        chosen = ctx.content.product_sets.by_code[value]
        ctx.remember(set=chosen.code, group=chosen.group)
        run.answers["group"] = chosen.group
        run.questions = questions(ctx.content, own.facts(ctx, chosen.code))  # the set's own questions
        await own.keep_set(ctx, chosen.code)
    else:
        ctx.remember(answers={**ctx.data.get("answers", {}), question.id: value}, change_type=False)


async def show_verdict(run: Run) -> None:
    await eligibility_result.finish(run.ctx, FLOW)


def render(run: Run, question: Question, screen: Screen) -> None:
    """"Keep the previous answer" first (this run's, or the last check's), and the way to the menu last."""
    earlier = prior_answer(run.ctx, question)
    if earlier:
        keep = run.ctx.t("eligibility.keep", answer=option_label(run.ctx, question, earlier))
        screen.options.insert(0, [run.answer_button(question, Option(earlier, ""), label=keep)])
    screen.navigation.append(back_to_menu_row(run.ctx))


async def change_type_first(run: Run) -> None:
    """Back on the first question: the producer type with one button per type."""
    run.ctx.remember(change_type=True)
    run.ask(run.question(TYPE))  # type: ignore[arg-type]


def diagram(content: Content) -> Iterable[tuple[str, str, Sequence[Question]]]:
    yield "eligibility", "Eligibility check", questions(content)


ELIGIBILITY = Flow(
    FLOW, open_check, save_answer, show_verdict, after_answer="next", back=N_("eligibility.back"),
    retype=N_("eligibility.choose_button"), actions={"type": TYPE, "set": SET}, render=render,
    before_first=change_type_first, variants=diagram,
)
flow_buttons.register(router, ELIGIBILITY)


# --- the two questions with screens of their own ---------------------------------------------------------
def ask_type(run: Run, question: Question) -> None:
    """Confirm the producer type from the profile (or the last check), or ask it with one button per type;
    with one button per type once it was answered in this check (Back), or after "change"."""
    ctx = run.ctx
    from_profile = ctx.profile.producer_type if ctx.profile else None
    codes = [o.code for o in question.options]
    known = from_profile if from_profile in codes else prior_answer(ctx, question)
    if known and not ctx.data.get("change_type") and run.answers.get(TYPE) is None:
        yes = ctx.button("eligibility.type_yes", FLOW, "type", known, means=YES)
        change = ctx.button("eligibility.type_change", FLOW, "type_change", means=NO)
        msgid = N_("eligibility.type_from_profile") if known == from_profile else N_("eligibility.type_from_last")
        ctx.reply(msgid, buttons=[[yes, change], back_to_menu_row(ctx)], label=option_label(ctx, question, known))
        return
    rows = [[run.answer_button(question, o)] for o in run.options(question)]
    ctx.reply_text(flows.show(ctx.t, question.prompt), buttons=[*rows, back_to_menu_row(ctx)])


def ask_product(run: Run, question: Question) -> None:
    """Suggest product sets for the product name (from this run, else the profile); or ask the name."""
    ctx = run.ctx
    name = ctx.data.get("product") or (ctx.profile.main_product if ctx.profile else None)
    matches = ctx.content.product_sets.find_sets(name) if name else []
    if not matches:
        groups = ctx.button("eligibility.by_group", FLOW, "groups")
        ctx.reply("eligibility.ask_product", buttons=[[groups], back_row(ctx), back_to_menu_row(ctx)])
        return
    ctx.remember(product=name)
    rows = [[set_button(ctx, s.code)] for s in matches]
    previous = ctx.data.get("prev_set")
    if previous in ctx.content.product_sets.by_code and previous not in [s.code for s in matches]:
        rows.append([set_button(ctx, previous, N_("eligibility.set_previous"))])
    rows.append([ctx.button("eligibility.retype", FLOW, "retype"), ctx.button("eligibility.by_group", FLOW, "groups")])
    ctx.reply("eligibility.set_suggest", buttons=[*rows, back_row(ctx), back_to_menu_row(ctx)], product=name)


async def type_product_name(run: Run, question: Question) -> None:
    """A typed product name ("xoai say"): suggests the sets that fit; asks again if none does."""
    ctx = run.ctx
    name = clean_user_text(ctx.text, 200) if ctx.inbound.kind is Kind.TEXT else ""
    if len(name) < 2 or not ctx.content.product_sets.find_sets(name):
        groups = ctx.button("eligibility.by_group", FLOW, "groups")
        ctx.reply("eligibility.product_not_found", buttons=[[groups], back_to_menu_row(ctx)], typed=name[:60])
        return
    ctx.remember(product=name)
    run.ask(question)


def set_button(ctx: Context, code: str, msgid: str = N_("eligibility.set_label")) -> Button:
    product_set = ctx.content.product_sets.by_code[code]
    return ctx.button(msgid, FLOW, "set", code, number=str(product_set.number), name=ctx.t.content(product_set.name))


def back_row(ctx: Context) -> list[Button]:
    return [ctx.button("eligibility.back", FLOW, "back")]


async def at_set_question(ctx: Context) -> Run | None:
    """The check, when it is at the product set question; otherwise the question it is at is asked again."""
    run = await flows.open_run(ctx, ELIGIBILITY)
    if run is not None and run.current() is not run.question(SET):
        await run.resume()
        return None
    return run


# --- what the producer does ------------------------------------------------------------------------------
@router.on_button(FLOW, "start")
async def open_eligibility(ctx: Context) -> None:
    """Menu → "Check eligibility": resumes an unfinished check at its question, else starts a new one."""
    if ctx.state.flow == FLOW and ctx.state.step:
        ctx.reply("eligibility.resuming")
        run = await flows.open_run(ctx, ELIGIBILITY)
        await run.resume()  # type: ignore[union-attr]
    else:
        await start_check(ctx)


@router.on_button(FLOW, "restart")
async def restart_check(ctx: Context) -> None:
    """"Check again": a new run, pre-filled from the last stored check."""
    await start_check(ctx)


async def start_check(ctx: Context) -> None:
    """Loads the last stored check (with consent) as suggestions; asks the producer type first."""
    previous = await ctx.repos.eligibility.latest(ctx.user.id) if ctx.user.consent_at else None
    own_one = own.own_set(ctx)
    ctx.clear_flow()
    fixed = {"set": own_one.code, "group": own_one.group, FIXED: True} if own_one else {}
    ctx.go(FLOW, None, answers={}, prev=dict(previous.answers) if previous else {},
           prev_set=previous.product_set if previous else None, **fixed)
    ctx.reply("eligibility.intro")
    if own_one is not None:
        ctx.reply("eligibility.set_from_profile", product_set=own.set_label(ctx, own_one))
    if ctx.user.consent_at is None:
        ctx.reply("eligibility.not_stored")
    elif previous is not None:
        ctx.reply("eligibility.prefilled")
    run = await flows.open_run(ctx, ELIGIBILITY)
    run.ask(run.question(TYPE))  # type: ignore[union-attr, arg-type]


@router.on_button(FLOW, "type_change")
async def change_type(ctx: Context) -> None:
    """"No, change it": asks the producer type with one button per type."""
    run = await flows.open_run(ctx, ELIGIBILITY)
    if run is not None:
        await change_type_first(run)


@router.on_button(FLOW, "retype")
async def retype_product(ctx: Context) -> None:
    """"Another product": asks to type the product name again."""
    run = await at_set_question(ctx)
    if run is not None:
        ctx.reply("eligibility.ask_product", buttons=[back_row(ctx), back_to_menu_row(ctx)])


@router.on_button(FLOW, "groups")
async def list_groups(ctx: Context) -> None:
    """"Choose by group": one button per product group; the sets of the chosen group come next."""
    if await at_set_question(ctx) is not None:
        rows = [[Button(ctx.t.content(g.label), payload(FLOW, "grp", g.code))]
                for g in ctx.content.programme.product_groups.items]
        ctx.reply("eligibility.choose_group", buttons=[*rows, back_to_menu_row(ctx)])


@router.on_button(FLOW, "grp")
async def list_sets_of_group(ctx: Context) -> None:
    """Shows the product sets of one group as buttons."""
    run = await at_set_question(ctx)
    sets = ctx.content.product_sets.in_group(ctx.arg)
    if run is None:
        return
    if not sets:
        await run.resume()
        return
    rows = [[set_button(ctx, s.code)] for s in sets]
    ctx.reply("eligibility.choose_set", buttons=[*rows, back_row(ctx), back_to_menu_row(ctx)])
