"""The producer profile: organisation, type, commune, product group, main product, phone.

Questions are asked in order, first unanswered first; each answer is stored on the profile at once.
The same answer handlers serve editing from Settings (state data `edit`), which returns to the summary.
"""

from __future__ import annotations

import re

from bot.content.text import clean_user_text
from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Button, Kind
from handlers.producer.menu import back_to_menu_row, show_menu

router = Router()

QUESTIONS = ("org_name", "producer_type", "commune", "product_group", "main_product", "phone")
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


def next_question(ctx: Context) -> str | None:
    """The first profile question without an answer (a skipped phone counts as answered)."""
    p = ctx.profile
    if p is None:
        return QUESTIONS[0]
    answers = {
        "org_name": p.org_name, "producer_type": p.producer_type, "commune": p.commune_code,
        "product_group": p.product_group, "main_product": p.main_product, "phone": p.phone,
    }
    return next((q for q in QUESTIONS if answers[q] is None), None)


def ask_next(ctx: Context) -> None:
    question = next_question(ctx)
    if question is None:
        finish(ctx)
    else:
        ask(ctx, question)


def ask(ctx: Context, question: str, *, edit: bool = False) -> None:
    """Ask one profile question and wait for its answer."""
    ctx.go("profile", question, edit=edit)
    progress = ctx.t("profile.progress", step=QUESTIONS.index(question) + 1, total=len(QUESTIONS))
    keep = [[ctx.button("profile.keep", "profile", "keep")]] if edit else []
    if question == "producer_type":
        rows = [[Button(ctx.t.content(pt.label), f"profile:type:{pt.code}")] for pt in ctx.content.programme.producer_types.items]
        ctx.reply_text(f"{progress}\n{ctx.t(ASK[question])}", buttons=rows + keep)
    elif question == "product_group":
        rows = [[Button(ctx.t.content(g.label), f"profile:group:{g.code}")] for g in ctx.content.programme.product_groups.items]
        ctx.reply_text(f"{progress}\n{ctx.t(ASK[question])}", buttons=rows + keep)
    elif question == "phone":
        rows = [[ctx.button("profile.phone_skip", "profile", "phone_skip")]]
        ctx.reply_text(f"{progress}\n{ctx.t(ASK[question])}", buttons=rows + keep,
                       request_contact=ctx.t("profile.phone_share"))
    else:
        ctx.reply_text(f"{progress}\n{ctx.t(ASK[question])}", buttons=keep)


def after_answer(ctx: Context) -> None:
    """Next question, or back to the summary when editing from Settings."""
    if ctx.data.get("edit"):
        show_summary(ctx, "profile.saved")
    else:
        ask_next(ctx)


def finish(ctx: Context) -> None:
    assert ctx.profile is not None
    if ctx.profile.completed_at is None:
        ctx.profile.completed_at = ctx.now
    show_menu(ctx, "profile.done")


async def _consented_profile(ctx: Context) -> bool:
    """Profile answers are stored only with consent; without it, explain and offer it."""
    if ctx.user.consent_at is None:
        offer_consent(ctx)
        return False
    if ctx.profile is None:
        ctx.profile = await ctx.repos.profiles.ensure(ctx.user.id)
    return True


@router.on_answer("profile", "org_name")
async def answer_org_name(ctx: Context) -> None:
    """Stores the organisation or owner name; asks the producer type next."""
    name = clean_user_text(ctx.text, 200)
    if ctx.inbound.kind is not Kind.TEXT or len(name) < 2:
        ctx.reply("profile.org_name_invalid")
        return
    if await _consented_profile(ctx):
        ctx.profile.org_name = name  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_button("profile", "type")
async def choose_producer_type(ctx: Context) -> None:
    """Stores the type of producer; asks the commune next."""
    if ctx.arg not in ctx.content.programme.producer_type_by_code:
        ask(ctx, "producer_type", edit=bool(ctx.data.get("edit")))
        return
    if await _consented_profile(ctx):
        ctx.profile.producer_type = ctx.arg  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_answer("profile", "commune", "commune_confirm")
