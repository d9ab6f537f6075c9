"""The certified state an upgrade or a re-evaluation starts from (issue 12 item 4): the producer's latest
certified dossier (db/dossier_status.certified, recorded by officers), its expiry and re-evaluation window, the
stars of the last self-assessment finished since, and what kind the next dossier is (bot/domain/certified.py).

The self-assessment's opening and result screens, Mẫu 01 item 4 (handlers/producer/dossier_forms.py) and the
dossier checklist's kind (handlers/producer/dossier.py) read it; without a certified dossier they are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.context import Context
from bot.core.flows import Question, Run, Screen
from bot.core.i18n import N_
from bot.domain.certified import (
    CertificateDates,
    KindChoice,
    certificate_dates,
    likely_first,
    registration_kind,
)
from bot.officer.dossier_text import kind_name
from db import dossier_status as rows
from db.models import Dossier
from handlers.producer.journey_text import local_today

KIND_NOTE = {
    "window": N_("certified.kind_window"),
    "more_stars": N_("certified.kind_more_stars"),
    "before_window": N_("certified.kind_before_window"),
    "after_window": N_("certified.kind_after_window"),
}
# Facts the forms walk keeps beside Mẫu 01's answers (bot/core/flows.py `Flow.facts`); never stored.
LIKELY, NOTE, FILLED = "kind_likely", "kind_note", "kind_filled"
KIND_ON = "kind_on"
"""Stored beside the "kind" answer: the local day it was given. A kind given before the certificate (the first
registration's "lan-dau") is not this dossier's: it is read as not answered."""


@dataclass(frozen=True)
class Certified:
    dossier: Dossier
    stars: int
    dates: CertificateDates
    self_assessed: int | None
    """Stars of the last self-assessment finished since the certificate date (None: none, or no star)."""
    kind: KindChoice


async def certified_state(ctx: Context) -> Certified | None:
    """The producer's certified state, or None without a certified dossier."""
    dossier = await rows.certified(ctx.repos.session, ctx.user.id)
    if dossier is None or dossier.certificate_date is None or not dossier.stars:
        return None
    dates = certificate_dates(ctx.content.calendar, dossier.certificate_date)
    since = await stars_since(ctx, dossier.certificate_date)
    return Certified(dossier, dossier.stars, dates, since,
                     registration_kind(dates, dossier.stars, since, local_today(ctx)))


async def stars_since(ctx: Context, day: date) -> int | None:
    """The stars of the last finished self-assessment, if it was finished on or after `day` (local time)."""
    finished = await ctx.repos.assessments.finished_for_user(ctx.user.id, limit=1)
    last = finished[0] if finished else None
    if last is None or last.status != "done":
        return None
    moment = last.finished_at or last.updated_at
    return last.stars if moment.astimezone(ctx.t.tz).date() >= day else None


def holding_line(ctx: Context, state: Certified) -> str:
    """The assessment's opening line: product, stars, decision number and date, expiry; an upgrade or re-evaluation."""
    dossier = state.dossier
    return ctx.t("certified.holding", product=dossier.product, stars=str(state.stars),
                 decision=dossier.decision_number or "—", day=dossier.certificate_date, expiry=state.dates.expiry)


def kind_note(ctx: Context, state: Certified) -> str:
    """Why the kind is what it is (known), or what the producer should weigh (asked, the likely one first)."""
    dates = state.dates
    return ctx.t(KIND_NOTE[state.kind.reason], product=state.dossier.product, stars=str(state.stars),
                 self_stars=str(state.self_assessed or ""), expiry=dates.expiry, opens=dates.opens,
                 closes=dates.closes, kind=kind_name(ctx.t, state.kind.kind))


async def fill_kind(ctx: Context, answers: dict[str, Any]) -> None:
    """Mẫu 01 "Lần đăng ký đánh giá" from the certified state: a kind given before the certificate is dropped;
    the kind is filled in when it can be told (FILLED), else the likely one is kept for the question (LIKELY);
    NOTE says why. Nothing is stored: the producer's own answer, once given, wins."""
    state = await certified_state(ctx)
    if state is None:
        return
    given_on = str(answers.get(KIND_ON) or "")
    if answers.get("kind") is not None and given_on < state.dossier.certificate_date.isoformat():
        answers["kind"] = None
    answers[LIKELY], answers[NOTE] = state.kind.kind, kind_note(ctx, state)
    if answers.get("kind") is None and state.kind.known:
        answers["kind"], answers[FILLED] = state.kind.kind, "1"


def suggest_kind(run: Run, question: Question, screen: Screen) -> None:
    """Mẫu 01's kind question for a certified product (asked: the kind could not be told): why, the likely kind first."""
    likely = run.answers.get(LIKELY)
    if not likely:
        return
    screen.lines.append(str(run.answers.get(NOTE) or ""))
    offered = {option.code: option for option in run.options(question)}
    screen.options = [[run.answer_button(question, offered[code])] for code in likely_first(list(offered), likely)]
