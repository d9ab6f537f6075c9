"""The monthly market bulletin: a price table (CSV) and a summary become a message and a chart, sent to
subscribed producers through the outbox and kept for reading again from the menu.

CSV columns: product, market, unit, price (this month), last_price (last month), in VND. Lines starting
with "#" are comments (the sample file says SAMPLE DATA there). Every error names its line.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.config import Settings
from bot.core.i18n import I18n, Translator
from bot.core.messages import Attachment, Outgoing, Purpose
from bot.core.outbox import Prepared, enqueue, outbox_row, push_allowed
from db.models import Bulletin, OutboxMessage, Profile, PushPreference, User, utcnow

SOURCE = "bulletin"
COLUMNS = ("product", "market", "unit", "price", "last_price")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CAPTION_LIMIT = 1000  # Telegram photo captions stop at 1024 characters


class BulletinError(Exception):
    """A problem in the officer's input, with the file and line to fix. `str()` is the English sentence the
    CLI prints; `explain(t)` is the same in the officer's language (a catalog id and its values)."""

    def __init__(self, message: str, msgid: str = "", **values: Any) -> None:
        super().__init__(message)
        self.msgid, self.values = msgid, values

    def explain(self, t: Translator) -> str:
        return t(self.msgid, **self.values) if self.msgid else str(self)


@dataclass(frozen=True)
class Price:
    product: str
    market: str
    unit: str
    price: int
    last_price: int

    @property
    def change(self) -> float:
        return (self.price - self.last_price) / self.last_price

    def as_dict(self) -> dict[str, Any]:
        return {"product": self.product, "market": self.market, "unit": self.unit,
                "price": self.price, "last_price": self.last_price}


def parse_month(value: str) -> date:
    match = MONTH.match(value.strip())
    if not match:
        raise BulletinError(f"month {value!r} must look like YYYY-MM, e.g. 2026-11", "bulletin.err_month", month=value)
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_label(month: str) -> str:
    """"2026-12" → "12/2026", how officers and producers write a month."""
    return f"{month[5:7]}/{month[:4]}" if MONTH.match(month) else month


