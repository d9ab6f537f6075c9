"""The dossier's way to the certificate (issue 12 item 4), on SQLite and PostgreSQL: the shared operation
refuses every change out of order and changes nothing then; each change writes one history row, one audit
row and one outbox row; a correction restores the fields and the certificate expiry; the officer chat tool
walks a dossier to its certificate; a producer forging the officer's buttons is refused; the producer sees
the status under "Hồ sơ của tôi"; an entered certificate date drives the re-evaluation reminders."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.content.calendar import add_months
from bot.officer import dossiers as ops
from bot.pushes.reminders import Reminders
from db import dossier_status as rows
from db.models import DossierEvent, OutboxMessage, UserDate
from tests.dossier_support import PRODUCT, counted, dossier_of, now, officer_app, seed_producer  # noqa: F401
from tests.transcript import Chat

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


async def seeded(app: App, chat_id: str = "p1") -> int:
    async with app.sessions() as session, session.begin():
        user = await seed_producer(session, app.content, chat_id)
        await rows.ensure_drafts(session, now())
        return user.id


async def change(app: App, dossier_id: int, status: str, **fields: object) -> DossierEvent:
    async with app.sessions() as session, session.begin():
        return await ops.change_status(session, app.content, dossier_id, None, ops.Change(status, **fields), now(),
                                       app.settings.timezone, by="test")


async def refused(app: App, dossier_id: int, status: str, **fields: object) -> str:
    with pytest.raises(ops.DossierRefused) as caught:
        await change(app, dossier_id, status, **fields)
    return caught.value.reason


async def test_transitions_in_order_and_every_refusal_changes_nothing(officer_app: App) -> None:  # noqa: F811
    app = officer_app
    user_id = await seeded(app)
    dossier = await dossier_of(app.sessions, user_id)
    assert (dossier.status, dossier.product) == ("draft", PRODUCT)
    today = datetime.now(ZONE).date()
    # out of order: no result, round or return before the dossier got there
    assert await refused(app, dossier.id, "result", stars=4, decision_number="1/QĐ", certificate_date=today) \
        == "dossiers.refused_transition"
    assert await refused(app, dossier.id, "evaluated", round_number=1) == "dossiers.refused_transition"
    assert await refused(app, dossier.id, "bogus") == "dossiers.refused_transition"
    assert await counted(app.sessions) == (0, 0, 0)
    await change(app, dossier.id, "filed")
    assert await refused(app, dossier.id, "returned", reasons="   ") == "dossiers.refused_reasons"
    await change(app, dossier.id, "returned", reasons="Thiếu phiếu kiểm nghiệm")
    assert (await dossier_of(app.sessions, user_id)).reasons == "Thiếu phiếu kiểm nghiệm"
    await change(app, dossier.id, "filed")
    await change(app, dossier.id, "forwarded")
    assert await refused(app, dossier.id, "evaluated", round_number=0) == "dossiers.refused_round"
    assert await refused(app, dossier.id, "evaluated", round_number=1, round_year=today.year + 5) == "dossiers.refused_round"
    await change(app, dossier.id, "evaluated", round_number=2)
    # the result: 1–2 stars get no decision or certificate (Điều 4.1.a); from 3 stars both are needed
    assert await refused(app, dossier.id, "result", stars=6) == "dossiers.refused_stars"
    assert await refused(app, dossier.id, "result", stars=2, decision_number="9/QĐ") == "dossiers.refused_no_certificate"
    assert await refused(app, dossier.id, "result", stars=4, certificate_date=today) == "dossiers.refused_decision"
    assert await refused(app, dossier.id, "result", stars=4, decision_number="12/QĐ-UBND") \
        == "dossiers.refused_certificate_date"
    assert await refused(app, dossier.id, "result", stars=4, decision_number="12/QĐ-UBND",
                         certificate_date=today + timedelta(days=1)) == "dossiers.refused_future_date"
    assert await counted(app.sessions) == (5, 5, 5)  # only the five accepted changes left a trace
    certified_on = today - timedelta(days=10)
    await change(app, dossier.id, "result", stars=4, decision_number="12/QĐ-UBND", certificate_date=certified_on)
    done = await dossier_of(app.sessions, user_id)
    assert (done.status, done.stars, done.decision_number, done.round_number, done.round_year) == \
        ("result", 4, "12/QĐ-UBND", 2, today.year)
    assert await refused(app, dossier.id, "filed") == "dossiers.refused_transition"  # a result is final
    async with app.sessions() as session:
        expiry = await session.get(UserDate, (user_id, "ocop_certificate_expiry"))
        keys = set((await session.execute(select(OutboxMessage.source_key).where(OutboxMessage.source == "dossier")))
                   .scalars())
    assert expiry is not None and expiry.value == add_months(certified_on, 36)  # Điều 4 khoản 3
    assert len(keys) == 6 and await counted(app.sessions) == (6, 6, 6)


async def test_a_stale_screen_is_refused_and_a_correction_restores_the_certificate_expiry(officer_app: App) -> None:  # noqa: F811
    app = officer_app
    user_id = await seeded(app)
    dossier = await dossier_of(app.sessions, user_id)
    for status, fields in (("filed", {}), ("forwarded", {}), ("evaluated", {"round_number": 1})):
        await change(app, dossier.id, status, **fields)
    with pytest.raises(ops.DossierRefused, match="refused_moved"):  # an officer still looking at "filed"
        async with app.sessions() as session, session.begin():
            await ops.change_status(session, app.content, dossier.id, None, ops.Change("returned", reasons="x"),
                                    now(), app.settings.timezone, expected="filed")
    day = datetime.now(ZONE).date() - timedelta(days=3)
    await change(app, dossier.id, "result", stars=3, decision_number="7/QĐ", certificate_date=day)
    async with app.sessions() as session, session.begin():
        await ops.undo_last(session, dossier.id, None, now(), by="test")
    back = await dossier_of(app.sessions, user_id)
    assert (back.status, back.stars, back.decision_number, back.certificate_date, back.round_number) == \
        ("evaluated", None, None, None, 1)
    async with app.sessions() as session:
        assert await session.get(UserDate, (user_id, "ocop_certificate_expiry")) is None
    async with app.sessions() as session, session.begin():
        await ops.undo_last(session, dossier.id, None, now(), by="test")  # and the round before it
    assert (await dossier_of(app.sessions, user_id)).status == "forwarded"
    assert await counted(app.sessions) == (6, 6, 6)  # corrections are changes too: recorded and pushed


async def test_the_officer_walks_a_dossier_to_its_certificate_in_chat_and_the_reminders_follow(officer_app: App) -> None:  # noqa: F811
    app = officer_app
    user_id = await seeded(app)
    officer = Chat(app.engine, "off1")
    await officer.send("hi")
    await officer.press("officer:menu")
    await officer.click("Hồ sơ OCOP")
    assert PRODUCT in officer.text and "HTX p1" in officer.text
    await officer.click("HTX p1")
    assert "Đang chuẩn bị" in officer.text
    await officer.click("Đã nộp tại xã")
    assert "Đã nộp tại UBND cấp xã" in officer.text
    await officer.click("Xã đã gửi lên tỉnh")
    await officer.click("Tỉnh đánh giá")
    await officer.send("2")  # the round, typed
    assert "đợt 2 năm" in officer.text
    await officer.click("Ghi kết quả")
    await officer.click("4⭐")
    await officer.send("   ")
    assert "Cần số quyết định" in officer.text  # and nothing changed
    await officer.send("1234/QĐ-UBND")
    await officer.send("31/02/2026")
    assert "chưa hiểu ngày" in officer.text
    today = datetime.now(ZONE).date()
    certified_on = add_months(today + timedelta(days=180), -36)  # its re-evaluation window opens today
    await officer.send(certified_on.strftime("%d/%m/%Y"))
    assert "4 sao" in officer.text and "1234/QĐ-UBND" in officer.text and "Chủ thể sẽ nhận" in officer.text
    dossier = await dossier_of(app.sessions, user_id)
    assert (dossier.status, dossier.stars, dossier.certificate_date) == ("result", 4, certified_on)
    assert await counted(app.sessions) == (4, 4, 4)
    # the certificate date feeds the re-evaluation reminders: expiry = date + 36 months (Điều 4 khoản 3)
    expiry = add_months(certified_on, 36)
    reminders = Reminders(app.sessions, app.content, app.i18n, app.settings.timezone, (time(0), time(0)))
    at_eight = datetime.combine(today, time(9), tzinfo=ZONE)
    assert await reminders.tick(at_eight) >= 1
    async with app.sessions() as session:
        keys = set((await session.execute(select(OutboxMessage.source_key)
                                          .where(OutboxMessage.user_id == user_id, OutboxMessage.source == "reminder")))
                   .scalars())
    assert f"reminder:ocop-reeval-opens:{expiry.isoformat()}" in keys
    # an upgrade starts from the certified state
    await officer.click("Hồ sơ nâng hạng")
    follow = await dossier_of(app.sessions, user_id)
    assert (follow.kind, follow.status, follow.certified_stars, follow.previous_id) == ("nang-hang", "draft", 4, dossier.id)
    assert "Bắt đầu từ hạng đang giữ: 4 sao" in officer.text

    # the producer sees it under "Hồ sơ của tôi", dates in local time
    producer = Chat(app.engine, "p1")
    await producer.press("dossier:open")
    await producer.click("Tình trạng hồ sơ")
    shown = producer.text
    assert "đang đạt 4 sao" in shown and "1234/QĐ-UBND" in shown and "đợt 2 năm" in shown
    assert f"{certified_on.day} thg {certified_on.month}, {certified_on.year}" in shown  # Babel, vi
    assert "🏠 Menu chính" in producer.labels()


async def test_a_producer_forging_the_officer_buttons_is_refused_and_nothing_changes(officer_app: App) -> None:  # noqa: F811
    app = officer_app
    user_id = await seeded(app)
    dossier = await dossier_of(app.sessions, user_id)
    producer = Chat(app.engine, "p1")
    await producer.send("xin chào")
    for forged in (f"odossier:to:{dossier.id}:filed:draft", "odossier:list:all:0", f"odossier:open:{dossier.id}",
                   f"odossier:m03:{dossier.id}", f"odossier:undo:{dossier.id}:1", "odossier:stars:4"):
        replies = await producer.press(forged)
        assert "chỉ dành cho cán bộ" in producer.text, forged
        assert all(r.attachment is None for r in replies), forged
    assert (await dossier_of(app.sessions, user_id)).status == "draft"
    assert await counted(app.sessions) == (0, 0, 0)
    # an officer's old or forged payload gets a polite answer, never a crash
    officer = Chat(app.engine, "off1")
    await officer.send("hi")
    for odd in ("odossier:open:999999", "odossier:open:x", f"odossier:to:{dossier.id}:result:draft",
                f"odossier:to:{dossier.id}:filed:forwarded", "odossier:round:1", "odossier:stars:9",
                f"odossier:undo:{dossier.id}:1", f"odossier:next:{dossier.id}:nang-hang"):
        await officer.press(odd)
        assert officer.text, odd
    assert (await dossier_of(app.sessions, user_id)).status == "draft"
    assert await counted(app.sessions) == (0, 0, 0)


async def test_an_english_producer_reads_the_status_and_its_push_in_english(officer_app: App) -> None:  # noqa: F811
    from bot.officer.dossier_push import DossierSource
    from db.models import User

    app = officer_app
    async with app.sessions() as session, session.begin():
        user = await seed_producer(session, app.content, "p-en", locale="en")
        await rows.ensure_drafts(session, now())
    dossier = await dossier_of(app.sessions, user.id)
    await change(app, dossier.id, "filed")
    await change(app, dossier.id, "returned", reasons="Phiếu kiểm nghiệm đã hết hạn")
    producer = Chat(app.engine, "p-en")
    await producer.press("dossier_status:show")
    shown = producer.text
    assert "Returned to be completed" in shown and "Phiếu kiểm nghiệm đã hết hạn" in shown  # the officer's words
    assert "Tình trạng" not in shown and "Đã nộp" not in shown
    async with app.sessions() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.user_id == user.id)
                                     .order_by(OutboxMessage.id.desc()))).scalars().first()
        prepared = await DossierSource(app.i18n, app.content).prepare(session, row, await session.get(User, user.id), now())
    [message] = prepared.parts
    assert message.text.startswith(f"📬 Update on the OCOP dossier of {PRODUCT}")
    assert "Status: Returned to be completed" in message.text
    assert [b.payload for row_ in message.buttons for b in row_] == ["dossier_status:show", "menu:open"]
