"""The language question, shared by onboarding and settings: each asks it under its own payload namespace
and decides for itself what comes next, so neither needs to know the other."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import LOCALES, N_
from bot.core.messages import Button

LANGUAGE_LABELS = {"vi": N_("language.vi"), "en": N_("language.en")}


def ask_language(ctx: Context, flow: str) -> None:
    """Waits in `flow` for the language; the buttons come back as `<flow>:language:<code>`."""
    ctx.go(flow, "language")
    ctx.reply("onboarding.ask_language",
              buttons=[[Button(ctx.t(LANGUAGE_LABELS[code]), f"{flow}:language:{code}") for code in LOCALES]])


def set_language(ctx: Context) -> bool:
    """Stores the language the pressed button names and speaks it from now on; False for a forged code."""
    if ctx.arg not in LOCALES:
        return False
    ctx.user.locale = ctx.arg
    ctx.t = ctx.i18n.translator(ctx.arg)
    return True