def _amount(text: str, where: str, column: str, line: int) -> int:
    cleaned = text.strip().replace(" ", "").replace(".", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BulletinError(f"{where}: {column} {text!r} is not a number of đồng (e.g. 85000)", "bulletin.err_number",
                            line=str(line), column=column, value=text) from None
    if value <= 0:
        raise BulletinError(f"{where}: {column} must be more than 0, not {text!r}", "bulletin.err_positive",
                            line=str(line), column=column, value=text)
    return int(value)


def parse_prices(text: str, name: str = "prices.csv") -> list[Price]:
    """The price rows of a CSV text; raises BulletinError naming the file and line of the first problem."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise BulletinError(f"{name}: no price rows (columns: {', '.join(COLUMNS)})", "bulletin.err_empty",
                            columns=",".join(COLUMNS))
    header_number, header = lines[0]
    columns = [c.strip().lower() for c in next(csv.reader([header]))]
    if tuple(columns) != COLUMNS:
        raise BulletinError(f"{name}: line {header_number}: header must be {','.join(COLUMNS)}, not {header.strip()!r}",
                            "bulletin.err_header", line=str(header_number), columns=",".join(COLUMNS), header=header.strip())
    prices: list[Price] = []
    seen: set[tuple[str, str]] = set()
    for number, line in lines[1:]:
        where = f"{name}: line {number}"
        cells = [c.strip() for c in next(csv.reader([line]))]
        if len(cells) != len(COLUMNS):
            raise BulletinError(f"{where}: {len(cells)} values, expected {len(COLUMNS)} ({', '.join(COLUMNS)})",
                                "bulletin.err_cells", line=str(number), found=len(cells), expected=len(COLUMNS),
                                columns=",".join(COLUMNS))
        product, market, unit = cells[:3]
        for column, value in (("product", product), ("market", market), ("unit", unit)):
            if not value or len(value) > 80:
                raise BulletinError(f"{where}: {column} must be 1 to 80 characters", "bulletin.err_length",
                                    line=str(number), column=column)
        if (product, market) in seen:
            raise BulletinError(f"{where}: {product!r} at {market!r} is listed twice", "bulletin.err_twice",
                                line=str(number), product=product, market=market)
        seen.add((product, market))
        prices.append(Price(product, market, unit, _amount(cells[3], where, "price", number),
                            _amount(cells[4], where, "last_price", number)))
    if not prices:
        raise BulletinError(f"{name}: the header is there but no price rows follow", "bulletin.err_no_rows")
    if len(prices) > 30:
        raise BulletinError(f"{name}: {len(prices)} rows; a bulletin shows at most 30 (a chart stays readable)",
                            "bulletin.err_too_many", rows=len(prices), most=30)
    return prices


def prices_of(bulletin: Bulletin) -> list[Price]:
    return [Price(**p) for p in bulletin.prices]


# --- rendering --------------------------------------------------------------------------------------------


def arrow(change: float) -> str:
    return "▲" if change > 0 else "▼" if change < 0 else "="


def render_text(bulletin: Bulletin, t: Translator) -> str:
    """The bulletin as a readable message in the translator's language."""
    month = parse_month(bulletin.month)
    summary = (bulletin.summary_en if t.locale == "en" and bulletin.summary_en else bulletin.summary_vi).strip()
    lines = [t("bulletin.heading", month=t.date(month, "MM/yyyy")), "", summary, "", t("bulletin.prices_heading")]
    for p in prices_of(bulletin):
        lines.append(t("bulletin.price_line", product=p.product, market=p.market, unit=p.unit,
                       price=t.money(p.price), arrow=arrow(p.change), change=t.percent(p.change)))
    lines += ["", t("bulletin.footer")]
    return "\n".join(lines)


def render_chart(bulletin: Bulletin, t: Translator) -> bytes:
    """A PNG: this month's price per product (bars) and its change since last month (%)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    prices = prices_of(bulletin)
    labels = [f"{p.product}\n({p.market})" for p in prices]
    figure = Figure(figsize=(8, 1.6 + 0.55 * len(prices) * 2), dpi=100)
    price_axes, change_axes = figure.subplots(2, 1)
    positions = list(range(len(prices)))
    price_axes.barh(positions, [p.price for p in prices], color="#2e7d32")
    price_axes.set_yticks(positions, labels, fontsize=8)
    price_axes.invert_yaxis()
    price_axes.set_title(t("bulletin.chart_price", month=t.date(parse_month(bulletin.month), "MM/yyyy")), fontsize=10)
    for y, p in zip(positions, prices, strict=True):
        price_axes.text(p.price, y, " " + t.money(p.price), va="center", fontsize=7)
    changes = [p.change * 100 for p in prices]
    change_axes.barh(positions, changes, color=["#c62828" if c < 0 else "#1565c0" for c in changes])
    change_axes.set_yticks(positions, labels, fontsize=8)
    change_axes.invert_yaxis()
    change_axes.axvline(0, color="black", linewidth=0.8)
    change_axes.set_title(t("bulletin.chart_change"), fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def render_parts(bulletin: Bulletin, t: Translator, chart: bytes) -> list[Outgoing]:
    """Chart first (with a short caption), then the full text: two messages, each within its limit."""
    month = t.date(parse_month(bulletin.month), "MM/yyyy")
    caption = t("bulletin.chart_caption", month=month)[:CAPTION_LIMIT]
    image = Attachment(f"ban-tin-{bulletin.month}.png", chart, is_image=True)
    return [Outgoing(text=caption, attachment=image), Outgoing(text=render_text(bulletin, t))]


# --- scheduling and delivery ---------------------------------------------------------------------------------


def default_send_time(month: date, day: int, hour: int, timezone: str) -> datetime:
    """Day `day` of the bulletin's month at `hour` local time, in UTC."""
    local = datetime.combine(month.replace(day=day), time(hour), tzinfo=ZoneInfo(timezone))
    return local.astimezone(ZoneInfo("UTC"))


class BulletinSource:
    """Renders a bulletin for one recipient (cached per bulletin and language) and enqueues due ones."""

    name = SOURCE

    def __init__(self, i18n: I18n) -> None:
        self.i18n = i18n
        self._charts: dict[tuple[int, str], bytes] = {}
        self._bulletins: dict[int, Bulletin] = {}

    async def chart(self, bulletin: Bulletin, t: Translator) -> bytes:
        """Drawn once per bulletin and language (in a thread: the event loop keeps sending meanwhile)."""
        key = (bulletin.id, t.locale)
        if key not in self._charts:
            self._charts[key] = await asyncio.to_thread(render_chart, bulletin, t)
        return self._charts[key]

    async def prepare(self, session: AsyncSession, row: OutboxMessage, user: User, now: datetime) -> Prepared:
        reason = await push_allowed(session, user, "bulletin")
        if reason:
            return Prepared(skip=reason)
        bulletin_id = int(row.data["bulletin"])
        bulletin = self._bulletins.get(bulletin_id) or await session.get(Bulletin, bulletin_id)
        if bulletin is None:
            return Prepared(skip="bulletin deleted")
        self._bulletins[bulletin_id] = bulletin
        t = self.i18n.translator(user.locale)
        return Prepared(render_parts(bulletin, t, await self.chart(bulletin, t)))

    async def enqueue_due(self, session: AsyncSession, now: datetime) -> int:
        """Write outbox rows for every bulletin whose time has come (once: `enqueued_at` is then set)."""
        due = (await session.execute(select(Bulletin).where(
            Bulletin.scheduled_at <= now, Bulletin.enqueued_at.is_(None)).with_for_update(skip_locked=True))).scalars()
        written = 0
        for bulletin in due:
            written += await enqueue(session, [
                outbox_row(SOURCE, f"{SOURCE}:{bulletin.month}", user, Purpose.BULLETIN, bulletin.scheduled_at or now,
                           {"bulletin": bulletin.id})
                for user in await subscribers(session, bulletin)
            ])
            bulletin.enqueued_at = now
        return written


async def subscribers(session: AsyncSession, bulletin: Bulletin) -> list[dict[str, Any]]:
    """Producers who get this bulletin: consent, notifications on, bulletin not turned off, and (when the
    bulletin names product groups) a profile in one of them."""
    turned_off = exists().where(PushPreference.user_id == User.id, PushPreference.kind == "bulletin",
                                PushPreference.enabled.is_(False))
    query = (select(User.id, User.channel, User.channel_user_id)
             .where(User.active.is_(True), User.notifications.is_(True), User.consent_at.is_not(None), ~turned_off))
    if bulletin.groups:
        query = query.join(Profile, Profile.user_id == User.id).where(Profile.product_group.in_(bulletin.groups))
    rows = (await session.execute(query)).all()
    return [{"id": r[0], "channel": r[1], "channel_user_id": r[2]} for r in rows]


async def create_bulletin(session: AsyncSession, month: str, summary_vi: str, prices_csv: str, *,
                          summary_en: str | None = None, groups: list[str] | None = None,
                          prices_name: str = "prices.csv", known_groups: set[str] | None = None) -> Bulletin:
    """Create or replace a month's bulletin (not once it has gone out)."""
    parse_month(month)
    prices = parse_prices(prices_csv, prices_name)
    if not summary_vi.strip():
        raise BulletinError("the summary is empty", "bulletin.err_summary")
    unknown = [g for g in groups or [] if known_groups is not None and g not in known_groups]
    if unknown:
        raise BulletinError(f"unknown product group(s) {unknown}; known: {sorted(known_groups or [])}",
                            "bulletin.err_groups", groups=", ".join(unknown))
    bulletin = await by_month(session, month)
    if bulletin is not None and bulletin.enqueued_at is not None:
        raise BulletinError(f"the {month} bulletin has already gone out; it cannot be changed", "bulletin.err_gone",
                            month=month_label(month))
    if bulletin is None:
        bulletin = Bulletin(month=month, created_at=utcnow())
        session.add(bulletin)
    bulletin.summary_vi, bulletin.summary_en = summary_vi.strip(), (summary_en or "").strip() or None
    bulletin.prices, bulletin.groups = [p.as_dict() for p in prices], list(groups or [])
    await session.flush()
    return bulletin


async def by_month(session: AsyncSession, month: str) -> Bulletin | None:
    return (await session.execute(select(Bulletin).where(Bulletin.month == month))).scalar_one_or_none()


async def schedule_bulletin(session: AsyncSession, settings: Settings, month: str, *, now: datetime,
                            immediately: bool = False) -> Bulletin:
    bulletin = await by_month(session, month)
    if bulletin is None:
        raise BulletinError(f"no bulletin for {month}: create it first (ocop-bot bulletin create)", "bulletin.err_missing",
                            month=month_label(month))
    if bulletin.enqueued_at is not None:
        raise BulletinError(f"the {month} bulletin went out already ({bulletin.enqueued_at:%Y-%m-%d %H:%M} UTC)",
                            "bulletin.err_gone", month=month_label(month))
    planned = default_send_time(parse_month(month), settings.bulletin_day, settings.bulletin_hour, settings.timezone)
    bulletin.scheduled_at = now if immediately or planned < now else planned
    return bulletin
