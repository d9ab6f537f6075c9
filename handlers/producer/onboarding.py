"""Onboarding: greeting, language, consent; then the profile questions (profile.py); then the menu.

Every answer is saved the moment it is given, so a restart or another process resumes at the first
question not yet answered and never asks twice.
"""

from __future__ import annotations

from bot.core.context import Context, Router
from bot.core.i18n import LOCALES
from bot.core.messages import NO, YES
from bot.domain.faq_search import looks_english
from bot.domain.intents import classify
from handlers.producer import faq, profile
from handlers.producer.language import ask_language as _ask_language
from handlers.producer.language import set_language
from handlers.producer.menu import show_menu

router = Router()


@router.command("start")
async def on_start(ctx: Context) -> None:
    """Greets a new user and asks the language; a returning user resumes where they were or sees the menu."""
    if ctx.user.locale is None:
        ctx.reply("onboarding.greeting")
        ask_language(ctx)
    elif ctx.user.consent_at is None and ctx.profile is None and ctx.state.flow == "onboarding":
        ask_consent(ctx)
    elif ctx.user.consent_at is not None and profile.next_question(ctx) is not None:
        ctx.reply("onboarding.resume")
        await profile.ask_next(ctx)
    else:
        show_menu(ctx, "onboarding.welcome_back")


def ask_language(ctx: Context) -> None:
    _ask_language(ctx, "onboarding")


@router.on_button("onboarding", "language")
async def choose_language(ctx: Context) -> None:
    """Stores the language; then asks consent, or resumes the profile for a user who consented already."""
    if not set_language(ctx):
        ask_language(ctx)
        return
    if ctx.user.consent_at is not None:
        ctx.reply("settings.language_saved")
        await profile.ask_next(ctx)
    else:
        ask_consent(ctx)


def ask_consent(ctx: Context) -> None:
    ctx.go("onboarding", "consent")
    agree = ctx.button("onboarding.consent_yes", "onboarding", "consent", "yes", means=YES)
    refuse = ctx.button("onboarding.consent_no", "onboarding", "consent", "no", means=NO)
    ctx.reply("onboarding.consent", buttons=[[agree], [refuse]])


@router.on_button("onboarding", "consent")
async def answer_consent(ctx: Context) -> None:
    """Yes: records consent and starts the profile questions. No: nothing stored, questions still answered."""
    if ctx.arg == "yes":
        if ctx.user.consent_at is None:
            ctx.user.consent_at = ctx.now
        await ctx.repos.profiles.ensure(ctx.user.id)
        ctx.profile = await ctx.repos.profiles.for_user(ctx.user.id)
        ctx.reply("onboarding.consent_thanks")
        await profile.ask_next(ctx)
    else:
        ctx.user.consent_at = None
        show_menu(ctx, "onboarding.consent_refused")


@router.on_answer("onboarding", "language", "consent")
async def expected_a_button(ctx: Context) -> None:
    """Typed text where a choice was expected. At the language question a new user often types their
    question straight away: the text's own language is taken (said so, changeable in Settings), a question
    is answered at once (the FAQ needs no consent) and onboarding goes on with consent; nothing typed is
    lost. Elsewhere (consent), the question again."""
    if ctx.state.step != "language":
        ask_consent(ctx)
        return
    intent = classify(ctx.text, ctx.settings.default_locale)
    if intent is not None and intent.id == "language" and intent.arg in LOCALES:
        code = intent.arg
    else:
        code = "en" if looks_english(ctx.text) else "vi"
    ctx.user.locale = code
    ctx.t = ctx.i18n.translator(code)
    ctx.reply("onboarding.language_guessed")
    if intent is None and faq.chatter_reply(ctx.text) is None:
        await faq.answer_question(ctx)
    ask_consent(ctx)
