"""Onboarding: greeting, language, consent; then the profile questions (profile.py); then the menu.

Every answer is saved the moment it is given, so a restart or another process resumes at the first
question not yet answered and never asks twice.
"""

from __future__ import annotations

from bot.core.context import Context, Router
from bot.core.messages import NO, YES
from handlers.producer import profile
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
    """Typed text where a choice was expected: repeat the question."""
    if ctx.state.step == "language":
        ask_language(ctx)
    else:
        ask_consent(ctx)
