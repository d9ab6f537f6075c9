"""Province deadlines changed by officers: the table overrides calendar.yaml, reminders follow a moved
deadline and drop a removed one (the tick and the worker driven by a fixed clock, as test_reminders_year)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.push_wiring import build_sources
from bot.pushes.delivery import DeliveryWorker
from db.models import OutboxMessage
from db.province_deadlines import ProvinceDeadlineRepository, merged_deadlines
from tests.conftest import Database, make_settings
from tests.pushes_support import RecordingChannel, add_producer

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


async def outbox(app: App) -> list[tuple[str, str, str | None]]:
    async with app.sessions() as session:
        query = select(OutboxMessage.source_key, OutboxMessage.status, OutboxMessage.outcome_detail)
        rows = (await session.execute(query.where(OutboxMessage.source_key.like("reminder:province-7d:%"))
                                      .order_by(OutboxMessage.id))).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_moving_a_deadline_moves_its_reminder_and_removing_one_cancels_it(database: Database) -> None:
    app = await App.create(make_settings(database), db=database.engine())
    try:
        clock = {"now": local(date(2026, 12, 8), 9)}
        channel = RecordingChannel(clock=lambda: clock["now"])
        sources = build_sources(app)
        reminders = sources["reminder"]
        worker = DeliveryWorker(app.sessions, {"telegram": channel}, sources, clock=lambda: clock["now"])
        async with app.sessions() as session, session.begin():
            await add_producer(session, 301)
        # The content's 15/12/2026 yearly report is the agencies' and communes' duty: never pushed to producers,
        # not even once an officer has edited it
        assert await reminders.tick(clock["now"]) == 0  # type: ignore[attr-defined]
        async with app.sessions() as session, session.begin():
            report = next(d for d in await merged_deadlines(session, app.content.calendar) if d.id == "bao-cao-nam-2026")
            await ProvinceDeadlineRepository(session).save(report.id, report.date, str(report.title), None, None,
                                                           clock["now"])
            assert next(d for d in await merged_deadlines(session, app.content.calendar)
                        if d.id == "bao-cao-nam-2026").audience == "officers"
            await ProvinceDeadlineRepository(session).save("hoi-nghi-ocop", date(2026, 12, 15), "Hội nghị OCOP", None, None,
                                                           clock["now"])
        # 7 days before a producers' deadline (15/12/2026) the reminder is queued…
        assert await reminders.tick(clock["now"]) == 1  # type: ignore[attr-defined]
        # …then an officer moves the deadline to 20/12 before it goes out: it is skipped, not sent
        async with app.sessions() as session, session.begin():
            deadline = next(d for d in await merged_deadlines(session, app.content.calendar) if d.id == "hoi-nghi-ocop")
            await ProvinceDeadlineRepository(session).save(deadline.id, date(2026, 12, 20), str(deadline.title), None, None,
                                                           clock["now"])
        await worker.run_until_idle()
        assert channel.sent == []
        assert await outbox(app) == [("reminder:province-7d:2026-12-15:hoi-nghi-ocop", "skipped", "calendar date changed")]
        # 7 days before the new date, a reminder keyed on the new date goes out
        clock["now"] = local(date(2026, 12, 13), 9)
        assert await reminders.tick(clock["now"]) == 1  # type: ignore[attr-defined]
        await worker.run_until_idle()
        assert len(channel.sent) == 1 and "20 thg 12, 2026" in channel.sent[0][1]
        assert (await outbox(app))[-1] == ("reminder:province-7d:2026-12-20:hoi-nghi-ocop", "sent", None)

        # a new deadline is added; its reminder is queued, then the deadline is removed: nothing is sent
        async with app.sessions() as session, session.begin():
            await ProvinceDeadlineRepository(session).save("hop-tinh", date(2027, 1, 10), "Họp tỉnh", None, None, clock["now"])
        clock["now"] = local(date(2027, 1, 3), 9)
        assert await reminders.tick(clock["now"]) == 1  # type: ignore[attr-defined]
        async with app.sessions() as session, session.begin():
            added = next(d for d in await merged_deadlines(session, app.content.calendar) if d.id == "hop-tinh")
            await ProvinceDeadlineRepository(session).remove(added, None, clock["now"])
            assert "hop-tinh" not in {d.id for d in await merged_deadlines(session, app.content.calendar)}
        await worker.run_until_idle()
        assert len(channel.sent) == 1
        assert (await outbox(app))[-1] == ("reminder:province-7d:2027-01-10:hop-tinh", "skipped", "calendar date changed")
        clock["now"] = local(date(2027, 1, 4), 9)
        assert await reminders.tick(clock["now"]) == 0  # type: ignore[attr-defined]
    finally:
        await app.close()
