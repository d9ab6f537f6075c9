"""Onboarding: greeting, language, consent; then the profile questions (profile.py); then the menu.

Every answer is saved the moment it is given, so a restart or another process resumes at the first
question not yet answered and never asks twice.
"""

from __future__ import annotations

from bot.context import Context, Router
from bot.i18n import LOCALES, N_
from bot.messages import Button
from handlers import profile
from handlers.menu import show_menu

router = Router()

LANGUAGE_LABELS = {"vi": N_("language.vi"), "en": N_("language.en")}


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
        profile.ask_next(ctx)
    else:
        show_menu(ctx, "onboarding.welcome_back")


def ask_language(ctx: Context, flow: str = "onboarding") -> None:
    ctx.go(flow, "language")
    ctx.reply(
        "onboarding.ask_language",
        buttons=[[Button(ctx.t(LANGUAGE_LABELS[code]), f"onb:lang:{code}") for code in LOCALES]],
    )


@router.on_button("onb", "lang")
async def choose_language(ctx: Context) -> None:
    """Stores the language; then asks consent (onboarding) or returns to settings."""
    if ctx.arg not in LOCALES:
        ask_language(ctx, ctx.state.flow or "onboarding")
        return
    ctx.user.locale = ctx.arg
    ctx.t = ctx.i18n.translator(ctx.arg)
    if ctx.state.flow == "settings":
        from handlers.settings import show_settings  # settings imports onboarding: import here

        ctx.reply("settings.language_saved")
        show_settings(ctx)
    elif ctx.user.consent_at is not None:
        ctx.reply("settings.language_saved")
        profile.ask_next(ctx)
    else:
        ask_consent(ctx)


def ask_consent(ctx: Context) -> None:
    ctx.go("onboarding", "consent")
    agree = ctx.button("onboarding.consent_yes", "onb", "consent", "yes")
    refuse = ctx.button("onboarding.consent_no", "onb", "consent", "no")
    ctx.reply("onboarding.consent", buttons=[[agree], [refuse]])


@router.on_button("onb", "consent")
async def answer_consent(ctx: Context) -> None:
    """Yes: records consent and starts the profile questions. No: nothing stored, questions still answered."""
    if ctx.arg == "yes":
        if ctx.user.consent_at is None:
            ctx.user.consent_at = ctx.now
        await ctx.repos.profiles.ensure(ctx.user.id)
        ctx.profile = await ctx.repos.profiles.for_user(ctx.user.id)
        ctx.reply("onboarding.consent_thanks")
        profile.ask_next(ctx)
    else:
        ctx.user.consent_at = None
        show_menu(ctx, "onboarding.consent_refused")


@router.on_answer("onboarding", "language", "consent")
async def expected_a_button(ctx: Context) -> None:
    """Typed text where a choice was expected: repeat the question."""
    if ctx.state.step == "language":
        ask_language(ctx)
    else:
        ask_consent(ctx)
