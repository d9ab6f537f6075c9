"""The producer profile, declared for the questionnaire runner (bot/core/flows.py): organisation, type,
commune, product group, main product, phone.

Questions are asked in order, first unanswered first; each answer is stored on the profile at once (with
consent only). Editing one field from Settings changes that answer and returns to the summary. An old button
of a profile question stores nothing (it used to store its answer wherever the user was). Diagram:
docs/flows/profile.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.content import Content
from bot.content.text import clean_user_text
from bot.core import flow_buttons, flows
from bot.core.context import Context, Router
from bot.core.flows import SKIPPED, Flow, Msg, Opened, Option, Question, Run
from bot.core.i18n import N_
from bot.core.messages import Kind
from handlers.producer.menu import back_to_menu_row, show_menu
from handlers.producer.product_set import own_set, set_label

router = Router()

FLOW = "profile"
QUESTIONS = ("org_name", "producer_type", "commune", "product_group", "main_product", "phone")
FIELDS = {"org_name": "org_name", "producer_type": "producer_type", "commune": "commune_code",
          "product_group": "product_group", "main_product": "main_product", "phone": "phone"}
ASK = {
    "org_name": N_("profile.ask_org_name"),
    "producer_type": N_("profile.ask_producer_type"),
    "commune": N_("profile.ask_commune"),
    "product_group": N_("profile.ask_product_group"),
    "main_product": N_("profile.ask_main_product"),
    "phone": N_("profile.ask_phone"),
}
EDIT = {
    "org_name": N_("profile.edit_org_name"),
    "producer_type": N_("profile.edit_producer_type"),
    "commune": N_("profile.edit_commune"),
    "product_group": N_("profile.edit_product_group"),
    "main_product": N_("profile.edit_main_product"),
    "phone": N_("profile.edit_phone"),
}
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")


def questions(content: Content) -> list[Question]:
    """The six questions; the type and group are buttons from programme.yaml, the commune a search."""
    programme = content.programme
    return [
        Question("org_name", Msg(ASK["org_name"]), kind="text", parse=two_letters,
                 invalid=Msg(N_("profile.org_name_invalid"))),
        Question("producer_type", Msg(ASK["producer_type"]),
                 options=tuple(Option(pt.code, pt.label) for pt in programme.producer_types.items)),
        Question("commune", Msg(ASK["commune"]), on_text=match_commune,
                 accepts=lambda run, code: code in run.ctx.content.communes.by_code,
                 note="typed (diacritics optional), then confirmed among the communes that match"),
        Question("product_group", Msg(ASK["product_group"]),
                 options=tuple(Option(g.code, g.label) for g in programme.product_groups.items)),
        Question("main_product", Msg(ASK["main_product"]), kind="text", parse=two_letters,
                 invalid=Msg(N_("profile.main_product_invalid"))),
        Question("phone", Msg(ASK["phone"]), kind="phone", parse=lambda run, raw: normalise_phone(raw),
                 invalid=Msg(N_("profile.phone_invalid")), skip=N_("profile.phone_skip")),
    ]


def two_letters(run: Run, raw: str) -> str | None:
    """A name or product as typed, trimmed; None when shorter than 2 characters."""
    text = clean_user_text(raw, 200)
    return text if len(text) >= 2 else None


def answers_of(ctx: Context) -> dict[str, Any]:
    """The stored answers by question id (None: not answered; "" for a skipped phone counts as answered)."""
    p = ctx.profile
    return {q: getattr(p, field) if p is not None else None for q, field in FIELDS.items()}


# --- where the answers live: the profile row, with consent ------------------------------------------------
async def open_profile(ctx: Context, scope: str) -> Opened | None:
    """Profile answers are stored only with consent; without it, explain and offer it."""
    if ctx.user.consent_at is None:
        offer_consent(ctx)
        return None
    if ctx.profile is None:
        ctx.profile = await ctx.repos.profiles.ensure(ctx.user.id)
    return Opened(questions(ctx.content), answers_of(ctx), ctx.profile)


async def save_field(run: Run, question: Question, value: Any) -> None:
    """Stores one answer on the profile at once; a skipped phone is stored as "" (never asked again) and
    leaves a phone already given as it is."""
    profile = run.subject
    if value == SKIPPED and question.kind == "phone":
        if profile.phone is None:
            profile.phone = ""
        return
    setattr(profile, FIELDS[question.id], value)


async def finish(run: Run) -> None:
    """Every question answered: marks the profile complete and shows the menu."""
    assert run.ctx.profile is not None
    if run.ctx.profile.completed_at is None:
        run.ctx.profile.completed_at = run.ctx.now
    show_menu(run.ctx, "profile.done")


async def ask_again(run: Run, question: Question | None) -> None:
    """An old or forged button of a profile question: nothing stored; the question being asked again, or,
    once the profile is complete, the question the button was for."""
    asked = run.current() or question
    if asked is not None:
        run.ask(asked)
    else:
        show_menu(run.ctx, "menu.stale_button")


async def back_to_summary(run: Run, changed: bool) -> None:
    """After editing one field from Settings: the summary again."""
    show_summary(run.ctx, N_("profile.saved") if changed else N_("profile.summary_title"))


def diagram(content: Content) -> Iterable[tuple[str, str, Sequence[Question]]]:
    yield "profile", "Producer profile", questions(content)


PROFILE = Flow(
    FLOW, open_profile, save_field, finish, keep=N_("profile.keep"), share_contact=N_("profile.phone_share"),
    retype=N_("profile.choose_button"), actions={"type": "producer_type", "group": "product_group", "commune": "commune"},
    on_stale=ask_again, after_change=back_to_summary, variants=diagram,
)
flow_buttons.register(router, PROFILE)


def next_question(ctx: Context) -> str | None:
    """The first profile question without an answer (a skipped phone counts as answered)."""
    run = Run(PROFILE, ctx, "", questions(ctx.content), answers_of(ctx))
    question = run.first_unanswered()
    return question.id if question else None


async def ask_next(ctx: Context) -> None:
    """The first unanswered question (with consent), or the menu when the profile is complete."""
    run = await flows.open_run(ctx, PROFILE)
    if run is None:
        return
    question = run.first_unanswered()
    if question is None:
        await finish(run)
    else:
        run.ask(question)


async def match_commune(run: Run, question: Question) -> None:
    """Matches the typed commune or ward (diacritics optional) and asks to confirm it with buttons."""
    ctx = run.ctx
    matches = ctx.content.communes.match(ctx.text) if ctx.inbound.kind is Kind.TEXT else []
    if not matches:
        ctx.reply("profile.commune_not_found", typed=clean_user_text(ctx.text, 60))
        return
    rows = [[run.answer_button(question, Option(c.code, c.name), label=c.name)] for c in matches]
    rows.append([ctx.button("profile.commune_retry", FLOW, "commune_retry")])
    ctx.reply("profile.commune_confirm", buttons=rows)


@router.on_button(FLOW, "commune_retry")
async def retry_commune(ctx: Context) -> None:
    """None of the proposed communes: asks to type it again."""
    run = await flows.open_run(ctx, PROFILE)
    if run is not None:
        run.ask(run.question("commune"))  # type: ignore[arg-type]


@router.on_button(FLOW, "edit")
async def edit_field(ctx: Context) -> None:
    """Settings → edit one profile field: asks that question again, with "keep" to leave it as it is."""
    if ctx.arg not in QUESTIONS:
        show_summary(ctx)
        return
    run = await flows.open_run(ctx, PROFILE)
    if run is not None:
        run.change(run.question(ctx.arg))  # type: ignore[arg-type]


def offer_consent(ctx: Context) -> None:
    agree = ctx.button("onboarding.consent_yes", "onboarding", "consent", "yes")
    ctx.reply("profile.needs_consent", buttons=[[agree], back_to_menu_row(ctx)])


def normalise_phone(raw: str) -> str | None:
    """A Vietnamese number as +84…, or None: "0912 345 678" → "+84912345678"."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _PHONE.match(digits)
    return f"+84{match.group(1)}" if match else None


