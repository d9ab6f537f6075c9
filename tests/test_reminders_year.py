"""A fixed clock walks a year hour by hour, calling the tick and the delivery worker directly (APScheduler
only triggers them in production): every reminder fires once at its local hour, none in quiet hours,
none after the producer opted out or fixed the cause."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import App
from bot.content.documents import checklist
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from bot.pushes.quiet import in_quiet_hours
from bot.pushes.scheduler import PushScheduler
from db.models import Assessment, DossierItem, OutboxMessage, User, UserDate
from db.pushes import PushPreferences
from tests.conftest import Database, make_settings
from tests.pushes_support import RecordingChannel, add_producer

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 12, 1, 0, 0, tzinfo=ZONE)
DAYS = 365


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


async def complete_dossier(app: App, user_id: int) -> None:
    async with app.sessions() as session, session.begin():
        for item in checklist(app.content.documents, "lan-dau", "htx", "thuc-pham"):
            await session.merge(DossierItem(user_id=user_id, kind="lan-dau", item_id=item.id, has_it=True,
                                            updated_at=datetime.now(UTC)))


async def set_date(app: App, user_id: int, kind: str, value: date) -> None:
    async with app.sessions() as session, session.begin():
        await session.merge(UserDate(user_id=user_id, kind=kind, value=value, updated_at=datetime.now(UTC)))


async def test_a_year_of_reminders_each_once_at_its_hour(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    now = START.astimezone(UTC)
    channel = RecordingChannel(clock=lambda: now)
    sources = build_sources(app)
    scheduler = PushScheduler(app.sessions, sources["reminder"], sources["bulletin"])  # type: ignore[arg-type]
    worker = DeliveryWorker(app.sessions, {"telegram": channel}, sources, clock=lambda: now,
                            quiet=(app.settings.quiet_start, app.settings.quiet_end))
    ids: dict[str, int] = {}
    async with app.sessions() as session, session.begin():
        for name, chat in (("A", 101), ("B", 102), ("C", 103), ("D", 104), ("F", 106), ("G", 107), ("H", 108), ("I", 109)):
            user = await add_producer(session, chat, consent=name != "I", notifications=name != "H")
            ids[name] = user.id
    for name in ("A", "B", "C", "G", "H"):
        await complete_dossier(app, ids[name])
    await set_date(app, ids["A"], "ocop_certificate_expiry", date(2027, 6, 15))
    await set_date(app, ids["B"], "food_safety_expiry", date(2027, 3, 1))
    await set_date(app, ids["C"], "ocop_certificate_expiry", date(2027, 4, 10))
    await set_date(app, ids["H"], "ocop_certificate_expiry", date(2027, 2, 1))

    calendar = app.content.calendar
    filing_1 = calendar.latest_filing_date(date(2027, 4, 30))
    filing_2 = calendar.latest_filing_date(date(2027, 10, 30))

    async def opt_out_b() -> None:
        async with app.sessions() as session, session.begin():
            await PushPreferences(session).set(ids["B"], "certificates", enabled=False)

    async def move_c() -> None:
        await set_date(app, ids["C"], "ocop_certificate_expiry", date(2028, 1, 10))

    async def pause_g() -> None:
        async with app.sessions() as session, session.begin():
            moment = local(date(2027, 2, 10), 22, 30).astimezone(UTC)
            session.add(Assessment(user_id=ids["G"], rule_set="qd26-2026", product_set="7", answers={"A1": 1},
                                   status="paused", started_at=moment, updated_at=moment))

    async def f_fixes_dossier() -> None:
        await complete_dossier(app, ids["F"])

    changes: list[tuple[datetime, Callable[[], Awaitable[None]]]] = sorted([
        (local(date(2027, 1, 15), 12), opt_out_b),
        (local(date(2027, 1, 5), 12), move_c),
        (local(date(2027, 2, 10), 22, 30), pause_g),
        (local(filing_1 - timedelta(days=5), 12), f_fixes_dossier),
    ], key=lambda change: change[0])

    # No producer hears of the province's 15/12 yearly report: it is the agencies' and communes' duty
    # (calendar.yaml `audience: officers`). The OCOP certificate's reminders fall inside the re-evaluation
    # window (−180, −150, −127) and one says, after day −120, what still applies (−119).
    expected = {
        ("A", local(date(2026, 12, 17), 8)), ("A", local(date(2027, 1, 16), 8)),
        ("A", local(date(2027, 2, 8), 8)), ("A", local(date(2027, 2, 16), 8)),
        ("B", local(date(2026, 12, 1), 8)),  # food safety −90; −30 and −7 after opting out
        # C's first date (2027-04-10): −127 and −119 went before it was moved on 5/1; then the new date only
        ("C", local(date(2026, 12, 4), 8)), ("C", local(date(2026, 12, 12), 8)),
        ("C", local(date(2027, 7, 14), 8)), ("C", local(date(2027, 8, 13), 8)),
        ("C", local(date(2027, 9, 5), 8)), ("C", local(date(2027, 9, 13), 8)),
        ("D", local(filing_1 - timedelta(days=14), 8)), ("D", local(filing_1 - timedelta(days=3), 8)),
        ("D", local(filing_2 - timedelta(days=14), 8)), ("D", local(filing_2 - timedelta(days=3), 8)),
        ("F", local(filing_1 - timedelta(days=14), 8)),  # fixed the dossier before the −3
        ("G", local(date(2027, 2, 14), 7)),  # 3 days after 22:30: quiet, so the next 07:00
    }

    try:
        for step in range(DAYS * 24):
            now = (START + timedelta(hours=step)).astimezone(UTC)
            while changes and changes[0][0].astimezone(UTC) <= now:
                await changes.pop(0)[1]()
            if await scheduler.tick(now):
                await worker.run_until_idle()
        chats = {str(101 + i): name for i, name in enumerate("ABCDEFGHI")}
        got = [(chats[chat], at.astimezone(ZONE)) for chat, _text, at in channel.sent]
        assert sorted(got) == sorted(expected)
        assert Counter(got) == Counter(expected)  # each exactly once
        assert not [at for _n, at in got if in_quiet_hours(at, "Asia/Ho_Chi_Minh", time(21), time(7))]
        texts = {chats[chat]: text for chat, text, _at in channel.sent}
        assert "15 thg 6, 2027" in texts["A"] and "15 thg 2, 2027" in texts["A"]  # dates rendered at send time with Babel
        async with app.sessions() as session:
            skipped = (await session.execute(select(OutboxMessage.user_id).where(OutboxMessage.status == "skipped"))).scalars().all()
            assert ids["D"] not in skipped and ids["A"] in skipped  # A's dossier is complete: recorded, not sent
            assert (await session.execute(select(User.active).where(User.id == ids["A"]))).scalar_one()
    finally:
        await app.close()


async def test_a_reminder_queued_then_made_pointless_is_skipped_not_sent(database: Database) -> None:
    """Re-checked at send time: the date moved after the row was written (e.g. held by quiet hours)."""
    app = await App.create(make_settings(database), db=database.engine())
    try:
        now = local(date(2027, 3, 17), 8).astimezone(UTC)
        channel = RecordingChannel(clock=lambda: now)
        sources = build_sources(app)
        async with app.sessions() as session, session.begin():
            user = await add_producer(session, 201)
        await set_date(app, user.id, "ocop_certificate_expiry", date(2027, 6, 15))
        assert await sources["reminder"].tick(now) >= 1  # type: ignore[attr-defined]
        await set_date(app, user.id, "ocop_certificate_expiry", date(2028, 6, 15))
        async with app.sessions() as session, session.begin():
            await session.execute(update(User).where(User.id == user.id).values(locale="en"))
        worker = DeliveryWorker(app.sessions, {"telegram": channel}, sources, clock=lambda: now)
        await worker.run_until_idle()
        assert channel.sent == []
        async with app.sessions() as session:
            rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.outcome_detail)
                                          .where(OutboxMessage.source_key.like("reminder:ocop-reeval-closed:%")))).all()
        assert rows == [("skipped", "date changed")]
    finally:
        await app.close()
