"""Deadlines ("Hạn chót"): the next evaluation rounds with the latest day to file at the commune, the
province's own calendar, and the producer's personal dates (OCOP certificate expiry with its
re-evaluation window, expiring papers), sorted by date with the days left counted from today in Đồng Tháp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.context import Context, Router
from bot.core.i18n import N_
from bot.core.messages import Button
from db.province_deadlines import upcoming_deadlines
from handlers.producer.dossier_dates import DATE_KINDS, OCOP_CERTIFICATE
from handlers.producer.journey_text import basis_line, local_today, reply_in_parts
from handlers.producer.menu import back_to_menu_row

router = Router()

FOOD_SAFETY = DATE_KINDS["chung-nhan-attp"]
CERTIFICATE = DATE_KINDS[OCOP_CERTIFICATE]


@dataclass(frozen=True)
class Entry:
    day: date
    text: str
    expired: bool = False  # a paper already expired: kept in the list, marked, because it needs action


def round_entries(ctx: Context, today: date) -> list[Entry]:
    """Each next round: the latest day to file at the commune (provincial rounds), or the day the province
    sends 5★ dossiers up."""
    entries = []
    for upcoming in ctx.content.calendar.upcoming_rounds(today):
        title = ctx.t.content(upcoming.round.title)
        if upcoming.latest_filing is not None and not upcoming.late:
            text = ctx.t("deadlines.round_filing", title=title, forward=upcoming.forward_deadline,
                         ends=upcoming.ends_before)
            entries.append(Entry(upcoming.latest_filing, text))
        elif upcoming.latest_filing is not None:  # too late to count on the commune: say so, show the real deadline
            text = ctx.t("deadlines.round_late", title=title, latest=upcoming.latest_filing)
            entries.append(Entry(upcoming.forward_deadline, text))
        else:
            text = ctx.t("deadlines.round_province", title=title)
            entries.append(Entry(upcoming.forward_deadline, text))
    return entries


async def province_entries(ctx: Context, today: date) -> list[Entry]:
    """The province's deadlines in force (calendar.yaml as changed by officers: db/province_deadlines.py)."""
    deadlines = await upcoming_deadlines(ctx.repos.session, ctx.content.calendar, today, officer=ctx.is_officer)
    return [Entry(d.date, ctx.t.content(d.title)) for d in deadlines]


def personal_entries(ctx: Context, today: date, dates: dict[str, date]) -> list[Entry]:
    """The OCOP certificate's re-evaluation window and expiry, and the food-safety certificate's expiry."""
    entries = []
    expiry = dates.get(CERTIFICATE)
    if expiry is not None:
        opens, closes = ctx.content.calendar.reevaluation_window(expiry)
        if opens >= today:
            entries.append(Entry(opens, ctx.t("deadlines.window_opens", closes=closes, expiry=expiry)))
        if closes >= today:
            entries.append(Entry(closes, ctx.t("deadlines.window_closes", opens=opens, expiry=expiry)))
        entries.append(Entry(expiry, ctx.t("deadlines.certificate_expiry"), expired=expiry < today))
    food_safety = dates.get(FOOD_SAFETY)
    if food_safety is not None:
        entries.append(Entry(food_safety, ctx.t("deadlines.food_safety_expiry"), expired=food_safety < today))
    return entries


def when(ctx: Context, day: date, today: date) -> str:
    """"còn 12 ngày", "hôm nay", "ngày mai" or "đã qua"."""
    days = (day - today).days
    if days < 0:
        return ctx.t("deadlines.passed")
    if days <= 1:
        return ctx.t(N_("deadlines.today") if days == 0 else N_("deadlines.tomorrow"))
    return ctx.t("deadlines.days_left", days=str(days))


@router.on_button("deadlines", "open")
async def show_deadlines(ctx: Context) -> None:
    """Menu → "Deadlines": lists rounds, province dates and personal dates by date; stores nothing."""
    ctx.clear_flow()
    today = local_today(ctx)
    dates = await ctx.repos.user_dates.all_for(ctx.user.id) if ctx.user.consent_at else {}
    horizon = today + timedelta(days=2 * 366)  # two years ahead is enough; farther dates only add noise
    entries = round_entries(ctx, today) + await province_entries(ctx, today) + personal_entries(ctx, today, dates)
    entries = sorted((e for e in entries if e.day <= horizon or e.expired), key=lambda e: e.day)
    parts = [ctx.t("deadlines.title", today=today)]
    parts += [f"{'⚠️' if e.expired else '📅'} {ctx.t.date(e.day)} ({when(ctx, e.day, today)})\n{e.text}"
              for e in entries]
    advice = ctx.content.calendar.filing_advice
    parts.append(f"ℹ️ {ctx.t.content(advice.text)}\n{basis_line(ctx, advice)}")
    round_sources = {r.source: r for r in ctx.content.calendar.rounds}  # one line per distinct source
    parts.append("\n".join(basis_line(ctx, r) for r in round_sources.values()))
    rows: list[list[Button]] = []
    if CERTIFICATE not in dates:
        parts.append(ctx.t("deadlines.add_dates_hint"))
        rows.append([ctx.button("deadlines.add_dates", "dossier", "open")])
    reply_in_parts(ctx, parts, [*rows, back_to_menu_row(ctx)])