def show_summary(ctx: Context, msgid: str = N_("profile.summary_title")) -> None:
    """The stored profile with a button per field to change it."""
    ctx.clear_flow()
    p = ctx.profile
    if p is None or ctx.user.consent_at is None:
        offer_consent(ctx)
        return
    programme, communes = ctx.content.programme, ctx.content.communes
    dash = "—"
    ptype = programme.producer_type_by_code.get(p.producer_type or "")
    group = programme.group_by_code.get(p.product_group or "")
    commune = communes.by_code.get(p.commune_code or "")
    summary = ctx.t(
        "profile.summary",
        org_name=p.org_name or dash,
        producer_type=ctx.t.content(ptype.label) if ptype else dash,
        commune=commune.name if commune else dash,
        product_group=ctx.t.content(group.label) if group else dash,
        main_product=p.main_product or dash,
        phone=p.phone or dash,
    )
    own = own_set(ctx)
    summary += "\n" + ctx.t("pset.on_profile", product_set=set_label(ctx, own) if own else dash)
    rows = [[ctx.button(EDIT[q], "profile", "edit", q)] for q in QUESTIONS]
    rows.append([ctx.button("pset.edit", "pset", "choose")])
    rows.append([ctx.button("settings.back", "settings", "open"), *back_to_menu_row(ctx)])
    ctx.reply_text(f"{ctx.t(msgid)}\n\n{summary}", buttons=rows)