async def answer_commune(ctx: Context) -> None:
    """Matches the typed commune or ward (diacritics optional) and asks to confirm it with buttons."""
    matches = ctx.content.communes.match(ctx.text) if ctx.inbound.kind is Kind.TEXT else []
    if not matches:
        ctx.reply("profile.commune_not_found", typed=clean_user_text(ctx.text, 60))
        return
    rows = [[Button(c.name, f"profile:commune:{c.code}")] for c in matches]
    rows.append([ctx.button("profile.commune_retry", "profile", "commune_retry")])
    ctx.go("profile", "commune_confirm", edit=bool(ctx.data.get("edit")))
    ctx.reply("profile.commune_confirm", buttons=rows)


@router.on_button("profile", "commune")
async def confirm_commune(ctx: Context) -> None:
    """Stores the confirmed commune code; asks the product group next."""
    if ctx.arg not in ctx.content.communes.by_code:
        ask(ctx, "commune", edit=bool(ctx.data.get("edit")))
        return
    if await _consented_profile(ctx):
        ctx.profile.commune_code = ctx.arg  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_button("profile", "commune_retry")
async def retry_commune(ctx: Context) -> None:
    """None of the proposed communes: asks to type it again."""
    ask(ctx, "commune", edit=bool(ctx.data.get("edit")))


@router.on_button("profile", "group")
async def choose_product_group(ctx: Context) -> None:
    """Stores the OCOP product group; asks the main product next."""
    if ctx.arg not in ctx.content.programme.group_by_code:
        ask(ctx, "product_group", edit=bool(ctx.data.get("edit")))
        return
    if await _consented_profile(ctx):
        ctx.profile.product_group = ctx.arg  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_answer("profile", "producer_type", "product_group")
async def expected_a_choice(ctx: Context) -> None:
    """Typed text where a button was expected (and it matched no button): asks the same question again."""
    ctx.reply("profile.choose_button")
    ask(ctx, ctx.state.step or "producer_type", edit=bool(ctx.data.get("edit")))


@router.on_answer("profile", "main_product")
async def answer_main_product(ctx: Context) -> None:
    """Stores the main product's name; asks for a phone number next (optional)."""
    product = clean_user_text(ctx.text, 200)
    if ctx.inbound.kind is not Kind.TEXT or len(product) < 2:
        ctx.reply("profile.main_product_invalid")
        return
    if await _consented_profile(ctx):
        ctx.profile.main_product = product  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_answer("profile", "phone")
async def answer_phone(ctx: Context) -> None:
    """Stores a shared contact or a typed Vietnamese phone number; then the menu."""
    raw = ctx.inbound.phone if ctx.inbound.kind is Kind.CONTACT else ctx.text
    phone = normalise_phone(raw)
    if phone is None:
        skip = ctx.button("profile.phone_skip", "profile", "phone_skip")
        ctx.reply("profile.phone_invalid", buttons=[[skip]], request_contact=ctx.t("profile.phone_share"))
        return
    if await _consented_profile(ctx):
        ctx.profile.phone = phone  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_button("profile", "phone_skip")
async def skip_phone(ctx: Context) -> None:
    """No phone number: recorded as skipped (never asked again); then the menu."""
    if await _consented_profile(ctx):
        if ctx.profile.phone is None:  # type: ignore[union-attr]
            ctx.profile.phone = ""  # type: ignore[union-attr]
        after_answer(ctx)


@router.on_button("profile", "keep")
async def keep_answer(ctx: Context) -> None:
    """While editing: keep the current value and go back to the summary."""
    show_summary(ctx)


@router.on_button("profile", "edit")
async def edit_field(ctx: Context) -> None:
    """Settings → edit one profile field: asks that question again."""
    if ctx.arg not in QUESTIONS:
        show_summary(ctx)
    elif await _consented_profile(ctx):
        ask(ctx, ctx.arg, edit=True)


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
    rows = [[ctx.button(EDIT[q], "profile", "edit", q)] for q in QUESTIONS]
    rows.append([ctx.button("settings.back", "settings", "open"), *back_to_menu_row(ctx)])
    ctx.reply_text(f"{ctx.t(msgid)}\n\n{summary}", buttons=rows)
